"""Benchmark: what a checked call costs, batched and one process per call.

    python -m triglot.bench [--calls N] [--single N] [--spawn N] [--seed S] [--accuracy N] [--no-suite] [--json]

Prints figures only; it asserts nothing about speed.  Measured:
  0. the command line: `triglot call --batch --json` and `triglot fuzz`, wall clock
     (triglot/throughput.py);
  1. the round trip of one call to Guile through SchemeRunner (median, p90);
  2. the checked batch: every call in all three languages plus the comparison,
     with the share spent in each language and in the comparison;
  3. the same checked work with one Guile process per call, side by side;
  4. the wall time of `make test` (optional);
  5. the accuracy of the stable forms against mpmath (worst ULP seen);
  6. fit-gd epochs and a full fit-newton on the breast-cancer data, per language,
     beside NumPy (the same algorithms, vectorised) and scikit-learn.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

import hy

from . import oracle, registry, throughput
from .compare import identical, ulp_error
from .inprocess import hy_runner, python_runner
from .languages import Languages
from .scheme import GUILE, SchemeRunner
from .values import Error, format_value, from_scheme, to_scheme

# Argument ranges by parameter name (concepts.toml): reasonable, finite results.
RANGES = {"z": (-30.0, 30.0), "p": (0.001, 0.999), "h": (0.0, 20.0),
          "w": (-5.0, 5.0), "x": (-5.0, 5.0), "b": (-5.0, 5.0)}
LABELS = {"y": (0.0, 1.0)}  # a class label: drawn from these values


def progress(text: str):
    print(f"bench: {text}", file=sys.stderr, flush=True)


def argument(rng: random.Random, param: str) -> float:
    """Return one float argument for a parameter of that name."""
    if param in LABELS:
        return rng.choice(LABELS[param])
    return rng.uniform(*RANGES.get(param, (-10.0, 10.0)))


def make_calls(n: int, seed: int) -> list[tuple[str, list]]:
    """Return n (function, args) calls mixing every function of numbers in concepts.toml
    (the training functions, which take data sets, are timed in step 6)."""
    rng = random.Random(seed)
    functions = [f for f in registry.functions().values() if set(f.params) <= set(RANGES) | set(LABELS)]
    return [(fn.name, [argument(rng, p) for p in fn.params])
            for fn in (rng.choice(functions) for _ in range(n))]


def verdicts(outcomes: list[dict]) -> list[bool]:
    """Return, per call, whether its outcomes in every language are identical."""
    verdict = []
    for per_language in outcomes:
        first, *rest = per_language.values()
        verdict.append(all(identical(first, o) for o in rest))
    return verdict


# ---------------------------------------------------------------- 0. versions

def versions() -> dict:
    """Return the versions of the three languages, and the machine they ran on."""
    return {"python": platform.python_version(), "hy": hy.__version__,
            "guile": SchemeRunner(GUILE).impl.version,
            "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "machine": f"{platform.system()} {platform.machine()}", "cpu": cpu_model(),
            "orjson": _version("orjson"), "numpy": _version("numpy"),
            "load_average_1min": os.getloadavg()[0]}


def cpu_model() -> str:
    """Return the processor's model name (Linux /proc/cpuinfo), else the platform's word for it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str:
    from importlib import metadata
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) used so far by process pid (Linux /proc), else NaN."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- 1. round trip

def round_trip(n: int) -> dict:
    """Time n single calls runner.call("sigmoid", [0.5]), after a warm-up."""
    with SchemeRunner(GUILE) as runner:
        started = time.perf_counter()
        runner.start()
        startup = time.perf_counter() - started
        for _ in range(100):
            runner.call("sigmoid", [0.5])
        times = []
        for _ in range(n):
            t = time.perf_counter()
            runner.call("sigmoid", [0.5])
            times.append(time.perf_counter() - t)
    return {"calls": n, "median_us": statistics.median(times) * 1e6,
            "p90_us": statistics.quantiles(times, n=10)[8] * 1e6,
            "guile_startup_ms": startup * 1e3}


