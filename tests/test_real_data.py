"""Real data, real references: the k-feature logistic regression on two classic data sets.

- Spector and Mazzeo (1980), shipped with statsmodels: fit-newton reproduces the
  published logit table (Greene, Econometric Analysis) and statsmodels' Logit.
- Wisconsin breast cancer, shipped with scikit-learn, standardised: the classes
  are linearly separable, so the MLE does not exist.  Newton's weights grow
  without bound while the loss falls towards 0, until the Hessian is singular;
  statsmodels' Logit stops on a singular matrix.  With the L2 penalty λ = 1,
  fit-newton matches scikit-learn's LogisticRegression(C = 1).
- Fisher's iris, shipped with scikit-learn, unscaled, three classes: with λ = 1,
  fit-softmax matches scikit-learn's multinomial LogisticRegression(C = 1),
  weights and centred intercepts, in every language alike.

The data are loaded in Python from the installed packages and passed to every
language as data; every heavy fit runs once per language (one batch each).
"""
import math
import warnings
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pytest

from triglot import datasets
from triglot.compare import identical
from triglot.inprocess import python_runner
from triglot.languages import Languages
from triglot.values import Error

SEPARABLE_ITERATIONS = (10, 20, 30)  # Newton steps at which the separable fit is inspected
BREAKDOWN = 45                       # by here the Hessian has become exactly singular
PENALISED_ITERATIONS = 15            # λ = 1: the gradient is at rounding level (1e-14) from step 10
IRIS_ITERATIONS = 15                 # λ = 1: fit-softmax has converged to rounding level by step 10


@pytest.fixture(scope="module")
def spector():
    return datasets.load("spector")


@pytest.fixture(scope="module")
def cancer():
    return datasets.load("breast-cancer")


@pytest.fixture(scope="module")
def iris():
    return datasets.load("iris")


@pytest.fixture(scope="module")
def fits(spector, cancer, iris):
    """Every heavy fit, run once in each language: {key: {language: outcome}}.

    Guile needs about 0.22 s per Newton step on breast cancer, so its per-call
    timeout is raised well above the default 10 s."""
    calls = {"spector": ("fit-newton", [spector.rows, spector.ys, 0.0, 25])}
    for n in (*SEPARABLE_ITERATIONS, BREAKDOWN):
        calls[("separable", n)] = ("fit-newton", [cancer.rows, cancer.ys, 0.0, n])
    calls["penalised"] = ("fit-newton", [cancer.rows, cancer.ys, 1.0, PENALISED_ITERATIONS])
    calls["iris"] = ("fit-softmax", [iris.rows, iris.ys, 3, 1.0, IRIS_ITERATIONS])
    with Languages(timeout=600) as langs:
        outcomes = langs.call_many(list(calls.values()))
    return dict(zip(calls, outcomes))


def assert_identical(outcomes: dict):
    (first, a), *rest = outcomes.items()
    for lang, b in rest:
        assert identical(a, b), f"{lang} differs from {first}: {b!r} vs {a!r}"


def coefficients(model) -> list:
    return [*model[0], model[1]]


# ---------------------------------------------------------------- the data, as loaded

def test_the_shipped_data_sets(spector, cancer, iris):
    assert datasets.names() == ["spector", "breast-cancer", "iris"]
    assert iris.shape == (150, 4) and iris.model == "softmax" and datasets.classes(iris) == 3
    assert iris.class_names == ["setosa", "versicolor", "virginica"]
    assert [iris.ys.count(c) for c in range(3)] == [50, 50, 50] and iris.rows[0] == [5.1, 3.5, 1.4, 0.2]
    assert spector.model == cancer.model == "logistic"
    assert spector.shape == (32, 3) and spector.feature_names == ["GPA", "TUCE", "PSI"]
    assert sum(spector.ys) == 11 and set(spector.ys) == {0, 1}
    assert spector.rows[0] == [2.66, 20.0, 0.0]
    assert cancer.shape == (569, 30) and sum(cancer.ys) == 357  # 357 benign (1), 212 malignant (0)
    assert all(type(v) is float for row in cancer.rows for v in row)
    assert all(type(y) is int for y in (*spector.ys, *cancer.ys))
    z = np.array(cancer.rows)
    assert np.allclose(z.mean(axis=0), 0, atol=1e-14) and np.allclose(z.std(axis=0), 1, rtol=1e-14)
    assert "population standard deviation" in cancer.description
    assert spector.published["bias"] == "-13.021" and cancer.published is None
    with pytest.raises(Exception):
        spector.name = "other"  # frozen


