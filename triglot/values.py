"""The values that cross the language boundary, and their text forms.

A value is a float (inexact), an int or Fraction (exact), a bool, a complex
(only Scheme makes these: (log -1.0)), or a list of values.  An outcome is a
value or an Error.  Text forms:

    V     "0.5"  "-0.0"  "inf"  "nan"  "exact:1/2"  "true"  "complex:0.0+3.14i"
    wire  what the Scheme reader reads: 0.5  -0.0  +inf.0  +nan.0  1/2  #t

The phrasebook's cells return more kinds of value, each with one tagged V form:
a string "string:abc", a character "char:a", a symbol "symbol:car", None
"none", Scheme's unspecified value "unspecified", a vector ["vector:", V, …], a
tuple ["tuple:", V, …], a dict ["dict:", [K, V], …], an improper pair
["pair:", CAR, CDR], and anything else "opaque:TYPE" (a procedure, say).  These
are results only: arguments stay numbers, booleans and lists.
"""
from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from fractions import Fraction


# Exact integers are data of any size (Scheme has bignums): lift Python's
# 4300-digit limit on converting integers to and from text.
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)


@dataclass(frozen=True)
class Error:
    """A call that raised instead of returning: `kind` is the exception type
    (Python) or the condition key (Scheme).  `runner` marks a failure of the
    machinery (timeout, crash, garbled answer), which is never identical to anything."""

    kind: str
    message: str = ""
    runner: bool = False

    def __str__(self):
        return f"{self.kind}: {self.message}" if self.message else self.kind


class BadValue(ValueError):
    """An argument or a stored value that is not data triglot can carry."""


class Symbol(str):
    """A symbol (Scheme's 'car, Hy's 'car): not a string."""
    __slots__ = ()

    def __repr__(self):
        return f"Symbol({str(self)!r})"


class Char(str):
    """A Scheme character (#\\a): not a one-character string."""
    __slots__ = ()

    def __repr__(self):
        return f"Char({str(self)!r})"


class Vector(tuple):
    """A Scheme vector: not a list, not a tuple."""
    __slots__ = ()

    def __repr__(self):
        return f"Vector({list(self)!r})"


@dataclass(frozen=True)
class Pair:
    """An improper pair, (car . cdr) with a cdr that is not a list."""
    car: object
    cdr: object


@dataclass(frozen=True)
class Opaque:
    """A value no language can hand over as data (a procedure, a port): only its type."""
    type: str


class Unspecified:
    """Scheme's unspecified value (what set! and for-each return)."""
    def __repr__(self):
        return "UNSPECIFIED"


UNSPECIFIED = Unspecified()
TAGS = ("vector:", "tuple:", "dict:", "pair:")


# ---------------------------------------------------------------- V text

def format_value(v) -> str | list:
    """Return the V form of a value (a string, or a list for a list)."""
    if type(v) is float:  # the common case, kept fast
        return repr(v)
    if isinstance(v, str):
        return {Symbol: "symbol:", Char: "char:"}.get(type(v), "string:") + v
    if isinstance(v, tuple):
        return ["vector:" if isinstance(v, Vector) else "tuple:", *map(format_value, v)]
    if isinstance(v, dict):
        return ["dict:", *([format_value(k), format_value(x)] for k, x in v.items())]
    if isinstance(v, Pair):
        return ["pair:", format_value(v.car), format_value(v.cdr)]
    if v is None or v is UNSPECIFIED:
        return "none" if v is None else "unspecified"
    if isinstance(v, Opaque):
        return f"opaque:{v.type}"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Fraction)):
        return f"exact:{v}"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, complex):
        im = repr(v.imag)
        return f"complex:{v.real!r}{'' if im[0] in '+-' else '+'}{im}i"
    if isinstance(v, list):
        return [format_value(x) for x in v]
    raise BadValue(f"not a triglot value: {v!r}")


def format_outcome(o) -> dict:
    """Return {"value": V} or {"error": "Type: message"} (the --json `R`)."""
    if type(o) is float:
        return {"value": repr(o)}
    if isinstance(o, Error):
        return {"error": str(o)}
    return {"value": format_value(o)}


def describe(o) -> str:
    """Return an outcome as one line for people."""
    if isinstance(o, Error):
        return f"error {o}"
    v = format_value(o)
    return json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v


_SPECIAL = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf,
            "infinity": math.inf, "+infinity": math.inf, "-infinity": -math.inf,
            "nan": math.nan, "+nan": math.nan, "-nan": math.nan,
            "+inf.0": math.inf, "-inf.0": -math.inf, "+nan.0": math.nan, "-nan.0": math.nan}
_RATIONAL = re.compile(r"[+-]?\d+(/\d+)?\Z")


