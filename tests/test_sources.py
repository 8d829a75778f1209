"""The three source trees stay parallel: same stems, same functions, examples that run."""
import ast
import doctest
import importlib
import re

import hy
import pytest

from triglot import registry, sources
from triglot.compare import identical

CONCEPTS = registry.concepts()
FUNCTIONS = list(registry.functions().values())


@pytest.mark.parametrize("family", ["scheme", "python", "hy"])
def test_every_concept_has_a_file_in_every_language(family):
    for c in CONCEPTS:
        assert registry.source(family, c.stem).is_file(), registry.source(family, c.stem)
    folder = registry.source(family, "x").parent
    extra = {p.stem for p in folder.glob("*" + registry.source(family, "x").suffix)} - {c.stem for c in CONCEPTS}
    assert extra <= {"__init__"}, f"{folder.name} has files for no concept: {extra}"


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.name)
def test_hy_mangles_to_the_python_name(fn):
    assert hy.mangle(fn.name) == fn.python_name
    for family, package in (("python", "python_src"), ("hy", "hy_src")):
        module = importlib.import_module(f"{package}.{fn.stem}")
        assert callable(getattr(module, fn.python_name, None)), f"{package}.{fn.stem} lacks {fn.python_name}"


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.name)
def test_scheme_defines_every_function(fn):
    text = registry.source("scheme", fn.stem).read_text()
    assert re.search(rf"^\(define \({re.escape(fn.name)} {' '.join(fn.params)}\)", text, re.M), fn.name


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.stem)
def test_python_uses_the_standard_library_only(concept):
    tree = ast.parse(registry.source("python", concept.stem).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(a.name == "math" for a in node.names), ast.dump(node)
        if isinstance(node, ast.ImportFrom):
            assert node.level == 1, f"{concept.stem}: only sibling concepts may be imported: {ast.dump(node)}"


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.stem)
def test_python_docstring_examples_run(concept):
    module = importlib.import_module(f"python_src.{concept.stem}")
    result = doctest.testmod(module)
    assert result.attempted >= len(concept.functions) and result.failed == 0


@pytest.mark.parametrize("family", ["scheme", "hy"])
def test_lisp_examples_run(languages, family):
    """Every function documents one example call in every language, and it is true."""
    found = {}
    for c in CONCEPTS:
        for name, args, value in sources.examples(family, registry.source(family, c.stem).read_text()):
            found.setdefault(name, []).append((args, value))
    names = [f.name for f in FUNCTIONS]
    assert set(names) <= set(found), f"no {family} example for {set(names) - set(found)}"
    language = "scheme/guile" if family == "scheme" else "hy"
    for name, documented in found.items():
        if name not in names:
            continue  # a helper (log1p, gradient-sums): run through the functions that use it
        for args, want in documented:
            got = languages.call(name, args)[language]
            assert identical(got, want), f"({name} {args}) documents {want!r}, gives {got!r}"
