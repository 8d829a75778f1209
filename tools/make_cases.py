"""Write tests/cases/<stem>.json from the case definitions below.

Inputs, descriptions and documented outcomes are written here by hand; every
`expected` value is computed by triglot.oracle (mpmath, 256 bits), never by
the code under test.  A case's uuid is derived from its property and input,
so re-running this script rewrites the same cases with the same uuids; it also
fills each note's `cases = [...]` line in notes.toml.

Published cases are immutable: the script refuses to change a stored case.  A
corrected case is written with a revision (the 5th element of its entry), which
gives it a new uuid and a `reimplements` naming the old one.

    .venv/bin/python tools/make_cases.py
"""
from __future__ import annotations

import json
import math
import re
import sys
import uuid
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import mpmath

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triglot import oracle, registry  # noqa: E402
from triglot.compare import ulp_of  # noqa: E402
from triglot.values import format_value  # noqa: E402

NAMESPACE = uuid.UUID("5d1c0f4e-9a7b-4c1e-8f3a-7d2b6e4a9c10")
inf, nan = math.inf, math.nan

# Largest error, in ULPs, each function may have against the exact value in an
# ordinary case.  A case that allows more names the note that explains why.
# σ takes three roundings (exp, 1 + ·, the division), each within half an ulp
# relative, and a result's ulp can be half its size relative to the top of its
# binade: at most 3 ULP.  log and one negation: 1.  h / ln 2: two roundings, 2.
MAX_ULP = {
    "sigmoid": 3, "stable-sigmoid": 3, "surprise": 1, "nats-to-bits": 2,
    "cross-entropy": 2, "cross-entropy-from-logit": 2,
    "predicted-probability": 3, "classify": 0, "decision-boundary": 1, "gradient": 4,
    "linear-prediction": 1, "linear-gradient": 2, "dot": 1,
    # Sums over a data set, and iterated algorithms: an allowance, not a derivation
    # (note accumulated-rounding); the three languages must still agree bit for bit.
    "mean-cross-entropy": 2 ** 12, "log-likelihood": 2 ** 12,
    "descent-step": 2 ** 16, "fit": 2 ** 16, "fit-trace": 2 ** 16,
    "solve": 2 ** 16, "fit-gd": 2 ** 16, "fit-newton": 2 ** 16,
    # Entropy, KL and the softmax functions: 4 ULP in an ordinary case.  Each case's own
    # bound comes from a first-order error analysis of its operations (oracle.information_bound,
    # oracle.softmax_bound); a case whose bound is larger names the note that derives it.
    "entropy": 4, "kl-divergence": 4, "softmax": 4, "log-sum-exp": 4, "softmax-cross-entropy": 4,
    "fit-softmax": 2 ** 16,
}
ALLOWANCE = {"mean-cross-entropy", "log-likelihood", "descent-step", "fit", "fit-trace", "solve", "fit-gd",
             "fit-newton", "fit-softmax"}
INFORMATION = {"entropy", "kl-divergence"}
SOFTMAX = {"softmax", "log-sum-exp", "softmax-cross-entropy"}




def err(kind, note):
    return {"error": kind, "note": note}


def val(v, note):
    return {"value": format_value(v), "note": note}


def both_py(outcome):
    """The same documented outcome for Python and Hy (Hy runs on Python's math)."""
    return {"python": outcome, "hy": outcome}


def every(outcome):
    return {"python": outcome, "hy": outcome, "scheme": outcome}


PY_OVERFLOW = both_py(err("OverflowError", "exp-overflow"))
PY_LOG0 = both_py(err("ValueError", "log-of-zero"))
PY_LOGNEG = both_py(err("ValueError", "log-of-negative"))
PY_DIV0 = both_py(err("ZeroDivisionError", "division-by-zero"))
PY_SINGULAR = both_py(err("ZeroDivisionError", "singular-matrix"))
SCHEME = "scheme"

# Small data sets for the training cases (asymmetric, so that no exact iterate is 0).
D1 = ([0.5, 2.0, -1.0, 3.0, -2.5], [1, 1, 0, 1, 0])               # separable at x ≈ 0
D2 = ([1.2, -0.3, 0.7, -1.9, 2.4, 0.1], [1, 0, 0, 0, 1, 1])        # classes overlap
SOFT = ([1.0, -1.0, 0.25], [0.2, 0.9, 0.5])                        # soft labels
EXACT = ([1, 2, 3], [0, 1, 1])                                     # exact integers
R2 = ([[0.5, 1.0], [2.0, -1.0], [-1.0, 0.5], [3.0, 2.0], [-2.5, -1.5], [0.2, 0.3]], [1, 1, 0, 1, 0, 0])
ROWS1 = ([[x] for x in D2[0]], D2[1])
R3 = ([[0.5, 1.0], [2.0, -1.0], [-1.0, 0.5], [3.0, 2.0], [-2.5, -1.5], [0.2, 0.3], [1.1, -0.4], [-0.7, 1.8],
       [0.9, 0.6]], [0, 1, 2, 1, 2, 0, 1, 2, 0])                  # three classes that overlap
PY_LENGTHS = both_py(err("ValueError", "unequal-lengths"))
PY_EMPTY = both_py(err("ZeroDivisionError", "division-by-zero"))
PY_BIG = both_py(err("OverflowError", "exact-beyond-double"))
BIG = 10 ** 400
TINY_EXACT = Fraction(1, 10 ** 330)                                 # below the smallest double

