"""linear_regression — the same update rule, with ŷ = wx + b in place of p̂."""


def linear_prediction(w, x, b):
    """Return ŷ = wx + b.

    >>> linear_prediction(2.0, 1.5, -1.0)
    2.0
    """
    return w * x + b


def linear_gradient(w, b, x, y):
    """Return ∂/∂(w, b) of ½(ŷ − y)²: [(ŷ − y)·x, ŷ − y], the shape of the logistic gradient.

    >>> linear_gradient(2.0, -1.0, 1.5, 1.0)
    [1.5, 1.0]
    """
    r = linear_prediction(w, x, b) - y
    return [r * x, r]
