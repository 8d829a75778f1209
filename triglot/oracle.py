"""The mathematics, in mpmath at high precision: where expected values come from.

These are definitions of the real-valued functions, not translations of the
code: cross-entropy from a logit is written as y·log(1 + e^−z) + (1 − y)·log(1 + e^z),
classification compares wx + b with 0.  Infinite inputs give limits: where
mpmath's ∞ meets an indeterminate form, each ±∞ becomes a different ±2^(4000 ± k),
far beyond any double, and a result beyond 2^±3000 is taken as the limit 0 or
∞; where the two orders of stand-ins disagree (∞ − ∞), the result is undefined.
"""
from __future__ import annotations

import math
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


# ---------------------------------------------------------------- information and softmax
# Written so that 256 bits suffice however far apart the logits are: a sum of
# e^zⱼ is taken relative to its largest term, log Σ e^zⱼ = z_k + log(1 + Σ_{j≠k} e^(zⱼ − z_k)),
# so that neither cancels (e^(zⱼ − z_k) ≤ 1 and log1p keeps a tiny sum).

def _entropy(ps):
    return -mpmath.fsum(_xlog(p, p) for p in ps)


def _kl_term(p, q):
    """p·log(p/q), with 0·log(0/q) = 0 and p·log(p/0) = +∞ for p > 0; undefined (NaN) below 0."""
    if p == 0:
        return mpf(0)
    if p < 0 or q < 0:
        return mpmath.nan
    return mpmath.inf if q == 0 else p * mpmath.log(p / q)


def _kl_divergence(ps, qs):
    return mpmath.fsum(_kl_term(p, q) for p, q in zip(ps, qs, strict=True))


def _largest(zs):
    """The position of a largest z (the first; any NaN makes everything NaN below)."""
    if not zs:
        raise ValueError("no logits")
    return max(range(len(zs)), key=lambda i: (zs[i], -i))


def _log_sum_exp_from(zs, k):
    """log Σ e^(zⱼ − z_k), the log of the sum relative to term k (≥ 0 when z_k is largest)."""
    if any(mpmath.isnan(z) for z in zs):
        return mpmath.nan
    return mpmath.log1p(mpmath.fsum(mpmath.exp(z - zs[k]) for j, z in enumerate(zs) if j != k))


def _softmax(zs):
    k = _largest(zs)
    return [mpmath.exp(z - zs[k] - _log_sum_exp_from(zs, k)) for z in zs]


def _log_sum_exp(zs):
    k = _largest(zs)
    return zs[k] + _log_sum_exp_from(zs, k)


def _softmax_cross_entropy(label, zs):
    """−log softmax(z)_label = log Σ e^(zⱼ − z_label)."""
    if label != int(label) or not 0 <= label < len(zs):
        raise ValueError("no such class")
    return _log_sum_exp_from(zs, int(label))


