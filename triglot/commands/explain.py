"""`triglot explain NOTE`: one translation note, what the reference does about it, and its cases run live."""
from __future__ import annotations

import difflib
import json
import re
import sys

from .. import cases, check, notes
from ..compare import ulp_error
from ..values import Error, describe, format_outcome, format_value, to_scheme
from . import UsageError

NOUN = {"value": "a value", "float": "a float", "nan": "NaN", "exact": "an exact number",
        "complex": "a complex number"}
SHOWN = 6           # cases shown without --all
PIPE_WIDTH = 100    # the output width when stdout is not a terminal
STYLE = {"identical": "green", "documented": "yellow", "FAIL": "bold red"}


def find_note(name: str) -> notes.Note:
    """Return the note with this exact id; name the close ones and every id if there is none."""
    every = notes.notes()
    if name in every:
        return every[name]
    close = difflib.get_close_matches(name, every, n=3, cutoff=0.5)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise UsageError(f"unknown note {name!r}{hint}; notes: {', '.join(every)}")


def in_words(pattern: str) -> str:
    """Return a `when` pattern in words: "float|nan|error:X" → "returns a float or NaN, or raises X"."""
    parts = pattern.split("|")
    if "any" in parts:
        return "anything"
    returns = [NOUN[p] for p in parts if not p.startswith("error:")]
    raises = [p[6:] for p in parts if p.startswith("error:")]
    said = [f"returns {' or '.join(returns)}"] if returns else []
    said += [f"raises {' or '.join(raises)}"] if raises else []
    return ", or ".join(said)


def abridged(text: str) -> str:
    """Return the text with each integer (or exponent) of more than 40 digits cut to its ends."""
    return re.sub(r"(?<![.\d])\d{41,}", lambda m: f"{m[0][:4]}…{m[0][-4:]} ({len(m[0])} digits)", text)


def brief(form) -> str:
    """Return a V form (a string or a list) as one line, a list of more than six items cut to three."""
    if not isinstance(form, list):
        return abridged(form)
    if len(form) <= SHOWN:
        return abridged(json.dumps(form, ensure_ascii=False))
    return abridged(json.dumps(form[:3], ensure_ascii=False)[:-1] + f", … {len(form) - 3} more]")


def scheme_call(case: cases.Case, cut: bool = True) -> str:
    """Return the case's call in Scheme notation, long lists and numbers abridged unless `cut` is False."""
    args = [to_scheme(a[:3])[:-1] + f" … {len(a) - 3} more)" if cut and isinstance(a, list)
            and len(a) > SHOWN else to_scheme(a) for a in case.args]
    text = f"({case.property} {' '.join(args)})"
    return abridged(text) if cut else text


def worst_ulp(value, expected) -> float:
    """Return the largest error in ULPs of a value (or list) against the exact value (or list)."""
    if isinstance(expected, list):
        return max((worst_ulp(v, e) for v, e in zip(value, expected)), default=0.0)
    return float(ulp_error(value, expected))


def value_text(result: check.CaseResult, language: str):
    """Return one language's value, abridged, and its error in ULPs when it is judged against the exact value."""
    from rich.text import Text
    outcome = result.outcomes[language]
    text = Text(describe(outcome) if isinstance(outcome, Error) else brief(format_value(outcome)))
    if result.judgements[language].status == "identical":
        err = worst_ulp(outcome, result.case.expected)
        text.append(f"   {'< 0.001' if 0 < err < 1e-3 else f'{err:.3g}'} ULP", style="dim")
    return text


def chosen(results: list[check.CaseResult], every: bool) -> list[check.CaseResult]:
    """Return the cases to show: all, or the first few, failures first, then one function at a time."""
    if every:
        return results
    rank, seen = [], {}
    for k, r in enumerate(results):
        seen[r.case.property] = seen.get(r.case.property, -1) + 1
        failed = any(j.status == "FAIL" for j in r.judgements.values())
        rank.append((not failed, seen[r.case.property], k))
    keep = sorted(k for *_, k in sorted(rank)[:SHOWN])
    return [results[k] for k in keep]


def run_note_cases(note: notes.Note) -> list[check.CaseResult]:
    """Return the note's cases, in the order the mathematics builds, run now in every language."""
    from ..languages import Languages
    selected = [c for c in cases.all_cases() if c.uuid in note.cases]
    if not selected:
        return []
    print(f"triglot explain: running {len(selected)} cases in every language…", file=sys.stderr)
    with Languages() as langs:
        return check.run_cases(langs, selected)


