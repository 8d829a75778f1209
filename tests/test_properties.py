"""Property tests: doubles from the whole range, every function, every language,
called the way users call them (Languages.call_many, as `triglot call --batch`).
Each call must be identical in every language, or a difference that a
translation note explains (the verdict `triglot call` gives)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triglot import check, registry

DOUBLES = st.floats()  # every double: ±0.0, subnormals, ±inf, NaN included
LABELS = st.one_of(st.sampled_from([0, 1]), DOUBLES)
COUNTS = st.integers(0, 4)  # epochs and iterations
CLASS = st.integers(0, 7)   # a label: a count, never negative (see the note negative-index)
SCALAR = {"y": LABELS, "epochs": COUNTS, "iterations": COUNTS,  # labels also as exact 0 and 1
          "label": CLASS, "classes": COUNTS}


@st.composite
def arguments(draw, fn):
    """Arguments for fn by parameter name; lists that go together have one length."""
    n = draw(st.integers(1 if "rows" in fn.params else 0, 6))
    k = draw(st.integers(1, 3))
    lists = {"xs": st.lists(DOUBLES, min_size=n, max_size=n), "ys": st.lists(LABELS, min_size=n, max_size=n),
             "u": st.lists(DOUBLES, min_size=k, max_size=k), "v": st.lists(DOUBLES, min_size=k, max_size=k),
             "rows": st.lists(st.lists(DOUBLES, min_size=k, max_size=k), min_size=n, max_size=n),
             "a": st.lists(st.lists(DOUBLES, min_size=k, max_size=k), min_size=k, max_size=k),
             "ps": st.lists(DOUBLES, min_size=n, max_size=n), "qs": st.lists(DOUBLES, min_size=n, max_size=n),
             "zs": st.lists(DOUBLES, min_size=n, max_size=n),
             "labels": st.lists(st.one_of(CLASS, LABELS), min_size=n, max_size=n)}
    return [draw(lists[p] if p in lists else SCALAR.get(p, DOUBLES)) for p in fn.params]


@pytest.mark.parametrize("name", list(registry.functions()))
def test_identical_or_documented(languages, name):
    fn = registry.function(name)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(arguments(fn), min_size=25, max_size=25))
    def run(batch):
        results = languages.call_many([(name, args) for args in batch])
        for args, outcomes in zip(batch, results):
            v = check.verdict(name, outcomes, args)
            assert v.status != "different", f"({name} {args}): unexplained difference {outcomes}"

    run()
