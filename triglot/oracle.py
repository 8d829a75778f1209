"""The mathematics, in mpmath at high precision: where expected values come from.

These are definitions of the real-valued functions, not translations of the
code: cross-entropy from a logit is written as y·log(1 + e^−z) + (1 − y)·log(1 + e^z),
classification compares wx + b with 0.  Infinite inputs stand for limits: they
become ±2^(2^20), far beyond any double, so each result is the limit to far
more digits than a double holds (and a result beyond 2^±3000 is the limit 0 or ∞).
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mpf

PRECISION = 256  # bits
DIGITS = 40      # significant digits kept in a case's `expected`
_HUGE = mpmath.ldexp(1, 4096)
_LIMIT = mpmath.ldexp(1, 3000)


def _real(v):
    """Return an input value as an mpf (exact for doubles and integers)."""
    if isinstance(v, Fraction):
        return mpf(v.numerator) / v.denominator
    if isinstance(v, float) and mpmath.isinf(v):
        return _HUGE if v > 0 else -_HUGE
    return mpf(v)


def _sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _softplus(z):
    """log(1 + e^z), computed without cancellation at either end."""
    return z + mpmath.log1p(mpmath.exp(-z)) if z > 0 else mpmath.log1p(mpmath.exp(z))


def _class(s):
    """1 where σ(s) ≥ ½, that is s ≥ 0; undefined (NaN) for a NaN score."""
    return s if mpmath.isnan(s) else mpf(1) if s >= 0 else mpf(0)


DEFINITIONS = {
    "sigmoid": _sigmoid,
    "stable-sigmoid": _sigmoid,
    "surprise": lambda p: -mpmath.log(p),
    "nats-to-bits": lambda h: h / mpmath.log(2),
    "cross-entropy": lambda y, p: -(y * mpmath.log(p) + (1 - y) * mpmath.log(1 - p)),
    "cross-entropy-from-logit": lambda y, z: y * _softplus(-z) + (1 - y) * _softplus(z),
    "predicted-probability": lambda w, x, b: _sigmoid(w * x + b),
    "classify": lambda w, x, b: _class(w * x + b),
    "decision-boundary": lambda w, b: -b / w,
    "gradient": lambda w, b, x, y: [(_sigmoid(w * x + b) - y) * x, _sigmoid(w * x + b) - y],
}


def value(name: str, args: list):
    """Return the exact value of function `name` at args (mpf, or list of mpf)."""
    with mpmath.workprec(PRECISION):
        result = DEFINITIONS[name](*map(_real, args))
        if any(isinstance(a, float) and mpmath.isinf(a) for a in args):
            return _limit(result)
        return result


def _limit(x):
    """Return the limit that a result at a stand-in for ±∞ approximates."""
    if isinstance(x, list):
        return [_limit(e) for e in x]
    if mpmath.isfinite(x) and abs(x) > _LIMIT:
        return mpmath.inf if x > 0 else -mpmath.inf
    if mpmath.isfinite(x) and abs(x) < 1 / _LIMIT:
        return mpf(0)
    return x


def text(x) -> str:
    """Return the `expected` text of an exact value: 40 significant digits, "inf", "nan"."""
    if isinstance(x, list):
        return [text(e) for e in x]
    with mpmath.workprec(PRECISION):
        if mpmath.isnan(x):
            return "nan"
        if mpmath.isinf(x):
            return "inf" if x > 0 else "-inf"
        return mpmath.nstr(x, DIGITS, strip_zeros=True, min_fixed=-4, max_fixed=16)


def expected(name: str, args: list):
    """Return the `expected` text for a call (what the case files store)."""
    return text(value(name, args))
