"""The speed of each language alone: `triglot bench --languages`.

Per language (Python, Hy, and each Scheme implementation of the matrix): the
start-up time, and calls per second for one batch of doubles (stable-sigmoid)
and one mixed batch (exact numbers, lists, several functions), each measured
in its runner alone, one after the other in one run, so that the ratios
between the languages hold on a noisy machine.  Figures only; nothing asserted.
"""
from __future__ import annotations

import random
import time

from .implementations import IMPLEMENTATIONS
from .inprocess import hy_runner, python_runner
from .scheme import SchemeRunner


def doubles(n: int, seed: int) -> list:
    rng = random.Random(seed)
    return [("stable-sigmoid", [rng.uniform(-30, 30)]) for _ in range(n)]


def mixed(n: int, seed: int) -> list:
    rng = random.Random(seed)
    kinds = [lambda: ("sigmoid", [rng.uniform(-30, 30)]),
             lambda: ("surprise", [rng.randint(1, 9)]),
             lambda: ("cross-entropy", [rng.randint(0, 1), rng.random()]),
             lambda: ("dot", [[rng.random() for _ in range(3)], [rng.random() for _ in range(3)]]),
             lambda: ("nats-to-bits", [rng.randint(1, 9) / rng.randint(2, 9)])]
    return [kinds[i % len(kinds)]() for i in range(n)]


def runners():
    """(label, how it runs, a function that makes a fresh runner) for every language."""
    yield "python", "in process", lambda: python_runner(60.0)
    yield "hy", "in process", lambda: hy_runner(60.0)
    for impl in IMPLEMENTATIONS.values():
        yield impl.label, "binary" if impl.binary else "text", lambda impl=impl: SchemeRunner(impl, timeout=60.0)


def measure(n: int = 50_000, seed: int = 2024, say=lambda text: None) -> list[dict]:
    plain, mix = doubles(n, seed), mixed(n, seed)
    rows = []
    for label, path, make in runners():
        say(f"{label}: {n} doubles, {n} mixed calls")
        runner = make()
        t0 = time.perf_counter()
        if isinstance(runner, SchemeRunner):
            runner.start()
        startup = time.perf_counter() - t0
        runner.call_many(plain[:200])  # import or load what the first calls need: not timed
        figures = {"language": label, "path": path, "startup_s": startup}
        for key, calls in (("doubles", plain), ("mixed", mix)):
            t0 = time.perf_counter()
            runner.call_many(calls)
            figures[f"{key}_per_s"] = len(calls) / (time.perf_counter() - t0)
        runner.close()
        rows.append(figures)
    return rows


def table(rows: list[dict]) -> list[str]:
    fastest = max(r["doubles_per_s"] for r in rows)
    lines = [f"{'language':<16} {'path':<10} {'start-up':>9} {'doubles/s':>11} {'mixed/s':>10} {'vs fastest':>10}"]
    for r in rows:
        lines.append(f"{r['language']:<16} {r['path']:<10} {r['startup_s'] * 1e3:>7.0f} ms "
                     f"{r['doubles_per_s']:>11,.0f} {r['mixed_per_s']:>10,.0f} "
                     f"{fastest / r['doubles_per_s']:>9.1f}×")
    return lines
