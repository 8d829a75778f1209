"""Helpers shared by the tests that drive the command line as users do."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from triglot import registry

EXE = Path(sys.executable).with_name("triglot")
DATA = ("concepts.toml", "notes.toml", "notation.toml", "pages.toml", "phrasebook.toml", "portability", "scheme_src", "python_src", "hy_src", "tests/cases")


def run_triglot(*args, stdin=None, env=None, cwd=None, timeout=300):
    """Run the `triglot` command (the venv's script) and return the finished process."""
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "triglot.cli"]
    return subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env={**os.environ, **(env or {})})


def broken_copy(tmp_path, path: str, old: str, new: str) -> dict:
    """Copy the project's data and sources, replace `old` by `new` in one file, and return
    the environment that points `triglot` at the copy (TRIGLOT_ROOT)."""
    root = tmp_path / "copy"
    (root / "tests").mkdir(parents=True)
    for part in DATA:
        (shutil.copytree if (registry.root() / part).is_dir() else shutil.copy)(registry.root() / part,
                                                                                root / part)
    text = (root / path).read_text()
    assert old in text, f"{path} no longer reads {old!r}: update this test"
    (root / path).write_text(text.replace(old, new))
    return {"TRIGLOT_ROOT": str(root)}


def spy(runner) -> list:
    """Record the number of calls of each binary exchange of a SchemeRunner."""
    seen = []
    inner = runner._exchange

    def exchange(calls, binary=False):
        if binary:
            seen.append(len(calls))
        return inner(calls, binary)

    runner._exchange = exchange
    return seen
