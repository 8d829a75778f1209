"""Guile's compiled-file cache: the concept sources are compiled once, kept in
TRIGLOT_CACHE/guile, and loaded from there at the next start; a changed
source, shim or library list is compiled afresh, a damaged file is compiled
again, and the compiled code answers exactly as the interpreted code does.

Every test has a cache folder of its own (TRIGLOT_CACHE in a tmp_path).
"""
from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from support import broken_copy
from triglot import check, implementations, registry, scheme
from triglot.compare import identical
from triglot.languages import Languages
from triglot.scheme import GUILE, SchemeRunner, SchemeUnavailable, cache_folder
from triglot.values import Error

CONCEPTS = len(registry.concepts())


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache of this test's own: return its guile folder."""
    monkeypatch.setenv("TRIGLOT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "guile"


def go_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("guile-*/*.go"))


def stamps(cache: Path) -> dict:
    """Each compiled file's identity: inode, modification time, size."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in go_files(cache)}


def started(**options) -> SchemeRunner:
    r = SchemeRunner(**options)
    r.start()
    return r


def call(name: str, args: list, **options):
    """Start a runner, make one call, close it: return (outcome, compiled, cached)."""
    with SchemeRunner(**options) as r:
        r.start()
        return r.call(name, args), r.compiled_at_start, r.cached_at_start


# ====================================================================== where the cache is

def test_cache_folder_follows_triglot_cache_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("TRIGLOT_CACHE", str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine" / "guile"
    monkeypatch.delenv("TRIGLOT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "triglot" / "guile"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_folder() == Path.home() / ".cache" / "triglot" / "guile"
    assert "site-packages" not in str(cache_folder())


# ====================================================================== the second start uses the cache

def test_second_start_loads_every_concept_from_the_cache(cache):
    first = started()
    try:
        assert (first.compiled_at_start, first.cached_at_start) == (CONCEPTS, 0)
        assert identical(first.call("sigmoid", [0.0]), 0.5)
    finally:
        first.close()
    files = go_files(cache)
    assert len(files) == CONCEPTS, "one compiled file per concept source"
    folder = files[0].parent.name
    assert folder.startswith("guile-" + GUILE.version.split()[-1] + "-"), "Guile's version names the folder"
    before = stamps(cache)

    outcome, compiled, cached = call("sigmoid", [0.0])
    assert identical(outcome, 0.5)
    assert (compiled, cached) == (0, CONCEPTS)
    assert stamps(cache) == before, "a start from the cache rewrites nothing"
    assert not [p for p in cache.rglob("*") if ".go." in p.name or p.name.startswith(".")], \
        "no temporary file is left behind"

    # interpreted, as before the cache: it neither reads nor writes it
    outcome, compiled, cached = call("sigmoid", [0.0], compiled=False)
    assert identical(outcome, 0.5) and (compiled, cached) == (0, 0)
    assert stamps(cache) == before


def test_extra_sources_are_interpreted_unless_asked(cache, tmp_path):
    extra = tmp_path / "extra.scm"
    extra.write_text("(define (extra x) (* x 2))\n")
    options = {"extra_sources": [extra], "extra_functions": ["extra"]}
    assert call("extra", [2.5], **options) == (5.0, CONCEPTS, 0)
    assert len(go_files(cache)) == CONCEPTS
    assert call("extra", [2.5], compile_extra=True, **options) == (5.0, 1, CONCEPTS)
    assert len(go_files(cache)) == CONCEPTS + 1


# ====================================================================== a change is compiled afresh

def test_changed_source_is_recompiled_and_its_new_code_runs(cache, tmp_path, monkeypatch):
    assert call("dot", [[1.0], [1.0]]) == (1.0, CONCEPTS, 0)
    original = stamps(cache)

    # logistic_regression.scm and the files loaded after it are compiled again, no others
    after = CONCEPTS - [c.stem for c in registry.concepts()].index("logistic_regression")
    env = broken_copy(tmp_path, "scheme_src/logistic_regression.scm", "(total 0.0)", "(total 100.0)")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    assert call("dot", [[1.0], [1.0]]) == (101.0, after, CONCEPTS - after)
    assert call("dot", [[1.0], [1.0]]) == (101.0, 0, CONCEPTS)

    # edited in place, at once (no waiting for a clock tick): the new text runs
    copy = Path(env["TRIGLOT_ROOT"]) / "scheme_src" / "logistic_regression.scm"
    copy.write_text(copy.read_text().replace("(total 100.0)", "(total 200.0)"))
    assert call("dot", [[1.0], [1.0]]) == (201.0, after, CONCEPTS - after)

    # a change in the first source changes the key of every source after it
    sigmoid = Path(env["TRIGLOT_ROOT"]) / "scheme_src" / "sigmoid.scm"
    sigmoid.write_text(sigmoid.read_text().replace("(/ 1 (+ 1 (exp (- z))))", "(/ 2 (+ 1 (exp (- z))))"))
    assert call("sigmoid", [0.0]) == (1.0, CONCEPTS, 0)

    # the original project still finds its own compiled files, untouched
    monkeypatch.delenv("TRIGLOT_ROOT")
    assert call("dot", [[1.0], [1.0]]) == (1.0, 0, CONCEPTS)
    assert all(stamps(cache)[p] == s for p, s in original.items())


def test_changed_shim_or_libraries_are_compiled_afresh(cache, tmp_path, monkeypatch):
    assert call("sigmoid", [0.0])[1:] == (CONCEPTS, 0)
    assert call("sigmoid", [0.0], libraries=["(scheme char)"])[1:] == (CONCEPTS, 0)
    assert call("sigmoid", [0.0], libraries=["(scheme char)"])[1:] == (0, CONCEPTS)
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "guile.scm").write_text(GUILE.shim.read_text() + "\n;; one more comment\n")
    monkeypatch.setattr(implementations, "SHIMS", shims)
    assert call("sigmoid", [0.0])[1:] == (CONCEPTS, 0)
    assert len(go_files(cache)) == 3 * CONCEPTS


# ====================================================================== damaged files

def damage(files: list[Path]) -> None:
    """Damage compiled files, each in a different way."""
    half, last_byte, empty, junk = files[:4]
    half.write_bytes(half.read_bytes()[:half.stat().st_size // 2])
    last_byte.write_bytes(last_byte.read_bytes()[:-1])
    empty.write_bytes(b"")
    code = b"junk" * 100  # not an ELF image, but with a trailer that fits it
    junk.write_bytes(code + b"triglot-go" + len(code).to_bytes(8, "big"))


def test_damaged_cache_files_are_compiled_again_never_a_crash(cache):
    call("sigmoid", [0.0])
    files = go_files(cache)
    good = {p: p.read_bytes() for p in files}
    damage(files)
    assert call("sigmoid", [0.0]) == (0.5, 4, CONCEPTS - 4)
    assert {p: p.read_bytes() for p in go_files(cache)} == good, "each damaged file was replaced"
    assert call("sigmoid", [0.0]) == (0.5, 0, CONCEPTS)


def test_damaged_text_copy_is_rewritten_before_it_is_compiled(cache):
    call("dot", [[2.0], [3.0]])
    for snapshot in (cache / "sources").glob("*.scm"):
        snapshot.write_text("(define (dot u v) 42.0)\n")  # wrong text under the right name
    for go in go_files(cache):
        go.unlink()
    assert call("dot", [[2.0], [3.0]]) == (6.0, CONCEPTS, 0)


def test_shim_compiles_the_source_itself_when_its_text_copy_is_gone(cache, tmp_path):
    """The cache emptied while Guile starts: the source is compiled, and nothing is kept."""
    source = registry.source("scheme", "sigmoid")
    argv = GUILE.argv(["--compile", "0" * 64, str(tmp_path / "gone.scm"), str(source)], ["sigmoid"],
                      options=["--cache", str(cache)])
    done = subprocess.run(argv, input=b"(0 0 0.0)\n", capture_output=True, timeout=60)
    assert done.stdout.splitlines() == [b'["ready",1,1,0]', b'[0,"ok","f0.5"]']
    assert go_files(cache) == []


def test_unwritable_cache_still_compiles(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("TRIGLOT_CACHE", str(tmp_path / "a-file" / "cache"))
    assert call("sigmoid", [0.0]) == (0.5, CONCEPTS, 0)
    assert call("sigmoid", [0.0]) == (0.5, CONCEPTS, 0)


def test_two_processes_starting_at_once_share_the_cache(cache):
    runners = [SchemeRunner() for _ in range(2)]
    threads = [threading.Thread(target=r.start) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        for r in runners:
            assert r.compiled_at_start + r.cached_at_start == CONCEPTS
            assert identical(r.call("fit-newton", [[[1.0], [-1.0], [2.0], [-2.0]], [1, 0, 0, 1], 0.0, 1]),
                             [[-0.4], 0.0])
    finally:
        for r in runners:
            r.close()
    assert len(go_files(cache)) == CONCEPTS
    assert not [p for p in cache.rglob("*") if ".go." in p.name], "no temporary file is left behind"
    assert call("sigmoid", [0.0]) == (0.5, 0, CONCEPTS)


# ====================================================================== compiled sources fail as before

@pytest.mark.parametrize("start", ["compiled", "cached"])
def test_guile_only_procedure_in_a_compiled_concept_fails_at_start(cache, tmp_path, monkeypatch, start):
    env = broken_copy(tmp_path, "scheme_src/prediction.scm", "(define (classify",
                      "(define y (1+ 1))\n(define (classify")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    for _ in range(1 if start == "compiled" else 2):
        with pytest.raises(SchemeUnavailable) as info:
            started().close()
    message = str(info.value)
    assert "could not load" in message and "Unbound variable" in message and "1+" in message
    assert str(Path(env["TRIGLOT_ROOT"]) / "scheme_src" / "prediction.scm") in message, \
        "the message names the source (not the cache's copy)"
    assert len(go_files(cache)) == 4, "prediction.scm and the sources before it were compiled"


def test_read_error_in_a_compiled_concept_names_the_source(cache, tmp_path, monkeypatch):
    env = broken_copy(tmp_path, "scheme_src/sigmoid.scm", "(define (sigmoid z)", "(define (sigmoid z)\n(")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    with pytest.raises(SchemeUnavailable) as info:
        started()
    message = str(info.value)
    source = Path(env["TRIGLOT_ROOT"]) / "scheme_src" / "sigmoid.scm"
    assert "read-error" in message and f"{source}:" in message and "end of input" in message
    assert str(cache) not in message
    assert go_files(cache) == []


def test_guile_only_procedure_in_a_compiled_body_errors_at_call_time(cache, tmp_path, monkeypatch):
    env = broken_copy(tmp_path, "scheme_src/prediction.scm", "(define (classify",
                      "(define (guile-only x) (1+ x))\n(define (classify")
    monkeypatch.setenv("TRIGLOT_ROOT", env["TRIGLOT_ROOT"])
    for compiled, cached in [(CONCEPTS, 0), (0, CONCEPTS)]:
        err, *counts = call("guile-only", [1], extra_functions=["guile-only"])
        assert tuple(counts) == (compiled, cached)
        assert isinstance(err, Error) and err.runner is False and err.kind == "unbound-variable"
        assert "1+" in err.message


# ====================================================================== same answers as interpreted

def test_compiled_answers_are_the_interpreted_answers_for_every_case(cache):
    call("sigmoid", [0.0])  # fill the cache
    with Languages(compiled=False) as langs:
        interpreted = check.run_cases(langs)
    with Languages() as langs:
        compiled = check.run_cases(langs)
        guile = langs.runners[-1]
        assert (guile.compiled_at_start, guile.cached_at_start) == (0, CONCEPTS)
    assert len(compiled) == len(interpreted) > 300
    for a, b in zip(interpreted, compiled):
        x, y = a.outcomes["scheme/guile"], b.outcomes["scheme/guile"]
        assert identical(x, y), (a.case.uuid, x, y)
        if isinstance(x, Error):
            assert (x.kind, x.message) == (y.kind, y.message), (a.case.uuid, x, y)
        assert a.judgements == b.judgements
