"""`triglot show CONCEPT`: one concept's Scheme, Python and Hy side by side, and its examples run live."""
from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple

from .. import cases, check, notes, registry, sources
from ..languages import Languages, family
from ..values import describe, format_outcome, format_value, to_scheme
from . import UsageError, add_scheme_option, chosen_schemes

LABEL = {"scheme": "Scheme", "python": "Python", "hy": "Hy"}
CHROME = 8          # a three-column table's padding and its two rules
PIPE_WIDTH = 160    # the output width when stdout is not a terminal


class Example(NamedTuple):
    function: str
    args: list
    source: str         # "docstring" or "case <uuid>"
    outcomes: dict      # language -> outcome
    verdict: check.CallVerdict


def find_concept(name: str) -> registry.Concept:
    """Return the concept named by its stem (cross_entropy, cross-entropy) or by one of its functions."""
    by_stem = {c.stem: c for c in registry.concepts()}
    if name.replace("-", "_") in by_stem:
        return by_stem[name.replace("-", "_")]
    try:
        return by_stem[registry.function(name).stem]
    except registry.UnknownFunction:
        raise UsageError(f"unknown concept {name!r}; concepts: {', '.join(by_stem)}") from None


def rows(stem: str, families=sources.FAMILIES) -> list[tuple[str, dict]]:
    """Return (name, {family: Definition or None}) rows: the files' preambles, then each definition."""
    head = [("", {f: sources.Definition("", sources.read(f, stem).preamble, 1) for f in families})]
    if len(families) == 1:
        return head + [(d.name, {families[0]: d}) for d in sources.read(families[0], stem).definitions]
    return head + sources.aligned(stem)


def code_width(language: str, text: str) -> int:
    """Return the length of the text's widest line of code (a line that is not all comment or string)."""
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Comment, String
    lines = text.split("\n")
    ends = list(accumulate(len(line) + 1 for line in lines))
    code = {bisect_right(ends, i) for i, token, value in get_lexer_by_name(language).get_tokens_unprocessed(text)
            if value.strip() and token not in Comment and token not in String}
    return max((len(lines[k]) for k in code), default=0)


