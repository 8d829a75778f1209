"""The differential fuzzer: random inputs for every function, each call judged by
the one rule (check.verdict), each unexplained difference shrunk to a small example.

Arguments are drawn by parameter name (concepts.toml `params`):
  scalars  z p h y w x b rate penalty: any value below (labels y too, not only 0 and 1)
  counts   epochs iterations: exact 0…8, since a count is a count (a float or a negative
           number of steps is outside the domain) and each call must stay cheap;
           label classes: exact 0…4; labels: a list of exact 0…3, now and then a float
  lists    xs ys u v: 0…5 values, usually as long as their partner list, sometimes not;
           rows: such a list of feature lists (1…3 features, now and then a ragged row);
           a: a square matrix, as many rows as v has values (sometimes not).  Never ragged
           or oblong: that is no system of equations (a case shows the index error it gives),
           and such a matrix with a zero pivot parts the languages twice over (Python stops
           at the pivot, Guile goes on and reads past a row's end), which teaches nothing new
Values: random 64-bit patterns read as doubles, the special doubles (±0.0, subnormals,
the largest and smallest normals, ±inf, NaN, the thresholds of exp), small ordinary
doubles, exact integers (bignums beyond the double range too) and exact ratios.
The same seed and the same number of inputs give the same inputs.

Speed: a function whose parameters are all scalars gets its arguments drawn a
column at a time (numpy draws the doubles, in the proportions `value` uses), and
all functions of a round go to every language as one batch (Guile's binary
path); a call whose outcomes are the same double everywhere is passed at once,
and only the others go through check.verdict and the notes.
"""
from __future__ import annotations

import contextlib
import gc
import math
import random
import struct
import time
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import compress, repeat
from operator import is_not, itemgetter, ne, not_

import numpy as np

from . import check, notes, registry
from .compare import identical, kind
from .values import Error, format_value

BATCH = 2000          # calls per language per round (rounds with scalar functions only: ROUND)
ROUND = 100_000
SHRINK_ROUNDS = 40    # greedy steps at most per difference
KEEP = 8              # distinct differences kept (and shrunk) per function
TINY = 5e-324         # the smallest subnormal
SPECIAL = (0.0, -0.0, TINY, -TINY, 2.225073858507201e-308, 2.2250738585072014e-308, -2.2250738585072014e-308,
           1.7976931348623157e308, -1.7976931348623157e308, math.inf, -math.inf, math.nan,
           709.782712893384, 709.7827128933841, -709.782712893384, -709.7827128933841,  # e^x overflows above
           -745.1332191019411, -745.1332191019412, 1.0, -1.0, 0.5, 2.0)                 # e^x is 0.0 below
SCALARS = {"z", "p", "h", "y", "w", "x", "b", "rate", "penalty"}
COUNTS = {"epochs", "iterations"}
CLASSES = {"label", "classes"}   # a class index or a number of classes: exact 0…4
SIMPLE = (0.0, 1.0, -1.0, 2.0)


# ---------------------------------------------------------------- generators

def random_bits(rng: random.Random) -> float:
    """Return a random 64-bit pattern read as a double (any double, NaN included)."""
    return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]


def ordinary(rng: random.Random) -> float:
    """Return a small double with few digits, as data sets hold them."""
    return round(rng.uniform(-8, 8), rng.randint(0, 3))


def exact(rng: random.Random, small: bool = True):
    """Return an exact integer or ratio: small (unless not `small`), beyond any double, or a
    ratio of either."""
    pick = rng.random() if small else rng.uniform(0.4, 1.0)
    if pick < 0.4:
        return rng.randint(-3, 3)
    if pick < 0.6:
        return rng.choice((-1, 1)) * (10 ** rng.randint(300, 330) + rng.randint(0, 10 ** 6))
    q = Fraction(rng.randint(-12, 12), rng.randint(2, 12))
    if pick > 0.9:
        q *= Fraction(10) ** rng.randint(-330, 330)
    return q.numerator if q.denominator == 1 else q


def value(rng: random.Random):
    """Return one number of any kind the languages take."""
    pick = rng.random()
    if pick < 0.3:
        return random_bits(rng)
    if pick < 0.5:
        return rng.choice(SPECIAL)
    if pick < 0.8:
        return ordinary(rng)
    return exact(rng)


