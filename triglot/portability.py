"""The portability matrix: every canonical case in each Scheme implementation.

A cell counts a concept's cases in one implementation: identical to the
canonical outcome (Python's, Hy's and Guile's, within the case's ULP bound),
documented (an outcome of its own, with the note that says why: the case's
outcomes or portability/NAME.toml; "wrong" counts those documented answers
that are not the mathematics, `defect = true`), or failed.  `triglot schemes --cases` prints
it, the README and the site's index show it.
"""
from __future__ import annotations

import time

from . import check, registry
from .implementations import IMPLEMENTATIONS, SchemeUnavailable
from .languages import Languages


def probe(name: str) -> dict:
    """Start one implementation on the concept files: its version, start-up time and path."""
    impl = IMPLEMENTATIONS[name]
    row = {"name": name, "language": impl.label, "title": impl.title, "installed": impl.installed,
           "version": impl.version, "command": [*impl.command, f"triglot/schemes/{impl.shim.name}",
                                                *impl.after_shim],
           "install": f"sudo apt-get install {impl.package}", "package": impl.package,
           "path": "binary" if impl.binary else "text", "ready": False}
    if not impl.installed:
        row["error"] = f"not installed: {impl.install}"
        return row
    from .scheme import SchemeRunner
    runner = SchemeRunner(impl)
    try:
        t0 = time.perf_counter()
        runner.start()
        row["startup_s"] = time.perf_counter() - t0
        row["ready"] = True
    except SchemeUnavailable as e:
        row["error"] = str(e)
    finally:
        runner.close()
    return row


def run(names=tuple(IMPLEMENTATIONS)) -> tuple[list[str], list[check.CaseResult]]:
    """Run every case in Python, Hy and the named implementations: (languages, results)."""
    with Languages(schemes=names) as langs:
        return langs.names, check.run_cases(langs)


def matrix(languages: list[str], results: list[check.CaseResult]) -> list[dict]:
    """Per concept: its case count and, per Scheme implementation, identical/documented/failed."""
    schemes = [lang for lang in languages if lang.startswith("scheme/")]
    rows = []
    for concept in registry.concepts():
        names = {f.name for f in concept.functions}
        mine = [r for r in results if r.case.property in names]
        cells = {}
        for lang in schemes:
            statuses = [r.judgements[lang].status for r in mine]
            defects = sum(1 for r in mine if r.judgements[lang].status == "documented"
                          and getattr(r.case.outcomes.get(lang), "defect", False))
            cells[lang] = {"identical": statuses.count("identical"), "documented": statuses.count("documented"),
                           "failed": statuses.count("FAIL"), "defects": defects,
                           "notes": sorted({r.judgements[lang].note for r in mine if r.judgements[lang].note})}
        rows.append({"concept": concept.stem, "cases": len(mine), "cells": cells})
    return rows


def cell_text(cell: dict, cases: int) -> str:
    ok = cell["identical"] + cell["documented"]
    text = f"{cell['identical']}" + (f" + {cell['documented']} documented" if cell["documented"] else "")
    if cell.get("defects"):
        text += f" ({cell['defects']} wrong)"
    return text if ok == cases and not cell["failed"] else text + f", **{cell['failed']} failed**"


def markdown(rows: list[dict], versions: dict) -> str:
    """The matrix as a Markdown table: a row per concept, a column per implementation."""
    schemes = list(rows[0]["cells"]) if rows else []
    head = ["concept", "cases"] + [f"{IMPLEMENTATIONS[s.split('/')[1]].title} {versions[s]}" for s in schemes]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        lines.append("| " + " | ".join([f"`{row['concept']}`", str(row["cases"])]
                                         + [cell_text(row["cells"][s], row["cases"]) for s in schemes]) + " |")
    total = sum(r["cases"] for r in rows)
    sums = []
    for s in schemes:
        cells = [r["cells"][s] for r in rows]
        sums.append(cell_text({k: sum(c.get(k, 0) for c in cells)
                               for k in ("identical", "documented", "failed", "defects")}, total))
    lines.append("| " + " | ".join(["**all**", str(total)] + sums) + " |")
    return "\n".join(lines)


def versions(names=tuple(IMPLEMENTATIONS)) -> dict:
    """The version word of each implementation, for the matrix's header."""
    out = {}
    for name in names:
        v = IMPLEMENTATIONS[name].version
        words = [w for w in v.replace("(", " ").replace(")", " ").split() if any(ch.isdigit() for ch in w)]
        out[f"scheme/{name}"] = words[0].lstrip("v").rstrip(".") if words else v
    return out
