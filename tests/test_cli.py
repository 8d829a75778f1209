"""The command line, driven as users' scripts drive it (DESIGN.md's contract)."""
import json

import pytest

from triglot import registry

from support import broken_copy
from support import run_triglot as triglot


def test_call_json_follows_the_contract():
    r = triglot("call", "sigmoid", "0.5", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["function"] == "sigmoid" and out["args"] == ["0.5"]
    assert out["results"] == {lang: {"value": "0.6224593312018546"} for lang in ("python", "hy", "scheme/guile")}
    assert out["identical"] is True and out["verdict"] == "identical"


def test_call_shows_the_overflow_difference_and_its_note():
    r = triglot("call", "sigmoid", "-1000")
    assert r.returncode == 0, r.stderr
    assert "OverflowError" in r.stdout and "scheme/guile  0.0" in r.stdout
    assert r.stdout.startswith("(sigmoid -1000)")
    assert "[exp-overflow]" in r.stdout
    out = json.loads(triglot("call", "sigmoid", "-1000", "--json").stdout)
    assert out["results"]["python"] == {"error": "OverflowError: math range error"}
    assert out["results"]["hy"] == {"error": "OverflowError: math range error"}
    assert out["results"]["scheme/guile"] == {"value": "0.0"}
    assert out["identical"] is False and out["notes"] == ["exp-overflow"]


@pytest.mark.parametrize("args, value", [
    (["decision-boundary", "2", "1"], {"value": "exact:-1/2"}),
    (["gradient", "0.0", "0.0", "2.0", "1"], {"value": ["-1.0", "-0.5"]}),
    (["sigmoid", "-1e-5"], {"value": "0.49999750000000004"}),
    (["stable-sigmoid", "-1e-5"], {"value": "0.4999975"}),
    (["nats-to-bits", "-0.0"], {"value": "-0.0"}),
    (["surprise", "nan"], {"value": "nan"}),
    (["surprise", "-inf"], {"value": "complex:-inf-3.141592653589793i"}),
])
def test_call_values_in_v_text(args, value):
    out = json.loads(triglot("call", *args, "--json").stdout)
    assert out["results"]["scheme/guile"] == value


def test_batch_is_json_lines_in_order_with_bad_lines_reported(tmp_path):
    batch = tmp_path / "calls.jsonl"
    batch.write_text("\n".join([
        '{"function": "sigmoid", "args": [0.5]}',
        '{"function": "cross_entropy", "args": [1, "0.0"]}',
        'this is not json',
        '{"function": "sigmoid", "args": ["__import__(\'os\')"]}',
        '{"function": "gradient", "args": [0, 0, 2, 1]}',
        '',
        '{"function": "no-such-function", "args": [1]}',
    ]) + "\n")
    r = triglot("call", "--batch", str(batch), "--json")
    assert r.returncode == 2, "a bad line makes the exit code 2"
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(out) == 7, "one record per input line, the blank one included: none lost, none shifted"
    assert out[0]["function"] == "sigmoid" and out[0]["identical"] is True
    assert out[1]["function"] == "cross-entropy" and out[1]["notes"] == ["log-of-zero"]
    assert "error" in out[2] and out[2]["error"].startswith("line 3: ")
    assert "error" in out[3] and out[3]["error"].startswith("line 4: ")
    assert out[4]["results"]["python"] == {"value": ["-1.0", "-0.5"]}
    assert out[5]["error"].startswith("line 6: blank")
    assert "error" in out[6] and "no-such-function" in out[6]["error"]


def test_batch_from_stdin():
    r = triglot("call", "--batch", "-", "--json", stdin='{"function": "classify", "args": [2.0, 1.0, -1.0]}\n')
    assert r.returncode == 0
    assert json.loads(r.stdout)["results"]["scheme/guile"] == {"value": "exact:1"}


@pytest.mark.parametrize("args, message", [
    (["call", "sigmoid", "abc"], "not a number"),
    (["call", "sigmoid", "__import__('os').system('touch pwned')"], "not a number"),
    (["call", "car", "1"], "unknown function"),
    (["call", "sigmoid", "1", "2"], "takes 1 argument"),
    (["call"], "name a function"),
    (["call", "--batch", "/no/such/file.jsonl"], "No such file"),
])
def test_bad_input_is_a_clear_error_and_exit_2(tmp_path, args, message):
    r = triglot(*args, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "pwned").exists()


def test_guile_missing_is_exit_3_with_install_hint(tmp_path):
    env = {"PATH": str(tmp_path)}
    r = triglot("call", "sigmoid", "0.5", env=env)
    assert r.returncode == 3 and "apt-get install guile-3.0" in r.stderr
    assert "identical" not in r.stdout


def test_check_summarises_every_concept():
    r = triglot("check")
    assert r.returncode == 0, r.stdout + r.stderr
    for concept in registry.concepts():
        assert concept.stem in r.stdout
    assert "0 unexplained" in r.stdout
    out = json.loads(triglot("check", "--json").stdout)
    assert out["ok"] is True and out["failures"] == []
    assert {row["language"] for row in out["concepts"]} == {"python", "hy", "scheme/guile"}
    rows = {(row["concept"], row["language"]): row for row in out["concepts"]}
    assert rows[("sigmoid", "python")]["notes"]["exp-overflow"] >= 3
    assert all(row["cases"] == row["identical"] + row["documented"] + row["failed"] for row in out["concepts"])


def test_help_explains_the_commands():
    r = triglot("--help")
    assert r.returncode == 0 and "check" in r.stdout and "call" in r.stdout
    r = triglot("call", "--help")
    assert r.returncode == 0 and "--batch" in r.stdout and "exact" in r.stdout


# ---------------------------------------------------------------- breaking one implementation

ONE_ULP = {
    "python": ("python_src/sigmoid.py", "return 1 / (1 + math.exp(-z))",
               "return 1.0000000000000002 / (1 + math.exp(-z))"),
    "hy": ("hy_src/sigmoid.hy", "(/ 1 (+ 1 (math.exp (- z))))", "(/ 1.0000000000000002 (+ 1 (math.exp (- z))))"),
    "scheme/guile": ("scheme_src/sigmoid.scm", "(/ 1 (+ 1 (exp (- z))))", "(/ 1.0000000000000002 (+ 1 (exp (- z))))"),
}


@pytest.mark.parametrize("language", list(ONE_ULP))
def test_one_ulp_in_one_language_fails_the_check(tmp_path, language):
    """A copy of the project with one language's sigmoid off by one ULP: `triglot check` fails,
    naming that language, and `triglot call` gives the verdict "different" (exit 1)."""
    env = broken_copy(tmp_path, *ONE_ULP[language])
    r = triglot("check", "--json", env=env)
    out = json.loads(r.stdout)
    assert r.returncode == 1 and out["ok"] is False
    assert any(f["language"] == language and f["property"] == "sigmoid" for f in out["failures"])
    call = triglot("call", "sigmoid", "0.5", "--json", env=env)
    assert call.returncode == 1 and json.loads(call.stdout)["verdict"] == "different"
