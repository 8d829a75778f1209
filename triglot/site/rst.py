"""The pages as reStructuredText, written from the data and the live values.

Nothing here is typed twice: the code is the source files' text, every value is a
live outcome, every note is notes.toml's text.
"""
from __future__ import annotations

import re

from .. import notes, registry, sources
from ..values import describe, to_scheme
from . import pages

LANGUAGE = {"scheme": "Scheme", "python": "Python", "hy": "Hy"}
LEXER = {"scheme": "scheme", "python": "python", "hy": "hy"}
SAMPLE = 2          # ordinary cases per function on a page (and every kind of documented one)
NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<digits>[0-9.]+)(?P<exp>[eE][+-]?[0-9]+)?")
WIDE = 90           # characters of a value shown in a table before it is cut


# ---------------------------------------------------------------- reStructuredText pieces

def heading(text: str, mark: str) -> str:
    return f"{text}\n{mark * (len(text) + 2)}\n"


def indent(text: str, by: int) -> str:
    pad = " " * by
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def literal(text: str) -> str:
    """Return text as an inline literal (``…``), or a dash for nothing."""
    text = " ".join(str(text).split())
    return f"``{text}``" if text else "—"


def plain(text: str) -> str:
    """Return prose with reStructuredText's markup characters escaped, so it reads as written."""
    return "".join("\\" + ch if ch in "\\*`|_<>[]" else ch for ch in text)


def cut(text: str, width: int = WIDE) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def table(header: list[str], rows: list[list[str]], css: str = "triglot-values") -> str:
    """Return a list-table whose cells are already reStructuredText."""
    out = [".. list-table::", "   :header-rows: 1", f"   :class: {css}", ""]
    for row in [header, *rows]:
        out += [f"   * - {row[0]}"] + [f"     - {cell}" for cell in row[1:]]
    return "\n".join(out) + "\n"


def code_block(family: str, text: str, caption: str = "") -> str:
    head = f".. code-block:: {LEXER[family]}\n" + (f"   :caption: {plain(caption)}\n" if caption else "")
    return f"{head}\n{indent(text, 3)}\n"


def code_tabs(texts: dict, captions: dict) -> str:
    """Return Scheme | Python | Hy | Side by side tabs (synchronised across the page)."""
    items = []
    for family in sources.FAMILIES:
        body = code_block(family, texts[family], captions[family]) if texts[family] else \
            f"*{LANGUAGE[family]} needs no separate definition here.*\n"
        items.append(f".. tab-item:: {LANGUAGE[family]}\n   :sync: {family}\n\n{indent(body, 3)}\n")
    grid = ".. grid:: 1 1 3 3\n   :gutter: 1\n   :class-container: triglot-side-by-side\n\n" + "\n".join(
        indent(f".. grid-item::\n\n   **{LANGUAGE[f]}**\n\n" + indent(
            code_block(f, texts[f]) if texts[f] else "—\n", 3), 3) + "\n" for f in sources.FAMILIES)
    items.append(f".. tab-item:: Side by side\n   :sync: side\n\n{indent(grid, 3)}\n")
    return ".. tab-set::\n   :sync-group: language\n\n" + "\n".join(indent(i, 3) + "\n" for i in items)


# ---------------------------------------------------------------- live values

def brief(v) -> str:
    """Return a value as Scheme writes it, with long exact integers and decimals abridged."""
    if isinstance(v, list):
        return "(" + " ".join(map(brief, v)) + ")"
    return abridged(to_scheme(v))


def abridged(text: str) -> str:
    """Return a number's text with a mantissa past 20 digits shortened, its exponent kept (a huge
    exponent, as in e^−10⁴⁰⁰, shortened too), and how long each really is."""
    m = NUMBER.fullmatch(text)
    digits, exp = (m.group("digits"), m.group("exp") or "") if m else ("", "")
    if not m or (len(digits) <= 20 and len(exp) <= 8):
        return text
    said = [f"{len(digits.replace('.', ''))} digits"] if len(digits) > 20 else []
    said += [f"an exponent of {len(exp.lstrip('eE+-'))} digits"] if len(exp) > 8 else []
    return (f"{m.group('sign')}{digits[:18] + '…' if len(digits) > 20 else digits}"
            f"{exp[:8] + '…' if len(exp) > 8 else exp} ({', '.join(said)})")


def outcome(o) -> str:
    return literal(cut(describe(o)))


def verdict(judgement) -> str:
    if judgement.status == "identical":
        return "identical"
    if judgement.status == "documented":
        return f"documented, :ref:`{judgement.note} <note-{judgement.note}>`"
    return f"**FAIL** {literal(cut(judgement.detail, 200))}"


