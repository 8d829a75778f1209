"""`triglot schemes`: the Scheme implementations, whether each runs here, and (--cases) the
portability matrix: every canonical case in each of them."""
from __future__ import annotations

import json

from .. import portability
from ..implementations import IMPLEMENTATIONS


def run(opts) -> int:
    rows = [portability.probe(name) for name in IMPLEMENTATIONS]
    matrix = None
    if opts.cases:
        usable = tuple(r["name"] for r in rows if r["ready"])
        languages, results = portability.run(usable)
        matrix = portability.matrix(languages, results)
    if opts.json:
        print(json.dumps({"schemes": rows, "matrix": matrix}, ensure_ascii=False))
    else:
        width = max(len(r["language"]) for r in rows)
        for r in rows:
            state = (f"ready in {r['startup_s']:.2f} s" if r["ready"] else r.get("error", "cannot run"))
            print(f"{r['language']:<{width}}  {r['title']:<15} {r['version'][:40]:<40} {r['path']:<6}  {state}")
        if matrix is not None:
            print()
            print(portability.markdown(matrix, portability.versions(tuple(m.split("/")[1] for m in matrix[0]["cells"]))
                                       if matrix else {}))
    failed = matrix is not None and any(c["failed"] for row in matrix for c in row["cells"].values())
    return 3 if not all(r["ready"] for r in rows) else 1 if failed else 0


def add_parser(sub) -> None:
    s = sub.add_parser("schemes", help="list the Scheme implementations and whether each runs here",
                       description="List the six Scheme implementations (Guile, Chez, Gambit, CHICKEN, MIT, "
                                   "Racket): version, the path calls travel (binary or text), and whether each "
                                   "starts on the concept files here, with its start-up time. --cases also runs "
                                   "every canonical case in each and prints the portability matrix.",
                       epilog="Exit 0 when every implementation runs (and, with --cases, every case is identical "
                              "or documented), 1 when a case fails, 3 when an implementation cannot run.")
    s.add_argument("--cases", action="store_true", help="run every canonical case in each implementation")
    s.add_argument("--json", action="store_true", help='print one JSON object: {"schemes": [{"name", "installed", "version", "command", '
                                                        '"install", …}], "matrix": …}')
    s.set_defaults(run=run)
