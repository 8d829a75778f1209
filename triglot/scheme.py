"""Runner for Scheme: one long-lived process per implementation, calls batched.

Each implementation is a small shim (triglot/schemes/<name>.scm) plus a
command line.  The shim loads the concept files into an R7RS-small
environment and answers `(ID INDEX ARG ...)` requests with one JSON line each.

The concept sources are compiled by Guile, and the compiled code is kept in a
cache folder for the next start (`cache_folder`: $TRIGLOT_CACHE/guile, else
$XDG_CACHE_HOME/triglot/guile, else ~/.cache/triglot/guile; delete it at will).
The header of guile.scm says how a compiled file is named, so that a changed
source, shim or Guile is always compiled afresh.

Every call has a timeout.  A process that crashes, hangs or prints something
that is not an answer takes the call it was running with it: that call gets a
runner Error (never identical to anything), the process is restarted, and the
rest of the batch runs on the new process.
"""
from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import registry
from .values import BadValue, Error, from_scheme, to_scheme

SHIMS = Path(__file__).resolve().parent / "schemes"
CACHE_FORMAT = b"triglot guile cache 1"  # bump to give every cached file a new name


def cache_folder() -> Path:
    """Return the folder of compiled Scheme: $TRIGLOT_CACHE/guile, else
    $XDG_CACHE_HOME/triglot/guile, else ~/.cache/triglot/guile."""
    base = os.environ.get("TRIGLOT_CACHE")
    if base:
        return Path(base).expanduser().absolute() / "guile"
    xdg = os.environ.get("XDG_CACHE_HOME")
    home = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return home / "triglot" / "guile"


def text_snapshot(folder: Path, digest: str, text: bytes) -> Path | None:
    """Return folder/<digest>.scm holding exactly `text` (written, atomically, if it does
    not already), or None if it cannot be written."""
    path = folder / f"{digest}.scm"
    try:
        if path.read_bytes() == text:
            return path
    except OSError:
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{digest}.", delete=False) as f:
            f.write(text)
        os.replace(f.name, path)
    except OSError:
        return None
    return path


class SchemeUnavailable(RuntimeError):
    """The implementation is not installed, or would not load the concept files."""


@dataclass(frozen=True)
class SchemeImpl:
    """How to start one Scheme implementation on its shim."""

    name: str
    command: tuple[str, ...]
    install: str
    compiles: bool = False   # the shim takes --cache and --compile (see guile.scm)

    @property
    def label(self) -> str:
        return f"scheme/{self.name}"

    @property
    def shim(self) -> Path:
        return SHIMS / f"{self.name}.scm"

    def argv(self, sources, names, libraries=(), options=()) -> list[str]:
        """The command line: `sources` are interpreted, unless `options` say otherwise."""
        exe = shutil.which(self.command[0])
        if exe is None:
            raise SchemeUnavailable(
                f"{self.label}: the `{self.command[0]}` command is not installed. {self.install}")
        return [exe, *self.command[1:], str(self.shim), *options, *libraries, *map(str, sources),
                "--", *names]

    @cached_property
    def version(self) -> str:
        """Return the implementation's own version line."""
        exe = shutil.which(self.command[0])
        if exe is None:
            return "not installed"
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
        return out.splitlines()[0].strip() if out else "unknown"


GUILE = SchemeImpl(
    "guile", ("guile", "--no-auto-compile", "-s"),
    "Install GNU Guile 3.0 with `sudo apt-get install guile-3.0` (Debian/Ubuntu), "
    "or run `make setup`, which does it for you.", compiles=True)

IMPLEMENTATIONS = {"guile": GUILE}