def case_rows(results, languages) -> list[list[str]]:
    """Return one row per case: the call, each language's value, the exact value, the verdicts."""
    rows = []
    for r in results:
        verdicts = {}
        for lang, j in r.judgements.items():
            verdicts.setdefault(verdict(j), []).append(lang)
        expected = r.case.expected
        rows.append([literal(cut(f"({r.case.property} {' '.join(map(brief, r.case.args))})")),
                     *(outcome(r.outcomes[lang]) for lang in languages),
                     literal(cut(abridged(expected) if isinstance(expected, str) else
                                 "(" + " ".join(map(str, expected)) + ")")),
                     "; ".join(v if len(verdicts) == 1 else f"{', '.join(langs)}: {v}"
                               for v, langs in verdicts.items())])
    return rows


def case_table(results, languages) -> str:
    return table(["call", *languages, "exact (mpmath)", "verdict"], case_rows(results, languages))


def sample(results) -> list:
    """Return a few cases per function: the first ordinary ones and one of each documented kind."""
    chosen, seen = [], {}
    for r in results:
        notes_cited = tuple(sorted({j.note for j in r.judgements.values() if j.note}))
        key = (r.case.property, notes_cited)
        limit = SAMPLE if not notes_cited else 1
        if seen.get(key, 0) < limit:
            seen[key] = seen.get(key, 0) + 1
            chosen.append(r)
    return chosen


def versions_line(live) -> str:
    v = live.versions
    return f"CPython {v['python']}, Hy {v['hy']} and {v['scheme/guile']}"


def notation_table(rows) -> str:
    body = []
    for res in rows:
        r = res.row
        binds = ", ".join(f"{k} = {describe(v)}" for k, v in r.bindings.items())
        body.append([r.math + ("" if r.seed else " ⁺"), literal(r.scheme), literal(r.python), literal(r.hy),
                     r.meaning, literal(binds), literal(res.value_text()),
                     f"identical, ≤ {r.max_ulp:g} ULP" if res.ok else "**FAIL** " + literal(res.failures[0])])
    return table(["Math", "Scheme", "Python", "Hy", "Meaning", "bindings", "value", "verdict"], body,
                 "triglot-notation")


def note_block(note, live, functions=None, label=False) -> str:
    """Return a note: its text and its cases, run in this build, values side by side."""
    shown = [r for r in live.results() if r.case.uuid in note.cases
             and (functions is None or r.case.property in functions)]
    out = [f".. _note-{note.id}:\n" if label else "", heading(plain(note.title), "~"),
           f"Note ``{note.id}``.\n", plain(note.text) + "\n"]
    if shown:
        out.append("Shown live by its cases:\n")
        out.append(case_table(shown, live.languages))
    elif note.phrases:
        out.append("Shown live by the phrasebook: " + ", ".join(
            f":ref:`{plain(r.row.title)} <phrase-{r.row.id}>`" for r in live.phrases if r.row.id in note.phrases)
            + ".\n")
    elif note.tests:
        out.append("No single call shows this; the suite shows it in " +
                   ", ".join(literal(t) for t in note.tests) + ".\n")
    return "\n".join(part for part in out if part)


# ---------------------------------------------------------------- pages

def concept_block(stem: str, live, same_title: bool = False) -> str:
    concept = next(c for c in registry.concepts() if c.stem == stem)
    results = live.cases[stem]
    ok = sum(all(j.ok for j in r.judgements.values()) for r in results)
    path = {f: str(registry.source(f, stem).relative_to(registry.root())) for f in sources.FAMILIES}
    out = [f".. _concept-{stem}:\n"]
    if not same_title:
        out.append(heading(concept.title, "~"))
    head = {f: sources.read(f, stem).preamble for f in sources.FAMILIES}
    for k, (_name, defs) in enumerate(sources.aligned(stem)):
        if k == 0:  # the file's heading and imports open its first definition's block
            texts = {f: head[f] + "\n\n" + d.text if d else head[f] for f, d in defs.items()}
            captions = {f: f"{path[f]}, from line 1" for f in defs}
        else:
            texts = {f: d.text if d else None for f, d in defs.items()}
            captions = {f: f"{path[f]}, line {d.line}" if d else "" for f, d in defs.items()}
        out.append(code_tabs(texts, captions))
    out.append(f"Verified in this build with {versions_line(live)}: {ok} of {len(results)} canonical cases "
               f"identical in every language or documented. A sample, run now "
               f"(:doc:`all {len(results)} cases <cases/{stem}>`):\n")
    out.append(case_table(sample(results), live.languages))
    return "\n".join(out)