def run_note_phrases(note: notes.Note) -> list:
    """Return the phrasebook rows that show the note, run now in every language."""
    from .. import phrasebook
    rows = [r for r in phrasebook.rows() if r.id in note.phrases]
    if not rows:
        return []
    print(f"triglot explain: running {len(rows)} phrasebook rows in every language…", file=sys.stderr)
    return phrasebook.evaluate(rows)


def phrase_json(res) -> dict:
    """Return one phrasebook row's cells, results and verdicts for --json."""
    r = res.row
    return {"id": r.id, "title": r.title, "scheme": r.scheme, "python": r.python, "hy": r.hy,
            "results": {lang: format_outcome(o) for lang, o in res.outcomes.items()},
            "verdicts": {lang: j.status for lang, j in res.judgements.items()}}


def phrase_lines(phrases) -> list:
    """Return the phrasebook rows shown live: each row's cells, each language's value and verdict."""
    from rich.table import Column
    from rich.text import Text
    out = [Text(f"\nIn the phrasebook, run now in every language ({len(phrases)})", style="bold")]
    for res in phrases:
        out.append(Text(f"\n{res.row.title}", style="bold"))
        cells = grid(6)
        for family in ("scheme", "python", "hy"):
            cells.add_row(family, Text(getattr(res.row, family)))
        each = grid(max(map(len, res.outcomes)), Column())
        for lang, o in res.outcomes.items():
            j = res.judgements[lang]
            each.add_row(lang, Text(describe(o)), Text(f"{j.status}: {j.note}" if j.note else j.status,
                                                        style=STYLE[j.status]))
        out += [cells, each]
        out += [Text(f"  {j.detail}", style=STYLE["FAIL"]) for j in res.judgements.values() if not j.ok]
    return out


def as_json(note: notes.Note, results: list[check.CaseResult]) -> dict:
    """Return the note and every case's results as one JSON-ready object (R and V as `call --json`)."""
    return {"id": note.id, "title": note.title, "text": note.text, "functions": list(note.functions),
            "when": note.when, "tests": list(note.tests),
            "cases": [{"uuid": r.case.uuid, "description": r.case.description,
                       "call": scheme_call(r.case, cut=False), "args": [format_value(a) for a in r.case.args],
                       "expected": r.case.expected,
                       "results": {lang: format_outcome(o) for lang, o in r.outcomes.items()},
                       "verdicts": {lang: j.status for lang, j in r.judgements.items()}} for r in results]}


def handling(note: notes.Note, results: list[check.CaseResult]) -> list:
    """Return the section on how the reference handles the note: its functions and its `when` table."""
    from rich.table import Table
    from rich.text import Text
    shown_by = list(dict.fromkeys(r.case.property for r in results))
    out = [Text("\nHow the reference handles it", style="bold")]
    if note.functions:
        out.append(Text(f"It applies to {', '.join(note.functions)}."))
    elif shown_by:
        out.append(Text(f"Its cases call {', '.join(shown_by)}."))
    if note.phrases and not note.when:
        out.append(Text("This note is about the languages themselves, not about a formula: the phrasebook "
                        "rows below are written so that each language gives its own answer, and each row "
                        "states the outcome this note explains for every language that parts."))
        return out
    if not note.when:
        out.append(Text("This note gives no rule for a difference between the languages: all three share this "
                        "behaviour of the code, bit for bit, and the note explains where it departs from the "
                        "mathematics." + (" Its cases record it: each documents the value the languages give, "
                                          "or allows a stated error in ULPs against the exact value."
                                          if results else "")))
        return out
    out.append(Text("A call whose outcomes match this table is a documented difference, not a failure:"))
    table = Table.grid(padding=(0, 2), pad_edge=True)
    for family, pattern in note.when.items():
        table.add_row(family.capitalize(), in_words(pattern))
    return out + [table]


def grid(label: int, *more):
    """Return a borderless table: a language column `label` wide, a value column that folds, then `more`."""
    from rich.table import Column, Table
    return Table.grid(Column(width=label + 2, no_wrap=True), Column(overflow="fold", min_width=24), *more,
                      padding=(0, 2), pad_edge=True)


