"""The speed of each language alone: `triglot bench --languages`.

Per language (Python, Hy, and each Scheme implementation of the matrix): the
start-up time; calls per second for one batch of doubles (stable-sigmoid) and
one mixed batch (exact numbers, lists, several functions), through each runner
(the bridge included: that is what a batch costs); and a fit-gd epoch and a
fit-newton step on the breast-cancer data, each the time of a call with five
steps less that of the same call with none: the runtime's own time.  Each is timed `repeats` times, in one run, one language after
the other, so that the ratios to CPython hold on a noisy machine; the table
gives the median and the spread.  The column `code` says how the concept files run:
Python's and Hy's as CPython bytecode; Guile's, Gambit's (gsc) and CHICKEN's
(csc) compiled ahead and kept in the cache ("cached"); Chez's and Racket's
compiled by their eval as they load; MIT's interpreted.  Figures only; nothing
asserted.
"""
from __future__ import annotations

import time

from . import throughput
from .implementations import IMPLEMENTATIONS
from .inprocess import hy_runner, python_runner
from .scheme import SchemeRunner


def as_calls(lines: list[dict]) -> list:
    """The (function, args) calls of batch lines (throughput.py makes the same batches)."""
    from .arguments import from_json
    return [(line["function"], [from_json(a) for a in line["args"]]) for line in lines]


def runners():
    """(label, how its concept code runs, a function that makes a fresh runner) for every language."""
    yield "python", "bytecode", lambda: python_runner(60.0)
    yield "hy", "bytecode", lambda: hy_runner(60.0)
    for impl in IMPLEMENTATIONS.values():
        yield (impl.label, "cached" if impl.compiles else impl.evaluates,
               lambda impl=impl: SchemeRunner(impl, timeout=60.0))


def path(runner) -> str:
    """How a runner's calls travel: in process, or to a Scheme process in binary blocks or
    text lines (TRIGLOT_SCHEME_BINARY=0 sends text)."""
    if not isinstance(runner, SchemeRunner):
        return "in process"
    return "binary" if runner.binary else "text"


STEPS = 5  # epochs of fit-gd, iterations of fit-newton


def training_work() -> list:
    """(name, call with STEPS steps, the same call with 0 steps) for fit-gd and fit-newton
    (λ = 1) on the breast-cancer data: the difference of the two is the runtime's own time
    for the steps, without the data's crossing of the bridge or the set-up."""
    from .datasets import load
    data = load("breast-cancer")
    return [("fit_gd_epoch", ("fit-gd", [data.rows, data.ys, 0.1, STEPS]), ("fit-gd", [data.rows, data.ys, 0.1, 0])),
            ("fit_newton_step", ("fit-newton", [data.rows, data.ys, 1.0, STEPS]),
             ("fit-newton", [data.rows, data.ys, 1.0, 0]))]


def measure(n: int = 50_000, seed: int = 2024, say=lambda text: None, repeats: int = 3,
            training: bool = True) -> list[dict]:
    """Per language: start-up, and for each piece of work the median of `repeats` timings
    with their spread (min, max)."""
    work = [("doubles", as_calls(throughput.doubles(n, seed)), None),
            ("mixed", as_calls(throughput.mixed(n, seed)), None)]
    if training:
        work += [(name, [call], [zero]) for name, call, zero in training_work()]
    rows = []
    for label, code, make in runners():
        say(f"{label}: " + ", ".join(name for name, _, _ in work) + f", {repeats} times each")
        runner = make()
        t0 = time.perf_counter()
        if isinstance(runner, SchemeRunner):
            runner.start()
        startup = time.perf_counter() - t0
        runner.call_many(work[0][1][:200])  # import or load what the first calls need: not timed
        figures = {"language": label, "path": path(runner), "code": code, "startup_s": startup}
        for name, calls, zero in work:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                runner.call_many(calls)
                seconds = time.perf_counter() - t0
                if zero is not None:  # a fit: less the same call with no step, per step
                    t0 = time.perf_counter()
                    runner.call_many(zero)
                    seconds = max(seconds - (time.perf_counter() - t0), 0.0) / STEPS
                times.append(seconds)
            times.sort()
            figures[name] = {"median_s": times[len(times) // 2], "min_s": times[0], "max_s": times[-1],
                             "calls": len(calls) if zero is None else 0}
        runner.close()
        rows.append(figures)
    return rows


def table(rows: list[dict]) -> list[str]:
    """The speed table: per language, calls/s for the batches and seconds for the fits, each the
    median of the repeats with the spread, and the ratio to CPython's time."""
    base = rows[0]
    works = [k for k in ("doubles", "mixed", "fit_gd_epoch", "fit_newton_step") if k in base]
    head = f"{'language':<15} {'path':<10} {'code':<11} {'start-up':>8}"
    for k in works:
        head += f"  {k.replace('_', ' '):>26}"
    lines = [head]
    for r in rows:
        line = f"{r['language']:<15} {r['path']:<10} {r.get('code', ''):<11} {r['startup_s'] * 1e3:>6.0f}ms"
        for k in works:
            w = r[k]
            if not w["median_s"]:  # five steps took no longer than none: below the noise
                line += f"  {'below noise':>12} {'':5} {'—':>7}"
                continue
            ratio = w["median_s"] / base[k]["median_s"]
            spread = (w["max_s"] - w["min_s"]) / w["median_s"] * 100
            shown = f"{w['calls'] / w['median_s']:,.0f}/s" if w["calls"] else f"{w['median_s'] * 1e3:,.2f} ms"
            line += f"  {shown:>12} ±{spread:3.0f}% {ratio:6.1f}×"
        lines.append(line)
    lines.append("each: the median of the repeats, ±the spread (max − min) over the median, × CPython's time; "
                 "batches through each runner; fit-gd per epoch and fit-newton per step on breast cancer "
                 f"({STEPS} steps less 0 steps: the runtime's own time); code: CPython bytecode, cached "
                 "(compiled ahead and kept in the cache), compiled (by eval as each form loads), interpreted")
    return lines
