"""What the tests of the binary path share, for every implementation that takes it
(tests/test_binary_path.py for Guile, test_gambit_binary.py, test_chicken_binary.py):
Scheme helpers loaded after tests/scheme/misbehave.scm (the crash helper needs
(scheme process-context) for `emergency-exit`), runners on both paths, and the
values sent down them."""
from __future__ import annotations

import math
import random
import struct
import threading
import time
from fractions import Fraction
from pathlib import Path

import pytest

from triglot.compare import identical
from triglot.scheme import SchemeRunner
from triglot.values import Error

MISBEHAVE = Path(__file__).resolve().parent / "scheme" / "misbehave.scm"
HELPERS_TEXT = r"""
;; binary-path helpers (R7RS-small, plus `emergency-exit` from (scheme process-context))
(define (pair-up x y) (list x y))
(define (first-of x y) x)
(define (mixed x)
  (cond ((nan? x) (error "no nan here:" x))
        ((infinite? x) (raise (list 'infinite x)))
        ((= x 0.0) (exact x))
        ((< (abs x) 1e-300) (exact x))
        ((< x -1e200) (sqrt x))
        ((> x 1e200) (list x (- x)))
        ((= x 2.0) #t)
        ((= x 3.0) 3)
        ((= x 4.0) (/ 1 3))
        ((= x 5.0) #f)
        (else (* x 2))))
(define (die-at x) (if (= x 13.0) (emergency-exit 7) x))
(define (hang-at x) (if (= x 13.0) (let loop () (loop)) x))
(define (garble-at x)
  (when (= x 13.0)
    (write-string "this is not an answer")
    (newline))
  x)
(define (spin-f n x) (spin (exact n) x))
(define (text-of x) (string-append "«" x "»"))
"""
NAMES = ["echo", "spin", "bump-count", "pair-up", "first-of", "mixed", "die-at", "hang-at", "garble-at",
         "spin-f", "text-of"]


def fixtures(impl, timeout: float):
    """(helpers, make, pair, fresh) for one implementation: the helpers' file (a module
    fixture), make(helpers, **options) a runner with them, `pair` a runner on the binary
    path and one on the text path (a module fixture), `fresh` runners closed after the test."""
    @pytest.fixture(scope="module")
    def helpers(tmp_path_factory) -> Path:
        path = tmp_path_factory.mktemp(f"{impl.name}-binary") / "binary-helpers.scm"
        path.write_text(HELPERS_TEXT, encoding="utf-8")
        return path

    def make(helpers, **options) -> SchemeRunner:
        options = {"timeout": timeout, **options}
        return SchemeRunner(impl, extra_sources=[MISBEHAVE, helpers], extra_functions=NAMES,
                            libraries=["(scheme process-context)"], **options)

    @pytest.fixture(scope="module")
    def pair(helpers):
        fast, slow = make(helpers), make(helpers, binary=False)
        yield fast, slow
        fast.close()
        slow.close()

    @pytest.fixture
    def fresh(helpers):
        made = []

        def new(**options):
            r = make(helpers, **options)
            made.append(r)
            return r

        yield new
        for r in made:
            r.close()

    return helpers, make, pair, fresh


