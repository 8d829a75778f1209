"""`triglot table`: the notation table, every cell evaluated in its language, and SymPy's proofs."""
from __future__ import annotations

import json
import sys

from . import add_scheme_option, chosen_schemes


def run(opts) -> int:
    from .. import claims, notation  # SymPy loads only for this command
    print("triglot table: evaluating every cell in every language…", file=sys.stderr)
    schemes = chosen_schemes(opts)
    results = notation.evaluate(schemes=schemes)
    proofs = claims.prove_all()
    failed = [f for r in results for f in r.failures] + \
        [f"claim {p.claim.id} ({p.claim.text}): not proved; {p.detail}" for p in proofs if not p.proved]
    if opts.json:
        print(json.dumps({"verified_with": notation.versions(schemes), "rows": [r.to_json() for r in results],
                          "claims": [{"id": p.claim.id, "text": p.claim.text, "status": p.status,
                                      "detail": p.detail} for p in proofs],
                          "ok": not failed}, ensure_ascii=False))
    elif opts.markdown:
        print(notation.markdown(results, proofs))
    else:
        _print_rich_table(results, proofs, notation)
    for f in failed if not opts.json else ():
        print(f"FAIL {f}", file=sys.stderr)
    return 1 if failed else 0


def _print_rich_table(results, proofs, notation) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Notation, every cell evaluated ({notation.versions_line()})", show_lines=True)
    for column in ("Math", "Scheme", "Python", "Hy", "Meaning", "value", "verdict"):
        table.add_column(column, overflow="fold")
    for res in results:
        r = res.row
        value = res.value_text()
        verdict = f"[green]identical[/], ≤ {r.max_ulp:g} ULP" if res.ok else "[bold red]FAIL[/]"
        table.add_row(*map(escape, (r.math + ("" if r.seed else " ⁺"), r.scheme, r.python, r.hy, r.meaning,
                                    value)), verdict)
    console = Console()
    if not console.is_terminal:  # a pipe or a file: no wrapping at 80 columns
        console = Console(width=180)
    console.print(table)
    console.print("⁺ added to the seed's table.  Symbolic claims (SymPy):")
    for p in proofs:
        console.print(f"  {'[green]proved[/]' if p.proved else '[bold red]not proved[/]'}  {escape(p.claim.text)}")


def add_parser(sub) -> None:
    t = sub.add_parser("table", help="evaluate the notation table, every cell in its language",
                       description="Evaluate every row of notation.toml: the Scheme, Python and Hy cells "
                                   "in their languages (they must be identical) and the Math cell with "
                                   "SymPy (each value must be within the row's ULP bound); prove the "
                                   "seed's symbolic claims with SymPy. Exit 1 if anything fails.")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    t.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    add_scheme_option(t)
    t.set_defaults(run=run)
