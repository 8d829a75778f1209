"""The README's generated sections: `triglot check`'s output, the notation table, the concepts
and the notes, from the data.

    python -m triglot.readme           rewrite the sections in README.md
    python -m triglot.readme --check   exit 1 if README.md is stale

A section sits between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter

from . import cases, notes, registry


def concepts_table() -> str:
    counts = Counter(c.property for c in cases.all_cases())
    rows = ["| concept | function (Scheme · Python · Hy) | mathematics | cases |", "|---|---|---|---|"]
    for c in registry.concepts():
        for f in c.functions:
            rows.append(f"| [{c.stem}](scheme_src/{c.stem}.scm) | `({f.name} {' '.join(f.params)})` · "
                        f"`{f.python_name}({', '.join(f.params)})` · `({f.name} {' '.join(f.params)})` | "
                        f"{f.math} | {counts[f.name]} |")
    return "\n".join(rows)


def notes_table() -> str:
    rows = ["| note | what differs | python · hy · scheme | cases |", "|---|---|---|---|"]
    for n in notes.notes().values():
        pattern = " · ".join(f"`{n.when.get(k, '')}`".replace("|", "\\|") for k in ("python", "hy", "scheme")) \
            if n.when else "all three agree; the code and the mathematics differ"
        rows.append(f"| `{n.id}` | {n.title} | {pattern} | {len(n.cases)} |")
    return "\n".join(rows)


def notation_table() -> str:
    from . import claims, notation
    return notation.markdown(notation.evaluate(), claims.prove_all())


def check_output() -> str:
    from . import check
    from .languages import Languages
    with Languages() as langs:
        return "```\n$ .venv/bin/triglot check\n" + "\n".join(check.report(check.run_cases(langs), langs.names)) \
            + "\n```"


SECTIONS = {"check": check_output, "notation": notation_table, "concepts": concepts_table, "notes": notes_table}


def render(text: str) -> str:
    """Return README text with every generated section brought up to date."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md has no <!-- {name}:begin --> … <!-- {name}:end --> section")
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main(argv=None) -> int:
    opts = argparse.ArgumentParser(prog="python -m triglot.readme", description=__doc__.split("\n")[0])
    opts.add_argument("--check", action="store_true", help="only report whether README.md is stale")
    check = opts.parse_args(argv).check
    path = registry.root() / "README.md"
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if check:
        print("README.md is up to date" if new == old else
              "README.md is stale: run `.venv/bin/python -m triglot.readme`")
        return 0 if new == old else 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
