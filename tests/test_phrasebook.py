"""The phrasebook: every cell run in its language; identical, or a documented difference with its note."""
import dataclasses

import pytest

from triglot import notes, phrasebook
from triglot.values import Char, Error, Symbol, Vector

ROWS = phrasebook.rows()


@pytest.fixture(scope="module")
def results():
    return {r.row.id: r for r in phrasebook.evaluate()}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_row(results, row):
    failures = [j.detail for j in results[row.id].judgements.values() if not j.ok]
    assert not failures, "\n".join(failures)


def test_rows_have_unique_ids_and_real_notes():
    assert len({r.id for r in ROWS}) == len(ROWS)
    for r in ROWS:
        assert bool(r.differs) == bool(r.note), f"{r.id}: a documented difference needs a note, and only it"
        if r.note:
            assert r.note in notes.notes(), f"{r.id} cites unknown note {r.note!r}"
            assert r.id in notes.notes()[r.note].phrases, f"note {r.note} does not list row {r.id}"


def test_notes_list_only_rows_that_cite_them():
    by_id = {r.id: r for r in ROWS}
    for n in notes.notes().values():
        for rid in n.phrases:
            assert rid in by_id and by_id[rid].note == n.id, f"note {n.id} lists row {rid}, which cites it not"


@pytest.mark.parametrize("language", ["scheme", "python", "hy"])
def test_a_changed_cell_fails_naming_the_row_and_the_language(language):
    """Change one language's cell of an identical row so that it no longer matches: the row fails."""
    row = next(r for r in ROWS if r.id == "define-function")
    edit = {"scheme": row.scheme.replace("(* x x)", "(* x x x)"), "python": row.python.replace("x * x", "x + x"),
            "hy": row.hy.replace("(* x x)", "(+ x x)")}[language]
    assert edit != getattr(row, language), "the row changed: update this test"
    [result] = phrasebook.evaluate([dataclasses.replace(row, **{language: edit})])
    failed = [(lang, j.detail) for lang, j in result.judgements.items() if not j.ok]
    assert [lang.split("/")[0] for lang, _ in failed] == [language]
    assert "define-function" in failed[0][1] and failed[0][0] in failed[0][1]


def test_a_documented_difference_must_hold():
    """A row whose documented outcome no longer happens fails too (here Python made to truncate)."""
    row = next(r for r in ROWS if r.id == "quotient-negative")
    [result] = phrasebook.evaluate([dataclasses.replace(row, python="int(-7 / 2)")])
    assert not result.judgements["python"].ok and "quotient-negative" in result.judgements["python"].detail


def test_the_kinds_of_value_cross_from_every_language():
    """Strings, characters, symbols, vectors, unspecified and errors: the value model, end to end."""
    cells = [dataclasses.replace(ROWS[0], id=f"kind-{k}", scheme=s, python="0", hy="0")
             for k, s in enumerate(['"a\\"λ"', "#\\λ", "'car", "(vector 1 2.5 \"x\")", "(cons 1 2)",
                                    "(if #f #f)", "(car '())", "car"])]
    got = [r.outcomes["scheme/guile"] for r in phrasebook.evaluate(cells)]
    assert got[:4] == ['a"λ', Char("λ"), Symbol("car"), Vector([1, 2.5, "x"])]
    assert type(got[0]) is str and type(got[1]) is Char and type(got[2]) is Symbol
    assert phrasebook.from_python(phrasebook.run_hy("'(1 a \"s\")")) == [1, Symbol("a"), "s"]
    assert isinstance(got[6], Error) and not got[6].runner
    assert [dataclasses.asdict(g) for g in (got[4],)] == [{"car": 1, "cdr": 2}]
    assert str(got[5]) == "UNSPECIFIED" and got[7].type == "procedure"


def test_python_cells_value_is_the_last_expression():
    assert phrasebook.run_python("x = 2\nx * 21") == 42
    assert phrasebook.run_python("x = 2") is None
    assert isinstance(phrasebook.outcome(phrasebook.run_python, "1 / 0"), Error)


def test_the_phrasebook_is_large_enough():
    assert len(ROWS) >= 60 and len(phrasebook.topics()) >= 10


def test_the_command_prints_a_topic_and_refuses_an_unknown_one(capsys):
    import json

    from triglot import cli
    code = cli.main(["phrasebook", "multiple", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["ok"] and {r["topic"] for r in data["rows"]} == {"multiple values"}
    assert all(set(r["results"]) == {"python", "hy", "scheme/guile"} for r in data["rows"])
    code = cli.main(["phrasebook", "nope"])
    err = capsys.readouterr().err
    assert code == 2 and all(t in err for t in phrasebook.topics())