def float_from_bits(n: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", n))[0]


EDGES = [0.0, -0.0, 5e-324, -5e-324, 1e-320, -1e-310, 2.225073858507201e-308, 2.2250738585072014e-308,
         -2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, math.inf, -math.inf,
         math.nan, -math.nan, float_from_bits(0x7FF8000000000001), float_from_bits(0xFFF0000000000001),
         float_from_bits(0x000FFFFFFFFFFFFF), 0.5, 1.0, -1.0, 2.0, 3.0, 4.0, 5.0, 1e-300, 0.1, 1 / 3,
         9007199254740993.0, 2.0 ** 1023, -2.0 ** -1022, 1e21, 1e22, 123456.789e-310]


def bit_patterns(seed: int, n: int) -> list[float]:
    rng = random.Random(seed)
    values = EDGES + [float_from_bits(rng.getrandbits(64)) for _ in range(n)]
    values += [float_from_bits(rng.getrandbits(52) | rng.getrandbits(1) << 63) for _ in range(n // 4)]
    values += [rng.uniform(-40, 40) for _ in range(n // 2)] + [rng.random() for _ in range(n // 4)]
    rng.shuffle(values)
    return values


def random_datum(rng: random.Random, depth: int = 0):
    """An argument of any kind the wire carries: doubles (any bits), exact integers small
    and big (the 64-bit edges too), ratios, booleans, and lists of them, nested."""
    k = rng.randrange(9 if depth < 3 else 6)
    if k == 0:
        return float_from_bits(rng.getrandbits(64))
    if k == 1:
        return rng.choice(EDGES)
    if k == 2:
        return rng.choice([0, -1, 1, (1 << 63) - 1, -(1 << 63), 1 << 63, -(1 << 63) - 1, 10 ** 30,
                           -10 ** 30, rng.randrange(-1 << 70, 1 << 70), rng.randrange(-1000, 1000)])
    if k == 3:  # ratios, and Fractions that hold integers (0 and 3 as Fraction objects)
        return rng.choice([Fraction(rng.randrange(-10 ** 20, 10 ** 20), rng.randrange(2, 10 ** 12)),
                           Fraction(0), Fraction(6, 2), Fraction(-10 ** 30, 7), Fraction(1, 1 << 1074)])
    if k == 4:
        return rng.random() < 0.5
    if k == 5:
        return rng.uniform(-1e3, 1e3)
    if k == 6:
        return [rng.uniform(-1, 1) for _ in range(rng.randrange(0, 5))]  # a list of doubles
    return [random_datum(rng, depth + 1) for _ in range(rng.randrange(0, 4))]


def normal(v):
    """The value Scheme gives back for v: a Fraction that holds an integer is that integer."""
    if isinstance(v, list):
        return [normal(e) for e in v]
    return int(v) if type(v) is Fraction and v.denominator == 1 else v


def same(a, b) -> bool:
    """Identical, of the same type (exactness), and for errors of the same message too."""
    if isinstance(a, Error) or isinstance(b, Error):
        return (isinstance(a, Error) and isinstance(b, Error) and a.kind == b.kind
                and a.message == b.message and not a.runner and not b.runner)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and identical(a, b)


def assert_runner_error(o, kind: str):
    assert isinstance(o, Error) and o.kind == kind and o.runner is True, o


# ---------------------------------------------------------------- the path is taken

def binary_path_is_taken(make, helpers):
    """A batch of 8 or more calls travels in one binary exchange (arguments of every kind),
    a shorter one as text lines, and binary=False sends everything as text."""
    from support import spy
    with make(helpers) as fast, make(helpers, binary=False) as slow:
        fast_seen, slow_seen = spy(fast), spy(slow)
        calls = [("echo", [float(i)]) for i in range(100)]
        assert fast.call_many(calls) == slow.call_many(calls) == [float(i) for i in range(100)]
        assert fast_seen == [100] and slow_seen == []
        assert fast.call_many(calls[:7]) == [float(i) for i in range(7)]  # too short: text
        assert fast_seen == [100]
        mixed = calls[:3] + [("echo", [1]), ("echo", [[1.0]]), ("echo", [Fraction(1, 2)]),
                             ("bump-count", []), ("echo", [True])]
        assert fast.call_many(mixed) == [0.0, 1.0, 2.0, 1, [1.0], Fraction(1, 2), 0, True]
        assert fast_seen == [100, 8]


# ---------------------------------------------------------------- recovery inside a block

CALLS_AROUND_13 = [float(i) for i in range(40)]   # 13.0 is the 14th call
FAILURES = [("die-at", "SchemeCrashed", "exited with code 7"), ("hang-at", "SchemeTimeout", "no answer"),
            ("garble-at", "SchemeGarbled", "this is not an answer")]


def failure_inside_a_block(fresh, binary: bool, name: str, kind: str, shows: str, seconds: float = 5):
    """A crash, a hang or garbage at call 14 of a block is blamed on that call and the rest
    runs: on the binary path the block fails, the calls after its last answer go again as text
    lines, where the failure comes again and is pinned on its call (two restarts); on the text
    path, one restart."""
    from support import spy
    r = fresh(binary=binary, timeout=0.5)
    r.start()
    pid = r.pid
    seen = spy(r)
    t0 = time.perf_counter()
    results = r.call_many([(name, [v]) for v in CALLS_AROUND_13])
    assert time.perf_counter() - t0 < seconds
    assert_runner_error(results[13], kind)
    assert shows in results[13].message
    for i, o in enumerate(results):
        if i != 13:
            assert identical(o, float(i)) and type(o) is float, (i, o)
    assert r.pid != pid and r.starts == (3 if binary else 2)
    assert (seen == [40] and r.replays == 1) if binary else (seen == [] and r.replays == 0)
    assert r.call_many([("echo", [float(i)]) for i in range(20)]) == [float(i) for i in range(20)]
    assert r.starts == (3 if binary else 2) and seen == ([40, 20] if binary else [])


def killed_in_the_middle_of_a_block(fresh, sig):
    """Killed from outside, the process takes no call with it: the calls after the block's
    last answer are sent again (as text) to a new process, and every one answers."""
    from support import spy
    r = fresh()
    n = 20_000
    r.call("spin-f", [float(n), 0.0])
    t0 = time.perf_counter()
    r.call("spin-f", [float(n), 0.0])
    n = max(1_000, int(0.02 / ((time.perf_counter() - t0) / n)))  # a call of about 20 ms
    pid, starts = r.pid, r.starts
    seen = spy(r)
    killed = []

    def killer():
        time.sleep(0.1)
        killed.append(r.pid)
        r.kill_now(sig)

    calls = [("spin-f", [float(n), float(i)]) for i in range(40)]
    thread = threading.Thread(target=killer)
    thread.start()
    results = r.call_many(calls)
    thread.join()
    assert killed == [pid]
    assert seen == [40] and r.replays == 1
    for i, o in enumerate(results):
        assert identical(o, float(i)), (i, o)
    assert r.pid != pid and r.starts == starts + 1
