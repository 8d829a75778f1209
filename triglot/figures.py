"""The site's figures, drawn only from values the implementations computed.

Every value a figure shows comes from the languages, through the same runners
as `triglot check`, and is drawn only when every language returned it
identically (compare.identical).  Otherwise the figure is refused: Disagreement
names the call and each language's value.  An error outcome is refused the
same way.  The plotting code computes no mathematics of its own.

    FIGURES            {name: function(ask) -> SVG text}, in page order; each has .caption
    draw(name, langs)  one figure as a Figure: .svg (the SVG text) and .caption
    draw_all(langs)    {name: Figure} for every figure

A caption is one sentence saying what the figure shows, for the page (its alt text).

To add a figure, decorate a function with @register(caption).  It calls
`ask([(function, args), …])` (Scheme names, as in concepts.toml) once, so its
points reach each runner in one batch, and gets back one agreed value per call.
The SVG is deterministic (fixed ids, no date), draws its text as paths, and
refers to nothing outside the document.

    python -m triglot.figures OUTDIR [NAME…]   write OUTDIR/NAME.svg, one line per figure
"""
from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib import figure

from . import datasets
from .compare import first_difference
from .values import Error, describe, to_scheme

FIGURES: dict[str, Callable] = {}
SIZE = (640 / 96, 360 / 96)  # inches: 640 × 360 CSS pixels
STYLE = {"svg.hashsalt": "triglot", "svg.fonttype": "path", "font.size": 11,
         "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False}
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
INK, SOFT, STRONG = "#1d2b3a", ("#dce9f5", "#fbe5d0"), ("#2f6ea5", "#d2691e")  # class 0, class 1


class Disagreement(RuntimeError):
    """A figure refused: the languages differ on one of its values, or returned an error."""


def register(caption: str):
    """Return a decorator that adds a figure function to FIGURES under its name, with its caption."""
    def add(fn):
        fn.caption = caption
        FIGURES[fn.__name__] = fn
        return fn
    return add


@dataclass(frozen=True)
class Figure:
    svg: str       # the SVG text
    caption: str   # one sentence: what the figure shows


def draw(name: str, langs) -> Figure:
    """Return one figure, drawn from the values all languages agree on."""
    with matplotlib.rc_context(STYLE):
        return Figure(FIGURES[name](lambda calls: agreed(langs, calls)), FIGURES[name].caption)


def draw_all(langs) -> dict[str, Figure]:
    """Return {name: Figure} for every figure."""
    return {name: draw(name, langs) for name in FIGURES}


# ---------------------------------------------------------------- agreement

def agreed(langs, calls: list) -> list:
    """Return one value per (function, args) call: the value every language returned."""
    return [_agreed(call, outcomes) for call, outcomes in zip(calls, langs.call_many(calls), strict=True)]


def _agreed(call, outcomes: dict):
    """Return the value of one call's outcomes, or raise Disagreement naming them."""
    name, args = call
    shown = f"({' '.join([name, *map(_brief, args)])})"
    first, *rest = outcomes.values()
    path = next((d[0] for v in rest if (d := first_difference(first, v))), None)
    if path is not None:
        at = f" at item {'.'.join(map(str, path))}" if path else ""
        raise Disagreement(f"languages differ on {shown}{at}: {_each(outcomes, path)}")
    if isinstance(first, Error):
        raise Disagreement(f"{shown} is an error, not a value: {_each(outcomes, ())}")
    return first


def _brief(arg) -> str:
    """Return an argument as Scheme text, a long list as its length."""
    return f"[{len(arg)} items]" if isinstance(arg, list) and len(arg) > 4 else to_scheme(arg)


def _each(outcomes: dict, path) -> str:
    """Return each language's outcome (its part at `path`) as one line."""
    def part(v):
        for i in path:
            v = v[i] if isinstance(v, list) and i < len(v) else v
        text = describe(v)
        return text if len(text) <= 60 else text[:57] + "..."
    return "; ".join(f"{lang} {part(v)}" for lang, v in outcomes.items())


# ---------------------------------------------------------------- drawing

def _axes(xlabel: str, ylabel: str):
    """Return the axes of a new figure in the site's style, labelled."""
    ax = figure.Figure(figsize=SIZE, layout="constrained").subplots()
    ax.set(xlabel=xlabel, ylabel=ylabel)
    return ax


def _svg(ax) -> str:
    """Return the axes' figure as deterministic SVG text that references nothing outside it."""
    out = io.StringIO()
    ax.figure.savefig(out, format="svg", metadata=NO_METADATA)
    return re.sub(r"<!DOCTYPE[^>]*>\n", "", out.getvalue())  # the DTD is another host's file


def _floats(values) -> list[float]:
    """Return agreed numbers as floats, for plotting only."""
    return [float(v) for v in values]


def _column(data: datasets.Dataset, name: str) -> list:
    """Return one feature column of a data set, found by its name."""
    if name not in data.feature_names:
        raise datasets.BadData(f"{data.name} has no feature {name!r}: {', '.join(data.feature_names)}")
    return [row[data.feature_names.index(name)] for row in data.rows]


def _class_names(data: datasets.Dataset) -> dict[int, str]:
    """Return {0: name, 1: name} as the data set's description spells them: "benign (1)"."""
    names = {int(k): word for word, k in re.findall(r"(\w+) \(([01])\)", data.description)}
    if set(names) != {0, 1}:
        raise datasets.BadData(f"{data.name}: the description names no class as 'word (0)' and 'word (1)'")
    return names


# ---------------------------------------------------------------- the figures

@register("The sigmoid σ(z) for z from −8 to 8: below z = 0 it is under ½ (class 0), "
          "from z = 0 on it is at least ½ (class 1).")
def sigmoid(ask) -> str:
    """Return σ(z) over [−8, 8], with the two class regions shaded."""
    zs = [(i - 200) / 25 for i in range(401)]
    ss = _floats(ask([("sigmoid", [z]) for z in zs]))
    ax = _axes("z", "σ(z)")
    ax.axvspan(zs[0], 0, color=SOFT[0], lw=0)
    ax.axvspan(0, zs[-1], color=SOFT[1], lw=0)
    ax.axhline(0.5, color=INK, lw=0.8, ls="--")
    ax.plot(zs, ss, color=INK, lw=2)
    ax.text(zs[0] / 2, 0.75, "class 0", ha="center", color=STRONG[0], fontsize=12)
    ax.text(zs[-1] / 2, 0.25, "class 1", ha="center", color=STRONG[1], fontsize=12)
    ax.set(xlim=(zs[0], zs[-1]), ylim=(0, 1), yticks=[0, 0.5, 1], yticklabels=["0", "½", "1"])
    return _svg(ax)


@register("The cross-entropy loss L(y, p) for p from 0.001 to 0.999: small when the predicted p "
          "agrees with the label y, and exploding when it is confident and wrong.")
def cross_entropy(ask) -> str:
    """Return L(1, p) and L(0, p) against p."""
    ps = [i / 1000 for i in range(1, 1000)]
    losses = _floats(ask([("cross-entropy", [y, p]) for y in (1, 0) for p in ps]))
    ax = _axes("predicted probability p", "L(y, p)  (nats)")
    for k, (y, label) in enumerate([(1, "y = 1:  −log p"), (0, "y = 0:  −log(1 − p)")]):
        curve = losses[k * len(ps):(k + 1) * len(ps)]
        ax.plot(ps, curve, color=STRONG[y], lw=2, label=label)
        end = 0 if y == 1 else -1  # the confident, wrong end of each curve
        ax.annotate("confident and wrong", (ps[end], curve[end]), xytext=(0.2 if y == 1 else 0.8, 6.2),
                    ha="center", va="center", color=STRONG[y], arrowprops={"arrowstyle": "->", "color": STRONG[y]})
    ax.set(xlim=(0, 1), ylim=(0, None))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.75))
    return _svg(ax)


