"""The subcommands of `triglot`, one module each: `add_parser(sub)` and `run(opts)`."""


class UsageError(Exception):
    """Bad input on the command line: exit 2 with the message."""


NAMES = ("check", "call", "table", "fit", "show", "site", "explain", "fuzz", "phrasebook")
