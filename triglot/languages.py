"""The languages under comparison, and one call made in all of them."""
from __future__ import annotations

from . import registry
from .inprocess import hy_runner, python_runner
from .scheme import IMPLEMENTATIONS, SchemeRunner


def family(language: str) -> str:
    """Return the language family: "scheme/guile" → "scheme"; "python" → "python"."""
    return language.split("/")[0]


class Languages:
    """The runners of every language, opened once and reused for many calls."""

    def __init__(self, schemes=("guile",), **scheme_options):
        self.runners = [python_runner(), hy_runner()]
        self.runners += [SchemeRunner(IMPLEMENTATIONS[s], **scheme_options) for s in schemes]

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.runners]

    def call_many(self, calls) -> list[dict]:
        """Return, per (function, args) call, {language: outcome}: one batch per language."""
        for name, args in calls:
            fn = registry.function(name)
            if len(args) != len(fn.params):
                raise TypeError(f"{fn.name} takes {len(fn.params)} argument(s) "
                                f"({' '.join(fn.params)}), got {len(args)}")
        canonical = [(registry.function(name).name, args) for name, args in calls]
        per_language = {r.name: r.call_many(canonical) for r in self.runners}
        return [{lang: per_language[lang][k] for lang in self.names} for k in range(len(calls))]

    def call(self, name: str, args: list) -> dict:
        return self.call_many([(name, args)])[0]

    def close(self):
        for r in self.runners:
            r.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
