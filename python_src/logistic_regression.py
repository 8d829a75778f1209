"""logistic_regression — k features, trained by gradient descent and by Newton's method.

rows is a list of feature lists; a model is [weights, bias], weights a list.
Sums run left to right, one term at a time, in every language.
"""
from .sigmoid import stable_sigmoid


def dot(u, v):
    """Return u·v = Σ uᵢvᵢ, summed left to right.

    >>> dot([1.0, 2.0], [3.0, 4.0])
    11.0
    """
    total = 0.0
    for a, b in zip(u, v, strict=True):
        total += a * b
    return total


def solve(a, v):
    """Return x with A x = v: Gaussian elimination with partial pivoting (the
    first row with the largest |pivot|), then back substitution.

    >>> solve([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0])
    [0.8, 1.4]
    """
    n = len(v)
    m = [list(row) + [x] for row, x in zip(a, v, strict=True)]
    for col in range(n):
        p = col
        for r in range(col + 1, n):
            if abs(m[r][col]) > abs(m[p][col]):
                p = r
        m[p], m[col] = m[col], m[p]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] = m[r][c] - f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        s = m[r][n]
        for c in range(r + 1, n):
            s = s - m[r][c] * x[c]
        x[r] = s / m[r][r]
    return x


def gradient_sums(ws, b, rows, ys):
    """Return [Σ rᵢ·xᵢ, Σ rᵢ] with rᵢ = σ(w·xᵢ + b) − yᵢ: the summed gradient of the loss.

    >>> gradient_sums([0.0], 0.0, [[1.0], [-1.0]], [1, 0])
    [[-1.0], 0.0]
    """
    gw, gb = [0.0] * len(ws), 0.0
    for row, y in zip(rows, ys, strict=True):
        r = stable_sigmoid(dot(ws, row) + b) - y
        gw = [g + r * x for g, x in zip(gw, row, strict=True)]
        gb += r
    return [gw, gb]


def fit_gd(rows, ys, rate, epochs):
    """Return [weights, bias] after `epochs` full-batch steps η·(mean gradient), from 0.

    >>> fit_gd([[1.0], [-1.0]], [1, 0], 1.0, 1)
    [[0.5], 0.0]
    """
    n = len(rows)
    ws, b = [0.0] * len(rows[0]), 0.0
    for _ in range(epochs):
        gw, gb = gradient_sums(ws, b, rows, ys)
        ws = [w - rate * (g / n) for w, g in zip(ws, gw)]
        b = b - rate * (gb / n)
    return [ws, b]


def newton_system(ws, b, rows, ys, penalty):
    """Return [H, g]: the Hessian and gradient of Σ L(yᵢ, σ(w·xᵢ + b)) + (λ/2)‖w‖²
    over x̃ = (x…, 1): H = Σ p̂(1 − p̂) x̃x̃ᵀ + λI (bias unpenalised), g = Σ (p̂ − y) x̃ + λw."""
    k = len(ws) + 1
    g = [0.0] * k
    h = [[0.0] * k for _ in range(k)]
    for row, y in zip(rows, ys, strict=True):
        xt = list(row) + [1.0]
        p = stable_sigmoid(dot(ws, row) + b)
        r = p - y
        s = p * (1 - p)
        for j in range(k):
            g[j] = g[j] + r * xt[j]
            sx, hj = s * xt[j], h[j]
            for col in range(k):
                hj[col] = hj[col] + sx * xt[col]
    for j, w in enumerate(ws):
        g[j] = g[j] + penalty * w
        h[j][j] = h[j][j] + penalty
    return [h, g]


def fit_newton(rows, ys, penalty, iterations):
    """Return [weights, bias] after `iterations` Newton steps θ ← θ − H⁻¹g (iteratively
    reweighted least squares) on Σ L + (λ/2)‖w‖², from 0.  λ = 0 is the MLE.

    >>> fit_newton([[1.0], [-1.0], [2.0], [-2.0]], [1, 0, 0, 1], 0.0, 1)
    [[-0.4], 0.0]
    """
    ws, b = [0.0] * len(rows[0]), 0.0
    for _ in range(iterations):
        h, g = newton_system(ws, b, rows, ys, penalty)
        delta = solve(h, g)
        ws = [w - d for w, d in zip(ws, delta)]
        b = b - delta[len(ws)]
    return [ws, b]
