"""Information, softmax and softmax regression: the identities that tie them to each other and
to the seed's logistic regression, checked in every language.

- cross-entropy = entropy + KL divergence: the seed's L(y, p) is H(y, 1 − y) plus
  D((y, 1 − y) ‖ (p, 1 − p)), within the sum of the three computations' derived bounds;
- softmax(z, 0) = (σ(z), 1 − σ(z)): the bridge cases' exact values are the sigmoid's, and
  softmax-cross-entropy of (z 0) is the seed's cross-entropy from the logit;
- two classes: fit-softmax is fit-newton with half the penalty, iterate for iterate;
- fit-softmax returns a centred model: Σ_c b_c = 0 and Σ_c w_c = 0, to rounding;
- a negative label: Python counts from the end, Guile gives no value (note negative-index).
"""
import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triglot import cases, oracle
from triglot.compare import ulp_of
from triglot.values import Error

LANGUAGES = ("python", "hy", "scheme/guile")
U = 2.0 ** -53


def tracked_cross_entropy(y, p):
    """The seed's −[y log p + (1 − y) log(1 − p)] as the code computes it, with its error bound.
    1 − y and 1 − p are the doubles the code computes (and the test hands to H and D), so the
    exact value is −[y log p + ȳ log q̄] with ȳ, q̄ those doubles."""
    y, p, rest, q = (oracle.Tracked.argument(v) for v in (y, p, 1 - y, 1 - p))
    total = oracle.t_add(oracle.t_mul(y, oracle.t_log(p)), oracle.t_mul(rest, oracle.t_log(q)))
    return oracle.Tracked(-total.value, total.error)


def absolute_bound(name, args) -> mpmath.mpf:
    """A bound on |computed − exact| for one call, from its derived ULP bound."""
    with mpmath.workprec(256):
        exact = oracle.value(name, args)
        return oracle.information_bound(name, args) * ulp_of(exact)


# y and p away from 0 and 1 by at least 2⁻²⁰, so that every log is finite
INTERIOR = st.floats(2.0 ** -20, 1 - 2.0 ** -20)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(INTERIOR, INTERIOR), min_size=10, max_size=10))
def test_cross_entropy_is_entropy_plus_kl_divergence(languages, points):
    """L(y, p) = H((y, 1 − y)) + D((y, 1 − y) ‖ (p, 1 − p)) in every language: the three computed
    values are each within their derived bound of the exact ones, and the exact ones agree."""
    calls = []
    for y, p in points:
        ps, qs = [y, 1 - y], [p, 1 - p]  # the doubles the seed's formula uses for 1 − y and 1 − p
        calls += [("cross-entropy", [y, p]), ("entropy", [ps]), ("kl-divergence", [ps, qs])]
    results = languages.call_many(calls)
    for k, (y, p) in enumerate(points):
        ce, h, kl = results[3 * k: 3 * k + 3]
        ps, qs = [y, 1 - y], [p, 1 - p]
        with mpmath.workprec(256):
            seed = tracked_cross_entropy(y, p)
            exact_h, exact_kl = oracle.value("entropy", [ps]), oracle.value("kl-divergence", [ps, qs])
            assert abs(seed.value - (exact_h + exact_kl)) < mpmath.mpf(10) ** -70, "the identity, exactly"
            tolerance = (seed.error + absolute_bound("entropy", [ps]) + absolute_bound("kl-divergence", [ps, qs])
                         + ulp_of(exact_h + exact_kl))  # + the rounding of H + D
            for lang in LANGUAGES:
                gap = abs(mpmath.mpf(ce[lang]) - (mpmath.mpf(h[lang]) + mpmath.mpf(kl[lang])))
                assert gap <= tolerance, (lang, y, p, ce[lang], h[lang], kl[lang], float(tolerance))


def test_the_identity_can_fail():
    """The comparison is not vacuous: with 1 − p replaced by 1 − p/2, H + D is far from L."""
    y, p = 0.3, 0.4
    with mpmath.workprec(256):
        h = oracle.value("entropy", [[y, 1 - y]])
        wrong = oracle.value("kl-divergence", [[y, 1 - y], [p, 1 - p / 2]])
        assert abs(tracked_cross_entropy(y, p).value - (h + wrong)) > 1e-3


# ---------------------------------------------------------------- softmax(z, 0) = (σ(z), 1 − σ(z))