DESCENT = {"data": "spector", "feature": "GPA", "rate": 0.5, "epochs": 2000}


@register(f"Gradient descent on the Spector–Mazzeo students (did the grade improve, from "
          f"{DESCENT['feature']} alone): the mean cross-entropy at w = b = 0 and after each of "
          f"{DESCENT['epochs']} full-batch steps with learning rate η = {DESCENT['rate']}.")
def descent(ask) -> str:
    """Return the mean loss against the epoch, from the start and after each step."""
    data = datasets.load(DESCENT["data"])
    xs = _column(data, DESCENT["feature"])  # unscaled, as published
    start, trace = ask([("mean-cross-entropy", [0.0, 0.0, xs, data.ys]),
                        ("fit-trace", [xs, data.ys, DESCENT["rate"], DESCENT["epochs"]])])
    losses = _floats([start] + [step[0] for step in trace])
    ax = _axes("epoch", "mean cross-entropy  (nats)")
    ax.plot(range(len(losses)), losses, color=INK, lw=2)
    ax.set(xlim=(0, len(losses) - 1))
    ax.grid(color="#e4e4e4", lw=0.6)
    return _svg(ax)


@register("The residual in each model's gradient for a label y = 1, against the linear output z = wx + b: "
          "linear regression's ŷ − y grows without bound, logistic regression's p̂ − y stays between −1 and 0.")
