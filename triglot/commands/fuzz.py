"""`triglot fuzz`: random inputs for every function in every language; each unexplained difference, shrunk."""
from __future__ import annotations

import json
import random
import sys

from .. import fuzz, registry
from ..languages import Languages
from ..values import describe, format_outcome, format_value
from . import UsageError, add_scheme_option, chosen_schemes
from .show import call_text


def chosen(names) -> list[str]:
    """Return the functions to fuzz (Scheme spelling): the named ones, or every function."""
    if not names:
        return list(registry.functions())
    for n in names:
        if n.replace("_", "-") not in registry.functions():
            raise UsageError(f"unknown function {n!r}; functions: {', '.join(registry.functions())}")
    return list(dict.fromkeys(registry.function(n).name for n in names))


def progress(every: float):
    """Return a callback that prints a progress line on stderr at most every `every` seconds
    (rewritten in place on a terminal)."""
    last = [-every]

    def show(report: fuzz.Report, final: bool = False) -> None:
        if final or report.seconds - last[0] >= every:
            last[0] = report.seconds
            line = f"triglot fuzz: {sum(report.inputs.values())} inputs, {report.unexplained} unexplained, " \
                   f"{report.seconds:.1f} s"
            tty = sys.stderr.isatty()
            print("\r" + line if tty else line, end="\n" if final or not tty else "", file=sys.stderr, flush=True)
    return show


def as_json(report: fuzz.Report) -> dict:
    """Return the report as one JSON-ready object (args in V form, results as R)."""
    return {"seconds": round(report.seconds, 3), "seed": report.seed, "inputs": sum(report.inputs.values()),
            "unexplained": report.unexplained,
            "functions": {name: {"inputs": n, "differences": [
                {"args": [format_value(a) for a in d.args], "hits": d.hits,
                 "results": {lang: format_outcome(o) for lang, o in d.outcomes.items()}}
                for d in report.differences[name].values()]} for name, n in report.inputs.items()}}


def lines(report: fuzz.Report) -> list[str]:
    """Return the report for people: per function, inputs tried and each difference with every value."""
    out = []
    for name, n in report.inputs.items():
        found = report.differences[name]
        out.append(f"{name:<26} {n:>8} inputs" + (f"   {len(found)} unexplained difference(s)" if found else ""))
        for d in found.values():
            out.append(f"  {call_text(name, d.args)}   (like {d.hits} input(s))")
            out += [f"    {lang:<13} {describe(o)}" for lang, o in d.outcomes.items()]
    total = sum(report.inputs.values())
    out.append(f"{total} inputs in {report.seconds:.1f} s ({total / max(report.seconds, 1e-9):.0f}/s), "
               f"seed {report.seed}: {report.unexplained} unexplained"
               + (f"; again with --seed {report.seed} --inputs {total}" if report.unexplained else ""))
    return out


def run(opts) -> int:
    names = chosen(opts.function)
    if opts.seconds is not None and opts.seconds <= 0 or opts.inputs is not None and opts.inputs <= 0:
        raise UsageError("--seconds and --inputs must be positive")
    seconds = opts.seconds if opts.seconds is not None or opts.inputs is not None else 10.0
    seed = opts.seed if opts.seed is not None else random.SystemRandom().randrange(2 ** 32)
    show = progress(1.0 if sys.stderr.isatty() else 10.0)
    with Languages(chosen_schemes(opts)) as langs:
        report = fuzz.run(langs, names, seed, seconds=seconds, inputs=opts.inputs, progress=show)
    show(report, final=True)
    print(json.dumps(as_json(report), ensure_ascii=False) if opts.json else "\n".join(lines(report)))
    return 1 if report.unexplained else 0


def add_parser(sub) -> None:
    s = sub.add_parser(
        "fuzz", help="call every function with random inputs in every language; report unexplained differences",
        description="Draw random inputs for every function (random doubles over the whole range, the special "
                    "values, exact integers and ratios, lists of matching and mismatching lengths), call every "
                    "language, and report each input where they part and no translation note explains it, "
                    "shrunk to a small example, one per kind of outcome.",
        epilog="The same --seed and --inputs give the same inputs. Exit 1 when anything is unexplained.")
    s.add_argument("--seconds", type=float, metavar="N", help="time budget (default 10, unless --inputs is given)")
    s.add_argument("--inputs", type=int, metavar="N", help="budget in inputs (deterministic with --seed)")
    s.add_argument("--function", action="append", metavar="NAME",
                   help="fuzz only this function (Scheme or Python spelling; repeatable)")
    s.add_argument("--seed", type=int, metavar="K", help="random seed (default: a fresh one, reported)")
    s.add_argument("--json", action="store_true",
                   help="print one JSON object: seconds, seed, inputs, unexplained, functions")
    add_scheme_option(s)
    s.set_defaults(run=run)
