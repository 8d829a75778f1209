"""The Scheme runner: one long-lived Guile process, timeouts, crashes, garbage,
exact round trips of values, and hostile input that must never become code.

Helper Scheme functions live in tests/scheme/misbehave.scm (R7RS-small only:
the shim loads extra files into an environment of (scheme base) and
(scheme inexact)).  Tests that break the process use a fresh runner of their
own; the others share one module-scoped runner.
"""
from __future__ import annotations

import math
import os
import random
import signal
import struct
import threading
import time
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triglot import registry
from triglot.compare import identical
from triglot.scheme import SchemeRunner, SchemeUnavailable
from triglot.arguments import parse_argument
from triglot.values import BadValue, Error, to_scheme

MISBEHAVE = Path(__file__).resolve().parent / "scheme" / "misbehave.scm"
HELPERS = ["echo", "spin", "hang", "babble", "garble", "garble-no-newline", "bump", "bump-count",
           "quote-error", "control-error", "weird-string", "ten-to", "guile-only"]
TIMEOUT = 1.0


def make_runner(**options) -> SchemeRunner:
    options = {"timeout": TIMEOUT, **options}
    return SchemeRunner(extra_sources=[MISBEHAVE], extra_functions=HELPERS, **options)


@pytest.fixture(scope="module")
def runner():
    """One runner with the helper functions, shared by the well-behaved tests."""
    r = make_runner()
    r.start()
    yield r
    r.close()


@pytest.fixture
def fresh():
    """A factory of runners of one's own (closed at the end), for tests that break them."""
    made = []

    def new(**options):
        r = make_runner(**options)
        made.append(r)
        return r

    yield new
    for r in made:
        r.close()


def call_with_watchdog(r: SchemeRunner, calls, limit: float):
    """Run r.call_many(calls) in a thread: return (results, seconds, hung).

    If the batch is still running after `limit` seconds it is hung: the
    process is killed (repeatedly, if it restarts) until the batch gives up,
    so that a hang fails the test instead of stopping the suite.
    """
    box = {}

    def work():
        try:
            box["results"] = r.call_many(calls)
        except BaseException as e:  # handed to the test below
            box["exception"] = e

    t0 = time.perf_counter()
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(limit)
    hung = worker.is_alive()
    while worker.is_alive() and time.perf_counter() - t0 < limit + 30:
        r.kill_now()
        worker.join(0.2)
    if "exception" in box:
        raise box["exception"]
    return box.get("results"), time.perf_counter() - t0, hung


def calibrate_spin(r: SchemeRunner, seconds: float) -> int:
    """Return the `spin` count that keeps this machine's Guile busy for about `seconds`."""
    n = 50_000
    r.call("spin", [n, 0.0])  # warm up
    t0 = time.perf_counter()
    r.call("spin", [n, 0.0])
    per_round = (time.perf_counter() - t0) / n
    return max(1_000, int(seconds / per_round))


def assert_runner_error(o, kind: str):
    assert isinstance(o, Error), f"expected a {kind} runner error, got {o!r}"
    assert o.kind == kind, o
    assert o.runner is True, o
    assert not identical(o, o), "a runner error must never be identical, not even to itself"


# ====================================================================== 1. one long-lived process

def test_one_long_lived_process_serves_many_batches(fresh):
    r = fresh()
    first = r.call_many([("echo", [float(i)]) for i in range(1000)])
    pid = r.pid
    assert pid is not None and pid != os.getpid()
    if Path(f"/proc/{pid}/cmdline").exists():  # it is a real Guile, not Python
        assert b"guile" in Path(f"/proc/{pid}/cmdline").read_bytes()
    second = r.call_many([("echo", [[i, -float(i)]]) for i in range(1000)])
    assert r.pid == pid
    assert r.proc.poll() is None, "the process must stay alive between batches"
    assert r.starts == 1
    assert first == [float(i) for i in range(1000)]
    assert second == [[i, -float(i)] for i in range(1000)]
    # a real concept function from scheme_src/ runs in the same process
    assert identical(r.call("sigmoid", [0.0]), 0.5)
    assert (r.pid, r.starts) == (pid, 1)


