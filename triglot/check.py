"""Run every canonical case in every language, and judge one ad-hoc call.

`run_cases` is what `triglot check` and the pytest suite share: one batch per
language for all cases, then one Judgement per (case, language).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import cases as casefile
from . import notes, registry
from .compare import identical
from .languages import Languages


@dataclass(frozen=True)
class CaseResult:
    case: casefile.Case
    outcomes: dict          # language -> outcome
    judgements: dict        # language -> Judgement


def run_cases(langs: Languages, selected=None) -> list[CaseResult]:
    """Return the result of every case (or of `selected`), all languages batched."""
    chosen = list(selected) if selected is not None else casefile.all_cases()
    outcomes = langs.call_many([(c.property, c.args) for c in chosen])
    return [CaseResult(c, o, casefile.judge(c, o)) for c, o in zip(chosen, outcomes)]


def summary(results: list[CaseResult], languages: list[str]) -> list[dict]:
    """Return, per concept, per language: cases run, identical, documented (by note), failed."""
    rows = []
    for concept in registry.concepts():
        names = {f.name for f in concept.functions}
        mine = [r for r in results if r.case.property in names]
        for lang in languages:
            counts = Counter(r.judgements[lang].status for r in mine)
            by_note = Counter(r.judgements[lang].note for r in mine if r.judgements[lang].note)
            rows.append({"concept": concept.stem, "language": lang, "cases": len(mine),
                         "identical": counts["identical"], "documented": counts["documented"],
                         "notes": dict(by_note), "failed": counts["FAIL"]})
    return rows


@dataclass(frozen=True)
class CallVerdict:
    """The verdict on one call: identical, documented (with notes) or different."""
    status: str
    notes: tuple = ()

    @property
    def identical(self) -> bool:
        return self.status == "identical"


def verdict(function: str, outcomes: dict) -> CallVerdict:
    """Return the verdict for one call's outcomes in every language."""
    values = list(outcomes.values())
    if all(identical(values[0], v) for v in values[1:]):
        return CallVerdict("identical")
    explained = notes.explain(registry.function(function).name, outcomes)
    return CallVerdict("documented", tuple(explained)) if explained else CallVerdict("different")
