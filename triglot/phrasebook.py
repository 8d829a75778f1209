"""The phrasebook (phrasebook.toml): how a Scheme construct is written in Python and in Hy,
every cell run in its language, and where the three really part.

A row has an `id`, a `topic`, a `title`, the three cells `scheme`, `python` and `hy`
(each runs on its own; the row's value is the value of the cell's last expression),
`value` (what the row evaluates to, as the standards and the documentation say: a V
form, or "error:KIND"), and, where a language parts from it, `differs` (its outcome
per language family) with the `note` that explains why.  Judged like a case: a
language with a documented outcome must give exactly that; every other must give
`value`, identically (the comparison rule, with the phrasebook's kinds of value).
"""
from __future__ import annotations

import ast
import contextlib
import io
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

from . import registry
from .cases import Judgement, Outcome
from .languages import family
from .scheme import GUILE, SchemeRunner
from .values import Error, Opaque, Symbol, describe, parse_value

LIBRARIES = ("(scheme char)", "(scheme cxr)", "(scheme case-lambda)", "(srfi srfi-1)")  # Scheme cells see these
CELLS = ("scheme", "python", "hy")


def expected(text, note: str = "") -> Outcome:
    """Return the outcome a row's `value` or `differs` entry names (an Outcome, as a case's)."""
    if isinstance(text, str) and text.startswith("error:"):
        return Outcome(note, error=text[6:])
    return Outcome(note, parse_value(text, rich=True))


@dataclass(frozen=True)
class Row:
    id: str
    topic: str
    title: str
    scheme: str
    python: str
    hy: str
    value: Outcome
    differs: dict          # family or language -> Outcome
    note: str | None

    def cell(self, language: str) -> str:
        return getattr(self, family(language))


@cache
def rows() -> tuple[Row, ...]:
    """Return the rows of phrasebook.toml, in file order."""
    out = []
    for r in registry.load_toml("phrasebook.toml")["row"]:
        out.append(Row(r["id"], r["topic"], r["title"], r["scheme"].strip(), r["python"].strip(),
                       r["hy"].strip(), expected(r["value"]),
                       {k: expected(v, r.get("note", "")) for k, v in r.get("differs", {}).items()}, r.get("note")))
    return tuple(out)


def topics() -> list[str]:
    """Return the topics in the order they first appear."""
    return list(dict.fromkeys(r.topic for r in rows()))


# ---------------------------------------------------------------- running the cells

def from_python(v):
    """Return a Python or Hy result as a value: Hy's models as the data they stand for."""
    import hy.models as m
    if isinstance(v, m.Symbol):
        return Symbol(v)
    if isinstance(v, m.Keyword):
        return Opaque("keyword")
    if isinstance(v, (bool, Fraction)) or v is None:
        return v
    for kind in (int, float, complex):  # Hy's Integer, Float and Complex models too
        if isinstance(v, kind):
            return kind(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, (list, m.Expression)):
        return [from_python(x) for x in v]
    if isinstance(v, tuple):
        return tuple(from_python(x) for x in v)
    if isinstance(v, dict):
        return {from_python(k): from_python(x) for k, x in v.items()}
    return Opaque("procedure" if callable(v) else type(v).__name__)


def run_python(cell: str):
    """Return the value of a Python cell's last expression (None if it ends in a statement)."""
    tree = ast.parse(cell)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace = {"__name__": "phrase"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, "<python cell>", "exec"), namespace)
        return eval(compile(ast.Expression(last.value), "<python cell>", "eval"), namespace) if last else None


def run_hy(cell: str):
    """Return the value of a Hy cell's last form."""
    import hy
    namespace, result = {"__name__": "phrase"}, None
    with contextlib.redirect_stdout(io.StringIO()):
        for form in hy.read_many(cell):
            result = hy.eval(form, globals=namespace)
    return result


def outcome(run, cell: str):
    """Return a cell's outcome: its value, or the Error it raised."""
    try:
        return from_python(run(cell))
    except RecursionError as e:
        return Error("RecursionError", str(e))
    except Exception as e:  # the outcome *is* the exception
        return Error(type(e).__name__, str(e))


def scheme_source(table) -> str:
    """Return the Scheme cells as definitions: (define (phrase-ID) (let () CELL))."""
    return "".join(f"(define (phrase-{r.id})\n  (let ()\n{r.scheme}))\n" for r in table)


def run_scheme(table, impl=GUILE) -> list:
    """Return each row's Scheme outcome, every cell in one process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "phrasebook.scm"
        path.write_text(scheme_source(table), encoding="utf-8")
        names = [f"phrase-{r.id}" for r in table]
        with SchemeRunner(impl, extra_sources=[path], extra_functions=names, libraries=LIBRARIES,
                          timeout=30) as runner:
            return runner.call_many([(n, []) for n in names])


@dataclass(frozen=True)
class RowResult:
    row: Row
    outcomes: dict          # language -> outcome
    judgements: dict        # language -> Judgement

    @property
    def ok(self) -> bool:
        return all(j.ok for j in self.judgements.values())

    @property
    def status(self) -> str:
        found = {j.status for j in self.judgements.values()}
        return "FAIL" if "FAIL" in found else "documented" if "documented" in found else "identical"


def judge(row: Row, outcomes: dict) -> dict:
    """Return a Judgement per language: documented outcomes exactly, the others the row's value."""
    verdicts = {}
    for lang, got in outcomes.items():
        documented = row.differs.get(lang) or row.differs.get(family(lang))
        want = documented or row.value
        if want.matches(got):
            verdicts[lang] = Judgement("documented" if documented else "identical", describe(got), row.note
                                       if documented else None)
        else:
            verdicts[lang] = Judgement("FAIL", f"phrasebook row {row.id} ({row.title}), {lang}: "
                                               f"`{row.cell(lang)}` gives {describe(got)}, but the row says "
                                               f"{want}" + (f" (note: {row.note})" if documented else ""))
    return verdicts


def evaluate(table=None) -> list[RowResult]:
    """Run every cell of every row (or of `table`) in its language and judge each row."""
    table = list(rows() if table is None else table)
    scheme = run_scheme(table)
    results = []
    for row, s in zip(table, scheme):
        outcomes = {"python": outcome(run_python, row.python), "hy": outcome(run_hy, row.hy), GUILE.label: s}
        results.append(RowResult(row, outcomes, judge(row, outcomes)))
    return results
