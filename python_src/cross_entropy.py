"""cross_entropy — how wrong a predicted probability p is for a label y."""
import math


def cross_entropy(y, p):
    """Return L = −[y log p + (1 − y) log(1 − p)], exactly as the seed writes it.

    >>> cross_entropy(1, 0.9)
    0.10536051565782628
    """
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))


def log1p(x):
    """Return log(1 + x), accurate when x is tiny: log u corrected by u = 1 + x's rounding.

    Not math.log1p: Scheme has none, and this one rounds the same in every language.

    >>> log1p(1e-20)
    1e-20
    """
    u = 1 + x
    if u == 1:
        return x
    return math.log(u) - ((u - 1) - x) / u


def cross_entropy_from_logit(y, z):
    """Return L(y, σ(z)) from the logit z, finite for every finite z.

    (1 − y)·z + log(1 + e^−z) for z ≥ 0, and −y·z + log(1 + e^z) for z < 0.

    >>> cross_entropy_from_logit(1, -1000.0)
    1000.0
    """
    if z < 0:
        return -(y * z) + log1p(math.exp(z))
    return (1 - y) * z + log1p(math.exp(-z))