POWERS = [10 ** k for k in range(331)]                       # 10^300…10^330: bignums
TENS = {k: Fraction(10) ** k for k in range(-330, 331)}       # a ratio's scale
RATIOS = {(a, b): Fraction(a, b) for a in range(-12, 13) for b in range(2, 13)}


def exacts(g: np.random.Generator, n: int) -> list:
    """Return n exact numbers drawn as `exact(rng, small=False)` draws one, by numpy."""
    pick = g.uniform(0.4, 1.0, n).tolist()
    sign = (g.integers(0, 2, n) * 2 - 1).tolist()
    power, plus = g.integers(300, 331, n).tolist(), g.integers(0, 10 ** 6 + 1, n).tolist()
    num, den, scale = g.integers(-12, 13, n).tolist(), g.integers(2, 13, n).tolist(), g.integers(-330, 331, n).tolist()
    drawn = []
    for p, s, k, r, a, b, e in zip(pick, sign, power, plus, num, den, scale):
        if p < 0.6:
            drawn.append(s * (POWERS[k] + r))
            continue
        q = RATIOS[a, b] if p <= 0.9 else RATIOS[a, b] * TENS[e]
        drawn.append(q.numerator if q.denominator == 1 else q)
    return drawn


def column(g: np.random.Generator, n: int) -> tuple[list, np.ndarray]:
    """Return n numbers drawn as `value` draws one (random bit patterns 30 %, special doubles
    20 %, ordinary doubles 30 %, exact numbers 20 %), and which of them are exact."""
    pick = g.random(n)
    bits = g.integers(0, 1 << 64, n, dtype=np.uint64).view(np.float64)
    special = np.array(SPECIAL)[g.integers(0, len(SPECIAL), n)]
    scale = 10.0 ** g.integers(0, 4, n)
    ordinary = np.rint(g.uniform(-8, 8, n) * scale) / scale   # the double nearest a short decimal
    drawn = np.where(pick < 0.3, bits, np.where(pick < 0.5, special, ordinary)).tolist()
    exact = pick >= 0.8
    where = np.flatnonzero(exact).tolist()
    small = (g.random(len(where)) < 0.4).tolist()                # as `exact`: small 40 %, else large
    tiny = iter(g.integers(-3, 4, sum(small)).tolist())
    large = iter(exacts(g, len(small) - sum(small)))
    for i, is_small in zip(where, small):
        drawn[i] = next(tiny) if is_small else next(large)
    return drawn, exact


def scalar(fn: registry.Function) -> bool:
    return all(p in SCALARS for p in fn.params)


def draw(g: np.random.Generator, rng: random.Random, fn: registry.Function, n: int) -> list:
    """Return n argument lists for fn: by columns for scalar parameters, else one by one.
    By columns, the calls whose arguments are all doubles come first: they travel to Guile
    as uniform blocks, packed at once (the order of a round's calls means nothing)."""
    if not scalar(fn):
        return [arguments(rng, fn) for _ in range(n)]
    columns, exact = zip(*(column(g, n) for _ in fn.params))
    order = np.argsort(np.logical_or.reduce(exact), kind="stable").tolist()
    if len(columns) == 1:
        values = columns[0]
        return [[values[i]] for i in order]
    return [[c[i] for c in columns] for i in order]


def length(rng: random.Random, n: int) -> int:
    """Return n, or now and then another length 0…5 (a mismatched partner list)."""
    return n if rng.random() < 0.85 else rng.randint(0, 5)


def rows(rng: random.Random, n: int, k: int, ragged: bool = True) -> list:
    """Return n lists of k values each (if ragged, now and then one of another length)."""
    return [[value(rng) for _ in range(k if not ragged or rng.random() < 0.95 else rng.randint(0, 4))]
            for _ in range(n)]


def arguments(rng: random.Random, fn: registry.Function) -> list:
    """Return one random argument list for fn, chosen by parameter name."""
    n, k = rng.randint(0, 5), rng.randint(1, 3)
    args = []
    for p in fn.params:
        if p in SCALARS:
            args.append(value(rng))
        elif p in COUNTS:
            args.append(rng.randint(0, 8))
        elif p in CLASSES:
            args.append(rng.randint(0, 4))
        elif p == "labels":  # class labels, one per row: exact 0…3 (a float now and then)
            args.append([rng.randint(0, 3) if rng.random() < 0.95 else value(rng) for _ in range(length(rng, n))])
        elif p == "rows":
            args.append(rows(rng, length(rng, n), k))
        elif p == "a":
            m = length(rng, n)
            args.append(rows(rng, m, m, ragged=False))
        else:
            args.append([value(rng) for _ in range(length(rng, n))])
    return args