def _fit_softmax(rows, labels, classes, penalty, iterations):
    """Newton's method on Σ −log softmax(z)_y + (λ/2)‖W‖², written independently of the code:
    the intercept of the last class (and with λ = 0 its weights too) held at 0, the Hessian of the
    remaining coefficients inverted by mpmath, and the model centred at the end (Σ_c b_c = 0, and
    Σ_c w_c = 0 for λ = 0; for λ > 0 the optimum has Σ_c w_c = 0 by itself).  Adding one number to
    every intercept changes no probability, so this gives the same iterates as any parametrisation."""
    if not rows or classes != int(classes) or classes < 1:
        raise ValueError("no rows, or no whole number of classes")
    K, k = int(classes), len(rows[0])
    free = [("w", c, j) for c in range(K if penalty != 0 else K - 1) for j in range(k)] + \
           [("b", c, None) for c in range(K - 1)]
    w, b = [[mpf(0)] * k for _ in range(K)], [mpf(0)] * K
    for _ in range(int(iterations)):
        ps = [_softmax([_dot(w[c], row) + b[c] for c in range(K)]) for row in rows]
        residual = [[p[c] - (1 if y == c else 0) for c in range(K)] for p, y in zip(ps, labels, strict=True)]

        def x(row, j):
            return mpf(1) if j is None else row[j]
        g = [mpmath.fsum(r[c] * x(row, j) for r, row in zip(residual, rows)) + (penalty * w[c][j] if kind == "w" else 0)
             for kind, c, j in free]
        h = [[mpmath.fsum(p[c] * ((1 if c == d else 0) - p[d]) * x(row, j) * x(row, l) for p, row in zip(ps, rows))
              + (penalty if (kind, c, j) == (kind2, d, l) and kind == "w" else 0)
              for kind2, d, l in free] for kind, c, j in free]
        for (kind, c, j), step in zip(free, _solve(h, g)):
            if kind == "w":
                w[c][j] -= step
            else:
                b[c] -= step
    mean_b = mpmath.fsum(b) / K
    mean_w = [mpmath.fsum(w[c][j] for c in range(K)) / K if penalty == 0 else 0 for j in range(k)]
    return [[[w[c][j] - mean_w[j] for j in range(k)] for c in range(K)], [b[c] - mean_b for c in range(K)]]


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
    "entropy": _entropy,
    "kl-divergence": _kl_divergence,
    "softmax": _softmax,
    "log-sum-exp": _log_sum_exp,
    "softmax-cross-entropy": _softmax_cross_entropy,
    "fit-softmax": _fit_softmax,
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


# ---------------------------------------------------------------- error bounds for the sums of terms
# A first-order running error analysis (Wilkinson's): each quantity the code
# computes is carried as its exact value and a bound on how far the computed
# double can be from it.  +, −, ×, ÷ round to within half an ulp of their
# exact result; exp and log, glibc's (which Python and Guile both call), to
# within 0.52 ulp: its exp is documented within 0.511 ulp, and in 100,000 random
# arguments neither was more than 0.504 ulp off.  An exact result of exact
# operands is exact.  The compensated sum is within u·|Σ| + γ²·Σ|xᵢ| of the sum
# of the terms it is given (Ogita, Rump and Oishi, 2005, Proposition 4.5), and
# log1p within 0.52 ulp for log u, half an ulp for the subtraction and u² for its
# correction term (the helper's own analysis).  Second-order terms, O(n·u)
# relative to these, are covered by rounding the bound up after a margin of 2⁻²⁰.

U = mpmath.ldexp(1, -53)   # the unit roundoff, half the ulp of 1
LIBM = mpf("0.52")         # exp and log: ulps


class Tracked:
    """A computed double as its exact value and a bound on its error."""

    def __init__(self, value, error=0):
        self.value, self.error = value, mpf(error)

    @classmethod
    def argument(cls, x):
        """An argument: exact if it is a double (or an integer that is one); an exact ratio or a
        bignum is converted to a double by Python before any floating-point operation."""
        x = _real(x)
        return cls(x, 0 if _is_double(x) else _ulp(x) / 2)


def _ulp(x):
    from .compare import ulp_of
    return ulp_of(x)


def _is_double(x) -> bool:
    """True when the real number x is exactly a double."""
    if not mpmath.isfinite(x) or x == 0:
        return True
    return abs(x) < mpmath.ldexp(1, 1024) and mpmath.isint(x / _ulp(x))


def _rounded(value, error, ulps=mpf("0.5")) -> Tracked:
    """The result of one operation: the error carried in, plus its own rounding."""
    if not mpmath.isfinite(value):
        return Tracked(value, 0 if error == 0 else mpmath.inf)
    own = 0 if error == 0 and _is_double(value) else ulps * _ulp(value)
    return Tracked(value, error + own)


def t_add(a, b):
    return _rounded(a.value + b.value, a.error + b.error)


def t_sub(a, b):
    return _rounded(a.value - b.value, a.error + b.error)


def t_mul(a, b):
    return _rounded(a.value * b.value, abs(a.value) * b.error + abs(b.value) * a.error)


def t_div(a, b):
    q = a.value / b.value
    return _rounded(q, (a.error + abs(q) * b.error) / abs(b.value))


def t_exp(a):
    e = mpmath.exp(a.value)
    return _rounded(e, e * a.error, LIBM)


