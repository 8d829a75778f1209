"""The command line: wiring only; each subcommand lives in triglot/commands/.

Exit codes, for every command:
  0    identical, or a documented difference
  1    an unexplained difference (or a failed case, row or claim)
  2    bad input: the message names the argument, line or file
  3    a language cannot run (Guile missing: the message says how to install it)
  4    a call timed out
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM): the Scheme processes are killed
  141  the output pipe closed early (`triglot … | head`): stops quietly
"""
from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from . import registry
from .cases import BadCase
from .commands import NAMES, UsageError
from .scheme import SchemeUnavailable
from .values import BadValue


def parser() -> argparse.ArgumentParser:
    from importlib.metadata import version
    p = argparse.ArgumentParser(prog="triglot", description=(
        "The mathematics of machine learning in Scheme, Python and Hy, proven identical "
        "bit for bit. Languages: python, hy, scheme/guile (--scheme NAME|all for Chez, Gambit, "
        "CHICKEN, MIT and Racket too)."), epilog=(
        "Exit codes: 0 identical or documented, 1 an unexplained difference, 2 bad input, 3 a language "
        "cannot run, 4 a call timed out, 130 interrupted, 141 output pipe closed."))
    p.add_argument("--version", action="version", version=f"triglot {version('triglot')}")
    sub = p.add_subparsers(dest="command", required=True)
    for name in NAMES:
        importlib.import_module(f".commands.{name}", __package__).add_parser(sub)
    return p


def _call_argv(argv: list[str]) -> list[str]:
    """Return `call`'s argv with its flags first and every other word after `--`,
    so that negative numbers (-1000, -1e-5, -inf) are arguments, not options."""
    flags, rest, words = [], [], iter(argv)
    for a in words:
        if a in ("--json", "-h", "--help") or a.startswith(("--batch=", "--timeout=", "--scheme=")):
            flags.append(a)
        elif a in ("--batch", "--timeout", "--scheme"):
            flags += [a, next(words, "")]
        elif a == "--":
            rest += list(words)
        else:
            rest.append(a)
    return [*flags, "--", *rest]


class Terminated(BaseException):
    """SIGTERM: stop as Ctrl-C does."""


def _terminate(signum, frame):
    raise Terminated


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["call"]:
        argv = ["call", *_call_argv(argv[1:])]
    try:
        opts = parser().parse_args(argv)
    except SystemExit as e:  # --help (0), or argparse's own usage error (2), already printed
        return e.code if isinstance(e.code, int) else 2
    from rich.console import Console
    Console.on_broken_pipe = _raise_broken_pipe
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        code = opts.run(opts)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
        return code
    except (UsageError, BadValue, registry.BadCall, BadCase, OSError) as e:
        if isinstance(e, BrokenPipeError):
            return _pipe_closed()
        print(f"triglot: {e}", file=sys.stderr)
        return 2
    except SchemeUnavailable as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("triglot: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("triglot: terminated", file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_broken_pipe(console) -> None:
    """rich's Console exits with 1 on a closed pipe; let it raise, so that 141 is returned."""
    raise BrokenPipeError


def _pipe_closed() -> int:
    """The reader of our output went away (`| head`): stop quietly, as a Unix filter does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout at exit
    return 141


if __name__ == "__main__":
    sys.exit(main())
