"""Benchmark of the command line's throughput: what a user's script gets.

    python -m triglot.throughput [--calls N] [--inputs N] [--json]

Measured side by side, in one run, wall clock from the command's start to its
exit (start-up included):
  1. `triglot call --batch FILE --json` on doubles (stable-sigmoid) and on a
     mixed batch (exact integers, ratios, lists, several functions), with
     Guile's binary path and again with the text path (TRIGLOT_SCHEME_BINARY=0);
  2. `triglot fuzz` on one-argument functions, and on every function;
  3. the JSON decoders and encoders the batch can use, per line.
Every batch's output is read back: its lines are counted and its verdicts
tallied, so a fast run that answered wrongly would show.  Prints figures only.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import registry

COMMAND = [sys.executable, "-m", "triglot.cli"]


def progress(text: str):
    print(f"throughput: {text}", file=sys.stderr, flush=True)


def doubles(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [{"function": "stable-sigmoid", "args": [rng.uniform(-30, 30)]} for _ in range(n)]


def mixed(n: int, seed: int) -> list[dict]:
    """Lines of five kinds in turn: a double, an exact integer, a label and a double, two
    lists of doubles, a ratio (as a string)."""
    rng = random.Random(seed)
    kinds = [lambda: {"function": "sigmoid", "args": [rng.uniform(-30, 30)]},
             lambda: {"function": "surprise", "args": [rng.randint(1, 9)]},
             lambda: {"function": "cross-entropy", "args": [rng.randint(0, 1), rng.random()]},
             lambda: {"function": "dot", "args": [[rng.random() for _ in range(3)],
                                                  [rng.random() for _ in range(3)]]},
             lambda: {"function": "nats-to-bits", "args": [f"{rng.randint(1, 9)}/{rng.randint(2, 9)}"]}]
    return [kinds[i % len(kinds)]() for i in range(n)]


def run_batch(lines: list[dict], binary: bool = True) -> dict:
    """Run `triglot call --batch FILE --json` on the lines; time it and tally its output."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calls.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        env = {**os.environ, "TRIGLOT_SCHEME_BINARY": "1" if binary else "0"}
        t0 = time.perf_counter()
        done = subprocess.run([*COMMAND, "call", "--batch", str(path), "--json"], capture_output=True,
                              env=env, cwd=registry.root())
        seconds = time.perf_counter() - t0
    out = done.stdout.decode().splitlines()
    tally = collections.Counter(json.loads(line).get("verdict", "bad input") for line in out)
    return {"calls": len(lines), "lines_out": len(out), "exit": done.returncode, "seconds": seconds,
            "calls_per_s": len(lines) / seconds, "verdicts": dict(tally),
            "scheme_path": "binary" if binary else "text"}


def run_fuzz(functions: list[str], inputs: int, seed: int = 1) -> dict:
    argv = [*COMMAND, "fuzz", "--inputs", str(inputs), "--seed", str(seed), "--json"]
    for f in functions:
        argv += ["--function", f]
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, cwd=registry.root())
    seconds = time.perf_counter() - t0
    report = json.loads(done.stdout)
    return {"functions": functions or "all", "inputs": report["inputs"], "seconds": seconds,
            "inputs_per_s": report["inputs"] / seconds, "unexplained": report["unexplained"],
            "exit": done.returncode}


def json_libraries(lines: list[dict]) -> dict:
    """Per line: decoding with the standard library and with orjson; encoding a record with the
    standard library's encoder and with the batch's template (batch.Records)."""
    from . import batch
    raw = [json.dumps(line).encode() for line in lines]
    figures = {}
    t0 = time.perf_counter()
    for r in raw:
        json.loads(r)
    figures["decode_json_us"] = (time.perf_counter() - t0) / len(raw) * 1e6
    if batch.fast_loads is not None:
        t0 = time.perf_counter()
        for r in raw:
            batch.fast_loads(r)
        figures["decode_orjson_us"] = (time.perf_counter() - t0) / len(raw) * 1e6
    records = batch.Records(["python", "hy", "scheme/guile"])
    rows = [(line["function"], line["args"], (0.25,) * 3) for line in lines]
    t0 = time.perf_counter()
    for name, args, row in rows:
        batch.ENCODE(batch.call_record(name, args, dict(zip(records.names, row))))
    figures["encode_json_us"] = (time.perf_counter() - t0) / len(rows) * 1e6
    t0 = time.perf_counter()
    for name, args, row in rows:
        records.line(name, args, row)
    figures["encode_template_us"] = (time.perf_counter() - t0) / len(rows) * 1e6
    return figures


def measure(calls: int, inputs: int, seed: int) -> dict:
    result = {}
    plain, mix = doubles(calls, seed), mixed(calls // 2, seed)
    progress(f"call --batch: {calls} doubles, binary path, then text path")
    result["batch_doubles"] = run_batch(plain)
    result["batch_doubles_text"] = run_batch(plain, binary=False)
    progress(f"call --batch: {calls // 2} mixed calls, binary path, then text path")
    result["batch_mixed"] = run_batch(mix)
    result["batch_mixed_text"] = run_batch(mix, binary=False)
    progress(f"fuzz: {inputs} inputs of stable-sigmoid, of sigmoid; {inputs // 10} over every function")
    result["fuzz"] = [run_fuzz(["stable-sigmoid"], inputs), run_fuzz(["sigmoid"], inputs),
                      run_fuzz([], inputs // 10)]
    progress("JSON libraries, per line")
    result["json"] = json_libraries(plain[:50_000] + mix[:50_000])
    return result


def report(r: dict) -> list[str]:
    out = ["command line (wall clock, start-up included):"]
    for key, title in (("batch_doubles", "call --batch --json, doubles"), ("batch_mixed", "call --batch --json, mixed")):
        b, t = r[key], r[key + "_text"]
        out.append(f"  {title:30} {b['calls']:>8,} calls  {b['seconds']:6.2f} s  {b['calls_per_s']:>9,.0f} calls/s"
                   f"  (text path: {t['calls_per_s']:,.0f}/s; binary {t['seconds'] / b['seconds']:.1f}× faster)"
                   f"  verdicts {b['verdicts']}, {b['lines_out']:,} lines out")
    for f in r["fuzz"]:
        name = ", ".join(f["functions"]) if isinstance(f["functions"], list) else "every function"
        out.append(f"  fuzz {name:25} {f['inputs']:>8,} inputs {f['seconds']:6.2f} s  {f['inputs_per_s']:>9,.0f} inputs/s"
                   f"  unexplained {f['unexplained']}")
    j = r["json"]
    out.append(f"  JSON per line: decode {j['decode_json_us']:.2f} µs (json), "
               f"{j.get('decode_orjson_us', float('nan')):.2f} µs (orjson); encode a record "
               f"{j['encode_json_us']:.2f} µs (json), {j['encode_template_us']:.2f} µs (template)")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m triglot.throughput", description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls in the batch of doubles (200000)")
    parser.add_argument("--inputs", type=int, default=1_000_000, help="fuzz inputs per function (1000000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    opts = parser.parse_args(argv)
    result = measure(opts.calls, opts.inputs, opts.seed)
    print(json.dumps(result, indent=2) if opts.json else "\n".join(report(result)))


if __name__ == "__main__":
    main()