# ---------------------------------------------------------------- 2. checked batch

class Timed:
    """A runner that adds up the time spent in its call_many."""

    def __init__(self, runner):
        self.runner, self.name, self.seconds = runner, runner.name, 0.0

    def call_many(self, calls):
        t = time.perf_counter()
        try:
            return self.runner.call_many(calls)
        finally:
            self.seconds += time.perf_counter() - t

    def close(self):
        self.runner.close()


def batched(calls, binary: bool = True) -> dict:
    """Time the checked batch: Languages.call_many on every call, then identical().
    With binary=False, Guile gets every call as text (SchemeRunner's binary path off)."""
    with Languages(binary=binary) as languages:
        languages.call_many(calls[:100])  # start Guile, import every module: not timed
        guile = languages.runners[-1]
        languages.runners = [Timed(r) for r in languages.runners]
        guile_cpu, python_cpu = cpu_seconds(guile.pid), time.process_time()
        started = time.perf_counter()
        outcomes = languages.call_many(calls)
        called = time.perf_counter()
        verdict = verdicts(outcomes)
        done = time.perf_counter()
        cpu = {"python_process": time.process_time() - python_cpu,
               "guile_process": cpu_seconds(guile.pid) - guile_cpu}
    total = done - started
    share = {r.name: r.seconds for r in languages.runners}
    share["comparison"] = done - called
    share["other"] = total - sum(share.values())  # argument checks, regrouping by call
    return {"calls": len(calls), "seconds": total, "calls_per_s": len(calls) / total,
            "us_per_call": total / len(calls) * 1e6,
            "share_seconds": share, "share_percent": {k: 100 * v / total for k, v in share.items()},
            "cpu_seconds": cpu, "identical": sum(verdict), "outcomes": outcomes,
            "scheme_path": "binary" if binary else "text"}


def path_by_path(batch: dict, text: dict):
    """Add to `text` (the batch with Guile's binary path off) how it compares with `batch`."""
    text["binary_speedup"] = text["us_per_call"] / batch["us_per_call"]
    text["scheme_agrees_with_binary"] = sum(
        identical(x[GUILE.label], y[GUILE.label]) for x, y in zip(batch["outcomes"], text["outcomes"]))
    del text["outcomes"]


# ---------------------------------------------------------------- 3. process per call

def scheme_once(argv, index, name, args):
    """Start Guile on the shim, send one request, read one answer; the process exits at EOF."""
    request = f"(0 {' '.join([str(index[name]), *map(to_scheme, args)])})\n"
    done = subprocess.run(argv, input=request.encode(), capture_output=True, timeout=60,
                          cwd=registry.root(), env={**os.environ, "GUILE_AUTO_COMPILE": "0"})
    lines = done.stdout.splitlines()
    if len(lines) != 2:
        return Error("SchemeCrashed", done.stderr.decode(errors="replace")[-300:], runner=True)
    answer = json.loads(lines[1])
    return from_scheme(answer[2]) if answer[1] == "ok" else Error(answer[2], answer[3])


def process_per_call(calls) -> dict:
    """Time the checked work with a new Guile process for every call."""
    shim = SchemeRunner(GUILE)  # for its sources, names and command line only; never started
    argv = GUILE.argv(shim.sources, shim.names)
    in_process = [python_runner(), hy_runner()]
    for runner in in_process:
        runner.call_many(calls)  # import every module: not timed
    started = time.perf_counter()
    outcomes = []
    for name, args in calls:
        outcome = {r.name: r.call(name, args) for r in in_process}
        outcome[shim.name] = scheme_once(argv, shim.index, name, args)
        outcomes.append(outcome)
    verdict = verdicts(outcomes)
    total = time.perf_counter() - started
    return {"calls": len(calls), "seconds": total, "calls_per_s": len(calls) / total,
            "us_per_call": total / len(calls) * 1e6, "identical": sum(verdict), "outcomes": outcomes}


