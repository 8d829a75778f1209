"""`triglot bench`: the benchmarks (figures only; nothing asserted about speed)."""
from __future__ import annotations

import json
import sys

from . import UsageError


def run(opts) -> int:
    if opts.calls <= 0 or opts.repeats <= 0:
        raise UsageError("--calls and --repeats must be positive")
    if not opts.languages:
        from .. import bench
        bench.main(["--json"] if opts.json else [])
        return 0
    from .. import speed
    rows = speed.measure(opts.calls, say=lambda text: print(f"triglot bench: {text}", file=sys.stderr),
                         repeats=opts.repeats, training=opts.training)
    print(json.dumps({"calls": opts.calls, "languages": rows}) if opts.json else "\n".join(speed.table(rows)))
    return 0


def add_parser(sub) -> None:
    b = sub.add_parser("bench", help="measure speed: each language alone (--languages), or everything",
                       description="Benchmarks, figures only. --languages: each language alone (Python, Hy "
                                   "and the six Scheme implementations): start-up, and calls per second for a "
                                   "batch of doubles and a mixed batch. Without it: the whole benchmark "
                                   "(`make bench`: the command line, the checked batch, one process per call, "
                                   "training, accuracy, `make test`), which takes minutes.")
    b.add_argument("--languages", action="store_true", help="the speed table, one row per language")
    b.add_argument("--calls", type=int, default=50_000, help="calls per batch with --languages (50000)")
    b.add_argument("--repeats", type=int, default=3, help="timings of each piece of work with --languages (3)")
    b.add_argument("--no-training", dest="training", action="store_false",
                   help="with --languages, leave out the fits on the breast-cancer data")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    b.set_defaults(run=run)
