"""The site's figures: self-contained, deterministic SVG, drawn from values the languages agree on."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from support import broken_copy

from triglot import figures
from triglot.values import Error

SVG = "{http://www.w3.org/2000/svg}"
NAMESPACES = ('xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"')
PYTHON_SIGMOID = ("python_src/sigmoid.py", "return 1 / (1 + math.exp(-z))",
                  "return 1 / (1 + math.exp(-z)) + 1e-3")
SAME_CHANGE = [("hy_src/sigmoid.hy", "(/ 1 (+ 1 (math.exp (- z))))", "(+ (/ 1 (+ 1 (math.exp (- z)))) 1e-3)"),
               ("scheme_src/sigmoid.scm", "(/ 1 (+ 1 (exp (- z))))", "(+ (/ 1 (+ 1 (exp (- z)))) 1e-3)")]


@pytest.fixture(scope="module")
def drawn(languages):
    return {name: fig.svg for name, fig in figures.draw_all(languages).items()}


def test_every_figure_is_drawn_and_described(languages, drawn):
    assert list(drawn) == list(figures.FIGURES) == ["sigmoid", "cross_entropy", "descent", "gradients", "boundary",
                                                    "softmax", "entropy"]
    for fn in figures.FIGURES.values():
        assert fn.caption.endswith(".") and len(fn.caption) > 40
    fig = figures.draw("sigmoid", languages)
    assert fig.caption == figures.FIGURES["sigmoid"].caption and fig.svg == drawn["sigmoid"]


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_figure_is_self_contained_svg(drawn, name):
    svg = drawn[name]
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert all(float(root.get(side).removesuffix("pt")) > 0 for side in ("width", "height"))
    assert len(root.findall(f".//{SVG}path")) > 20
    ids = {e.get("id") for e in root.iter()}
    for e in root.iter():
        for key, value in e.attrib.items():
            if key.endswith("href"):
                assert value.startswith("#") and value[1:] in ids, (key, value)
            assert not re.search(r"url\((?!#)", value), value
    rest = svg
    for declaration in NAMESPACES:
        rest = rest.replace(declaration, "")
    assert not re.search(r"https?:|file:|//|<image|@import", rest)


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_drawing_twice_gives_the_same_bytes(drawn, languages, name):
    assert figures.draw(name, languages).svg == drawn[name]


class Outcomes:
    """Stands in for Languages: returns the given outcomes for every call."""

    def __init__(self, **outcomes):
        self.outcomes = {k.replace("_", "/"): v for k, v in outcomes.items()}

    def call_many(self, calls):
        return [self.outcomes for _ in calls]


def test_values_are_drawn_only_when_every_language_agrees():
    assert figures.agreed(Outcomes(python=0.5, hy=0.5, scheme_guile=0.5), [("sigmoid", [0.0])]) == [0.5]
    assert figures.agreed(Outcomes(python=1, hy=1, scheme_guile=1), [("sigmoid", [0])]) == [1]
    with pytest.raises(figures.Disagreement, match=r"differ on \(sigmoid 0\).*scheme/guile exact:1/2"):
        figures.agreed(Outcomes(python=0.5, hy=0.5, scheme_guile=Fraction(1, 2)), [("sigmoid", [0])])
    with pytest.raises(figures.Disagreement, match=r"at item 1\.0: python 0\.5; hy 0\.25; scheme/guile 0\.5"):
        figures.agreed(Outcomes(python=[0, [0.5]], hy=[0, [0.25]], scheme_guile=[0, [0.5]]),
                       [("fit-trace", [[1.0] * 9, [1] * 9, 0.5, 2])])
    with pytest.raises(figures.Disagreement, match=r"\(sigmoid -1000\.0\) is an error.*OverflowError"):
        error = Error("OverflowError", "math range error")
        figures.agreed(Outcomes(python=error, hy=error, scheme_guile=error), [("sigmoid", [-1000.0])])


def run_figures(env, out, *names):
    return subprocess.run([sys.executable, "-m", "triglot.figures", str(out), *names], check=False,
                          capture_output=True, text=True, timeout=120, cwd=out.parent, env={**os.environ, **env})


def test_a_figure_is_refused_when_one_language_differs(tmp_path):
    env = broken_copy(tmp_path, *PYTHON_SIGMOID)
    r = run_figures(env, tmp_path / "out", "sigmoid")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "sigmoid refused: languages differ on (sigmoid -8.0): python 0.0013" in r.stderr
    assert "hy 0.0003353501304664781; scheme/guile 0.0003353501304664781" in r.stderr
    assert not (tmp_path / "out" / "sigmoid.svg").exists()


def test_the_figure_shows_what_the_languages_computed(tmp_path, drawn):
    env = broken_copy(tmp_path, *PYTHON_SIGMOID)
    for path, old, new in SAME_CHANGE:
        source = tmp_path / "copy" / path
        assert old in source.read_text(), f"{path} no longer reads {old!r}: update this test"
        source.write_text(source.read_text().replace(old, new))
    r = run_figures(env, tmp_path / "out", "sigmoid", "cross_entropy")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "sigmoid.svg").read_text() != drawn["sigmoid"]
    assert (tmp_path / "out" / "cross_entropy.svg").read_text() == drawn["cross_entropy"]  # σ not used
