"""Gambit's compiled mode: the concept sources are compiled by gsc (through gcc)
to object files, kept in TRIGLOT_CACHE/gambit, and loaded from there at the
next start; a changed source is compiled afresh with the sources after it, a
damaged file is compiled again, and the compiled code answers exactly as the
interpreted code does, or fails to load exactly as it does.

A full compile costs seconds of gcc, so the tests share one cache (a module
fixture) and compile afresh only where that is what they test.
"""
from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from support import broken_copy
from triglot import cases, registry
from triglot.compare import identical
from triglot.implementations import GAMBIT
from triglot.scheme import SchemeRunner, SchemeUnavailable, cache_folder
from triglot.values import Error

CONCEPTS = len(registry.concepts())
ORDER = [c.stem for c in registry.concepts()]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """The module's cache (TRIGLOT_CACHE), filled by a first start: return its gambit
    folder and that start's (outcome, compiled, cached)."""
    base = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRIGLOT_CACHE", str(base))
        first = call("sigmoid", [0.0])
        yield base / "gambit", first


def call(name: str, args: list, **options):
    """Start a runner, make one call, close it: return (outcome, compiled, cached)."""
    with SchemeRunner(GAMBIT, **options) as r:
        r.start()
        return r.call(name, args), r.compiled_at_start, r.cached_at_start


def object_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("gambit-*/*.o1"))


