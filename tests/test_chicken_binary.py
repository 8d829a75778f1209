"""The binary path to CHICKEN 5: the calls of a batch travel in blocks (doubles as
IEEE-754 bytes, exact integers and ratios as their bytes, lists item by item,
any other datum as text) and must give exactly the outcomes of CHICKEN's text
path (the same bits, NaNs included, the same exactness, the same errors), with
the same recovery from a crash, a hang or garbage in the middle of a block.

The helpers are those of tests/test_binary_path.py, loaded after
tests/scheme/misbehave.scm; the crash helper needs (scheme process-context).
"""
from __future__ import annotations

import math
import random
import signal
import struct
from fractions import Fraction

import pytest

from triglot import cases as casefile
from triglot.implementations import CHICKEN
from triglot.scheme import SchemeRunner, cache_folder
from triglot.values import Error

from binary_support import (FAILURES, binary_path_is_taken, bit_patterns, failure_inside_a_block, fixtures,
                            float_from_bits, killed_in_the_middle_of_a_block, random_datum)
from support import spy

TIMEOUT = 2.0
helpers, make, pair, fresh = fixtures(CHICKEN, TIMEOUT)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def same(a, b) -> bool:
    """The same outcome to the bit: doubles by their 8 bytes (a NaN's too), numbers of the
    same type (exactness), lists item by item, errors of the same kind and message."""
    if isinstance(a, Error) or isinstance(b, Error):
        return (isinstance(a, Error) and isinstance(b, Error) and a.kind == b.kind
                and a.message == b.message and not a.runner and not b.runner)
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return bits(a) == bits(b)
    if type(a) is complex:
        return bits(a.real) == bits(b.real) and bits(a.imag) == bits(b.imag)
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def both(pair, calls):
    """The outcomes of `calls` on the binary path and on the text path; every call went in
    binary blocks on the first."""
    fast, slow = pair
    seen = spy(fast)
    a, b = fast.call_many(calls), slow.call_many(calls)
    fast._exchange = SchemeRunner._exchange.__get__(fast)
    assert sum(seen) == len(calls) and fast.replays == 0
    return a, b


def exacts(seed: int) -> list:
    rng = random.Random(seed)
    edges = [0, 1, -1, 2 ** 61, 2 ** 62 - 1, 2 ** 62, -2 ** 62 - 1, 2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 63 - 1,
             2 ** 64 + 1, -10 ** 40, 10 ** 400, Fraction(1, 3), Fraction(-7, 2 ** 70), Fraction(10 ** 30, 7),
             Fraction(1, 1 << 1074), Fraction(6, 2), Fraction(0)]
    return edges + [rng.randrange(-10 ** 25, 10 ** 25) for _ in range(300)] + \
        [rng.randrange(-1 << 64, 1 << 64) for _ in range(300)] + \
        [Fraction(rng.randrange(-10 ** 20, 10 ** 20), rng.randrange(2, 10 ** 15)) for _ in range(300)]


# ====================================================================== the two paths agree

def test_the_binary_path_is_taken_and_the_compiled_server_is_kept(helpers, pair):
    fast, slow = pair
    assert fast.binary and not slow.binary and CHICKEN.binary
    binary_path_is_taken(make, helpers)
    options, _ = fast.shim_arguments()
    key = options[options.index("--server") + 1]
    fast.start()
    assert list(cache_folder("chicken").glob(f"chicken-*/{key}.server")), "the compiled server is kept"


def test_every_bit_pattern_and_exact_number_round_trips_as_on_the_text_path(pair):
    values = bit_patterns(1, 8000) + [float_from_bits(random.Random(2).getrandbits(52)) for _ in range(2000)]
    numbers = exacts(3)
    a, b = both(pair, [("echo", [v]) for v in values + numbers])
    for v, x, y in zip(values + numbers, a, b):
        assert same(x, y), f"(echo {v!r}): binary {x!r}, text {y!r}"
    for v, x in zip(values, a):  # every double comes back bit for bit; a NaN as the text path's NaN
        assert type(x) is float and (bits(x) == bits(v) if v == v else bits(x) == bits(math.nan)), (v, x)
    for v, x in zip(numbers, a[len(values):]):
        want = int(v) if type(v) is Fraction and v.denominator == 1 else v
        assert type(x) is type(want) and x == want, (v, x)


def test_arguments_of_every_kind_arrive_as_on_the_text_path(pair):
    rng = random.Random(7)
    calls = [("echo", [random_datum(rng)]) for _ in range(2000)]
    calls += [("pair-up", [random_datum(rng), random_datum(rng)]) for _ in range(1000)]
    calls += [("first-of", [[random_datum(rng) for _ in range(3)], True]) for _ in range(200)]
    a, b = both(pair, calls)
    for call, x, y in zip(calls, a, b):
        assert same(x, y), f"{call}: binary {x!r}, text {y!r}"


