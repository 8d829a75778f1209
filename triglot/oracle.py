"""The mathematics, in mpmath at high precision: where expected values come from.

These are definitions of the real-valued functions, not translations of the
code: cross-entropy from a logit is written as y·log(1 + e^−z) + (1 − y)·log(1 + e^z),
classification compares wx + b with 0.  Infinite inputs give limits: where
mpmath's ∞ meets an indeterminate form, each ±∞ becomes a different ±2^(4000 ± k),
far beyond any double, and a result beyond 2^±3000 is taken as the limit 0 or
∞; where the two orders of stand-ins disagree (∞ − ∞), the result is undefined.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mpf

PRECISION = 256  # bits
DIGITS = 40      # significant digits kept in a case's `expected`
_HUGE = mpmath.ldexp(1, 4000)
_LIMIT = mpmath.ldexp(1, 3000)


def _real(v):
    """Return an input value as an mpf (exact for doubles and integers); lists stay lists."""
    if isinstance(v, list):
        return [_real(e) for e in v]
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


# ---------------------------------------------------------------- training, in exact arithmetic
# The same algorithms (the same steps, the same number of them) with every
# operation exact to 256 bits: the iterates that the rounding must stay near.

def _loss(y, z):
    return y * _softplus(-z) + (1 - y) * _softplus(z)


def _mean_loss(w, b, xs, ys):
    return mpmath.fsum(_loss(y, w * x + b) for x, y in zip(xs, ys, strict=True)) / len(xs)


def _descent_step(w, b, xs, ys, rate):
    rs = [_sigmoid(w * x + b) - y for x, y in zip(xs, ys, strict=True)]
    n = len(xs)
    return [w - rate * mpmath.fsum(r * x for r, x in zip(rs, xs, strict=True)) / n, b - rate * mpmath.fsum(rs) / n]


def _fit_trace(xs, ys, rate, epochs):
    wb, trace = [mpf(0), mpf(0)], []
    for _ in range(int(epochs)):
        wb = _descent_step(wb[0], wb[1], xs, ys, rate)
        trace.append([_mean_loss(wb[0], wb[1], xs, ys), *wb])
    return trace


def _dot(u, v):
    return mpmath.fsum(a * b for a, b in zip(u, v, strict=True))


def _solve(a, v):
    if not v:
        return []
    if mpmath.det(mpmath.matrix(a)) == 0:
        raise ZeroDivisionError("singular matrix")
    return list(mpmath.lu_solve(mpmath.matrix(a), mpmath.matrix(v)))


def _fit_gd(rows, ys, rate, epochs):
    ws, b, n = [mpf(0)] * len(rows[0]), mpf(0), len(rows)
    for _ in range(int(epochs)):
        rs = [_sigmoid(_dot(ws, row) + b) - y for row, y in zip(rows, ys, strict=True)]
        ws = [w - rate * mpmath.fsum(r * row[j] for r, row in zip(rs, rows)) / n for j, w in enumerate(ws)]
        b = b - rate * mpmath.fsum(rs) / n
    return [ws, b]


def _fit_newton(rows, ys, penalty, iterations):
    k = len(rows[0])
    theta = [mpf(0)] * (k + 1)
    xts = [list(row) + [mpf(1)] for row in rows]
    for _ in range(int(iterations)):
        ps = [_sigmoid(_dot(theta, xt)) for xt in xts]
        g = [mpmath.fsum((p - y) * xt[j] for p, y, xt in zip(ps, ys, xts)) + (penalty * theta[j] if j < k else 0)
             for j in range(k + 1)]
        h = [[mpmath.fsum(p * (1 - p) * xt[i] * xt[j] for p, xt in zip(ps, xts)) + (penalty if i == j < k else 0)
              for j in range(k + 1)] for i in range(k + 1)]
        theta = [t - d for t, d in zip(theta, _solve(h, g))]
    return [theta[:k], theta[k]]


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
    "mean-cross-entropy": _mean_loss,
    "descent-step": _descent_step,
    "fit": lambda xs, ys, rate, epochs: _fit_trace(xs, ys, rate, epochs)[-1][1:] if epochs >= 1 else [mpf(0), mpf(0)],
    "fit-trace": _fit_trace,
    "log-likelihood": lambda w, b, xs, ys: -mpmath.fsum(_loss(y, w * x + b) for x, y in zip(xs, ys, strict=True)),
    "linear-prediction": lambda w, x, b: w * x + b,
    "linear-gradient": lambda w, b, x, y: [(w * x + b - y) * x, w * x + b - y],
    "dot": _dot,
    "solve": _solve,
    "fit-gd": _fit_gd,
    "fit-newton": _fit_newton,
}


def value(name: str, args: list):
    """Return the exact value of function `name` at args (mpf, or list of mpf).

    Infinite inputs are first taken as mpmath's own ±∞; where that gives an
    indeterminate form (NaN from 0·∞ and the like), the limit is taken instead.
    """
    with mpmath.workprec(PRECISION):
        try:
            result = DEFINITIONS[name](*map(_real, args))
        except (ZeroDivisionError, ValueError):  # no examples, unequal lengths, a singular matrix
            return mpmath.nan
        infinities = sum(isinstance(a, float) and mpmath.isinf(a) for a in _leaves(args))
        if _has_nan(result) and infinities:
            # Each ∞ becomes a different huge number, in two orders: where the two
            # agree the limit exists; where they do not (∞ − ∞), it is undefined.
            one, two = (_limit(DEFINITIONS[name](*_stand_ins(list(map(_real, args)), order)))
                        for order in (1, -1))
            return one if _same(one, two) else mpmath.nan
        return result


def _leaves(x):
    return [e for v in x for e in _leaves(v)] if isinstance(x, list) else [x]


def _has_nan(x) -> bool:
    return any(map(_has_nan, x)) if isinstance(x, list) else bool(mpmath.isnan(x))


def _stand_ins(args, order):
    """args with the k-th infinity replaced by ±2^(4096 ± k): finite, far beyond any double."""
    count = [0]

    def replace(x):
        if isinstance(x, list):
            return [replace(e) for e in x]
        if mpmath.isfinite(x):
            return x
        count[0] += 1
        huge = mpmath.ldexp(_HUGE, order * count[0])
        return huge if x > 0 else -huge
    return [replace(a) for a in args]


def _same(a, b) -> bool:
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return (mpmath.isnan(a) and mpmath.isnan(b)) or a == b


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