# ---------------------------------------------------------------- judging

def signature(o) -> str:
    """Return an outcome's kind for grouping: error:KIND, nan, float, exact, complex, list(…)."""
    if isinstance(o, Error):
        return "runner" if o.runner else f"error:{o.kind}"
    if kind(o) == "list":
        return "list(" + "|".join(sorted({signature(e) for e in o})) + ")"
    return "nan" if kind(o) == "float" and math.isnan(o) else kind(o)


def runner_failed(outcomes: dict) -> bool:
    """Return True when a runner failed (timeout, crash): never identical, never explained."""
    return any(isinstance(o, Error) and o.runner for o in outcomes.values())


def judge(name: str, outcomes: dict, args=None):
    """Return None when the outcomes agree or a note explains them, else their family key.

    Whether the notes explain a difference depends only on the function, each outcome's
    signature and whether an argument is exact, unless a note also looks at the values
    (`differ`): so the answer is kept by those, and the notes are asked once per family."""
    values = list(outcomes.values())
    key = (name, *(signature(o) for o in values))
    if runner_failed(outcomes):
        return key
    if all(identical(values[0], v) for v in values[1:]):
        return None
    memo = (key, tuple(outcomes), args is not None and notes.has_exact(args))
    explained = _explained.get(memo)
    if explained is None:
        explained = check.verdict(name, outcomes, args).status != "different"
        if not any(n.differ for n in notes.by_function().get(name, ())):
            _explained[memo] = explained
    return None if explained else key


_explained: dict = {}  # judge's answers by family; emptied at the start of each run


# ---------------------------------------------------------------- shrinking

def size(v) -> tuple:
    """Return how complex an argument list is: (length of its text, magnitude)."""
    def magnitude(x):
        if isinstance(x, list):
            return sum(map(magnitude, x))
        if x != x or (isinstance(x, (int, Fraction)) and abs(x) > 10 ** 308):
            return 1e308
        return min(abs(float(x)), 1e308)
    return len(str(format_value(v))), magnitude(v)