def test_shared_runner_is_not_restarted_by_good_calls(runner):
    pid, starts = runner.pid, runner.starts
    for _ in range(3):
        assert runner.call_many([("echo", [1.5]), ("bump-count", [])])[0] == 1.5
    assert (runner.pid, runner.starts) == (pid, starts)


# ====================================================================== 2. every call has a timeout

def test_hanging_call_times_out_and_the_batch_goes_on(fresh):
    r = fresh(timeout=TIMEOUT)
    r.start()
    pid = r.pid
    results, seconds, hung = call_with_watchdog(
        r, [("echo", [1.25]), ("hang", []), ("echo", [-2.5])], limit=10 * TIMEOUT)
    assert not hung, "the hanging call was never timed out"
    first, timeout, third = results
    assert identical(first, 1.25)
    assert_runner_error(timeout, "SchemeTimeout")
    assert "no answer" in timeout.message and f"{TIMEOUT:g} s" in timeout.message
    assert "restarted" in timeout.message
    assert str(timeout).startswith("SchemeTimeout: ")
    assert not identical(timeout, Error("SchemeTimeout", timeout.message, runner=True))
    assert not identical(timeout, 1.25)
    assert identical(third, -2.5), "the call after the timeout runs on the restarted process"
    assert r.pid != pid and r.starts == 2
    assert TIMEOUT <= seconds < 5 * TIMEOUT


def test_babbling_call_still_times_out(fresh):
    """A call that keeps printing (no newline, never an answer) must time out too:
    only a whole answer line restarts the clock."""
    r = fresh(timeout=0.3)
    n = calibrate_spin(r, 0.05)  # "blah " every ~50 ms: well inside the timeout
    results, seconds, hung = call_with_watchdog(r, [("babble", [n]), ("echo", [1.0])], limit=2.0)
    assert not hung, (f"a call that prints without a newline was never timed out "
                      f"(still running after {seconds:.1f} s with timeout=0.3 s)")
    assert_runner_error(results[0], "SchemeTimeout")
    assert identical(results[1], 1.0)


# ====================================================================== 3. killed in the middle

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_process_killed_in_the_middle_of_a_batch(fresh, sig):
    """On the text path the running call goes down with the process (the binary path sends
    the calls after a block's last answer again: tests/test_binary_path.py)."""
    r = fresh(binary=False)
    n = calibrate_spin(r, 0.02)
    pid, starts = r.pid, r.starts
    killed = []

    def killer():
        time.sleep(0.1)
        killed.append(r.pid)
        r.kill_now(sig)

    calls = [("spin", [n, float(i)]) for i in range(40)]
    thread = threading.Thread(target=killer)
    thread.start()
    results = r.call_many(calls)
    thread.join()

    assert killed == [pid], "the killer must have hit the process running the batch"
    errors = [i for i, o in enumerate(results) if isinstance(o, Error)]
    assert len(errors) == 1, f"exactly one call goes down with the process: {errors}"
    k = errors[0]
    crashed = results[k]
    assert_runner_error(crashed, "SchemeCrashed")
    assert f"killed by signal {int(sig)}" in crashed.message
    assert "while running this call" in crashed.message
    assert 0 < k < len(calls) - 1, f"the kill should land mid-batch, it hit call {k}"
    for i, o in enumerate(results):
        if i != k:
            assert identical(o, float(i)), (i, o)
    assert r.pid != pid and r.starts == starts + 1
    assert r.call_many([("echo", [7.0]), ("sigmoid", [0.0])]) == [7.0, 0.5]
    assert r.starts == starts + 1


# ====================================================================== 4. garbage on stdout

