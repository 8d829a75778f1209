"""sigmoid — squash any real number into (0, 1)."""
import math


def sigmoid(z):
    """Return σ(z) = 1 / (1 + e^−z), exactly as the seed writes it.

    >>> sigmoid(0.0)
    0.5

    For z < −709.78, math.exp(-z) raises OverflowError (Scheme gives +inf.0).
    """
    return 1 / (1 + math.exp(-z))


def stable_sigmoid(z):
    """Return σ(z) without overflow: e^z / (1 + e^z) for z < 0.

    >>> stable_sigmoid(-1000.0)
    0.0
    """
    if z < 0:
        e = math.exp(z)
        return e / (1 + e)
    return sigmoid(z)