def titled(stem: str) -> str:
    return next(c.title for c in registry.concepts() if c.stem == stem)


def figure(name: str, live) -> str:
    fig = live.figures[name]
    return (f".. figure:: _figures/{name}.svg\n   :alt: {fig.caption}\n   :class: triglot-figure\n\n"
            f"   {fig.caption}\n")


def page(p: pages.Page, live) -> str:
    order = pages.pages()
    k = order.index(p)
    functions = {f.name for c in registry.concepts() if c.stem in p.concepts for f in c.functions}
    out = [":doc:`← back to {} <index>`\n".format(pages.site()["section"]), heading(p.title, "="),
           f"*{plain(p.source)}*\n", plain(p.intro) + "\n"]
    if p.figure:
        out.append(figure(p.figure, live))
    for s in p.sections:
        out += [heading(s.title, "-"), plain(s.text) + "\n"]
        if s.figure:
            out.append(figure(s.figure, live))
        out += [concept_block(stem, live, len(s.concepts) == 1 or titled(stem) == s.title) for stem in s.concepts]
    rows = [r for r in live.notation if r.row.concept in p.concepts]
    if rows:
        out += [heading("Notation reference", "-"),
                f"Every cell evaluated in its language with {versions_line(live)}; the Math cell with "
                "SymPy. ⁺ marks a row added to the seed's table.\n", notation_table(rows)]
        out += [plain(f"In {r.row.math}: {r.row.note}") + "\n" for r in rows if r.row.note]
    if k == 0:
        out += ["The seed's symbolic claims, proved with SymPy in this build:\n",
                "\n".join(f"* {pr.claim.text}: **{pr.status}**" for pr in live.proofs) + "\n"]
    mine = [n for n in notes.notes().values() if functions & set(n.functions)]
    if mine:
        out += [heading("Translation notes", "-"),
                "Where the languages part, and why. Every note: :doc:`notes`.\n"]
        out += [note_block(n, live, functions) for n in mine]
    out += [heading("Neighbours", "-"), plain(p.neighbours) + "\n"]
    links = [f"← :doc:`{order[k - 1].title} <{order[k - 1].slug}>`" if k > 0 else "",
             f":doc:`{order[k + 1].title} <{order[k + 1].slug}>` →" if k + 1 < len(order) else ""]
    out.append(" · ".join(x for x in links if x) + "\n")
    return "\n".join(out)


def index(live) -> str:
    from .. import check
    data = pages.site()
    out = [heading(data["section"].capitalize(), "="), plain(data["intro"].strip()) + "\n",
           ".. toctree::\n   :caption: Pages\n   :hidden:\n\n" +
           "".join(f"   {p.slug}\n" for p in pages.pages()) + "   phrasebook\n   notes\n   performance\n",
           ".. toctree::\n   :caption: Canonical cases\n   :hidden:\n\n" +
           "".join(f"   cases/{c.stem}\n" for c in registry.concepts())]
    body = []
    for c in registry.concepts():
        p = pages.page_of(c.stem)
        body += [[f":ref:`{plain(c.title)} <concept-{c.stem}>`" if k == 0 else "",
                  f":doc:`{plain(p.title)} <{p.slug}>`" if k == 0 else "",
                  literal(f"({f.name} {' '.join(f.params)})"), literal(f"{f.python_name}({', '.join(f.params)})"),
                  plain(f.math), f":doc:`{len([r for r in live.cases[c.stem] if r.case.property == f.name])} "
                                 f"<cases/{c.stem}>`"]
                 for k, f in enumerate(c.functions)]
    out += [heading("Concepts", "-"), "In the order the mathematics builds them. Hy spells every name as "
            "Scheme does.\n", table(["concept", "page", "Scheme · Hy", "Python", "mathematics", "cases"], body),
            "The language itself, construct by construct: :doc:`phrasebook`. "
            "Where the languages part, and why: :doc:`notes`. What checking costs, and the languages' "
            "speed side by side: :doc:`performance`.\n"]
    results = live.results()
    rows = check.summary(results, list(live.languages))
    body = [[r["concept"].replace("_", "-"), r["language"], str(r["cases"]), str(r["identical"]), str(r["documented"]),
             str(r["failed"]), ", ".join(f"{k}×{v}" for k, v in r["notes"].items()) or "—"] for r in rows]
    checks = sum(len(r.judgements) for r in results)
    failed = sum(not j.ok for r in results for j in r.judgements.values())
    out += [heading("Verified in this build", "-"),
            f"{len(results)} canonical cases × {len(live.languages)} languages = {checks} checks with "
            f"{versions_line(live)}: {failed} unexplained. The same run as ``triglot check``.\n",
            table(["concept", "language", "cases", "identical", "documented", "failed", "notes"], body)]
    out += portability_matrix(live)
    return "\n".join(out)