# ---------------------------------------------------------------- (a) a published result

def rounds_to(value: float, published: str) -> bool:
    """True when value, rounded to the digits the table prints, is the printed number."""
    return Decimal(repr(value)).quantize(Decimal(published), ROUND_HALF_EVEN) == Decimal(published)


def statsmodels_spector(spector):
    import statsmodels.api as sm

    x = sm.add_constant(np.array(spector.rows), prepend=False)
    return sm.Logit(np.array(spector.ys, dtype=float), x).fit(method="newton", tol=1e-12, disp=0)


def test_spector_is_identical_in_every_language(fits):
    assert_identical(fits["spector"])


def test_spector_reproduces_the_published_table(fits, spector):
    published = spector.published
    names = [*spector.feature_names, "bias"]
    printed = [*(published["weights"][n] for n in spector.feature_names), published["bias"]]
    for lang, model in fits["spector"].items():
        for name, value, table in zip(names, coefficients(model), printed, strict=True):
            assert rounds_to(value, table), f"{lang}: {name} = {value!r} does not round to {table}"


def test_spector_matches_statsmodels_logit(fits, spector):
    sm_fit = statsmodels_spector(spector)
    assert sm_fit.mle_retvals["converged"]
    want = [float(p) for p in sm_fit.params]
    for lang, model in fits["spector"].items():
        for got, ref in zip(coefficients(model), want, strict=True):
            assert math.isclose(got, ref, rel_tol=1e-8, abs_tol=0), f"{lang}: {got!r} vs statsmodels {ref!r}"
    # and triglot's reference is that fit
    ref_model, label = datasets.reference(spector, 0)
    assert coefficients(ref_model) == want and label.startswith("statsmodels") and "Logit" in label


def test_spector_log_likelihood(fits, spector):
    sm_llf = float(statsmodels_spector(spector).llf)
    for lang, model in fits["spector"].items():
        llf = datasets.log_likelihood(spector, model)
        assert rounds_to(llf, spector.published["log_likelihood"]), f"{lang}: log L = {llf!r}"
        assert math.isclose(llf, sm_llf, rel_tol=1e-8), f"{lang}: log L = {llf!r}, statsmodels {sm_llf!r}"


def test_log_likelihood_is_minus_the_summed_cross_entropy(fits, spector):
    """The mpmath log-likelihood agrees with −Σ L(yᵢ, σ(w·xᵢ + b)) summed in Python."""
    python = python_runner()
    w, b = fits["spector"]["python"]
    summed = -math.fsum(python.call("cross-entropy-from-logit", [y, python.call("dot", [w, row]) + b])
                        for row, y in zip(spector.rows, spector.ys))
    assert math.isclose(summed, datasets.log_likelihood(spector, [w, b]), rel_tol=1e-14)


# ---------------------------------------------------------------- (b) separable: no MLE

def test_separable_fits_are_identical_and_finite(fits):
    for n in SEPARABLE_ITERATIONS:
        outcomes = fits[("separable", n)]
        assert_identical(outcomes)
        assert all(map(math.isfinite, coefficients(outcomes["python"]))), n


def test_without_a_penalty_the_weights_grow_and_the_loss_falls_towards_0(fits, cancer):
    """No finite minimiser: each Newton step pushes the weights further along the
    separating direction, and the mean loss keeps falling towards its infimum, 0."""
    norms, losses = [], []
    for n in SEPARABLE_ITERATIONS:
        model = fits[("separable", n)]["python"]
        norms.append(math.hypot(*model[0]))
        losses.append(datasets.mean_loss(cancer, model))
    assert all(a < b for a, b in zip(norms, norms[1:])), norms
    assert all(a > b for a, b in zip(losses, losses[1:])), losses
    assert norms[-1] > 10_000, "the weights run into the thousands"
    assert losses[-1] < 1e-9, "the loss is all but 0"
    w, b = fits[("separable", SEPARABLE_ITERATIONS[-1])]["python"]
    margins = [(2 * y - 1) * (sum(wi * xi for wi, xi in zip(w, row)) + b)
               for row, y in zip(cancer.rows, cancer.ys)]
    assert min(margins) > 0, "every example is on its side of the hyperplane: the classes are separable"


