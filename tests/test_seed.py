"""The seed page's claims, made executable (and corrected where they are not quite true)."""
import math
from pathlib import Path

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triglot.compare import identical, ulp_error
from triglot.scheme import SchemeRunner
from triglot.values import Error

PRIMITIVES = Path(__file__).resolve().parent / "scheme" / "primitives.scm"
EXP_MAX = 709.782712893384  # the largest double z with e^z below the largest double


@pytest.fixture(scope="module")
def scheme():
    with SchemeRunner(extra_sources=[PRIMITIVES], extra_functions=["scheme-exp"]) as runner:
        yield runner


def python_exp(z):
    try:
        return math.exp(z)
    except OverflowError as e:
        return Error("OverflowError", str(e))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-800, EXP_MAX), min_size=50, max_size=50))
def test_exp_is_the_same_function_for_ordinary_inputs(scheme, zs):
    """“Scheme's (exp z) maps directly to Python's math.exp(z) — same function, same
    numerical behavior”: true, bit for bit, for every z up to ln(max double)."""
    for z, got in zip(zs, scheme.call_many([("scheme-exp", [z]) for z in zs])):
        assert identical(got, math.exp(z)), (z, got, math.exp(z))


@pytest.mark.parametrize("z", [709.7827128933841, 710.0, 1000.0, 1e308])
def test_exp_is_not_the_same_at_the_edge(scheme, z):
    """…and false past it: Python raises OverflowError, Scheme returns +inf.0 (note exp-overflow)."""
    assert isinstance(python_exp(z), Error) and python_exp(z).kind == "OverflowError"
    assert identical(scheme.call("scheme-exp", [z]), math.inf)


def test_exp_of_exact_integers(scheme):
    """Exact arguments: (exp 0) is the inexact 1.0 in Guile (R7RS also allows an exact 1);
    a huge exact integer overflows in Python's conversion to float, not in Guile."""
    assert identical(scheme.call("scheme-exp", [0]), 1.0)
    assert identical(scheme.call("scheme-exp", [-10 ** 400]), 0.0)
    with pytest.raises(OverflowError):
        math.exp(-10 ** 400)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1]), st.floats(0.01, 0.99)), min_size=20, max_size=20))
def test_bits_and_nats_differ_only_in_scale(languages, points):
    """“Only the scale changes”: nats-to-bits of the loss in nats is the loss with log base 2."""
    calls = [("cross-entropy", [y, p]) for y, p in points]
    nats = languages.call_many(calls)
    bits = languages.call_many([("nats-to-bits", [o["python"]]) for o in nats])
    for (y, p), b in zip(points, bits):
        with mpmath.workprec(256):
            exact = -(y * mpmath.log(p, 2) + (1 - y) * mpmath.log(1 - mpmath.mpf(p), 2))
        # the loss in nats may be off by 2⁻⁵³ absolutely (note one-minus-p), which is
        # 2⁻⁵³/ln 2 in bits, or at most 1/(ln 2 · loss) ULPs of the loss in bits
        bound = 4 + 1 / (math.log(2) * float(exact))
        for lang, v in b.items():
            assert ulp_error(v, mpmath.nstr(exact, 40)) <= bound, (lang, y, p, v)


def test_sigmoid_maps_the_reals_into_the_unit_interval(languages):
    """“Large positive inputs map near 1; large negative inputs map near 0. At z = 0, σ(0) = 0.5.”"""
    zs = [-30.0, -5.0, -1.0, 0.0, 1.0, 5.0, 30.0]
    values = [o["scheme/guile"] for o in languages.call_many([("stable-sigmoid", [z]) for z in zs])]
    assert values == sorted(values) and all(0 < v < 1 for v in values)
    assert values[3] == 0.5 and values[0] < 1e-12 and values[-1] > 1 - 1e-12