class SchemeRunner:
    """Calls the concept functions in one Scheme implementation."""

    max_restarts = 3       # per batch; after that the rest of the batch is not run
    max_line = 1 << 24     # bytes without a newline before the output counts as garbage
    small_read = 1 << 12   # a read this short in a batch means answers trickle in: wait…
    gather = 0.0005        # …this long (s) for more before reading again

    def __init__(self, impl: SchemeImpl = GUILE, *, extra_sources=(), extra_functions=(), libraries=(),
                 timeout: float = 10.0, start_timeout: float = 60.0, compiled: bool = True,
                 compile_extra: bool = False):
        self.impl = impl
        self.compiled = compiled and impl.compiles  # the concept sources are compiled (else interpreted)
        self.compile_extra = compile_extra and self.compiled  # …and so are the extra sources
        self.libraries = tuple(libraries)   # more R7RS libraries for the environment: "(scheme char)"
        self.name = impl.label
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.sources = [registry.source("scheme", c.stem) for c in registry.concepts()] + list(extra_sources)
        self.concept_sources = len(self.sources) - len(extra_sources)
        self.names = list(registry.functions()) + list(extra_functions)
        self.index = {n: i for i, n in enumerate(self.names)}
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.compiled_at_start = 0   # sources compiled by the last start
        self.cached_at_start = 0     # sources loaded from the cache by the last start
        self._next_id = 0
        self._pending = b""

    # ------------------------------------------------------------ process life

    def shim_arguments(self) -> tuple[list[str], list[str]]:
        """Return the shim's (options, sources).  A compiled source is given as a snapshot of
        its text, named by a key that hashes the shim, the libraries and the texts of this
        source and all before it (guile.scm's header says why).

        Extra sources (the phrasebook's cells, the notation table's rows, test helpers) are
        interpreted unless compile_extra: they are often made afresh for one run, and Guile's
        compiler folds constant expressions, which such cells are full of, not always as
        its interpreter evaluates them (in Guile 3.0.8, (/ 1.0 0) is +inf.0 compiled, an
        error interpreted)."""
        if not self.compiled:
            return [], [str(s) for s in self.sources]
        count = len(self.sources) if self.compile_extra else self.concept_sources
        folder = cache_folder()
        chain = self._key_chain()
        options, args = ["--cache", str(folder)], []
        for source in self.sources[:count]:
            try:
                text = (registry.root() / source).read_bytes()
            except OSError:  # interpreted: the shim reports it, file name and all
                chain.update(b"\0unreadable")
                args.append(str(source))
                continue
            digest = hashlib.sha256(text).hexdigest()
            chain.update(b"\0" + digest.encode())
            snapshot = text_snapshot(folder / "sources", digest, text)
            if snapshot is None:
                options = []  # the cache cannot be written: compile, and keep nothing
            args += ["--compile", chain.hexdigest(), str(snapshot or source), str(source)]
        return options, args + [str(s) for s in self.sources[count:]]

    def _key_chain(self):
        """The hash every cache key starts from: the cache's format, the shim, the libraries."""
        chain = hashlib.sha256(CACHE_FORMAT)
        chain.update(hashlib.sha256(self.impl.shim.read_bytes()).digest())
        chain.update("\0".join(self.libraries).encode())
        return chain

    def start(self):
        """Start the process and wait for it to say it has loaded every file."""
        options, sources = self.shim_arguments()
        argv = self.impl.argv(sources, self.names, self.libraries, options)
        self._stderr = tempfile.TemporaryFile()
        env = {**os.environ, "GUILE_AUTO_COMPILE": "0"}
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, bufsize=0, env=env,
                                     cwd=registry.root())
        self.starts += 1
        self._pending = b""
        os.set_blocking(self.proc.stdin.fileno(), False)
        line, why = self._read_line(self.start_timeout)
        if line is None:
            self.close()
            raise SchemeUnavailable(f"{self.name} did not start: {why}")
        try:
            hello = json.loads(line)
        except ValueError:
            hello = None
        if not (isinstance(hello, list) and hello[:1] == ["ready"]):
            self.close()
            raise SchemeUnavailable(f"{self.name} could not load the concept files: {line.decode(errors='replace')}")
        self.compiled_at_start, self.cached_at_start = (hello + [0, 0])[2:4]

    def close(self):
        """Stop the process (if any)."""
        if self.proc is not None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            self.proc.wait()
            for f in (self.proc.stdin, self.proc.stdout, self._stderr):
                f.close()
            self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace").strip()
        return f"; its last words: {text[-300:]!r}" if text else ""

    def _read_line(self, timeout):
        """Return (line, None), or (None, why) after EOF or `timeout` seconds without a line."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            ready = left > 0 and select.select([fd], [], [], left)[0]
            if not ready:
                return None, f"no answer within {timeout:g} s"
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None, self._exit_reason()
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line, None

    def _exit_reason(self) -> str:
        rc = self.proc.wait()
        how = f"was killed by signal {-rc}" if rc < 0 else f"exited with code {rc}"
        return f"the {self.name} process {how}{self._stderr_tail()}"

    # ------------------------------------------------------------ calls

    def call(self, name: str, args: list):
        return self.call_many([(name, args)])[0]

    def call_many(self, calls):
        """Return one outcome per (function name, args) call, in order."""
        for name, args in calls:  # refuse bad calls before anything is sent
            self._check(name, args)
        results: list = [None] * len(calls)
        todo = list(range(len(calls)))
        restarts = 0
        while todo:
            if self.proc is None:
                self.start()
            answered, failure = self._exchange([calls[i] for i in todo])
            for i, outcome in zip(todo, answered):
                results[i] = outcome
            todo = todo[len(answered):]
            if failure is None:
                break
            results[todo.pop(0)] = failure  # the call that was running takes the blame
            self.close()
            restarts += 1
            if restarts >= self.max_restarts:
                for i in todo:
                    results[i] = Error("SchemeNotRun", f"not run: {self.name} failed {restarts} times "
                                       "in this batch", runner=True)
                break
        return results

    def _check(self, name: str, args: list):
        if name not in self.index:
            raise registry.UnknownFunction(f"{self.name}: unknown function {name!r}")
        for a in args:
            if type(a) is not float:
                to_scheme(a)  # raises BadValue for anything that is not data

    def _payload(self, calls, first: int):
        """Yield the request lines as bytes, a block at a time (made as they are sent)."""
        block = 1024
        for start in range(0, len(calls), block):
            yield "".join(f"({' '.join([str(first + k), str(self.index[name]), *map(to_scheme, args)])})\n"
                          for k, (name, args) in enumerate(calls[start:start + block], start)).encode()

    def _exchange(self, calls):
        """Send calls and read their answers: return (outcomes, failure or None).

        Each answer must come within `timeout` seconds of the one before (output
        that is not a whole answer line does not count), or the call times out.
        """
        first = self._next_id
        self._next_id += len(calls)
        blocks = self._payload(calls, first)
        unsent = b""
        out_fd, in_fd = self.proc.stdout.fileno(), self.proc.stdin.fileno()
        outcomes = []
        deadline = time.monotonic() + self.timeout
        while len(outcomes) < len(calls):
            if b"\n" in self._pending:
                *lines, self._pending = self._pending.split(b"\n")
                wanted = lines[:len(calls) - len(outcomes)]
                failure = self._decode_many(wanted, first + len(outcomes), outcomes)
                if failure is not None:
                    return outcomes, failure
                if len(lines) > len(wanted):
                    return outcomes, self._garbled(lines[len(wanted)])  # an answer nobody asked for
                deadline = time.monotonic() + self.timeout
                continue
            if len(self._pending) > self.max_line:
                return outcomes, self._garbled(self._pending)
            if not unsent:
                unsent = next(blocks, b"")
            left = deadline - time.monotonic()
            ready, writable, _ = select.select([out_fd], [in_fd] if unsent else [], [], max(left, 0))
            if not ready and not writable:
                return outcomes, Error("SchemeTimeout", f"no answer from {self.name} within "
                                       f"{self.timeout:g} s; the process was killed and restarted",
                                       runner=True)
            if writable:
                try:
                    unsent = unsent[os.write(in_fd, unsent[:1 << 16]):]
                except (BrokenPipeError, BlockingIOError):
                    pass
            if ready:
                chunk = os.read(out_fd, 1 << 16)
                if not chunk:
                    return outcomes, Error("SchemeCrashed", self._exit_reason() + " while running this call",
                                           runner=True)
                self._pending += chunk
                if len(chunk) < self.small_read and \
                        len(outcomes) + self._pending.count(b"\n") < len(calls):
                    # The process flushes each answer as it goes: let a few hundred gather
                    # rather than wake up for every one (the pipe holds thousands).
                    time.sleep(self.gather)
        return outcomes, None

    def _garbled(self, data: bytes | str) -> Error:
        text = data.decode(errors="replace") if isinstance(data, bytes) else data
        return Error("SchemeGarbled", f"{self.name} printed something that is not an answer: "
                     f"{text[:120]!r}; the process was restarted", runner=True)

    def _decode_many(self, lines: list, first_id: int, outcomes: list):
        """Append the outcomes of answer lines to `outcomes`; return the runner Error of the
        first line that is not an answer (or None).  All lines are parsed as one JSON array
        when they can be: one call into the JSON decoder instead of one per line."""
        try:
            answers = json.loads(b"[" + b",".join(lines) + b"]")
        except ValueError:
            answers = None
        if answers is None or len(answers) != len(lines):
            for k, line in enumerate(lines):
                outcome = self._decode(line, first_id + k)
                if isinstance(outcome, Error) and outcome.runner:
                    return outcome
                outcomes.append(outcome)
            return None
        for k, answer in enumerate(answers):
            outcome = self._outcome(answer, first_id + k, lines[k])
            if isinstance(outcome, Error) and outcome.runner:
                return outcome
            outcomes.append(outcome)
        return None

    def _decode(self, line: bytes, want_id: int):
        """Return the outcome in one answer line, or a runner Error if it is not one."""
        try:
            answer = json.loads(line)
        except ValueError:
            return self._garbled(line)
        return self._outcome(answer, want_id, line)

    def _outcome(self, answer, want_id: int, line: bytes):
        """Return the outcome of one decoded answer, or a runner Error if it is not one."""
        try:
            if answer[0] != want_id:
                raise ValueError(f"answer to call {answer[0]}, expected {want_id}")
            if answer[1] == "ok":
                return from_scheme(answer[2])
            if answer[1] == "error":
                return Error(answer[2], answer[3])
            raise ValueError("neither ok nor error")
        except BadValue as e:
            return Error("UnsupportedValue", str(e))
        except (ValueError, TypeError, IndexError, KeyError):
            return self._garbled(line)

    def kill_now(self, sig=signal.SIGKILL):
        """Kill the running process from outside (for tests of the recovery)."""
        if self.proc:
            os.kill(self.proc.pid, sig)

