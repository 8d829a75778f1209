"""`triglot show`: the three languages side by side, exactly as the files hold them, and live examples."""
import json
import re

import pytest
from rich.cells import cell_len
from support import broken_copy
from support import run_triglot as triglot

from triglot import cli, notes, registry, sources
from triglot.values import describe, format_outcome, format_value, parse_value

CONCEPTS = registry.concepts()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LABEL = {"scheme": "Scheme", "python": "Python", "hy": "Hy"}


@pytest.fixture(autouse=True)
def plain(monkeypatch):
    """Whatever the environment says, stdout under capsys is no terminal: rich must print plain text."""
    monkeypatch.setenv("FORCE_COLOR", "")
    monkeypatch.setenv("TTY_COMPATIBLE", "")


def show(capsys, *args) -> tuple[int, str, str]:
    """Return `triglot show ARGS`' exit code, stdout and stderr, run in this process."""
    code = cli.main(["show", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_lines_in_order(source: str, output: str) -> None:
    """Every non-blank line of `source` is in `output`, each on the same or a later output line."""
    out = output.split("\n")
    at = 0
    for line in filter(str.strip, source.split("\n")):
        found = next((k for k in range(at, len(out)) if line.rstrip() in out[k]), None)
        assert found is not None, f"{line!r} is missing (or out of order) after output line {at}"
        at = found


def file_text(family: str, stem: str) -> str:
    return registry.source(family, stem).read_text(encoding="utf-8")


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.stem)
def test_definitions_start_on_the_same_line(capsys, concept):
    code, out, _ = show(capsys, concept.stem, "--width", "200", "--layout", "columns")
    assert code == 0
    lines = out.split("\n")
    shared = [name for name, row in sources.aligned(concept.stem) if all(row.values())]
    assert shared
    for name in shared:
        starts = [line for line in lines if re.search(rf"\(define \({re.escape(name)}[ )]", line)]
        assert len(starts) == 1, f"(define ({name} … is on {len(starts)} lines"
        assert f"def {name.replace('-', '_')}(" in starts[0], starts[0]
        assert f"(defn {name} [" in starts[0], starts[0]


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.stem)
def test_every_line_of_every_file_is_shown(capsys, concept):
    for layout in ("columns", "stacked"):
        code, out, _ = show(capsys, concept.stem, "--width", "300", "--layout", layout)
        assert code == 0
        for family in sources.FAMILIES:
            assert_lines_in_order(file_text(family, concept.stem), out)
    code, out, _ = show(capsys, concept.stem, "--json")
    data = json.loads(out)
    for family in sources.FAMILIES:
        text = file_text(family, concept.stem)
        parts = [data["preamble"][family]] + [d[family] for d in data["definitions"] if d[family] is not None]
        assert all(part in text for part in parts), f"a {family} text is not verbatim from the file"
        parts.sort(key=text.index)
        assert list(filter(str.strip, "\n".join(parts).split("\n"))) == list(filter(str.strip, text.split("\n")))


def test_a_definition_in_one_language_only_gets_empty_cells(capsys):
    code, out, _ = show(capsys, "logistic_regression", "--width", "300", "--layout", "columns")
    assert code == 0
    line = next(line for line in out.split("\n") if "(define (iota " in line)
    assert "def " not in line and "(defn " not in line
    assert line.rstrip().endswith("│"), line  # nothing in the Hy cell


def test_stacked_prints_each_definition_once_per_language_under_its_label(capsys):
    code, out, _ = show(capsys, "sigmoid", "--layout", "stacked", "--width", "100")
    assert code == 0 and "│" not in out
    lines = [line.rstrip() for line in out.split("\n")]
    for name, row in sources.aligned("sigmoid"):
        at = []
        for family, d in row.items():
            where = registry.source(family, "sigmoid").relative_to(registry.root())
            k = lines.index(f"{LABEL[family]} · {where}:{d.line}") + 1
            assert lines[k:k + d.text.count("\n") + 1] == [line.rstrip() for line in d.text.split("\n")]
            at.append(k)
        assert at == sorted(at), f"{name}: not Scheme, Python, Hy one under the other"


def test_language_shows_that_file_only(capsys):
    code, out, _ = show(capsys, "logistic_regression", "--language", "python", "--width", "300")
    assert code == 0
    assert_lines_in_order(file_text("python", "logistic_regression"), out)
    assert "(define (" not in out and "(defn " not in out and "iota" not in out
    assert re.search(r"^  python +\S", out, re.MULTILINE) and not re.search(r"^  (hy|scheme/guile) ", out, re.MULTILINE)