def parse_value(x, rich: bool = False):
    """Return the value named by a V string, a JSON number or bool, or a list of them.

    Floats: "0.5", "-0.0", "1e-308", "inf", "nan" (and Scheme's +inf.0 spellings).
    Exact numbers: "exact:3", "exact:-1/2", or a JSON integer.  With rich=True, also
    the phrasebook's kinds ("string:…", ["vector:", …], …): results, never arguments.
    """
    if isinstance(x, bool) or isinstance(x, float):
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, list):
        if rich and x and x[0] in TAGS:
            return _tagged(x[0], [parse_value(e, rich) for e in x[1:]])
        return [parse_value(e, rich) for e in x]
    if not isinstance(x, str):
        raise BadValue(f"not a number, boolean or list: {x!r}")
    if rich and (x in RICH_WORDS or x.startswith(RICH_PREFIXES)):
        return _rich_text(x)
    s = x.strip()
    low = s.lower()
    if low in _SPECIAL:
        return _SPECIAL[low]
    if low in ("true", "#t"):
        return True
    if low in ("false", "#f"):
        return False
    if _RATIONAL.match(s):  # 2, -1/2: exact, as JSON and Python read integers
        return _exact(Fraction(s))
    if low.startswith("exact:"):
        body = s[6:]
        if not _RATIONAL.match(body):
            raise BadValue(f"not an exact integer or ratio: {x!r}")
        return _exact(Fraction(body))
    if low.startswith("complex:"):
        body = s[8:]
        cut = max((i for i, c in enumerate(body) if c in "+-" and i > 0 and body[i - 1] not in "eE"),
                  default=0)
        if not cut or not body.endswith("i"):
            raise BadValue(f"not a complex number: {x!r}")
        return complex(_float(body[:cut]), _float(body[cut:-1]))
    return _float(s)


def _tagged(tag: str, items: list):
    """Return the vector, tuple, dict or pair that a tagged V array names."""
    if tag == "dict:":
        if not all(isinstance(kv, list) and len(kv) == 2 for kv in items):
            raise BadValue("a dict's items are [key, value] pairs")
        return {k: v for k, v in items}
    if tag == "pair:":
        if len(items) != 2:
            raise BadValue("a pair has a car and a cdr")
        return Pair(*items)
    return Vector(items) if tag == "vector:" else tuple(items)


RICH_WORDS = {"none": None, "unspecified": UNSPECIFIED}
RICH_PREFIXES = ("string:", "char:", "symbol:", "opaque:")


def _rich_text(x: str):
    """Return the string, character, symbol, None, unspecified or opaque value a V string names."""
    if x in RICH_WORDS:
        return RICH_WORDS[x]
    tag, _, body = x.partition(":")
    return {"string": str, "char": Char, "symbol": Symbol, "opaque": Opaque}[tag](body)


def _float(s: str) -> float:
    try:
        return float(s)
    except ValueError:
        if s.lower() in _SPECIAL:  # Scheme's +inf.0, -inf.0, +nan.0
            return _SPECIAL[s.lower()]
        if "/" in s:  # the exact value of a double, from a shim whose printer rounds (a dyadic
            try:      # p/q converts exactly; any other ratio is correctly rounded)
                return float(Fraction(s))
            except (ValueError, ZeroDivisionError, OverflowError):
                pass
        raise BadValue(f"not a number: {s!r}") from None


def _exact(q: Fraction):
    return q.numerator if q.denominator == 1 else q


# ---------------------------------------------------------------- Scheme wire text

def to_scheme(v) -> str:
    """Return the Scheme datum text of a value (what the Scheme reader reads)."""
    if type(v) is float and v - v == 0.0:  # finite: Python's repr reads back exactly in Scheme
        return repr(v)
    if isinstance(v, bool):
        return "#t" if v else "#f"
    if isinstance(v, (int, Fraction)):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "+nan.0"
        if math.isinf(v):
            return "+inf.0" if v > 0 else "-inf.0"
        return repr(v)
    if isinstance(v, list):
        return "(" + " ".join(to_scheme(e) for e in v) + ")"
    raise BadValue(f"cannot send {v!r} to Scheme")


def _opaque(text: str) -> Opaque:
    """Return the opaque value of a Scheme object's printed form: its type, not its text."""
    found = re.match(r"#<(\w[\w-]*)", text)
    return Opaque(found.group(1) if found else "object")


def from_scheme(x):
    """Return the value of one tagged Scheme answer (decoded JSON).

    "f<number>" inexact real, "x<number>" exact, "c<re> <im>" complex,
    true/false booleans, arrays lists; "s<text>" string, "h<c>" character,
    "y<name>" symbol, "u" unspecified, {"vector": [...]}, {"pair": [car, cdr]};
    "o<text>" is any other object (kept as its type only).
    """
    if type(x) is str and x[0] == "f":  # the common case, kept fast
        return _float(x[1:])
    if isinstance(x, bool):
        return x
    if isinstance(x, list):
        return [from_scheme(e) for e in x]
    if isinstance(x, dict):  # {"vector": [...]} or {"pair": [car, cdr]}
        if "vector" in x:
            return Vector(from_scheme(e) for e in x["vector"])
        return Pair(from_scheme(x["pair"][0]), from_scheme(x["pair"][1]))
    tag, body = x[0], x[1:]
    if tag in "shyuo":  # string, character, symbol, unspecified, any other object
        return {"s": str, "h": Char, "y": Symbol, "u": lambda _: UNSPECIFIED, "o": _opaque}[tag](body)
    if tag == "f":
        return _float(body)
    if tag == "x":
        return _exact(Fraction(body))
    if tag == "c":
        re_, im = body.split(" ")
        return complex(_float(re_), _float(im))
    raise BadValue(f"Scheme returned a value that is not a number, boolean or list: {body}")