def demonstration(note: notes.Note, results: list[check.CaseResult], every: bool) -> list:
    """Return the cases run now: per case the call, the exact value, and each language's value and verdict."""
    from rich.padding import Padding
    from rich.table import Column
    from rich.text import Text
    if not results and note.phrases:
        return []
    if not results:
        files = ", ".join(note.tests) or "none"
        return [Text("\nNo single call shows this; the tests do", style="bold"), Text(f"Test files: {files}")]
    out = [Text(f"\nIts cases, run now in every language ({len(results)})", style="bold")]
    shown = chosen(results, every)
    for r in shown:
        out += [Text.assemble("\n", (scheme_call(r.case), "bold")),
                Padding(Text(r.case.description, style="dim"), (0, 0, 0, 2))]
        label = max(map(len, r.outcomes))
        exact = grid(label)
        judged = any(j.status == "identical" for j in r.judgements.values())  # against the exact value
        allowed = f"   up to {r.case.max_ulp:g} ULP allowed" if judged else ""
        exact.add_row("exact", Text.assemble(brief(r.case.expected), (allowed, "dim")))
        each = grid(label, Column())
        for lang in r.outcomes:
            j = r.judgements[lang]
            each.add_row(lang, value_text(r, lang), Text(f"{j.status}: {j.note}" if j.note else j.status,
                                                         style=STYLE[j.status]))
        out += [exact, each]
        out += [Text(f"  {lang}: {j.detail}", style=STYLE["FAIL"]) for lang, j in r.judgements.items() if not j.ok]
    more = len(results) - len(shown)
    if more:
        out.append(Text(f"\n… and {more} more case{'s' * (more > 1)}: --all shows every one.", style="dim"))
    return out


def render(note: notes.Note, results: list[check.CaseResult], opts, phrases=()) -> None:
    """Print the note: styled on a terminal, plain text (no trailing spaces) otherwise."""
    from rich.console import Console
    from rich.text import Text
    console = Console(highlight=False)
    console.width = opts.width or (console.width if console.is_terminal else PIPE_WIDTH)
    paragraphs = [" ".join(p.split("\n")) for p in note.text.split("\n\n")]
    parts = [Text.assemble((note.title, "bold"), "   ", (note.id, "dim")),
             Text("\nWhat differs, and why", style="bold")]
    parts += [Text(p + "\n" * (k < len(paragraphs) - 1)) for k, p in enumerate(paragraphs)]
    parts += handling(note, results) + demonstration(note, results, opts.all)
    parts += phrase_lines(phrases) if phrases else []
    with console.capture() as captured:
        for part in parts:
            console.print(part)
    text = captured.get()
    print(text if console.is_terminal else "\n".join(line.rstrip() for line in text.split("\n")), end="")


def run(opts) -> int:
    if opts.width is not None and opts.width < 40:
        raise UsageError(f"--width {opts.width} is too narrow: give 40 or more")
    if opts.note is None:
        every = notes.notes().values()
        print(json.dumps([{"id": n.id, "title": n.title} for n in every], ensure_ascii=False) if opts.json
              else "\n".join(f"{n.id:<26} {n.title}" for n in every))
        return 0
    note = find_note(opts.note)
    results, phrases = run_note_cases(note), run_note_phrases(note)
    if opts.json:
        print(json.dumps({**as_json(note, results), "phrases": [phrase_json(p) for p in phrases]},
                         ensure_ascii=False))
    else:
        render(note, results, opts, phrases)
    return 1 if any(j.status == "FAIL" for r in [*results, *phrases] for j in r.judgements.values()) else 0


def add_parser(sub) -> None:
    s = sub.add_parser(
        "explain", help="explain one translation note, with its cases run live",
        description="Explain the translation note NOTE: what differs and why, what each language does, "
                    "and the note's canonical cases run now in Scheme, Python and Hy, each with the exact "
                    "value and the verdict per language. Without NOTE, list the notes.",
        epilog="Exit 1 if a case of the note differs in a way that no note documents.")
    s.add_argument("note", metavar="NOTE", nargs="?", help="a note's id, such as exp-overflow")
    s.add_argument("--all", action="store_true", help=f"show every case (default: the first {SHOWN})")
    s.add_argument("--width", type=int, metavar="N",
                   help=f"output width, at least 40 (default: the terminal's, or {PIPE_WIDTH} when piped)")
    s.add_argument("--json", action="store_true",
                   help="print the note and every case as one JSON object (without NOTE: the list of notes)")
    s.set_defaults(run=run)
