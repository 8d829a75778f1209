"""The seed's closing claims about training, as tests in every language."""
import json
import math

import mpmath
from hypothesis import given, settings
from hypothesis import strategies as st

from support import broken_copy, run_triglot
from triglot.compare import identical

MODERATE = st.floats(-20, 20, allow_nan=False)
DATA = st.integers(1, 8).flatmap(lambda n: st.tuples(st.lists(MODERATE, min_size=n, max_size=n),
                                                     st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None)
@given(MODERATE, MODERATE, DATA)
def test_minus_log_likelihood_over_n_is_the_mean_cross_entropy(languages, w, b, data):
    """“Maximum likelihood estimation is equivalent to minimizing cross-entropy”:
    −log L / n is the mean cross-entropy, bit for bit, in every language."""
    xs, ys = data
    ll, mean = languages.call_many([("log-likelihood", [w, b, xs, ys]), ("mean-cross-entropy", [w, b, xs, ys])])
    for lang in ll:
        assert identical(-ll[lang] / len(xs), mean[lang]), (lang, ll[lang], mean[lang])


def test_the_likelihood_and_the_loss_have_the_same_best_model(languages):
    """The grid point that maximises the log-likelihood minimises the mean loss, in every language."""
    xs, ys = [1.2, -0.3, 0.7, -1.9, 2.4, 0.1], [1, 0, 0, 0, 1, 1]
    grid = [(w / 4, b / 4) for w in range(-8, 9) for b in range(-8, 9)]
    ll = languages.call_many([("log-likelihood", [w, b, xs, ys]) for w, b in grid])
    mean = languages.call_many([("mean-cross-entropy", [w, b, xs, ys]) for w, b in grid])
    for lang in ("python", "hy", "scheme/guile"):
        best_ll = max(range(len(grid)), key=lambda i: ll[i][lang])
        best_mean = min(range(len(grid)), key=lambda i: mean[i][lang])
        assert best_ll == best_mean
    fitted = languages.call("fit-newton", [[[x] for x in xs], ys, 0.0, 10])["scheme/guile"]
    w_hat, b_hat = fitted[0][0], fitted[1]
    assert abs(grid[best_ll][0] - w_hat) <= 0.125 and abs(grid[best_ll][1] - b_hat) <= 0.125


@settings(max_examples=60, deadline=None)
@given(MODERATE, MODERATE, MODERATE, st.sampled_from([0, 1]))
def test_the_logistic_gradient_is_the_linear_rule_with_p_hat(languages, w, b, x, y):
    """“Same update rule as linear regression, but p comes from the sigmoid”: the logistic
    gradient is the linear gradient of a model whose prediction is p̂ (w = 0, b = p̂)."""
    p_hat = languages.call("predicted-probability", [w, x, b])
    for lang, p in p_hat.items():
        if isinstance(p, float):
            logistic = languages.call("gradient", [w, b, x, y])[lang]
            linear = languages.call("linear-gradient", [0.0, p, x, y])[lang]
            assert identical(logistic, linear), (lang, logistic, linear)


def test_fit_is_fit_gd_with_one_feature(languages):
    xs, ys = [1.2, -0.3, 0.7, -1.9, 2.4, 0.1], [1, 0, 0, 0, 1, 1]
    one = languages.call("fit", [xs, ys, 0.5, 25])
    many = languages.call("fit-gd", [[[x] for x in xs], ys, 0.5, 25])
    for lang in one:
        assert identical(one[lang], [many[lang][0][0], many[lang][1]]), lang


def test_the_trace_ends_where_fit_ends_and_the_loss_falls(languages):
    xs, ys = [1.2, -0.3, 0.7, -1.9, 2.4, 0.1], [1, 0, 0, 0, 1, 1]
    trace = languages.call("fit-trace", [xs, ys, 0.5, 30])
    end = languages.call("fit", [xs, ys, 0.5, 30])
    for lang in trace:
        assert identical(trace[lang][-1][1:], end[lang])
        losses = [row[0] for row in trace[lang]]
        assert all(a > b for a, b in zip(losses, losses[1:])), "gradient descent with a small step"
        assert losses[0] < math.log(2)


def test_a_trace_that_parts_names_the_epoch_and_value(tmp_path):
    """A copy of the project whose Python mean divides differently: `triglot check` names the
    first epoch where the traces part, and the value."""
    env = broken_copy(tmp_path, "python_src/descent.py", "    return total / n\n", "    return total * (1 / n)\n")
    done = run_triglot("check", "--json", env=env)
    out = json.loads(done.stdout)
    traces = [f for f in out["failures"] if f["property"] == "fit-trace" and f["language"] == "python"]
    assert done.returncode == 1 and traces, out["failures"][:3]
    assert all(f["detail"].startswith("epoch ") and ", loss: python gave " in f["detail"] for f in traces), traces


def test_exact_iterates_are_the_mathematics():
    """The oracle's Newton iterates converge to the MLE: the gradient of the loss vanishes there."""
    from triglot import oracle
    rows, ys = [[1.2], [-0.3], [0.7], [-1.9], [2.4], [0.1]], [1, 0, 0, 0, 1, 1]
    w, b = oracle.value("fit-newton", [rows, ys, 0.0, 12])
    with mpmath.workprec(256):
        g = mpmath.fsum((1 / (1 + mpmath.exp(-(w[0] * r[0] + b))) - y) * r[0] for r, y in zip(rows, ys))
        assert abs(g) < mpmath.mpf(10) ** -60
