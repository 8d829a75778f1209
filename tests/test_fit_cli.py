"""`triglot fit`: train on a data set in every language, beside a reference library."""
import json
import math

import pytest

from triglot import datasets
from triglot.values import parse_value

from support import run_triglot
LANGUAGES = ["python", "hy", "scheme/guile"]

# Hours of study and passing an exam (20 students): the example of Wikipedia's
# "Logistic regression" article, whose fit is β₀ ≈ −4.1, β₁ ≈ 1.5.
HOURS = """hours,passed
0.50,0
0.75,0
1.00,0
1.25,0
1.50,0
1.75,0
1.75,1
2.00,0
2.25,1
2.50,0
2.75,1
3.00,0
3.25,1
3.50,0
4.00,1
4.25,1
4.50,1
4.75,1
5.00,1
5.50,1
"""


def triglot(*args, timeout=300):
    return run_triglot(*args, timeout=timeout)


def test_list_names_the_shipped_data_sets():
    r = triglot("fit", "--list")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("spector ") and "\nbreast-cancer " in r.stdout and "\niris " in r.stdout
    assert "32 rows ×  3 features" in r.stdout and "569 rows × 30 features" in r.stdout
    assert "150 rows ×  4 features, 3 classes (softmax)" in r.stdout
    out = json.loads(triglot("fit", "--list", "--json").stdout)
    assert [d["name"] for d in out] == datasets.names()
    assert out[0]["published"] is True and out[1]["features"] == 30
    assert out[2]["classes"] == 3 and out[2]["model"] == "softmax" and out[0]["model"] == "logistic"


def test_fit_spector_json():
    r = triglot("fit", "spector", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["dataset"] == "spector" and out["method"] == "newton" and out["function"] == "fit-newton"
    assert out["settings"] == {"penalty": 0.0, "iterations": 25}
    assert out["features"] == ["GPA", "TUCE", "PSI"] and out["rows"] == 32
    assert list(out["results"]) == LANGUAGES
    assert out["identical"] is True and out["verdict"] == "identical"
    model = out["results"]["python"]["value"]
    assert all(out["results"][lang] == {"value": model} for lang in LANGUAGES)
    assert len(model) == 2 and len(model[0]) == 3 and isinstance(model[1], str)
    assert out["reference"]["label"].startswith("statsmodels")
    ref = parse_value(out["reference"]["value"])
    assert out["max_relative_difference"] < 1e-8
    got = parse_value(model)
    for a, b in zip([*got[0], got[1]], [*ref[0], ref[1]]):
        assert math.isclose(a, b, rel_tol=1e-8)
    assert round(float(parse_value(out["log_likelihood"]["reference"])), 3) == -12.890
    assert all(round(float(parse_value(v["value"])), 3) == -12.890
               for v in out["log_likelihood"]["results"].values())
    assert out["published"]["log_likelihood"] == "-12.890"
    for lang in LANGUAGES:  # one progress line per language
        assert f"fit: {lang} … " in r.stderr


def test_fit_spector_table():
    r = triglot("fit", "spector")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].split() == ["coefficient", *LANGUAGES, "reference", "published"]
    gpa = lines[2].split()
    assert gpa[0] == "GPA" and len(set(gpa[1:4])) == 1 and gpa[-1] == "2.826"
    assert "verdict: identical in every language; largest relative difference from the reference" in r.stdout


