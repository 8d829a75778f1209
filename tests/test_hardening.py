"""The command line as a new user and a hostile one use it: no traceback, no lost batch line,
Ctrl-C that stops, and exit codes that mean one thing each (0, 1, 2, 3, 4, 130/143, 141)."""
import json
import signal
import subprocess
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import EXE, run_triglot
from triglot import cli

LONG_FIT = ["call", "fit", "[1,2]", "[0,1]", "0.1", "20000000", "--timeout", "100"]


def cli_main(capsys, *args):
    """Return (exit code, stdout, stderr) of triglot run in this process."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- 1. Ctrl-C and SIGTERM

@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_an_interrupt_stops_at_once_and_leaves_no_process(sig, code, word):
    p = subprocess.Popen([str(EXE), *LONG_FIT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3)  # Python, Hy and Guile all busy with 20 million epochs
    group = subprocess.run(["pgrep", "-s", str(p.pid)], capture_output=True, text=True).stdout.split()
    assert len(group) >= 2, "the Guile process was running"
    start = time.monotonic()
    p.send_signal(sig)
    out, err = p.communicate(timeout=30)
    assert time.monotonic() - start < 1.5
    assert p.returncode == code and err == f"triglot: {word}\n", err
    time.sleep(0.2)
    assert subprocess.run(["pgrep", "-s", str(p.pid)], capture_output=True, text=True).stdout == ""


# ---------------------------------------------------------------- 2, 6, 7. bad arguments: exit 2, named

@pytest.mark.parametrize("arg, says", [
    ("1/0", "divides by zero"), ("exact:1/0", "divides by zero"), ("[" * 500 + "]" * 500, "nests lists"),
    ("true", "booleans are not arguments"), ("[]", "is a number"), ("1_000", "underscores"),
    ("-nan", "NaN has no sign"), ("１", "ASCII"), ("−1", "ASCII"), ('"1"', "not a number"), ("()", "not a number"),
    ("1e400", "beyond the double range")])
def test_a_bad_argument_is_exit_2_naming_it(capsys, arg, says):
    code, out, err = cli_main(capsys, "call", "sigmoid", arg)
    assert code == 2 and out == "" and says in err and "sigmoid's z" in err, err


def test_a_count_is_an_exact_integer(capsys):
    code, _, err = cli_main(capsys, "call", "fit", "[1,2]", "[0,1]", "0.1", "2.5")
    assert code == 2 and "fit's epochs is a count" in err


# ---------------------------------------------------------------- 3, 4. batches: one record per line, in order

def test_every_batch_line_is_answered_in_its_place(tmp_path, capsys):
    deep = '{"function": "sigmoid", "args": ' + "[" * 400 + "]" * 400 + "}"
    lines = [b'\xef\xbb\xbf{"function": "sigmoid", "args": [0.5]}', b"", b'{"function": "sigmoid", "args": ["1/0"]}',
             b'{"function": "sigmoid", "args": [\xff]}', b'{"args": [1]}', deep.encode(),
             b'{"function": "sigmoid", "args": ["' + b"9" * 5_000_000 + b'x"]}', b'{"function": "sigmoid", "args": [0]}']
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = cli_main(capsys, "call", "--batch", str(path), "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and err == "" and len(records) == len(lines)
    assert records[0]["verdict"] == "identical" and records[-1]["verdict"] == "identical"  # a BOM is fine
    errors = [r["error"] for r in records[1:-1]]
    assert [e.split(":")[0] for e in errors] == [f"line {n}" for n in range(2, 8)]
    assert all(e.count(f"line {n}") == 1 for n, e in enumerate(errors, 2)), errors  # named once
    assert "blank" in errors[0] and "divides by zero" in errors[1] and "not UTF-8" in errors[2]
    assert 'no "function"' in errors[3] and "nested more than" in errors[4]
    assert len(errors[5]) < 200, "a huge bad value is not echoed whole"


def test_a_batch_with_a_call_on_the_command_line_is_refused(tmp_path, capsys):
    (tmp_path / "b.jsonl").write_text('{"function": "sigmoid", "args": [1]}\n')
    code, out, err = cli_main(capsys, "call", "--batch", str(tmp_path / "b.jsonl"), "sigmoid", "1")
    assert code == 2 and out == "" and "not both" in err


def test_batch_answers_stream_before_the_input_ends():
    p = subprocess.Popen([str(EXE), "call", "--batch", "-", "--json"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.stdin.write('{"function": "sigmoid", "args": [0.5]}\n')
    p.stdin.flush()
    first = json.loads(p.stdout.readline())  # answered while stdin is still open
    assert first["verdict"] == "identical"
    p.stdin.write('{"function": "sigmoid", "args": [-1000]}\n')
    p.stdin.close()
    second = json.loads(p.stdout.readline())
    assert second["verdict"] == "documented" and p.wait(timeout=30) == 0


# ---------------------------------------------------------------- 5. a timeout is no difference

def test_a_timeout_has_its_own_verdict_and_exit_4(capsys):
    code, out, err = cli_main(capsys, "call", "fit", "[1,2]", "[0,1]", "0.1", "20000000", "--timeout", "0.5",
                              "--json")
    record = json.loads(out)
    assert code == 4 and record["verdict"] == "timeout" and record["identical"] is False
    assert all("Timeout" in r["error"] for r in record["results"].values())


def test_a_batch_timeout_is_exit_4(tmp_path, capsys):
    (tmp_path / "b.jsonl").write_text('{"function": "sigmoid", "args": [0.5]}\n'
                                      '{"function": "fit", "args": [[1, 2], [0, 1], 0.1, 20000000]}\n')
    code, out, _ = cli_main(capsys, "call", "--batch", str(tmp_path / "b.jsonl"), "--json", "--timeout", "0.5")
    assert code == 4 and [json.loads(x)["verdict"] for x in out.splitlines()] == ["identical", "timeout"]


# ---------------------------------------------------------------- 8. a closed pipe

@pytest.mark.parametrize("args", [["call", "--batch", "BIG", "--json"], ["table"], ["fit", "--list"]])
def test_a_closed_pipe_stops_quietly(tmp_path, args):
    big = tmp_path / "big.jsonl"
    big.write_text("".join(f'{{"function": "stable-sigmoid", "args": [{i / 100}]}}\n' for i in range(20000)))
    argv = [str(EXE), *[str(big) if a == "BIG" else a for a in args]]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) in (0, 141) and "Error" not in err and "Traceback" not in err, err


# ---------------------------------------------------------------- 9. fit on degenerate and large data

@pytest.mark.parametrize("csv, says", [("a,y\n1,1\n", "one row"), ("a,y\n1,1\n2,1\n", "both classes")])
def test_data_that_cannot_be_fitted_is_refused(tmp_path, capsys, csv, says):
    (tmp_path / "d.csv").write_text(csv)
    code, out, err = cli_main(capsys, "fit", str(tmp_path / "d.csv"))
    assert code == 2 and says in err


def test_a_reference_too_large_is_not_run_and_says_so(tmp_path, capsys):
    k = 2200  # k³ alone passes the limit
    rows = [",".join(f"c{i}" for i in range(k)) + ",y"] + [",".join(["0.5"] * k) + f",{y}" for y in (0, 1)]
    (tmp_path / "wide.csv").write_text("\n".join(rows) + "\n")
    code, out, err = cli_main(capsys, "fit", str(tmp_path / "wide.csv"), "--method", "gd", "--epochs", "1", "--json")
    assert code == 0 and "beyond the size the reference is run for" in json.loads(out)["reference"]["error"]
    code, out, _ = cli_main(capsys, "fit", "spector", "--no-reference", "--json")
    assert code == 0 and json.loads(out)["reference"]["error"] == "not run (--no-reference)"


def test_gradient_descent_that_has_not_converged_says_so(capsys):
    code, out, err = cli_main(capsys, "fit", "spector", "--method", "gd")
    assert code == 0 and "NOT converged" in out and "approaches" in out
    code, out, err = cli_main(capsys, "fit", "spector")
    assert "converged: ‖∇‖" in out and "NOT" not in out


def test_a_penalised_fit_shows_no_published_mle_beside_it(capsys):
    code, out, _ = cli_main(capsys, "fit", "spector", "--penalty", "1", "--json")
    assert json.loads(out)["published"] is None
    code, out, _ = cli_main(capsys, "fit", "spector", "--penalty", "1")
    assert "published: not shown" in out and "13.021" not in out


# ---------------------------------------------------------------- 10. small things

def test_version():
    r = run_triglot("--version")
    assert r.returncode == 0 and r.stdout.startswith("triglot ")


# ---------------------------------------------------------------- hostile input, generated

NO_TRACE = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


@NO_TRACE
@given(st.text(max_size=40))
def test_no_argument_text_makes_a_traceback(capsys, text):
    code = cli.main(["call", "sigmoid", text])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 4) and "Traceback" not in err


@pytest.mark.parametrize("text, code", [("-h", 0), ("--help", 0), ("--timeout", 2), ("--scheme=nope", 2)])
def test_words_that_look_like_options_give_a_code_not_an_exception(capsys, text, code):
    """argparse ends with SystemExit; main returns its code instead (help 0, a usage error 2)."""
    assert cli.main(["call", "sigmoid", text]) == code


@NO_TRACE
@given(st.lists(st.binary(max_size=60), min_size=1, max_size=5))
def test_no_batch_bytes_make_a_traceback(tmp_path_factory, capsys, lines):
    path = tmp_path_factory.mktemp("batch") / "b.jsonl"
    data = b"\n".join(lines)
    path.write_bytes(data)
    code = cli.main(["call", "--batch", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 4) and "Traceback" not in err
    assert len(out.splitlines()) == data.count(b"\n") + bool(data and not data.endswith(b"\n")), "a line lost"


@NO_TRACE
@given(st.binary(max_size=200))
def test_no_csv_bytes_make_a_traceback(tmp_path_factory, capsys, data):
    path = tmp_path_factory.mktemp("csv") / "d.csv"
    path.write_bytes(data)
    code = cli.main(["fit", str(path), "--no-reference", "--iterations", "2"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 4) and "Traceback" not in err


def test_a_singular_matrix_cites_its_own_note(capsys):
    code, out, _ = cli_main(capsys, "call", "solve", "[[1.0, 2.0], [2.0, 4.0]]", "[1.0, 1.0]", "--json")
    assert code == 0 and json.loads(out)["notes"] == ["singular-matrix"]


def test_no_module_points_at_a_file_the_project_lacks():
    from triglot import registry
    for path in (registry.root() / "triglot").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("DESIGN.md", "STYLE.md"):
            assert name not in text or (registry.root() / name).exists(), f"{path.name} cites {name}"


def test_check_with_only_timeouts_is_exit_4():
    r = run_triglot("check", "--timeout", "0.0001")
    assert r.returncode == 4 and "Traceback" not in r.stderr
