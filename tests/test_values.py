"""The text forms of values (DESIGN.md): exact round trips, the special spellings,
and arguments that are data and nothing else."""
import math
import struct
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triglot.compare import identical, kind
from triglot.values import (UNSPECIFIED, BadValue, Char, Error, Opaque, Pair, Symbol, Vector, format_outcome,
                            format_value, from_scheme, parse_value, to_scheme)
from triglot.arguments import parse_argument



EVERY_DOUBLE = st.integers(0, 2 ** 64 - 1).map(lambda b: struct.unpack("<d", struct.pack("<Q", b))[0])


@settings(max_examples=3000)
@given(st.one_of(EVERY_DOUBLE, st.floats()))
def test_v_text_round_trips_every_double(x):
    assert identical(parse_value(format_value(x)), x)
    assert identical(parse_argument(format_value(x)), x)


@pytest.mark.parametrize("x, text", [(0.5, "0.5"), (-0.0, "-0.0"), (math.inf, "inf"), (-math.inf, "-inf"),
                                     (math.nan, "nan"), (5e-324, "5e-324"), (1, "exact:1"),
                                     (Fraction(-1, 2), "exact:-1/2"), (True, "true"),
                                     (complex(-0.0, -math.pi), "complex:-0.0-3.141592653589793i"),
                                     ([1.0, [2, -0.0]], ["1.0", ["exact:2", "-0.0"]])])
def test_v_text_spellings(x, text):
    assert format_value(x) == text
    assert identical(parse_value(text), x)


@pytest.mark.parametrize("x, scheme", [(math.inf, "+inf.0"), (-math.inf, "-inf.0"), (math.nan, "+nan.0"),
                                       (-0.0, "-0.0"), (Fraction(1, 3), "1/3"), (False, "#f"),
                                       ([1, [0.5]], "(1 (0.5))")])
def test_scheme_spellings(x, scheme):
    assert to_scheme(x) == scheme


def test_scheme_answers_keep_exactness():
    assert from_scheme("x1/2") == Fraction(1, 2) and kind(from_scheme("x3")) == "exact"
    assert kind(from_scheme("f3.0")) == "float"
    assert identical(from_scheme("f-0.0"), -0.0) and not identical(from_scheme("f0.0"), -0.0)
    assert identical(from_scheme("c-inf.0 3.141592653589793"), complex(-math.inf, math.pi))
    assert from_scheme("o#<procedure car (_)>") == Opaque("procedure")  # its type, never its printed text


RICH = ["string:abc", "string:", "string:λ 1", "char:a", "char: ", "symbol:car", "none", "unspecified",
        "opaque:procedure", ["vector:", "exact:1", "string:x"], ["tuple:"], ["dict:", ["string:a", "exact:1"]],
        ["pair:", "exact:1", "exact:2"], ["exact:1", ["vector:", ["vector:"]]]]


@pytest.mark.parametrize("v", RICH, ids=str)
def test_the_phrasebook_kinds_round_trip(v):
    x = parse_value(v, rich=True)
    assert format_value(x) == v and identical(x, parse_value(v, rich=True))


def test_the_phrasebook_kinds_are_distinct():
    """A symbol is not a string, a character not a one-letter string, a vector not a list or a tuple."""
    assert not identical(Symbol("a"), "a") and not identical(Char("a"), "a")
    assert not identical(Vector([1]), (1,)) and not identical(Vector([1]), [1]) and not identical((1,), [1])
    assert not identical(None, UNSPECIFIED) and not identical(Pair(1, 2), [1, 2])
    assert identical({"a": 1, "b": 2}, {"b": 2, "a": 1}) and not identical({"a": 1}, {"a": 1.0})


@pytest.mark.parametrize("v", ["string:abc", ["vector:", "exact:1"], "none", "symbol:x"])
def test_the_phrasebook_kinds_are_never_arguments(v):
    with pytest.raises(BadValue):
        parse_value(v)


def test_scheme_answers_of_every_kind():
    assert from_scheme("sa\"b") == 'a"b' and type(from_scheme("sab")) is str
    assert from_scheme("h\u03bb") == Char("\u03bb") and from_scheme("ycar") == Symbol("car")
    assert from_scheme({"vector": ["x1", ["f0.5"]]}) == Vector([1, [0.5]])
    assert from_scheme({"pair": ["x1", "x2"]}) == Pair(1, 2) and from_scheme("u") is UNSPECIFIED


@pytest.mark.parametrize("text, value", [
    ("0.5", 0.5), ("-1000", -1000), ("-1000.0", -1000.0), ("2", 2), ("-0.0", -0.0), ("1e-320", 1e-320),
    ("1/2", Fraction(1, 2)), ("exact:-3/4", Fraction(-3, 4)), ("inf", math.inf), ("-inf", -math.inf),
    ("+inf.0", math.inf), ("nan", math.nan), ("[1, 2.0]", [1, 2.0]), (".5", 0.5), ("2.", 2.0),
    ("1E3", 1000.0), ("[[], [1/2, [inf]]]", [[], [Fraction(1, 2), [math.inf]]]), ("+7", 7)])
def test_the_argument_grammar_accepts(text, value):
    got = parse_argument(text)
    assert identical(got, value), (got, value)


@pytest.mark.parametrize("text", ["abc", "'abc'", "{'a': 1}", "1j", "None", "[1, 'x']",
                                  "__import__('os')", "0.5; import os", "(exit)", "#t#t", "",
                                  # the grammar's edges: one form for each number, ASCII, no booleans
                                  "1_000", "-nan", "１２", "١٢", "−1", '"1"', "()", "(1.5, -2)", "1e400", "-1e400",
                                  "1/0", "exact:1/0", "true", "False", "#t", "[1 2]", "[1,", "[", "]", "1,2",
                                  "[" * 40 + "]" * 40, "0x10", "1e", "e5", "1/2.0", "exact:1.5", "nan.0", "infinity"])
def test_the_argument_grammar_refuses(text):
    with pytest.raises(BadValue):
        parse_argument(text)


def test_outcomes_in_the_json_contract():
    assert format_outcome(0.6224593312018546) == {"value": "0.6224593312018546"}
    assert format_outcome(Error("OverflowError", "math range error")) == {"error": "OverflowError: math range error"}
    assert format_outcome([-1.0, -0.5]) == {"value": ["-1.0", "-0.5"]}
