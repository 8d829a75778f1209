"""The command line: wiring only; each subcommand lives in triglot/commands/.

Exit codes: 0 identical or documented; 1 an unexplained difference or a
failed case; 2 bad input (unknown function, an argument that is not data);
3 a language could not be run (for example Guile is not installed).
"""
from __future__ import annotations

import argparse
import importlib
import sys

from . import registry
from .cases import BadCase
from .commands import NAMES, UsageError
from .scheme import SchemeUnavailable
from .values import BadValue


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="triglot", description=(
        "The mathematics of machine learning in Scheme, Python and Hy, proven identical "
        "bit for bit. Languages: python, hy, scheme/guile."))
    sub = p.add_subparsers(dest="command", required=True)
    for name in NAMES:
        importlib.import_module(f".commands.{name}", __package__).add_parser(sub)
    return p


def _call_argv(argv: list[str]) -> list[str]:
    """Return `call`'s argv with its flags first and every other word after `--`,
    so that negative numbers (-1000, -1e-5, -inf) are arguments, not options."""
    flags, rest, words = [], [], iter(argv)
    for a in words:
        if a in ("--json", "-h", "--help") or a.startswith("--batch="):
            flags.append(a)
        elif a == "--batch":
            flags += [a, next(words, "")]
        elif a == "--":
            rest += list(words)
        else:
            rest.append(a)
    return [*flags, "--", *rest]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["call"]:
        argv = ["call", *_call_argv(argv[1:])]
    opts = parser().parse_args(argv)
    try:
        return opts.run(opts)
    except (UsageError, BadValue, registry.BadCall, BadCase, OSError) as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 2
    except SchemeUnavailable as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
