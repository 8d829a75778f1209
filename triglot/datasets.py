"""Real data sets for the k-feature logistic regression and the k-class softmax
regression, and their reference fits.

The shipped data sets come from Python packages that are installed with
triglot (statsmodels, scikit-learn); nothing is downloaded.  They are loaded
here, in Python, and handed to every language as data: rows of floats and
labels, 0/1 for two classes, 0 … k − 1 for k.

    names()                    the shipped data sets
    load(name)                 one of them, as a Dataset (its `model`: logistic or softmax)
    load_csv(path, label)      a CSV file with a header row and a 0/1 label column
    reference(dataset, λ)      the fit of a trusted library: ([weights, bias], label)
    softmax_reference(d, λ)    the same for k classes: ([W, b], label), intercepts centred
    log_likelihood(dataset, m) Σ log p̂ᵢ (of the right class), computed with mpmath

A penalty λ means the objective Σ L(yᵢ, σ(w·xᵢ + b)) + (λ/2)‖w‖², bias
unpenalised, which is scikit-learn's C·Σ L + ½‖w‖² with C = 1/λ; for k classes
Σ −log softmax(Wxᵢ + b)_yᵢ + (λ/2)‖W‖², intercepts unpenalised.
"""
from __future__ import annotations

import csv
import math
import warnings
from dataclasses import dataclass
from functools import cache


class BadData(ValueError):
    """A data set that cannot be used: the message names the file and the line."""


class ReferenceFailed(RuntimeError):
    """The reference library found no fit (for example: separable classes, no MLE)."""

    def __init__(self, message: str, label: str = ""):
        super().__init__(message)
        self.label = label  # which reference failed


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    source: str
    feature_names: list      # one name per column of rows
    rows: list               # list of lists of float
    ys: list                 # list of int: 0 or 1, or a class 0 … k − 1
    published: dict | None = None
    class_names: list | None = None   # one name per class, for more than two classes
    model: str = "logistic"           # the model the data set is fitted with: logistic or softmax

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.feature_names)


# ---------------------------------------------------------------- shipped

SPECTOR_PUBLISHED = {
    # As printed (text, so that the digits shown are kept): the logit estimates
    # for the Spector and Mazzeo data in Greene's Econometric Analysis.
    "weights": {"GPA": "2.826", "TUCE": "0.0952", "PSI": "2.379"},
    "bias": "-13.021",
    "log_likelihood": "-12.890",
    "citation": ("Spector, L. and Mazzeo, M. (1980), Probit analysis and economic education, "
                 "Journal of Economic Education 11, 37-44; logit estimates as tabulated in "
                 "W. H. Greene, Econometric Analysis"),
}


def _spector() -> Dataset:
    from statsmodels.datasets import spector

    data = spector.load_pandas()
    exog, endog = data.exog, data.endog
    return Dataset(
        name="spector",
        description=("Spector and Mazzeo (1980): did a student's grade improve (GRADE = 1) after "
                     "the personalised system of instruction? 32 students; features GPA, TUCE "
                     "(economics test score) and PSI (took part in the programme), unscaled"),
        source="statsmodels.datasets.spector (Greene, Econometric Analysis)",
        feature_names=[str(c) for c in exog.columns],
        rows=[[float(v) for v in row] for row in exog.itertuples(index=False)],
        ys=[_label(v) for v in endog],
        published=SPECTOR_PUBLISHED,
    )


def _breast_cancer() -> Dataset:
    import numpy as np
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    x = np.asarray(bunch.data, dtype=float)
    z = (x - x.mean(axis=0)) / x.std(axis=0)  # numpy's std is the population one (ddof=0)
    return Dataset(
        name="breast-cancer",
        description=("Wisconsin diagnostic breast cancer: is a tumour benign (1) or malignant (0)? "
                     "569 tumours × 30 features, standardised: each column minus its mean, divided "
                     "by its population standard deviation (numpy). The classes are linearly "
                     "separable, so the unpenalised MLE does not exist"),
        source="sklearn.datasets.load_breast_cancer (UCI, Wolberg, Street and Mangasarian)",
        feature_names=[str(f) for f in bunch.feature_names],
        rows=z.tolist(),
        ys=[_label(v) for v in bunch.target],
    )


