"""`triglot call`: one call in every language, with each result and the verdict; `--batch` for many."""
from __future__ import annotations

import json
import math
import sys
from fractions import Fraction

from .. import check, notes, registry
from ..languages import Languages
from ..values import check_data, format_outcome, format_value, parse_argument, to_scheme
from . import UsageError


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


def run(opts) -> int:
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


def add_parser(sub) -> None:
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
    k.set_defaults(run=run)
