"""gradient — how the loss of one example changes with w and b."""
from .prediction import predicted_probability


def gradient(w, b, x, y):
    """Return [∂L/∂w, ∂L/∂b] = [(p̂ − y)·x, p̂ − y] for one example (x, y).

    >>> gradient(0.0, 0.0, 2.0, 1)
    [-1.0, -0.5]
    """
    r = predicted_probability(w, x, b) - y
    return [r * x, r]