def _iris() -> Dataset:
    from sklearn.datasets import load_iris

    bunch = load_iris()
    return Dataset(
        name="iris",
        description=("Fisher's irises (1936): is a flower setosa (0), versicolor (1) or virginica (2)? "
                     "150 flowers, 50 of each species, × 4 features: the length and width of sepal and "
                     "petal in cm, unscaled. Setosa is separable from the other two, so without a penalty "
                     "the maximum-likelihood estimate does not exist"),
        source="sklearn.datasets.load_iris (R. A. Fisher, Annals of Eugenics 7, 1936; UCI)",
        feature_names=[str(f) for f in bunch.feature_names],
        rows=[[float(v) for v in row] for row in bunch.data],
        ys=[int(v) for v in bunch.target],
        class_names=[str(c) for c in bunch.target_names],
        model="softmax",
    )


_SHIPPED = {"spector": _spector, "breast-cancer": _breast_cancer, "iris": _iris}


def names() -> list[str]:
    """Return the names of the shipped data sets."""
    return list(_SHIPPED)


@cache
def load(name: str) -> Dataset:
    """Return a shipped data set by name."""
    if name not in _SHIPPED:
        raise BadData(f"unknown data set {name!r}; shipped: {', '.join(_SHIPPED)} (or give a CSV file)")
    return _SHIPPED[name]()


def _label(v) -> int:
    if v not in (0, 1):
        raise BadData(f"label {v!r} is not 0 or 1")
    return int(v)


# ---------------------------------------------------------------- CSV

