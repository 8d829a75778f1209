"""The differential fuzzer: nothing unexplained on this tree, the same inputs for the same seed,
a planted divergence that the canonical cases miss found and shrunk, and generators that draw
what the fuzzer promises."""
import json
import math
import random
from fractions import Fraction

import numpy as np
import pytest

from triglot import fuzz, registry
from triglot.compare import identical
from triglot.values import Error, parse_value

from support import broken_copy
from support import run_triglot as triglot

BUDGET = ("--inputs", "3000", "--seed", "7", "--json")


@pytest.fixture(scope="module")
def small_run():
    """One run of the real command with a small fixed budget and seed."""
    r = triglot("fuzz", *BUDGET)
    return r, json.loads(r.stdout)


def test_a_small_fixed_run_finds_nothing_unexplained(small_run):
    r, out = small_run
    assert r.returncode == 0, out
    assert set(out) == {"seconds", "seed", "inputs", "unexplained", "functions"}
    assert out["seed"] == 7 and out["inputs"] == 3000 and out["unexplained"] == 0
    assert list(out["functions"]) == list(registry.functions())
    for name, row in out["functions"].items():
        assert row["inputs"] > 0 and row["differences"] == [], name
    assert "triglot fuzz:" in r.stderr and "triglot fuzz:" not in r.stdout


def test_the_same_seed_and_budget_give_the_same_run(small_run):
    _, first = small_run
    again = json.loads(triglot("fuzz", *BUDGET).stdout)
    first, again = dict(first), dict(again)
    assert first.pop("seconds") >= 0 and again.pop("seconds") >= 0
    assert again == first


def test_the_same_seed_draws_the_same_inputs():
    fns = list(registry.functions().values())
    draw = lambda seed: [fuzz.arguments(random.Random(seed), fn) for fn in fns]  # noqa: E731
    assert repr(draw(3)) == repr(draw(3)) and repr(draw(3)) != repr(draw(4))


def test_a_planted_divergence_the_cases_miss_is_found_and_shrunk(tmp_path):
    """Python's sigmoid off by 10⁻¹² for −6.5 < z < −6.25 only: no canonical case lands there (and
    the training functions' stable σ never calls it for z < 0), so `triglot check` passes, but the
    fuzzer finds it and shrinks it to a short z in the band."""
    old = "    return 1 / (1 + math.exp(-z))\n"
    new = "    if -6.5 < z < -6.25:\n        return 1 / (1 + math.exp(-z)) + 1e-12\n" + old
    env = broken_copy(tmp_path, "python_src/sigmoid.py", old, new)
    assert triglot("check", env=env).returncode == 0, "a canonical case now hits the band: move it"
    r = triglot("fuzz", "--function", "sigmoid", "--inputs", "4000", "--seed", "1", "--json", env=env)
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert list(out["functions"]) == ["sigmoid"] and out["unexplained"] > 0
    (found,) = out["functions"]["sigmoid"]["differences"]
    z = parse_value(found["args"][0])
    assert -6.5 < z < -6.25 and len(found["args"][0]) <= 6, found
    results = found["results"]
    assert results["hy"] == results["scheme/guile"] != results["python"]
    text = triglot("fuzz", "--function", "sigmoid", "--inputs", "4000", "--seed", "1", env=env).stdout
    assert f"(sigmoid {found['args'][0]})" in text and "1 unexplained difference" in text


def test_an_unknown_function_is_bad_input():
    r = triglot("fuzz", "--function", "nope", "--inputs", "10")
    assert r.returncode == 2
    assert "nope" in r.stderr and "sigmoid" in r.stderr and "fit-newton" in r.stderr


def test_a_budget_must_be_positive():
    assert triglot("fuzz", "--inputs", "0").returncode == 2


def test_the_doubles_drawn_cover_the_special_values():
    rng = random.Random(0)
    drawn = [fuzz.value(rng) for _ in range(5000)]
    floats = [x for x in drawn if isinstance(x, float)]
    bits = {math.copysign(1.0, x) for x in floats if x == 0.0}
    assert bits == {1.0, -1.0}, "both zeros"
    assert any(0 < abs(x) < 2.2250738585072014e-308 for x in floats), "a subnormal"
    assert math.inf in floats and -math.inf in floats and any(x != x for x in floats)
    assert 1.7976931348623157e308 in floats and 709.782712893384 in floats
    assert any(abs(x) > 1e100 for x in floats if math.isfinite(x)), "random bit patterns span the range"


def test_exact_integers_bignums_and_ratios_are_drawn():
    rng = random.Random(0)
    drawn = [fuzz.value(rng) for _ in range(5000)]
    ints = [x for x in drawn if type(x) is int]
    assert any(abs(x) <= 3 for x in ints) and any(abs(x) > 10 ** 308 for x in ints)
    assert any(type(x) is Fraction for x in drawn)
    assert all(x.denominator > 1 for x in drawn if type(x) is Fraction), "a whole ratio is an int"


