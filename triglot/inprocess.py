"""Runner for the languages that run inside this Python process: Python and Hy.

Hy compiles to Python bytecode, so both are called directly, with no process
boundary; an exception becomes an Error outcome.
"""
from __future__ import annotations

import importlib
import sys

from . import registry
from .values import Error


class InProcessRunner:
    """Calls the functions of one package (python_src or hy_src)."""

    def __init__(self, name: str, package: str):
        self.name = name
        self.package = package
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
        return [self.call(name, args) for name, args in calls]

    def call(self, name: str, args: list):
        f = self._table.get(name) or self.resolve(registry.function(name))
        try:
            return f(*args)
        except Exception as e:  # the outcome *is* the exception
            return Error(type(e).__name__, str(e))

    def close(self):
        pass


def python_runner() -> InProcessRunner:
    return InProcessRunner("python", "python_src")


def hy_runner() -> InProcessRunner:
    return InProcessRunner("hy", "hy_src")
