"""The command line: `triglot check` and `triglot call` (DESIGN.md's contract).

Exit codes: 0 identical or documented; 1 an unexplained difference or a
failed case; 2 bad input (unknown function, an argument that is not data);
3 a language could not be run (for example Guile is not installed).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from fractions import Fraction

from . import check, notes, registry
from .cases import BadCase
from .languages import Languages
from .scheme import SchemeUnavailable
from .values import BadValue, check_data, format_outcome, format_value, parse_argument, to_scheme


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- call

def _parse_call(function: str, args: list) -> tuple[str, list]:
    fn = registry.function(function)
    if len(args) != len(fn.params):
        raise registry.BadCall(f"{fn.name} takes {len(fn.params)} argument(s) ({' '.join(fn.params)}), "
                               f"got {len(args)}")
    return fn.name, args


def _call_record(name, args, outcomes) -> dict:
    v = check.verdict(name, outcomes)
    return {"function": name, "args": [format_value(a) for a in args],
            "results": {lang: format_outcome(o) for lang, o in outcomes.items()},
            "identical": v.identical, "verdict": v.status, "notes": [n.id for n in v.notes]}


def _python_literal(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(map(_python_literal, v)) + "]"
    if isinstance(v, float) and not math.isfinite(v):
        return "math.nan" if v != v else "math.inf" if v > 0 else "-math.inf"
    return repr(v) if not isinstance(v, Fraction) else f"Fraction({v.numerator}, {v.denominator})"


def _print_call(name: str, args: list, record: dict) -> None:
    fn = registry.function(name)
    print(f"({name} {' '.join(map(to_scheme, args))})    "
          f"{fn.python_name}({', '.join(map(_python_literal, args))})")
    width = max(map(len, record["results"]))
    for lang, r in record["results"].items():
        print(f"  {lang:<{width}}  {_result_text(r)}")
    if record["verdict"] == "identical":
        print("verdict: identical in every language")
    elif record["verdict"] == "documented":
        print("verdict: the languages differ, as documented:")
        for n in map(notes.notes().get, record["notes"]):
            print(f"  [{n.id}] {n.title}")
            print("    " + n.text.split("\n\n")[0].replace("\n", "\n    "))
    else:
        print("verdict: DIFFERENT, and no translation note explains it")


def cmd_call(opts) -> int:
    if opts.batch:
        return _call_batch(opts)
    if not opts.function:
        raise UsageError("name a function (or give --batch FILE); functions: " + ", ".join(registry.functions()))
    name, args = _parse_call(opts.function, [parse_argument(a) for a in opts.args])
    with Languages() as langs:
        outcomes = langs.call(name, args)
    record = _call_record(name, args, outcomes)
    if opts.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        _print_call(name, args, record)
    return 0 if record["verdict"] != "different" else 1


def _call_batch(opts) -> int:
    """JSON Lines in, JSON Lines out, same order; a bad line gets an "error" record."""
    stream = sys.stdin if opts.batch == "-" else open(opts.batch, encoding="utf-8")
    with stream:
        lines = [(n, line) for n, line in enumerate(stream, 1) if line.strip()]
    parsed, problems = [], {}
    for n, line in lines:
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("args"), list):
                raise UsageError('each line must be {"function": NAME, "args": [...]}')
            parsed.append(_parse_call(str(item.get("function")), check_data(item["args"], f"line {n}")))
        except (ValueError, UsageError) as e:  # bad JSON, BadValue, BadCall
            problems[len(parsed) + len(problems)] = f"line {n}: {e}"
    with Languages() as langs:
        outcomes = iter(langs.call_many(parsed))
    worst = 0
    calls = iter(parsed)
    for k in range(len(lines)):
        if k in problems:
            record, worst = {"error": problems[k]}, 2
        else:
            name, args = next(calls)
            record = _call_record(name, args, next(outcomes))
            worst = max(worst, 1 if record["verdict"] == "different" else 0)
        print(json.dumps(record, ensure_ascii=False) if opts.json else _batch_line(record))
    return worst


def _batch_line(record: dict) -> str:
    if "error" in record:
        return f"bad input: {record['error']}"
    results = "  ".join(f"{lang}={_result_text(r)}" for lang, r in record["results"].items())
    return f"({record['function']} {' '.join(map(str, record['args']))})  {results}  → {record['verdict']}"


def _result_text(r: dict) -> str:
    """Return one language's R (of the JSON contract) as text for people."""
    if "error" in r:
        return f"error {r['error']}"
    return json.dumps(r["value"]) if isinstance(r["value"], list) else r["value"]


# ---------------------------------------------------------------- check

def cmd_check(opts) -> int:
    print("triglot check: running every canonical case in every language…", file=sys.stderr)
    with Languages() as langs:
        results = check.run_cases(langs)
        names = langs.names
    rows = check.summary(results, names)
    failures = [(r, lang, j) for r in results for lang, j in r.judgements.items() if not j.ok]
    if opts.json:
        print(json.dumps({"languages": names, "concepts": rows,
                          "failures": [{"uuid": r.case.uuid, "property": r.case.property, "language": lang,
                                        "detail": j.detail} for r, lang, j in failures],
                          "ok": not failures}, ensure_ascii=False))
        return 1 if failures else 0
    print(f"{'concept':<14} {'language':<13} {'cases':>5} {'identical':>9} {'documented':>10} {'failed':>6}")
    for row in rows:
        cited = ", ".join(f"{k}×{v}" for k, v in row["notes"].items())
        print(f"{row['concept']:<14} {row['language']:<13} {row['cases']:>5} {row['identical']:>9} "
              f"{row['documented']:>10} {row['failed']:>6}" + (f"   {cited}" if cited else ""))
    for r, lang, j in failures:
        print(f"FAIL {r.case.property}[{lang}-{r.case.short}] {r.case.description}: {j.detail}")
    total = sum(len(r.judgements) for r in results)
    documented = sum(j.status == "documented" for r in results for j in r.judgements.values())
    print(f"{len(results)} cases × {len(names)} languages = {total} checks: "
          f"{total - documented - len(failures)} identical, {documented} documented differences, "
          f"{len(failures)} unexplained")
    return 1 if failures else 0


