"""The README's generated sections: the notation table (`triglot table --markdown`) and the
portability matrix (`triglot schemes --cases`).
(The concepts, the notes and `triglot check`'s output live on the site: `triglot site`.)

    python -m triglot.readme           rewrite the sections in README.md
    python -m triglot.readme --check   exit 1 if README.md is stale

A section sits between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
"""
from __future__ import annotations

import argparse
import re
import sys

from . import registry


def notation_table() -> str:
    from . import claims, notation
    return notation.markdown(notation.evaluate(), claims.prove_all())


def portability_matrix() -> str:
    from . import portability
    languages, results = portability.run()
    return portability.markdown(portability.matrix(languages, results), portability.versions())


SECTIONS = {"notation": notation_table, "portability": portability_matrix}


def render(text: str) -> str:
    """Return README text with every generated section brought up to date."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md has no <!-- {name}:begin --> … <!-- {name}:end --> section")
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def without_versions(text: str) -> str:
    """The text with the Python version the notation table names taken out: under another
    CPython (`make test-pythons`) the table must be the same but for that word."""
    return re.sub(r"Verified with Python \S+,", "Verified with Python …,", text)


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
