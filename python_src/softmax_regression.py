"""softmax_regression — logistic regression for k classes, trained by Newton's method.

rows is a list of feature lists; labels holds each row's class, an exact integer
0 … classes − 1.  Inside, class c's model is θ_c = (w_c…, b_c), so that its
logit is z_c = θ_c·x̃ with x̃ = (x…, 1); a fitted model is [W, b]: the classes'
weight lists, then their intercepts.  Sums run left to right, one term at a time.
"""
from .information import compensated_sum
from .logistic_regression import dot, solve
from .softmax import softmax


def softmax_system(thetas, rows, labels, penalty):
    """Return [H, g]: the Hessian and gradient of Σ −log softmax(z)_y + (λ/2)‖W‖² over
    θ = (θ₁ … θ_K), entry (c, j) at c·m + j (m = features + 1), intercepts unpenalised:
    g_cj = Σ (p̂_c − [y = c]) x̃_j + λw_cj,
    H_cj,dl = Σ p̂_c([c = d] − p̂_d) x̃_j x̃_l + λ[c = d, j = l < m − 1],
    plus 1 at every (c, j), (d, j): see fit_softmax."""
    m = len(thetas[0])
    size = len(thetas) * m
    g = [0.0] * size
    h = [[0.0] * size for _ in range(size)]
    for row, y in zip(rows, labels, strict=True):
        xt = list(row) + [1.0]
        p = softmax([dot(theta, xt) for theta in thetas])
        for a in range(size):
            c, j = divmod(a, m)
            ha = h[a]
            r = p[c] - (1.0 if y == c else 0.0)
            g[a] = g[a] + r * xt[j]
            for b in range(size):
                d, l = divmod(b, m)
                s = p[c] * ((1.0 if c == d else 0.0) - p[d])
                ha[b] = ha[b] + s * xt[j] * xt[l]
    for a in range(size):
        c, j = divmod(a, m)
        if j < m - 1:
            g[a] = g[a] + penalty * thetas[c][j]
            h[a][a] = h[a][a] + penalty
        for b in range(j, size, m):
            h[a][b] = h[a][b] + 1.0
    return [h, g]


def centred(thetas):
    """Return each θ_c minus the classes' mean θ: a centred model, Σ_c θ_c = 0.

    >>> centred([[1.0, 3.0], [3.0, -1.0]])
    [[-1.0, 2.0], [1.0, -2.0]]
    """
    means = [compensated_sum([theta[j] for theta in thetas]) / len(thetas)
             for j in range(len(thetas[0]))]
    return [[t - mean for t, mean in zip(theta, means)] for theta in thetas]


def fit_softmax(rows, labels, classes, penalty, iterations):
    """Return [W, b] after `iterations` Newton steps from 0 on Σ −log softmax(z)_y + (λ/2)‖W‖².

    Each step is θ ← θ − H⁻¹g.  Adding one number to every class's intercept
    (and, when λ = 0, one vector to every class's weights) changes no probability,
    so the loss's Hessian is blind to those directions n_j (1 at column j of every
    class): H alone is singular.  g has no part along them, and H is λ times each,
    so adding n_j n_jᵀ makes H invertible without changing the step in any other
    direction: each step is Newton's among centred models.  The rounding that strays
    from them is taken out at the end: the model returned is centred, Σ_c b_c = 0
    (and Σ_c w_c = 0), as the penalised optimum is.

    >>> fit_softmax([[1.0], [-1.0]], [1, 0], 2, 1.0, 1)
    [[[-0.5], [0.5]], [0.0, 0.0]]
    """
    m = len(rows[0]) + 1
    thetas = [[0.0] * m for _ in range(classes)]
    for _ in range(iterations):
        h, g = softmax_system(thetas, rows, labels, penalty)
        delta = solve(h, g)
        thetas = [[t - delta[c * m + j] for j, t in enumerate(theta)]
                  for c, theta in enumerate(thetas)]
    model = centred(thetas)
    return [[theta[:-1] for theta in model], [theta[-1] for theta in model]]
