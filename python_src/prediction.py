"""prediction — the model p̂ = σ(wx + b) and its decision."""
from .sigmoid import sigmoid


def predicted_probability(w, x, b):
    """Return p̂ = σ(wx + b), the predicted probability of class 1.

    >>> predicted_probability(2.0, 1.0, -1.0)
    0.7310585786300049
    """
    return sigmoid(w * x + b)


def classify(w, x, b):
    """Return the class: 1 where p̂ ≥ ½, else 0.

    >>> classify(2.0, 1.0, -1.0)
    1
    """
    return 1 if predicted_probability(w, x, b) >= 0.5 else 0


def decision_boundary(w, b):
    """Return the decision boundary: the x where wx + b = 0 (so p̂ = ½), −b / w.

    >>> decision_boundary(2.0, -1.0)
    0.5
    """
    return -b / w
