"""Where things are, and the concepts in the order the mathematics builds them.

The order lives in concepts.toml only; everything else reads it from here.
"""
from __future__ import annotations

import os
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path


def load_toml(name: str) -> dict:
    """Return one of the project's data files (concepts.toml, notes.toml, notation.toml)."""
    return tomllib.loads((root() / name).read_text(encoding="utf-8"))


def root() -> Path:
    """Return the project folder (TRIGLOT_ROOT, else the checkout holding this package)."""
    env = os.environ.get("TRIGLOT_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Function:
    name: str          # Scheme spelling: cross-entropy-from-logit
    params: tuple[str, ...]
    math: str
    stem: str          # the concept's file stem

    @property
    def python_name(self) -> str:
        """The Python spelling: `-` becomes `_` (as Hy's mangling does)."""
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class Concept:
    stem: str
    title: str
    functions: tuple[Function, ...]


@cache
def concepts() -> tuple[Concept, ...]:
    """Return the concepts of concepts.toml, in order."""
    data = load_toml("concepts.toml")
    return tuple(
        Concept(c["stem"], c["title"],
                tuple(Function(f["name"], tuple(f["params"]), f["math"], c["stem"]) for f in c["functions"]))
        for c in data["concept"])


@cache
def functions() -> dict[str, Function]:
    """Return every function by its Scheme name, in concept order."""
    return {f.name: f for c in concepts() for f in c.functions}


@cache
def parameter_kinds() -> dict[str, str]:
    """Return what each parameter takes, by name: number, count, numbers or rows."""
    return dict(load_toml("concepts.toml")["parameters"])


class BadCall(ValueError):
    """A call that cannot be made: an unknown function or the wrong number of arguments."""


class UnknownFunction(BadCall, LookupError):
    pass


def function(name: str) -> Function:
    """Return the function called `name` (Scheme or Python spelling)."""
    table = functions()
    key = name.replace("_", "-")
    if key not in table:
        raise UnknownFunction(f"unknown function {name!r}; known: {', '.join(table)}")
    return table[key]


def source(language: str, stem: str) -> Path:
    """Return the source file of a concept in one language family."""
    folder, ext = {"scheme": ("scheme_src", ".scm"), "python": ("python_src", ".py"),
                   "hy": ("hy_src", ".hy")}[language]
    return root() / folder / f"{stem}{ext}"
