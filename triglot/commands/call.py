"""`triglot call`: one call in every language, with each result and the verdict; `--batch` for many."""
from __future__ import annotations

import json
import math
import sys
from fractions import Fraction

from .. import batch, notes, registry
from ..arguments import parse_argument
from ..languages import Languages
from ..values import to_scheme
from . import UsageError, add_scheme_option, chosen_schemes

EXIT = {"identical": 0, "documented": 0, "different": 1, "timeout": 4}
_call_record = batch.call_record


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
    elif record["verdict"] == "timeout":
        print("verdict: none: a language gave no answer in time (--timeout SECONDS to allow more)")
    else:
        print("verdict: DIFFERENT, and no translation note explains it")


def run(opts) -> int:
    if opts.timeout is not None and not opts.timeout > 0:
        raise UsageError(f"--timeout must be a number of seconds > 0, not {opts.timeout:g}")
    if opts.batch:
        return _call_batch(opts)
    if not opts.function:
        raise UsageError("name a function (or give --batch FILE); functions: " + ", ".join(registry.functions()))
    fn = registry.function(opts.function)
    name, args = batch.checked(fn, [parse_argument(a, f"{fn.name}'s {p}") for a, p in
                                    zip(opts.args, fn.params)] + opts.args[len(fn.params):])
    with Languages(chosen_schemes(opts), timeout=opts.timeout or 10.0) as langs:
        outcomes = langs.call(name, args)
    record = _call_record(name, args, outcomes)
    if opts.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        _print_call(name, args, record)
    return EXIT[record["verdict"]]


def _call_batch(opts) -> int:
    """JSON Lines in, JSON Lines out, same order, streamed; a bad line gets an "error" record."""
    if opts.function or opts.args:
        raise UsageError("give either --batch FILE or FUNCTION ARG…, not both")
    stream = sys.stdin.buffer if opts.batch == "-" else open(opts.batch, "rb")
    seen = set()
    with stream, Languages(chosen_schemes(opts), timeout=opts.timeout or 10.0) as langs:
        records = batch.Records(langs.names)
        for lines in batch.chunks(stream.fileno()):
            items = batch.parse_lines(lines)
            calls = [item for item in items if type(item) is tuple]
            rows = iter(langs.call_rows(calls) if calls else ())
            out = []
            for item in items:
                if type(item) is str:
                    seen.add("bad input")
                    out.append(batch.ENCODE({"error": item}) if opts.json else f"bad input: {item}")
                elif opts.json:
                    text, status = records.line(*item, next(rows))
                    seen.add(status)
                    out.append(text)
                else:
                    record = _call_record(*item, dict(zip(langs.names, next(rows))))
                    seen.add(record["verdict"])
                    out.append(_batch_line(record))
            sys.stdout.write("\n".join(out) + "\n")
            sys.stdout.flush()
    return 1 if "different" in seen else 4 if "timeout" in seen else 2 if "bad input" in seen else 0


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
                                   "An argument is a number or a list: exact integers (1000, -3) and ratios "
                                   "(1/2, exact:-3/4); floats (0.5, -0.0, 1e-320, .5); inf, -inf, nan (or "
                                   "+inf.0, -inf.0, +nan.0); lists [1, 2.0, [inf]]. ASCII digits only; no "
                                   "booleans, strings or names: arguments are data, never code. Exit 0 "
                                   "identical or documented, 1 an unexplained difference, 2 bad input, 3 a "
                                   "language cannot run, 4 a call timed out.",
                       epilog="Batch: --batch FILE (or - for stdin) reads JSON Lines "
                              '{"function": "sigmoid", "args": [0.5, "inf", "1/2"]} and prints one record per '
                              "input line, in order, as they are checked; a line that cannot be called gets "
                              '{"error": "line N: …"}. The exit code is 1 if any call differs unexplained, '
                              "else 4 if any timed out, else 2 if any line was bad, else 0.")
    k.add_argument("function", nargs="?", help="function name, Scheme or Python spelling")
    k.add_argument("args", nargs="*", help="arguments (data only)")
    k.add_argument("--json", action="store_true", help="print one JSON object (per line with --batch)")
    k.add_argument("--batch", metavar="FILE", help="JSON Lines of calls (- for stdin)")
    k.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="the longest one call may take in any language (default 10)")
    add_scheme_option(k)
    k.set_defaults(run=run)
