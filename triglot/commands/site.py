"""`triglot site [OUTDIR]`: build the reference site from the project's data."""
from __future__ import annotations

import sys


def run(opts) -> int:
    from ..figures import Disagreement
    from ..site import build, pages  # Sphinx loads only for this command
    try:
        report = build.build(opts.outdir)
    except (build.BuildFailed, pages.BadPages) as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 2
    except Disagreement as e:
        print(f"triglot: a figure cannot be drawn, the languages differ: {e}", file=sys.stderr)
        return 1
    print(report.line())
    for failure in report.failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if report.failures else 0


def add_parser(sub) -> None:
    s = sub.add_parser("site", help="build the reference site (HTML) from the sources, notes, table and cases",
                       description="Build the static reference site into OUTDIR: one page per page of "
                                   "pages.toml (code in Scheme | Python | Hy tabs and side by side), the "
                                   "notation table, the translation notes and every canonical case, with "
                                   "values and figures computed by the languages during the build. Opens "
                                   "from disk with no network. Prints the page count, total size and build time. "
                                   "Exit 1 if a value on a page is an unexplained difference (the page "
                                   "shows it as FAIL), 2 if a page or link is broken.")
    s.add_argument("outdir", nargs="?", default="site", metavar="OUTDIR", help="output folder (default: site)")
    s.set_defaults(run=run)