def column_widths(table: list[tuple[str, dict]], room: int) -> tuple[list[int], bool]:
    """Return the three columns' widths, and whether every line of code fits (comments may wrap)."""
    texts = [[r[f].text for _, r in table if r[f]] for f in sources.FAMILIES]
    full = [max(len(line) for t in ts for line in t.split("\n")) for ts in texts]
    code = [max(code_width(f, t) for t in ts) for f, ts in zip(sources.FAMILIES, texts)]
    fits = sum(code) <= room
    low = code if fits else [0, 0, 0]  # then share what is left by what each language's longest line needs
    want = [max(f - c, 1) for f, c in zip(full, low)]
    return [min(c + (room - sum(low)) * w // sum(want), f) for c, w, f in zip(low, want, full)], fits


def highlighted(console, language: str, text: str, width: int, above: int = 0):
    """Return the text highlighted in its language, `above` blank lines first, each line longer than
    the width wrapped under its own indentation."""
    from rich.syntax import Syntax
    from rich.text import Text
    out = [Text()] * above
    whole = Syntax("", language, theme="ansi_dark", background_color="default").highlight(text)
    for line in whole.split("\n", allow_blank=True)[:text.count("\n") + 1]:
        lead = min(len(line.plain) - len(line.plain.lstrip(" ")), width // 2)
        first, *rest = line[lead:].wrap(console, width - lead - 2) if len(line) > width else [line[lead:]]
        out += [Text(" " * lead) + first, *(Text(" " * (lead + 2)) + piece for piece in rest)]
    for piece in out:
        piece.rstrip()
    return Text("\n").join(out)


def aligned_cells(console, row: dict, widths: list[int]) -> list:
    """Return one table row's cells, with blank lines above so that the definitions start on one line."""
    above = {}
    for f, w in zip(sources.FAMILIES, widths):
        lines = row[f].text.split("\n") if row[f] else []
        start = next((k for k, line in enumerate(lines) if sources.START[f].match(line)), 0)
        above[f] = len(highlighted(console, f, "\n".join(lines[:start]), w).split(allow_blank=True)) if start else 0
    return [highlighted(console, f, row[f].text, w, max(above.values()) - above[f]) if row[f] else ""
            for f, w in zip(sources.FAMILIES, widths)]


def columns(console, table: list[tuple[str, dict]], widths: list[int]):
    """Return the definitions as a table: Scheme | Python | Hy, one row per definition."""
    from rich import box
    from rich.table import Table
    grid = Table(box=box.MINIMAL, show_edge=False, show_lines=True)
    for f, w in zip(sources.FAMILIES, widths):
        grid.add_column(LABEL[f], width=w, header_style="bold")
    for _, row in table:
        grid.add_row(*aligned_cells(console, row, widths))
    return grid


def stacked(console, stem: str, table: list[tuple[str, dict]]) -> list:
    """Return each definition once per language, one under the other, each under its file and line."""
    from rich.rule import Rule
    from rich.text import Text
    out = []
    for name, row in table:
        out.append(Rule(name or "file heading", align="left", style="dim"))
        for f, d in row.items():
            where = registry.source(f, stem).relative_to(registry.root())
            out.append(Text(f"{LABEL[f]} · {where}:{d.line}" if d else f"{LABEL[f]} · no {name}", style="bold"))
            out += [highlighted(console, f, d.text, console.width), ""] if d else [""]
    return out


def chosen_examples(concept: registry.Concept) -> list[tuple[str, list, str]]:
    """Return (function, args, source) calls: the Scheme file's documented examples of the concept's
    functions, then per function its first ordinary case and its first case with a documented outcome
    (one where the languages differ, if there is one)."""
    names = [f.name for f in concept.functions]
    text = registry.source("scheme", concept.stem).read_text(encoding="utf-8")
    calls = [(n, args, "docstring") for n, args, _ in sources.examples("scheme", text) if n in names]
    shown = {(n, to_scheme(args)) for n, args, _ in calls}
    for name in names:
        mine = [c for c in cases.load()[concept.stem] if c.property == name]
        plain = next((c for c in mine if not c.outcomes and (name, to_scheme(c.args)) not in shown), None)
        differ = next((c for c in mine if len({str(c.outcome_for(f)) for f in sources.FAMILIES}) > 1),
                      next((c for c in mine if c.outcomes), None))
        calls += [(name, c.args, f"case {c.uuid}") for c in (plain, differ) if c]
    return calls


def run_examples(calls, schemes=("guile",)) -> list[Example]:
    """Return each call run in every language (one batch per language) with its verdict."""
    print(f"triglot show: running {len(calls)} examples in every language…", file=sys.stderr)
    with Languages(schemes) as langs:
        outcomes = langs.call_many([(name, args) for name, args, _ in calls])
    return [Example(n, a, s, o, check.verdict(n, o, a)) for (n, a, s), o in zip(calls, outcomes)]


def example_lines(examples: list[Example], language: str | None) -> list:
    """Return each example (the call, where it comes from, the verdict, each language's value),
    then the translation notes they cite."""
    from rich.table import Table
    from rich.text import Text
    out = [Text("Examples, run now in every language", style="bold")]
    for e in examples:
        out.append(Text.assemble("\n", (call_text(e.function, e.args), "bold"), "   ",
                                 (e.source.split("-")[0], "dim"), "   ", verdict_text(e.verdict)))
        out.append(Table.grid(padding=(0, 2), pad_edge=True))
        for lang, outcome in e.outcomes.items():
            if language in (None, family(lang)):
                out[-1].add_row(lang, Text(describe(outcome), overflow="fold"))
    cited = Table.grid(padding=(0, 2), pad_edge=True)
    for i in dict.fromkeys(n.id for e in examples for n in e.verdict.notes):
        cited.add_row(Text(i, style="yellow"), Text(notes.notes()[i].title, overflow="fold"))
    return out + ([Text("\nTranslation notes", style="bold"), cited] if cited.rows else [])


def verdict_text(verdict: check.CallVerdict) -> tuple[str, str]:
    """Return the verdict as (text, style): identical, documented with its notes, or DIFFERENT."""
    if verdict.status == "documented":
        return f"documented: {', '.join(n.id for n in verdict.notes)}", "yellow"
    return ("identical", "green") if verdict.identical else ("DIFFERENT: no note explains it", "bold red")


def call_text(function: str, args: list) -> str:
    """Return the call in Scheme notation, each number of more than 40 digits cut to its ends."""
    text = f"({function} {' '.join(map(to_scheme, args))})"
    return re.sub(r"\d{41,}", lambda m: f"{m[0][:4]}…{m[0][-4:]} ({len(m[0])} digits)", text)


def as_json(concept: registry.Concept, table, examples: list[Example]) -> dict:
    """Return the whole view as one JSON-ready object (R and V forms as `triglot call --json`)."""
    return {"concept": concept.stem, "title": concept.title,
            "preamble": {f: d.text for f, d in table[0][1].items()},
            "definitions": [{"name": name, **{f: d.text if d else None for f, d in row.items()}}
                            for name, row in table[1:]],
            "examples": [{"function": e.function, "args": [format_value(a) for a in e.args], "source": e.source,
                          "results": {lang: format_outcome(o) for lang, o in e.outcomes.items()},
                          "verdict": e.verdict.status, "notes": [n.id for n in e.verdict.notes]}
                         for e in examples]}


def run(opts) -> int:
    if opts.width is not None and opts.width < 40:
        raise UsageError(f"--width {opts.width} is too narrow: give 40 or more")
    concept = find_concept(opts.concept)
    table = rows(concept.stem, (opts.language,) if opts.language else sources.FAMILIES)
    examples = run_examples(chosen_examples(concept), chosen_schemes(opts))
    if opts.json:
        print(json.dumps(as_json(concept, table, examples), ensure_ascii=False))
    else:
        render(concept, table, examples, opts)
    return 1 if any(e.verdict.status == "different" for e in examples) else 0


def render(concept: registry.Concept, table, examples: list[Example], opts) -> None:
    """Print the view: highlighted on a terminal, plain text (no trailing spaces) otherwise."""
    from rich.console import Console
    from rich.text import Text
    console = Console(highlight=False)
    console.width = opts.width or (console.width if console.is_terminal else PIPE_WIDTH)
    files = "  ".join(str(registry.source(f, concept.stem).relative_to(registry.root())) for f in table[0][1])
    parts = [Text.assemble((concept.title, "bold"), "   ", (files, "dim"), "\n")]
    if opts.language:
        whole = "\n\n".join(row[opts.language].text for _, row in table)
        parts += [highlighted(console, opts.language, whole, console.width), ""]
    else:
        widths, fits = column_widths(table, console.width - CHROME)
        if (opts.layout or ("columns" if fits else "stacked")) == "columns":
            parts += [columns(console, table, widths), ""]
        else:
            parts += stacked(console, concept.stem, table)
    with console.capture() as captured:
        for part in parts + example_lines(examples, opts.language):
            console.print(part)
    text = captured.get()
    print(text if console.is_terminal else "\n".join(line.rstrip() for line in text.split("\n")), end="")


def add_parser(sub) -> None:
    s = sub.add_parser(
        "show", help="show one concept in Scheme, Python and Hy side by side, with its examples run live",
        description="Show CONCEPT's Scheme, Python and Hy side by side, each definition starting on the same "
                    "line, exactly as the files hold them, then its examples run now in every language with "
                    "each value and the verdict. CONCEPT is a file stem (sigmoid, cross_entropy or "
                    "cross-entropy) or one of its function names (stable-sigmoid). Highlighted on a terminal, "
                    "plain text otherwise.",
        epilog="The examples are the Scheme file's documented ones (;;> (f x) ⇒ v) and, per function, its first "
               "ordinary canonical case and its first case with a documented difference. Exit 1 if an example "
               "differs between languages and no translation note explains it.")
    s.add_argument("concept", metavar="CONCEPT", help="a concept's stem, or one of its function names")
    s.add_argument("--layout", choices=("columns", "stacked"),
                   help="columns side by side, or each definition once per language, one under the other "
                        "(default: columns when every line of code fits in its column, else stacked)")
    s.add_argument("--width", type=int, metavar="N",
                   help=f"output width, at least 40 (default: the terminal's, or {PIPE_WIDTH} when piped)")
    s.add_argument("--language", choices=sources.FAMILIES, help="only this language's file, definitions in order")
    s.add_argument("--json", action="store_true",
                   help="print one JSON object: concept, title, preamble, definitions, examples")
    add_scheme_option(s)
    s.set_defaults(run=run)
