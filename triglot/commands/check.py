"""`triglot check`: every canonical case in every language, and the summary."""
from __future__ import annotations

import json
import sys

from .. import check
from ..languages import Languages


def run(opts) -> int:
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
    print("\n".join(check.report(results, names)))
    return 1 if failures else 0


def add_parser(sub) -> None:
    c = sub.add_parser("check", help="run every canonical case in every language; exit 1 on an "
                                     "unexplained difference")
    c.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    c.set_defaults(run=run)