def t_log(a):
    return _rounded(mpmath.log(a.value), a.error / abs(a.value), LIBM)


def t_log1p(a):
    """The helper log1p(x) = log u − ((u − 1) − x)/u, u = 1 + x rounded."""
    x = a.value
    value = mpmath.log1p(x)
    carried = a.error / (1 + x)
    if x == 0 and a.error == 0:
        return Tracked(value, 0)
    if abs(x) < U:  # u rounds to 1: x is returned, and log(1 + x) = x − x²/2 + …
        return Tracked(value, carried + x * x / 2 + _ulp(value) / 2)
    return Tracked(value, carried + (LIBM + mpf("0.5")) * _ulp(value) + U * U)


def t_sum(terms):
    """The compensated sum of the terms."""
    exact = mpmath.fsum(t.value for t in terms)
    if not mpmath.isfinite(exact):
        return Tracked(exact, 0 if all(t.error == 0 for t in terms) else mpmath.inf)
    n = len(terms)
    if n <= 1:
        return Tracked(exact, mpmath.fsum(t.error for t in terms))
    gamma = n * U / (1 - n * U)
    carried = mpmath.fsum(t.error for t in terms)
    return Tracked(exact, carried + U * abs(exact) + gamma * gamma * mpmath.fsum(abs(t.value) for t in terms))


def ulps(tracked: Tracked) -> float:
    """The bound on a computed double's error, in ULPs of its exact value, rounded up."""
    if tracked.error == 0:
        return 0.0
    if not mpmath.isfinite(tracked.error):
        return math.inf
    return float(mpmath.ceil(tracked.error * (1 + mpmath.ldexp(1, -20)) / _ulp(tracked.value)))


def _shifted(zs, m, skip):
    """e^(zᵢ − m): the subtraction's rounding r is put back (e^d + e^d·r), so what remains is
    exp's rounding and, where r ≠ 0, that of the addition (e^d·r and r²/2 are second order)."""
    out = []
    for i, z in enumerate(zs):
        if i != skip:
            d = z.value - m.value
            exact = z.error == 0 and m.error == 0 and _is_double(d)
            e = t_exp(Tracked(d, z.error + m.error))
            out.append(e if exact or e.value == 0 else _rounded(e.value, e.error))
    return out


def information_bound(name, args) -> float:
    """The error bound, in ULPs, of entropy or kl-divergence at args (finite arguments ≥ 0)."""
    with mpmath.workprec(PRECISION):
        if name == "entropy":
            terms = [Tracked(mpf(0)) if _real(p) == 0 else
                     t_mul(Tracked.argument(p), _negated(t_log(Tracked.argument(p)))) for p in args[0]]
        else:
            terms = [_kl_term_tracked(Tracked.argument(p), Tracked.argument(q)) for p, q in zip(*args, strict=True)]
        return ulps(t_sum(terms))


def _kl_term_tracked(p, q):
    if p.value == 0:
        return Tracked(mpf(0))
    if q.value == 0:
        return Tracked(mpmath.inf)
    if q.value / 2 <= p.value <= 2 * q.value:  # p − q is exact: log1p((p − q)/q)
        return t_mul(p, t_log1p(t_div(t_sub(p, q), q)))
    return t_mul(p, t_log(t_div(p, q)))


def _negated(t):
    return Tracked(-t.value, t.error)


def softmax_bound(name, args) -> float:
    """The error bound, in ULPs, of softmax, log-sum-exp or softmax-cross-entropy at args
    (finite logits); for softmax, the largest over its items."""
    with mpmath.workprec(PRECISION):
        zs = [Tracked.argument(z) for z in args[-1]]
        k = _largest([z.value for z in zs])
        m = zs[k]
        if name == "softmax":
            es = _shifted(zs, m, -1)
            total = t_sum(es)
            return max(ulps(t_div(e, total)) for e in es)
        rest = t_log1p(t_sum(_shifted(zs, m, k)))
        if name == "log-sum-exp":
            return ulps(t_add(m, rest))
        return ulps(t_add(t_sub(m, zs[int(args[0])]), rest))