@pytest.mark.parametrize("fn, shows", [("garble", "this is not an answer"), ("garble-no-newline", "junk[")])
def test_garbage_on_stdout_is_a_runner_error_and_restarts(fresh, fn, shows):
    r = fresh()
    r.start()
    pid = r.pid
    before, garbled, after = r.call_many([("echo", [0.5]), (fn, [2.0]), ("echo", [-0.0])])
    assert identical(before, 0.5)
    assert_runner_error(garbled, "SchemeGarbled")
    assert "not an answer" in garbled.message and shows in garbled.message
    assert "restarted" in garbled.message
    assert identical(after, -0.0), "the call after the garbage runs on the restarted process"
    assert r.pid != pid and r.starts == 2
    # later batches are correct, on the same (restarted) process
    pid2 = r.pid
    assert r.call_many([("echo", [float(i)]) for i in range(100)]) == [float(i) for i in range(100)]
    assert (r.pid, r.starts) == (pid2, 2)


def test_garbage_in_the_last_call_leaves_a_working_runner(fresh):
    r = fresh()
    [garbled] = r.call_many([("garble", [1.0])])
    assert_runner_error(garbled, "SchemeGarbled")
    assert r.call("echo", [3.0]) == 3.0
    assert r.starts == 2


# ====================================================================== 5. max_restarts

@pytest.mark.parametrize("bad, kind, timeout", [(("garble", [1.0]), "SchemeGarbled", TIMEOUT),
                                                 (("hang", []), "SchemeTimeout", 0.2)],
                         ids=["garbage", "hang"])
def test_after_max_restarts_the_rest_is_not_run(fresh, bad, kind, timeout):
    r = fresh(timeout=timeout)
    m = r.max_restarts
    calls = [("echo", [0.25])] + [bad] * (m + 2) + [("echo", [1.0]), ("hang", []), ("bump", [])]
    results, seconds, hung = call_with_watchdog(r, calls, limit=m * timeout + 10)
    assert not hung
    assert identical(results[0], 0.25)
    for o in results[1:1 + m]:
        assert_runner_error(o, kind)
    for o in results[1 + m:]:
        assert_runner_error(o, "SchemeNotRun")
        assert f"failed {m} times" in o.message
    assert len(results) == len(calls)
    assert seconds < (m + 2) * timeout + 5, "the calls that were not run must not wait for a timeout"
    # the first process and m - 1 restarts (the last failure is not restarted), and one more if the
    # first failure came in a binary block, whose calls were then sent again as text
    assert r.replays == (1 if r.binary else 0) and r.starts == m + r.replays
    # the next batch starts a new process and works
    assert r.call_many([("bump-count", []), ("echo", [2.0])]) == [0, 2.0]
    assert r.starts == m + r.replays + 1


# ====================================================================== 6. Guile missing

def test_guile_missing_says_how_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    r = make_runner()
    with pytest.raises(SchemeUnavailable) as info:
        r.start()
    message = str(info.value)
    assert "apt-get install guile-3.0" in message
    assert "`guile`" in message and "not installed" in message
    assert r.proc is None and r.starts == 0
    with pytest.raises(SchemeUnavailable):
        r.call_many([("echo", [1.0])])
    r.close()  # closing a runner that never started is harmless


# ====================================================================== 7. sources that do not load

def runner_on(tmp_path, text: str, names=()):
    src = tmp_path / "broken.scm"
    src.write_text(text, encoding="utf-8")
    return SchemeRunner(extra_sources=[src], extra_functions=list(names), timeout=TIMEOUT), src


def test_unbalanced_paren_fails_at_start(tmp_path):
    r, src = runner_on(tmp_path, "(define (f x)\n  (+ x 1)\n")
    with pytest.raises(SchemeUnavailable) as info:
        r.start()
    message = str(info.value)
    assert "could not load" in message and "read-error" in message
    assert f"{src}:3:1" in message, "the message names the file and the place"
    assert "end of input" in message
    assert r.proc is None


