"""The binary path to Guile: the calls of a batch travel in blocks, their
arguments tagged (doubles as IEEE-754 bytes, integers, lists, any other datum
as text), and must give exactly the outcomes of the text path (the same bits,
the same exactness, the same errors), and the same recovery from a crash, a
hang or garbage in the middle of a block.

The helper functions are written to a file of the test's own and loaded after
tests/scheme/misbehave.scm; the crash helper needs (scheme process-context)
for `emergency-exit`.
"""
from __future__ import annotations

import math
import random
import signal
from fractions import Fraction

import pytest

from triglot.compare import identical
from triglot.scheme import GUILE
from triglot.values import Error

from binary_support import (FAILURES, assert_runner_error, binary_path_is_taken, bit_patterns,
                            failure_inside_a_block, fixtures, float_from_bits, killed_in_the_middle_of_a_block,
                            normal, random_datum, same)
from support import spy

TIMEOUT = 1.0
helpers, make, pair, fresh = fixtures(GUILE, TIMEOUT)


def test_the_binary_path_is_taken_and_can_be_switched_off(helpers):
    binary_path_is_taken(make, helpers)


def test_arguments_of_every_kind_arrive_as_on_the_text_path(pair):
    fast, slow = pair
    seen = spy(fast)
    rng = random.Random(7)
    calls = [("echo", [random_datum(rng)]) for _ in range(3000)]
    calls += [("pair-up", [random_datum(rng), random_datum(rng)]) for _ in range(1000)]
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert sum(seen) == len(calls)
    assert all(same(x, y) for x, y in zip(a, b))
    assert all(same(x, normal(args[0] if name == "echo" else list(args))) for x, (name, args) in zip(a, calls))


@pytest.mark.parametrize("name", ["echo", "stable-sigmoid", "sigmoid", "surprise", "mixed"])
def test_every_bit_pattern_gives_the_same_outcome_on_both_paths(pair, name):
    fast, slow = pair
    seen = spy(fast)
    values = bit_patterns(hash(name) & 0xFFFF, 4000)
    calls = [(name, [v]) for v in values]
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert seen == [len(calls)]
    for v, x, y in zip(values, a, b):
        assert same(x, y), f"({name} {v!r}): binary {x!r}, text {y!r}"
    if name == "echo":
        assert all(same(x, v) for x, v in zip(a, values))


@pytest.mark.parametrize("name", ["cross-entropy-from-logit", "pair-up", "first-of"])
def test_two_float_arguments_give_the_same_outcome_on_both_paths(pair, name):
    fast, slow = pair
    rng = random.Random(7)
    left = [rng.choice([0.0, 1.0, -0.0, 0.5]) for _ in range(1500)] + bit_patterns(11, 1000)
    right = bit_patterns(12, len(left))[:len(left)]
    calls = [(name, [x, y]) for x, y in zip(left, right)]
    a, b = fast.call_many(calls), slow.call_many(calls)
    for call, x, y in zip(calls, a, b):
        assert same(x, y), f"{call}: binary {x!r}, text {y!r}"


def test_exact_results_and_errors_inside_a_block_answer_as_on_the_text_path(pair):
    fast, slow = pair
    values = [0.5, 0.0, -0.0, 5e-324, 2.0, 3.0, 4.0, math.nan, math.inf, -math.inf, -1e300, 1e300, 7.25] * 5
    calls = [("mixed", [v]) for v in values]
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert all(same(x, y) for x, y in zip(a, b)), list(zip(a, b))
    got = dict(zip(map(repr, values), a))
    assert got["0.0"] == 0 and type(got["0.0"]) is int and type(got["-0.0"]) is int
    assert got["5e-324"] == Fraction(5e-324) and type(got["5e-324"]) is Fraction
    assert got["2.0"] is True and type(got["3.0"]) is int and got["4.0"] == Fraction(1, 3)
    assert isinstance(got["nan"], Error) and "no nan here" in got["nan"].message and not got["nan"].runner
    assert isinstance(got["inf"], Error) and got["inf"].kind == "raise"
    assert type(got["-1e+300"]) is complex and got["1e+300"] == [1e300, -1e300]
    assert identical(got["0.5"], 1.0) and identical(got["7.25"], 14.5)


