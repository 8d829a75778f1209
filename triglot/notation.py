"""The notation table (notation.toml): every cell evaluated, in its real language.

Each row's Scheme, Python and Hy cells become functions of the row's bindings:
Python's and Hy's are compiled here with the concept functions in scope, and
Scheme's are written into a file of definitions that Guile loads beside the
concept files, then called with the bindings as data, like any other call.
The Math cell is evaluated with SymPy at 60 digits.
"""
from __future__ import annotations

import math
import platform
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import hy
import sympy as sp

from . import registry
from .compare import identical, within
from .inprocess import hy_runner, python_runner
from .scheme import GUILE, IMPLEMENTATIONS, SchemeRunner, SchemeUnavailable
from .values import Error, describe, format_outcome, format_value


LANGUAGES = ("python", "hy", "scheme/guile")


@cache
def load_toml() -> dict:
    return registry.load_toml("notation.toml")


@dataclass(frozen=True)
class Row:
    number: int        # 1-based, in file order
    math: str
    sympy: str
    scheme: str
    python: str
    hy: str
    meaning: str
    concept: str
    bindings: dict
    max_ulp: float
    seed: bool = False
    seed_cell: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return f"row {self.number} ({self.math})"

    def cell(self, language: str) -> str:
        return {"python": self.python, "hy": self.hy}.get(language, self.scheme)  # scheme/NAME: the Scheme cell


@cache
def rows() -> tuple[Row, ...]:
    out = []
    for k, r in enumerate(load_toml()["row"], 1):
        out.append(Row(k, r["math"], r["sympy"], r["scheme"], r["python"], r["hy"], r["meaning"],
                       r["concept"], dict(r["bindings"]), r["max_ulp"], r.get("seed", False),
                       r.get("seed_cell"), r.get("note")))
    return tuple(out)


# ---------------------------------------------------------------- the Math cell

def exact(row: Row):
    """Return the row's Math cell evaluated at its bindings (60 digits): text, or list of texts."""
    from .claims import namespace  # SymPy's names and sigma live with the claims
    names = namespace()
    expr = sp.sympify(row.sympy, locals=names)
    values = {names[k]: sp.Rational(v) if isinstance(v, (int, float)) else v for k, v in row.bindings.items()}

    def text(e):
        v = sp.N(e.subs(values), 60)
        return "nan" if v is sp.nan else str(v) if v.is_finite else ("inf" if v > 0 else "-inf")
    return [text(e) for e in expr] if isinstance(expr, (list, tuple)) else text(expr)


# ---------------------------------------------------------------- the language cells

def _python_namespace(package_runner) -> dict:
    names = {"math": math}
    for fn in registry.functions().values():
        names[fn.python_name] = package_runner.resolve(fn)
    return names


def _compile_python(row: Row, names: dict):
    return eval(f"lambda {', '.join(row.bindings)}: {row.python}", names)  # notation.toml is project code


def _compile_hy(row: Row, names: dict):
    return hy.eval(hy.read(f"(fn [{' '.join(row.bindings)}] {row.hy})"), globals=names)


def scheme_definitions(table) -> str:
    """Return the Scheme cells as definitions: (define (notation-row-N binding ...) cell)."""
    return "".join(f"(define (notation-row-{r.number} {' '.join(r.bindings)})\n  {r.scheme})\n" for r in table)


@dataclass(frozen=True)
class RowResult:
    row: Row
    exact: object
    outcomes: dict      # language -> outcome
    problems: tuple     # (language, message) for cells that did not compile or load

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> list[str]:
        """Return what is wrong with this row, each message naming the row and the language."""
        out = [f"{self.row.label}, {lang}: {msg}" for lang, msg in self.problems]
        langs = [lang for lang in self.outcomes if lang not in dict(self.problems)]
        for lang in langs:
            got = self.outcomes[lang]
            if isinstance(got, Error):
                out.append(f"{self.row.label}, {lang}: `{self.row.cell(lang)}` raised {got}")
                continue
            differ = [o for o in langs if o != lang and not identical(got, self.outcomes[o])]
            if differ:
                out.append(f"{self.row.label}, {lang}: `{self.row.cell(lang)}` gives {describe(got)}, but "
                           + "; ".join(f"{o} gives {describe(self.outcomes[o])}" for o in differ))
                continue
            ok, err = within(got, self.exact, self.row.max_ulp)
            if not ok:
                out.append(f"{self.row.label}, {lang}: {describe(got)} is {err} ULP from the Math cell's "
                           f"{self.exact} (allowed: {self.row.max_ulp:g})")
        return out

    def value_text(self) -> str:
        """The value when every language agrees; else each language's outcome."""
        values = list(self.outcomes.values())
        if self.ok and values:
            return describe(values[0])
        return "; ".join(f"{lang} {describe(o)}" for lang, o in self.outcomes.items())

    def to_json(self) -> dict:
        r = self.row
        return {"row": r.number, "math": r.math, "sympy": r.sympy, "scheme": r.scheme, "python": r.python,
                "hy": r.hy, "meaning": r.meaning, "concept": r.concept, "seed": r.seed,
                "seed_cell": r.seed_cell, "note": r.note,
                "bindings": {k: format_value(v) for k, v in r.bindings.items()}, "exact": self.exact,
                "max_ulp": r.max_ulp,
                "results": {lang: format_outcome(o) for lang, o in self.outcomes.items()},
                "ok": self.ok, "failures": self.failures}