def test_guile_only_procedure_used_at_load_time_fails_at_start(tmp_path):
    r, _ = runner_on(tmp_path, "(define y (1+ 1))\n")
    with pytest.raises(SchemeUnavailable) as info:
        r.start()
    message = str(info.value)
    assert "could not load" in message
    assert "Unbound variable" in message and "1+" in message
    assert r.proc is None


def test_missing_source_file_fails_at_start(tmp_path):
    r = SchemeRunner(extra_sources=[tmp_path / "no-such-file.scm"])
    with pytest.raises(SchemeUnavailable) as info:
        r.start()
    assert "no-such-file.scm" in str(info.value) and "No such file" in str(info.value)


def test_function_not_defined_fails_at_start(tmp_path):
    r, _ = runner_on(tmp_path, "(define (f x) x)\n", names=["f", "no-such-function"])
    with pytest.raises(SchemeUnavailable) as info:
        r.start()
    assert '["missing","no-such-function"]' in str(info.value)


def test_guile_only_procedure_in_a_body_errors_at_call_time(runner):
    pid = runner.pid
    ok, err, ok2 = runner.call_many([("echo", [1.0]), ("guile-only", [1]), ("echo", [2.0])])
    assert isinstance(err, Error) and err.runner is False
    assert err.kind == "unbound-variable"
    assert "Unbound variable" in err.message and "1+" in err.message
    assert identical(err, Error("unbound-variable", "whatever")), "an ordinary Scheme error compares by kind"
    assert (ok, ok2) == (1.0, 2.0)
    assert runner.pid == pid, "an ordinary Scheme error does not restart the process"


# ====================================================================== 8. hostile input is never code

def hostile_arguments(target: Path) -> list[str]:
    return [
        f"__import__('os').system('touch {target}')",
        f"#.(system \"touch {target}\")",
        f'"#.(system \\"touch {target}\\")"',
        f"(system \"touch {target}\")",
        "(exit)",
        '{"a": 1}',
        '"abc"',
        "abc",
        '[1, "abc"]',
        "[1, {'a': 1}]",
        "[1.0, __import__('os')]",
        f"open('{target}', 'w')",
        "lambda: 0",
        "None",
        "null",
        "1+2j",
        "b'x'",
        "{1, 2}",
        "",
        "exact:1/2; rm -rf /",
    ]


def test_parse_argument_refuses_anything_but_data(tmp_path):
    target = tmp_path / "pwned"
    for text in hostile_arguments(target):
        with pytest.raises(BadValue):
            parse_argument(text)
            pytest.fail(f"parse_argument accepted {text!r}")
    assert not target.exists(), "a hostile argument ran code"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text, value", [
    ("0.5", 0.5), ("-0.0", -0.0), ("1e-320", 1e-320), ("inf", math.inf), ("-inf.0", -math.inf),
    ("nan", math.nan), ("1/2", Fraction(1, 2)),
    ("exact:-3", -3), ("[1.0, 2]", [1.0, 2]), ("[[1], [0.5, []]]", [[1], [0.5, []]]),
])
def test_parse_argument_accepts_data(text, value):
    assert identical(parse_argument(text), value)


@pytest.mark.parametrize("value", [
    "abc", "0.5", "", b"x", None, {"a": 1}, (1.0,), {1.0}, 1 + 2j, object(), print, math,
    [1.0, "x"], [[None]], [0.5, (1.0,)],
], ids=lambda v: type(v).__name__)
def test_to_scheme_refuses_non_data(value):
    with pytest.raises(BadValue):
        to_scheme(value)


