"""`triglot call --batch`: JSON Lines in, one record per line out, in order, as they are checked.

Line k of the output answers line k of the input, always: a line that cannot be
called (blank, not UTF-8, not JSON, an unknown function, a bad argument) gets an
error record naming its line, and every other line is still answered.  Lines
are read as they come and checked in chunks, so the answers of a long batch (or
of a slow producer on stdin) stream out while the rest is read.
"""
from __future__ import annotations

import json
import os
import re
import select
from fractions import Fraction

from . import arguments, registry
from .check import verdict
from .values import BadValue, format_outcome, format_value

try:  # a JSON decoder ten times faster than the standard library's, when installed
    from orjson import loads as fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency
    fast_loads = None

CHUNK = 2000        # calls checked together, at most
BOM = b"\xef\xbb\xbf"
SHAPE = 'each line is one call: {"function": NAME, "args": [ARGUMENT, …]}'


class BadLine(ValueError):
    """A line that cannot be called; the message names the line and why."""


def chunks(fd: int, size: int = CHUNK):
    """Yield lists of (line number, raw bytes), at most `size` long, as soon as input pauses."""
    pending, batch, number = b"", [], 0
    while True:
        if not batch or select.select([fd], [], [], 0)[0]:
            data = os.read(fd, 1 << 16)
            if not data:
                break
            pending += data
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                number += 1
                batch.append((number, raw))
                if len(batch) >= size:
                    yield batch
                    batch = []
        else:
            yield batch
            batch = []
    if pending:
        batch.append((number + 1, pending))
    if batch:
        yield batch


# A run of 19 digits may be an integer beyond 64 bits, which the fast decoder turns into a
# float, where the contract reads an exact integer: such a line takes the ordinary path.
LONG_DIGITS = re.compile(rb"\d{19}")


def parse_lines(lines) -> list:
    """Return, for each (number, raw) line, its (function, args), or the BadLine message.

    The common line, a known function whose parameters are all numbers and arguments
    that are JSON floats or integers, is decoded by the fast decoder and checked by
    type alone; anything else (or anything the fast decoder refuses: NaN, 1e400, a
    byte-order mark, big integers) goes through parse_line, the one definition of what a
    line may be, so both paths give the same call or the same message."""
    items = []
    plain = _plain_functions
    for number, raw in lines:
        item = None
        if fast_loads is not None and not LONG_DIGITS.search(raw):
            try:
                line = fast_loads(raw)
            except ValueError:
                line = None
            if type(line) is dict:
                name, args = line.get("function"), line.get("args")
                known = plain.get(name) if type(name) is str else None
                if known is None and type(name) is str:
                    known = _learn(name)
                if known and type(args) is list and len(args) == known[1]:
                    for a in args:
                        if type(a) is not float and type(a) is not int:
                            break
                    else:
                        item = (known[0], args)
                if item is None and known is not None and type(args) is list:
                    try:  # the checks of _parse, on what the fast decoder made
                        item = checked(registry.function(name), [arguments.from_json(a) for a in args])
                    except (BadValue, registry.BadCall):
                        item = None  # parse_line says what is wrong, in its words
        if item is None:
            try:
                item = parse_line(number, raw)
            except BadLine as e:
                item = str(e)
        items.append(item)
    return items


_plain_functions: dict = {}  # name as written → (Scheme name, arity) or False


def _learn(name: str):
    """Remember whether `name` is a function whose parameters all take numbers."""
    try:
        fn = registry.function(name)
    except registry.BadCall:
        known = False
    else:
        kinds = registry.parameter_kinds()
        known = (fn.name, len(fn.params)) if all(kinds[p] == "number" for p in fn.params) else False
    _plain_functions[name] = known
    return known


def parse_line(number: int, raw: bytes) -> tuple[str, list]:
    """Return (function, args) for one line, or raise BadLine saying what is wrong with it."""
    try:
        return _parse(number, raw)
    except (BadValue, registry.BadCall) as e:
        raise BadLine(f"line {number}: {e}") from None


def _parse(number: int, raw: bytes) -> tuple[str, list]:
    if number == 1 and raw.startswith(BOM):
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as e:
        raise BadValue(f"not UTF-8 (byte {raw[e.start]:#04x} at column {e.start + 1})") from None
    if not text.strip():
        raise BadValue(f"blank; {SHAPE}")
    try:
        item = arguments.load_json(text)
    except BadValue:
        raise
    except (ValueError, RecursionError) as e:
        raise BadValue(f"not JSON ({e}); {SHAPE}") from None
    if not isinstance(item, dict):
        raise BadValue(SHAPE)
    if "function" not in item or not isinstance(item["function"], str):
        raise BadValue('no "function" name; ' + SHAPE)
    if not isinstance(item.get("args"), list):
        raise BadValue('no "args" list; ' + SHAPE)
    fn = registry.function(item["function"])
    args = [arguments.from_json(a) for a in item["args"]]
    return checked(fn, args)


def checked(fn: registry.Function, args: list) -> tuple[str, list]:
    """Return (name, args) when the call can be made: the right number and kinds of argument."""
    if len(args) != len(fn.params):
        raise registry.BadCall(f"{fn.name} takes {len(fn.params)} argument(s) ({' '.join(fn.params)}), "
                               f"got {len(args)}")
    arguments.check_kinds(fn, args)
    return fn.name, args


# ---------------------------------------------------------------- records out

ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def call_record(name: str, args: list, outcomes: dict) -> dict:
    """The record of one checked call: the --json contract (README, "The commands")."""
    v = verdict(name, outcomes, args)
    return {"function": name, "args": [format_value(a) for a in args],
            "results": {lang: format_outcome(o) for lang, o in outcomes.items()},
            "identical": v.identical, "verdict": v.status, "notes": [n.id for n in v.notes]}


def _argument_json(a) -> str:
    """The JSON text of format_value(a) for an argument (TypeError for anything unusual)."""
    t = type(a)
    if t is float:
        return f'"{a!r}"'
    if t is int or t is Fraction:
        return f'"exact:{a}"'
    if t is list:
        return "[" + ", ".join(map(_argument_json, a)) + "]"
    raise TypeError(a)


class Records:
    """Writes the JSON record of each call for languages `names`, in one fixed order.

    The common record, one double that every language returned with the same bits, is
    written from a template; ENCODE(call_record(...)) is the definition it must equal
    (the tests compare the two), and it writes every other record."""

    def __init__(self, names):
        self.names = list(names)
        self.results = ", ".join(f'{json.dumps(n)}: {{{{"value": "{{0}}"}}}}' for n in self.names)
        self.heads: dict = {}

    def line(self, name: str, args: list, row) -> tuple[str, str]:
        """Return (the record's JSON text, its verdict) for the outcomes `row`, one per language."""
        first = row[0]
        if type(first) is float and first == first and first != 0.0:
            for other in row:
                if other != first or type(other) is not float:
                    break
            else:
                head = self.heads.get(name) or self.heads.setdefault(name, f'{{"function": {json.dumps(name)}, "args": [')
                try:
                    shown = ", ".join(map(_argument_json, args))
                except TypeError:
                    pass
                else:
                    return (head + shown + '], "results": {' + self.results.format(repr(first))
                            + '}, "identical": true, "verdict": "identical", "notes": []}'), "identical"
        record = call_record(name, args, dict(zip(self.names, row)))
        return ENCODE(record), record["verdict"]
