"""Run every canonical case in every language, and judge one ad-hoc call.

`run_cases` is what `triglot check` and the pytest suite share: one batch per
language for all cases, then one Judgement per (case, language).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from . import cases as casefile
from . import notes, registry
from .compare import identical
from .languages import Languages
from .values import Error


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


def report(results: list[CaseResult], languages: list[str]) -> list[str]:
    """Return `triglot check`'s lines for people: the summary per concept and language,
    each failure, and the totals."""
    lines = [f"{'concept':<19} {'language':<13} {'cases':>5} {'identical':>9} {'documented':>10} {'failed':>6}"]
    for row in summary(results, languages):
        cited = ", ".join(f"{k}×{v}" for k, v in row["notes"].items())
        lines.append(f"{row['concept']:<19} {row['language']:<13} {row['cases']:>5} {row['identical']:>9} "
                     f"{row['documented']:>10} {row['failed']:>6}" + (f"   {cited}" if cited else ""))
    failures = [(r, lang, j) for r in results for lang, j in r.judgements.items() if not j.ok]
    lines += [f"FAIL {r.case.property}[{lang}-{r.case.short}] {r.case.description}: {j.detail}"
              for r, lang, j in failures]
    total = sum(len(r.judgements) for r in results)
    documented = sum(j.status == "documented" for r in results for j in r.judgements.values())
    lines.append(f"{len(results)} cases × {len(languages)} languages = {total} checks: "
                 f"{total - documented - len(failures)} identical, {documented} documented differences, "
                 f"{len(failures)} unexplained")
    return lines


TIMEOUTS = ("SchemeTimeout", "CallTimeout")


@dataclass(frozen=True)
class CallVerdict:
    """The verdict on one call: identical, documented (with notes), different, or timeout
    (a language gave no answer in time: no verdict on the values can be given)."""
    status: str
    notes: tuple = ()

    @property
    def identical(self) -> bool:
        return self.status == "identical"


IDENTICAL = CallVerdict("identical")


def verdict(function: str, outcomes: dict, args=None) -> CallVerdict:
    """Return the verdict for one call's outcomes in every language (notes may ask for its args)."""
    values = list(outcomes.values())
    first = values[0]
    if type(first) is float and first == first and all(type(v) is float and v == first for v in values) and \
            (first != 0.0 or len({math.copysign(1.0, v) for v in values}) == 1):
        return IDENTICAL  # the common case, kept fast: the same non-NaN double everywhere
    if any(isinstance(v, Error) and v.runner and v.kind in TIMEOUTS for v in values):
        return CallVerdict("timeout")
    if all(identical(values[0], v) for v in values[1:]):
        return CallVerdict("identical")
    explained = notes.explain(registry.function(function).name, outcomes, args)
    return CallVerdict("documented", tuple(explained)) if explained else CallVerdict("different")
