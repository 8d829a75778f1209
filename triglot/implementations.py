"""The Scheme implementations: how to start each on its shim in triglot/schemes/.

Every shim speaks the same protocol (guile.scm's header gives it): the concept
files are loaded into an R7RS-small environment, then each request line is a
call and each answer line its outcome.  The shims marked `compiles` also take
compiled sources, kept in a cache folder (guile.scm's header gives the options);
the shims marked `binary` also take the binary blocks.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

SHIMS = Path(__file__).resolve().parent / "schemes"


class SchemeUnavailable(RuntimeError):
    """The implementation is not installed, or would not load the concept files."""


@dataclass(frozen=True)
class SchemeImpl:
    """How to start one Scheme implementation on its shim."""

    name: str
    title: str                           # the implementation's own name: "GNU Guile"
    command: tuple[str, ...]             # the program and the options before the shim
    package: str                         # the Debian package that installs it
    version_command: tuple[str, ...] = ("--version",)
    shim_file: str = ""                  # the shim's file name in triglot/schemes/ (NAME.scm)
    after_shim: tuple[str, ...] = ()     # options between the shim and its own arguments
    compiles: bool = False               # the shim takes --cache and --compile (guile.scm)
    compiled_command: tuple[str, ...] = ()  # the command when sources are compiled, if not `command`
    binary: bool = False                 # the shim answers binary blocks (guile.scm's header)
    evaluates: str = "interpreted"       # what the implementation's eval makes of a form

    @property
    def label(self) -> str:
        return f"scheme/{self.name}"

    @property
    def shim(self) -> Path:
        return SHIMS / (self.shim_file or f"{self.name}.scm")

    @property
    def install(self) -> str:
        return (f"Install {self.title} with `sudo apt-get install {self.package}` (Debian/Ubuntu), "
                "or run `make setup`, which does it for you.")

    def executable(self, program: str | None = None) -> str:
        program = program or self.command[0]
        exe = shutil.which(program)
        if exe is None:
            raise SchemeUnavailable(
                f"{self.label}: the `{program}` command is not installed. {self.install}")
        return exe

    def argv(self, sources, names, libraries=(), options=(), compiled=False) -> list[str]:
        """The command line: `sources` are interpreted, unless `options` say otherwise;
        `compiled` starts the implementation's compiler (`compiled_command`) if it has one."""
        command = self.compiled_command if compiled and self.compiled_command else self.command
        return [self.executable(command[0]), *command[1:], str(self.shim), *self.after_shim,
                *options, *libraries, *map(str, sources), "--", *names]

    @property
    def installed(self) -> bool:
        return shutil.which(self.command[0]) is not None

    @cached_property
    def version(self) -> str:
        """Return the implementation's own version line."""
        exe = shutil.which(self.command[0])
        if exe is None:
            return "not installed"
        run = subprocess.run([exe, *self.version_command], capture_output=True, text=True,
                             timeout=30, stdin=subprocess.DEVNULL)
        for line in (run.stdout + "\n" + run.stderr).splitlines():
            if line.strip():  # the first line; Gambit's goes on with its build options
                return line.strip() if len(line) < 80 else line.split()[0]
        return "unknown"


GUILE = SchemeImpl("guile", "GNU Guile 3.0", ("guile", "--no-auto-compile", "-s"), "guile-3.0",
                   compiles=True, binary=True)
CHEZ = SchemeImpl("chez", "Chez Scheme", ("chezscheme", "--script"), "chezscheme", binary=True,
                  evaluates="compiled")
GAMBIT = SchemeImpl("gambit", "Gambit", ("gsi", "-:f8,-8"), "gambc", version_command=("-v",),
                    compiles=True, compiled_command=("gsc", "-:f8,-8", "-i"), binary=True)
CHICKEN = SchemeImpl("chicken", "CHICKEN 5", ("csi", "-s"), "chicken-bin",
                     version_command=("-release",), compiles=True, binary=True)
MIT = SchemeImpl("mit", "MIT/GNU Scheme", ("mit-scheme", "--quiet", "--load"), "mit-scheme",
                 after_shim=("--",))
RACKET = SchemeImpl("racket", "Racket", ("racket",), "racket", shim_file="racket.rkt", binary=True,
                    evaluates="compiled")

IMPLEMENTATIONS = {impl.name: impl for impl in (GUILE, CHEZ, GAMBIT, CHICKEN, MIT, RACKET)}