def gradients(ask) -> str:
    """Return ∂L/∂b of both models (x = 1, y = 1) against z: the unbounded and the bounded residual."""
    zs = [(i - 120) / 20 for i in range(241)]
    pairs = ask([(name, [z, 0.0, 1.0, 1]) for name in ("linear-gradient", "gradient") for z in zs])
    ax = _axes("z = wx + b", "∂L/∂b for y = 1")
    for k, label in enumerate(["linear regression:  ŷ − y", "logistic regression:  p̂ − y"]):
        ax.plot(zs, _floats(pair[1] for pair in pairs[k * len(zs):(k + 1) * len(zs)]), color=STRONG[k], lw=2,
                label=label)
    ax.axhline(0, color=INK, lw=0.6)
    ax.set(xlim=(zs[0], zs[-1]), ylim=(-3, 3))
    ax.legend(loc="upper left")
    return _svg(ax)


BOUNDARY = {"data": "breast-cancer", "features": ("mean radius", "mean texture"), "penalty": 1.0, "iterations": 25}


@register(f"Wisconsin breast-cancer tumours by two standardised features, "
          f"{' and '.join(BOUNDARY['features'])}, with the decision boundary w₁x₁ + w₂x₂ + b = 0 "
          f"(where p̂ = ½) of a logistic regression fitted by Newton's method (penalty λ = {BOUNDARY['penalty']}).")
def boundary(ask) -> str:
    """Return the data set's points by class, and the fitted line w·x + b = 0."""
    data = datasets.load(BOUNDARY["data"])
    x1, x2 = (_column(data, name) for name in BOUNDARY["features"])
    [(weights, bias)] = ask([("fit-newton", [[list(r) for r in zip(x1, x2)], data.ys,
                                             BOUNDARY["penalty"], BOUNDARY["iterations"]])])
    (w1, w2), b = _floats(weights), float(bias)
    names = _class_names(data)
    ax = _axes(*(f"{name} (standardised)" for name in BOUNDARY["features"]))
    for y, marker in ((0, "o"), (1, "^")):
        keep = [i for i, label in enumerate(data.ys) if label == y]
        ax.scatter([x1[i] for i in keep], [x2[i] for i in keep], s=14, marker=marker, color=STRONG[y],
                   alpha=0.55, lw=0, label=f"{names[y]} ({y})")
    xlim, ylim = (min(x1) - 0.3, max(x1) + 0.3), (min(x2) - 0.3, max(x2) + 0.3)
    if abs(w2) >= abs(w1):  # the line as x₂ of x₁ at the box's sides, else as x₁ of x₂
        ends = (xlim, [-(w1 * x + b) / w2 for x in xlim])
    else:
        ends = ([-(w2 * x + b) / w1 for x in ylim], ylim)
    ax.plot(*ends, color=INK, lw=1.8, ls="--", label="boundary, p̂ = ½")
    ax.set(xlim=xlim, ylim=ylim)
    ax.legend(loc="upper right", markerscale=1.5)
    return _svg(ax)