def stamps(folder: Path) -> dict:
    """Each object file's identity: inode, modification time, size."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in object_files(folder)}


def leftovers(folder: Path) -> list[Path]:
    """Temporary files or folders left behind (the compiler's folders are .compile-*)."""
    return [p for p in folder.rglob("*") if p.name.startswith(".")]


def current_files(folder: Path) -> list[Path]:
    """The cache files of the project's own concept sources, in load order."""
    options, args = SchemeRunner(GAMBIT).shim_arguments()
    keys = [args[i + 1] for i, a in enumerate(args) if a == "--compile"]
    (version,) = {p.parent for p in object_files(folder)}
    return [version / f"{key}.o1" for key in keys]


def start_failure(**options) -> str:
    """Start a runner that must fail: return the message."""
    with pytest.raises(SchemeUnavailable) as info:
        with SchemeRunner(GAMBIT, **options) as r:
            r.start()
    return str(info.value)


# ====================================================================== the entry and the cache

def test_gambit_compiles_with_gsc_and_interprets_with_gsi():
    assert GAMBIT.compiles and GAMBIT.binary
    assert GAMBIT.argv([], [], compiled=True)[0].endswith("/gsc")
    assert GAMBIT.argv([], [], compiled=True)[1:3] == ["-:f8,-8", "-i"]
    assert GAMBIT.argv([], [])[0].endswith("/gsi")


def test_first_start_compiles_every_source_the_next_loads_them_from_the_cache(cache):
    folder, first = cache
    assert folder == cache_folder("gambit")
    assert identical(first[0], 0.5) and first[1:] == (CONCEPTS, 0)
    files = current_files(folder)
    assert all(p.exists() for p in files), "one object file per concept source"
    assert files[0].parent.name.startswith("gambit-" + GAMBIT.version.split()[0] + "-"), \
        "Gambit's version (and host) name the folder"
    before = stamps(folder)

    outcome, compiled, cached = call("sigmoid", [0.0])
    assert identical(outcome, 0.5) and (compiled, cached) == (0, CONCEPTS)
    assert stamps(folder) == before, "a start from the cache rewrites nothing"
    assert not leftovers(folder), "no temporary file is left behind"

    # interpreted, as before the cache: it neither reads nor writes it
    outcome, compiled, cached = call("sigmoid", [0.0], compiled=False)
    assert identical(outcome, 0.5) and (compiled, cached) == (0, 0)
    assert stamps(folder) == before


def test_extra_sources_are_interpreted_unless_asked(cache, tmp_path):
    """…and compiled, they may use names of any spelling that an earlier source defines."""
    first, second = tmp_path / "first.scm", tmp_path / "second.scm"
    first.write_text('(define (σ-twice x) (* x 2))\n(define (|odd "name"|) 1)\n', encoding="utf-8")
    second.write_text('(define (extra x) (+ (σ-twice x) (|odd "name"|)))\n', encoding="utf-8")
    options = {"extra_sources": [first, second], "extra_functions": ["extra"]}
    assert call("extra", [2.5], **options) == (6.0, 0, CONCEPTS)
    assert call("extra", [2.5], compile_extra=True, **options) == (6.0, 2, CONCEPTS)
    assert call("extra", [2.5], compile_extra=True, **options) == (6.0, 0, CONCEPTS + 2)


# ====================================================================== same answers as interpreted

def test_compiled_answers_are_the_interpreted_answers_for_every_case(cache):
    every = cases.all_cases()
    calls = [(c.property, c.args) for c in every]
    with SchemeRunner(GAMBIT, compiled=False) as r:
        r.start()
        interpreted = r.call_many(calls)
    with SchemeRunner(GAMBIT) as r:
        r.start()
        assert (r.compiled_at_start, r.cached_at_start) == (0, CONCEPTS)
        compiled = r.call_many(calls)
    assert len(compiled) == len(interpreted) == len(every) > 300
    for case, x, y in zip(every, interpreted, compiled):
        assert identical(x, y), (case.uuid, case.property, x, y)
        if isinstance(x, Error):
            assert (x.kind, x.message) == (y.kind, y.message), (case.uuid, x, y)


# ====================================================================== a change is compiled afresh

def test_changed_source_is_compiled_afresh_with_the_sources_after_it(cache, tmp_path, monkeypatch):
    folder, _ = cache
    original = stamps(folder)
    after = CONCEPTS - ORDER.index("logistic_regression")
    env = broken_copy(tmp_path, "scheme_src/logistic_regression.scm", "(total 0.0)", "(total 100.0)")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    assert call("dot", [[1.0], [1.0]]) == (101.0, after, CONCEPTS - after)
    assert call("dot", [[1.0], [1.0]]) == (101.0, 0, CONCEPTS)

    # edited in place, at once (no waiting for a clock tick): the new text runs
    copy = Path(env["TRIGLOT_ROOT"]) / "scheme_src" / "logistic_regression.scm"
    copy.write_text(copy.read_text().replace("(total 100.0)", "(total 200.0)"))
    assert call("dot", [[1.0], [1.0]]) == (201.0, after, CONCEPTS - after)

    # the original project still finds its own compiled files, untouched
    monkeypatch.delenv("TRIGLOT_ROOT")
    assert call("dot", [[1.0], [1.0]]) == (1.0, 0, CONCEPTS)
    assert all(stamps(folder)[p] == s for p, s in original.items())
    assert not leftovers(folder)


# ====================================================================== damaged files

def with_trailer(code: bytes, key: str, uses=("triglot#+",)) -> bytes:
    """CODE with a trailer as the shim writes it: (KEY USE ...), its length, the mark, CODE's length."""
    names = ("(" + " ".join(f'"{n}"' for n in (key, *uses)) + ")").encode()
    return code + names + len(names).to_bytes(8, "big") + b"triglot-o1" + len(code).to_bytes(8, "big")


def without_trailer(data: bytes) -> bytes:
    return data[:int.from_bytes(data[-8:], "big")]


def test_damaged_cache_files_are_compiled_again_never_a_crash(cache):
    folder, _ = cache
    files = current_files(folder)
    half, last_byte, empty, junk, other = files[:5]
    half.write_bytes(half.read_bytes()[:half.stat().st_size // 2])
    last_byte.write_bytes(last_byte.read_bytes()[:-1])
    empty.write_bytes(b"")
    junk.write_bytes(with_trailer(b"junk" * 100, junk.stem))  # not an object file, with a fitting trailer
    other.write_bytes(files[-1].read_bytes())  # a sound file, but another source's
    renamed = files[5]  # another source's object file, its trailer made to name this one's key
    renamed.write_bytes(with_trailer(without_trailer(files[-1].read_bytes()), renamed.stem))
    damaged = {p: p.read_bytes() for p in files[:6]}

    assert call("sigmoid", [0.0]) == (0.5, 6, CONCEPTS - 6)
    assert all(p.read_bytes() != damaged[p] for p in damaged), "each damaged file was replaced"
    assert call("sigmoid", [0.0]) == (0.5, 0, CONCEPTS)
    assert not leftovers(folder)


def test_damaged_text_copy_is_rewritten_before_it_is_compiled(cache, tmp_path, monkeypatch):
    """A text copy with the wrong text under its name is written again by the caller."""
    env = broken_copy(tmp_path, "scheme_src/softmax_regression.scm", "(define (chunks",
                      ";; the text of this test\n(define (chunks")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    snapshot = Path(SchemeRunner(GAMBIT).shim_arguments()[1][-2])
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text("(define (softmax-regression-step . _) 42.0)\n")  # wrong text under the right name
    assert call("softmax", [[0.0, 0.0]]) == ([0.5, 0.5], 1, CONCEPTS - 1)
    assert "42.0" not in snapshot.read_text()


def test_shim_compiles_the_source_itself_when_its_text_copy_is_gone(tmp_path):
    """The cache emptied while Gambit starts: the source is compiled, and nothing is kept."""
    folder = tmp_path / "cache"
    source = registry.source("scheme", "sigmoid")
    argv = GAMBIT.argv(["--compile", "0" * 64, str(tmp_path / "gone.scm"), str(source)], ["sigmoid"],
                       options=["--cache", str(folder)], compiled=True)
    done = subprocess.run(argv, input=b"(0 0 0.0)\n", capture_output=True, timeout=60)
    assert done.stdout.splitlines() == [b'["ready",1,1,0]', b'[0,"ok","f.5"]']
    assert object_files(folder) == [] and not leftovers(folder)


def test_unwritable_cache_still_starts(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("TRIGLOT_CACHE", str(tmp_path / "a-file" / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert call("sigmoid", [0.0]) == (0.5, CONCEPTS, 0)
    assert list((tmp_path / "tmp").iterdir()) == [], "the compiler's folders are removed"


def test_two_processes_compiling_at_once_share_the_cache(cache, tmp_path):
    folder, _ = cache
    extra = tmp_path / "both.scm"
    extra.write_text("(define (both x) (+ x 1))\n")
    runners = [SchemeRunner(GAMBIT, extra_sources=[extra], extra_functions=["both"], compile_extra=True)
               for _ in range(2)]
    threads = [threading.Thread(target=r.start) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        for r in runners:
            assert (r.compiled_at_start, r.cached_at_start) == (1, CONCEPTS)
            assert r.call("both", [1]) == 2
    finally:
        for r in runners:
            r.close()
    assert not leftovers(folder)
    assert call("both", [1], extra_sources=[extra], extra_functions=["both"], compile_extra=True) == \
        (2, 0, CONCEPTS + 1)


def test_without_a_c_compiler_the_start_fails_loudly(cache, tmp_path, monkeypatch):
    folder, _ = cache
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "gcc").write_text("#!/bin/sh\necho 'gcc: not today' >&2\nexit 1\n")
    (bin_ / "gcc").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    assert call("sigmoid", [0.0]) == (0.5, 0, CONCEPTS), "the cache needs no compiler"
    source = broken(tmp_path, monkeypatch, "scheme_src/softmax_regression.scm", "(define (chunks",
                    ";; a text no other test compiles\n(define (chunks")
    message = start_failure()
    assert '["load-error","compile-error","Gambit could not compile it (gsc compiles through gcc): ' in message
    assert message.endswith(f'"{source}"]')
    assert call("sigmoid", [0.0], compiled=False) == (0.5, 0, 0), "interpreted, it needs none"
    assert not leftovers(folder)


# ====================================================================== compiled sources fail as interpreted

def broken(tmp_path, monkeypatch, path: str, old: str, new: str) -> Path:
    """Point the project at a copy with one change: return the changed file."""
    env = broken_copy(tmp_path, path, old, new)
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    return Path(env["TRIGLOT_ROOT"]) / path


@pytest.mark.parametrize("form", ["(define y (1+ 1))", "(define y 1+)", "(define y (if))"])
def test_a_bad_form_in_a_compiled_source_fails_as_interpreted(cache, tmp_path, monkeypatch, form):
    """A name outside the environment (called or not) and a syntax error: the same load
    error, naming the source (not the cache's copy), compiled, from the cache, interpreted."""
    folder, _ = cache
    source = broken(tmp_path, monkeypatch, "scheme_src/prediction.scm", "(define (classify",
                    form + "\n(define (classify")
    interpreted = start_failure(compiled=False)
    assert f'"{source}"]' in interpreted and str(folder) not in interpreted
    if "1+" in form:
        assert '"unbound-global-exception","Unbound variable: 1+"' in interpreted
    else:
        assert '"expression-parsing-exception","Ill-formed special form: if (##if)"' in interpreted
    assert start_failure() == interpreted
    assert start_failure() == interpreted


def test_an_unbound_name_in_a_compiled_body_fails_at_start_not_at_call(cache, tmp_path, monkeypatch):
    """Gambit's compiled code does not check unbound names, so the shim checks them before
    the source runs: compiled, the start fails (interpreted, the call does), with the
    interpreter's own message."""
    source = broken(tmp_path, monkeypatch, "scheme_src/prediction.scm", "(define (classify",
                    "(define (gambit-only x) (1+ x))\n(define (classify")
    err, compiled, cached = call("gambit-only", [1], compiled=False, extra_functions=["gambit-only"])
    assert (compiled, cached) == (0, 0)
    assert isinstance(err, Error) and not err.runner
    assert (err.kind, err.message) == ("unbound-global-exception", "Unbound variable: 1+")
    for _ in range(2):  # compiled, then from the cache
        message = start_failure(extra_functions=["gambit-only"])
        assert message.endswith(f'["load-error","unbound-global-exception","Unbound variable: 1+","{source}"]')


def test_read_error_in_a_compiled_source_names_the_source(cache, tmp_path, monkeypatch):
    folder, _ = cache
    source = broken(tmp_path, monkeypatch, "scheme_src/sigmoid.scm", "(define (sigmoid z)", "(define (sigmoid z)\n(")
    files = set(object_files(folder))
    message = start_failure()
    assert "datum-parsing-exception" in message and f'"{source}:' in message and f'"{source}"]' in message
    assert str(folder) not in message
    assert message == start_failure(compiled=False)
    assert set(object_files(folder)) == files