CASES = {
    "sigmoid": [
        ("sigmoid", "σ(0) = ½: the midpoint", [0.0], {}),
        ("sigmoid", "σ(0) with an exact 0: Guile's (exp 0) is the inexact 1.0, so the result is 0.5, "
                    "not the exact 1/2", [0], {}),
        ("sigmoid", "σ(−0.0) = ½: e^0 = 1 for either zero", [-0.0], {}),
        ("sigmoid", "σ(1)", [1.0], {}),
        ("sigmoid", "symmetry σ(−z) = 1 − σ(z): σ(−1) = 1 − σ(1)", [-1.0], {}),
        ("sigmoid", "σ(½)", [0.5], {}),
        ("sigmoid", "a tiny z: σ(10⁻²⁰) rounds to ½", [1e-20], {}),
        ("sigmoid", "a subnormal z: σ(5·10⁻³²⁴) = ½", [5e-324], {}),
        ("sigmoid", "exact rational input ½: both languages convert it to the double 0.5 before e^x",
         [Fraction(1, 2)], {}),
        ("sigmoid", "saturation: σ(36.7) is the last double below 1", [36.7], {}),
        ("sigmoid", "saturation: σ(40) rounds to exactly 1.0", [40.0], {}),
        ("sigmoid", "σ(710): e^−710 is subnormal, 1 + e^−710 rounds to 1", [710.0], {}),
        ("sigmoid", "a small probability kept to full precision: σ(−40)", [-40.0], {}),
        ("sigmoid", "σ(−709): e^709 still fits in a double; the result is near the smallest normal",
         [-709.0], {}),
        ("sigmoid", "σ(−709.7): the result is subnormal", [-709.7], {}),
        ("sigmoid", "the overflow region: e^710 overflows. Python raises OverflowError; Guile's e^710 is "
                    "+inf.0 and σ = 0.0, although the true σ(−710) ≈ 4.5·10⁻³⁰⁹ is a representable "
                    "(subnormal) double", [-710.0],
         {**PY_OVERFLOW, SCHEME: val(0.0, "exp-overflow")}),
        ("sigmoid", "deep in the overflow region: σ(−1000) ≈ 5·10⁻⁴³⁵ rounds to 0.0, which Guile returns; "
                    "Python raises OverflowError", [-1000.0], PY_OVERFLOW),
        ("sigmoid", "an exact integer beyond any double: Python cannot convert 10⁴⁰⁰ to a float for "
                    "math.exp (OverflowError); Guile's (exp 10^400) is +inf.0", [-10 ** 400], PY_OVERFLOW),
        ("sigmoid", "σ(+∞) = 1", [inf], {}),
        ("sigmoid", "σ(−∞) = 0: math.exp(inf) is inf in Python (no error), so every language agrees",
         [-inf], {}),
        ("sigmoid", "σ(NaN) is NaN", [nan], {}),
    ],
    "stable-sigmoid": [
        ("stable-sigmoid", "σ(0) = ½", [0.0], {}),
        ("stable-sigmoid", "σ(0) with an exact 0", [0], {}),
        ("stable-sigmoid", "σ(−0.0): −0.0 < 0 is false, so the seed's form is used; ½", [-0.0], {}),
        ("stable-sigmoid", "σ(1)", [1.0], {}),
        ("stable-sigmoid", "σ(−1) through e^z / (1 + e^z)", [-1.0], {}),
        ("stable-sigmoid", "σ(−40): a small probability to full precision", [-40.0], {}),
        ("stable-sigmoid", "σ(40) rounds to 1.0", [40.0], {}),
        ("stable-sigmoid", "σ(−709.7): a subnormal result", [-709.7], {}),
        ("stable-sigmoid", "σ(−710): where the seed's form overflows, the stable form returns the "
                           "subnormal ≈ 4.5·10⁻³⁰⁹ in every language", [-710.0], {}),
        ("stable-sigmoid", "σ(−745): the smallest subnormal, 5·10⁻³²⁴", [-745.0], {}),
        ("stable-sigmoid", "σ(−746) ≈ 1.7·10⁻³²⁴ is below half the smallest subnormal: 0.0", [-746.0], {}),
        ("stable-sigmoid", "σ(−1000): no overflow anywhere, 0.0", [-1000.0], {}),
        ("stable-sigmoid", "σ(−10³⁰⁸): 0.0", [-1e308], {}),
        ("stable-sigmoid", "an exact integer beyond any double: Python still converts −10⁴⁰⁰ to a float "
                           "for math.exp and overflows; Guile's (exp −10^400) is 0.0",
         [-10 ** 400], PY_OVERFLOW),
        ("stable-sigmoid", "exact rational input −½", [Fraction(-1, 2)], {}),
        ("stable-sigmoid", "σ(+∞) = 1", [inf], {}),
        ("stable-sigmoid", "σ(−∞) = 0: e^−∞ / (1 + e^−∞) = 0 / 1", [-inf], {}),
        ("stable-sigmoid", "σ(NaN): NaN < 0 is false, the seed's form gives NaN", [nan], {}),
    ],
    "surprise": [
        ("surprise", "a fair coin carries ln 2 nats of surprise", [0.5], {}),
        ("surprise", "a certain event carries no surprise: −log 1 = −0.0 in every language", [1.0], {}),
        ("surprise", "an exact 1: Guile's (log 1) is the inexact 0.0, as Python's, so −0.0", [1], {}),
        ("surprise", "a rare event: p = 0.1", [0.1], {}),
        ("surprise", "p just below 1: −log(1 − 2⁻⁵³) ≈ 2⁻⁵³", [1 - 2 ** -53], {}),
        ("surprise", "the smallest normal double", [2.2250738585072014e-308], {}),
        ("surprise", "a subnormal probability: the largest surprise a double can carry", [5e-324], {}),
        ("surprise", "exact rational ½", [Fraction(1, 2)], {}),
        ("surprise", "an exact integer beyond any double: both take the log of 10⁴⁰⁰ exactly "
                     "(no overflow), −921.03…", [10 ** 400], {}),
        ("surprise", "an impossible event, p = 0.0: Python's math.log(0.0) raises ValueError; Guile's "
                     "(log 0.0) is −inf.0, so the surprise is +inf.0", [0.0], PY_LOG0),
        ("surprise", "p = 0 exact: Python raises ValueError; Guile's (log 0) with an exact 0 raises "
                     "numerical-overflow", [0],
         {**PY_LOG0, SCHEME: err("numerical-overflow", "log-of-zero")}),
        ("surprise", "p = −0.0: Python raises ValueError; Guile treats −0.0 as a negative number and "
                     "answers in the complex plane, −log(−0.0) = +inf.0 − πi", [-0.0],
         {**PY_LOGNEG, SCHEME: val(complex(inf, -math.pi), "log-of-negative")}),
        ("surprise", "p = −1 is not a probability: Python raises ValueError; Guile gives −log(−1) = −πi",
         [-1.0], {**PY_LOGNEG, SCHEME: val(complex(-0.0, -math.pi), "log-of-negative")}),
        ("surprise", "p = 2 is not a probability, but log 2 is defined: −0.693…", [2.0], {}),
        ("surprise", "p = +∞: −∞", [inf], {}),
        ("surprise", "p = NaN: NaN", [nan], {}),
        ("surprise", "an exact ratio 1/7: Python rounds it to a double before the log; Guile computes "
                     "log 1 − log 7 from the exact ratio, and the last bit differs", [Fraction(1, 7)],
         {SCHEME: val(1.9459101490553132, "log-of-exact")}),
        ("surprise", "an exact 10³⁰⁵, inside the double range: Python rounds it to a double before the log; "
                     "Guile takes log m + e·ln 2 from its leading bits, and the last bit differs", [10 ** 305],
         {SCHEME: val(-702.2884533631839, "log-of-exact")}),
        ("surprise", "an exact ratio beyond any double, 10⁴⁰⁰/3: Python's math.log converts it to a float and "
                     "raises OverflowError; Guile takes log 10⁴⁰⁰ − log 3, three roundings that leave it "
                     "1.09 ULP from the exact value", [Fraction(BIG, 3)],
         {**PY_BIG, SCHEME: val(-919.93542490895, "exact-beyond-double")}),
    ],
    "nats-to-bits": [
        ("nats-to-bits", "ln 2 nats (the double nearest ln 2) is 1 bit", [0.6931471805599453], {}),
        ("nats-to-bits", "1 nat = 1/ln 2 ≈ 1.4427 bits", [1.0], {}),
        ("nats-to-bits", "an exact 1 nat", [1], {}),
        ("nats-to-bits", "100 nats", [100.0], {}),
        ("nats-to-bits", "0.0 nats are 0.0 bits", [0.0], {}),
        ("nats-to-bits", "an exact 0: Guile's (/ 0 (log 2)) is the inexact 0.0, as Python's", [0], {}),
        ("nats-to-bits", "−0.0 keeps its sign", [-0.0], {}),
        ("nats-to-bits", "exact rational ½ nat", [Fraction(1, 2)], {}),
        ("nats-to-bits", "a subnormal stays subnormal", [1e-320], {}),
        ("nats-to-bits", "the smallest subnormal: 5·10⁻³²⁴ × 1.44 rounds back to 5·10⁻³²⁴", [5e-324], {}),
        ("nats-to-bits", "the largest double overflows to +inf.0 in every language: the correctly "
                         "rounded result (Python's float division does not raise)",
         [1.7976931348623157e308], {}),
        ("nats-to-bits", "+∞ nats", [inf], {}),
        ("nats-to-bits", "−∞ nats", [-inf], {}),
        ("nats-to-bits", "NaN", [nan], {}),
        ("nats-to-bits", "an exact 10⁴⁰⁰ nats: Python converts it to a float for the division and raises "
                         "OverflowError; Guile's inexact 10⁴⁰⁰ is +inf.0", [BIG], PY_BIG),
    ],
    "cross-entropy": [
        ("cross-entropy", "confident and right is low: y = 1, p = 0.9", [1, 0.9], {}),
        ("cross-entropy", "confident and right is low: y = 1, p = 0.999999", [1, 0.999999], {}),
        ("cross-entropy", "confident and wrong explodes: y = 1, p = 0.1", [1, 0.1], {}),
        ("cross-entropy", "confident and wrong explodes: y = 1, p = 10⁻¹⁰", [1, 1e-10], {}),
        ("cross-entropy", "confident and wrong explodes: y = 1, p = 10⁻³⁰⁰", [1, 1e-300], {}),
        ("cross-entropy", "confident and wrong explodes: y = 0, p = 0.999999 (1 − p is exact)",
         [0, 0.999999], {}),
        ("cross-entropy", "unsure: y = 1, p = ½ costs ln 2", [1, 0.5], {}),
        ("cross-entropy", "unsure: y = 0, p = ½ costs ln 2", [0, 0.5], {}),
        ("cross-entropy", "a soft label: y = 0.3, p = 0.3 (the entropy of the label)", [0.3, 0.3], {}),
        ("cross-entropy", "exact label and exact probability ½", [1, Fraction(1, 2)], {}),
        ("cross-entropy", "y = 0, p = 0.1: 1 − p rounds, and log(1 − p) carries that rounding",
         [0, 0.1], {}),
        ("cross-entropy", "y = 0, p = 10⁻²⁰: 1 − p rounds to 1, log 1 = 0, and the loss comes out −0.0 "
                          "instead of 10⁻²⁰ in every language; cross-entropy-from-logit keeps it",
         [0, 1e-20], {}),
        ("cross-entropy", "p = 0 with y = 1 (log 0): the true loss is +∞. Python raises ValueError; "
                          "Guile's (log 0.0) = −inf.0 gives +inf.0", [1, 0.0], PY_LOG0),
        ("cross-entropy", "p = 1 with y = 1 (log 0 in the unused term): the true loss is 0. Python "
                          "raises ValueError; in Guile (1 − y)·log(1 − p) = 0·(−inf.0) = +nan.0",
         [1, 1.0], {**PY_LOG0, SCHEME: val(nan, "zero-times-infinity")}),
        ("cross-entropy", "p = 0 with y = 0: the true loss is 0. Python raises ValueError; Guile: "
                          "0·(−inf.0) = +nan.0", [0, 0.0],
         {**PY_LOG0, SCHEME: val(nan, "zero-times-infinity")}),
        ("cross-entropy", "p = 1.5 is not a probability: log(1 − p) = log(−0.5). Python raises "
                          "ValueError; Guile computes in the complex plane", [1, 1.5],
         {**PY_LOGNEG, SCHEME: val(complex(-0.4054651081081644, -0.0), "log-of-negative")}),
        ("cross-entropy", "p = NaN: NaN in every language", [1, nan], {}),
        ("cross-entropy", "y = 0 and an exact p = 1/10: 1 − p = 9/10 stays exact. Python rounds it to 0.9 "
                          "before the log; Guile computes log1p(−1/10), and the last bit differs",
         [0, Fraction(1, 10)], {SCHEME: val(0.10536051565782631, "log-of-exact")}),
    ],
    "cross-entropy-from-logit": [
        ("cross-entropy-from-logit", "z = 0 (p = ½), y = 1: ln 2", [1, 0.0], {}),
        ("cross-entropy-from-logit", "z = 0 (p = ½), y = 0: ln 2", [0, 0.0], {}),
        ("cross-entropy-from-logit", "exact y = 1 and exact z = 0", [1, 0], {}),
        ("cross-entropy-from-logit", "z = −0.0 takes the z ≥ 0 branch: ln 2", [1, -0.0], {}),
        ("cross-entropy-from-logit", "confident and right is low: y = 1, z = 2", [1, 2.0], {}),
        ("cross-entropy-from-logit", "confident and wrong is high: y = 0, z = 2", [0, 2.0], {}),
        ("cross-entropy-from-logit", "y = 1, z = 36: log(1 + e^−36) ≈ 2.3·10⁻¹⁶, where log1p matters",
         [1, 36.0], {}),
        ("cross-entropy-from-logit", "y = 1, z = 40: a tiny loss to full precision", [1, 40.0], {}),
        ("cross-entropy-from-logit", "y = 0, z = log(10⁻²⁰): the loss 10⁻²⁰ that the seed's formula "
                                     "loses", [0, -46.051701859880914], {}),
        ("cross-entropy-from-logit", "y = 1, z = 10⁻²⁰: ln 2 − ½·10⁻²⁰ rounds to ln 2", [1, 1e-20], {}),
        ("cross-entropy-from-logit", "confident and wrong, finite where p = σ(z) would be 0: "
                                     "y = 1, z = −1000 gives 1000", [1, -1000.0], {}),
        ("cross-entropy-from-logit", "y = 0, z = 1000 gives 1000", [0, 1000.0], {}),
        ("cross-entropy-from-logit", "y = 1, z = 1000: e^−1000 ≈ 5·10⁻⁴³⁵ rounds to 0.0", [1, 1000.0], {}),
        ("cross-entropy-from-logit", "finite for every finite z: y = 1, z = −10³⁰⁸", [1, -1e308], {}),
        ("cross-entropy-from-logit", "y = 0, z = 10³⁰⁸", [0, 1e308], {}),
        ("cross-entropy-from-logit", "a soft label: y = ½, z = 3", [0.5, 3.0], {}),
        ("cross-entropy-from-logit", "y = 0, z = +∞: +∞", [0, inf], {}),
        ("cross-entropy-from-logit", "y = 1, z = −∞: +∞", [1, -inf], {}),
        ("cross-entropy-from-logit", "y = 1, z = +∞: the limit is 0, but (1 − y)·z = 0·∞ is NaN in "
                                     "every language", [1, inf], every(val(nan, "zero-times-infinity"))),
        ("cross-entropy-from-logit", "y = 0, z = −∞: the limit is 0, but y·z = 0·(−∞) is NaN",
         [0, -inf], every(val(nan, "zero-times-infinity"))),
        ("cross-entropy-from-logit", "z = NaN: NaN", [1, nan], {}),
    ],
    "predicted-probability": [
        ("predicted-probability", "p̂ = σ(2·1 − 1) = σ(1)", [2.0, 1.0, -1.0], {}),
        ("predicted-probability", "w = 0: p̂ = ½ whatever x", [0.0, 5.0, 0.0], {}),
        ("predicted-probability", "on the boundary wx + b = 0: p̂ = ½", [1.0, 2.0, -2.0], {}),
        ("predicted-probability", "σ(−5)", [-2.0, 3.0, 1.0], {}),
        ("predicted-probability", "exact inputs: wx + b = 7 stays exact until e^x", [2, 3, 1], {}),
        ("predicted-probability", "0.1·0.2 + 0.3 rounds before σ sees it", [0.1, 0.2, 0.3], {}),
        ("predicted-probability", "far on the positive side: 1.0", [1.0, 1000.0, 0.0], {}),
        ("predicted-probability", "far on the negative side: σ(−800) ≈ 3.6·10⁻³⁴⁸ rounds to 0.0 (Guile); "
                                  "Python's e^800 overflows", [1.0, -800.0, 0.0], PY_OVERFLOW),
        ("predicted-probability", "w·x overflows to +∞ (float multiplication does not raise): 1.0",
         [1e200, 1e200, 0.0], {}),
        ("predicted-probability", "w·x overflows to −∞: math.exp(inf) is inf, so 0.0 everywhere",
         [-1e200, 1e200, 0.0], {}),
        ("predicted-probability", "w = +∞, x = 1: 1.0", [inf, 1.0, 0.0], {}),
        ("predicted-probability", "w = +∞, x = 0: the limit is σ(0) = ½, but ∞·0 is NaN in every language",
         [inf, 0.0, 0.0], every(val(nan, "zero-times-infinity"))),
        ("predicted-probability", "NaN weight: NaN", [nan, 1.0, 0.0], {}),
    ],
    "classify": [
        ("classify", "p̂ = σ(1) ≥ ½: class 1", [2.0, 1.0, -1.0], {}),
        ("classify", "p̂ = σ(−1) < ½: class 0", [2.0, 0.0, -1.0], {}),
        ("classify", "exactly on the boundary p̂ = ½: class 1", [1.0, 0.0, 0.0], {}),
        ("classify", "x = −0.0: wx + b = 0.0, class 1", [1.0, -0.0, 0.0], {}),
        ("classify", "exact inputs on the boundary", [1, 0, 0], {}),
        ("classify", "wx + b = −1: class 0", [-3.0, 2.0, 5.0], {}),
        ("classify", "wx + b = 1: class 1", [3.0, 2.0, -5.0], {}),
        ("classify", "just left of the boundary, far enough that p̂ < ½ survives rounding: class 0",
         [1.0, -1e-15, 0.0], {}),
        ("classify", "just left of the boundary, too close: σ(−10⁻¹⁷) rounds to exactly ½, so every "
                     "language says class 1 where the mathematics says 0",
         [1.0, -1e-17, 0.0], every(val(1, "rounding-at-the-boundary"))),
        ("classify", "saturated: class 1", [1.0, 40.0, 0.0], {}),
        ("classify", "far positive: class 1", [1.0, 1000.0, 0.0], {}),
        ("classify", "far negative: Python's e^1000 overflows; Guile gives class 0",
         [1.0, -1000.0, 0.0], PY_OVERFLOW),
        ("classify", "w = +∞: class 1", [inf, 1.0, 0.0], {}),
        ("classify", "w = −∞: p̂ = 0.0, class 0", [-inf, 1.0, 0.0], {}),
        ("classify", "a NaN score has no class, but NaN ≥ ½ is false, so every language says 0",
         [nan, 1.0, 0.0], every(val(0, "nan-comparisons"))),
    ],
    "decision-boundary": [
        ("decision-boundary", "2x − 1 = 0 at x = ½", [2.0, -1.0], {}),
        ("decision-boundary", "−4x + 2 = 0 at x = ½", [-4.0, 2.0], {}),
        ("decision-boundary", "3x + 1 = 0 at x = −⅓ (rounded)", [3.0, 1.0], {}),
        ("decision-boundary", "b = 0.0: the boundary is −0.0 / 1.0 = −0.0", [1.0, 0.0], {}),
        ("decision-boundary", "a mixed exact b: −1 / 2.0 = −0.5", [2.0, 1], {}),
        ("decision-boundary", "exact w and b: Python's / gives the float −0.5; Scheme keeps the exact "
                              "rational −1/2", [2, 1],
         {SCHEME: val(Fraction(-1, 2), "exact-rationals")}),
        ("decision-boundary", "exact w and b: −1/3 stays exact in Scheme", [3, 1],
         {SCHEME: val(Fraction(-1, 3), "exact-rationals")}),
        ("decision-boundary", "subnormal w and b: the ratio is 1", [5e-324, -5e-324], {}),
        ("decision-boundary", "the ratio overflows: −10¹⁰ / 10⁻³⁰⁰ rounds to −inf in every language",
         [1e-300, 1e10], {}),
        ("decision-boundary", "w = +∞: the boundary tends to 0 (−0.0)", [inf, 1.0], {}),
        ("decision-boundary", "b = NaN", [1.0, nan], {}),
        ("decision-boundary", "w = 0.0: no boundary at all. Python raises ZeroDivisionError; "
                              "Guile's −1.0/0.0 is −inf.0", [0.0, 1.0],
         {**PY_DIV0, SCHEME: val(-inf, "division-by-zero")}),
        ("decision-boundary", "w = −0.0: Python raises ZeroDivisionError; Guile's −1.0/−0.0 is +inf.0",
         [-0.0, 1.0], {**PY_DIV0, SCHEME: val(inf, "division-by-zero")}),
        ("decision-boundary", "w = b = 0.0: Python raises ZeroDivisionError; Guile's −0.0/0.0 is +nan.0",
         [0.0, 0.0], {**PY_DIV0, SCHEME: val(nan, "division-by-zero")}),
        ("decision-boundary", "exact w = 0: Python raises ZeroDivisionError; Guile's exact (/ −1 0) "
                              "raises numerical-overflow", [0, 1],
         {**PY_DIV0, SCHEME: err("numerical-overflow", "division-by-zero")}),
        ("decision-boundary", "exact w and b whose ratio is beyond any double: Python's int / int raises "
                              "OverflowError; Scheme keeps the exact −10⁴⁰⁰/3", [3, BIG], PY_BIG),
    ],
    "mean-cross-entropy": [
        ("mean-cross-entropy", "w = b = 0: every p̂ = ½, so the mean loss is ln 2", [0.0, 0.0, *D2], {}),
        ("mean-cross-entropy", "a middling model on overlapping classes", [1.0, 0.5, *D2], {}),
        ("mean-cross-entropy", "a model pointing the wrong way", [-1.5, 0.25, *D2], {}),
        ("mean-cross-entropy", "separable data, right way round: low", [2.0, -0.5, *D1], {}),
        ("mean-cross-entropy", "separable data, wrong way round: high", [-2.0, 0.5, *D1], {}),
        ("mean-cross-entropy", "very confident and right: a tiny mean loss", [50.0, 0.0, *D1], {}),
        ("mean-cross-entropy", "very confident and wrong: each term grows like |wx|", [-50.0, 0.0, *D1], {}),
        ("mean-cross-entropy", "one example", [0.5, 0.0, [2.0], [1]], {}),
        ("mean-cross-entropy", "exact integers everywhere", [1, 0, *EXACT], {}),
        ("mean-cross-entropy", "soft labels", [0.3, -0.2, *SOFT], {}),
        ("mean-cross-entropy", "huge weights stay finite (from the logit)", [1000.0, 0.0, *D2], {}),
        ("mean-cross-entropy", "no examples: the mean of nothing. Python raises ZeroDivisionError; "
                               "Guile's 0.0/0 (an exact 0 count) raises numerical-overflow", [0.0, 0.0, [], []],
         {**PY_EMPTY, SCHEME: err("numerical-overflow", "division-by-zero")}),
        ("mean-cross-entropy", "more labels than inputs: Python's zip(strict=True) raises ValueError; "
                               "Scheme stops at the end of xs and ignores the extra label (each of the two "
                               "terms is log1p(1) = ln 2, so the mean is the double nearest ln 2)",
         [0.0, 0.0, [1.0, 2.0], [1, 0, 1]], {**PY_LENGTHS, SCHEME: val(0.6931471805599453, "unequal-lengths")}),
    ],
    "descent-step": [
        ("descent-step", "from w = b = 0 on overlapping classes", [0.0, 0.0, *D2, 0.5], {}),
        ("descent-step", "a small step from a middling model", [1.0, 0.5, *D2, 0.1], {}),
        ("descent-step", "a large step from a wrong model", [-1.5, 0.25, *D2, 1.0], {}),
        ("descent-step", "separable data", [2.0, -0.5, *D1, 0.1], {}),
        ("descent-step", "one example", [0.0, 0.0, [2.0], [1], 1.0], {}),
        ("descent-step", "rate 0 leaves the model where it is", [0.75, -0.25, *D2, 0.0], {}),
        ("descent-step", "a very large rate", [0.0, 0.0, *D1, 10.0], {}),
        ("descent-step", "exact integers", [0, 0, *EXACT, 1], {}),
        ("descent-step", "saturated and right: the gradient nearly vanishes", [50.0, 0.1, *D1, 0.1], {}),
        ("descent-step", "soft labels", [0.3, -0.2, *SOFT, 0.5], {}),
        ("descent-step", "a tiny rate", [0.3, -0.2, *D2, 0.01], {}),
        ("descent-step", "a negative rate climbs the loss instead", [0.0, 0.0, *D2, -0.5], {}),
        ("descent-step", "an exact b = 0 where the soft label is met, σ(0) = 0.5: the step in b is 0.0, and "
                         "Python's 0 − 0.0 is 0.0 where Guile's (- 0 0.0) is −0.0", [0.0, 0, [1.0], [0.5], 1.0],
         {SCHEME: val([0.0, -0.0], "exact-zero-minus")}),
    ],
    "fit": [
        ("fit", "one epoch", [*D2, 0.5, 1], {}),
        ("fit", "ten epochs", [*D2, 0.5, 10], {}),
        ("fit", "fifty small epochs", [*D2, 0.1, 50], {}),
        ("fit", "separable data: w keeps growing", [*D1, 0.5, 20], {}),
        ("fit", "separable data, longer", [*D1, 1.0, 100], {}),
        ("fit", "one example", [[2.0], [1], 1.0, 5], {}),
        ("fit", "zero epochs: w = b = 0", [*D2, 0.5, 0], {}),
        ("fit", "exact integers", [*EXACT, 1, 5], {}),
        ("fit", "a large rate", [*D2, 2.0, 30], {}),
        ("fit", "soft labels", [*SOFT, 0.5, 20], {}),
        ("fit", "two hundred tiny epochs", [*D2, 0.01, 200], {}),
        ("fit", "a negative rate climbs the loss", [*D2, -0.1, 10], {}),
    ],
    "fit-trace": [
        ("fit-trace", "one epoch", [*D2, 0.5, 1], {}),
        ("fit-trace", "five epochs: the loss falls each step", [*D2, 0.5, 5], {}),
        ("fit-trace", "ten small epochs", [*D2, 0.1, 10], {}),
        ("fit-trace", "separable data: the loss falls towards 0", [*D1, 0.5, 8], {}),
        ("fit-trace", "one example", [[2.0], [1], 1.0, 4], {}),
        ("fit-trace", "zero epochs: an empty trace", [*D2, 0.5, 0], {}),
        ("fit-trace", "exact integers", [*EXACT, 1, 3], {}),
        ("fit-trace", "a large rate overshoots", [*D2, 4.0, 6], {}),
        ("fit-trace", "soft labels", [*SOFT, 0.5, 5], {}),
        ("fit-trace", "a very large rate", [*D1, 10.0, 4], {}),
        ("fit-trace", "twenty epochs", [*D2, 0.5, 20], {}),
        ("fit-trace", "a negative rate: the loss rises", [*D2, -0.1, 4], {}),
    ],
    "log-likelihood": [
        ("log-likelihood", "w = b = 0: n·log ½", [0.0, 0.0, *D2], {}),
        ("log-likelihood", "a middling model", [1.0, 0.5, *D2], {}),
        ("log-likelihood", "a model pointing the wrong way", [-1.5, 0.25, *D2], {}),
        ("log-likelihood", "separable data, right way round: near 0", [2.0, -0.5, *D1], {}),
        ("log-likelihood", "separable data, wrong way round: very negative", [-2.0, 0.5, *D1], {}),
        ("log-likelihood", "very confident and right", [50.0, 0.0, *D1], {}),
        ("log-likelihood", "very confident and wrong", [-50.0, 0.0, *D1], {}),
        ("log-likelihood", "one example", [0.5, 0.0, [2.0], [1]], {}),
        ("log-likelihood", "exact integers", [1, 0, *EXACT], {}),
        ("log-likelihood", "soft labels", [0.3, -0.2, *SOFT], {}),
        ("log-likelihood", "no examples: the empty sum is 0", [0.0, 0.0, [], []], {}),
        ("log-likelihood", "huge weights stay finite", [1000.0, 0.0, *D2], {}),
    ],
    "linear-prediction": [
        ("linear-prediction", "ŷ = 2·1.5 − 1", [2.0, 1.5, -1.0], {}),
        ("linear-prediction", "0.1·0.2 + 0.3: two roundings", [0.1, 0.2, 0.3], {}),
        ("linear-prediction", "w = 0: ŷ = b", [0.0, 5.0, 0.25], {}),
        ("linear-prediction", "exact integers stay exact", [2, 3, 1], {}),
        ("linear-prediction", "an exact rational", [Fraction(1, 3), 3, 0], {}),
        ("linear-prediction", "wx overflows to +inf (no error in any language)", [1e308, 10.0, 0.0], {}),
        ("linear-prediction", "−0.0·1 + 0.0 = 0.0", [-0.0, 1.0, 0.0], {}),
        ("linear-prediction", "−0.0 + −0.0 = −0.0", [-0.0, 1.0, -0.0], {}),
        ("linear-prediction", "cancellation: 3·0.1 − 0.3 is not 0 in doubles", [3.0, 0.1, -0.3], {}),
        ("linear-prediction", "w = +∞, x = 0: ∞·0 is NaN", [inf, 0.0, 1.0],
         every(val(nan, "zero-times-infinity"))),
        ("linear-prediction", "NaN input", [nan, 1.0, 0.0], {}),
        ("linear-prediction", "subnormal product", [1e-200, 1e-120, 0.0], {}),
        ("linear-prediction", "an exact w beyond any double times the float x = 1.0: Python raises "
                              "OverflowError converting 10⁴⁰⁰; Guile's product is +inf.0", [BIG, 1.0, 0.0], PY_BIG),
    ],
    "linear-gradient": [
        ("linear-gradient", "ŷ − y = 1: (1.5, 1)", [2.0, -1.0, 1.5, 1.0], {}),
        ("linear-gradient", "a perfect prediction: (0, 0)", [2.0, -1.0, 1.5, 2.0], {}),
        ("linear-gradient", "too low: both components negative", [0.5, 0.0, 2.0, 3.0], {}),
        ("linear-gradient", "x = 0: ∂L/∂w = 0", [0.5, 0.25, 0.0, 1.0], {}),
        ("linear-gradient", "exact integers stay exact", [2, 1, 3, 4], {}),
        ("linear-gradient", "the same shape as the logistic gradient, with ŷ in place of p̂ = σ(0) = ½",
         [0.0, 0.5, 2.0, 1], {}),
        ("linear-gradient", "large residual", [100.0, 0.0, 10.0, -5.0], {}),
        ("linear-gradient", "cancellation in ŷ − y", [3.0, 0.0, 0.1, 0.3], {}),
        ("linear-gradient", "negative x flips ∂L/∂w", [1.0, 0.0, -2.0, 0.5], {}),
        ("linear-gradient", "NaN label", [1.0, 0.0, 1.0, nan], {}),
        ("linear-gradient", "infinite x: (∞, ∞)", [1.0, 0.0, inf, 0.0], {}),
        ("linear-gradient", "soft numbers", [0.7, -0.2, 1.3, 0.4], {}),
        ("linear-gradient", "an exact prediction ŷ = 2·1 − 2 = 0 and the float label 0.0: Python's 0 − 0.0 "
                            "is 0.0; Guile's (- 0 0.0) is −0.0, and so is −0.0·1", [2, -2, 1, 0.0],
         {SCHEME: val([-0.0, -0.0], "exact-zero-minus")}),
    ],
    "dot": [
        ("dot", "1·3 + 2·4 = 11", [[1.0, 2.0], [3.0, 4.0]], {}),
        ("dot", "exact integers: the sum starts from 0.0, so the result is inexact", [[1, 2], [3, 4]], {}),
        ("dot", "the empty sum is 0.0", [[], []], {}),
        ("dot", "one term", [[1.5], [-2.0]], {}),
        ("dot", "orthogonal vectors", [[1.0, 0.0], [0.0, 5.0]], {}),
        ("dot", "rounding: 0.1·0.1 + 0.2·0.2", [[0.1, 0.2], [0.1, 0.2]], {}),
        ("dot", "cancellation: 1e16 + 1 − 1e16 in that order loses the 1", [[1e16, 1.0, -1e16], [1.0, 1.0, 1.0]],
         {}),
        ("dot", "overflow of a product to +inf", [[1e200, 1.0], [1e200, 1.0]], {}),
        ("dot", "∞ − ∞ = NaN", [[inf, -inf], [1.0, 1.0]], {}),
        ("dot", "NaN", [[nan, 1.0], [1.0, 1.0]], {}),
        ("dot", "a longer sum", [[0.5, -1.25, 2.0, 3.5, -0.75], [2.0, 4.0, -1.5, 0.5, 8.0]], {}),
        ("dot", "unequal lengths: Python's zip(strict=True) raises ValueError; Scheme stops at the end "
                "of u", [[1.0, 2.0], [3.0, 4.0, 5.0]], {**PY_LENGTHS, SCHEME: val(11.0, "unequal-lengths")}),
        ("dot", "an exact component beyond any double: Python raises OverflowError converting 10⁴⁰⁰ for the "
                "product with 1.0; Guile's sum is +inf.0", [[1.0], [BIG]], PY_BIG),
        ("dot", "10⁴⁰⁰ and a missing component: Python stops at the first product (OverflowError) before "
                "zip notices the lengths; Guile goes on with +inf.0 and fails at the end of v "
                "(wrong-type-arg)", [[BIG, 1.0], [1.0]],
         {**PY_BIG, SCHEME: err("wrong-type-arg", "exact-beyond-double")}),
    ],
    "solve": [
        ("solve", "a 2×2 system", [[[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0]], {}),
        ("solve", "the identity", [[[1.0, 0.0], [0.0, 1.0]], [0.25, -7.0]], {}),
        ("solve", "a 1×1 system", [[[4.0]], [2.0]], {}),
        ("solve", "a zero on the diagonal: pivoting swaps the rows", [[[0.0, 1.0], [1.0, 0.0]], [2.0, 3.0]], {}),
        ("solve", "pivoting picks the largest |entry|", [[[1e-20, 1.0], [1.0, 1.0]], [1.0, 2.0]], {}),
        ("solve", "a 3×3 system", [[[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]], [1.0, 0.0, 1.0]], {}),
        ("solve", "a 3×3 Hilbert matrix (ill-conditioned)",
         [[[1.0, 0.5, 1 / 3], [0.5, 1 / 3, 0.25], [1 / 3, 0.25, 0.2]], [1.0, 1.0, 1.0]], {}),
        ("solve", "exact integers: Python's / gives floats; Scheme solves exactly in rationals",
         [[[2, 1], [1, 3]], [3, 5]], {SCHEME: val([Fraction(4, 5), Fraction(7, 5)], "exact-rationals")}),
        ("solve", "a 4×4 symmetric positive definite system",
         [[[4.0, 1.0, 0.5, 0.0], [1.0, 3.0, 0.25, 0.5], [0.5, 0.25, 2.0, 0.1], [0.0, 0.5, 0.1, 1.5]],
          [1.0, 2.0, 3.0, 4.0]], {}),
        ("solve", "negative entries", [[[-3.0, 2.0], [1.0, -4.0]], [1.0, 1.0]], {}),
        ("solve", "the empty system", [[], []], {}),
        ("solve", "a singular matrix: Python raises ZeroDivisionError; Guile divides by the zero pivot "
                  "and gets −inf.0 and +inf.0", [[[1.0, 2.0], [2.0, 4.0]], [1.0, 1.0]],
         {**PY_SINGULAR, SCHEME: val([-inf, inf], "singular-matrix")}, 2),
        ("solve", "more right-hand sides than rows: Python's zip(strict=True) raises ValueError; Scheme's map "
                  "stops at the shorter list, and the elimination reads past the end of the matrix",
         [[[2.0]], [1.0, 1.0]], {**PY_LENGTHS, SCHEME: err("out-of-range", "unequal-lengths")}),
        ("solve", "a row too short for the system: Python's m[r][c] raises IndexError; Guile's vector-ref "
                  "raises out-of-range", [[[1.0, 2.0], [3.0]], [1.0, 1.0]],
         {**both_py(err("IndexError", "index-out-of-range")), SCHEME: err("out-of-range", "index-out-of-range")}),
        ("solve", "an exact 0 in the matrix and in v: eliminating below the pivot leaves 0 − 0.0·1.0, which is "
                  "0.0 in Python and −0.0 in Guile, and x₂ keeps that sign", [[[1.0, 2.0], [0, 1.0]], [1.0, 0]],
         {SCHEME: val([1.0, -0.0], "exact-zero-minus")}),
    ],
    "fit-gd": [
        ("fit-gd", "one epoch, two features", [*R2, 0.5, 1], {}),
        ("fit-gd", "ten epochs", [*R2, 0.5, 10], {}),
        ("fit-gd", "fifty small epochs", [*R2, 0.1, 50], {}),
        ("fit-gd", "one feature: the same as fit", [*ROWS1, 0.5, 10], {}),
        ("fit-gd", "zero epochs", [*R2, 0.5, 0], {}),
        ("fit-gd", "exact integers", [[[1, 0], [2, 1], [3, 1]], [0, 1, 1], 1, 3], {}),
        ("fit-gd", "a large rate", [*R2, 2.0, 20], {}),
        ("fit-gd", "one example", [[[2.0, -1.0]], [1], 1.0, 5], {}),
        ("fit-gd", "soft labels", [[[1.0, 0.5], [-1.0, 0.0], [0.25, -0.5]], [0.2, 0.9, 0.5], 0.5, 10], {}),
        ("fit-gd", "two hundred tiny epochs", [*R2, 0.01, 200], {}),
        ("fit-gd", "three features", [[[0.5, 1.0, -0.2], [2.0, -1.0, 0.4], [-1.0, 0.5, 1.1], [3.0, 2.0, -0.7],
                                        [-2.5, -1.5, 0.3]], [1, 1, 0, 1, 0], 0.5, 15], {}),
        ("fit-gd", "a negative rate", [*R2, -0.1, 5], {}),
    ],
    "fit-newton": [
        ("fit-newton", "one Newton step, one feature", [*ROWS1, 0.0, 1], {}),
        ("fit-newton", "eight steps: converged (the MLE of overlapping classes)", [*ROWS1, 0.0, 8], {}),
        ("fit-newton", "two features, unpenalised, three steps", [[[1.2, 0.5], [-0.3, 1.0], [0.7, -1.1],
                                                                   [-1.9, 0.2], [2.4, -0.4], [0.1, 0.9]],
                                                                  [1, 0, 0, 0, 1, 1], 0.0, 3], {}),
        ("fit-newton", "with an L2 penalty λ = 1", [*R2, 1.0, 6], {}),
        ("fit-newton", "a small penalty λ = 0.1", [*R2, 0.1, 8], {}),
        ("fit-newton", "a strong penalty shrinks the weights", [*R2, 100.0, 5], {}),
        ("fit-newton", "zero iterations", [*R2, 1.0, 0], {}),
        ("fit-newton", "exact integers", [[[1, 0], [2, 1], [3, 1], [0, 2]], [0, 1, 1, 0], 1, 2], {}),
        ("fit-newton", "three features with a penalty", [[[0.5, 1.0, -0.2], [2.0, -1.0, 0.4], [-1.0, 0.5, 1.1],
                                                           [3.0, 2.0, -0.7], [-2.5, -1.5, 0.3]],
                                                          [1, 1, 0, 1, 0], 0.5, 6], {}),
        ("fit-newton", "soft labels", [[[1.0], [-1.0], [0.25]], [0.2, 0.9, 0.5], 0.0, 6], {}),
        ("fit-newton", "one step on symmetric data", [[[1.0], [-1.0], [2.0], [-2.0]], [1, 0, 0, 1], 0.0, 1], {}),
        ("fit-newton", "identical rows: the Hessian is singular. Python raises ZeroDivisionError; Guile "
                       "divides 0.0 by 0.0 and gets NaN", [[[1.0], [1.0]], [0, 1], 0.0, 1],
         {**PY_SINGULAR, SCHEME: val([[nan], nan], "singular-matrix")}, 2),
    ],
    "gradient": [
        ("gradient", "w = b = 0, x = 2, y = 1: p̂ = ½, so (−1, −½)", [0.0, 0.0, 2.0, 1], {}),
        ("gradient", "the same point with y = 0: (1, ½)", [0.0, 0.0, 2.0, 0], {}),
        ("gradient", "exact inputs: p̂ = σ(0) is the float 0.5", [0, 0, 2, 1], {}),
        ("gradient", "x = 0: ∂L/∂w = (p̂ − y)·0.0 = −0.0", [0.0, 0.0, 0.0, 1], {}),
        ("gradient", "on the boundary with b: σ(0) − 1 = −½", [2.0, -1.0, 0.5, 1], {}),
        ("gradient", "right and fairly confident: p̂ = σ(3), y = 1", [1.0, 0.0, 3.0, 1], {}),
        ("gradient", "confident and wrong pushes hard: p̂ = σ(3), y = 0", [1.0, 0.0, 3.0, 0], {}),
        ("gradient", "both weights move by p̂ − y: σ(1) − 1", [0.5, 0.5, 1.0, 1], {}),
        ("gradient", "a soft label y = 0.3", [-1.0, 0.0, 2.0, 0.3], {}),
        ("gradient", "saturated and right: p̂ = σ(40) rounds to 1.0, so p̂ − y = 0.0 where the true "
                     "value is −4.2·10⁻¹⁸", [1.0, 0.0, 40.0, 1], {}),
        ("gradient", "far on the negative side, y = 0: Python's e^1000 overflows; Guile's p̂ = 0.0 gives "
                     "(−0.0, 0.0)", [1.0, 0.0, -1000.0, 0], PY_OVERFLOW),
        ("gradient", "x = +∞, y = 1: the limit is (0, 0), but (p̂ − y)·x = 0.0·∞ is NaN",
         [1.0, 0.0, inf, 1], every(val([nan, 0.0], "zero-times-infinity"))),
        ("gradient", "NaN weight: (NaN, NaN)", [nan, 0.0, 1.0, 1], {}),
    ],
    "entropy": [
        ("entropy", "a fair coin: ln 2 nats, which nats-to-bits makes 1 bit", [[0.5, 0.5]], {}),
        ("entropy", "a biased coin, p = 0.1: less uncertain than a fair one", [[0.1, 0.9]], {}),
        ("entropy", "a certain outcome carries no information: 1·(−log 1) = 1·(−0.0), and the sum is 0.0",
         [[1.0]], {}),
        ("entropy", "0·log 0 = 0: an impossible outcome adds nothing, and log 0 is never taken", [[0.0, 1.0]], {}),
        ("entropy", "exact 0 and 1: the 0 is skipped, and 1·(−log 1) is −0.0 in every language", [[0, 1]], {}),
        ("entropy", "a fair die: ln 6", [[1 / 6] * 6], {}),
        ("entropy", "ten equally likely outcomes: ln 10 (ten doubles nearest 0.1, which sum to a hair over 1)",
         [[0.1] * 10], {}),
        ("entropy", "a skewed distribution over four outcomes: 1.75 bits", [[0.5, 0.25, 0.125, 0.125]], {}),
        ("entropy", "a tiny probability: its term 10⁻³⁰⁰·log 10³⁰⁰ is tiny, but kept", [[1e-300, 1.0]], {}),
        ("entropy", "a subnormal probability", [[5e-324, 1.0]], {}),
        ("entropy", "exact halves: Python rounds ½ to 0.5 before the log, Guile takes the log of ½ itself; "
                    "both give −ln 2 here", [[Fraction(1, 2), Fraction(1, 2)]], {}),
        ("entropy", "no outcomes at all: the empty sum, 0.0", [[]], {}),
        ("entropy", "not a distribution, (¼ ¼): the formula takes the numbers as given", [[0.25, 0.25]], {}),
        ("entropy", "a negative p is no probability: Python's log raises ValueError; Guile's log of a negative "
                    "number is complex, and so is the sum", [[-0.5, 1.5]],
         {**PY_LOGNEG, SCHEME: val(complex(-0.9547712524422192, 1.5707963267948966), "log-of-negative")}),
        ("entropy", "p = NaN: NaN", [[nan, 0.5]], {}),
        ("entropy", "p = +∞: ∞·(−log ∞) = −∞", [[inf]], {}),
        ("entropy", "an exact p below the smallest double, 10⁻³³⁰: Python's math.log rounds it to 0.0 first and "
                    "raises ValueError; Guile takes the log of the exact number, and the term rounds to 0.0",
         [[TINY_EXACT, 0.5]], {**both_py(err("ValueError", "exact-below-double")),
                               SCHEME: val(0.34657359027997264, "exact-below-double")}),
        ("entropy", "an exact p beyond any double: Python's 10⁴⁰⁰·(−log 10⁴⁰⁰) converts 10⁴⁰⁰ to a float and "
                    "raises OverflowError; Guile's product is −inf.0", [[BIG]], PY_BIG),
    ],
    "kl-divergence": [
        ("kl-divergence", "a fair coin against a biased one", [[0.5, 0.5], [0.25, 0.75]], {}),
        ("kl-divergence", "the other way round: D(q‖p) ≠ D(p‖q)", [[0.25, 0.75], [0.5, 0.5]], {}),
        ("kl-divergence", "D(p‖p) = 0: every term is p·log1p(0) = 0", [[0.3, 0.7], [0.3, 0.7]], {}),
        ("kl-divergence", "nearly equal distributions: the terms (−0.0098 and 0.0101) nearly cancel",
         [[0.3, 0.7], [0.31, 0.69]], {}),
        ("kl-divergence", "0·log(0/q) = 0: an outcome p rules out adds nothing", [[0.0, 1.0], [0.5, 0.5]], {}),
        ("kl-divergence", "p·log(p/0) = +∞: q rules out an outcome that p allows", [[0.5, 0.5], [1.0, 0.0]], {}),
        ("kl-divergence", "0·log(0/0) = 0: both rule it out", [[0.0, 1.0], [0.0, 1.0]], {}),
        ("kl-divergence", "far apart: p/q = 999, and log(p/q) is taken directly", [[0.999, 0.001], [0.001, 0.999]],
         {}),
        ("kl-divergence", "three outcomes", [[0.2, 0.5, 0.3], [0.1, 0.6, 0.3]], {}),
        ("kl-divergence", "a tiny q: a large ratio, a large divergence", [[0.5, 0.5], [1e-300, 1.0]], {}),
        ("kl-divergence", "a tiny p: its term is tiny", [[1e-300, 1.0], [0.5, 0.5]], {}),
        ("kl-divergence", "exact numbers: (1 0) against (½ ½), ln 2", [[1, 0], [Fraction(1, 2), Fraction(1, 2)]], {}),
        ("kl-divergence", "no outcomes: 0.0", [[], []], {}),
        ("kl-divergence", "p = NaN: NaN", [[nan, 0.5], [0.5, 0.5]], {}),
        ("kl-divergence", "p/q beyond the double range: 1/10⁻³²⁰ rounds to +∞, so every language says +∞ where "
                          "the term is 1·log 10³²⁰ ≈ 736.8", [[1.0, 0.0], [1e-320, 1.0]],
         every(val(inf, "ratio-beyond-doubles"))),
        ("kl-divergence", "p/q below the smallest double: 10⁻³⁰⁰/10¹⁰⁰ rounds to 0.0. Python's log(0.0) raises "
                          "ValueError; Guile's is −inf.0, so the term is −∞ where it is −9.2·10⁻²⁹⁸",
         [[1e-300], [1e100]], {**PY_LOG0, SCHEME: val(-inf, "log-of-zero")}),
        ("kl-divergence", "an exact q below the smallest double, 10⁻³³⁰: Python's 1.0/q rounds q to 0.0 and raises "
                          "ZeroDivisionError; Guile's quotient overflows to +inf.0, where the term is 1·log 10³³⁰ ≈ 759.85",
         [[1.0], [TINY_EXACT]], {**both_py(err("ZeroDivisionError", "exact-below-double")),
                                 SCHEME: val(inf, "exact-below-double")}),
        ("kl-divergence", "unequal lengths: Python's zip(strict=True) raises ValueError; Scheme's map stops at "
                          "the shorter list, and the sum has one term, ½·log ½", [[0.5, 0.5], [1.0]],
         {**PY_LENGTHS, SCHEME: val(-0.34657359027997264, "unequal-lengths")}),
        ("kl-divergence", "an exact p beyond any double: Python converts 10⁴⁰⁰/2 for the division and raises "
                          "OverflowError; Guile's log of the exact ratio is finite, and its product +inf.0",
         [[BIG], [2]], PY_BIG),
    ],
    "softmax": [
        ("softmax", "three logits", [[1.0, 2.0, 3.0]], {}),
        ("softmax", "equal logits: the uniform distribution", [[0.0, 0.0, 0.0, 0.0]], {}),
        ("softmax", "adding 1000 to every logit changes nothing: the same bits as (1 2 3)", [[1001.0, 1002.0, 1003.0]],
         {}),
        ("softmax", "z = 1000 does not overflow: e^(z − m) = 1 for both", [[1000.0, 1000.0]], {}),
        ("softmax", "one logit: probability 1", [[5.0]], {}),
        ("softmax", "the sigmoid's bridge: softmax(z, 0) = (σ(z), 1 − σ(z)), z = 2", [[2.0, 0.0]], {}),
        ("softmax", "softmax(z, 0) = (σ(z), 1 − σ(z)), z = −3", [[-3.0, 0.0]], {}),
        ("softmax", "softmax(0, 0) = (σ(0), 1 − σ(0)) = (½, ½)", [[0.0, 0.0]], {}),
        ("softmax", "softmax(z, 0) = (σ(z), 1 − σ(z)), z = 40: 1 − σ(40) is kept to full precision, where the "
                    "seed's 1 − σ(z) would round to 0", [[40.0, 0.0]], {}),
        ("softmax", "softmax(z, 0) = (σ(z), 1 − σ(z)), z = −1000: σ(−1000) ≈ 5·10⁻⁴³⁵ is 0.0, with no "
                    "overflow in any language", [[-1000.0, 0.0]], {}),
        ("softmax", "extreme logits ±1000: (1, e^−2000) rounds to (1.0 0.0)", [[1000.0, -1000.0]], {}),
        ("softmax", "±10³⁰⁸: z − m overflows to −∞, and e^−∞ = 0", [[1e308, -1e308]], {}),
        ("softmax", "subnormal logits: e^(±5·10⁻³²⁴) rounds to 1, so (½ ½)", [[5e-324, 0.0]], {}),
        ("softmax", "a tiny probability to full precision: z − m = −700.4 is rounded, and its rounding error is "
                    "put back (without it, 149 ULP off)", [[0.1, -700.3]], {}),
        ("softmax", "ten logits", [[0.5, -1.25, 2.0, 3.5, -0.75, 1.0, 0.0, -2.5, 4.25, 0.3]], {}),
        ("softmax", "exact integer logits: z − m stays exact, e^(z − m) is a float", [[1, 2, 3]], {}),
        ("softmax", "a −∞ logit: e^−∞ = 0, and the others are as without it", [[-inf, 1.0, 2.0]], {}),
        ("softmax", "a +∞ logit: the limit is (1 0), but m = ∞ and ∞ − ∞ is NaN in every language",
         [[inf, 0.0]], every(val([nan, nan], "infinite-logit"))),
        ("softmax", "a NaN logit: NaN everywhere", [[nan, 1.0]], {}),
        ("softmax", "no logits: no largest one. Python's zs[0] raises IndexError; Guile's (cdr '()) "
                    "raises wrong-type-arg", [[]],
         {**both_py(err("IndexError", "index-out-of-range")), SCHEME: err("wrong-type-arg", "index-out-of-range")}),
        ("softmax", "an exact logit beyond any double: Python converts 10⁴⁰⁰ to a float for the subtraction and "
                    "raises OverflowError; Guile gives (0.0 1.0)", [[0.0, BIG]], PY_BIG),
    ],
    "log-sum-exp": [
        ("log-sum-exp", "three logits", [[1.0, 2.0, 3.0]], {}),
        ("log-sum-exp", "two equal logits: ln 2", [[0.0, 0.0]], {}),
        ("log-sum-exp", "z = 1000 does not overflow: 1000 + ln 2", [[1000.0, 1000.0]], {}),
        ("log-sum-exp", "−1000 does not underflow to log 0: −1000 + ln 2", [[-1000.0, -1000.0]], {}),
        ("log-sum-exp", "one logit: log e^z = z exactly", [[-3.75]], {}),
        ("log-sum-exp", "log(1 + e^−40) = 4.2·10⁻¹⁸: log1p keeps it, where log(1 + s) would round to 0",
         [[0.0, -40.0]], {}),
        ("log-sum-exp", "log(1 + e^−200) = 1.4·10⁻⁸⁷", [[0.0, -200.0]], {}),
        ("log-sum-exp", "a result near 0: m = −0.5 and log(1 + e^−0.7) = 0.40 cancel", [[-0.5, -1.2]], {}),
        ("log-sum-exp", "ten logits", [[0.5, -1.25, 2.0, 3.5, -0.75, 1.0, 0.0, -2.5, 4.25, 0.3]], {}),
        ("log-sum-exp", "±10³⁰⁸: 10³⁰⁸", [[1e308, -1e308]], {}),
        ("log-sum-exp", "the largest double twice: 1.8·10³⁰⁸ + ln 2 rounds back to it", [[1.7976931348623157e308] * 2],
         {}),
        ("log-sum-exp", "exact integers: m stays exact until log1p's float joins it", [[1, 2]], {}),
        ("log-sum-exp", "a −∞ logit adds nothing", [[-inf, 0.0]], {}),
        ("log-sum-exp", "a +∞ logit: +∞", [[inf, 0.0]], {}),
        ("log-sum-exp", "a NaN logit: NaN", [[1.0, nan]], {}),
        ("log-sum-exp", "no logits: the empty sum's log would be −∞, but there is no largest logit to shift by. "
                        "Python raises IndexError; Guile wrong-type-arg", [[]],
         {**both_py(err("IndexError", "index-out-of-range")), SCHEME: err("wrong-type-arg", "index-out-of-range")}),
        ("log-sum-exp", "an exact logit beyond any double: Python raises OverflowError converting it; Guile gives "
                        "+inf.0", [[BIG]], PY_BIG),
    ],
    "softmax-cross-entropy": [
        ("softmax-cross-entropy", "label 2 of (1 2 3): the likeliest class", [2, [1.0, 2.0, 3.0]], {}),
        ("softmax-cross-entropy", "label 0 of (1 2 3): the least likely class", [0, [1.0, 2.0, 3.0]], {}),
        ("softmax-cross-entropy", "the binary case: label 0 of (z 0) is L(1, σ(z)) = −log σ(z), z = 2",
         [0, [2.0, 0.0]], {}),
        ("softmax-cross-entropy", "label 1 of (z 0) is L(0, σ(z)) = −log(1 − σ(z)), z = 2", [1, [2.0, 0.0]], {}),
        ("softmax-cross-entropy", "confident and right: label 0 of (40 0), a loss of 4.2·10⁻¹⁸ kept to full "
                                  "precision", [0, [40.0, 0.0]], {}),
        ("softmax-cross-entropy", "confident and wrong, finite where softmax would be 0: label 0 of (−1000 0) "
                                  "is 1000", [0, [-1000.0, 0.0]], {}),
        ("softmax-cross-entropy", "label 1 of (1000 −1000): 2000", [1, [1000.0, -1000.0]], {}),
        ("softmax-cross-entropy", "label 0 of (1000 −1000): e^−2000 rounds to 0.0", [0, [1000.0, -1000.0]], {}),
        ("softmax-cross-entropy", "uniform logits: ln 4", [3, [0.5, 0.5, 0.5, 0.5]], {}),
        ("softmax-cross-entropy", "ten logits", [8, [0.5, -1.25, 2.0, 3.5, -0.75, 1.0, 0.0, -2.5, 4.25, 0.3]], {}),
        ("softmax-cross-entropy", "ten logits, a wrong class", [7, [0.5, -1.25, 2.0, 3.5, -0.75, 1.0, 0.0, -2.5,
                                                                   4.25, 0.3]], {}),
        ("softmax-cross-entropy", "±10³⁰⁸: the loss 2·10³⁰⁸ is beyond the double range, so +∞",
         [1, [1e308, -1e308]], {}),
        ("softmax-cross-entropy", "exact integer logits", [0, [1, 2]], {}),
        ("softmax-cross-entropy", "another class at −∞ adds nothing: 0.0", [0, [1.0, -inf]], {}),
        ("softmax-cross-entropy", "the label's logit at −∞: +∞", [1, [1.0, -inf]], {}),
        ("softmax-cross-entropy", "a NaN logit: NaN", [0, [1.0, nan]], {}),
        ("softmax-cross-entropy", "a label past the last class: Python's zs[2] raises IndexError; Guile's "
                                  "list-ref raises out-of-range", [2, [1.0, 2.0]],
         {**both_py(err("IndexError", "index-out-of-range")), SCHEME: err("out-of-range", "index-out-of-range")}),
        ("softmax-cross-entropy", "a label that is no exact integer: Python's zs[1.0] raises TypeError; Guile's "
                                  "list-ref raises wrong-type-arg", [1.0, [1.0, 2.0]],
         {**both_py(err("TypeError", "not-an-index")), SCHEME: err("wrong-type-arg", "not-an-index")}),
        ("softmax-cross-entropy", "no logits: Python raises IndexError, Guile wrong-type-arg", [0, []],
         {**both_py(err("IndexError", "index-out-of-range")), SCHEME: err("wrong-type-arg", "index-out-of-range")}),
        ("softmax-cross-entropy", "an exact logit beyond any double: Python raises OverflowError converting it; "
                                  "Guile gives the loss 0.0", [0, [BIG, 0.0]], PY_BIG),
    ],
    "fit-softmax": [
        ("fit-softmax", "zero iterations: the model is 0", [*R3, 3, 1.0, 0], {}),
        ("fit-softmax", "one Newton step, three classes, λ = 1", [*R3, 3, 1.0, 1], {}),
        ("fit-softmax", "two steps", [*R3, 3, 1.0, 2], {}),
        ("fit-softmax", "three steps", [*R3, 3, 1.0, 3], {}),
        ("fit-softmax", "five steps", [*R3, 3, 1.0, 5], {}),
        ("fit-softmax", "eight steps: converged", [*R3, 3, 1.0, 8], {}),
        ("fit-softmax", "a small penalty λ = 0.1", [*R3, 3, 0.1, 10], {}),
        ("fit-softmax", "a strong penalty λ = 100 shrinks the weights towards 0", [*R3, 3, 100.0, 5], {}),
        ("fit-softmax", "no penalty: the centred maximum-likelihood estimate (the classes overlap)",
         [*R3, 3, 0.0, 8], {}),
        ("fit-softmax", "two classes: the weights are ±½ those of fit-newton with penalty λ/2",
         [*ROWS1, 2, 1.0, 8], {}),
        ("fit-softmax", "one class: nothing to learn, the model stays 0", [ROWS1[0], [0] * 6, 1, 1.0, 3], {}),
        ("fit-softmax", "four classes", [R3[0] + [[1.5, 2.5], [-1.8, -0.2], [2.2, 1.4]], R3[1] + [3, 3, 3], 4, 1.0, 6],
         {}),
        ("fit-softmax", "one feature", [[[x] for x in D2[0]], [0, 1, 2, 0, 2, 1], 3, 1.0, 6], {}),
        ("fit-softmax", "exact integers", [[[1, 0], [2, 1], [3, 1], [0, 2], [1, 1]], [0, 1, 2, 2, 1], 3, 1, 3], {}),
        ("fit-softmax", "labels as floats: 1.0 = 1, the same model as exact labels",
         [R3[0], [float(y) for y in R3[1]], 3, 1.0, 3], {}),
        ("fit-softmax", "no rows: Python's rows[0] raises IndexError; Guile's (car '()) wrong-type-arg",
         [[], [], 3, 1.0, 1],
         {**both_py(err("IndexError", "index-out-of-range")), SCHEME: err("wrong-type-arg", "index-out-of-range")}),
        ("fit-softmax", "more labels than rows: Python's zip(strict=True) raises ValueError; Scheme's for-each "
                        "stops at the last row and ignores the extra label", [[[1.0], [2.0]], [0, 1, 1], 2, 1.0, 1],
         {**PY_LENGTHS, SCHEME: val([[[-0.39999999999999997], [0.39999999999999997]], [0.6, -0.6]],
                                    "unequal-lengths")}),
        ("fit-softmax", "no classes at all: there is no first class to centre. Python's thetas[0] raises "
                        "IndexError; Guile's (car '()) wrong-type-arg", [[[1.0], [2.0]], [0, 1], 0, 1.0, 0],
         {**both_py(err("IndexError", "index-out-of-range")), SCHEME: err("wrong-type-arg", "index-out-of-range")}),
        ("fit-softmax", "identical rows and no penalty: x and the intercept's 1 are the same column, and the "
                        "Hessian is singular. Python raises ZeroDivisionError; Guile divides 0.0 by 0.0 and gets NaN",
         [[[1.0], [1.0]], [0, 1], 2, 0.0, 3], {**PY_SINGULAR, SCHEME: val([[[nan], [nan]], [nan, nan]], "singular-matrix")}),
        ("fit-softmax", "a number of classes that is no exact integer: Python's range(2.5) raises TypeError; "
                        "Guile's make-list raises wrong-type-arg", [[[1.0], [2.0]], [0, 1], 2.5, 1.0, 1],
         {**both_py(err("TypeError", "not-an-index")), SCHEME: err("wrong-type-arg", "not-an-index")}),
    ],
}


def ulp_bound(prop: str, args: list, exact) -> tuple[float, str | None]:
    """Return (max_ulp, ulp_note) for one case, from error analysis, never from a run.

    cross-entropy, y = 0 and p < ½: 1 − p is rounded (half an ulp of 1, absolute),
    and log passes that on unchanged in absolute terms, so the error in ULPs of
    the loss L is up to 2 + 2⁻⁵³ / ulp(L).
    gradient: p̂ carries up to 3 ulp(p̂) of error (σ's bound), and r = p̂ − y
    inherits it absolutely (oracle.gradient_ulp_bound).
    """
    default = MAX_ULP[prop]
    with mpmath.workprec(256):
        if prop in ("dot", "linear-prediction", "linear-gradient") and _finite(args) and _finite_exact(exact):
            bound = cancellation_bound(prop, args)
            if bound > default:
                return bound, "cancellation"
        if prop == "cross-entropy" and args[0] == 0 and isinstance(args[1], float) and 0 < args[1] < 0.5:
            bound = 2 + mpmath.ldexp(1, -53) / ulp_of(exact)
            return float(mpmath.ceil(bound)), "one-minus-p"
        if prop == "gradient" and all(isinstance(a, (int, float)) and math.isfinite(a) for a in args):
            bound = oracle.gradient_ulp_bound(*args, default=default)
            if bound > default:
                return bound, "p-minus-y"
        if prop in INFORMATION and _probabilities(args) and _finite_exact(exact):
            bound = oracle.information_bound(prop, args)
            if bound > default:
                return bound, "first-order-bound"
        if prop in SOFTMAX and _logits(prop, args) and _finite_exact(exact):
            bound = oracle.softmax_bound(prop, args)
            if bound > default:
                return bound, "first-order-bound"
    return default, None


def _probabilities(args) -> bool:
    """Lists of finite numbers ≥ 0 within the double range, as long as each other."""
    return len({len(a) for a in args}) == 1 and \
        all(0 <= x < 2 ** 1024 and not (isinstance(x, float) and math.isnan(x)) for a in args for x in a)


def _logits(prop, args) -> bool:
    """A list of finite logits within the double range (and, for the loss, a label that names one)."""
    zs = args[-1]
    ok = bool(zs) and all(abs(z) < 2 ** 1024 and not (isinstance(z, float) and math.isnan(z)) for z in zs)
    return ok and (prop != "softmax-cross-entropy" or (type(args[0]) is int and 0 <= args[0] < len(zs)))


def _finite(args) -> bool:
    return all(_finite(a) if isinstance(a, list) else not isinstance(a, float) or math.isfinite(a) for a in args)


def _finite_exact(x) -> bool:
    return all(map(_finite_exact, x)) if isinstance(x, list) else bool(mpmath.isfinite(x))


def cancellation_bound(prop: str, args: list) -> float:
    """The error bound, in ULPs, of a sum of rounded terms, from the terms' sizes.

    Adding n terms left to right, each carrying up to 2⁻⁵³ of its own size, is
    off by at most n·Σ|terms|·2⁻⁵³; the result's ulp is at least 2⁻⁵³·|result|.
    So the bound is n·Σ|terms| / |result| (+1), large when the terms cancel.
    """
    def ratio(terms):
        total = mpmath.fsum(terms)
        size = mpmath.fsum(abs(t) for t in terms)
        return mpmath.inf if total == 0 else len(terms) * size / abs(total)
    with mpmath.workprec(256):
        a = [oracle._real(x) for x in args]
        if prop == "dot":
            bound = ratio([u * v for u, v in zip(*a)]) if a[0] else 0
        elif prop == "linear-prediction":
            w, x, b = a
            bound = ratio([w * x, b])
        else:  # linear-gradient: r = wx + b − y, then r·x
            w, b, x, y = a
            bound = ratio([w * x, b, -y]) + 1
        return float(mpmath.ceil(bound + 1)) if mpmath.isfinite(bound) else 0.0


def case_uuid(prop: str, inputs: dict, revision: int) -> str:
    """The uuid of a case: from its property, its inputs and its revision (1 at first)."""
    key = [prop, list(inputs.values())] + ([revision] if revision > 1 else [])
    return str(uuid.uuid5(NAMESPACE, json.dumps(key)))


def case_record(prop, description, args, outcomes, revision=1) -> dict:
    """A case; a corrected case is written with revision + 1: a new uuid that reimplements the old."""
    fn = registry.function(prop)
    inputs = {name: _input(a) for name, a in zip(fn.params, args)}
    exact = oracle.value(prop, args)
    record = {"uuid": case_uuid(prop, inputs, revision), "description": description, "property": prop,
              "input": inputs, "expected": oracle.text(exact)}
    if revision > 1:
        record["reimplements"] = case_uuid(prop, inputs, revision - 1)
    documented = {"python", "hy", "scheme"} <= set(outcomes)
    bound, note = (MAX_ULP[prop], None) if documented and prop in INFORMATION | SOFTMAX else \
        ulp_bound(prop, args, exact)
    if prop in ALLOWANCE:
        note = "accumulated-rounding"
    if note:
        record["max_ulp"], record["ulp_note"] = bound, note
    if outcomes:
        record["outcomes"] = outcomes
    return record


def _input(a):
    """Integers stay JSON integers (exact); everything else is its V text."""
    return a if isinstance(a, int) and abs(a) < 2 ** 53 else format_value(a)


def published(path: Path) -> dict:
    """Return the cases already in a case file, by uuid."""
    return {c["uuid"]: c for c in json.loads(path.read_text(encoding="utf-8"))["cases"]} if path.exists() else {}


def main():
    by_note = defaultdict(list)
    changed = []
    for concept in registry.concepts():
        path = ROOT / "tests" / "cases" / f"{concept.stem}.json"
        before = published(path)
        cases = [case_record(*c) for f in concept.functions for c in CASES[f.name]]
        changed += [f"{path.name}: {c['uuid']} ({c['description']})"
                    for c in cases if c["uuid"] in before and before[c["uuid"]] != c]
        for c in cases:
            for note in {o["note"] for o in c.get("outcomes", {}).values()} | {c.get("ulp_note")} - {None}:
                by_note[note].append(c["uuid"])
        data = {"concept": concept.stem,
                "comment": "Generated by tools/make_cases.py: expected values from mpmath (256 bits).",
                "max_ulp": {f.name: MAX_ULP[f.name] for f in concept.functions},
                "cases": cases}
        if changed and "--force" not in sys.argv:
            sys.exit("published cases are immutable; these would change:\n  " + "\n  ".join(changed) +
                     "\ngive each a revision (a new uuid that reimplements the old), or pass --force "
                     "for a change that no one has seen yet")
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(cases)} cases")
    notes_path = ROOT / "notes.toml"
    notes_path.write_text(fill_note_cases(notes_path.read_text(encoding="utf-8"), by_note), encoding="utf-8")


def fill_note_cases(text: str, by_note: dict) -> str:
    """Return notes.toml with each note's `cases = [...]` listing the cases that cite it."""
    out, note, skipping = [], None, False
    for line in text.splitlines():
        if skipping:
            skipping = not line.startswith("]")
            continue
        if m := re.match(r'id = "(.+)"', line):
            note = m.group(1)
        if line.startswith("cases = ["):
            skipping = not line.rstrip().endswith("]")
            out += ["cases = ["] + [f'  "{u}",' for u in sorted(set(by_note.get(note, [])))] + ["]"]
            continue
        out.append(line)
    return "\n".join(out) + "\n"

if __name__ == "__main__":
    main()