@register("The softmax of two logits (z, 0) beside the sigmoid σ(z), for z from −8 to 8: "
          "its first probability is σ(z), and its second is 1 − σ(z).")
def softmax(ask) -> str:
    """Return σ(z) on the left and softmax(z, 0) on the right, over [−8, 8]."""
    zs = [(i - 160) / 20 for i in range(321)]
    values = ask([("stable-sigmoid", [z]) for z in zs] + [("softmax", [[z, 0.0]]) for z in zs])
    sigma, soft = _floats(values[:len(zs)]), values[len(zs):]
    fig = figure.Figure(figsize=SIZE, layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True)
    left.plot(zs, sigma, color=INK, lw=2)
    left.set(xlabel="z", ylabel="probability", title="σ(z)")
    labels = [("first: σ(z)", zs[-1], "right"), ("second: 1 − σ(z)", zs[0] + 0.3, "left")]
    for k, (label, x, align) in enumerate(labels):  # each label where its curve is high
        right.plot(zs, _floats(pair[k] for pair in soft), color=STRONG[1 - k], lw=2)
        right.text(x, 0.62, label, ha=align, color=STRONG[1 - k], fontsize=10)
    right.set(xlabel="z", title="softmax(z, 0)")
    for ax in (left, right):
        ax.axhline(0.5, color=INK, lw=0.6, ls="--")
        ax.set(xlim=(zs[0], zs[-1]), ylim=(0, 1), yticks=[0, 0.5, 1], yticklabels=["0", "½", "1"])
    return _svg(left)


@register("The entropy of a coin that lands heads with probability p, for p from 0 to 1: at most "
          "ln 2 ≈ 0.693 nats, or 1 bit, for a fair coin, and 0 for a coin that always or never lands heads.")
def entropy(ask) -> str:
    """Return H(p, 1 − p) in nats and, through nats-to-bits, in bits, against p."""
    ps = [i / 200 for i in range(201)]
    nats = _floats(ask([("entropy", [[p, 1 - p]]) for p in ps]))
    bits = _floats(ask([("nats-to-bits", [h]) for h in nats]))
    ax = _axes("probability of heads p", "entropy H(p)")
    ax.plot(ps, bits, color=STRONG[0], lw=2, label="in bits:  H / ln 2")
    ax.plot(ps, nats, color=STRONG[1], lw=2, label="in nats:  −Σ pᵢ ln pᵢ")
    ax.axvline(0.5, color=INK, lw=0.6, ls="--")
    top = len(ps) // 2
    ax.annotate("1 bit", (ps[top], bits[top]), xytext=(0.62, 1.04), color=STRONG[0],
                arrowprops={"arrowstyle": "->", "color": STRONG[0]})
    ax.annotate("ln 2 nats", (ps[top], nats[top]), xytext=(0.57, 0.77), color=STRONG[1],
                arrowprops={"arrowstyle": "->", "color": STRONG[1]})
    ax.set(xlim=(0, 1), ylim=(0, 1.1), xticks=[0, 0.25, 0.5, 0.75, 1])
    ax.legend(loc="lower center")
    return _svg(ax)


# ---------------------------------------------------------------- command line

def main(argv=None) -> int:
    """Write OUTDIR/NAME.svg for every figure (or those named); print one line per figure."""
    from .languages import Languages

    args = sys.argv[1:] if argv is None else argv
    if not args or any(name not in FIGURES for name in args[1:]):
        print(f"usage: python -m triglot.figures OUTDIR [{' | '.join(FIGURES)}]…", file=sys.stderr)
        return 2
    (out := Path(args[0])).mkdir(parents=True, exist_ok=True)
    refused = 0
    with Languages() as langs:
        for name in args[1:] or FIGURES:
            start = time.perf_counter()
            try:
                svg = draw(name, langs).svg
            except Disagreement as e:
                print(f"triglot.figures: {name} refused: {e}", file=sys.stderr)
                refused += 1
                continue
            (out / f"{name}.svg").write_text(svg, encoding="utf-8")
            print(f"{name:<14} {len(svg.encode()):>8} bytes  {time.perf_counter() - start:6.2f} s")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
