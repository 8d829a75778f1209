"""information — entropy and KL divergence in nats: the expected surprise, and its excess."""
import math

from .cross_entropy import log1p
from .surprise import surprise


def two_sum(a, b):
    """Return [s, e]: s = a + b rounded, and its rounding error e = (a + b) − s exactly (Knuth).

    >>> two_sum(1e16, 1.0)
    [1e+16, 1.0]
    """
    s = a + b
    bb = s - a
    return [s, (a - (s - bb)) + (b - bb)]


def compensated_sum(xs):
    """Return Σ xᵢ as if summed in twice the precision, then rounded (Ogita, Rump and Oishi):
    each addition's rounding error is kept, and added back at the end.
    An infinite or NaN total is returned as it is.

    >>> compensated_sum([1e16, 1.0, -1e16])
    1.0
    """
    total, lost = 0.0, 0.0
    for x in xs:
        total, e = two_sum(total, x)
        lost = lost + e
    return total + lost if math.isfinite(total) else total


def entropy(ps):
    """Return H(p) = Σ pᵢ·(−log pᵢ), the expected surprise, in nats; 0·log 0 = 0.

    >>> entropy([0.5, 0.5])
    0.6931471805599453
    """
    return compensated_sum([0.0 if p == 0 else p * surprise(p) for p in ps])


def kl_term(p, q):
    """Return p·log(p/q), with 0·log(0/q) = 0 and p·log(p/0) = +∞ (scipy's rel_entr).

    Where q/2 ≤ p ≤ 2q, p − q is exact (Sterbenz's lemma), and log1p((p − q)/q)
    keeps the small log that log(p/q) would lose to the rounding of p/q.

    >>> kl_term(0.5, 0.25)
    0.34657359027997264
    """
    if p == 0:
        return 0.0
    if q == 0:
        return math.inf
    if q / 2 <= p <= 2 * q:
        return p * log1p((p - q) / q)
    return p * math.log(p / q)


def kl_divergence(ps, qs):
    """Return D(p‖q) = Σ pᵢ log(pᵢ/qᵢ) in nats: the expected extra surprise of coding p with q.

    >>> kl_divergence([0.5, 0.5], [0.25, 0.75])
    0.14384103622589048
    """
    return compensated_sum([kl_term(p, q) for p, q in zip(ps, qs, strict=True)])