def test_runner_carries_numbers_lists_and_booleans(runner):
    args = [1, -7, 2.5, -0.0, True, False, Fraction(-1, 3), [], [1, [2.5, [True, []]], Fraction(2, 4)]]
    results = runner.call_many([("echo", [a]) for a in args])
    for a, o in zip(args, results):
        assert identical(o, a), (a, o)
    assert runner.call("gradient", [0.0, 0.0, 2.0, 1]) == [-1.0, -0.5]


@pytest.mark.parametrize("bad", ["x", "(bump)", "0.5", None, {"a": 1}, b"1", (1.0,), 1j, [1.0, "x"],
                                 [[0.5, [True, None]]], [0.5, [1, (2.0,)]]],
                         ids=lambda v: type(v).__name__)
def test_non_data_argument_is_refused_before_anything_is_sent(runner, bad):
    pid = runner.pid
    count = runner.call("bump-count", [])
    with pytest.raises(BadValue):
        runner.call_many([("bump", []), ("echo", [bad]), ("bump", [])])
    assert runner.call("bump-count", []) == count, "the batch was (partly) sent before it was checked"
    assert runner.pid == pid


@pytest.mark.parametrize("name", ["no-such-function", "car", "display", "exit", "eval", "load",
                                  "system", "echo ", "(echo)", "1", ""])
def test_unknown_function_names_are_refused(runner, name):
    pid = runner.pid
    count = runner.call("bump-count", [])
    with pytest.raises(registry.UnknownFunction):
        runner.call(name, [1.0])
    with pytest.raises(registry.UnknownFunction):
        runner.call_many([("bump", []), (name, [])])
    assert runner.call("bump-count", []) == count
    assert runner.pid == pid
    with pytest.raises(registry.UnknownFunction):
        registry.function(name)


# ====================================================================== 9. exact round trips

FLOAT_EDGES = [
    0.0, -0.0, 5e-324, -5e-324, 1e-320, 2.225073858507201e-308, 2.2250738585072014e-308,
    1.7976931348623157e308, -1.7976931348623157e308, math.inf, -math.inf, math.nan, -math.nan,
    0.1, 1 / 3, 1e16, 1e21, 1e22, 1e23, 9007199254740993.0, 123456789012345680.0,
    4.35e-311, 0.5, 1.0, -1.0, 2.0 ** -1074, 2.0 ** 1023, math.pi, math.e,
]


def float_from_bits(n: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def assert_round_trip(r: SchemeRunner, values):
    """Send each value to `echo` (one call each) and also all of them in one list."""
    back = r.call_many([("echo", [v]) for v in values])
    for v, o in zip(values, back):
        assert identical(o, v), f"{v!r} came back as {o!r}"
    assert len(back) == len(values)
    as_list = r.call("echo", [list(values)])
    assert identical(as_list, list(values))


def test_float_round_trip_edges_and_thousands_of_bit_patterns(runner):
    rng = random.Random(20240601)
    values = FLOAT_EDGES + [float_from_bits(rng.getrandbits(64)) for _ in range(3000)]
    values += [float_from_bits(rng.getrandbits(52)) for _ in range(1000)]          # subnormals
    values += [float_from_bits(rng.getrandbits(52) | 1 << 63) for _ in range(500)]  # negative subnormals
    assert sum(1 for v in values if v != 0 and abs(v) < 2.2250738585072014e-308) > 1000
    t0 = time.perf_counter()
    assert_round_trip(runner, values)
    assert time.perf_counter() - t0 < 10, "thousands of calls in one batch must be fast"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=200))
def test_float_round_trip_hypothesis(runner, xs):
    assert_round_trip(runner, xs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 2 ** 64 - 1).map(float_from_bits), min_size=1, max_size=200))
def test_every_bit_pattern_round_trips(runner, xs):
    assert_round_trip(runner, xs)


def test_nan_and_signed_zero_really_are_checked():
    """The comparison used above can fail: it tells -0.0 from 0.0 and the exact from the inexact."""
    assert identical(math.nan, -math.nan)
    assert not identical(0.0, -0.0)
    assert not identical(1, 1.0) and not identical(Fraction(1, 2), 0.5) and not identical(True, 1)
    assert not identical(5e-324, 1e-323)
    assert not identical([1.0, [2.0]], [1.0, 2.0])


