"""The one comparison rule (the README's "comparison rule"), and distance to the exact value in ULPs.

identical: the same IEEE-754 double (0.0 and -0.0 differ, NaN equals NaN),
the same exactness, the same list shape, or the same kind of error.  No
tolerance is ever used between languages.
"""
from __future__ import annotations

import struct
from math import copysign
from fractions import Fraction

import mpmath

from .values import UNSPECIFIED, Char, Error, Opaque, Pair, Symbol, Vector


_KINDS = {float: "float", bool: "bool", int: "exact", Fraction: "exact", complex: "complex", list: "list",
          Error: "error", str: "string", Symbol: "symbol", Char: "char", Vector: "vector", tuple: "tuple",
          dict: "dict", Pair: "pair", type(None): "none", type(UNSPECIFIED): "unspecified", Opaque: "opaque"}


def kind(o) -> str:
    """Return the kind of an outcome: float, exact, bool, complex, list or error (and, in the
    phrasebook, string, symbol, char, vector, tuple, dict, pair, none, unspecified, opaque)."""
    return _KINDS[type(o)]


def same_float(a: float, b: float) -> bool:
    """Return True when a and b are the same double, or both NaN."""
    if a != a or b != b:
        return a != a and b != b
    return struct.pack("<d", a) == struct.pack("<d", b)


def identical(a, b) -> bool:
    """Return True when two outcomes are identical by the project's rule."""
    if type(a) is float and type(b) is float:  # the common case, kept fast
        if a == b:
            return a != 0.0 or copysign(1.0, a) == copysign(1.0, b)
        return a != a and b != b
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return False
    if ka == "error":
        return not (a.runner or b.runner) and a.kind == b.kind
    if ka == "float":
        return same_float(a, b)
    if ka == "complex":
        return same_float(a.real, b.real) and same_float(a.imag, b.imag)
    if ka in ("list", "vector", "tuple"):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    if ka == "dict":
        return len(a) == len(b) and all(k in b and identical(v, b[k]) for k, v in a.items())
    if ka == "pair":
        return identical(a.car, b.car) and identical(a.cdr, b.cdr)
    return a == b  # numbers, booleans, strings, symbols, characters, none, opaque types


def first_difference(a, b, path=()):
    """Return (path, a_part, b_part) where two outcomes first part, or None if identical."""
    if kind(a) == kind(b) == "list" and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, path + (i,))
            if found:
                return found
        return None
    return None if identical(a, b) else (path, a, b)


# ---------------------------------------------------------------- against the mathematics

PRECISION = 256  # bits for exact values; plenty beside a 53-bit double
OVERFLOW = mpmath.ldexp(2 ** 54 - 1, 970)  # max double + half an ulp: from here on, round to inf


def exact(text: str):
    """Return the exact value named by a case's `expected` text as an mpf."""
    with mpmath.workprec(PRECISION):
        return mpmath.mpf(text.replace("exact:", ""))


def ulp_of(x) -> mpmath.mpf:
    """Return the spacing of doubles at the real number x (subnormals included)."""
    if x == 0 or not mpmath.isfinite(x):
        return mpmath.ldexp(1, -1074)
    _, e = mpmath.frexp(x)  # |x| = m·2^e with ½ ≤ m < 1
    return mpmath.ldexp(1, max(int(e) - 1, -1022) - 52)


def ulp_error(value, expected):
    """Return how many ULPs `value` lies from the exact `expected` value (its text, or an mpf).

    Infinities and NaN must match exactly (0 ULP) or are infinitely far.
    Exact Scheme results count like any other number.
    """
    with mpmath.workprec(PRECISION):
        want = exact(expected) if isinstance(expected, str) else expected
        if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
            return mpmath.inf
        got = mpmath.mpf(value.numerator) / value.denominator if isinstance(value, Fraction) else mpmath.mpf(value)
        if mpmath.isnan(want) or mpmath.isnan(got):
            return mpmath.mpf(0) if mpmath.isnan(want) and mpmath.isnan(got) else mpmath.inf
        if mpmath.isinf(got) and abs(want) >= OVERFLOW and (got > 0) == (want > 0):
            return mpmath.mpf(0)  # the exact value rounds to ±inf: overflow is correct rounding
        if mpmath.isinf(want) or mpmath.isinf(got):
            return mpmath.mpf(0) if want == got else mpmath.inf
        return abs(got - want) / ulp_of(want)


def within(value, expected, bound) -> tuple[bool, str]:
    """Return (ok, ULP error as text) for an outcome against the exact value.

    `expected` may be a list (for list results); `bound` is the largest error allowed.
    """
    if isinstance(expected, list):
        if kind(value) != "list" or len(value) != len(expected):
            return False, "not a list of the expected length"
        parts = [within(v, e, bound) for v, e in zip(value, expected)]
        return all(ok for ok, _ in parts), "[" + ", ".join(t for _, t in parts) + "]"
    err = ulp_error(value, expected)
    return err <= bound, ("inf" if mpmath.isinf(err) else mpmath.nstr(err, 3))

