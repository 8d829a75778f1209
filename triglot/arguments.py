"""The grammar of an argument, written once: what `triglot call` and `--batch` accept.

An argument is a number or a list of arguments, nested at most DEPTH deep:

    exact integer   [+-]DIGITS                       1000   -3
    exact ratio     [+-]DIGITS/DIGITS, or exact:N/D  1/2    exact:-3/4   (the denominator is not 0)
    float           [+-]DIGITS.DIGITS[e[+-]DIGITS]   0.5  -0.0  1e-320  .5  2.  1E3
    special float   inf  +inf  -inf  nan  and Scheme's +inf.0  -inf.0  +nan.0
    list            [ARGUMENT, ARGUMENT, …]          [1, 2.0, inf, 1/2]   []

Digits are ASCII: no underscores (1_000), no other scripts' digits, no Unicode
minus.  A float beyond the double range (1e400) is refused rather than made inf;
NaN has no sign triglot carries, so -nan is refused.  Booleans, strings, tuples,
dicts and names are not arguments.  In a batch file (JSON) an argument is a JSON
number (an integer is exact), a JSON string holding one of the scalar forms above
("inf", "1/2", "exact:1/2", "-0.0"), or an array of arguments.

Each parameter also has a kind (concepts.toml's [parameters]): a number, a count
(an exact integer ≥ 0), a list of numbers, or a list of lists of numbers.
"""
from __future__ import annotations

import json
import math
import re
from fractions import Fraction

from . import registry
from .values import BadValue

DEPTH = 32
LONGEST = 1_000_000  # characters in one argument (a bignum of 20,000 digits is fine)
SHOWN = 60          # characters of a bad argument quoted in a message
INTEGER = re.compile(r"[+-]?[0-9]+\Z", re.ASCII)
RATIO = re.compile(r"[+-]?[0-9]+/[0-9]+\Z", re.ASCII)
FLOAT = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?\Z", re.ASCII)
SPECIAL = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "nan": math.nan,
           "+inf.0": math.inf, "-inf.0": -math.inf, "+nan.0": math.nan}


def shown(text) -> str:
    """Return a bad argument quoted for a message, cut to SHOWN characters."""
    text = repr(text)
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def scalar(text: str):
    """Return the number one scalar token names, or raise BadValue saying why not."""
    low = text.lower()
    if low in SPECIAL:
        return SPECIAL[low]
    body = text[6:] if low.startswith("exact:") else text
    if INTEGER.match(body):
        return int(body)
    if RATIO.match(body):
        top, bottom = body.split("/")
        if int(bottom) == 0:
            raise BadValue(f"{shown(text)} divides by zero")
        q = Fraction(int(top), int(bottom))
        return q.numerator if q.denominator == 1 else q
    if body is text and FLOAT.match(text):
        x = float(text)
        if math.isinf(x):
            raise BadValue(f"{shown(text)} is beyond the double range (write inf for infinity)")
        return x
    raise BadValue(f"{shown(text)} is not a number ({why(text)})")


def why(text: str) -> str:
    """Return the likely reason a token is not a number, for the message."""
    if text.lower() in ("true", "false", "#t", "#f"):
        return "booleans are not arguments: Scheme's #t is no number, while Python's True is the int 1"
    if text.lower() in ("-nan", "-nan.0"):
        return "NaN has no sign that triglot carries: write nan"
    if "_" in text:
        return "write digits without underscores"
    if not text.isascii():
        return "digits and signs are ASCII: 0-9, + and -"
    return "see `triglot call --help` for the forms of a number"


def parse_argument(text: str, where: str = "argument"):
    """Return the value of one command-line argument (the grammar above)."""
    try:
        if len(text) > LONGEST:
            raise BadValue(f"longer than {LONGEST:,} characters")
        tokens = re.findall(r"\[|\]|,|[^\s\[\],]+", text)
        if not tokens:
            raise BadValue("empty")
        value, end = _item(tokens, 0, 0, text)
        if end != len(tokens):
            raise BadValue(f"{shown(text)} has more after its value")
        return value
    except BadValue as e:
        raise BadValue(f"{where}: {e}") from None


def _item(tokens, i, depth, text):
    """Return (value, next index) for the item starting at tokens[i]."""
    if i >= len(tokens):
        raise BadValue(f"{shown(text)} ends too soon")
    if tokens[i] != "[":
        if tokens[i] in "],":
            raise BadValue(f"{shown(text)} has {tokens[i]!r} where a number belongs")
        return scalar(tokens[i]), i + 1
    if depth >= DEPTH:
        raise BadValue(f"{shown(text)} nests lists more than {DEPTH} deep")
    items, i = [], i + 1
    while i < len(tokens) and tokens[i] != "]":
        item, i = _item(tokens, i, depth + 1, text)
        items.append(item)
        if i < len(tokens) and tokens[i] == ",":
            i += 1
        elif i < len(tokens) and tokens[i] != "]":
            raise BadValue(f"{shown(text)} needs a comma between items")
    if i >= len(tokens):
        raise BadValue(f"{shown(text)} has a [ without its ]")
    return items, i + 1


def from_json(x, depth: int = 0):
    """Return the value of one argument of a batch line (decoded JSON)."""
    if type(x) is float and x - x == 0.0:  # a finite double: the common case, kept fast
        return x
    if isinstance(x, bool) or x is None or isinstance(x, dict):
        raise BadValue(f"{shown(json.dumps(x))} is not a number ({why(str(x).lower())})")
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        if math.isinf(x):
            raise BadValue("a number beyond the double range (write \"inf\" for infinity)")
        return x
    if isinstance(x, str):
        if INTEGER.match(x):
            raise BadValue(f"{shown(x)} is a string: write the number {x} or \"exact:{x}\"")
        return scalar(x)
    if depth >= DEPTH:
        raise BadValue(f"lists nested more than {DEPTH} deep")
    return [from_json(e, depth + 1) for e in x]


def load_json(text: str):
    """Return a batch line's JSON, refusing nesting deeper than the grammar allows."""
    if text.count("[") + text.count("{") <= DEPTH + 2:  # cannot nest too deep: the common case
        return json.loads(text)
    depth = 0
    for ch in text:  # a scan first: json.loads recurses once per level
        depth += ch in "[{"
        if depth > DEPTH + 2:
            raise BadValue(f"lists nested more than {DEPTH} deep")
        depth -= ch in "]}"
    return json.loads(text)


# ---------------------------------------------------------------- the kinds of parameter

def is_number(v) -> bool:
    return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)


KINDS = {
    "number": ("a number", is_number),
    "count": ("a count (an exact integer ≥ 0)", lambda v: type(v) is int and v >= 0),
    "numbers": ("a list of numbers", lambda v: isinstance(v, list) and all(map(is_number, v))),
    "rows": ("a list of lists of numbers",
             lambda v: isinstance(v, list) and all(isinstance(r, list) and all(map(is_number, r)) for r in v)),
}


def check_kinds(fn: registry.Function, args: list) -> None:
    """Raise BadValue unless each argument is of its parameter's kind."""
    kinds = registry.parameter_kinds()
    for name, value in zip(fn.params, args):
        label, ok = KINDS[kinds[name]]
        if not ok(value):
            from .values import describe
            raise BadValue(f"{fn.name}'s {name} is {label}; got {shown(describe(value))}")