def side_by_side(batch: dict, spawned: dict):
    """Add to `spawned` its cost per call relative to the batch, and how often Guile agreed."""
    spawned["ratio_to_batched"] = spawned["us_per_call"] / batch["us_per_call"]
    spawned["extrapolated_seconds"] = spawned["us_per_call"] * batch["calls"] / 1e6
    spawned["scheme_agrees_with_batched"] = sum(
        identical(x[GUILE.label], y[GUILE.label]) for x, y in zip(batch["outcomes"], spawned["outcomes"]))
    del batch["outcomes"], spawned["outcomes"]


# ---------------------------------------------------------------- 4. the suite

def suite() -> dict:
    """Run `make test` (the README's test command) from the project root and time it."""
    started = time.perf_counter()
    done = subprocess.run(["make", "-s", "test"], cwd=registry.root(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {"seconds": seconds, "exit_code": done.returncode,
            "summary": lines[-1].strip("= ") if lines else done.stderr.strip()[-300:]}


# ---------------------------------------------------------------- 5. accuracy of the stable forms

def accuracy(n: int, seed: int) -> dict:
    """Return the worst error in ULPs, against mpmath, of the stable forms over n random
    doubles (half any bit pattern, half in the region where the formulas switch), all languages."""
    rng = random.Random(seed)

    def double():
        if rng.random() < 0.5:
            while True:
                x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
                if math.isfinite(x):
                    return x
        return rng.uniform(-50, 50)

    calls = [("stable-sigmoid", [double()]) for _ in range(n)]
    calls += [("cross-entropy-from-logit", [rng.choice([0, 1, rng.random()]), double()]) for _ in range(n)]
    worst = {}
    with Languages() as languages:
        for (name, args), outcomes in zip(calls, languages.call_many(calls)):
            want = oracle.expected(name, args)
            for outcome in outcomes.values():
                err = float(ulp_error(outcome, want))
                if err > worst.get(name, {"ulp": -1})["ulp"]:
                    worst[name] = {"ulp": err, "args": [format_value(a) for a in args]}
    return {"samples": n, "worst": worst}


# ---------------------------------------------------------------- 6. training on real data

def training(epochs: int, iterations: int) -> dict:
    """Time fit-gd epochs and a full fit-newton on the breast-cancer data (569 × 30) in each
    language, beside NumPy (the same algorithms, vectorised) and scikit-learn."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from .datasets import load, sklearn_solver

    data = load("breast-cancer")
    rows, ys = data.rows, data.ys
    out = {"data": f"{data.name} {len(rows)} × {len(rows[0])}", "epochs": epochs, "iterations": iterations,
           "gd_epoch_s": {}, "newton_s": {}}
    with Languages(timeout=3600) as languages:
        for runner in languages.runners:
            progress(f"training: {runner.name}")
            runner.call_many([("dot", [[1.0], [1.0]])])  # start, import: not timed
            one = _timed(runner, "fit-gd", [rows, ys, 0.1, 1])
            many = _timed(runner, "fit-gd", [rows, ys, 0.1, 1 + epochs])
            out["gd_epoch_s"][runner.name] = (many - one) / epochs  # the data's travel cancels out
            out["newton_s"][runner.name] = _timed(runner, "fit-newton", [rows, ys, 1.0, iterations])
    x, y = np.array(rows), np.array(ys, dtype=float)
    out["gd_epoch_s"]["numpy"] = _best(lambda: _numpy_gd(x, y, 0.1, epochs)) / epochs
    out["newton_s"]["numpy"] = _best(lambda: _numpy_newton(x, y, 1.0, iterations))
    model = LogisticRegression(C=1.0, solver=sklearn_solver(), tol=1e-12, max_iter=1000)
    out["newton_s"]["scikit-learn"] = _best(lambda: model.fit(x, y))
    return out


def _timed(runner, name, args) -> float:
    started = time.perf_counter()
    outcome = runner.call_many([(name, args)])[0]
    if isinstance(outcome, Error):
        raise RuntimeError(f"{runner.name}: {name} failed: {outcome}")
    return time.perf_counter() - started


def _best(work, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _numpy_gd(x, y, rate, epochs):
    import numpy as np
    w, b, n = np.zeros(x.shape[1]), 0.0, len(y)
    for _ in range(epochs):
        r = 1 / (1 + np.exp(-(x @ w + b))) - y
        w, b = w - rate * (x.T @ r) / n, b - rate * r.sum() / n
    return w, b


def _numpy_newton(x, y, penalty, iterations):
    import numpy as np
    xt = np.hstack([x, np.ones((len(y), 1))])
    theta, k = np.zeros(xt.shape[1]), x.shape[1]
    ridge = np.diag([penalty] * k + [0.0])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(xt @ theta)))
        g = xt.T @ (p - y) + ridge @ theta
        h = (xt * (p * (1 - p))[:, None]).T @ xt + ridge
        theta = theta - np.linalg.solve(h, g)
    return theta


# ---------------------------------------------------------------- report

def report(r: dict):
    v, rt, b, s = r["versions"], r["round_trip"], r["batched"], r["process_per_call"]
    print(f"triglot bench — Python {v['python']}, Hy {v['hy']}, {v['guile']}; "
          f"{v['cores']} cores ({v['usable_cores']} usable), {v['machine']}, {v.get('cpu', '')}, "
          f"load average {v['load_average_1min']:.2f} at start")
    if "command_line" in r:
        print("\n0. " + "\n".join(throughput.report(r["command_line"])))
    print(f"\n1. one call to Guile through SchemeRunner ({rt['calls']} calls, sigmoid 0.5)")
    print(f"   median {rt['median_us']:.1f} µs, p90 {rt['p90_us']:.1f} µs "
          f"(Guile start-up {rt['guile_startup_ms']:.1f} ms, not included)")
    print(f"\n2. checked batch: {b['calls']} calls in 3 languages + identical() (seed {r['seed']})")
    print(f"   {b['seconds']:.3f} s, {b['calls_per_s']:,.0f} calls/s, {b['us_per_call']:.2f} µs/call; "
          f"{b['identical']}/{b['calls']} identical")
    for part, seconds in b["share_seconds"].items():
        print(f"   {part:14} {seconds:7.3f} s  {b['share_percent'][part]:5.1f} %")
    if "scheme_path" in b:
        print(f"   Guile path: {b['scheme_path']} (a batch travels in binary blocks, every argument "
              f"tagged, doubles as their IEEE-754 bytes)")
    bt = r.get("batched_text")
    if bt:
        print(f"   the same batch, Guile on the text path: {bt['seconds']:.3f} s, "
              f"{bt['calls_per_s']:,.0f} calls/s, {bt['us_per_call']:.2f} µs/call "
              f"(the binary path is {bt['binary_speedup']:.2f}× faster); Guile's outcomes identical "
              f"on {bt['scheme_agrees_with_binary']}/{bt['calls']}")
    print(f"   CPU: Python process {b['cpu_seconds']['python_process']:.2f} s, "
          f"Guile process {b['cpu_seconds']['guile_process']:.2f} s")
    print(f"\n3. process per call: {s['calls']} calls, a new Guile process each, same checks")
    print(f"   {s['seconds']:.3f} s, {s['calls_per_s']:,.1f} calls/s, {s['us_per_call'] / 1e3:.2f} ms/call; "
          f"{s['identical']}/{s['calls']} identical; Guile agrees with the batch on "
          f"{s['scheme_agrees_with_batched']}/{s['calls']}")
    print(f"   {b['calls']} calls this way ≈ {s['extrapolated_seconds']:,.0f} s (batched {b['seconds']:.2f} s): "
          f"{s['ratio_to_batched']:,.0f}× the batched cost per call")
    if "suite" in r:
        t = r["suite"]
        print(f"\n4. make test: {t['seconds']:.2f} s wall, exit code {t['exit_code']}: {t['summary']}")
    if "training" in r:
        t = r["training"]
        print(f"\n6. training on {t['data']}: fit-gd per epoch ({t['epochs']} epochs), "
              f"fit-newton λ = 1 ({t['iterations']} iterations)")
        base_gd, base_newton = t["gd_epoch_s"]["numpy"], t["newton_s"]["numpy"]
        for who in t["newton_s"]:
            gd = t["gd_epoch_s"].get(who)
            gd_text = f"{gd * 1e3:9.3f} ms/epoch ({gd / base_gd:7.1f}× NumPy)" if gd else " " * 34
            print(f"   {who:14} {gd_text}   newton {t['newton_s'][who]:8.3f} s "
                  f"({t['newton_s'][who] / base_newton:7.1f}× NumPy)")
    if "accuracy" in r:
        a = r["accuracy"]
        print(f"\n5. accuracy against mpmath, {a['samples']} random doubles each, every language")
        for name, w in a["worst"].items():
            print(f"   {name:26} worst {w['ulp']:.3f} ULP at ({name} {' '.join(map(str, w['args']))})")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m triglot.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000, help="calls in the checked batch (100000)")
    parser.add_argument("--single", type=int, default=2000, help="single round-trip calls to time (2000)")
    parser.add_argument("--spawn", type=int, default=200, help="calls with one process each (200)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the argument generator (2024)")
    parser.add_argument("--no-suite", action="store_true", help="do not time `make test`")
    parser.add_argument("--no-training", dest="training", action="store_false",
                        help="do not time the fits on the breast-cancer data")
    parser.add_argument("--epochs", type=int, default=20, help="fit-gd epochs to time (20)")
    parser.add_argument("--iterations", type=int, default=10, help="fit-newton iterations (10)")
    parser.add_argument("--accuracy", type=int, default=20_000, metavar="N",
                        help="random doubles per stable form for the accuracy figure (20000; 0: skip)")
    parser.add_argument("--no-command-line", dest="command_line", action="store_false",
                        help="do not time `triglot call --batch` and `triglot fuzz` (python -m triglot.throughput)")
    parser.add_argument("--command-line-calls", type=int, default=200_000, metavar="N",
                        help="calls in the command line's batch of doubles (200000; half as many mixed)")
    parser.add_argument("--inputs", type=int, default=1_000_000, help="fuzz inputs per function (1000000)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--save", metavar="FILE", help="also write the figures as JSON to FILE (the site's "
                                                       "performance page shows the saved run)")
    opts = parser.parse_args(argv)

    result = {"seed": opts.seed, "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "versions": versions()}
    if opts.command_line:
        result["command_line"] = throughput.measure(opts.command_line_calls, opts.inputs, opts.seed)
    progress(f"round trip: {opts.single} single calls to Guile")
    result["round_trip"] = round_trip(opts.single)
    calls = make_calls(opts.calls, opts.seed)
    progress(f"checked batch: {opts.calls} calls in every language")
    result["batched"] = batched(calls)
    progress(f"checked batch again, Guile on the text path: {opts.calls} calls")
    result["batched_text"] = batched(calls, binary=False)
    path_by_path(result["batched"], result["batched_text"])
    progress(f"process per call: {opts.spawn} calls, one Guile process each")
    result["process_per_call"] = process_per_call(calls[:opts.spawn])
    side_by_side(result["batched"], result["process_per_call"])
    if opts.training:
        progress("training on the breast-cancer data in every language, NumPy and scikit-learn")
        result["training"] = training(opts.epochs, opts.iterations)
    if opts.accuracy:
        progress(f"accuracy: {opts.accuracy} random doubles per stable form, against mpmath")
        result["accuracy"] = accuracy(opts.accuracy, opts.seed)
    if not opts.no_suite:
        progress("make test, timed")
        result["suite"] = suite()

    if opts.save:
        Path(opts.save).parent.mkdir(parents=True, exist_ok=True)
        Path(opts.save).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if opts.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        report(result)


def saved_report(path) -> list[str] | None:
    """Return the report of a run saved with --save, as lines; None if there is none."""
    import contextlib
    import io
    if not Path(path).is_file():
        return None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        report(json.loads(Path(path).read_text(encoding="utf-8")))
    return out.getvalue().splitlines()


if __name__ == "__main__":
    main()
