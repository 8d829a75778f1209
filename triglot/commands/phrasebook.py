"""`triglot phrasebook [TOPIC]`: Scheme constructs beside Python and Hy, every cell run now."""
from __future__ import annotations

import json
import sys

from . import UsageError


def chosen(topic: str | None, rows, topics) -> list:
    """Return the rows of one topic (named in full or by a unique beginning), or all."""
    if topic is None:
        return list(rows)
    found = [t for t in topics if t.lower() == topic.lower()] or \
        [t for t in topics if t.lower().startswith(topic.lower())]
    if len(found) != 1:
        raise UsageError(f"{'unknown' if not found else 'ambiguous'} topic {topic!r}; topics: "
                         + "; ".join(topics))
    return [r for r in rows if r.topic == found[0]]


def record(res) -> dict:
    from ..values import format_outcome
    r = res.row
    return {"id": r.id, "topic": r.topic, "title": r.title, "scheme": r.scheme, "python": r.python, "hy": r.hy,
            "value": str(r.value), "results": {lang: format_outcome(o) for lang, o in res.outcomes.items()},
            "verdict": res.status, "note": r.note,
            "failures": [j.detail for j in res.judgements.values() if not j.ok]}


def run(opts) -> int:
    from .. import notation, phrasebook
    rows = chosen(opts.topic, phrasebook.rows(), phrasebook.topics())
    print(f"triglot phrasebook: running {len(rows)} rows in every language…", file=sys.stderr)
    results = phrasebook.evaluate(rows)
    failed = [j.detail for res in results for j in res.judgements.values() if not j.ok]
    if opts.json:
        print(json.dumps({"verified_with": notation.versions(), "rows": [record(r) for r in results],
                          "ok": not failed}, ensure_ascii=False))
    else:
        show(results, notation.versions_line())
        for f in failed:
            print(f"FAIL {f}", file=sys.stderr)
    return 1 if failed else 0


def show(results, versions: str) -> None:
    """Print one table per topic: the three cells, each language's value, the verdict."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..values import describe
    console = Console()
    if not console.is_terminal:  # a pipe or a file: wide, no wrapping at 80 columns
        console = Console(width=200)
    for topic in dict.fromkeys(r.row.topic for r in results):
        table = Table(title=topic, show_lines=True, title_justify="left")
        for column in ("", "Scheme", "Python", "Hy", "value", "verdict"):
            table.add_column(column, overflow="fold")
        for res in (r for r in results if r.row.topic == topic):
            values = {describe(o) for o in res.outcomes.values()}
            value = values.pop() if len(values) == 1 else "\n".join(
                f"{lang}: {describe(o)}" for lang, o in res.outcomes.items())
            verdict = {"identical": "[green]identical[/]", "FAIL": "[bold red]FAIL[/]"}.get(
                res.status, f"[yellow]documented[/]\n{escape(res.row.note or '')}")
            table.add_row(*map(escape, (res.row.title, res.row.scheme, res.row.python, res.row.hy, value)),
                          verdict)
        console.print(table)
    n = len(results)
    documented = sum(r.status == "documented" for r in results)
    failed = sum(r.status == "FAIL" for r in results)
    console.print(f"{n} rows, every cell run with {versions}: {n - documented - failed} identical, "
                  f"{documented} documented differences, {failed} failed.  `triglot explain NOTE` tells why.")


def add_parser(sub) -> None:
    p = sub.add_parser("phrasebook", help="Scheme constructs beside Python and Hy, every cell run",
                       description="Print the phrasebook (phrasebook.toml): how each Scheme construct is "
                                   "written in Python and in Hy, every cell run now in its language, the value "
                                   "each gives and the verdict: identical, or a documented difference with the "
                                   "translation note that explains it. Exit 1 if a row fails.")
    p.add_argument("topic", nargs="?", metavar="TOPIC", help="one topic (its name or a unique beginning)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)