def portability_matrix(live) -> list[str]:
    """The index's matrix: every canonical case in each of the six Scheme implementations."""
    from ..implementations import IMPLEMENTATIONS
    from ..portability import cell_text
    if not live.portability:
        return []
    schemes = list(live.portability[0]["cells"])
    head = ["concept", "cases"] + [f"{IMPLEMENTATIONS[s.split('/')[1]].title} {live.scheme_versions[s]}"
                                   for s in schemes]
    body = [[row["concept"].replace("_", "-"), str(row["cases"])]
            + [plain(cell_text(row["cells"][s], row["cases"]).replace("**", "")) for s in schemes]
            for row in live.portability]
    return [heading("The Scheme column: six implementations", "-"),
            "The same concept files, in each implementation through a shim of its own (``triglot schemes "
            "--cases``): per concept, the cases identical to the canonical outcome, and those where the "
            "implementation answers otherwise, as its file ``portability/NAME.toml`` documents with a note "
            "(an exact ``1/2`` where R7RS lets ``(exp 0)`` be exact; another name for the same error).\n",
            table(head, body)]


def notes_page(live) -> str:
    out = [":doc:`← back to {} <index>`\n".format(pages.site()["section"]), heading("Translation notes", "="),
           "Where Scheme, Python and Hy really behave differently, or where the code and the "
           "mathematics part, and why. Each note's cases were run in this build.\n"]
    out += [note_block(n, live, label=True) for n in notes.notes().values()]
    return "\n".join(out)


def cases_page(stem: str, live) -> str:
    concept = next(c for c in registry.concepts() if c.stem == stem)
    p = pages.page_of(stem)
    out = [f":doc:`← back to {p.title} <../{p.slug}>`\n", heading(f"Canonical cases: {concept.title}", "="),
           f"Every case of ``tests/cases/{stem}.json``, run in this build with {versions_line(live)}. "
           "The exact value comes from mpmath.\n"]
    for f in concept.functions:
        mine = [r for r in live.cases[stem] if r.case.property == f.name]
        out += [heading(f.name, "-"), f"{f.math}\n", case_table(mine, live.languages)]
    return "\n".join(out)


def phrasebook_page(live) -> str:
    """Return the phrasebook: each construct in three languages, run in this build, with its verdict."""
    out = [":doc:`← back to {} <index>`\n".format(pages.site()["section"]), heading("Phrasebook", "="),
           "How each Scheme construct is written in Python and in Hy. Every cell below was run in its "
           f"language in this build ({versions_line(live)}); the value is that of the cell's last "
           "expression. Identical, or a documented difference with the note that says why.\n"]
    for topic in dict.fromkeys(r.row.topic for r in live.phrases):
        out.append(heading(plain(topic[0].upper() + topic[1:]), "-"))
        for res in (r for r in live.phrases if r.row.topic == topic):
            row = res.row
            out += [f".. _phrase-{row.id}:\n", heading(plain(row.title), "~"),
                    code_tabs({f: getattr(row, f) for f in sources.FAMILIES}, dict.fromkeys(sources.FAMILIES, ""))]
            body = [[lang, outcome(o), verdict(res.judgements[lang])] for lang, o in res.outcomes.items()]
            out.append(table(["language", "value", "verdict"], body))
    return "\n".join(out)


def performance_page() -> str:
    """Return the page of the last saved `make bench` run (docs/bench.json), as it printed it."""
    from ..bench import saved_report
    lines = saved_report(registry.root() / "docs" / "bench.json")
    out = [":doc:`← back to {} <index>`\n".format(pages.site()["section"]), heading("Performance", "="),
           "The cost of checking, and the languages' speed side by side, measured by ``make bench`` in one run "
           "on the 2-core machine the project is tested on. These figures are measured, not computed in this "
           "build; the run's date and versions head the report. They are for people comparing languages, "
           "not targets: the teaching code stays one readable loop per formula.\n"]
    out.append(".. code-block:: text\n\n" + indent("\n".join(lines), 3) + "\n" if lines else
               "No run saved yet: ``make bench`` measures and saves one (``docs/bench.json``).\n")
    return "\n".join(out)


def documents(live) -> dict[str, str]:
    """Return every page's text by its document name."""
    docs = {"index": index(live), "notes": notes_page(live), "performance": performance_page(),
            "phrasebook": phrasebook_page(live)}
    docs.update({p.slug: page(p, live) for p in pages.pages()})
    docs.update({f"cases/{c.stem}": cases_page(c.stem, live) for c in registry.concepts()})
    return docs
