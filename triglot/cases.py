"""Canonical cases (tests/cases/<stem>.json) and how one case is judged.

A case: uuid, description, property (Scheme spelling), input (named, in the
function's parameter order), expected (the exact value, from mpmath), an
optional max_ulp (with the ulp_note that explains a large one), and optional
per-language outcomes, each citing the note that explains it.

Judging a case in one language:
  * a language with a documented outcome must give exactly that outcome;
  * every other language must be identical to each of the others, and lie
    within max_ulp of the exact value.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from . import registry
from .compare import first_difference, identical, within
from .languages import family
from .values import Error, describe, parse_value


@dataclass(frozen=True)
class Outcome:
    """A documented per-language outcome: a value or an error kind, and its note."""
    note: str
    value: object = None
    error: str | None = None
    defect: bool = False   # an implementation's answer that is not the mathematics (portability/)

    def matches(self, outcome) -> bool:
        if self.error is not None:
            return isinstance(outcome, Error) and not outcome.runner and outcome.kind == self.error
        return identical(outcome, self.value)

    def __str__(self):
        return f"error {self.error}" if self.error else describe(self.value)


@dataclass(frozen=True)
class Case:
    uuid: str
    description: str
    property: str
    input: dict
    expected: object          # text, or list of texts
    max_ulp: float
    ulp_note: str | None
    outcomes: dict = field(default_factory=dict)   # language or family -> Outcome
    reimplements: str | None = None

    @property
    def args(self) -> list:
        return [parse_value(self.input[p]) for p in registry.function(self.property).params]

    @property
    def short(self) -> str:
        return self.uuid[:8]

    def outcome_for(self, language: str) -> Outcome | None:
        return self.outcomes.get(language) or self.outcomes.get(family(language))


TRACE_FIELDS = ("loss", "w", "b")


def where_they_part(prop: str, lang: str, got, other: str, theirs) -> str:
    """Say where two languages' outcomes first differ: for a trace, the epoch and the value."""
    path, mine, its = first_difference(got, theirs)
    if prop == "fit-trace" and len(path) == 2:
        place = f"epoch {path[0] + 1}, {TRACE_FIELDS[path[1]]}: "
    elif path:
        place = "at [" + "][".join(map(str, path)) + "]: "
    else:
        place = ""
    return f"{place}{lang} gave {describe(mine)}, but {other} gave {describe(its)}"


@dataclass(frozen=True)
class Judgement:
    """One case in one language: status is identical, documented or FAIL."""
    status: str
    detail: str = ""
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "FAIL"


class BadCase(ValueError):
    pass


def _case(raw: dict, defaults: dict, where: str) -> Case:
    try:
        fn = registry.function(raw["property"])
        if set(raw["input"]) != set(fn.params):
            raise BadCase(f"input names {sorted(raw['input'])}, but {fn.name} takes {list(fn.params)}")
        outcomes = {}
        for lang, spec in raw.get("outcomes", {}).items():
            if "note" not in spec:
                raise BadCase(f"the {lang} outcome cites no note")
            outcomes[lang] = Outcome(spec["note"], parse_value(spec["value"]) if "value" in spec else None,
                                     spec.get("error"))
        case = Case(raw["uuid"], raw["description"], fn.name, dict(raw["input"]), raw["expected"],
                    raw.get("max_ulp", defaults[fn.name]), raw.get("ulp_note"), outcomes,
                    raw.get("reimplements"))
        case.args  # every input must parse
        return case
    except (KeyError, ValueError, registry.UnknownFunction) as e:
        raise BadCase(f"{where}: case {raw.get('uuid', '?')}: {type(e).__name__}: {e}") from None


@cache
def load() -> dict[str, list[Case]]:
    """Return the cases of every concept, by stem, in concept order, each with the outcomes
    portability/NAME.toml documents for the other Scheme implementations."""
    out = {}
    for concept in registry.concepts():
        path = registry.root() / "tests" / "cases" / f"{concept.stem}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        out[concept.stem] = [_case(raw, data["max_ulp"], path.name) for raw in data["cases"]]
    extra = portability()
    for cases in out.values():
        for c in cases:
            if c.uuid in extra:
                c.outcomes.update(extra[c.uuid])
    return out


@cache
def portability() -> dict[str, dict[str, Outcome]]:
    """Return, by case uuid, the outcomes portability/NAME.toml documents: {"scheme/NAME": Outcome}.

    A case's own outcomes are the canonical ones (Python, Hy, and Scheme as Guile runs
    it); an implementation that differs gets its outcome in its own file, with the note
    that says why (the notes live there too), so that the cases stay as they were made."""
    from .implementations import IMPLEMENTATIONS
    table: dict[str, dict[str, Outcome]] = {}
    known = {c["uuid"] for p in (registry.root() / "tests" / "cases").glob("*.json")
             for c in json.loads(p.read_text(encoding="utf-8"))["cases"]}
    for path in sorted((registry.root() / "portability").glob("*.toml")):
        scheme = path.stem
        if scheme not in IMPLEMENTATIONS:
            raise BadCase(f"portability/{path.name}: no Scheme implementation is called {scheme!r}")
        for i, raw in enumerate(registry.load_toml(f"portability/{path.name}").get("outcome", []), 1):
            where = f"portability/{path.name}, outcome {i}"
            try:
                case, note = raw["case"], raw["note"]
            except KeyError as e:
                raise BadCase(f"{where}: no {e.args[0]!r}") from None
            if case not in known:
                raise BadCase(f"{where}: no case {case!r} in tests/cases")
            if ("value" in raw) == ("error" in raw):
                raise BadCase(f"{where}: give a value or an error, not both nor neither")
            try:
                value = parse_value(raw["value"]) if "value" in raw else None
            except ValueError as e:
                raise BadCase(f"{where}: {e}") from None
            defect = raw.get("defect", False)
            if not isinstance(defect, bool):
                raise BadCase(f"{where}: defect is true or false")
            table.setdefault(case, {})[f"scheme/{scheme}"] = Outcome(note, value, raw.get("error"), defect)
    return table


def all_cases() -> list[Case]:
    return [c for cases in load().values() for c in cases]


def judge(case: Case, outcomes: dict) -> dict[str, Judgement]:
    """Return a Judgement per language for one case's outcomes."""
    plain = [lang for lang in outcomes if case.outcome_for(lang) is None]
    verdicts = {}
    for lang, got in outcomes.items():
        documented = case.outcome_for(lang)
        if documented is not None:
            verdicts[lang] = (Judgement("documented", f"{describe(got)} (note: {documented.note})",
                                        documented.note)
                              if documented.matches(got) else
                              Judgement("FAIL", f"got {describe(got)}, but the case documents "
                                                f"{documented} (note: {documented.note})"))
            continue
        others = [o for o in plain if o != lang and not identical(got, outcomes[o])]
        if others:
            parts = "; ".join(where_they_part(case.property, lang, got, o, outcomes[o]) for o in others)
            verdicts[lang] = Judgement("FAIL", parts)
            continue
        ok, err = within(got, case.expected, case.max_ulp)
        verdicts[lang] = (Judgement("identical", f"{describe(got)}, {err} ULP from exact") if ok else
                          Judgement("FAIL", f"got {describe(got)}, {err} ULP from the exact "
                                            f"{case.expected} (allowed: {case.max_ulp:g})"))
    return verdicts