def load_csv(path, label: str | None = None) -> Dataset:
    """Return the data set in a CSV file: a header row naming the columns, then one
    row of numbers per example.  `label` names the 0/1 column (default: the last
    one); every other column is a feature.  Blank lines are skipped."""
    where = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            lines = list(enumerate(csv.reader(f), 1))
    except FileNotFoundError:
        raise BadData(f"{where}: no such file") from None
    except IsADirectoryError:
        raise BadData(f"{where}: is a directory, not a CSV file") from None
    except UnicodeDecodeError as e:
        raise BadData(f"{where}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except csv.Error as e:
        raise BadData(f"{where}: not CSV: {e}") from None
    except OSError as e:
        raise BadData(f"{where}: cannot read: {e.strerror}") from None
    lines = [(n, cells) for n, cells in lines if any(c.strip() for c in cells)]
    if not lines:
        raise BadData(f"{where}, line 1: empty file; expected a header row naming the columns")
    n, header = lines[0]
    header = [h.strip() for h in header]
    if all(_number(h) is not None for h in header):
        raise BadData(f"{where}, line {n}: no header row: the first line holds numbers "
                      f"({','.join(header)}), not column names")
    for k, h in enumerate(header, 1):
        if not h:
            raise BadData(f"{where}, line {n}: column {k} has no name")
        if header.index(h) != k - 1:
            raise BadData(f"{where}, line {n}: two columns are called {h!r}")
    if label is None:
        label = header[-1]
    if label not in header:
        raise BadData(f"{where}, line {n}: no column called {label!r} for the label; "
                      f"columns: {', '.join(header)}")
    if len(header) < 2:
        raise BadData(f"{where}, line {n}: only the label column {label!r}; no feature columns")
    at = header.index(label)
    rows, ys = [], []
    for n, cells in lines[1:]:
        if len(cells) != len(header):
            raise BadData(f"{where}, line {n}: {len(cells)} cells, expected {len(header)} "
                          f"(as in the header)")
        values = []
        for name, cell in zip(header, cells):
            v = _number(cell)
            if v is None or not math.isfinite(v):
                raise BadData(f"{where}, line {n}: column {name!r}: {cell.strip()!r} is not a finite number")
            values.append(v)
        y = values.pop(at)
        if y not in (0.0, 1.0):
            raise BadData(f"{where}, line {n}: the label {label!r} is {cells[at].strip()!r}; it must be 0 or 1")
        rows.append(values)
        ys.append(int(y))
    if not rows:
        raise BadData(f"{where}, line {lines[0][0]}: a header but no rows of data")
    if len(rows) < 2:
        raise BadData(f"{where}: one row of data; a fit needs at least two rows, of both classes")
    if len(set(ys)) < 2:
        raise BadData(f"{where}: every label {label!r} is {ys[0]}; a fit needs examples of both classes "
                      "(with one class the weights grow without bound)")
    features = header[:at] + header[at + 1:]
    return Dataset(name=where, description=f"{len(rows)} rows from {where}; label {label!r}",
                   source=where, feature_names=features, rows=rows, ys=ys)


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


# ---------------------------------------------------------------- references

def reference(dataset: Dataset, penalty: float = 0.0) -> tuple[list, str]:
    """Return ([weights, bias], label): the fit of a trusted library on `dataset`.

    penalty == 0: statsmodels' Logit, Newton's method, tol 1e-12 (the MLE).
    penalty > 0: scikit-learn's LogisticRegression with C = 1/penalty (L2 on the
    weights only, as here), its Newton solver, tol 1e-12.
    Raises ReferenceFailed when the library finds no fit.
    """
    if not (penalty >= 0 and math.isfinite(penalty)):
        raise ValueError(f"the penalty must be a finite number ≥ 0, not {penalty!r}")
    return _statsmodels_fit(dataset) if penalty == 0 else _sklearn_fit(dataset, penalty)


def _statsmodels_fit(dataset: Dataset) -> tuple[list, str]:
    import numpy as np
    import statsmodels
    import statsmodels.api as sm

    label = f"statsmodels {statsmodels.__version__} Logit (newton, tol 1e-12)"
    x = sm.add_constant(np.asarray(dataset.rows, dtype=float), prepend=False, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # overflow in exp on the way to a failure: reported below
        try:
            fit = sm.Logit(np.asarray(dataset.ys, dtype=float), x).fit(
                method="newton", tol=1e-12, maxiter=100, disp=0)
        except Exception as e:  # LinAlgError (singular Hessian), PerfectSeparationError, …
            raise ReferenceFailed(f"{label} found no maximum-likelihood estimate: "
                                  f"{type(e).__name__}: {e} (for separable classes none exists; "
                                  "a penalty λ > 0 gives one)", label) from e
    params = [float(p) for p in fit.params]
    if not fit.mle_retvals.get("converged", False) or not all(map(math.isfinite, params)):
        raise ReferenceFailed(f"{label} did not converge (for separable classes no "
                              "maximum-likelihood estimate exists; a penalty λ > 0 gives one)", label)
    return [params[:-1], params[-1]], label


def sklearn_solver() -> str:
    """Return scikit-learn's Newton solver: newton-cholesky (1.2 and later), else newton-cg."""
    import sklearn

    major, minor = (int("".join(c for c in part if c.isdigit()) or 0)
                    for part in sklearn.__version__.split(".")[:2])
    return "newton-cholesky" if (major, minor) >= (1, 2) else "newton-cg"


def _sklearn_fit(dataset: Dataset, penalty: float) -> tuple[list, str]:
    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    solver = sklearn_solver()
    c = 1 / penalty
    label = f"scikit-learn {sklearn.__version__} LogisticRegression(C={c:g}, {solver}, tol 1e-12)"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            clf = LogisticRegression(C=c, solver=solver, tol=1e-12, max_iter=1000)
            clf.fit(np.asarray(dataset.rows, dtype=float), np.asarray(dataset.ys))
        except (ConvergenceWarning, ValueError, ArithmeticError) as e:
            raise ReferenceFailed(f"{label} found no fit: {e}", label) from e
    return [[float(w) for w in clf.coef_[0]], float(clf.intercept_[0])], label


def classes(dataset: Dataset) -> int:
    """Return the number of classes: the names given, or the largest label + 1."""
    return len(dataset.class_names) if dataset.class_names else max(dataset.ys) + 1


def softmax_reference(dataset: Dataset, penalty: float) -> tuple[list, str]:
    """Return ([W, b], label): scikit-learn's multinomial LogisticRegression with C = 1/λ (L2 on
    the weights only, as here), newton-cg, tol 10⁻¹², its intercepts centred (Σ_c b_c = 0).
    Raises ReferenceFailed when it finds no fit (λ = 0 on separable classes)."""
    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    if not (penalty > 0 and math.isfinite(penalty)):
        raise ReferenceFailed("scikit-learn's LogisticRegression is run with a penalty λ > 0 only (C = 1/λ)",
                              "scikit-learn LogisticRegression")
    # Two classes: scikit-learn fits the one vector w = w₁ − w₀ with C·Σ L + ½‖w‖²; centred, the
    # classes' weights are ±w/2, and (λ/2)(‖w₀‖² + ‖w₁‖²) = (λ/4)‖w‖², so C = 2/λ.
    two = classes(dataset) == 2
    c = (2 if two else 1) / penalty
    label = (f"scikit-learn {sklearn.__version__} LogisticRegression(C={c:g}, newton-cg, tol 1e-12), "
             + ("two classes: ±w/2" if two else "multinomial"))
    y = np.asarray(dataset.ys)
    if len(set(dataset.ys)) != classes(dataset):
        raise ReferenceFailed(f"{label} needs examples of every one of the {classes(dataset)} classes", label)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", FutureWarning)
        try:
            clf = LogisticRegression(C=c, solver="newton-cg", tol=1e-12, max_iter=1000)
            clf.fit(np.asarray(dataset.rows, dtype=float), y)
        except (ConvergenceWarning, ValueError, ArithmeticError) as e:
            raise ReferenceFailed(f"{label} found no fit: {e}", label) from e
    coef, intercept = np.asarray(clf.coef_, dtype=float), np.asarray(clf.intercept_, dtype=float)
    if coef.shape[0] == 1:  # two classes: scikit-learn keeps one row, w = w₁ − w₀; centred, ±w/2
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
    intercept = intercept - intercept.mean()
    return [coef.tolist(), [float(b) for b in intercept]], label


def softmax_log_likelihood(dataset: Dataset, model) -> float:
    """Return log L = Σ log softmax(W·xᵢ + b)_yᵢ for model [W, b], with mpmath, rounded once."""
    import mpmath

    weights, intercepts = model
    with mpmath.workprec(256):
        total = mpmath.mpf(0)
        for row, y in zip(dataset.rows, dataset.ys, strict=True):
            z = [mpmath.fsum([mpmath.mpf(w) * mpmath.mpf(x) for w, x in zip(ws, row, strict=True)] + [mpmath.mpf(b)])
                 for ws, b in zip(weights, intercepts, strict=True)]
            top = max(z)
            total += z[y] - top - mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in z))
        return float(total)


