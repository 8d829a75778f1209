"""`triglot call --batch`: JSON Lines in, one record per line out, in order, as they are checked.

Line k of the output answers line k of the input, always: a line that cannot be
called (blank, not UTF-8, not JSON, an unknown function, a bad argument) gets an
error record naming its line, and every other line is still answered.  Lines
are read as they come and checked in chunks, so the answers of a long batch (or
of a slow producer on stdin) stream out while the rest is read.
"""
from __future__ import annotations

import os
import select

from . import arguments, registry
from .values import BadValue

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
