"""The Scheme column means Scheme: six implementations, each with its shim in
triglot/schemes/, each carrying every double bit for bit, each running every
canonical case identically to the canonical outcome or as portability.toml
documents (with a note), and `--scheme NAME|all` on the command line."""
from __future__ import annotations

import json
import math
import random
import struct
from fractions import Fraction
from pathlib import Path

import pytest

from triglot import cases, notes, portability
from triglot.compare import identical
from triglot.implementations import IMPLEMENTATIONS
from triglot.scheme import SchemeRunner

from support import run_triglot as triglot

MISBEHAVE = Path(__file__).resolve().parent / "scheme" / "misbehave.scm"
NAMES = list(IMPLEMENTATIONS)


def bits(n: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", n))[0]


def doubles(seed: int, n: int) -> list[float]:
    rng = random.Random(seed)
    edges = [0.0, -0.0, 5e-324, -5e-324, 2.225073858507201e-308, 2.2250738585072014e-308,
             1.7976931348623157e308, -1.7976931348623157e308, math.inf, -math.inf, math.nan, 0.1, 1 / 3,
             9007199254740993.0, 1e-300, 1e300, 123456.789e-310, bits(0x000FFFFFFFFFFFFF)]
    return edges + [bits(rng.getrandbits(64)) for _ in range(n)] + \
        [bits(rng.getrandbits(52)) for _ in range(n // 5)]  # subnormals


def exacts(seed: int) -> list:
    rng = random.Random(seed)
    return [0, 1, -1, 2 ** 62, -2 ** 63, 2 ** 64 + 1, -10 ** 40, 10 ** 400, Fraction(1, 3), Fraction(-7, 2 ** 70),
            Fraction(10 ** 30, 7)] + [rng.randrange(-10 ** 25, 10 ** 25) for _ in range(200)] + \
        [Fraction(rng.randrange(-10 ** 9, 10 ** 9), rng.randrange(2, 10 ** 9)) or Fraction(1, 2) for _ in range(200)]


@pytest.mark.parametrize("name", NAMES)
def test_every_double_and_exact_number_makes_the_round_trip_bit_for_bit(name):
    values = doubles(hash(name) & 0xFFFF, 20_000)
    numbers = exacts(7)
    with SchemeRunner(IMPLEMENTATIONS[name], extra_sources=[MISBEHAVE], extra_functions=["echo"]) as r:
        back = r.call_many([("echo", [v]) for v in values])
        back_exact = r.call_many([("echo", [v]) for v in numbers])
        back_list = r.call("echo", [values[:300]])
    pack = lambda v: struct.pack("<d", v)  # noqa: E731
    wrong = [(v, b) for v, b in zip(values, back)
             if type(b) is not float or (pack(v) != pack(b) and not (v != v and b != b))]
    assert not wrong, f"{name}: {len(wrong)} doubles changed, e.g. {wrong[:3]}"
    assert all(type(b) is type(v if type(v) is not Fraction or v.denominator != 1 else 1) and b == v
               for v, b in zip(numbers, back_exact)), name
    assert isinstance(back_list, list) and all(identical(a, b) for a, b in zip(values[:300], back_list))


def test_every_implementation_starts_on_the_concept_files():
    rows = [portability.probe(name) for name in NAMES]
    assert [r["name"] for r in rows] == ["guile", "chez", "gambit", "chicken", "mit", "racket"]
    for r in rows:
        assert r["installed"] and r["ready"], r


@pytest.mark.parametrize("name", NAMES)
def test_every_case_is_identical_or_documented_in_every_implementation(portability_results, name):
    lang = f"scheme/{name}"
    failed = [f"{r.case.property}[{r.case.short}] {r.case.description}: {r.judgements[lang].detail}"
              for r in portability_results.values() if not r.judgements[lang].ok]
    assert not failed, f"{lang}: {len(failed)} cases:\n" + "\n".join(failed)


def test_every_documented_outcome_is_still_needed_and_cites_a_note(portability_results):
    """An entry of portability.toml must cite a note, and the implementation must still give
    an outcome other than the canonical one (else the entry is stale)."""
    known = notes.notes()
    for uuid, by_lang in cases.portability().items():
        r = portability_results[uuid]
        canonical = r.outcomes["scheme/guile"]  # the canonical Scheme outcome (Guile's, documented or not)
        for lang, outcome in by_lang.items():
            assert outcome.note in known, f"{uuid} {lang}: no note {outcome.note!r}"
            assert not identical(r.outcomes[lang], canonical), f"{uuid} {lang}: stale, now canonical"


def test_a_documented_value_is_the_mathematics_unless_marked_a_defect(portability_results):
    """An implementation may round differently or answer exactly, but a value it documents must
    still be the mathematics: within the case's ULP bound of the exact value (an exact answer
    exactly equal to it).  One that is not is marked `defect = true`, and only such a one."""
    from triglot.compare import within
    for uuid, by_lang in cases.portability().items():
        case = portability_results[uuid].case
        for lang, outcome in by_lang.items():
            if outcome.error is not None or not isinstance(outcome.value, (float, int, Fraction, list)):
                assert not outcome.defect, f"{uuid} {lang}: only a value can be marked a defect"
                continue
            if case.expected in ("nan",) or case.outcome_for("python") is not None:
                continue  # the canonical outcome is itself documented: no exact value to hold it to
            ok, err = within(outcome.value, case.expected, case.max_ulp)
            assert ok != outcome.defect, (
                f"{uuid} {lang}: {outcome.value!r} is {err} ULP from {case.expected}, "
                + ("yet marked a defect" if ok else "and not marked `defect = true`"))


def test_the_schemes_command_lists_all_six_as_json():
    r = triglot("schemes", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert [i["name"] for i in out["schemes"]] == NAMES
    for i in out["schemes"]:
        assert i["installed"] and i["ready"] and i["startup_s"] > 0 and i["version"], i
        assert i["command"][0] == IMPLEMENTATIONS[i["name"]].command[0] and "apt-get install" in i["install"]
    assert out["matrix"] is None


def test_call_with_every_scheme_gives_a_result_per_implementation():
    r = triglot("call", "stable-sigmoid", "-0.5", "--scheme", "all", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert list(out["results"]) == ["python", "hy"] + [f"scheme/{n}" for n in NAMES]
    assert out["verdict"] == "identical"
    r = triglot("call", "sigmoid", "0.5", "--scheme", "chez,racket", "--json")
    assert list(json.loads(r.stdout)["results"]) == ["python", "hy", "scheme/chez", "scheme/racket"]


def test_an_unknown_scheme_is_bad_input():
    r = triglot("call", "sigmoid", "0.5", "--scheme", "stalin")
    assert r.returncode == 2 and "stalin" in r.stderr and "chez" in r.stderr


def test_a_batch_through_every_scheme_keeps_its_lines():
    lines = "".join(json.dumps({"function": "sigmoid", "args": [x / 7]}) + "\n" for x in range(-40, 40))
    r = triglot("call", "--batch", "-", "--json", "--scheme", "all", stdin=lines)
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(out) == 80 and all(len(o["results"]) == 8 and o["verdict"] == "identical" for o in out)


def test_several_implementations_that_differ_are_explained_each_by_its_own_notes():
    """σ of an exact 0: Python, Hy and Guile give 0.5; the implementations whose (exp 0) is an
    exact 1 give the exact 1/2, each explained by its own portability note."""
    r = triglot("call", "sigmoid", "0", "--scheme", "all", "--json")
    out = json.loads(r.stdout)
    exact = [lang for lang, v in out["results"].items() if v == {"value": "exact:1/2"}]
    assert len(exact) >= 2, out["results"]
    assert r.returncode == 0 and out["verdict"] == "documented", out
    for lang in exact:
        assert any(n.startswith(lang.split("/")[1] + "-") for n in out["notes"]), (lang, out["notes"])


def test_the_speed_table_has_a_row_per_language():
    r = triglot("bench", "--languages", "--calls", "300", "--repeats", "2", "--no-training", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["languages"]
    assert [x["language"] for x in rows] == ["python", "hy"] + [f"scheme/{n}" for n in NAMES]
    paths = {x["language"]: (x["path"], x["code"]) for x in rows}
    assert paths == {"python": ("in process", "bytecode"), "hy": ("in process", "bytecode"),
                     "scheme/guile": ("binary", "cached"), "scheme/chez": ("binary", "compiled"),
                     "scheme/gambit": ("binary", "cached"), "scheme/chicken": ("binary", "cached"),
                     "scheme/mit": ("text", "interpreted"), "scheme/racket": ("binary", "compiled")}
    for x in rows:
        for work in ("doubles", "mixed"):
            w = x[work]
            assert w["calls"] == 300 and 0 < w["min_s"] <= w["median_s"] <= w["max_s"], (x["language"], w)


SEQUENCES = """
(define (sequence-demo)
  (let ((s (string-copy "abcdef")) (t (string-copy "abcdef")) (v (vector 1 2 3 4 5))
        (w (vector 1 2 3 4 5)) (u (make-string 4 #\\a)) (x (vector 1 2 3))
        (b (bytevector 1 2 3 4 5)) (c (bytevector 1 2 3 4 5)))
    (string-copy! s 2 s 0 3) (string-copy! t 0 t 2) (vector-copy! v 1 v 0 3)
    (vector-fill! w 0 1 3) (string-fill! u #\\z 2) (vector-copy! x 0 (vector 9 8))
    (bytevector-copy! b 1 b 0 3) (bytevector-copy! c 0 c 2)
    (list s t v w u x (bytevector-u8-ref b 3) (bytevector-u8-ref c 0) (bytevector-u8-ref c 2))))
"""


@pytest.mark.parametrize("name", NAMES)
def test_copy_and_fill_of_strings_vectors_and_bytevectors_keep_r7rs_meaning(name, tmp_path):
    """R7RS 6.7–6.9: a copy into the same sequence overlapping its source, to the left or to the
    right, reads every item before it is overwritten; fill and copy take start and end."""
    source = tmp_path / "sequences.scm"
    source.write_text(SEQUENCES, encoding="utf-8")
    with SchemeRunner(IMPLEMENTATIONS[name], extra_sources=[source], extra_functions=["sequence-demo"]) as r:
        got = r.call("sequence-demo", [])
    assert [list(x) if not isinstance(x, (str, int)) else x for x in got] == \
        ["ababcf", "cdefef", [1, 1, 2, 3, 5], [1, 0, 0, 4, 5], "aazz", [9, 8, 3], 3, 3, 5], (name, got)


def test_the_speed_table_names_the_path_each_runner_really_takes(monkeypatch):
    from triglot import speed
    from triglot.inprocess import python_runner
    assert speed.path(python_runner()) == "in process"
    assert [speed.path(SchemeRunner(IMPLEMENTATIONS[n])) for n in NAMES] == \
        ["binary", "binary", "binary", "binary", "text", "binary"]
    monkeypatch.setenv("TRIGLOT_SCHEME_BINARY", "0")
    assert {speed.path(SchemeRunner(IMPLEMENTATIONS[n])) for n in NAMES} == {"text"}


def test_fit_and_show_take_the_scheme_option_too():
    r = triglot("fit", "iris", "--scheme", "chez,racket", "--no-reference", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert list(out["results"]) == ["python", "hy", "scheme/chez", "scheme/racket"] and out["verdict"] == "identical"
    r = triglot("show", "sigmoid", "--scheme", "gambit", "--json")
    assert r.returncode == 0, r.stderr
    assert all(list(e["results"]) == ["python", "hy", "scheme/gambit"] for e in json.loads(r.stdout)["examples"])


# Each implementation run on its own, outside the bridge: a script loads three concept files
# and writes each result as an exact rational (so no printer's rounding can hide a bit).
DIRECT = {"guile": ["guile", "--no-auto-compile", "-s", "{script}"], "chez": ["chezscheme", "--script", "{script}"],
          "gambit": ["gsi", "{script}"], "chicken": ["csi", "-s", "{script}"],
          "mit": ["mit-scheme", "--quiet", "--load", "{script}", "--eval", "(exit)"],
          "racket": ["racket", "-f", "{script}"]}
SAMPLE = ([("sigmoid", [z]) for z in (-7.5, -2.25, -0.5, 0.125, 1.75, 9.5)]
          + [("stable-sigmoid", [z]) for z in (-30.25, -2.25, 0.375, 12.5)]
          + [("surprise", [p]) for p in (0.125, 0.25, 0.75, 0.875)]
          + [("nats-to-bits", [h]) for h in (1.5, 0.5, 37.25)]
          + [("cross-entropy", [y, p]) for y in (0.0, 1.0) for p in (0.25, 0.75)]
          + [("cross-entropy-from-logit", [y, z]) for y in (0.0, 1.0) for z in (-3.5, 2.25)])


@pytest.mark.parametrize("name", NAMES)
def test_the_bridge_gives_what_the_implementation_computes_on_its_own(name, tmp_path):
    import subprocess
    from triglot import registry
    root = registry.root()
    lines = [f'(load "{root / "scheme_src" / stem}.scm")' for stem in ("sigmoid", "surprise", "cross_entropy")]
    lines += [f"(write (inexact->exact ({fn} {' '.join(map(repr, args))}))) (newline)" for fn, args in SAMPLE]
    script = tmp_path / "direct.scm"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = [part.format(script=script) for part in DIRECT[name]]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    printed = [Fraction(line) for line in done.stdout.split()]
    assert len(printed) == len(SAMPLE), (done.stdout, done.stderr)
    with SchemeRunner(IMPLEMENTATIONS[name]) as r:
        bridged = r.call_many(SAMPLE)
    for (fn, args), direct, via in zip(SAMPLE, printed, bridged):
        assert type(via) is float and Fraction(via) == direct, (name, fn, args, direct, via)


def test_the_notation_table_holds_in_every_implementation():
    r = triglot("table", "--scheme", "all", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["ok"] and list(out["verified_with"])[2:] == [f"scheme/{n}" for n in NAMES]
    assert all(list(row["results"])[2:] == [f"scheme/{n}" for n in NAMES] for row in out["rows"])
