"""Runner for the languages that run inside this Python process: Python and Hy.

Hy compiles to Python bytecode, so both are called directly, with no process
boundary; an exception becomes an Error outcome.  A call has a timeout too,
where it runs on the main thread: an interval timer (SIGALRM) stops it.
"""
from __future__ import annotations

import contextlib
import importlib
import signal
import sys
import threading
import time
from itertools import starmap
from operator import itemgetter

from . import registry
from .values import Error


class CallTimeout(BaseException):
    """The call ran past its deadline (a BaseException, so the code under test cannot catch it)."""


class Watchdog:
    """One interval timer for a run of calls: it ticks every quarter timeout.  The calls append
    their outcomes to `out`; a tick that finds `out` grown since the last tick restarts the
    clock, and one that finds it unchanged for longer than the timeout stops the call that is
    running.  Two system calls a batch, not two a call; a call is stopped between 1 and 1.5
    timeouts after it started (ticks at least 1 ms apart)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.started = None  # when the clock was last restarted; None between runs of calls
        self.out: list = []
        self.seen = 0

    def _tick(self, signum, frame):
        if self.started is None:
            return
        now, n = time.monotonic(), len(self.out)
        if n != self.seen:
            self.seen, self.started = n, now
        elif now - self.started > self.seconds:
            self.started = None
            raise CallTimeout

    @contextlib.contextmanager
    def running(self):
        """Arm the timer for the calls made inside (main thread only; no timeout: no timer)."""
        if not self.seconds or threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGALRM, self._tick)
        tick = max(self.seconds / 4, 0.001)
        signal.setitimer(signal.ITIMER_REAL, tick, tick)
        try:
            yield self
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _apply(f, args):
    return f(*args)


class InProcessRunner:
    """Calls the functions of one package (python_src or hy_src)."""

    def __init__(self, name: str, package: str, timeout: float | None = None):
        self.name = name
        self.package = package
        self.timeout = timeout
        self._table: dict[str, object] = {}

    def resolve(self, fn: registry.Function):
        """Return the callable for fn, importing its module on first use."""
        f = self._table.get(fn.name)
        if f is None:
            top = str(registry.root())
            if top not in sys.path:
                sys.path.insert(0, top)
            module = importlib.import_module(f"{self.package}.{fn.stem}")
            f = getattr(module, fn.python_name, None)
            if f is None:
                raise registry.UnknownFunction(
                    f"{self.name}: {module.__file__} defines no {fn.python_name!r} (for {fn.name})")
            self._table[fn.name] = f
        return f

    def call_many(self, calls):
        """Return one outcome per (function name, args) call, in order.

        The calls are made by one `extend`, which keeps every outcome made before an
        exception: the call that raised is the next one, it gets the exception as its
        outcome, and the calls go on after it (the same iterator).  Calls to one function
        go through starmap; calls to several through `_apply`, one frame more a call but no
        work per change of function (a mixed batch changes at every call)."""
        names = list(map(itemgetter(0), calls))
        argss = list(map(itemgetter(1), calls))
        table = {name: self._table.get(name) or self.resolve(registry.function(name)) for name in set(names)}
        if len(table) == 1:
            (f,) = table.values()
            todo = starmap(f, argss)
        else:
            todo = map(_apply, map(table.__getitem__, names), argss)
        out: list = []
        now = time.monotonic
        with Watchdog(self.timeout).running() as watchdog:
            watchdog.out = out
            while len(out) < len(calls):
                try:
                    try:
                        watchdog.seen, watchdog.started = len(out), now()
                        out.extend(todo)
                    finally:
                        watchdog.started = None  # before any handler below runs: a late tick raises nothing
                except CallTimeout:
                    out.append(self._timed_out())
                except Exception as e:  # the outcome *is* the exception
                    out.append(Error(type(e).__name__, str(e)))
        return out

    def call(self, name: str, args: list):
        return self.call_many([(name, args)])[0]

    def _timed_out(self) -> Error:
        return Error("CallTimeout", f"no result from {self.name} within {self.timeout:g} s; the call was "
                                    "stopped", runner=True)

    def close(self):
        pass


def python_runner(timeout: float | None = None) -> InProcessRunner:
    return InProcessRunner("python", "python_src", timeout)


def hy_runner(timeout: float | None = None) -> InProcessRunner:
    return InProcessRunner("hy", "hy_src", timeout)
