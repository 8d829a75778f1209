"""The values a build of the site shows: every case, every notation cell, the claims and
the figures, computed by the implementations when the site is built (never typed)."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from .. import check, claims, figures, notation, phrasebook, portability, registry
from ..languages import Languages


@dataclass(frozen=True)
class Live:
    languages: tuple[str, ...]
    versions: dict
    cases: dict            # stem -> [CaseResult], in file order
    notation: tuple        # RowResult per row
    proofs: tuple          # claims.Proof per claim
    figures: dict          # name -> figures.Figure
    phrases: tuple         # phrasebook.RowResult per row
    seconds: float
    portability: tuple = ()   # the matrix: a row per concept (portability.matrix)
    scheme_versions: dict = None  # "scheme/NAME" -> version word

    def results(self) -> list:
        return [r for rs in self.cases.values() for r in rs]

    def failures(self) -> tuple[str, ...]:
        """Return every unexplained difference among the cases and the notation cells."""
        return tuple([f"{r.case.property}[{lang}-{r.case.short}]: {j.detail}" for r in self.results()
                      for lang, j in r.judgements.items() if not j.ok] +
                     [f for row in self.notation for f in row.failures] +
                     [j.detail for r in self.phrases for j in r.judgements.values() if not j.ok] +
                     [f"claim {p.claim.id}: not proved" for p in self.proofs if not p.proved] +
                     [f"{row['concept']} in {lang}: {cell['failed']} case(s) failed" for row in self.portability
                      for lang, cell in row["cells"].items() if cell["failed"]])


def say(text: str) -> None:
    """Print a progress line on stderr."""
    print(text, file=sys.stderr, flush=True)


def compute(say=say) -> Live:
    """Return every live value of the site, saying what it runs."""
    start = time.perf_counter()
    with Languages() as langs:
        say("site: running every canonical case in every language…")
        results = check.run_cases(langs)
        say("site: drawing the figures from the languages' values…")
        drawn = figures.draw_all(langs)
        names = tuple(langs.names)
    say("site: evaluating the notation table and proving its claims…")
    rows = tuple(notation.evaluate())
    proofs = tuple(claims.prove_all())
    say("site: running the phrasebook's cells…")
    phrases = tuple(phrasebook.evaluate())
    say("site: running every canonical case in the six Scheme implementations…")
    matrix = tuple(portability.matrix(*portability.run()))
    stems = {f.name: f.stem for f in registry.functions().values()}
    by_stem = {c.stem: [] for c in registry.concepts()}
    for r in results:
        by_stem[stems[r.case.property]].append(r)
    return Live(names, notation.versions(), by_stem, rows, proofs, drawn, phrases, time.perf_counter() - start,
                matrix, portability.versions())