def test_newton_ends_on_a_singular_hessian(fits):
    """Once σ rounds to exactly 0 or 1 for nearly every example, p̂(1 − p̂) = 0 and the
    Hessian is singular: Python divides by zero, Scheme gets NaN (note division-by-zero)."""
    outcomes = fits[("separable", BREAKDOWN)]
    for lang in ("python", "hy"):
        assert isinstance(outcomes[lang], Error) and outcomes[lang].kind == "ZeroDivisionError", outcomes[lang]
    scheme = outcomes["scheme/guile"]
    assert not isinstance(scheme, Error), scheme
    assert all(math.isnan(v) for v in coefficients(scheme))


def test_statsmodels_logit_stops_on_a_singular_matrix(cancer):
    import statsmodels.api as sm

    x = sm.add_constant(np.array(cancer.rows), prepend=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow in exp on the way
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            sm.Logit(np.array(cancer.ys, dtype=float), x).fit(method="newton", tol=1e-12, disp=0)
    with pytest.raises(datasets.ReferenceFailed, match="Singular matrix"):
        datasets.reference(cancer, 0)


def test_sklearn_without_a_penalty_lets_the_weights_run_into_the_thousands(cancer):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = LogisticRegression(C=math.inf, solver=datasets.sklearn_solver(), tol=1e-12, max_iter=1000)
        clf.fit(np.array(cancer.rows), np.array(cancer.ys))
    assert np.abs(clf.coef_).max() > 1000
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)


# ---------------------------------------------------------------- (c) L2 penalty

def test_penalised_fit_is_identical_in_every_language(fits):
    assert_identical(fits["penalised"])


def test_penalised_fit_matches_sklearn(fits, cancer):
    ref, label = datasets.reference(cancer, 1.0)
    assert "LogisticRegression(C=1," in label and datasets.sklearn_solver() in label
    for lang, model in fits["penalised"].items():
        for k, (got, want) in enumerate(zip(coefficients(model), coefficients(ref), strict=True)):
            assert math.isclose(got, want, rel_tol=1e-6, abs_tol=0), f"{lang}: coefficient {k}: {got!r} vs {want!r}"
        assert datasets.max_relative_difference(model, ref) < 1e-6


# ---------------------------------------------------------------- (d) three classes: iris

def sklearn_iris(iris):
    """scikit-learn's multinomial LogisticRegression(C = 1), asked here directly (not through
    triglot's datasets module): newton-cg to 10⁻¹², then its intercepts centred."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=1000)
    clf.fit(np.array(iris.rows), np.array(iris.ys))
    intercepts = clf.intercept_ - clf.intercept_.mean()
    return [*clf.coef_.ravel().tolist(), *intercepts.tolist()]


def softmax_coefficients(model) -> list:
    return [w for ws in model[0] for w in ws] + list(model[1])


def test_iris_is_identical_in_every_language(fits):
    assert_identical(fits["iris"])


def test_iris_matches_sklearn_to_six_significant_digits_in_every_language(fits, iris):
    """Each language on its own, each coefficient: a language that drifts fails here by name."""
    want = sklearn_iris(iris)
    for lang, model in fits["iris"].items():
        got = softmax_coefficients(model)
        assert len(got) == len(want) == 15, lang
        for k, (a, r) in enumerate(zip(got, want, strict=True)):
            assert math.isclose(a, r, rel_tol=1e-6, abs_tol=0), f"{lang}: coefficient {k}: {a!r} vs {r!r}"
    ref, label = datasets.softmax_reference(iris, 1.0)
    assert softmax_coefficients(ref) == pytest.approx(want, rel=1e-9) and "multinomial" in label
    assert all(datasets.max_relative_difference(m, ref) < 1e-6 for m in fits["iris"].values())


def test_iris_fit_is_centred_and_converged(fits, iris):
    model = fits["iris"]["python"]
    assert abs(math.fsum(model[1])) < 1e-13 and all(abs(math.fsum(col)) < 1e-13 for col in zip(*model[0]))
    assert datasets.softmax_gradient_norm(iris, model, 1.0) < 1e-12
    assert datasets.softmax_log_likelihood(iris, model) == pytest.approx(-17.9455, abs=1e-4)