def test_mixed_batches_and_small_blocks_agree_with_the_text_path(helpers):
    rng = random.Random(3)
    calls = []
    for _ in range(300):
        kind = rng.randrange(5)
        x = float_from_bits(rng.getrandbits(64))
        calls += [("echo", [x]), ("mixed", [x]), ("cross-entropy-from-logit", [rng.choice([0.0, 1.0]), x]),
                  ("echo", [rng.randrange(-9, 9)]) if kind == 0 else ("pair-up", [x, -x]),
                  ("echo", [[x]]) if kind == 1 else ("sigmoid", [x])]
    with make(helpers) as fast, make(helpers, binary=False) as slow:
        fast.binary_block, fast.min_binary = 7, 3
        seen = spy(fast)
        a, b = fast.call_many(calls), slow.call_many(calls)
        assert seen == [len(calls)]  # one exchange, in blocks of 7 calls
        assert all(same(x, y) for x, y in zip(a, b))
        assert fast.starts == 1


# ====================================================================== recovery inside a block

@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize("name, kind, shows", FAILURES)
def test_a_failure_inside_a_block_blames_its_call_and_the_rest_runs(fresh, binary, name, kind, shows):
    failure_inside_a_block(fresh, binary, name, kind, shows)


def test_failures_in_every_block_stop_after_max_restarts(fresh):
    r = fresh(timeout=0.3)
    m = r.max_restarts
    calls = [("die-at", [v]) for v in [1.0] + [13.0] * (m + 2) + [2.0] * 20]
    results = r.call_many(calls)
    assert identical(results[0], 1.0)
    for o in results[1:1 + m]:
        assert_runner_error(o, "SchemeCrashed")
    for o in results[1 + m:]:
        assert_runner_error(o, "SchemeNotRun")
    assert r.call_many([("echo", [float(i)]) for i in range(10)]) == [float(i) for i in range(10)]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_process_killed_in_the_middle_of_a_block_loses_no_call(fresh, sig):
    killed_in_the_middle_of_a_block(fresh, sig)


def test_the_interpreted_server_answers_as_the_compiled_one(helpers, pair):
    """Without the cache (interpreted sources) the binary loop is interpreted: same outcomes."""
    fast, _ = pair
    values = bit_patterns(5, 500)
    calls = [(name, [v]) for v in values for name in ("mixed", "stable-sigmoid")]
    with make(helpers, compiled=False) as plain:
        seen = spy(plain)
        assert "--server" not in plain.shim_arguments()[0]
        a, b = plain.call_many(calls), fast.call_many(calls)
        assert seen == [len(calls)]
        assert all(same(x, y) for x, y in zip(a, b))


def test_the_environment_can_switch_the_binary_path_off(helpers, monkeypatch):
    monkeypatch.setenv("TRIGLOT_SCHEME_BINARY", "0")
    assert make(helpers).binary is False and make(helpers, binary=True).binary is True
    monkeypatch.setenv("TRIGLOT_SCHEME_BINARY", "1")
    assert make(helpers).binary is True and make(helpers, binary=False).binary is False


# ====================================================================== uniform blocks

def test_a_uniform_block_is_packed_byte_for_byte_as_call_by_call(helpers, monkeypatch):
    """A block of calls to one function with doubles only is packed by numpy at once; the bytes
    are those of packing call by call (every bit pattern, arities 1 to 3); any other block is not
    uniform."""
    import triglot.scheme as scheme
    runner = make(helpers)
    values = bit_patterns(21, 3000)
    for name, arity in (("echo", 1), ("pair-up", 2), ("predicted-probability", 3)):
        calls = [(name, values[i:i + arity]) for i in range(0, 3000 - arity, arity)]
        assert scheme.uniform_block(calls, runner.index) is not None
        fast = b"".join(runner._binary_payload(calls, 5))
        monkeypatch.setattr(scheme, "uniform_block", lambda calls, index: None)
        slow = b"".join(runner._binary_payload(calls, 5))
        monkeypatch.undo()
        assert fast == slow, name
    one = ("echo", [0.5])
    for odd in ([one, ("echo", [1])], [one, ("mixed", [0.5]), one], [one, ("pair-up", [0.5, 0.5]), one],
                [one, ("echo", [True]), one], [("pair-up", [[0.5], 0.5])]):
        assert scheme.uniform_block(odd, runner.index) is None, odd


@pytest.mark.parametrize("name, arity", [("mixed", 1), ("echo", 1), ("pair-up", 2)])
def test_uniform_blocks_whose_answers_mix_doubles_text_and_errors_agree_with_the_text_path(pair, name, arity):
    """Thousands of calls to one function in uniform blocks: the 9-byte answers that Guile gathers
    and the text answers and errors between them come back in order."""
    fast, slow = pair
    values = bit_patterns(22, 6000) + [2.0, 3.0, 4.0, math.nan, math.inf, 0.0] * 50
    random.Random(22).shuffle(values)
    calls = [(name, values[i:i + arity]) for i in range(0, len(values) - arity, arity)]
    seen = spy(fast)
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert seen == [len(calls)]
    assert all(same(x, y) for x, y in zip(a, b)) and len(a) == len(b) == len(calls)