# ---------------------------------------------------------------- table

def cmd_table(opts) -> int:
    from . import claims, notation  # SymPy loads only for this command
    print("triglot table: evaluating every cell in every language…", file=sys.stderr)
    results = notation.evaluate()
    proofs = claims.prove_all()
    failed = [f for r in results for f in r.failures] + \
        [f"claim {p.claim.id} ({p.claim.text}): not proved; {p.detail}" for p in proofs if not p.proved]
    if opts.json:
        print(json.dumps({"verified_with": notation.versions(), "rows": [r.to_json() for r in results],
                          "claims": [{"id": p.claim.id, "text": p.claim.text, "status": p.status,
                                      "detail": p.detail} for p in proofs],
                          "ok": not failed}, ensure_ascii=False))
    elif opts.markdown:
        print(notation.markdown(results, proofs))
    else:
        _print_rich_table(results, proofs, notation)
    for f in failed if not opts.json else ():
        print(f"FAIL {f}", file=sys.stderr)
    return 1 if failed else 0


def _print_rich_table(results, proofs, notation) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Notation, every cell evaluated ({notation.versions_line()})", show_lines=True)
    for column in ("Math", "Scheme", "Python", "Hy", "Meaning", "value", "verdict"):
        table.add_column(column, overflow="fold")
    for res in results:
        r = res.row
        value = res.value_text()
        verdict = f"[green]identical[/], ≤ {r.max_ulp:g} ULP" if res.ok else "[bold red]FAIL[/]"
        table.add_row(*map(escape, (r.math + ("" if r.seed else " ⁺"), r.scheme, r.python, r.hy, r.meaning,
                                    value)), verdict)
    console = Console()
    if not console.is_terminal:  # a pipe or a file: no wrapping at 80 columns
        console = Console(width=180)
    console.print(table)
    console.print("⁺ added to the seed's table.  Symbolic claims (SymPy):")
    for p in proofs:
        console.print(f"  {'[green]proved[/]' if p.proved else '[bold red]not proved[/]'}  {escape(p.claim.text)}")


# ---------------------------------------------------------------- main

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="triglot", description=(
        "The mathematics of machine learning in Scheme, Python and Hy, proven identical "
        "bit for bit. Languages: python, hy, scheme/guile."))
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run every canonical case in every language; exit 1 on an "
                                     "unexplained difference")
    c.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    c.set_defaults(run=cmd_check)
    t = sub.add_parser("table", help="evaluate the notation table, every cell in its language",
                       description="Evaluate every row of notation.toml: the Scheme, Python and Hy cells "
                                   "in their languages (they must be identical) and the Math cell with "
                                   "SymPy (each value must be within the row's ULP bound); prove the "
                                   "seed's symbolic claims with SymPy. Exit 1 if anything fails.")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    t.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    t.set_defaults(run=cmd_table)
    k = sub.add_parser("call", help="call one function in every language and compare",
                       description="Call FUNCTION in every language and give each result and the verdict. "
                                   "Arguments are numbers, booleans or lists, written as JSON or Python "
                                   "literals (0.5, -1000, -0.0, 1e-320, [1, 2.0]); also inf, -inf, nan "
                                   "and exact ratios such as 1/2. Integers are exact, as in Scheme.",
                       epilog="Batch: --batch FILE (or - for stdin) reads JSON Lines "
                              '{"function": "sigmoid", "args": [0.5]} and prints one result per line, '
                              "in order.")
    k.add_argument("function", nargs="?", help="function name, Scheme or Python spelling")
    k.add_argument("args", nargs="*", help="arguments (data only)")
    k.add_argument("--json", action="store_true", help="print one JSON object (per line with --batch)")
    k.add_argument("--batch", metavar="FILE", help="JSON Lines of calls (- for stdin)")
    k.set_defaults(run=cmd_call)
    return p


def _call_argv(argv: list[str]) -> list[str]:
    """Return `call`'s argv with its flags first and every other word after `--`,
    so that negative numbers (-1000, -1e-5, -inf) are arguments, not options."""
    flags, rest, words = [], [], iter(argv)
    for a in words:
        if a in ("--json", "-h", "--help") or a.startswith("--batch="):
            flags.append(a)
        elif a == "--batch":
            flags += [a, next(words, "")]
        elif a == "--":
            rest += list(words)
        else:
            rest.append(a)
    return [*flags, "--", *rest]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["call"]:
        argv = ["call", *_call_argv(argv[1:])]
    opts = parser().parse_args(argv)
    try:
        return opts.run(opts)
    except (UsageError, BadValue, registry.BadCall, BadCase, OSError) as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 2
    except SchemeUnavailable as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