def test_lists_come_in_matching_and_mismatching_lengths():
    rng = random.Random(0)
    pairs = [fuzz.arguments(rng, registry.function("dot")) for _ in range(2000)]
    same = sum(len(u) == len(v) for u, v in pairs)
    assert 0 < len(pairs) - same < same
    rows = [fuzz.arguments(rng, registry.function("fit-gd"))[0] for _ in range(500)]
    assert any(not r for r in rows) and any(len({len(x) for x in r}) > 1 for r in rows), "no rows; ragged rows"
    counts = {fuzz.arguments(rng, registry.function("fit-newton"))[3] for _ in range(500)}
    assert counts == set(range(9)), "iterations is a small count"


def test_shrinking_makes_arguments_simpler():
    args = [[3.3728191, 0.125, -2.0], [1, 0, 1], 0.3183098861837907, 7]
    steps = fuzz.variants(args)
    assert all(fuzz.size(v) < fuzz.size(args) for v in steps if fuzz.size(v) < fuzz.size(args))
    assert [[3.3728191, 0.125], [1, 0], 0.3183098861837907, 7] in steps, "drop one position of both lists"
    assert [[3.4, 0.125, -2.0], [1, 0, 1], 0.3183098861837907, 7] in steps, "a shorter decimal"
    assert [[3.3728191, 0.125, -2.0], [1, 0, 1], 0.3183098861837907, 3] in steps, "a smaller count"


# ====================================================================== the fast paths of a round

def kinds(xs) -> dict:
    """The share of each kind of drawn number, as `value` draws them."""
    def kind_of(x):
        if type(x) is int:
            return "small int" if abs(x) <= 3 else "bignum" if abs(x) > 10 ** 300 else "int"
        if type(x) is Fraction:
            return "scaled ratio" if max(abs(x.numerator), x.denominator) > 10 ** 6 else "ratio"
        if x in fuzz.SPECIAL or x != x:
            return "special or ordinary"  # (ordinary doubles can be special ones: 1.0, 0.5, 2.0)
        if abs(x) <= 8 and float(repr(round(x, 3))) == x:
            return "special or ordinary"
        return "bits"
    counts: dict = {}
    for x in xs:
        k = kind_of(x)
        counts[k] = counts.get(k, 0) + 1
    return {k: v / len(xs) for k, v in counts.items()}


def test_the_columns_numpy_draws_hold_what_value_draws_in_the_same_shares():
    """`column` (numpy) stands for `value` (random): every kind of number in the same share,
    within 1.5 % on 40,000 draws each, and the exact ones marked as exact."""
    n = 40_000
    drawn, exact = fuzz.column(np.random.default_rng(5), n)
    assert [type(x) is not float for x in drawn] == exact.tolist()
    rng = random.Random(5)
    one_by_one = [fuzz.value(rng) for _ in range(n)]
    fast, slow = kinds(drawn), kinds(one_by_one)
    assert set(fast) == set(slow) == {"bits", "special or ordinary", "small int", "bignum", "ratio",
                                      "scaled ratio", "int"}, (fast, slow)
    for k in slow:
        assert abs(fast[k] - slow[k]) < 0.015, (k, fast[k], slow[k])
    assert all(x.denominator > 1 for x in drawn if type(x) is Fraction), "a whole ratio is an int"


def test_a_round_puts_the_calls_of_doubles_first_and_keeps_the_seed():
    fn = registry.function("stable-sigmoid")
    draw = lambda: fuzz.draw_round([fn], 5000, np.random.default_rng(9), random.Random(9))  # noqa: E731
    calls = draw()
    floats = [type(args[0]) is float for _, args in calls]
    assert floats == sorted(floats, reverse=True) and 0.7 < sum(floats) / len(calls) < 0.9
    assert repr(calls) == repr(draw())


def test_the_fast_filter_passes_exactly_the_calls_identical_in_every_language():
    """disagreeing + agree (C loops and numpy) against compare.identical, row by row, on
    columns full of the outcomes that part languages: ±0.0, NaN, ints equal to doubles, ratios,
    errors, lists, one ULP."""
    rng = random.Random(11)
    pool = [0.0, -0.0, math.nan, 1.0, 1, True, 0.5, Fraction(1, 2), 0.1, 0.30000000000000004,
            0.30000000000000004 - 2 ** -54, math.inf, -math.inf, 5e-324, [0.5], [],
            Error("ValueError", "math domain error"), Error("ValueError", "other"), 0]
    columns = [[], [], []]
    for _ in range(20_000):
        base = rng.choice(pool)
        for c in columns:
            c.append(base if rng.random() < 0.85 else rng.choice(pool))
    odd = set(fuzz.disagreeing(columns))
    for i in range(len(columns[0])):
        row = [c[i] for c in columns]
        same = all(identical(row[0], o) for o in row[1:])
        passed = i not in odd or fuzz.agree(row)
        assert passed == (same and type(row[0]) is float), row