@pytest.mark.parametrize("name", ["cross_entropy", "cross-entropy", "cross-entropy-from-logit",
                                  "cross_entropy_from_logit"])
def test_a_concept_is_named_by_its_stem_or_a_function(capsys, name):
    code, out, _ = show(capsys, name, "--json")
    assert code == 0 and json.loads(out)["concept"] == "cross_entropy"


def test_an_unknown_concept_exits_2_and_lists_the_concepts(capsys):
    code, out, err = show(capsys, "tanh")
    assert code == 2 and out == ""
    assert "tanh" in err and ", ".join(c.stem for c in CONCEPTS) in err


def test_a_width_under_40_exits_2(capsys):
    code, out, err = show(capsys, "sigmoid", "--width", "30")
    assert code == 2 and out == "" and "--width" in err


def test_examples_are_run_by_the_languages_and_judged(capsys, languages):
    code, out, err = show(capsys, "sigmoid", "--json")
    assert code == 0 and "triglot show: running" in err
    examples = json.loads(out)["examples"]
    documented = [(n, format_value(a)) for n, a, _ in sources.examples("scheme", file_text("scheme", "sigmoid"))]
    assert [(e["function"], e["args"]) for e in examples if e["source"] == "docstring"] == documented
    assert any(e["source"].startswith("case ") and e["verdict"] == "identical" for e in examples)
    assert any(e["verdict"] == "documented" and e["notes"] == ["exp-overflow"] for e in examples)
    for e in examples:
        outcomes = languages.call(e["function"], [parse_value(a) for a in e["args"]])
        assert e["results"] == {lang: format_outcome(o) for lang, o in outcomes.items()}


def test_examples_keep_to_the_concepts_functions(capsys):
    code, out, _ = show(capsys, "logistic_regression", "--json")
    names = {f.name for c in CONCEPTS if c.stem == "logistic_regression" for f in c.functions}
    assert code == 0 and names
    assert {e["function"] for e in json.loads(out)["examples"]} == names  # no helper such as gradient-sums


def test_the_text_shows_each_value_the_verdict_and_the_note(capsys, languages):
    code, out, _ = show(capsys, "sigmoid")
    assert code == 0
    lines = out.split("\n")
    k = next(k for k, line in enumerate(lines) if line.startswith("(sigmoid -710.0) "))
    assert "documented: exp-overflow" in lines[k]
    outcomes = languages.call("sigmoid", [-710.0])
    assert lines[k + 1:k + 4] == [f"  {lang:<12}  {describe(o)}" for lang, o in outcomes.items()]
    assert f"  exp-overflow  {notes.notes()['exp-overflow'].title}" in lines


def test_piped_output_is_plain_and_fits_the_default_width():
    r = triglot("show", "sigmoid", env={"FORCE_COLOR": "", "TTY_COMPATIBLE": ""})
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "(define (sigmoid z)" in r.stdout
    assert max(map(cell_len, r.stdout.split("\n"))) <= 160
    assert "triglot show: running" in r.stderr and "running" not in r.stdout


def test_a_terminal_gets_highlighted_code(capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = show(capsys, "sigmoid", "--width", "200")
    assert code == 0
    assert re.search(r"\x1b\[[0-9;]*mdefine\b", out) and re.search(r"\x1b\[[0-9;]*mdef\b", out)
    assert "(define (sigmoid z)" in ANSI.sub("", out)


def test_an_edited_comment_shows(tmp_path):
    env = broken_copy(tmp_path, "python_src/sigmoid.py", "exactly as the seed writes it.",
                      "exactly as the seed writes it (edited).")
    r = triglot("show", "sigmoid", "--width", "300", env=env)
    assert r.returncode == 0, r.stderr
    assert "exactly as the seed writes it (edited)." in r.stdout


def test_an_unexplained_difference_exits_1(tmp_path):
    env = broken_copy(tmp_path, "hy_src/sigmoid.hy", "(/ 1 (+ 1 (math.exp (- z)))))",
                      "(/ 1 (+ 1.0000001 (math.exp (- z)))))")
    r = triglot("show", "sigmoid", env=env)
    assert r.returncode == 1, r.stderr
    assert "DIFFERENT" in r.stdout


def test_help_explains_the_options(capsys):
    assert cli.main(["show", "--help"]) == 0  # help is printed, and main returns 0
    out = capsys.readouterr().out
    assert all(option in out for option in ("--layout", "--width", "--language", "--json", "CONCEPT"))