def softmax_gradient_norm(dataset: Dataset, model, penalty: float) -> float:
    """Return ‖∇‖ of the mean penalised loss (1/n)(Σ −log softmax + (λ/2)‖W‖²) at [W, b] (NumPy)."""
    import numpy as np

    x = np.asarray(dataset.rows, dtype=float)
    w, b = np.asarray(model[0], dtype=float), np.asarray(model[1], dtype=float)
    z = x @ w.T + b
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    r = p - np.eye(len(b))[np.asarray(dataset.ys)]
    g = np.concatenate([(r.T @ x + penalty * w).ravel(), r.sum(axis=0)]) / len(dataset.rows)
    return float(np.linalg.norm(g))


REFERENCE_LIMIT = 10_000_000_000  # floating-point operations a Newton step of the reference may take


def reference_cost(dataset: Dataset) -> int:
    """Return the work of one Newton step of the reference: the Hessian, n·k², and its solve, k³."""
    k = len(dataset.feature_names) + 1
    return len(dataset.rows) * k ** 2 + k ** 3


def gradient_norm(dataset: Dataset, model, penalty: float = 0.0) -> float:
    """Return ‖∇‖ of the mean penalised loss (1/n)(Σ L + (λ/2)‖w‖²) at model [weights, bias]:
    about 0 at the optimum (NumPy, in doubles)."""
    import numpy as np

    x = np.asarray(dataset.rows, dtype=float)
    w, b = np.asarray(model[0], dtype=float), float(model[1])
    with np.errstate(over="ignore"):
        p = 1 / (1 + np.exp(-(x @ w + b)))
    r = p - np.asarray(dataset.ys, dtype=float)
    g = np.append(x.T @ r + penalty * w, r.sum()) / len(dataset.rows)
    return float(np.linalg.norm(g))


# ---------------------------------------------------------------- the fit's quality

def log_likelihood(dataset: Dataset, model) -> float:
    """Return log L = Σ log p̂ᵢ(yᵢ) = −Σ L(yᵢ, σ(w·xᵢ + b)) for model [weights, bias],
    computed with mpmath from the exact values of the doubles, rounded once."""
    import mpmath

    weights, bias = model
    with mpmath.workprec(256):
        total = mpmath.mpf(0)
        for row, y in zip(dataset.rows, dataset.ys, strict=True):
            z = mpmath.fsum([mpmath.mpf(w) * mpmath.mpf(x) for w, x in zip(weights, row, strict=True)]
                            + [mpmath.mpf(bias)])
            total -= mpmath.log1p(mpmath.exp(-z if y == 1 else z))
        return float(total)


def mean_loss(dataset: Dataset, model) -> float:
    """Return the mean cross-entropy (1/n) Σ L(yᵢ, σ(w·xᵢ + b)) = −log L / n."""
    return -log_likelihood(dataset, model) / len(dataset.rows)


def _coefficients(model) -> list:
    """Every number of a model, [weights, bias] or [W, b], in one list."""
    return [x for part in model for x in (_coefficients(part) if isinstance(part, list) else [part])]


def max_relative_difference(model, ref) -> float:
    """Return the largest |a − r| / |r| over the coefficients (|a − r| where r = 0)."""
    got, want = _coefficients(model), _coefficients(ref)
    return max(abs(a - r) / abs(r) if r else abs(a - r) for a, r in zip(got, want, strict=True))
