"""Every canonical case in every language (ids like sigmoid[scheme/guile-1a2b3c4d]).

A language with a documented outcome must give exactly that outcome; every
other language must be identical to the rest and within the case's ULP bound
of the exact value.  One test function per property, made from the data.
"""
import pytest

from triglot import cases, registry

LANGUAGES = ["python", "hy", "scheme/guile"]


def _make_test(prop):
    params = [pytest.param(c.uuid, lang, id=f"{lang}-{c.short}")
              for c in cases.all_cases() if c.property == prop for lang in LANGUAGES]

    @pytest.mark.parametrize("uuid, language", params)
    def test(case_results, uuid, language):
        result = case_results[uuid]
        judgement = result.judgements[language]
        assert judgement.ok, f"{result.case.description}: {judgement.detail}"

    test.__name__ = f"test_{registry.function(prop).python_name}"
    test.__doc__ = f"The canonical cases of {prop}, one per language."
    return test


for _name in registry.functions():
    _test = _make_test(_name)
    globals()[_test.__name__] = _test


def test_every_language_ran_every_case(case_results):
    """Nothing is silently skipped: each case has an outcome from each language."""
    assert len(case_results) == len(cases.all_cases())
    for r in case_results.values():
        assert sorted(r.outcomes) == sorted(LANGUAGES)
        assert sorted(r.judgements) == sorted(LANGUAGES)