@pytest.mark.parametrize("name", ["stable-sigmoid", "sigmoid", "surprise", "mixed"])
def test_every_bit_pattern_gives_the_same_outcome_of_a_function_on_both_paths(pair, name):
    values = bit_patterns(hash(name) & 0xFFFF, 3000)
    a, b = both(pair, [(name, [v]) for v in values])
    for v, x, y in zip(values, a, b):
        assert same(x, y), f"({name} {v!r}): binary {x!r}, text {y!r}"


def test_a_mixed_batch_agrees_with_the_text_path(pair):
    """Several functions, lists, exact numbers, results of every kind and errors in the middle
    of blocks, in blocks of 4096 and of 7 calls."""
    rng = random.Random(3)
    calls = []
    for _ in range(600):
        x = float_from_bits(rng.getrandbits(64))
        y = rng.choice([0.5, 2.0, 3.0, 4.0, 0.0, -0.0, 5e-324, math.nan, math.inf, -math.inf, -1e300, 1e300])
        calls += [("mixed", [y]), ("mixed", [x]), ("cross-entropy-from-logit", [rng.choice([0.0, 1.0]), x]),
                  ("surprise", [rng.randint(1, 9)]), ("nats-to-bits", [Fraction(rng.randint(1, 9), rng.randint(2, 9))]),
                  ("dot", [[rng.random() for _ in range(3)], [rng.random() for _ in range(3)]]),
                  ("echo", [[x, rng.randrange(-1 << 70, 1 << 70), [True, False]]]), ("pair-up", [x, -x]),
                  ("sigmoid", [rng.choice([x, rng.uniform(-30, 30), 0])]), ("bump-count", []),
                  ("dot", [[1.0], [1.0, 2.0]]), ("echo", [True])]
    a, b = both(pair, calls)
    for call, x, y in zip(calls, a, b):
        assert same(x, y), f"{call}: binary {x!r}, text {y!r}"
    kinds = {type(x).__name__ for x in a}
    assert {"float", "int", "Fraction", "bool", "list", "complex", "Error"} <= kinds, kinds
    fast, _ = pair
    fast.binary_block, fast.min_binary = 7, 3
    try:
        small, _ = both(pair, calls[:700])
    finally:
        del fast.binary_block, fast.min_binary
    assert all(same(x, y) for x, y in zip(small, a))


def test_exact_results_and_errors_inside_a_block_answer_as_on_the_text_path(pair):
    values = [0.5, 0.0, -0.0, 5e-324, 2.0, 3.0, 4.0, math.nan, math.inf, -math.inf, -1e300, 1e300, 7.25] * 5
    a, b = both(pair, [("mixed", [v]) for v in values])
    assert all(same(x, y) for x, y in zip(a, b)), list(zip(a, b))
    got = dict(zip(map(repr, values), a))
    assert type(got["0.0"]) is int and type(got["-0.0"]) is int and got["2.0"] is True
    assert got["5e-324"] == Fraction(5e-324) and got["4.0"] == Fraction(1, 3)
    assert isinstance(got["nan"], Error) and "no nan here" in got["nan"].message
    assert isinstance(got["inf"], Error) and got["inf"].kind == "raise"
    assert type(got["-1e+300"]) is complex and got["1e+300"] == [1e300, -1e300]


def test_every_canonical_case_gives_the_same_outcome_on_both_paths(pair):
    chosen = casefile.all_cases()
    calls = [(c.property, c.args) for c in chosen]
    with SchemeRunner(CHICKEN) as fast, SchemeRunner(CHICKEN, binary=False) as slow:
        a, b = both((fast, slow), calls)
    for c, x, y in zip(chosen, a, b):
        assert same(x, y), f"{c.property}[{c.short}] {c.description}: binary {x!r}, text {y!r}"


def test_the_evaluated_server_answers_as_the_compiled_one(helpers, pair):
    """Without --server (no compiled server), the binary loop is evaluated: same outcomes."""
    fast, _ = pair
    plain = make(helpers)
    arguments = plain.shim_arguments

    def without_server():
        options, sources = arguments()
        k = options.index("--server")
        return options[:k] + options[k + 2:], sources

    plain.shim_arguments = without_server
    values = bit_patterns(5, 500)
    rng = random.Random(5)
    calls = [(name, [v]) for v in values for name in ("mixed", "stable-sigmoid")]
    calls += [("echo", [random_datum(rng)]) for _ in range(500)]
    with plain:
        a, b = both((plain, fast), calls)
    assert all(same(x, y) for x, y in zip(a, b))


# ====================================================================== recovery inside a block

@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize("name, kind, shows", FAILURES)
def test_a_failure_inside_a_block_blames_its_call_and_the_rest_runs(fresh, binary, name, kind, shows):
    failure_inside_a_block(fresh, binary, name, kind, shows, seconds=8)


def test_process_killed_in_the_middle_of_a_block_loses_no_call(fresh):
    killed_in_the_middle_of_a_block(fresh, signal.SIGKILL)
