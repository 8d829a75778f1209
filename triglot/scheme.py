"""Runner for Scheme: one long-lived process per implementation, calls batched.

Each implementation is a small shim (triglot/schemes/<name>.scm) plus a
command line.  The shim loads the concept files into an R7RS-small
environment and answers `(ID INDEX ARG ...)` requests with one JSON line each.

Where the implementation compiles (`SchemeImpl.compiles`), the concept sources
are compiled, and the compiled code is kept in a cache folder for the next
start (`cache_folder`: $TRIGLOT_CACHE/NAME, else $XDG_CACHE_HOME/triglot/NAME,
else ~/.cache/triglot/NAME; delete it at will).  The header of guile.scm says
how a compiled file is named, so that a changed source, shim or implementation
is always compiled afresh.

A batch of calls (`triglot call --batch`, the fuzzer, the cases) travels in
binary blocks: each argument tagged, a double as its IEEE-754 bytes, an exact
integer as 8 bytes, a list as its items, any other datum as its text; each
inexact real result comes back as its 8 bytes, and any other result (exact,
non-real, a list, an error) as its ordinary answer line, so the binary path
carries exactly the values of the text path (guile.scm's header gives the
format).  A batch of fewer than `min_binary` calls goes as text lines.
SchemeRunner(binary=False), or TRIGLOT_SCHEME_BINARY=0 in the environment,
sends every call as text.

Every call has a timeout.  A process that crashes, hangs or prints something
that is not an answer takes the call it was running with it: that call gets a
runner Error (never identical to anything), the process is restarted, and the
rest of the batch runs on the new process.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import select
import signal
import struct
import subprocess
import tempfile
import time
from fractions import Fraction
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np

from . import registry
from .implementations import GUILE, IMPLEMENTATIONS, SchemeImpl, SchemeUnavailable  # noqa: F401
from .values import BadValue, Error, from_scheme, to_scheme

CACHE_FORMAT = b"triglot guile cache 1"  # bump to give every cached file a new name (all implementations)
RECORD = struct.Struct("<xd")   # a binary answer: the byte 0, then the double
NUMBERS = {float, int, Fraction}   # arguments sent as they are (any other is checked first)
RECORDS = np.dtype([("tag", "u1"), ("value", "<f8")])   # …a run of them


def cache_folder(name: str = "guile") -> Path:
    """Return the folder of one implementation's compiled Scheme: $TRIGLOT_CACHE/NAME,
    else $XDG_CACHE_HOME/triglot/NAME, else ~/.cache/triglot/NAME."""
    base = os.environ.get("TRIGLOT_CACHE")
    if base:
        return Path(base).expanduser().absolute() / name
    xdg = os.environ.get("XDG_CACHE_HOME")
    home = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return home / "triglot" / name


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


_DOUBLE, _INTEGER, _COUNT = struct.Struct("<Bd").pack, struct.Struct("<Bq").pack, struct.Struct("<BI").pack


_SIGN = struct.Struct("<BB").pack


def _magnitude(m: int) -> bytes:
    data = m.to_bytes((m.bit_length() + 7) // 8, "little")
    return struct.pack("<I", len(data)) + data


def pack_datum(v, out: list) -> None:
    """Append one argument's tagged binary form to `out` (guile.scm's header)."""
    t = type(v)
    if t is float:
        out.append(_DOUBLE(0, v))
    elif t is int and -(1 << 63) <= v < (1 << 63):
        out.append(_INTEGER(2, v))
    elif t is list:
        for e in v:
            if type(e) is not float:
                out.append(_COUNT(3, len(v)))
                for e in v:
                    pack_datum(e, out)
                return
        out.append(_COUNT(5, len(v)) + struct.pack(f"<{len(v)}d", *v))
    elif t is int:  # beyond 64 bits
        out.append(_SIGN(7, v < 0) + _magnitude(abs(v)))
    elif t is Fraction:
        out.append(_SIGN(8, v < 0) + _magnitude(abs(v.numerator)) + _magnitude(v.denominator))
    else:  # a boolean, say: its text, read as on the text path
        text = to_scheme(v).encode()
        out.append(_COUNT(6, len(text)) + text)


def _check_datum(v) -> None:
    """Raise BadValue unless v is data that Scheme reads (as to_scheme, without writing it)."""
    if type(v) is list:
        if not set(map(type, v)) <= NUMBERS:
            for e in v:
                if type(e) not in NUMBERS:
                    _check_datum(e)
    elif type(v) is not bool:
        to_scheme(v)  # raises BadValue for anything that is not data


def uniform_block(calls, index: dict) -> bytes | None:
    """Return the binary requests of calls to one function whose arguments are all doubles,
    packed at once by numpy; None for any other block (packed call by call)."""
    name, args = calls[0]
    arity = len(args)
    if calls[-1][0] != name or not arity:
        return None
    argss = list(map(itemgetter(1), calls))  # (each check a C loop: map, set)
    if set(map(len, argss)) != {arity} or set(map(itemgetter(0), calls)) != {name}:
        return None
    flat = list(chain.from_iterable(argss))
    if set(map(type, flat)) != {float}:
        return None
    rows = np.zeros((len(calls), 7 + 9 * arity), np.uint8)
    rows[:, :7] = np.frombuffer(struct.pack("<HBI", index[name], arity, 9 * arity), np.uint8)
    values = np.array(flat, "<f8").reshape(len(calls), arity)
    for j in range(arity):  # each argument's tag (0, a double) stays 0
        rows[:, 8 + 9 * j:16 + 9 * j] = values[:, j:j + 1].view(np.uint8)
    return rows.tobytes()


class SchemeRunner:
    """Calls the concept functions in one Scheme implementation."""

    max_restarts = 3       # per batch; after that the rest of the batch is not run
    max_line = 1 << 24     # bytes without a newline before the output counts as garbage
    small_read = 1 << 12   # a read this short in a batch means answers trickle in: wait…
    gather = 0.0005        # …this long (s) for more before reading again
    pipe_size = 1 << 20    # bytes the pipes to and from the process hold, if Linux lets them
    min_binary = 8         # calls in a batch before it travels in binary
    binary_block = 4096    # calls per binary request block

    def __init__(self, impl: SchemeImpl = GUILE, *, extra_sources=(), extra_functions=(), libraries=(),
                 timeout: float = 10.0, start_timeout: float = 60.0, compiled: bool = True,
                 compile_extra: bool = False, binary: bool | None = None):
        self.impl = impl
        if binary is None:
            binary = os.environ.get("TRIGLOT_SCHEME_BINARY", "1").strip() != "0"
        self.binary = binary and impl.binary  # batches travel in binary blocks (guile.scm's header)
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
        self.replays = 0             # binary blocks that failed and were sent again as text
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
        folder = cache_folder(self.impl.name)
        chain = self._key_chain()
        options, args = ["--cache", str(folder)], []
        if self.impl.binary:  # the shim's binary loop is compiled too, and kept under this key
            options += ["--server", hashlib.sha256(
                CACHE_FORMAT + b"\0binary server\0"
                + hashlib.sha256(self.impl.shim.read_bytes()).digest()).hexdigest()]
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
        argv = self.impl.argv(sources, self.names, self.libraries, options, compiled=self.compiled)
        self._stderr = tempfile.TemporaryFile()
        env = {**os.environ, "GUILE_AUTO_COMPILE": "0"}
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, bufsize=0, env=env,
                                     cwd=registry.root())
        self.starts += 1
        self._pending = b""
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:  # fewer, larger reads and writes: each may wait for the GIL (Languages' threads)
                fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, self.pipe_size)
            except (AttributeError, OSError):  # not Linux, or above /proc/sys/fs/pipe-max-size
                pass
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
        self._check_all(calls)  # refuse bad calls before anything is sent
        results: list = [None] * len(calls)
        runs = self._binary_runs(calls)
        done = 0  # the calls before this one have their outcomes
        restarts = 0
        careful = 0  # calls from `done` on that go as text lines, where a failure is pinned on its call
        while done < len(calls):
            if self.proc is None:
                self.start()
            binary = not careful and runs[done] >= self.min_binary
            if binary:
                end = done + runs[done]
            elif careful:
                end = done + careful
            else:
                end = done
                while end < len(calls) and runs[end] < self.min_binary:
                    end += 1
            answered, failure = self._exchange(calls[done:end], binary=binary)
            results[done:done + len(answered)] = answered
            done += len(answered)
            careful = max(careful - len(answered), 0)
            if failure is None and done == end:
                continue
            if failure is None:  # cannot happen: an exchange answers every call or fails
                failure = self._garbled(b"(answers missing)")
            if binary:  # answers come in bursts: which call failed is not known; replay as text
                careful = min(self.binary_block, len(calls) - done)
                self.replays += 1
                self.close()
                continue
            careful = max(careful - 1, 0)
            if done < len(calls):
                results[done] = failure  # the call that was running takes the blame
                done += 1
            self.close()
            restarts += 1
            if restarts >= self.max_restarts:
                for i in range(done, len(calls)):
                    results[i] = Error("SchemeNotRun", f"not run: {self.name} failed {restarts} times "
                                       "in this batch", runner=True)
                break
        return results

    def _binary_runs(self, calls) -> list[int]:
        """For each call, how many calls from it on can travel in binary (fewer than 256
        arguments): the length of the binary run it starts."""
        runs = [0] * (len(calls) + 1)
        if not self.binary or len(self.names) > 0xFFFF:
            return runs
        if max(map(len, map(itemgetter(1), calls)), default=0) < 256:  # the common case: one run
            return list(range(len(calls), -1, -1))
        for i in range(len(calls) - 1, -1, -1):
            if len(calls[i][1]) < 256:
                runs[i] = runs[i + 1] + 1
        return runs

    def _check_all(self, calls):
        """Raise UnknownFunction or BadValue for the first bad call (checked a column at a time)."""
        unknown = set(map(itemgetter(0), calls)) - self.index.keys()
        if unknown:
            name = next(name for name, _ in calls if name in unknown)
            raise registry.UnknownFunction(f"{self.name}: unknown function {name!r}")
        args = list(chain.from_iterable(map(itemgetter(1), calls)))
        if not set(map(type, args)) <= NUMBERS:
            for a in args:
                if type(a) not in NUMBERS:
                    _check_datum(a)

    def _payload(self, calls, first: int):
        """Yield the request lines as bytes, a block at a time (made as they are sent)."""
        block = 1024
        for start in range(0, len(calls), block):
            yield "".join(f"({' '.join([str(first + k), str(self.index[name]), *map(to_scheme, args)])})\n"
                          for k, (name, args) in enumerate(calls[start:start + block], start)).encode()

    def _binary_payload(self, calls, first: int):
        """Yield the binary request blocks of a run of calls (guile.scm's header)."""
        heads = {}  # (name, arity) → the call's head and, for float arguments, their packer
        for start in range(0, len(calls), self.binary_block):
            part = calls[start:start + self.binary_block]
            data = uniform_block(part, self.index)
            if data is not None:
                yield f"(b {first + start} {len(part)} {len(data)})\n".encode() + data
                continue
            rows = []
            for name, args in part:
                known = heads.get((name, len(args)))
                if known is None:  # the head of a call whose arguments are all floats, and their packer
                    known = heads[name, len(args)] = (
                        struct.pack("<HBI", self.index[name], len(args), 9 * len(args)),
                        struct.Struct("<" + "xd" * len(args)).pack)
                for a in args:
                    if type(a) is not float:  # (struct would turn an integer into a double)
                        packed: list = []
                        for a in args:
                            pack_datum(a, packed)
                        packed = b"".join(packed)
                        rows += (struct.pack("<HBI", self.index[name], len(args), len(packed)), packed)
                        break
                else:
                    rows += (known[0], known[1](*args))  # every argument a float: the common case
            data = b"".join(rows)
            yield f"(b {first + start} {len(part)} {len(data)})\n".encode() + data

    def _exchange(self, calls, binary: bool = False):
        """Send calls and read their answers: return (outcomes, failure or None).

        Each answer must come within `timeout` seconds of the one before (output
        that is not a whole answer does not count), or the call times out.  Text
        lines and binary blocks differ only in how requests are written and answers
        taken off the pending output (`_take_lines`, `_take_records`).
        """
        first = self._next_id
        self._next_id += len(calls)
        if binary:
            blocks, take = self._binary_payload(calls, first), self._take_records
        else:
            blocks, take = self._payload(calls, first), self._take_lines
        unsent = b""
        out_fd, in_fd = self.proc.stdout.fileno(), self.proc.stdin.fileno()
        outcomes: list = []
        deadline = time.monotonic() + self.timeout
        fresh, trickle = bool(self._pending), False
        while len(outcomes) < len(calls):
            if fresh:
                fresh = False
                before = len(outcomes)
                failure = take(first, len(calls), outcomes)
                if failure is not None:
                    return outcomes, failure
                if len(outcomes) > before:
                    deadline = time.monotonic() + self.timeout
                    if trickle and len(outcomes) < len(calls):
                        # The process flushes as it goes: let a few hundred answers gather
                        # rather than wake up for every one (the pipe holds thousands).
                        time.sleep(self.gather)
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
                    unsent = unsent[os.write(in_fd, unsent[:self.pipe_size]):]
                except (BrokenPipeError, BlockingIOError):
                    pass
            if ready:
                chunk = os.read(out_fd, self.pipe_size)
                if not chunk:
                    return outcomes, Error("SchemeCrashed", self._exit_reason() + " while running this call",
                                           runner=True)
                self._pending += chunk
                fresh, trickle = True, len(chunk) < self.small_read
        return outcomes, None

    def _take_lines(self, first_id: int, total: int, outcomes: list):
        """Append the outcomes of the whole answer lines pending to `outcomes` (at most `total`
        in all); return the runner Error of the first thing that is not an answer (or None)."""
        if b"\n" not in self._pending:
            return None
        *lines, self._pending = self._pending.split(b"\n")
        wanted = lines[:total - len(outcomes)]
        failure = self._decode_many(wanted, first_id + len(outcomes), outcomes)
        if failure is None and len(lines) > len(wanted):
            failure = self._garbled(lines[len(wanted)])  # an answer nobody asked for
        return failure

    def _take_records(self, first_id: int, total: int, outcomes: list):
        """Append the outcomes of the whole binary answers at the front of the pending output
        to `outcomes` (at most `total` in all); return the runner Error of the first thing
        that is not an answer (or None).  A partial answer stays pending."""
        buf = self._pending
        p, n = 0, len(buf)
        failure = None
        while len(outcomes) < total and p < n:
            tag = buf[p]
            if tag == 0:
                whole = min((n - p) // 9, total - len(outcomes))
                if whole == 0:
                    break
                tags = buf[p:p + 9 * whole:9]
                k = whole - len(tags.lstrip(b"\0"))
                end = p + 9 * k
                if k < 64:
                    outcomes.extend([v for (v,) in RECORD.iter_unpack(buf[p:end])])
                else:  # numpy reads a long run at once
                    outcomes.extend(np.frombuffer(buf, RECORDS, k, p)["value"].tolist())
                p = end
            elif tag == 1:
                end = buf.find(b"\n", p + 1)
                if end < 0:
                    break
                outcome = self._decode(buf[p + 1:end], first_id + len(outcomes))
                if isinstance(outcome, Error) and outcome.runner:
                    failure = outcome
                    break
                outcomes.append(outcome)
                p = end + 1
            else:
                rest = buf[p:]
                failure = self._garbled(rest[:rest.index(b"\n")] if b"\n" in rest else rest)
                break
        self._pending = buf[p:]
        return failure

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