def evaluate(table=None, schemes=("guile",)) -> list[RowResult]:
    """Evaluate every cell of every row (or of `table`) in its language, the Scheme cells in each
    of the named implementations, and the Math cell."""
    table = list(rows() if table is None else table)
    problems = {r.number: [] for r in table}
    outcomes = {r.number: {} for r in table}
    for lang, runner in (("python", python_runner()), ("hy", hy_runner())):
        names = _python_namespace(runner)
        compile_cell = _compile_python if lang == "python" else _compile_hy
        for r in table:
            try:
                f = compile_cell(r, dict(names))
            except Exception as e:  # a cell that does not parse
                problems[r.number].append((lang, f"`{r.cell(lang)}` does not parse: {type(e).__name__}: {e}"))
                continue
            try:
                outcomes[r.number][lang] = f(*r.bindings.values())
            except Exception as e:
                outcomes[r.number][lang] = Error(type(e).__name__, str(e))
    for impl in (IMPLEMENTATIONS[name] for name in schemes):
        for r, outcome, problem in _scheme(table, impl):
            if problem:
                problems[r.number].append((impl.label, problem))
            else:
                outcomes[r.number][impl.label] = outcome
    return [RowResult(r, exact(r), outcomes[r.number], tuple(problems[r.number])) for r in table]


def _scheme(table, impl=GUILE):
    """Yield (row, outcome, problem) for the Scheme cells: all in one process if they all
    load; otherwise each row alone, to name the cells that do not."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notation.scm"
        path.write_text(scheme_definitions(table), encoding="utf-8")
        names = [f"notation-row-{r.number}" for r in table]
        try:
            with SchemeRunner(impl, extra_sources=[path], extra_functions=names) as runner:
                results = runner.call_many([(n, list(r.bindings.values())) for n, r in zip(names, table)])
            yield from ((r, o, None) for r, o in zip(table, results))
            return
        except SchemeUnavailable as e:
            if "not installed" in str(e):
                raise
        for r, name in zip(table, names):
            path.write_text(scheme_definitions([r]), encoding="utf-8")
            try:
                with SchemeRunner(impl, extra_sources=[path], extra_functions=[name]) as runner:
                    yield r, runner.call(name, list(r.bindings.values())), None
            except SchemeUnavailable as e:
                yield r, None, f"`{r.scheme}` does not load: {e}"


def versions(schemes=("guile",)) -> dict:
    """The exact tool versions the table is verified with."""
    return {"python": platform.python_version(), "hy": hy.__version__,
            **{IMPLEMENTATIONS[name].label: IMPLEMENTATIONS[name].version for name in schemes}}


def versions_line() -> str:
    v = versions()
    return f"Python {v['python']}, Hy {v['hy']}, {v['scheme/guile']}"


# ---------------------------------------------------------------- rendering



def markdown(results: list[RowResult], proofs=()) -> str:
    """Return the table (and the claims) as Markdown, with the versions it was verified with."""
    def code(s):
        return "`" + s.replace("|", "\\|") + "`"
    lines = [f"Verified with {versions_line()}: every cell below was evaluated in its language "
             "(`triglot table`).", "",
             "| Math | Scheme | Python | Hy | Meaning | bindings | value | verdict |",
             "|---|---|---|---|---|---|---|---|"]
    for res in results:
        r = res.row
        binds = ", ".join(f"{k} = {format_value(v) if isinstance(v, float) else v}" for k, v in r.bindings.items())
        verdict = "identical, within {:g} ULP".format(r.max_ulp) if res.ok else "**FAIL**"
        seed = "" if r.seed else " ⁺"
        lines.append(f"| {r.math}{seed} | {code(r.scheme)} | {code(r.python)} | {code(r.hy)} | {r.meaning} | "
                     f"{binds} | {res.value_text()} | {verdict} |")
    lines += ["", "⁺ a row added to the seed's table."]
    notes = [r for r in (x.row for x in results) if r.note]
    lines += [f"In {r.math}: {r.note}" for r in notes]
    if proofs:
        lines += ["", "The seed's symbolic claims, proved with SymPy:", ""]
        lines += [f"- {p.claim.text}: **{p.status}**" for p in proofs]
    return "\n".join(lines)
