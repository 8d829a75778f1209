"""The seed's symbolic claims (notation.toml's [[claim]]), proved with SymPy.

A claim is proved when lhs − rhs simplifies to 0 (logarithms expanded under the
symbols' assumptions), or, for sets, when the two sets are equal.  Anything
else is reported as "not proved": never as passed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from .notation import load_toml

REAL = "w x b y z s eta lam h y1 y2 y3 z1 z2 z3"
POSITIVE = "p q p1 p2 p3 q1 q2 q3"  # probabilities strictly inside (0, 1)


def namespace() -> dict:
    """The names a SymPy cell may use: real and positive symbols, and sigma(z) = 1/(1 + e^−z)."""
    names = {str(s): s for s in sp.symbols(REAL, real=True)}
    names |= {str(s): s for s in sp.symbols(POSITIVE, positive=True)}
    t = sp.Symbol("t", real=True)
    names["sigma"] = sp.Lambda(t, 1 / (1 + sp.exp(-t)))
    return names


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    lhs: str
    rhs: str


@dataclass(frozen=True)
class Proof:
    claim: Claim
    proved: bool
    detail: str

    @property
    def status(self) -> str:
        return "proved" if self.proved else "not proved"


@cache
def claims() -> tuple[Claim, ...]:
    return tuple(Claim(c["id"], c["text"], c["lhs"], c["rhs"]) for c in load_toml().get("claim", []))


def prove(claim: Claim) -> Proof:
    """Return whether SymPy proves lhs = rhs, with what it reduced the difference to."""
    names = namespace()
    try:
        lhs, rhs = (sp.sympify(side, locals=names) for side in (claim.lhs, claim.rhs))
    except (sp.SympifyError, SyntaxError, TypeError) as e:
        return Proof(claim, False, f"does not parse: {e}")
    if isinstance(lhs, sp.Set) or isinstance(rhs, sp.Set):
        return Proof(claim, lhs == rhs, f"{lhs} = {rhs}" if lhs == rhs else f"{lhs} ≠ {rhs}")
    difference = sp.simplify(sp.expand_log(lhs - rhs))
    return Proof(claim, difference == 0, f"lhs − rhs simplifies to {difference}")


def prove_all() -> list[Proof]:
    return [prove(c) for c in claims()]
