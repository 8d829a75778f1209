"""softmax — k logits to k probabilities, shifted by the largest so that nothing overflows.

softmax(z) does not change when one number is added to every zᵢ; subtracting
the largest, m, leaves every exponent ≤ 0: e^(zᵢ − m) ≤ 1, and e^0 = 1 in the sum.
"""
import math

from .cross_entropy import log1p
from .information import compensated_sum, two_sum


def argmax(zs):
    """Return the position k of the first largest zₖ (NaN is never larger).

    >>> argmax([1.0, 3.0, 2.0, 3.0])
    1
    """
    k = 0
    for i, z in enumerate(zs):
        if z > zs[k]:
            k = i
    return k


def shifted_exp(z, m):
    """Return e^(z − m), with the rounding of d = z − m put back: e^(d + r) ≈ e^d + e^d·r.

    (Where e^d is 0, d may be −∞ and r NaN: there is nothing to put back.)

    >>> shifted_exp(0.1, 30.4)
    6.932297597586562e-14
    """
    d, r = two_sum(z, -m)
    e = math.exp(d)
    return e if e == 0 else e + e * r


def shifted_exps(zs, m, skip):
    """Return [e^(zᵢ − m)] for every zᵢ but the one at position `skip` (−1: none).

    >>> shifted_exps([0.0, 1.0], 1.0, -1)
    [0.36787944117144233, 1.0]
    """
    return [shifted_exp(z, m) for i, z in enumerate(zs) if i != skip]


def softmax(zs):
    """Return softmax(z)ᵢ = e^zᵢ / Σ e^zⱼ, computed as e^(zᵢ − m) / Σ e^(zⱼ − m), m = max z.

    >>> softmax([1000.0, 1000.0])
    [0.5, 0.5]
    """
    es = shifted_exps(zs, zs[argmax(zs)], -1)
    total = compensated_sum(es)
    return [e / total for e in es]


def log_sum_exp(zs):
    """Return log Σ e^zᵢ = m + log(1 + Σ_{i≠k} e^(zᵢ − m)), zₖ = m the largest.

    >>> log_sum_exp([1000.0, 1000.0])
    1000.6931471805599
    """
    k = argmax(zs)
    return zs[k] + log1p(compensated_sum(shifted_exps(zs, zs[k], k)))


def softmax_cross_entropy(label, zs):
    """Return −log softmax(z)_label = (m − z_label) + log(1 + Σ_{i≠k} e^(zᵢ − m)), two terms ≥ 0.

    >>> softmax_cross_entropy(1, [1000.0, -1000.0])
    2000.0
    """
    k = argmax(zs)
    return (zs[k] - zs[label]) + log1p(compensated_sum(shifted_exps(zs, zs[k], k)))
