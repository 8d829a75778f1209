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

from . import registry
from .values import Error


class CallTimeout(BaseException):
    """The call ran past its deadline (a BaseException, so the code under test cannot catch it)."""


class Watchdog:
    """One interval timer for a run of calls: it ticks every quarter timeout, and a tick that finds
    the current call older than the timeout stops it.  Two system calls a batch, not two a call;
    a call is stopped between 1 and 1.25 timeouts after it started (ticks at least 1 ms apart)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.started = None  # when the running call started; None between calls

    def _tick(self, signum, frame):
        if self.started is not None and time.monotonic() - self.started > self.seconds:
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
        """Return one outcome per (function name, args) call, in order."""
        with Watchdog(self.timeout).running() as watchdog:
            return [self._call(name, args, watchdog) for name, args in calls]

    def call(self, name: str, args: list):
        return self.call_many([(name, args)])[0]

    def _call(self, name: str, args: list, watchdog: Watchdog):
        f = self._table.get(name) or self.resolve(registry.function(name))
        try:
            try:
                watchdog.started = time.monotonic()
                return f(*args)
            finally:
                watchdog.started = None  # before any handler below runs: a late tick raises nothing
        except CallTimeout:
            return Error("CallTimeout", f"no result from {self.name} within {self.timeout:g} s; the call was "
                                        "stopped", runner=True)
        except Exception as e:  # the outcome *is* the exception
            return Error(type(e).__name__, str(e))

    def close(self):
        pass


def python_runner(timeout: float | None = None) -> InProcessRunner:
    return InProcessRunner("python", "python_src", timeout)


def hy_runner(timeout: float | None = None) -> InProcessRunner:
    return InProcessRunner("hy", "hy_src", timeout)
