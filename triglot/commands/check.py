"""`triglot check`: every canonical case in every language, and the summary."""
from __future__ import annotations

import json
import sys

from .. import check
from ..languages import Languages
from ..values import Error
from . import add_scheme_option, chosen_schemes


def timed_out(result) -> bool:
    """Return True when a language gave a case no answer in time (or was not run after timeouts)."""
    return any(isinstance(o, Error) and o.runner and o.kind in (*check.TIMEOUTS, "SchemeNotRun")
               for o in result.outcomes.values())


def exit_code(failures) -> int:
    """Return 0 with no failure, 4 when every failing case is one that timed out, else 1."""
    if not failures:
        return 0
    return 4 if all(timed_out(r) for r, _, _ in failures) else 1


def run(opts) -> int:
    if opts.timeout is not None and not opts.timeout > 0:
        from . import UsageError
        raise UsageError(f"--timeout must be a number of seconds > 0, not {opts.timeout:g}")
    print("triglot check: running every canonical case in every language…", file=sys.stderr)
    with Languages(chosen_schemes(opts), timeout=opts.timeout or 10.0) as langs:
        results = check.run_cases(langs)
        names = langs.names
    rows = check.summary(results, names)
    failures = [(r, lang, j) for r in results for lang, j in r.judgements.items() if not j.ok]
    if opts.json:
        print(json.dumps({"languages": names, "concepts": rows,
                          "failures": [{"uuid": r.case.uuid, "property": r.case.property, "language": lang,
                                        "detail": j.detail} for r, lang, j in failures],
                          "ok": not failures}, ensure_ascii=False))
        return exit_code(failures)
    print("\n".join(check.report(results, names)))
    return exit_code(failures)


def add_parser(sub) -> None:
    c = sub.add_parser("check", help="run every canonical case in every language; exit 1 on an "
                                     "unexplained difference")
    c.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    c.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="the longest one case may take in any language (default 10); exit 4 if only timeouts failed")
    add_scheme_option(c)
    c.set_defaults(run=run)