def test_the_bridge_cases_are_the_sigmoid():
    """Every softmax case of two logits (z, 0) expects (σ(z), 1 − σ(z)): the same 40 digits."""
    bridge = [c for c in cases.all_cases() if c.property == "softmax" and len(c.args[0]) == 2
              and c.args[0][1] == 0 and math.isfinite(c.args[0][0])]
    assert len(bridge) >= 5
    for c in bridge:
        z = c.args[0][0]
        with mpmath.workprec(256):
            sigma = oracle.value("sigmoid", [z])
            assert c.expected == [oracle.text(sigma), oracle.text(1 - sigma)], c.description


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-700, 700), min_size=10, max_size=10))
def test_softmax_of_z_and_0_is_sigma_in_every_language(languages, zs):
    """softmax(z, 0)₀ is within its derived bound of the exact σ(z), and so is stable-sigmoid within 3
    ULP: two roundings of the same number; and softmax-cross-entropy(0, (z 0)) is −log σ(z), the
    seed's cross-entropy from the logit with y = 1, within both bounds."""
    calls = [c for z in zs for c in (("softmax", [[z, 0.0]]), ("softmax-cross-entropy", [0, [z, 0.0]]),
                                     ("cross-entropy-from-logit", [1, z]))]
    results = languages.call_many(calls)
    for k, z in enumerate(zs):
        soft, sce, seed = results[3 * k: 3 * k + 3]
        with mpmath.workprec(256):
            sigma, loss = oracle.value("sigmoid", [z]), oracle.value("cross-entropy-from-logit", [1, z])
            soft_bound = oracle.softmax_bound("softmax", [[z, 0.0]]) * ulp_of(sigma)
            sce_bound = oracle.softmax_bound("softmax-cross-entropy", [0, [z, 0.0]]) * ulp_of(loss)
            for lang in LANGUAGES:
                assert abs(mpmath.mpf(soft[lang][0]) - sigma) <= soft_bound, (lang, z, soft[lang])
                assert abs(mpmath.mpf(sce[lang]) - loss) <= sce_bound, (lang, z, sce[lang])
                assert abs(mpmath.mpf(sce[lang]) - mpmath.mpf(seed[lang])) <= sce_bound + 2 * ulp_of(loss)


# ---------------------------------------------------------------- softmax regression

ROWS = [[1.2, 0.5], [-0.3, 1.0], [0.7, -1.1], [-1.9, 0.2], [2.4, -0.4], [0.1, 0.9], [0.4, 0.4]]
LABELS = [1, 0, 0, 0, 1, 1, 0]


@pytest.mark.parametrize("iterations", [1, 3, 10])
def test_two_classes_are_fit_newton_with_half_the_penalty(languages, iterations):
    """With classes c = 0, 1 and w = w₁ − w₀, the two-class model is logistic regression, and the
    centred w₀ = −w₁ turns (λ/2)(‖w₀‖² + ‖w₁‖²) into (λ/4)‖w‖²: fit-newton with λ/2.  Newton's
    method does not care how a model is written, so the exact iterates agree at every step; the
    languages, running two different algorithms, agree to rounding."""
    penalty = 1.0
    with mpmath.workprec(256):
        (w0, w1), (b0, b1) = oracle.value("fit-softmax", [ROWS, LABELS, 2, penalty, iterations])
        w, b = oracle.value("fit-newton", [ROWS, LABELS, penalty / 2, iterations])
        for got, want in zip([*[x - y for x, y in zip(w1, w0)], b1 - b0], [*w, b]):
            assert abs(got - want) < mpmath.mpf(10) ** -60
    softmax, newton = languages.call_many([("fit-softmax", [ROWS, LABELS, 2, penalty, iterations]),
                                           ("fit-newton", [ROWS, LABELS, penalty / 2, iterations])])
    for lang in LANGUAGES:
        (w0, w1), (b0, b1) = softmax[lang]
        w, b = newton[lang]
        for got, want in zip([*[x - y for x, y in zip(w1, w0)], b1 - b0], [*w, b]):
            assert math.isclose(got, want, rel_tol=1e-12), (lang, got, want)


def test_fitted_models_are_centred(languages):
    """Σ_c b_c = 0 and Σ_c w_c = 0 in every language, to within the rounding of the terms."""
    data = [c for c in cases.all_cases() if c.property == "fit-softmax" and not c.outcomes]
    assert len(data) >= 10
    for c, outcomes in zip(data, languages.call_many([(c.property, c.args) for c in data])):
        for lang in LANGUAGES:
            weights, intercepts = outcomes[lang]
            for column in [*zip(*weights), intercepts]:
                assert abs(math.fsum(column)) <= 4 * U * sum(map(abs, column)), (c.description, lang, column)


# ---------------------------------------------------------------- a negative label

def test_a_negative_label_counts_from_the_end_in_python_only(languages):
    """Python's zs[-1] is the last logit, so label −1 is the last class's loss; Scheme's (list-ref zs -1)
    is an error (R7RS), and Guile 3.0.8 gives no value: a crash or an out-of-range error."""
    zs = [1.0, 2.0, 3.0]
    negative, last = languages.call_many([("softmax-cross-entropy", [-1, zs]), ("softmax-cross-entropy", [2, zs])])
    for lang in ("python", "hy"):
        assert negative[lang] == last[lang]
    guile = negative["scheme/guile"]
    assert isinstance(guile, Error) and (guile.runner or guile.kind == "out-of-range"), guile
    assert languages.call("softmax-cross-entropy", [2, zs])["scheme/guile"] == last["scheme/guile"], \
        "Guile answers again after the crash"


def test_every_case_of_the_three_concepts_ran_in_every_language(case_results):
    """115 cases: each function has its cases, and each case an outcome and a verdict in all three."""
    names = {"entropy", "kl-divergence", "softmax", "log-sum-exp", "softmax-cross-entropy", "fit-softmax"}
    mine = [r for r in case_results.values() if r.case.property in names]
    counts = {name: sum(r.case.property == name for r in mine) for name in names}
    assert all(n >= 12 for n in counts.values()) and sum(counts.values()) >= 115, counts
    for r in mine:
        assert sorted(r.outcomes) == sorted(LANGUAGES), r.case.uuid
        assert all(j.ok for j in r.judgements.values()), (r.case.description, r.judgements)
