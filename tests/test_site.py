"""The reference site: built from the data, every definition on a page as its file has it,
live values, nothing fetched from another host, and a source change shows on the next build."""
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support import broken_copy, run_triglot
from triglot import registry, sources
from triglot.site import build, pages, rst


class Page(HTMLParser):
    """The parts of a built page the tests read: code blocks' text, resources, table rows."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.code, self.resources, self.rows = [], [], []
        self.language = {}           # code block text -> [its highlight language, one per block]
        self._pre = self._row = self._lexer = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        lexer = re.search(r"\bhighlight-(\w+)", a.get("class") or "")
        if tag == "div" and lexer:
            self._lexer = lexer.group(1)
        if tag == "pre":
            self._pre = []
        if tag in ("script", "img", "iframe", "source", "embed") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href"):
            self.resources.append(a["href"])
        if tag == "tr":
            self._row = []
        if tag == "td" and self._row is not None:
            self._row.append("")

    def handle_endtag(self, tag):
        if tag == "pre" and self._pre is not None:
            self.code.append("".join(self._pre))
            self.language.setdefault(self.code[-1], []).append(self._lexer)
            self._pre = None
        if tag == "tr" and self._row is not None:
            self.rows.append([" ".join(c.split()) for c in self._row])
            self._row = None

    def handle_data(self, data):
        if self._pre is not None:
            self._pre.append(data)
        if self._row:
            self._row[-1] += data


def read(site: Path, name: str) -> Page:
    return Page((site / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(site_build):
    return site_build.outdir


def test_the_build_reports_pages_size_and_time(site_build):
    assert site_build.pages == len(list(site_build.outdir.rglob("*.html"))) >= 3 + len(registry.concepts())
    assert site_build.bytes > 100_000 and site_build.seconds > 0
    assert not site_build.failures, site_build.failures
    assert re.fullmatch(r"site: \d+ pages, [\d.]+ MB in .+, built in [\d.]+ s \([\d.]+ s of it running the "
                        r"languages\); open .+index\.html", site_build.line())


def test_pages_cover_every_concept_once_in_order():
    stems = [stem for p in pages.pages() for stem in p.concepts]
    assert stems == [c.stem for c in registry.concepts()]


@pytest.mark.parametrize("concept", registry.concepts(), ids=lambda c: c.stem)
def test_every_definition_is_on_its_page_as_the_file_has_it(site, concept):
    """Each definition and file heading, in each language, is a code block of the page, verbatim."""
    page = read(site, f"{pages.page_of(concept.stem).slug}.html")
    for family in sources.FAMILIES:
        source = sources.read(family, concept.stem)
        for text in [source.preamble] + [d.text for d in source.definitions]:
            # in the language's own tab and side by side: twice, highlighted as that language
            shown = [lexer for block, lexers in page.language.items() if text.strip() in block for lexer in lexers]
            assert shown.count(rst.LEXER[family]) == 2, f"{family} {concept.stem}: not on the page:\n{text}"


def test_every_function_appears_in_three_languages(site):
    shown = "\n".join(c for p in pages.pages() for c in read(site, f"{p.slug}.html").code)
    for f in registry.functions().values():
        assert f"(define ({f.name} " in shown and f"def {f.python_name}(" in shown \
            and f"(defn {f.name} [" in shown, f.name


def test_the_pages_show_the_values_the_languages_computed(site):
    """σ(0.0) = ½ exactly: the sample row for (sigmoid 0.0) shows 0.5 for every language."""
    rows = read(site, "logistic-regression.html").rows
    row = next(r for r in rows if r and r[0] == "(sigmoid 0.0)")
    assert row[1:4] == ["0.5", "0.5", "0.5"] and row[-1] == "identical"
    overflow = next(r for r in rows if r and r[0] == "(sigmoid -710.0)")
    assert overflow[1].startswith("error OverflowError") and overflow[3] == "0.0"
    assert "exp-overflow" in overflow[-1]


def test_every_case_is_on_a_cases_page(site):
    from triglot import cases
    for c in registry.concepts():
        rows = read(site, f"cases/{c.stem}.html").rows
        calls = [r[0] for r in rows if r]
        mine = [k for k in cases.all_cases() if registry.function(k.property).stem == c.stem]
        assert len(calls) == len(mine), c.stem


def test_every_note_is_on_the_notes_page_with_its_cases(site):
    from triglot import notes
    text = (site / "notes.html").read_text(encoding="utf-8")
    calls = [r[0] for r in read(site, "notes.html").rows if r]
    for n in notes.notes().values():
        assert f'id="note-{n.id}"' in text, n.id
        assert html.escape(n.title, quote=False) in text, n.id
        assert html.escape(" ".join(n.text.split()[:12]), quote=False) in " ".join(text.split()), n.id
    assert len(calls) == sum(len(n.cases) for n in notes.notes().values())


def test_nothing_is_fetched_from_another_host(site):
    files = list(site.rglob("*.html"))
    for path in files:
        for src in Page(path.read_text(encoding="utf-8")).resources:
            assert not re.match(r"(https?:)?//", src), f"{path.name} loads {src}"
    for path in list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), f"{path.name} loads from another host"
        assert "@import" not in text or not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", text), path.name
    for svg in site.rglob("*.svg"):
        assert not re.search(r"(href|src)=['\"](https?:)?//", svg.read_text(encoding="utf-8")), svg.name


def test_prose_cannot_become_markup():
    assert rst.plain("|wx| * p_ `x`") == r"\|wx\| \* p\_ \`x\`"


def test_a_broken_link_fails_the_build(tmp_path, monkeypatch):
    documents = rst.documents
    monkeypatch.setattr(rst, "documents", lambda live: {**documents(live), "extra": ":doc:`nowhere`\n"})
    with pytest.raises(build.BuildFailed, match="nowhere"):
        build.build(tmp_path / "out")


def test_pages_toml_must_cover_the_concepts(tmp_path):
    env = broken_copy(tmp_path, "pages.toml", 'concepts = ["likelihood"]', 'concepts = []')
    run = run_triglot("site", str(tmp_path / "out"), env=env)
    assert run.returncode == 2 and "every concept once, in that order" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_changed_source_changes_its_page(tmp_path):
    """Edit a comment in the Hy file and a docstring in the Python file: the next build shows both."""
    env = broken_copy(tmp_path, "hy_src/sigmoid.hy", "squash any real number into (0, 1).",
                      "squash any real number into the open unit interval.")
    root = Path(env["TRIGLOT_ROOT"])
    py = root / "python_src" / "sigmoid.py"
    py.write_text(py.read_text().replace("Return σ(z) without overflow", "Return σ(z), never overflowing"))
    run = run_triglot("site", str(tmp_path / "out"), env=env)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "out" / "logistic-regression.html").read_text(encoding="utf-8")
    text = " ".join(Page(page).code)
    assert "squash any real number into the open unit interval." in text
    assert "Return σ(z), never overflowing" in text
    assert "squash any real number into (0, 1)." in text  # the Scheme and Python headings did not change


def test_every_figure_a_page_names_is_drawn(site):
    from triglot import figures
    named = [f for p in pages.pages() for f in [p.figure, *(s.figure for s in p.sections)] if f]
    assert set(named) <= set(figures.FIGURES) and len(named) == len(set(named))
    for name in named:
        assert (site / "_images" / f"{name}.svg").is_file(), name
