"""The concept files read as text: each cut into its preamble and its definitions,
and the three languages' definitions aligned by name.

A definition is a top-level `(define (name …`, `def name(…` or `(defn name […`
together with the comment lines directly above it; it runs to the next one.
`show` and the site print these texts exactly as the files hold them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from . import registry

FAMILIES = ("scheme", "python", "hy")
START = {"scheme": re.compile(r"\(define \(([^\s()]+)"),
         "python": re.compile(r"def (\w+)\("),
         "hy": re.compile(r"\(defn ([^\s\[\]()]+) \[")}
COMMENT = {"scheme": ";", "python": "#", "hy": ";"}


@dataclass(frozen=True)
class Definition:
    name: str        # Scheme spelling, whatever the language: gradient-sums
    text: str        # the lines as in the file, comments and docstring included
    line: int        # its first line in the file, counted from 1


@dataclass(frozen=True)
class Source:
    family: str
    stem: str
    preamble: str                      # the file's heading, imports and notes
    definitions: tuple[Definition, ...]

    @property
    def text(self) -> str:
        return registry.source(self.family, self.stem).read_text(encoding="utf-8")


def read(family: str, stem: str) -> Source:
    """Return one concept file cut into its preamble and its definitions."""
    lines = registry.source(family, stem).read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if START[family].match(line)]
    firsts = []
    for i in starts:  # take in the comment block directly above
        while i > 0 and lines[i - 1].lstrip().startswith(COMMENT[family]) and lines[i - 1].strip():
            i -= 1
        firsts.append(i)
    ends = firsts[1:] + [len(lines)]
    definitions = tuple(
        Definition(START[family].match(lines[s]).group(1).replace("_", "-"),
                   "\n".join(lines[f:e]).rstrip("\n").rstrip(), f + 1)
        for s, f, e in zip(starts, firsts, ends))
    preamble = "\n".join(lines[:firsts[0] if firsts else len(lines)]).strip("\n")
    return Source(family, stem, preamble, definitions)


def aligned(stem: str) -> list[tuple[str, dict]]:
    """Return the concept's definitions as (name, {family: Definition or None}) rows,
    in the Scheme file's order, with definitions only one language has where they fall."""
    sources = {f: read(f, stem) for f in FAMILIES}
    order: list[str] = []
    for f in FAMILIES:
        names = [d.name for d in sources[f].definitions]
        for k, name in enumerate(names):
            if name not in order:  # after the nearest earlier name this file shares
                before = [n for n in names[:k] if n in order]
                order.insert(order.index(before[-1]) + 1 if before else 0, name)
    table = {f: {d.name: d for d in sources[f].definitions} for f in FAMILIES}
    return [(name, {f: table[f].get(name) for f in FAMILIES}) for name in order]


# ---------------------------------------------------------------- documented examples

# Scheme:  ;;> (f 1.0 (2.0 3.0)) ⇒ 0.5        Hy:  (f 1.0 [2.0 3.0]) ; => 0.5
EXAMPLE = {"scheme": re.compile(r";;> (\(.*\)) ⇒ (.+)$", re.M),
           "hy": re.compile(r'^\s*(\(.*\)) ; => ([^"\n]+)', re.M)}


def read_datum(text: str):
    """Return the numbers and lists written in an example: (a b), [a b], 1/2, -0.5."""
    from .values import parse_value
    tokens = re.findall(r"[()\[\]]|[^\s()\[\]]+", text)

    def datum(i):
        if tokens[i] in "([":
            out, i = [], i + 1
            while tokens[i] not in ")]":
                item, i = datum(i)
                out.append(item)
            return out, i + 1
        t = tokens[i]
        return (Fraction(t) if "/" in t else parse_value(t)), i + 1
    value, end = datum(0)
    if end != len(tokens):
        raise ValueError(f"trailing text in {text!r}")
    return value


def examples(family: str, text: str):
    """Yield (function name, args, documented value) from one Scheme or Hy source text."""
    for call, value in EXAMPLE[family].findall(text):
        name = call[1:].split()[0]
        args = read_datum("(" + call[1 + len(name):])
        yield name, args, read_datum(value)
