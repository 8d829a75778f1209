"""The executable notation table: every row, every column, Math included.

The language cells must be identical by the comparison rule and within the
row's ULP bound of the Math cell (SymPy); the seed's symbolic claims must be
proved by SymPy; a broken cell fails with a message naming its row and language.
"""
import dataclasses
import json

import pytest

from support import run_triglot
from triglot import claims, notation, registry

ROWS = notation.rows()
SEED_TABLE = [  # the seed's notation table: Math, Scheme, Python, Meaning
    ("σ(z)", "(sigmoid z)", "sigmoid(z)", "Sigmoid function"),
    ("−log p", "(- (log p))", "-math.log(p)", "Surprise / information"),
    ("H(y, p)", "(cross-entropy y p)", "cross_entropy(y, p)", "Cross-entropy loss"),
    ("p̂ = σ(wx + b)", "(sigmoid (+ (* w x) b))", "sigmoid(w*x + b)", "Predicted probability"),
    ("∂L/∂w = (p − y)x", "dw", "dw", "Gradient of loss w.r.t. weight"),
]


@pytest.fixture(scope="module")
def evaluated():
    return {r.row.number: r for r in notation.evaluate()}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"row{r.number}")
def test_row_is_identical_and_matches_the_mathematics(evaluated, row):
    result = evaluated[row.number]
    assert sorted(result.outcomes) == sorted(notation.LANGUAGES), "every language ran the row"
    assert result.ok, "\n".join(result.failures)


def test_the_seeds_rows_come_first_in_the_seeds_order():
    seed = [r for r in ROWS if r.seed]
    assert [r.number for r in seed] == list(range(1, len(SEED_TABLE) + 1))
    for row, (math, scheme, python, meaning) in zip(seed, SEED_TABLE):
        assert (row.math, row.meaning) == (math, meaning)
        if row.seed_cell is None:
            assert (row.scheme, row.python) == (scheme, python), "the seed's cells, as the seed writes them"
        else:
            assert row.seed_cell == scheme == python and row.note, "a corrected seed cell says why"


LIST_PARAMETERS = {"xs", "ys", "rows", "u", "v", "a", "ps", "qs", "zs", "labels"}  # the table's bindings are numbers


def test_every_function_of_numbers_appears_in_the_table():
    cells = " ".join(r.scheme for r in ROWS)
    missing = [f.name for f in registry.functions().values()
               if not LIST_PARAMETERS & set(f.params) and f"({f.name} " not in cells]
    assert not missing, f"functions with no row: {missing}"


@pytest.mark.parametrize("proof", claims.prove_all(), ids=lambda p: p.claim.id)
def test_the_seeds_symbolic_claims_are_proved(proof):
    assert proof.proved, f"{proof.claim.text}: {proof.detail}"


def test_a_false_claim_is_reported_not_proved():
    for lhs, rhs in [("sigma(0)", "1"), ("diff(sigma(z), z)", "sigma(z)**2"), ("sigma(-z)", "sigma(z)"),
                     ("solveset(Eq(sigma(s), 1/3), s, Reals)", "FiniteSet(0)"), ("log(", "0")]:
        proof = claims.prove(claims.Claim("false", "a false claim", lhs, rhs))
        assert not proof.proved and proof.status == "not proved", (lhs, rhs, proof.detail)


# ---------------------------------------------------------------- a broken cell names its row and language

def broken(row_number: int, **cells):
    row = dataclasses.replace(ROWS[row_number - 1], **cells)
    (result,) = notation.evaluate([row])
    return result


@pytest.mark.parametrize("field, cell, language", [
    ("python", "1 / (1 - math.exp(-z))", "python"),
    ("hy", "(/ 1 (- 1 (math.exp (- z))))", "hy"),
    ("scheme", "(/ 1 (- 1 (exp (- z))))", "scheme/guile"),
])
def test_a_wrong_operator_fails_naming_row_and_language(field, cell, language):
    result = broken(1, **{field: cell})
    assert not result.ok
    assert any(f.startswith("row 1 (σ(z)), ") and language in f for f in result.failures), result.failures


def test_a_wrong_math_cell_fails_naming_the_row():
    result = broken(1, sympy="1/(1 + exp(z))")
    assert not result.ok
    assert all("row 1 (σ(z))" in f and "Math cell" in f for f in result.failures), result.failures


@pytest.mark.parametrize("field, cell, language, words", [
    ("python", "sigmoid(z", "python", "does not parse"),
    ("hy", "(sigmoid z", "hy", "does not parse"),
    ("scheme", "(sigmoid z", "scheme/guile", "does not load"),
    ("python", "sigmoidd(z)", "python", "NameError"),
    ("hy", "(sigmoidd z)", "hy", "NameError"),
    ("scheme", "(sigmoidd z)", "scheme/guile", "unbound-variable"),
])
def test_a_cell_that_cannot_run_fails_naming_row_and_language(field, cell, language, words):
    result = broken(1, **{field: cell})
    assert not result.ok
    assert any(f.startswith("row 1 (σ(z)), " + language) and words in f for f in result.failures), result.failures


def test_one_bad_scheme_cell_does_not_hide_the_others():
    bad = dataclasses.replace(ROWS[0], scheme="(sigmoid z")
    results = notation.evaluate([bad, ROWS[1]])
    assert not results[0].ok and results[1].ok


# ---------------------------------------------------------------- the command

def test_table_command_json_and_markdown():
    out = run_triglot("table", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["ok"] and len(data["rows"]) == len(ROWS)
    assert set(data["verified_with"]) == {"python", "hy", "scheme/guile"}
    assert "3.0" in data["verified_with"]["scheme/guile"]
    assert all(c["status"] == "proved" for c in data["claims"])
    assert data["rows"][0]["results"]["scheme/guile"] == {"value": "0.6224593312018546"}
    md = run_triglot("table", "--markdown").stdout
    readme = (registry.root() / "README.md").read_text(encoding="utf-8")
    from triglot.readme import without_versions
    assert without_versions(md.strip()) in without_versions(readme), \
        "README's notation section is `triglot table --markdown` (the Python version aside)"
    assert notation.versions_line() in md
