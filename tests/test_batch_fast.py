"""The batch's fast paths must say exactly what the ordinary ones say.

`batch.parse_lines` decodes common lines with a fast JSON decoder and checks
them by type; `batch.parse_line` is the definition of a line.  `Records.line`
writes the common record from a template; `ENCODE(call_record(...))` is the
definition of a record.  Each pair is compared on lines and outcomes made to
reach every branch, the awkward ones first.
"""
from __future__ import annotations

import json
import math
import random
import struct
from fractions import Fraction

import pytest

from triglot import batch
from triglot.values import Error

AWKWARD = [
    b'{"function": "sigmoid", "args": [0.5]}',
    b'{"function": "stable_sigmoid", "args": [-0.0]}',          # the Python spelling
    b'{"function": "sigmoid", "args": [1]}',                     # an exact integer
    b'{"function": "sigmoid", "args": [123456789012345678901234567890]}',  # beyond 64 bits: exact
    b'{"function": "sigmoid", "args": [-9223372036854775809]}',
    b'{"function": "sigmoid", "args": [9223372036854775807]}',
    b'{"function": "sigmoid", "args": [0.1234567890123456789012]}',
    b'{"function": "sigmoid", "args": [1e400]}',                 # beyond the double range
    b'{"function": "sigmoid", "args": [NaN]}',
    b'{"function": "sigmoid", "args": [Infinity]}',
    b'{"function": "sigmoid", "args": ["inf"]}',
    b'{"function": "sigmoid", "args": ["1/3"]}',
    b'{"function": "sigmoid", "args": ["exact:-3/4"]}',
    b'{"function": "sigmoid", "args": ["5"]}',                   # a string that looks like an integer
    b'{"function": "sigmoid", "args": [true]}',
    b'{"function": "sigmoid", "args": [null]}',
    b'{"function": "sigmoid", "args": [{"a": 1}]}',
    b'{"function": "sigmoid", "args": [[0.5]]}',                 # a list where a number goes
    b'{"function": "sigmoid", "args": []}',
    b'{"function": "sigmoid", "args": [0.5, 0.5]}',
    b'{"function": "sigmoid", "args": 0.5}',
    b'{"function": "sigmoid"}',
    b'{"args": [0.5]}',
    b'{"function": 3, "args": [0.5]}',
    b'{"function": "no-such-thing", "args": [0.5]}',
    b'{"function": "sigmoid", "args": [0.5], "extra": 1}',
    b'{"function": "sigmoid", "args": [0.5], "function": "surprise"}',
    b'{"function": "sigmoid", "args": [0.5]}\r',
    b'\xef\xbb\xbf{"function": "sigmoid", "args": [0.5]}',       # a byte-order mark
    b'{"function": "sigmoid", "args": ["\\ud800"]}',             # a lone surrogate
    b'{"function": "sigmoid", "args": [0.5]',
    b'[0.5]',
    b'',
    b'   ',
    b'\xff\xfe',
    b'{"function": "dot", "args": [[0.5, 1, "1/2"], [2.0, 3.0, 4.0]]}',
    b'{"function": "dot", "args": [[0.5, true], [2.0, 3.0]]}',
    b'{"function": "dot", "args": [[0.5], 2.0]}',
    b'{"function": "dot", "args": [[], []]}',
    b'{"function": "cross-entropy", "args": [1, 0.25]}',
    b'{"function": "fit-gd", "args": [[[1.0], [2.0]], [0, 1], 0.1, 3]}',
    b'{"function": "fit-gd", "args": [[[1.0], [2.0]], [0, 1], 0.1, -3]}',   # a count below 0
    b'{"function": "fit-gd", "args": [[[1.0], [2.0]], [0, 1], 0.1, 3.0]}',  # a count as a float
    b'{"function": "dot", "args": ' + b'[' * 40 + b']' * 40 + b'}',           # nested too deep
]


def random_line(rng: random.Random) -> bytes:
    x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    arg = rng.choice([x, rng.uniform(-50, 50), rng.randrange(-10, 10), f"{rng.randrange(1, 9)}/7", "-inf",
                      [x, 1.5], None])
    name = rng.choice(["sigmoid", "stable-sigmoid", "surprise", "dot", "nats_to_bits", "cross-entropy"])
    args = [arg] if name not in ("dot", "cross-entropy") else [arg, arg]
    return json.dumps({"function": name, "args": args}, allow_nan=True).encode()


def reference(number: int, raw: bytes):
    try:
        return batch.parse_line(number, raw)
    except batch.BadLine as e:
        return str(e)


def same_item(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a[0] == b[0] and json.dumps(a[1], default=repr) == json.dumps(b[1], default=repr) and \
        [type(x) for x in a[1]] == [type(x) for x in b[1]]


def test_the_fast_decoder_is_there():
    assert batch.fast_loads is not None, "orjson is a dependency: `make setup` installs it"


def test_every_awkward_line_parses_as_the_definition_says():
    lines = list(enumerate(AWKWARD, 1))
    got = batch.parse_lines(lines)
    for (number, raw), item in zip(lines, got):
        assert same_item(item, reference(number, raw)), raw
    assert sum(type(item) is tuple for item in got) >= 8  # the fast path was taken, too


def test_random_lines_parse_as_the_definition_says():
    rng = random.Random(11)
    lines = [(n, random_line(rng)) for n in range(1, 5001)]
    got = batch.parse_lines(lines)
    assert all(same_item(item, reference(n, raw)) for (n, raw), item in zip(lines, got))


def bits(n: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", n))[0]


ROWS = [
    (0.5, 0.5, 0.5), (math.inf, math.inf, math.inf), (-math.inf, -math.inf, -math.inf),
    (math.nan, math.nan, math.nan), (0.0, 0.0, 0.0), (-0.0, -0.0, -0.0), (0.0, -0.0, 0.0),
    (5e-324, 5e-324, 5e-324), (1.0, 1.0, 1), (1, 1, 1), (0.5, 0.5, 0.5000000000000001),
    (Error("ZeroDivisionError", "float division by zero"), Error("ZeroDivisionError", "x"), math.inf),
    ([0.5], [0.5], [0.5]), (Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)), (True, True, True),
]
ARGS = [[0.5], [-0.0], [1], [10 ** 30], [Fraction(-3, 4)], [math.inf], [math.nan], [[0.5, 1, Fraction(1, 2)]],
        [[[1.0], [2.0]]], [[]], [bits(1)]]


@pytest.mark.parametrize("names", [["python", "hy", "scheme/guile"], ["python", "hy", "scheme/guile", "x\"y"]])
def test_every_record_is_written_as_the_definition_says(names):
    records = batch.Records(names)
    rng = random.Random(5)
    rows = ROWS + [(x, x, x) for x in (bits(rng.getrandbits(64)) for _ in range(2000))]
    fast = 0
    for row in rows:
        row = tuple(row) + (row[-1],) * (len(names) - len(row))
        for args in ARGS:
            text, status = records.line("sigmoid", args, row)
            record = batch.call_record("sigmoid", args, dict(zip(names, row)))
            assert text == batch.ENCODE(record) and status == record["verdict"], (row, args)
            fast += status == "identical"
    assert fast > 2000
