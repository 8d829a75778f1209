"""`triglot explain`: one translation note, its rule in words, and its cases run live in every language."""
import json
import re

import pytest
from support import broken_copy
from support import run_triglot as triglot

from triglot import cli, notes, registry
from triglot.commands.explain import in_words
from triglot.compare import identical
from triglot.values import format_outcome, parse_value

NOTES = notes.notes()
LANGUAGES = {"python", "hy", "scheme/guile"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def plain(monkeypatch):
    """Whatever the environment says, stdout under capsys is no terminal: rich must print plain text."""
    monkeypatch.setenv("FORCE_COLOR", "")
    monkeypatch.setenv("TTY_COMPATIBLE", "")


def explain(capsys, *args) -> tuple[int, str, str]:
    """Return `triglot explain ARGS`' exit code, stdout and stderr, run in this process."""
    code = cli.main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def words(text: str) -> str:
    """Return the text with every run of white space made one space (output is wrapped, notes are not)."""
    return " ".join(text.split())


def calls(out: str) -> list[str]:
    """Return the first line of each case shown: its call, which starts after a blank line."""
    lines = out.split("\n")
    return [line for above, line in zip(lines, lines[1:]) if not above and line.startswith("(")]


def case_files() -> dict:
    """Return every canonical case as stored in tests/cases/*.json, by uuid."""
    folder = registry.root() / "tests" / "cases"
    return {c["uuid"]: c for path in sorted(folder.glob("*.json"))
            for c in json.loads(path.read_text(encoding="utf-8"))["cases"]}


@pytest.mark.parametrize("note", NOTES.values(), ids=lambda n: n.id)
def test_every_note_is_explained_with_every_case_run_in_every_language(capsys, note):
    code, out, err = explain(capsys, note.id)
    assert code == 0, out + err
    assert note.title in out and words(note.text) in words(out)
    for family, pattern in note.when.items():
        assert re.search(rf"^  {family.capitalize()}\s+{re.escape(in_words(pattern))}$", out, re.M)
    code, out, _ = explain(capsys, note.id, "--all", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["id"], data["title"], data["text"]) == (note.id, note.title, note.text)
    assert data["tests"] == list(note.tests) and data["when"] == note.when
    assert sorted(c["uuid"] for c in data["cases"]) == sorted(note.cases)
    for case in data["cases"]:
        assert set(case["results"]) == set(case["verdicts"]) == LANGUAGES
        assert set(case["verdicts"].values()) <= {"identical", "documented"}


def test_exp_overflow_is_shown_live_as_the_case_files_document_it(capsys, languages):
    code, out, err = explain(capsys, "exp-overflow")
    assert code == 0 and "triglot explain: running 7 cases" in err
    assert re.search(r"^  Python\s+raises OverflowError$", out, re.M)
    assert re.search(r"^  Hy\s+raises OverflowError$", out, re.M)
    assert re.search(r"^  Scheme\s+returns a value$", out, re.M)
    stored = case_files()
    code, out, _ = explain(capsys, "exp-overflow", "--json")
    shown = json.loads(out)["cases"]
    assert len(shown) == len(NOTES["exp-overflow"].cases)
    for case in shown:
        documented = stored[case["uuid"]]["outcomes"]
        for lang in ("python", "hy"):
            assert documented[lang] == {"error": "OverflowError", "note": "exp-overflow"}
            assert case["results"][lang]["error"].startswith("OverflowError: ")
            assert case["verdicts"][lang] == "documented"
        assert "value" in case["results"]["scheme/guile"]
        if "scheme" in documented:
            assert identical(parse_value(case["results"]["scheme/guile"]["value"]),
                             parse_value(documented["scheme"]["value"]))
        live = languages.call(stored[case["uuid"]]["property"], [parse_value(a) for a in case["args"]])
        assert case["results"] == {lang: format_outcome(o) for lang, o in live.items()}


@pytest.mark.parametrize("note", [n for n in NOTES.values() if n.tests and not n.cases], ids=lambda n: n.id)
def test_a_note_no_call_shows_names_its_test_files(capsys, note):
    code, out, err = explain(capsys, note.id)
    assert code == 0 and "running" not in err
    for path in note.tests:
        assert (registry.root() / path).is_file()
        assert re.search(rf"^Test files: .*{re.escape(path)}", out, re.M)
    code, out, _ = explain(capsys, note.id, "--json")
    assert json.loads(out)["cases"] == [] and json.loads(out)["tests"] == list(note.tests)


def test_an_unknown_note_exits_2_names_every_note_and_suggests_the_closest():
    r = triglot("explain", "exp-overflo")
    assert r.returncode == 2 and r.stdout == ""
    assert "Traceback" not in r.stderr and r.stderr.startswith("triglot: unknown note 'exp-overflo'")
    assert "did you mean exp-overflow?" in r.stderr
    assert all(i in r.stderr for i in NOTES)


def test_no_note_lists_every_note(capsys):
    code, out, _ = explain(capsys)
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    assert [line.split()[0] for line in lines] == list(NOTES)
    assert all(line.endswith(n.title) for line, n in zip(lines, NOTES.values()))
    code, out, _ = explain(capsys, "--json")
    assert json.loads(out) == [{"id": n.id, "title": n.title} for n in NOTES.values()]


def test_many_cases_are_abridged_unless_all_is_asked(capsys):
    total = len(NOTES["accumulated-rounding"].cases)
    code, out, _ = explain(capsys, "accumulated-rounding")
    shown = calls(out)
    assert code == 0 and len(shown) == 6 and f"and {total - 6} more cases: --all" in out
    assert len({c.split()[0] for c in shown}) == 6  # six different functions, not six of one
    code, out, _ = explain(capsys, "accumulated-rounding", "--all")
    assert len(calls(out)) == total and "more case" not in out


def test_piped_output_is_plain_and_a_terminal_gets_styles(capsys, monkeypatch):
    r = triglot("explain", "exp-overflow", env={"FORCE_COLOR": "", "TTY_COMPATIBLE": ""})
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "(sigmoid -710.0)" in r.stdout
    assert "running" in r.stderr and "running" not in r.stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = explain(capsys, "exp-overflow")
    assert code == 0 and ANSI.search(out) and "(sigmoid -710.0)" in ANSI.sub("", out)


def test_an_undocumented_outcome_exits_1_and_shows_the_failure(tmp_path):
    env = broken_copy(tmp_path, "tests/cases/prediction.json", '"error": "OverflowError"', '"error": "ValueError"')
    r = triglot("explain", "exp-overflow", env=env)
    assert r.returncode == 1, r.stderr
    assert re.search(r"^  python .*\bFAIL$", r.stdout, re.M) and "but the case documents error ValueError" in r.stdout


@pytest.mark.parametrize("pattern, said", [
    ("error:OverflowError", "raises OverflowError"), ("value", "returns a value"),
    ("float|nan", "returns a float or NaN"), ("exact", "returns an exact number"),
    ("complex", "returns a complex number"), ("any", "anything"),
    ("float|nan|error:numerical-overflow", "returns a float or NaN, or raises numerical-overflow")])
def test_when_patterns_read_as_words(pattern, said):
    assert in_words(pattern) == said


def test_help_explains_the_command(capsys):
    assert cli.main(["explain", "--help"]) == 0  # help is printed, and main returns 0
    out = capsys.readouterr().out
    assert all(word in out for word in ("NOTE", "--all", "--json", "translation note"))


def test_a_language_note_runs_its_phrasebook_rows(capsys):
    """A note about the languages themselves is shown live by the phrasebook rows that cite it."""
    from triglot import notes, phrasebook
    note = notes.notes()["truthiness"]
    assert note.phrases
    code = cli.main(["explain", "truthiness", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and [p["id"] for p in data["phrases"]] == [r.id for r in phrasebook.rows() if r.note == "truthiness"]
    for p in data["phrases"]:
        assert set(p["results"]) == {"python", "hy", "scheme/guile"} and "documented" in p["verdicts"].values()
    code = cli.main(["explain", "truthiness"])
    text = capsys.readouterr().out
    assert code == 0 and "In the phrasebook, run now in every language" in text