EXACT_EDGES = [0, 1, -1, 2 ** 53 + 1, 2 ** 64, -(2 ** 64) - 1, 2 ** 1000 + 1, -(3 ** 2000), 10 ** 4000,
               Fraction(1, 3), Fraction(-2 ** 100 - 1, 3 ** 50), Fraction(1, 2 ** 1074), Fraction(10 ** 300 + 1, 7)]


def test_exact_numbers_round_trip_exact(runner):
    back = runner.call_many([("echo", [v]) for v in EXACT_EDGES])
    for v, o in zip(EXACT_EDGES, back):
        assert identical(o, v) and type(o) is type(v), f"{v!r} came back as {o!r}"
    assert runner.call("echo", [EXACT_EDGES]) == EXACT_EDGES
    # exact arithmetic stays exact inside Scheme: 10^50 is an exact integer
    assert runner.call("ten-to", [50]) == 10 ** 50 and type(runner.call("ten-to", [50])) is int


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers() | st.integers(-(2 ** 300), 2 ** 300) | st.fractions(), min_size=1, max_size=100))
def test_exact_numbers_round_trip_hypothesis(runner, values):
    back = runner.call_many([("echo", [v]) for v in values])
    for v, o in zip(values, back):
        assert identical(o, v)
        assert isinstance(o, int if Fraction(v).denominator == 1 else Fraction) and not isinstance(o, bool)


LEAVES = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2 ** 70), 2 ** 70)
          | st.fractions() | st.booleans())
NESTED = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4), max_leaves=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NESTED, min_size=1, max_size=30))
def test_nested_lists_keep_their_shape(runner, values):
    back = runner.call_many([("echo", [v]) for v in values])
    for v, o in zip(values, back):
        assert identical(o, v), f"{v!r} came back as {o!r}"


def test_huge_exact_integer_can_be_sent(runner):
    assert runner.call("echo", [10 ** 5000]) == 10 ** 5000


def test_huge_exact_integer_comes_back(fresh):
    r = fresh()
    r.start()
    pid = r.pid
    o = r.call("ten-to", [5000])
    assert not isinstance(o, Error), o
    assert o == 10 ** 5000 and r.pid == pid


# ====================================================================== 10. error text is valid JSON

def test_error_message_with_quotes_backslashes_and_unicode(runner):
    pid = runner.pid
    quoted, control, weird, ok = runner.call_many(
        [("quote-error", []), ("control-error", []), ("weird-string", []), ("echo", [1.0])])
    # decoded from JSON as an ordinary Scheme error: had the JSON been invalid,
    # this would be a SchemeGarbled runner error and the process restarted
    for o in (quoted, control):
        assert isinstance(o, Error) and o.runner is False, o
        assert not o.kind.startswith("Scheme"), o
    assert "quote" in quoted.message and "\\" in quoted.message
    assert ('bad "quote" \\ é' in quoted.message) or ('bad \\"quote\\" \\\\ é' in quoted.message), \
        quoted.message
    assert "\u00e9" in control.message and "\U0001F600" in control.message and "irritant" in control.message
    # a string is a value (the phrasebook's kinds), its text intact
    assert type(weird) is str and "\u00e9" in weird and "\U0001F600" in weird
    assert ok == 1.0
    assert runner.pid == pid, "no restart: every answer line was valid JSON"


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_source_files_are_read_as_utf8_whatever_the_locale(fresh, monkeypatch, locale):
    monkeypatch.setenv("LC_ALL", locale)
    r = fresh()
    o = r.call("quote-error", [])
    assert isinstance(o, Error) and o.runner is False
    assert "é" in o.message and "\ufffd" not in o.message, ascii(o.message)
