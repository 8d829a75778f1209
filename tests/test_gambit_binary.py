"""The binary path to Gambit: a batch's calls travel in blocks (doubles as their
IEEE-754 bytes, exact integers, ratios, lists, any other datum as text) and
must give exactly the outcomes of Gambit's text path: the same bits, the same
exactness, the same errors, and the same recovery from a crash, a hang or
garbage in the middle of a block.

The helpers are written to a file of the test's own and loaded after
tests/scheme/misbehave.scm; the crash helper needs (scheme process-context)
for `emergency-exit`, which Gambit has.
"""
from __future__ import annotations

import math
import os
import random
import signal
import struct
from fractions import Fraction

import pytest

from triglot import cases
from triglot.implementations import GAMBIT
from triglot.values import Error

from binary_support import (FAILURES, binary_path_is_taken, bit_patterns, failure_inside_a_block, fixtures,
                            float_from_bits, killed_in_the_middle_of_a_block, normal, random_datum, same)
from support import spy

TIMEOUT = 2.0
helpers, make, pair, fresh = fixtures(GAMBIT, TIMEOUT)


def exact_numbers(seed: int) -> list:
    rng = random.Random(seed)
    return ([0, 1, -1, 2 ** 62, 2 ** 63 - 1, -2 ** 63, 2 ** 63, -2 ** 63 - 1, 2 ** 64 + 1, -10 ** 40, 10 ** 400,
             Fraction(1, 3), Fraction(-7, 2 ** 70), Fraction(10 ** 30, 7), Fraction(1, 1 << 1074), Fraction(0),
             Fraction(6, 2)]
            + [rng.randrange(-10 ** 25, 10 ** 25) for _ in range(200)]
            + [rng.randrange(-1 << 70, 1 << 70) for _ in range(100)]
            + [Fraction(rng.randrange(-10 ** 20, 10 ** 20), rng.randrange(2, 10 ** 12)) or Fraction(1, 2)
               for _ in range(200)])


def same_bits(a: float, b: float) -> bool:
    """The same double, bit for bit (any NaN for any NaN: the text path's +nan.0 has no payload)."""
    return type(b) is float and (struct.pack("<d", a) == struct.pack("<d", b) or (a != a and b != b))


def test_gambit_takes_the_binary_path_and_it_can_be_switched_off(helpers):
    assert GAMBIT.binary
    with make(helpers) as fast:
        assert "--server" in fast.shim_arguments()[0]
    binary_path_is_taken(make, helpers)


# ====================================================================== the two paths agree

def test_every_double_and_exact_number_makes_the_round_trip_as_on_the_text_path(pair):
    fast, slow = pair
    seen = spy(fast)
    values = bit_patterns(1, 20_000) + [float_from_bits(random.Random(2).getrandbits(52)) for _ in range(4000)]
    numbers = exact_numbers(7)
    calls = [("echo", [v]) for v in values] + [("echo", [n]) for n in numbers]
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert seen == [len(calls)]
    for (_, (v,)), x, y in zip(calls, a, b):
        assert same(x, y), f"(echo {v!r}): binary {x!r}, text {y!r}"
    for v, x in zip(values, a):
        assert same_bits(v, x), f"(echo {v!r}) gave {x!r}"
    for v, x in zip(numbers, a[len(values):]):
        assert type(x) is type(normal(v)) and x == v, (v, x)
    lists = [("echo", [values[i:i + 300]]) for i in range(0, 2400, 300)]
    for v, x, y in zip(lists, fast.call_many(lists), slow.call_many(lists)):
        assert same(x, y) and all(same_bits(p, q) for p, q in zip(v[1][0], x))


def test_arguments_of_every_kind_arrive_as_on_the_text_path(pair):
    fast, slow = pair
    seen = spy(fast)
    rng = random.Random(7)
    calls = [("echo", [random_datum(rng)]) for _ in range(2000)]
    calls += [("pair-up", [random_datum(rng), random_datum(rng)]) for _ in range(500)]
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert sum(seen) == len(calls)
    assert all(same(x, y) for x, y in zip(a, b))
    assert all(same(x, normal(args[0] if name == "echo" else list(args))) for x, (name, args) in zip(a, calls))


@pytest.mark.parametrize("name", ["stable-sigmoid", "sigmoid", "surprise", "mixed"])
def test_every_bit_pattern_gives_the_same_outcome_on_both_paths(pair, name):
    fast, slow = pair
    values = bit_patterns(hash(name) & 0xFFFF, 3000)
    calls = [(name, [v]) for v in values]
    a, b = fast.call_many(calls), slow.call_many(calls)
    for v, x, y in zip(values, a, b):
        assert same(x, y), f"({name} {v!r}): binary {x!r}, text {y!r}"


def test_a_mixed_batch_answers_as_on_the_text_path(pair):
    """Several functions, lists, exact numbers, errors in the middle of blocks, and results
    that are exact, lists, booleans or strings between the doubles."""
    fast, slow = pair
    seen = spy(fast)
    rng = random.Random(3)
    calls = []
    for i in range(600):
        x = float_from_bits(rng.getrandbits(64)) if i % 3 else rng.uniform(-30, 30)
        calls += [("sigmoid", [x]), ("mixed", [rng.choice([x, 2.0, 3.0, 4.0, 5.0, math.nan, math.inf, 0.0])]),
                  ("cross-entropy-from-logit", [rng.choice([0.0, 1.0]), x]),
                  ("surprise", [rng.randint(1, 9)]), ("nats-to-bits", [Fraction(rng.randint(1, 9), 7)]),
                  ("dot", [[rng.random() for _ in range(3)], [rng.random() for _ in range(3)]]),
                  ("pair-up", [x, rng.randrange(-1 << 70, 1 << 70)]), ("echo", [[x, [True, 1]]]),
                  ("dot", [[1.0], [1.0, 2.0]])]
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert seen == [len(calls)] and fast.replays == 0
    for call, x, y in zip(calls, a, b):
        assert same(x, y), f"{call}: binary {x!r}, text {y!r}"
    kinds = {type(x) for x in a}
    assert {float, int, Fraction, bool, list, complex, Error} <= kinds, kinds
    assert all(not x.runner for x in a if isinstance(x, Error))


