"""Translation notes: where the languages really differ, and why (notes.toml).

A note that explains a difference between languages has a `when` table: a
pattern per language family that the outcomes must match for the note to
apply.  A note without `when` explains an accuracy limit of a formula, not a
difference between languages.

Patterns: "error:KIND" (an error of that kind), "value" (any value), "nan",
"complex", "exact", "float" (a non-NaN float), "any", and "a|b" for either.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
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

    def explains(self, function: str, outcomes: dict) -> bool:
        """Return True when this note accounts for these outcomes of one call."""
        if not self.when or function not in self.functions:
            return False
        for language, outcome in outcomes.items():
            pattern = self.when.get(language) or self.when.get(language.split("/")[0])
            if pattern is None or not matches(pattern, outcome):
                return False
        return True


def matches(pattern: str, outcome) -> bool:
    """Return True when an outcome fits a `when` pattern ("a|b" means either)."""
    if pattern in ("any", "value"):
        return pattern == "any" or kind(outcome) != "error"
    if kind(outcome) == "list":  # kinds of number: every number in the list fits
        return all(matches(pattern, o) for o in outcome)
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
    """Return every note by id, in file order."""
    data = registry.load_toml("notes.toml")
    return {n["id"]: Note(n["id"], n["title"], n["text"].strip(), tuple(n.get("functions", ())),
                          dict(n.get("when", {})), tuple(n.get("cases", ())), tuple(n.get("tests", ())),
                          tuple(n.get("phrases", ())))
            for n in data["note"]}


def explain(function: str, outcomes: dict) -> list[Note]:
    """Return the notes that account for a difference in one call's outcomes."""
    return [n for n in notes().values() if n.explains(function, outcomes)]
