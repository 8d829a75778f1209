"""The case files and the translation notes are consistent data.

Expected values come from the mathematics: each is recomputed here with
mpmath and must match the stored text.  Notes and cases cite each other.
"""
import json
import uuid
from collections import Counter

import pytest

from triglot import cases, notes, oracle, registry

ALL = cases.all_cases()


def test_every_function_has_at_least_twelve_cases():
    counts = Counter(c.property for c in ALL)
    short = {f: counts[f] for f in registry.functions() if counts[f] < 12}
    assert not short, f"functions with fewer than 12 cases: {short}"


def test_uuids_are_unique_and_well_formed():
    ids = [c.uuid for c in ALL]
    assert len(ids) == len(set(ids))
    assert len({i[:8] for i in ids}) == len(ids), "test ids use the first 8 digits: they must differ"
    for i in ids:
        assert str(uuid.UUID(i)) == i


def test_reimplemented_cases_name_a_case_that_is_gone():
    ids = {c.uuid for c in ALL}
    for c in ALL:
        if c.reimplements:
            assert c.reimplements not in ids, f"{c.uuid} reimplements {c.reimplements}, which is still live"


@pytest.mark.parametrize("case", ALL, ids=lambda c: f"{c.property}-{c.short}")
def test_expected_value_is_the_mathematics(case):
    """The stored `expected` is what mpmath (256 bits) says, to the stored 40 digits."""
    assert oracle.expected(case.property, case.args) == case.expected


def test_case_files_hold_only_their_concepts_functions():
    for concept in registry.concepts():
        data = json.loads((registry.root() / "tests" / "cases" / f"{concept.stem}.json").read_text())
        assert data["concept"] == concept.stem
        names = {f.name for f in concept.functions}
        assert {c["property"] for c in data["cases"]} == names
        assert set(data["max_ulp"]) == names


def test_a_large_ulp_bound_is_explained_by_a_note():
    for c in ALL:
        default = json.loads((registry.root() / "tests" / "cases" /
                              f"{registry.function(c.property).stem}.json").read_text())["max_ulp"][c.property]
        if c.max_ulp > default:
            assert c.ulp_note in notes.notes(), f"{c.uuid}: max_ulp {c.max_ulp} without a note"


def test_every_cited_note_exists_and_lists_the_case():
    for c in ALL:
        cited = {o.note for o in c.outcomes.values()} | ({c.ulp_note} if c.ulp_note else set())
        for note_id in cited:
            assert note_id in notes.notes(), f"{c.uuid} cites unknown note {note_id!r}"
            assert c.uuid in notes.notes()[note_id].cases, f"note {note_id} does not list case {c.uuid}"


def test_every_note_names_cases_that_cite_it():
    by_id = {c.uuid: c for c in ALL}
    for note in notes.notes().values():
        assert note.cases or note.tests or note.phrases, \
            f"note {note.id} names no case, test or phrasebook row that demonstrates it"
        for t in note.tests:
            assert (registry.root() / t).is_file(), f"note {note.id} names a missing test file {t}"
        for u in note.cases:
            assert u in by_id, f"note {note.id} lists unknown case {u}"
            c = by_id[u]
            assert note.id in {o.note for o in c.outcomes.values()} | {c.ulp_note}


def test_documented_outcomes_name_real_languages():
    from triglot.implementations import IMPLEMENTATIONS
    languages = {"python", "hy", "scheme"} | {impl.label for impl in IMPLEMENTATIONS.values()}
    for c in ALL:
        assert set(c.outcomes) <= languages, c.uuid


def test_difference_notes_explain_their_cases_outcomes(case_results, portability_results):
    """A note with a `when` pattern must match the real outcomes of the cases where it is
    cited for a language difference, so that `triglot call` finds it too; a note about
    another Scheme implementation (portability/NAME.toml), with Python's, Hy's and that
    implementation's outcomes, as `triglot call --scheme NAME` gives them."""
    for note in notes.notes().values():
        if not note.when:
            continue
        other = [lang for lang in note.when if lang.startswith("scheme/") and lang != "scheme/guile"]
        for u in note.cases:
            r = case_results[u]
            outcomes = r.outcomes
            if other:
                outcomes = {lang: portability_results[u].outcomes[lang] for lang in ("python", "hy", other[0])}
            assert note.explains(r.case.property, outcomes, r.case.args), (
                f"note {note.id} does not match case {u} ({r.case.description}): {outcomes}")


def test_notes_without_a_pattern_are_about_the_mathematics(case_results):
    """Notes with no `when` explain where every language agrees but the formula is off;
    the languages without a documented outcome must agree for those cases."""
    for note in notes.notes().values():
        if note.when:
            continue
        for u in note.cases:
            r = case_results[u]
            assert all(j.ok for j in r.judgements.values()), r.judgements


def test_narrowed_notes_excuse_only_their_difference():
    """log-of-exact needs an exact argument; exact-zero-minus allows only the sign of a zero to differ."""
    from fractions import Fraction
    log = notes.notes()["log-of-exact"]
    differs = {"python": 0.5, "hy": 0.5, "scheme/guile": 0.5000000000000001}
    assert log.explains("surprise", differs, [Fraction(1, 7)]) and not log.explains("surprise", differs, [0.25])
    assert not log.explains("surprise", differs)  # no arguments known: no excuse
    zero = notes.notes()["exact-zero-minus"]
    signs = {"python": [0.0, 1.0], "hy": [0.0, 1.0], "scheme/guile": [-0.0, 1.0]}
    assert zero.explains("linear-gradient", signs, [0, 0.0, 1.0, 0.0])
    assert not zero.explains("linear-gradient", {**signs, "scheme/guile": [-0.0, 1.5]}, [0, 0.0, 1.0, 0.0])
    assert not zero.explains("linear-gradient", signs, [0.0, 0.0, 1.0, 0.0])


def test_a_list_never_matches_an_error_pattern():
    from triglot.values import Error
    assert not notes.matches("error:ValueError", [])
    assert not notes.matches("error:ValueError|error:IndexError", [1.0])
    assert notes.matches("float|error:ValueError", [1.0, 2.0])
    assert notes.matches("float|exact", [1.0, 0]) and not notes.matches("float", [1.0, 0])
    assert notes.matches("error:ValueError|float", Error("ValueError", "math domain error"))
