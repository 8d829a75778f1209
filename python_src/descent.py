"""descent — training the one-feature model p̂ = σ(wx + b) by gradient descent.

Sums run left to right, one term at a time, in every language (not sum():
since Python 3.12 it compensates, and rounds differently).
"""
from .cross_entropy import cross_entropy_from_logit
from .sigmoid import stable_sigmoid


def mean_cross_entropy(w, b, xs, ys):
    """Return the mean loss (1/n) Σ L(yᵢ, σ(wxᵢ + b)), each term from the logit.

    >>> mean_cross_entropy(0.0, 0.0, [1.0, -1.0], [1, 0])
    0.6931471805599453
    """
    total, n = 0.0, 0
    for x, y in zip(xs, ys, strict=True):
        total += cross_entropy_from_logit(y, w * x + b)
        n += 1
    return total / n


def descent_step(w, b, xs, ys, rate):
    """Return one full-batch step with the mean gradient, p̂ from the stable σ:
    [w − η·(1/n) Σ (p̂ᵢ − yᵢ)xᵢ, b − η·(1/n) Σ (p̂ᵢ − yᵢ)].

    >>> descent_step(0.0, 0.0, [1.0, -1.0], [1, 0], 1.0)
    [0.5, 0.0]
    """
    gw, gb, n = 0.0, 0.0, 0
    for x, y in zip(xs, ys, strict=True):
        r = stable_sigmoid(w * x + b) - y
        gw += r * x
        gb += r
        n += 1
    return [w - rate * (gw / n), b - rate * (gb / n)]


def fit(xs, ys, rate, epochs):
    """Return [w, b] after `epochs` steps from w = b = 0.

    >>> fit([1.0, -1.0], [1, 0], 1.0, 1)
    [0.5, 0.0]
    """
    wb = [0.0, 0.0]
    for _ in range(epochs):
        wb = descent_step(wb[0], wb[1], xs, ys, rate)
    return wb


def fit_trace(xs, ys, rate, epochs):
    """Return [[L, w, b], …]: the mean loss and the parameters after each step.

    >>> fit_trace([1.0, -1.0], [1, 0], 1.0, 1)
    [[0.4740769841801067, 0.5, 0.0]]
    """
    wb, trace = [0.0, 0.0], []
    for _ in range(epochs):
        wb = descent_step(wb[0], wb[1], xs, ys, rate)
        trace.append([mean_cross_entropy(wb[0], wb[1], xs, ys), *wb])
    return trace