def test_fit_iris_trains_softmax_regression_beside_sklearn():
    r = triglot("fit", "iris", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["dataset"] == "iris" and out["model"] == "softmax" and out["function"] == "fit-softmax"
    assert out["classes"] == ["setosa", "versicolor", "virginica"] and out["rows"] == 150
    assert out["settings"] == {"penalty": 1.0, "iterations": 25}
    assert out["identical"] is True and list(out["results"]) == LANGUAGES
    weights, intercepts = parse_value(out["results"]["python"]["value"])
    assert [len(w) for w in weights] == [4, 4, 4] and len(intercepts) == 3
    assert abs(math.fsum(intercepts)) < 1e-13, "the intercepts are centred"
    assert "multinomial" in out["reference"]["label"] and out["max_relative_difference"] < 1e-6
    ref_weights, ref_intercepts = parse_value(out["reference"]["value"])
    for a, b in zip([*sum(weights, []), *intercepts], [*sum(ref_weights, []), *ref_intercepts]):
        assert math.isclose(a, b, rel_tol=1e-6)
    assert out["converged"] and len(set(out["log_likelihood"]["results"].values())) == 1
    for lang in LANGUAGES:
        assert f"fit: {lang} … " in r.stderr


def test_fit_iris_table_shows_each_class_beside_sklearn():
    r = triglot("fit", "iris", "--iterations", "12")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("fit-softmax on iris: 150 rows × 4 features, 3 classes; penalty λ = 1, 12 Newton")
    assert lines[1].split() == ["class", "coefficient", *LANGUAGES, "reference"]
    first = lines[2].split()
    assert first[:4] == ["setosa", "sepal", "length", "(cm)"] and len(set(first[4:7])) == 1
    assert sum(line.split()[0] in ("setosa", "versicolor", "virginica") for line in lines) == 3
    assert "verdict: identical in every language; largest relative difference from the reference" in r.stdout


def test_softmax_model_of_two_classes_is_the_logistic_one():
    """--model softmax on spector: two classes, whose centred weights are ±½ the logistic ones;
    with penalty λ it is logistic regression with λ/2, scikit-learn's C = 2/λ."""
    soft = json.loads(triglot("fit", "spector", "--model", "softmax", "--penalty", "2", "--json").stdout)
    logistic = json.loads(triglot("fit", "spector", "--penalty", "1", "--json").stdout)
    assert soft["identical"] and soft["classes"] == ["0", "1"] and soft["max_relative_difference"] < 1e-6
    (w0, w1), (b0, b1) = parse_value(soft["results"]["python"]["value"])
    w, b = parse_value(logistic["results"]["python"]["value"])
    for a, r in zip([*(x - y for x, y in zip(w1, w0)), b1 - b0], [*w, b]):
        assert math.isclose(a, r, rel_tol=1e-9)


def test_fit_a_csv_of_ones_own(tmp_path):
    data = tmp_path / "hours.csv"
    data.write_text(HOURS)
    r = triglot("fit", str(data), "--label", "passed", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["features"] == ["hours"] and out["rows"] == 20 and out["identical"] is True
    [[w], b] = parse_value(out["results"]["scheme/guile"]["value"])
    assert round(w, 1) == 1.5 and round(b, 1) == -4.1 and out["max_relative_difference"] < 1e-12
    # one feature: the log-likelihood is computed in each language, by its own log-likelihood
    assert out["log_likelihood"]["how"].startswith("each language's log-likelihood")
    values = {lang: v["value"] for lang, v in out["log_likelihood"]["results"].items()}
    assert len(set(values.values())) == 1 and math.isclose(
        float(values["python"]), float(out["log_likelihood"]["reference"]), rel_tol=1e-12)
    # gradient descent, and the label column found by default (the last one)
    r = triglot("fit", str(data), "--method", "gd", "--rate", "0.5", "--epochs", "3000")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("fit-gd on ") and "verdict: identical in every language" in r.stdout
    # a label column that is not the last
    moved = tmp_path / "moved.csv"
    moved.write_text("\n".join(",".join(reversed(line.split(","))) for line in HOURS.splitlines()) + "\n")
    out2 = json.loads(triglot("fit", str(moved), "--label", "passed", "--json").stdout)
    assert out2["results"] == out["results"]


@pytest.mark.parametrize("text, line, words", [
    ("", 1, "empty file"),
    ("1.0,0\n2.0,1\n", 1, "no header"),
    ("x,y\n", 1, "no rows"),
    ("x,y\n1.0,0\n2.0\n", 3, "1 cells, expected 2"),
    ("x,y\n1.0,0\n2.0,1,7\n", 3, "3 cells, expected 2"),
    ("x,y\n1.0,0\n\n2.0,1\nabc,1\n", 5, "'abc' is not a finite number"),
    ("x,y\n1.0,0\nnan,1\n", 3, "'nan' is not a finite number"),
    ("x,y\n1.0,0\n2.0,2\n", 3, "must be 0 or 1"),
    ("x,,y\n1.0,2,0\n", 1, "column 2 has no name"),
    ("x,x,y\n1.0,2,0\n", 1, "two columns are called 'x'"),
    ("y\n1\n", 1, "no feature columns"),
])
def test_malformed_csv_names_the_line(tmp_path, text, line, words):
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    r = triglot("fit", str(bad))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"{bad}, line {line}: " in r.stderr and words in r.stderr, r.stderr
    assert r.stdout == ""


def test_unknown_label_column(tmp_path):
    data = tmp_path / "hours.csv"
    data.write_text(HOURS)
    r = triglot("fit", str(data), "--label", "grade")
    assert r.returncode == 2 and f"{data}, line 1: no column called 'grade'" in r.stderr
    assert "columns: hours, passed" in r.stderr


def test_missing_csv_file(tmp_path):
    r = triglot("fit", str(tmp_path / "nowhere.csv"))
    assert r.returncode == 2 and "nowhere.csv: no such file" in r.stderr


@pytest.mark.parametrize("args, words", [
    (["no-such-data"], "unknown data set 'no-such-data'; shipped: spector, breast-cancer, iris"),
    (["iris", "--model", "logistic"], "iris has 3 classes; the logistic model takes labels 0 and 1 only"),
    (["iris", "--method", "gd"], "--method gd trains the two-class logistic model"),
    (["iris", "--rate", "0.5"], "--rate belongs to --method gd, not --method newton"),
    (["iris", "--penalty", "-1"], "--penalty must be a finite number ≥ 0"),
    ([], "name a data set"),
    (["spector", "--label", "GRADE"], "--label names the label column of a CSV file"),
    (["spector", "--rate", "0.5"], "--rate belongs to --method gd, not --method newton"),
    (["spector", "--method", "gd", "--penalty", "1"], "--penalty belongs to --method newton"),
    (["spector", "--penalty", "-1"], "--penalty must be a finite number ≥ 0"),
    (["spector", "--iterations", "0"], "--iterations must be at least 1"),
])
def test_bad_input_exits_2(args, words):
    r = triglot("fit", *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert words in r.stderr


def test_bad_option_values_are_usage_errors():
    r = triglot("fit", "spector", "--method", "sgd")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_call_fit_newton_works_through_the_call_contract():
    r = triglot("call", "fit-newton", "[[1.0], [-1.0], [2.0], [-2.0]]", "[1, 0, 0, 1]", "0.0", "1", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["function"] == "fit-newton" and out["identical"] is True
    assert out["results"] == {lang: {"value": [["-0.4"], "0.0"]} for lang in LANGUAGES}
