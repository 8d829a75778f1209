"""Translation notes: where the languages really differ, and why (notes.toml).

A note that explains a difference between languages has a `when` table: a
pattern per language family that the outcomes must match for the note to
apply.  A note without `when` explains an accuracy limit of a formula, not a
difference between languages.

Patterns: "error:KIND" (an error of that kind), "value" (any value), "nan",
"complex", "exact", "float" (a non-NaN float), "any", and "a|b" for either.

Two optional fields narrow a note to the difference it really explains, so that
it can never excuse another: `arguments = "exact"` (it applies only to a call
with an exact number among its arguments) and `differ = "sign-of-zero"` (the
outcomes are alike but for the sign of a zero).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from . import registry
from .compare import kind
from .values import Error


@dataclass(frozen=True)
class Note:
    id: str
    title: str
    text: str
    functions: tuple[str, ...]
    when: dict
    cases: tuple[str, ...]
    tests: tuple[str, ...] = ()    # test files that show it, for a note no case can show
    phrases: tuple[str, ...] = ()  # phrasebook rows that show it (phrasebook.toml ids)
    arguments: str | None = None   # "exact": only for a call with an exact argument
    differ: str | None = None      # "sign-of-zero": the only difference allowed

    def explains(self, function: str, outcomes: dict, args=None) -> bool:
        """Return True when this note accounts for these outcomes of one call (made with args)."""
        if not self.when or function not in self.functions:
            return False
        if self.arguments == "exact" and not (args is not None and has_exact(args)):
            return False
        if self.differ and not alike(list(outcomes.values()), self.differ):
            return False
        for language, outcome in outcomes.items():
            pattern = self.when.get(language) or self.when.get(language.split("/")[0])
            if pattern is None or not matches(pattern, outcome):
                return False
        return True


def has_exact(value) -> bool:
    """Return True when a value is, or holds, an exact number."""
    if isinstance(value, list):
        return any(map(has_exact, value))
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


def alike(values: list, differ: str) -> bool:
    """Return True when the outcomes differ at most as `differ` allows, pairwise."""
    first, *rest = values
    return all(_alike(first, v, differ) for v in rest)


def _alike(a, b, differ: str) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_alike(x, y, differ) for x, y in zip(a, b))
    if type(a) is not float or type(b) is not float:
        return False
    if a != a or b != b:
        return a != a and b != b
    if differ == "sign-of-zero":
        return a == b  # 0.0 == -0.0: only the sign of a zero may differ
    raise ValueError(f"unknown differ {differ!r} in notes.toml")


def matches(pattern: str, outcome) -> bool:
    """Return True when an outcome fits a `when` pattern ("a|b" means either)."""
    if pattern in ("any", "value"):
        return pattern == "any" or kind(outcome) != "error"
    if kind(outcome) == "list":  # kinds of number: every number in the list fits one of them
        numbers = "|".join(p for p in pattern.split("|") if not p.startswith("error:"))
        return bool(numbers) and all(matches(numbers, o) for o in outcome)  # (a list is no error)
    if "|" in pattern:
        return any(matches(p, outcome) for p in pattern.split("|"))
    if pattern.startswith("error:"):
        return isinstance(outcome, Error) and not outcome.runner and outcome.kind == pattern[6:]
    k = kind(outcome)
    if pattern == "nan":
        return k == "float" and math.isnan(outcome)
    if pattern == "float":
        return k == "float" and not math.isnan(outcome)
    if pattern in ("complex", "exact"):
        return k == pattern
    raise ValueError(f"unknown pattern {pattern!r} in notes.toml")


@cache
def notes() -> dict[str, Note]:
    """Return every note by id, in file order: notes.toml, then each implementation's
    portability/NAME.toml (the differences of that Scheme from the canonical outcomes)."""
    raw = list(registry.load_toml("notes.toml")["note"])
    for path in sorted((registry.root() / "portability").glob("*.toml")):
        raw += registry.load_toml(f"portability/{path.name}").get("note", [])
    return {n["id"]: Note(n["id"], n["title"], n["text"].strip(), tuple(n.get("functions", ())),
                          dict(n.get("when", {})), tuple(n.get("cases", ())), tuple(n.get("tests", ())),
                          tuple(n.get("phrases", ())), n.get("arguments"), n.get("differ"))
            for n in raw}


@cache
def by_function() -> dict[str, list[Note]]:
    """Return, per function, the notes that may explain a difference of its calls, in file order."""
    table: dict[str, list[Note]] = {}
    for n in notes().values():
        if n.when:
            for f in n.functions:
                table.setdefault(f, []).append(n)
    return table


def explain(function: str, outcomes: dict, args=None) -> list[Note]:
    """Return the notes that account for a difference in one call's outcomes (made with args).

    With several Scheme implementations (`--scheme all`), no one note speaks of them all:
    the first implementation's outcomes with Python's and Hy's must be alike or explained,
    and each other implementation must give the first one's outcome or be explained beside
    Python and Hy on its own (its portability/NAME.toml notes)."""
    candidates = by_function().get(function, ())
    direct = [n for n in candidates if n.explains(function, outcomes, args)]
    schemes = [lang for lang in outcomes if lang.startswith("scheme/")]
    if direct or len(schemes) < 2:
        return direct
    from .compare import identical
    first, others = schemes[0], schemes[1:]
    plain = {lang: o for lang, o in outcomes.items() if lang not in others}
    found: list[Note] = []

    def part(sub: dict) -> bool:
        values = list(sub.values())
        if all(identical(values[0], v) for v in values[1:]):
            return True
        notes_ = [n for n in candidates if n.explains(function, sub, args)]
        found.extend(n for n in notes_ if n not in found)
        return bool(notes_)

    if not part(plain):
        return []
    for lang in others:
        if identical(outcomes[lang], outcomes[first]):
            continue
        if not part({k: o for k, o in outcomes.items() if k not in schemes or k == lang}):
            return []
    return found