def test_small_blocks_and_errors_at_their_edges_agree_with_the_text_path(helpers):
    values = [0.5, math.nan, 2.0, math.inf, 3.0, 7.25, 4.0, -1e300, 1e300, 0.0, 5.0, math.nan] * 20
    calls = [("mixed", [v]) for v in values]
    with make(helpers) as fast, make(helpers, binary=False) as slow:
        fast.binary_block, fast.min_binary = 7, 3
        seen = spy(fast)
        a, b = fast.call_many(calls), slow.call_many(calls)
        assert seen == [len(calls)] and fast.starts == 1
    assert all(same(x, y) for x, y in zip(a, b)), [(x, y) for x, y in zip(a, b) if not same(x, y)][:3]
    got = dict(zip(map(repr, values), a))
    assert got["2.0"] is True and got["5.0"] is False and type(got["3.0"]) is int
    assert got["4.0"] == Fraction(1, 3) and got["0.0"] == 0 and type(got["0.0"]) is int
    assert isinstance(got["nan"], Error) and "no nan here" in got["nan"].message
    assert isinstance(got["inf"], Error) and got["inf"].kind == "raise"
    assert type(got["-1e+300"]) is complex and got["1e+300"] == [1e300, -1e300]


def test_a_text_request_holding_other_than_ascii_is_read_as_utf8(fresh):
    """Requests are read byte by byte (ISO-8859-1) so that a block loses nothing; a line
    holding UTF-8 is decoded again, compiled and interpreted."""
    for compiled in (True, False):
        r = fresh(compiled=compiled)
        r.start()
        text = '(5 {} "σ é 😀")\n'.format(r.index["text-of"]).encode()
        os.write(r.proc.stdin.fileno(), text)
        line, why = r._read_line(10)
        assert line is not None, why
        assert line.decode() == '[5,"ok","s«σ é 😀»"]'


def test_every_canonical_case_gives_the_same_outcome_on_both_paths(pair):
    fast, slow = pair
    seen = spy(fast)
    chosen = cases.all_cases()
    calls = [(c.property, c.args) for c in chosen]
    a, b = fast.call_many(calls), slow.call_many(calls)
    assert sum(seen) == len(calls)
    for c, x, y in zip(chosen, a, b):
        assert same(x, y), f"{c.property}{c.args}: binary {x!r}, text {y!r}"


def test_the_interpreted_server_answers_as_the_compiled_one(helpers, pair):
    """Interpreted sources (no cache, no --server): the block's loop is interpreted too."""
    fast, _ = pair
    values = bit_patterns(5, 500)
    calls = [(name, [v]) for v in values for name in ("mixed", "stable-sigmoid")]
    calls += [("echo", [random_datum(random.Random(i))]) for i in range(300)]
    with make(helpers, compiled=False) as plain:
        seen = spy(plain)
        assert "--server" not in plain.shim_arguments()[0]
        a, b = plain.call_many(calls), fast.call_many(calls)
        assert seen == [len(calls)]
        assert all(same(x, y) for x, y in zip(a, b))


# ====================================================================== recovery inside a block

@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize("name, kind, shows", FAILURES)
def test_a_failure_inside_a_block_blames_its_call_and_the_rest_runs(fresh, binary, name, kind, shows):
    failure_inside_a_block(fresh, binary, name, kind, shows)


def test_process_killed_in_the_middle_of_a_block_loses_no_call(fresh):
    killed_in_the_middle_of_a_block(fresh, signal.SIGKILL)


# ====================================================================== the compiled server

def test_the_block_loop_is_compiled_once_and_kept_in_the_cache(helpers, tmp_path, monkeypatch):
    """With a cache, the loop that answers blocks is compiled at the first start and kept as
    server/KEY.o1; a damaged one is compiled again, and the answers never change."""
    monkeypatch.setenv("TRIGLOT_CACHE", str(tmp_path))
    calls = [(name, [v]) for v in bit_patterns(9, 300) for name in ("mixed", "echo")]
    with make(helpers, binary=False) as slow:
        want = slow.call_many(calls)
    key = make(helpers).shim_arguments()[0][3]
    for damage in (None, lambda p: p.write_bytes(p.read_bytes()[:1000]), lambda p: p.write_bytes(b"")):
        files = list(tmp_path.glob("gambit/gambit-*/server/*.o1"))
        if damage:
            assert [p.name for p in files] == [f"{key}.o1"]
            damage(files[0])
        with make(helpers) as fast:
            got = fast.call_many(calls)
        assert all(same(x, y) for x, y in zip(got, want))
        (server,) = tmp_path.glob("gambit/gambit-*/server/*.o1")
        assert server.name == f"{key}.o1" and server.read_bytes().endswith(b"triglot-o1" + server.read_bytes()[-8:])
        assert server.stat().st_size > 10_000
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")], "no temporary folder is left"
