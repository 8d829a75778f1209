"""The languages under comparison, and one call made in all of them."""
from __future__ import annotations

import threading
from operator import itemgetter

from . import registry
from .inprocess import hy_runner, python_runner
from .scheme import IMPLEMENTATIONS, SchemeRunner


def family(language: str) -> str:
    """Return the language family: "scheme/guile" → "scheme"; "python" → "python"."""
    return language.split("/")[0]


class Languages:
    """The runners of every language, opened once and reused for many calls."""

    def __init__(self, schemes=("guile",), timeout: float = 10.0, **scheme_options):
        """Open every language; each call in any of them may take at most `timeout` seconds."""
        self.runners = [python_runner(timeout), hy_runner(timeout)]
        self.runners += [SchemeRunner(IMPLEMENTATIONS[s], timeout=timeout, **scheme_options) for s in schemes]

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.runners]

    def call_many(self, calls) -> list[dict]:
        """Return, per (function, args) call, {language: outcome}: one batch per language."""
        return [dict(zip(self.names, row)) for row in self.call_rows(calls)]

    def call_rows(self, calls) -> list[tuple]:
        """Return, per (function, args) call, its outcomes as a tuple in the order of `names`."""
        return list(zip(*self.call_columns(calls)))

    def call_columns(self, calls) -> list[list]:
        """Return, per language (in the order of `names`), the outcomes of every call."""
        functions = {name: registry.function(name) for name in set(map(itemgetter(0), calls))}
        if len(functions) == 1:  # one function (the common case): the arities checked at once
            (fn,) = functions.values()
            lengths = set(map(len, map(itemgetter(1), calls)))
        if len(functions) != 1 or lengths != {len(fn.params)}:
            for name, args in calls:
                fn = functions[name]
                if len(args) != len(fn.params):
                    raise registry.BadCall(f"{fn.name} takes {len(fn.params)} argument(s) "
                                           f"({' '.join(fn.params)}), got {len(args)}")
        if any(fn.name != name for name, fn in functions.items()):  # the runners take Scheme spellings
            calls = [(functions[name].name, args) for name, args in calls]
        per_language = self._run_all(calls)
        return [per_language[lang] for lang in self.names]

    def _run_all(self, calls) -> dict:
        """Return {language: outcomes}.  Out-of-process runners work in threads while the
        in-process ones run here, so Guile computes while Python and Hy do.  An interrupt
        (Ctrl-C, SIGTERM) stops everything at once: the Scheme processes are killed."""
        done: dict = {}
        go, stopped = threading.Event(), []

        def run(runner):
            try:
                done[runner.name] = runner.call_many(calls)
            except Exception as e:  # handed to the caller below
                done[runner.name] = e

        def run_when_told(runner):
            # A thread that went straight to work would hold the GIL while Thread.start
            # waits for it, up to the switch interval (5 ms) a thread a batch.
            go.wait()
            if not stopped:
                run(runner)

        threads = [threading.Thread(target=run_when_told, args=(r,), daemon=True) for r in self.runners
                   if isinstance(r, SchemeRunner)]
        try:
            for t in threads:
                t.start()
            go.set()
            for r in self.runners:
                if not isinstance(r, SchemeRunner):
                    run(r)
            for t in threads:
                t.join()
        except BaseException:
            stopped.append(True)
            go.set()
            self.close()  # kills the Scheme processes; their threads end on the closed pipes
            raise
        for outcome in done.values():
            if isinstance(outcome, BaseException):
                raise outcome
        return done

    def call(self, name: str, args: list) -> dict:
        return self.call_many([(name, args)])[0]

    def close(self):
        for r in self.runners:
            r.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
