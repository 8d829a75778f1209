"""sum() on Python 3.12+ compensates (note sum-compensated); the project's loops do not,
so that every language adds left to right and rounds the same way."""
import math
import sys

from triglot.compare import identical

TERMS = [1e16, 1.0, -1e16]  # the exact sum is 1


def left_to_right(xs):
    total = 0.0
    for x in xs:
        total += x
    return total


def test_left_to_right_loses_the_one():
    assert left_to_right(TERMS) == 0.0 and math.fsum(TERMS) == 1.0


def test_builtin_sum_depends_on_the_python_version():
    expected = 1.0 if sys.version_info >= (3, 12) else 0.0
    assert sum(TERMS) == expected, f"Python {sys.version.split()[0]}: sum gives {sum(TERMS)}"


def test_every_language_adds_left_to_right(languages):
    outcomes = languages.call("dot", [TERMS, [1.0, 1.0, 1.0]])
    assert all(identical(o, left_to_right(TERMS)) for o in outcomes.values()), outcomes