def simpler(x) -> list:
    """Return simpler numbers to try in place of x."""
    if isinstance(x, float):
        shorter = [float(f"{x:.{d}g}") for d in range(1, 17)] if math.isfinite(x) else []
        return [*SIMPLE, *shorter]
    if isinstance(x, int):
        big = (1 if x > 0 else -1) * 10 ** (len(str(abs(x))) - 1)
        return [0, 1, -1, x // 2, x - 1 if x > 0 else x + 1, big]
    return [0, 1, round(x), x.numerator, Fraction(1, x.denominator)]


def variants(args: list) -> list:
    """Return argument lists one step simpler than args: elements dropped, lists cut, numbers simplified."""
    out = []
    lengths = {len(a) for a in args if isinstance(a, list)}
    for n in lengths:  # drop position i from every list of length n, keeping partner lists matched
        out += [[a[:i] + a[i + 1:] if isinstance(a, list) and len(a) == n else a for a in args] for i in range(n)]
    for i, a in enumerate(args):
        if isinstance(a, list):
            out += [args[:i] + [b] + args[i + 1:] for b in variants(a)]
            out += [args[:i] + [a[:j] + a[j + 1:]] + args[i + 1:] for j in range(len(a))]
        else:
            out += [args[:i] + [b] + args[i + 1:] for b in simpler(a)]
    return out


@dataclass
class Difference:
    """One family of unexplained differences: its smallest example so far, and how often it came."""
    args: list
    outcomes: dict
    hits: int = 1


@dataclass
class Report:
    """What a run found: inputs tried and unexplained differences (by family) per function."""
    seed: int
    inputs: dict = field(default_factory=dict)         # function -> inputs tried
    differences: dict = field(default_factory=dict)    # function -> {key: Difference}
    unexplained: int = 0
    seconds: float = 0.0


def shrink(langs, pending: list[tuple[tuple, Difference]]) -> None:
    """Shrink every pending difference greedily, all of them in one batch per step."""
    for _ in range(SHRINK_ROUNDS):
        jobs = []
        for key, d in pending:
            better = sorted((v for v in variants(d.args) if size(v) < size(d.args)), key=size)
            jobs += [(key, d, v) for v in better[:300]]
        if not jobs:
            break
        outcomes = langs.call_many([(key[0], v) for key, _, v in jobs])
        moved = set()
        for (key, d, v), o in zip(jobs, outcomes):
            if id(d) not in moved and judge(key[0], o, v) == key:
                d.args, d.outcomes = v, o
                moved.add(id(d))
        pending = [(k, d) for k, d in pending if id(d) in moved]


def agree(row) -> bool:
    """True when every outcome is the same double (the common case): one value, one sign
    of zero, or NaN everywhere."""
    first = row[0]
    if type(first) is not float:
        return False
    if first != first:
        return all(type(o) is float and o != o for o in row)
    if first == 0.0:
        sign = math.copysign(1.0, first)
        return all(type(o) is float and o == 0.0 and math.copysign(1.0, o) == sign for o in row)
    for other in row:
        if other != first or type(other) is not float:
            return False
    return True


def disagreeing(columns: list[list]) -> list[int]:
    """Return the indices of the calls whose outcomes (one column per language) are not plainly
    the same double everywhere, zeros of one sign included; `agree` then passes some of them.
    Every step is a C loop (map, compress, numpy): a round holds 100,000 calls."""
    first, *rest = columns
    calls = range(len(first))
    odd = set(compress(calls, map(is_not, map(type, first), repeat(float))))
    if not rest:
        odd.update(compress(calls, map(ne, first, first)))  # NaN (else ne(first, other) finds it)
    for other in rest:
        odd.update(compress(calls, map(ne, first, other)))
        odd.update(compress(calls, map(is_not, map(type, other), repeat(float))))
    zeros = sorted(set(compress(calls, map(not_, first))) - odd)  # equal doubles, all 0.0 or -0.0
    if zeros:
        pick = itemgetter(*zeros) if len(zeros) > 1 else lambda c: (c[zeros[0]],)
        signs = [np.signbit(np.array(pick(c), dtype=float)) for c in columns]
        differ = np.logical_or.reduce([s != signs[0] for s in signs[1:]] or [np.zeros(len(zeros), bool)])
        odd.update(np.array(zeros)[differ].tolist())
    return sorted(odd)


def run(langs, names: list[str], seed: int, seconds: float | None = None, inputs: int | None = None,
        progress=None) -> Report:
    """Return the report of fuzzing the named functions until the budget (seconds or inputs) is spent."""
    rng, g = random.Random(seed), np.random.default_rng(seed)
    report, start = Report(seed), time.monotonic()
    _explained.clear()
    fns = [registry.function(n) for n in names]
    report.inputs = {fn.name: 0 for fn in fns}
    report.differences = {fn.name: {} for fn in fns}
    size = ROUND if all(map(scalar, fns)) else BATCH
    done = 0
    with without_gc():
        while (inputs is None or done < inputs) and (seconds is None or time.monotonic() - start < seconds):
            calls = draw_round(fns, size if inputs is None else min(size, inputs - done), g, rng)
            one_round(langs, calls, report)
            done += len(calls)
            report.seconds = time.monotonic() - start
            if progress:
                progress(report)
    return report


@contextlib.contextmanager
def without_gc():
    """Pause the cycle collector: a round makes millions of small lists and tuples, none of
    them in a cycle, and the collector would walk them again and again (a third of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def draw_round(fns, count: int, g, rng) -> list[tuple[str, list]]:
    """Return `count` calls, spread over the functions as evenly as can be."""
    share = [count // len(fns) + (i < count % len(fns)) for i in range(len(fns))]
    return [(fn.name, args) for fn, n in zip(fns, share) if n for args in draw(g, rng, fn, n)]


def one_round(langs, calls, report: Report) -> None:
    """Call every language, judge, shrink."""
    fresh = []
    columns = langs.call_columns(calls)
    for i in disagreeing(columns):
        row = [c[i] for c in columns]
        if agree(row):
            continue
        (name, args), o = calls[i], dict(zip(langs.names, row))
        key = judge(name, o, args)
        if key is None:
            continue
        report.unexplained += 1
        known = report.differences[name]
        if key in known:
            known[key].hits += 1
        elif len(known) < KEEP:
            known[key] = Difference(args, o)
            fresh.append((key, known[key]))
    for name, n in Counter(map(itemgetter(0), calls)).items():
        report.inputs[name] += n
    shrink(langs, [(k, d) for k, d in fresh if not runner_failed(d.outcomes)])
