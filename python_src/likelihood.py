"""likelihood — maximum likelihood is minimum cross-entropy."""
from .cross_entropy import cross_entropy_from_logit


def log_likelihood(w, b, xs, ys):
    """Return log L = Σ [yᵢ log p̂ᵢ + (1 − yᵢ) log(1 − p̂ᵢ)], the Bernoulli
    log-likelihood, summed left to right as − L(yᵢ, σ(wxᵢ + b)) from the logit.

    >>> log_likelihood(0.0, 0.0, [1.0, -1.0], [1, 0])
    -1.3862943611198906
    """
    total = 0.0
    for x, y in zip(xs, ys, strict=True):
        total -= cross_entropy_from_logit(y, w * x + b)
    return total
