"""The mathematics, in mpmath at high precision: where expected values come from.

These are definitions of the real-valued functions, not translations of the
code: cross-entropy from a logit is written as y·log(1 + e^−z) + (1 − y)·log(1 + e^z),
classification compares wx + b with 0.  Infinite inputs give limits: where
mpmath's ∞ meets an indeterminate form, ±∞ becomes ±2^4096, far beyond any
double, and a result beyond 2^±3000 is taken as the limit 0 or ∞.
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
    return mpf(v)


def _sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _softplus(z):
    """log(1 + e^z), computed without cancellation at either end."""
    return z + mpmath.log1p(mpmath.exp(-z)) if z > 0 else mpmath.log1p(mpmath.exp(z))


def _log(p):
    """The real logarithm: undefined (NaN) for p < 0, −∞ at 0."""
    return mpmath.nan if p < 0 else -mpmath.inf if p == 0 else mpmath.log(p)


def _xlog(c, p):
    """c·log p, with the convention 0·log 0 = 0 (the limit of c·log c)."""
    return mpf(0) if c == 0 and p >= 0 else c * _log(p)


def _class(s):
    """1 where σ(s) ≥ ½, that is s ≥ 0; undefined (NaN) for a NaN score."""
    return s if mpmath.isnan(s) else mpf(1) if s >= 0 else mpf(0)


DEFINITIONS = {
    "sigmoid": _sigmoid,
    "stable-sigmoid": _sigmoid,
    "surprise": lambda p: -_log(p),
    "nats-to-bits": lambda h: h / mpmath.log(2),
    "cross-entropy": lambda y, p: -(_xlog(y, p) + _xlog(1 - y, 1 - p)),
    "cross-entropy-from-logit": lambda y, z: y * _softplus(-z) + (1 - y) * _softplus(z),
    "predicted-probability": lambda w, x, b: _sigmoid(w * x + b),
    "classify": lambda w, x, b: _class(w * x + b),
    "decision-boundary": lambda w, b: -b / w if w else mpmath.nan,  # w = 0: p̂ never crosses ½
    "gradient": lambda w, b, x, y: [(_sigmoid(w * x + b) - y) * x, _sigmoid(w * x + b) - y],
}


def value(name: str, args: list):
    """Return the exact value of function `name` at args (mpf, or list of mpf).

    Infinite inputs are first taken as mpmath's own ±∞; where that gives an
    indeterminate form (NaN from 0·∞ and the like), the limit is taken instead.
    """
    with mpmath.workprec(PRECISION):
        result = DEFINITIONS[name](*map(_real, args))
        if _has_nan(result) and any(isinstance(a, float) and mpmath.isinf(a) for a in args):
            return _limit(DEFINITIONS[name](*(_stand_in(a) for a in map(_real, args))))
        return result


def _has_nan(x) -> bool:
    return any(map(_has_nan, x)) if isinstance(x, list) else bool(mpmath.isnan(x))


def _stand_in(x):
    """A finite stand-in for ±∞, far beyond any double."""
    return x if mpmath.isfinite(x) else _HUGE if x > 0 else -_HUGE


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


def gradient_ulp_bound(w, b, x, y, default=4):
    """Return the error bound, in ULPs, of the gradient's r = p̂ − y (error analysis).

    Two errors reach r, absolutely: p̂'s own, up to 3 ulp(p̂) (σ's bound), and
    the rounding of s = wx + b (two roundings, up to (|wx| + |s|)·2⁻⁵³), which σ
    passes on times its slope p̂(1 − p̂).  So r is within
    4 + [3·ulp(p̂) + p̂(1 − p̂)(|wx| + |s|)·2⁻⁵³] / ulp(r) ULPs (the "p-minus-y" note).
    """
    from .compare import ulp_of
    with mpmath.workprec(PRECISION):
        w, b, x, y = map(_real, (w, b, x, y))
        s = w * x + b
        p = _sigmoid(s)
        r = p - y
        if r == 0:
            return default
        carried = 3 * ulp_of(p) + p * (1 - p) * (abs(w * x) + abs(s)) * mpmath.ldexp(1, -53)
        return max(default, float(mpmath.ceil(4 + carried / ulp_of(r))))
