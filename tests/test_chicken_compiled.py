"""CHICKEN's compiled mode: the concept sources are compiled by csc to shared
objects, kept in TRIGLOT_CACHE/chicken and loaded from there at the next
start; a changed source is compiled afresh, a damaged object is compiled
again, and the compiled code answers exactly as the interpreted code does
(chicken.scm's header says how).

One cache serves the module (compiling every source takes seconds); the tests
that need an empty or unwritable cache have one of their own.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from support import broken_copy
from triglot import cases as casefile
from triglot import registry
from triglot.compare import identical
from triglot.implementations import CHICKEN
from triglot.scheme import SchemeRunner, SchemeUnavailable
from triglot.values import Error

CONCEPTS = len(registry.concepts())
STEMS = [c.stem for c in registry.concepts()]
LAST = f"scheme_src/{STEMS[-1]}.scm"  # a change here is compiled alone: the sources before it are cached


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """The module's cache, filled by one first start: yield (its chicken folder, that start's
    (compiled, cached) counts)."""
    base = tmp_path_factory.mktemp("chicken-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRIGLOT_CACHE", str(base))
        with SchemeRunner(CHICKEN) as r:
            r.start()
            assert identical(r.call("sigmoid", [0.0]), 0.5)
            first = (r.compiled_at_start, r.cached_at_start)
        yield base / "chicken", first


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    """An empty cache of this test's own: return its chicken folder."""
    monkeypatch.setenv("TRIGLOT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "chicken"


def objects(folder: Path) -> list[Path]:
    return sorted(folder.glob("chicken-*/*.so"))


def own_objects(folder: Path, **options) -> list[Path]:
    """The objects of this project's concept sources, in the order they load."""
    _, args = SchemeRunner(CHICKEN, **options).shim_arguments()
    keys = [args[i + 1] for i, a in enumerate(args) if a == "--compile"]
    version = objects(folder)[0].parent
    return [version / f"{key}.so" for key in keys]


def stamps(folder: Path) -> dict:
    """Each compiled file's identity: inode, modification time, size."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in objects(folder)}


def leftovers(folder: Path) -> list[Path]:
    """Work folders and temporary files the compiler left behind."""
    return [p for p in folder.rglob("*") if p.name.startswith(".")]


def call(name: str, args: list, **options):
    """Start a CHICKEN runner, make one call, close it: return (outcome, compiled, cached)."""
    with SchemeRunner(CHICKEN, **options) as r:
        r.start()
        return r.call(name, args), r.compiled_at_start, r.cached_at_start


def start_failure(**options) -> str:
    """The load-error line of a start that fails."""
    with pytest.raises(SchemeUnavailable) as info:
        with SchemeRunner(CHICKEN, **options) as r:
            r.start()
    message = str(info.value)
    assert "could not load" in message, message
    return message.split(": ", 1)[1]


def shim(args: list[str], names: list[str], requests: bytes = b"", **run) -> list[str]:
    """Run the shim on a command line of its own: its output lines."""
    argv = CHICKEN.argv(args, names, compiled=True)
    done = subprocess.run(argv, input=requests, capture_output=True, timeout=120, **run)
    return done.stdout.decode().splitlines()


# ====================================================================== the second start uses the cache

def test_first_start_compiles_every_source_and_the_next_loads_them_all(cache):
    folder, first = cache
    assert first == (CONCEPTS, 0), "one compiled object per concept source"
    files = objects(folder)
    assert len(files) == CONCEPTS
    assert files[0].parent.name.startswith("chicken-" + CHICKEN.version.split()[-1]), \
        "CHICKEN's version names the folder"
    before = stamps(folder)

    outcome, compiled, cached = call("sigmoid", [0.0])
    assert identical(outcome, 0.5) and (compiled, cached) == (0, CONCEPTS)
    assert stamps(folder) == before, "a start from the cache rewrites nothing"
    assert not leftovers(folder), "no work folder or temporary file is left behind"

    # interpreted, as before the cache: it neither reads nor writes it
    outcome, compiled, cached = call("sigmoid", [0.0], compiled=False)
    assert identical(outcome, 0.5) and (compiled, cached) == (0, 0)
    assert stamps(folder) == before


def test_a_changed_source_is_compiled_afresh_and_its_new_code_runs(cache, tmp_path, monkeypatch):
    folder, _ = cache
    original = stamps(folder)
    after = CONCEPTS - STEMS.index("logistic_regression")  # it and the sources after it
    env = broken_copy(tmp_path, "scheme_src/logistic_regression.scm", "(total 0.0)", "(total 100.0)")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    assert call("dot", [[1.0], [1.0]]) == (101.0, after, CONCEPTS - after)
    assert call("dot", [[1.0], [1.0]]) == (101.0, 0, CONCEPTS)

    monkeypatch.delenv("TRIGLOT_ROOT")  # the project itself still finds its own objects, untouched
    assert call("dot", [[1.0], [1.0]]) == (1.0, 0, CONCEPTS)
    assert all(stamps(folder)[p] == s for p, s in original.items())


# ====================================================================== damaged objects

def test_damaged_objects_are_compiled_again_never_a_crash(cache):
    folder, _ = cache
    files = own_objects(folder)
    assert all(f.exists() for f in files)
    half, last_byte, empty, junk, foreign = files[:5]
    half.write_bytes(half.read_bytes()[:half.stat().st_size // 2])
    last_byte.write_bytes(last_byte.read_bytes()[:-1])
    empty.write_bytes(b"")
    # text, not an object, with a trailer that fits it: never evaluated as Scheme
    code = b"(exit 7)\n" * 50
    junk.write_bytes(code + b"triglot-so" + len(code).to_bytes(8, "big"))
    foreign.write_bytes(files[5].read_bytes())  # another source's object
    assert call("sigmoid", [0.0]) == (0.5, 5, CONCEPTS - 5)
    assert all(f.exists() for f in files), "each damaged object was replaced"
    assert call("sigmoid", [0.0]) == (0.5, 0, CONCEPTS)
    assert not leftovers(folder)


def test_source_compiled_from_its_file_when_its_text_copy_is_gone(own_cache, tmp_path):
    source = registry.source("scheme", "sigmoid")
    lines = shim(["--cache", str(own_cache),
                  "--compile", "0" * 64, str(tmp_path / "gone.scm"), str(source)], ["sigmoid"],
                 b"(0 0 0.0)\n")
    assert lines == ['["ready",1,1,0]', '[0,"ok","f0.5"]']
    assert objects(own_cache) == [] and not leftovers(own_cache), "nothing is kept"


def test_unwritable_cache_still_starts(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("TRIGLOT_CACHE", str(tmp_path / "a-file" / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    assert call("sigmoid", [0.0]) == (0.5, CONCEPTS, 0)
    assert not [p for p in (tmp_path / "tmp").rglob("*") if p.is_file()], "the work folders are gone"


def test_two_processes_starting_at_once_share_the_cache(own_cache, tmp_path):
    texts = own_cache / "sources"
    texts.mkdir(parents=True)
    args = ["--cache", str(own_cache)]
    for i, stem in enumerate(STEMS[:2]):
        source = registry.source("scheme", stem)
        (texts / source.name).write_bytes(source.read_bytes())
        args += ["--compile", f"{i}" * 64, str(texts / source.name), str(source)]
    out = [None, None]

    def run(k):
        out[k] = shim(args, ["surprise"], b"(0 0 0.5)\n")
    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for lines in out:
        hello = json.loads(lines[0])
        assert hello[:2] == ["ready", 1] and hello[2] + hello[3] == 2
        assert lines[1] == '[0,"ok","f0.69314718055994529"]'
    assert len(objects(own_cache)) == 2 and not leftovers(own_cache)
    assert shim(args, ["surprise"])[0] == '["ready",1,0,2]'


# ====================================================================== compiled sources fail as interpreted

def test_load_error_in_a_compiled_source_names_the_source(cache, tmp_path, monkeypatch):
    env = broken_copy(tmp_path, LAST, "(define (list-prefix", "(define y (add1 1))\n(define (list-prefix")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    interpreted = start_failure(compiled=False)
    source = str(Path(env["TRIGLOT_ROOT"]) / LAST)
    assert json.loads(interpreted) == ["load-error", "runtime", "unbound variable: add1", source]
    assert start_failure() == interpreted, "compiled now"
    assert start_failure() == interpreted, "loaded from the cache"


@pytest.mark.parametrize("broken, kind", [
    ("(define (bad x) (let ((x)) x))\n", "syntax"),   # the compiler refuses it: evaluation says why
    ("(define (bad x)\n  (+ x 1)\n", "syntax"),       # a read error, before any compiling
])
def test_a_source_the_compiler_refuses_fails_as_interpreted(cache, tmp_path, monkeypatch, broken, kind):
    folder, _ = cache
    count = len(objects(folder))
    env = broken_copy(tmp_path, LAST, "(define (list-prefix", broken + "(define (list-prefix")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    interpreted = start_failure(compiled=False)
    assert json.loads(interpreted)[:2] == ["load-error", kind]
    assert start_failure() == interpreted
    assert len(objects(folder)) == count, "nothing was kept"
    assert not leftovers(folder)


def test_unbound_name_in_a_compiled_body_errors_at_call_time(cache, tmp_path, monkeypatch):
    env = broken_copy(tmp_path, LAST, "(define (list-prefix",
                      "(define (chicken-only x) (add1 x))\n(define (list-prefix")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    options = {"extra_functions": ["chicken-only"]}
    interpreted, *_ = call("chicken-only", [1], compiled=False, **options)
    assert isinstance(interpreted, Error) and not interpreted.runner
    assert "unbound variable: add1" in interpreted.message
    for counts in [(1, CONCEPTS - 1), (0, CONCEPTS)]:
        err, *got = call("chicken-only", [1], **options)
        assert tuple(got) == counts
        assert (err.kind, err.message, err.runner) == (interpreted.kind, interpreted.message, False)


def test_compiled_sources_see_what_evaluated_ones_see(cache, tmp_path):
    """An imported name defined by a source is the source's own from that definition on (in
    eval, and so compiled); its macros reach the later sources, compiled or not."""
    first = tmp_path / "first.scm"
    first.write_text("(define (before x) (square x))\n"
                     "(define (square x) (+ x 1000))\n"
                     "(define (after x) (square x))\n"
                     "(define-syntax twice (syntax-rules () ((_ e) (* 2 e))))\n")
    second = tmp_path / "second.scm"
    second.write_text("(define (later x) (twice (square x)))\n"
                      "(define (chicken-name x) (void))\n")
    names = ["before", "after", "later", "chicken-name"]
    options = {"extra_sources": [first, second], "extra_functions": names}
    calls = [(n, [3]) for n in names]
    with SchemeRunner(CHICKEN, compiled=False, **options) as r:
        interpreted = r.call_many(calls)
    assert interpreted[:3] == [9, 1003, 2006] and "void" in interpreted[3].message
    with SchemeRunner(CHICKEN, compile_extra=True, **options) as r:
        compiled = r.call_many(calls)
        assert (r.compiled_at_start, r.cached_at_start) == (2, CONCEPTS)
    assert compiled[:3] == interpreted[:3]
    assert (compiled[3].kind, compiled[3].message) == (interpreted[3].kind, interpreted[3].message)


# ====================================================================== same answers as interpreted

def test_compiled_answers_are_the_interpreted_answers_for_every_case(cache):
    chosen = casefile.all_cases()
    calls = [(registry.function(c.property).name, c.args) for c in chosen]
    with SchemeRunner(CHICKEN, compiled=False) as r:
        interpreted = r.call_many(calls)
    with SchemeRunner(CHICKEN) as r:
        compiled = r.call_many(calls)
        assert (r.compiled_at_start, r.cached_at_start) == (0, CONCEPTS)
    assert len(compiled) == len(interpreted) == len(chosen) > 300
    for case, x, y in zip(chosen, interpreted, compiled):
        assert identical(x, y), (case.uuid, x, y)
        if isinstance(x, Error):
            assert (x.kind, x.message, x.runner) == (y.kind, y.message, y.runner), (case.uuid, x, y)
