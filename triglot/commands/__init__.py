"""The subcommands of `triglot`, one module each: `add_parser(sub)` and `run(opts)`."""


class UsageError(Exception):
    """Bad input on the command line: exit 2 with the message."""


NAMES = ("check", "call", "table", "fit", "show", "site", "explain", "fuzz", "phrasebook", "schemes", "bench")


def add_scheme_option(p) -> None:
    """`--scheme NAME|all`: the Scheme implementations to run (repeatable; default guile)."""
    from ..implementations import IMPLEMENTATIONS
    p.add_argument("--scheme", action="append", metavar="NAME",
                   help=f"the Scheme implementation(s) to run: {', '.join(IMPLEMENTATIONS)}, or all "
                        "(repeatable, or comma-separated; default guile); each adds a scheme/NAME result")


def chosen_schemes(opts) -> tuple[str, ...]:
    """Return the implementations named by --scheme (in the matrix's order), or ("guile",)."""
    from ..implementations import IMPLEMENTATIONS
    words = [w.strip() for given in (getattr(opts, "scheme", None) or ["guile"]) for w in given.split(",")]
    if "all" in words:
        return tuple(IMPLEMENTATIONS)
    for w in words:
        if w.removeprefix("scheme/") not in IMPLEMENTATIONS:
            raise UsageError(f"unknown Scheme implementation {w!r}; known: {', '.join(IMPLEMENTATIONS)}, all")
    named = {w.removeprefix("scheme/") for w in words}
    return tuple(name for name in IMPLEMENTATIONS if name in named)
