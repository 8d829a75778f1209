"""`triglot fit`: train on a data set in every language and compare with a reference library."""
from __future__ import annotations

import json
import math
import sys
import time
from fractions import Fraction

from .. import check, notes
from ..languages import Languages
from ..values import describe, format_outcome, format_value
from . import UsageError, add_scheme_option, chosen_schemes


def _fit_dataset(opts):
    """Return the Dataset named on the command line (a shipped name or a CSV file)."""
    import os

    from .. import datasets
    try:
        if opts.dataset in datasets.names():
            if opts.label is not None:
                raise UsageError(f"--label names the label column of a CSV file; {opts.dataset!r} "
                                 "is a shipped data set")
            return datasets.load(opts.dataset)
        if os.path.exists(opts.dataset) or opts.dataset.lower().endswith(".csv") or os.sep in opts.dataset:
            return datasets.load_csv(opts.dataset, opts.label)
    except datasets.BadData as e:
        raise UsageError(str(e)) from None
    raise UsageError(f"unknown data set {opts.dataset!r}; shipped: {', '.join(datasets.names())} "
                     "(triglot fit --list), or give a CSV file with a header row")


def _fit_model(opts, ds) -> str:
    """Return the model to train: --model, else the data set's own (iris: softmax), refusing
    a two-class model for labels beyond 0 and 1, and gradient descent for softmax regression."""
    from .. import datasets
    model = opts.model or ds.model
    if model == "logistic" and any(y not in (0, 1) for y in ds.ys):
        raise UsageError(f"{ds.name} has {datasets.classes(ds)} classes; the logistic model takes labels 0 "
                         "and 1 only: use --model softmax")
    if model == "softmax" and opts.method == "gd":
        raise UsageError("--method gd trains the two-class logistic model; softmax regression (--model "
                         "softmax) is trained by Newton's method")
    return model


def _fit_settings(opts, model: str = "logistic") -> tuple[str, dict]:
    """Return (function, settings) for the method, refusing options of the other method.
    Softmax regression's penalty defaults to 1, scikit-learn's C = 1: without one, data whose
    classes can be separated (as iris's setosa can) have no maximum-likelihood estimate."""
    newton, gd = ("penalty", "iterations"), ("rate", "epochs")
    mine, other = (newton, gd) if opts.method == "newton" else (gd, newton)
    given = [f"--{o}" for o in other if getattr(opts, o) is not None]
    if given:
        raise UsageError(f"{' and '.join(given)} {'belong' if len(given) > 1 else 'belongs'} to --method "
                         f"{'gd' if opts.method == 'newton' else 'newton'}, not --method {opts.method}")
    defaults = {"penalty": 1.0 if model == "softmax" else 0.0, "iterations": 25, "rate": 0.1, "epochs": 1000}
    settings = {o: getattr(opts, o) if getattr(opts, o) is not None else defaults[o] for o in mine}
    if "penalty" in settings and not (math.isfinite(settings["penalty"]) and settings["penalty"] >= 0):
        raise UsageError(f"--penalty must be a finite number ≥ 0, not {settings['penalty']!r}")
    if "rate" in settings and not (math.isfinite(settings["rate"]) and settings["rate"] > 0):
        raise UsageError(f"--rate must be a finite number > 0, not {settings['rate']!r}")
    for o in ("iterations", "epochs"):
        if o in settings and settings[o] < 1:
            raise UsageError(f"--{o} must be at least 1, not {settings[o]}")
    if model == "softmax":
        return "fit-softmax", settings
    return ("fit-newton" if opts.method == "newton" else "fit-gd"), settings


def _is_model(o, k: int) -> bool:
    """Return True when an outcome is [weights, bias] with k real weights."""
    def real(v):
        return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)
    return (isinstance(o, list) and len(o) == 2 and isinstance(o[0], list) and len(o[0]) == k
            and all(map(real, o[0])) and real(o[1]))


def _as_floats(model) -> list:
    return [[float(w) for w in model[0]], float(model[1])]


CONVERGED = 1e-6   # ‖∇‖ of the mean loss below which a fit counts as converged


def _reference(ds, penalty, function, opts):
    """Return (model, record, log-likelihood, None) of the reference library's fit, or a record that
    says why there is none: --no-reference, a data set too large for it, or the library failing."""

    from .. import datasets
    if opts.no_reference:
        return None, {"label": "none", "error": "not run (--no-reference)"}, None, None
    if datasets.reference_cost(ds) > datasets.REFERENCE_LIMIT:
        return None, {"label": "none", "error": (
            f"not run: {len(ds.rows)} rows × {len(ds.feature_names)} features is beyond the size the reference "
            f"is run for (n·k² + k³ ≤ {datasets.REFERENCE_LIMIT:,} operations a Newton step, k = features + 1); "
            "--no-reference skips it")}, \
            None, None
    print("fit: reference …", end="", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        model, label = datasets.reference(ds, penalty)
    except datasets.ReferenceFailed as e:
        print(" no fit", file=sys.stderr, flush=True)
        return None, {"label": e.label, "error": str(e)}, None, None
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    target = " (the MLE, which gradient descent approaches)" if function == "fit-gd" and penalty == 0 else ""
    return model, {"label": label + target, "value": format_value(model)}, datasets.log_likelihood(ds, model), None


def run(opts) -> int:

    from .. import datasets
    if opts.list:
        return _fit_list(opts)
    if not opts.dataset:
        raise UsageError("name a data set (triglot fit --list) or a CSV file")
    if opts.model is None and opts.dataset not in datasets.names():
        _fit_settings(opts)  # options of the wrong method are refused before a file is read
    ds = _fit_dataset(opts)
    model = _fit_model(opts, ds)
    function, settings = _fit_settings(opts, model)
    if model == "softmax":
        return _run_softmax(opts, ds, settings)
    k = len(ds.feature_names)
    args = [ds.rows, ds.ys, *([float(settings["penalty"]), settings["iterations"]] if function == "fit-newton"
                              else [float(settings["rate"]), settings["epochs"]])]
    with Languages(chosen_schemes(opts), timeout=600) as langs:
        outcomes, seconds = _call_each(langs, function, args)
        models = {lang: _as_floats(o) for lang, o in outcomes.items() if _is_model(o, k)}
        if k == 1:  # the languages' own log-likelihood takes one feature
            xs = [row[0] for row in ds.rows]
            by_runner = {r.name: r for r in langs.runners}
            loglik = {lang: by_runner[lang].call("log-likelihood", [m[0][0], m[1], xs, ds.ys])
                      for lang, m in models.items()}
            loglik_how = "each language's log-likelihood, in that language"
        else:
            loglik = {lang: datasets.log_likelihood(ds, m) for lang, m in models.items()}
            loglik_how = ("computed in Python (mpmath) from each column's coefficients, because the "
                          "languages' log-likelihood function takes one feature")
    verdict = check.verdict(function, outcomes, args)
    penalty = settings.get("penalty", 0.0)
    ref_model, reference, ref_loglik, max_rel = _reference(ds, penalty, function, opts)
    if ref_model is not None:
        differences = [datasets.max_relative_difference(m, ref_model) for m in models.values()]
        max_rel = max(differences) if differences and len(models) == len(outcomes) else None
    gradients = {lang: datasets.gradient_norm(ds, m, penalty) for lang, m in models.items()}
    converged = all(g <= CONVERGED for g in gradients.values()) if gradients else False
    record = {
        "dataset": ds.name, "source": ds.source, "rows": len(ds.rows), "features": ds.feature_names,
        "method": opts.method, "function": function, "settings": settings,
        "results": {lang: format_outcome(o) for lang, o in outcomes.items()},
        "seconds": {lang: round(t, 3) for lang, t in seconds.items()},
        "reference": reference,
        "identical": verdict.identical, "verdict": verdict.status, "notes": [n.id for n in verdict.notes],
        "max_relative_difference": max_rel,
        "gradient_norm": {lang: round(g, 17) for lang, g in gradients.items()}, "converged": converged,
        "log_likelihood": {"how": loglik_how + (" (reference: in Python, with mpmath)" if k == 1 else ""),
                           "results": {lang: format_outcome(v) for lang, v in loglik.items()},
                           "reference": None if ref_loglik is None else format_value(ref_loglik)},
        "published": ds.published if penalty == 0 else None,  # the published result is the MLE
    }
    if opts.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        _print_fit(ds, record, outcomes, models, loglik, ref_model, ref_loglik)
    return {"different": 1, "timeout": 4}.get(verdict.status, 0)


def _run_languages(function: str, args: list, schemes=("guile",)) -> tuple[dict, dict]:
    """Call the function in every language: ({language: outcome}, {language: seconds})."""
    with Languages(schemes, timeout=600) as langs:
        return _call_each(langs, function, args)


def _call_each(langs, function: str, args: list) -> tuple[dict, dict]:
    """Call the function in each language, one at a time so that each reports its progress:
    ({language: outcome}, {language: seconds})."""
    outcomes, seconds = {}, {}
    for runner in langs.runners:
        print(f"fit: {runner.name} …", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            outcomes[runner.name] = runner.call(function, args)
        except BaseException:
            print(" failed", file=sys.stderr, flush=True)
            raise
        seconds[runner.name] = time.perf_counter() - start
        print(f" {seconds[runner.name]:.1f} s", file=sys.stderr, flush=True)
    return outcomes, seconds


def _is_softmax_model(o, classes: int, k: int) -> bool:
    """Return True when an outcome is [W, b]: `classes` lists of k real weights, `classes` intercepts."""
    def real(v):
        return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)
    return (isinstance(o, list) and len(o) == 2 and isinstance(o[0], list) and isinstance(o[1], list)
            and len(o[0]) == classes == len(o[1]) and all(map(real, o[1]))
            and all(isinstance(w, list) and len(w) == k and all(map(real, w)) for w in o[0]))


def _softmax_reference(ds, penalty: float, opts):
    """Return (model, record, log-likelihood) of scikit-learn's fit, or a record saying why there is none."""

    from .. import datasets
    if opts.no_reference:
        return None, {"label": "none", "error": "not run (--no-reference)"}, None
    size = datasets.classes(ds) * (len(ds.feature_names) + 1)
    if len(ds.rows) * size ** 2 + size ** 3 > datasets.REFERENCE_LIMIT:
        return None, {"label": "none", "error": (
            f"not run: {len(ds.rows)} rows × {size} coefficients is beyond the size the reference is run for; "
            "--no-reference skips it")}, None
    print("fit: reference …", end="", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        model, label = datasets.softmax_reference(ds, penalty)
    except datasets.ReferenceFailed as e:
        print(" no fit", file=sys.stderr, flush=True)
        return None, {"label": e.label, "error": str(e)}, None
    print(f" {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return model, {"label": label, "value": format_value(model)}, datasets.softmax_log_likelihood(ds, model)


def _run_softmax(opts, ds, settings) -> int:
    """`triglot fit` for softmax regression: fit-softmax in every language, beside scikit-learn."""
    from .. import datasets
    classes, k = datasets.classes(ds), len(ds.feature_names)
    penalty = float(settings["penalty"])
    args = [ds.rows, ds.ys, classes, penalty, settings["iterations"]]
    outcomes, seconds = _run_languages("fit-softmax", args, chosen_schemes(opts))
    models = {lang: [[[float(w) for w in ws] for ws in o[0]], [float(b) for b in o[1]]]
              for lang, o in outcomes.items() if _is_softmax_model(o, classes, k)}
    loglik = {lang: datasets.softmax_log_likelihood(ds, m) for lang, m in models.items()}
    verdict = check.verdict("fit-softmax", outcomes, args)
    ref_model, reference, ref_loglik = _softmax_reference(ds, penalty, opts)
    max_rel = None
    if ref_model is not None and models and len(models) == len(outcomes):
        max_rel = max(datasets.max_relative_difference(m, ref_model) for m in models.values())
    gradients = {lang: datasets.softmax_gradient_norm(ds, m, penalty) for lang, m in models.items()}
    names = ds.class_names or [str(c) for c in range(classes)]
    record = {
        "dataset": ds.name, "source": ds.source, "rows": len(ds.rows), "features": ds.feature_names,
        "classes": names, "model": "softmax", "method": "newton", "function": "fit-softmax",
        "settings": settings,
        "results": {lang: format_outcome(o) for lang, o in outcomes.items()},
        "seconds": {lang: round(t, 3) for lang, t in seconds.items()},
        "reference": reference,
        "identical": verdict.identical, "verdict": verdict.status, "notes": [n.id for n in verdict.notes],
        "max_relative_difference": max_rel,
        "gradient_norm": {lang: round(g, 17) for lang, g in gradients.items()},
        "converged": all(g <= CONVERGED for g in gradients.values()) if gradients else False,
        "log_likelihood": {"how": "computed in Python (mpmath) from each language's coefficients",
                           "results": {lang: format_value(v) for lang, v in loglik.items()},
                           "reference": None if ref_loglik is None else format_value(ref_loglik)},
        "published": None,
    }
    if opts.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        _print_softmax(ds, record, outcomes, models, loglik, ref_model, ref_loglik)
    return {"different": 1, "timeout": 4}.get(verdict.status, 0)


def _print_softmax(ds, record, outcomes, models, loglik, ref_model, ref_loglik) -> None:
    s = record["settings"]
    names = record["classes"]
    print(f"fit-softmax on {ds.name}: {len(ds.rows)} rows × {len(ds.feature_names)} features, "
          f"{len(names)} classes; penalty λ = {s['penalty']:g}, {s['iterations']} Newton iterations")
    languages = list(outcomes)
    table = [["class", "coefficient", *languages, "reference"]]
    for c, name in enumerate(names):
        for j, feature in enumerate([*ds.feature_names, "intercept"]):
            def coefficient(model):
                if model is None:
                    return "—"
                return format_value(model[0][c][j] if j < len(ds.feature_names) else model[1][c])
            table.append([name if j == 0 else "", feature, *(coefficient(models.get(lang)) for lang in languages),
                          coefficient(ref_model)])
    table.append(["", "log-likelihood", *(format_value(loglik[lang]) if lang in loglik else "—" for lang in languages),
                  "—" if ref_loglik is None else format_value(ref_loglik)])
    _print_table(table, outcomes, models, record)
    _print_verdict(record)
    print("intercepts: centred (they sum to 0); log-likelihood: " + record["log_likelihood"]["how"])


def _print_table(table: list, outcomes: dict, models: dict, record: dict) -> None:
    """Print the coefficient table in aligned columns, what each language that gave no model
    gave instead, and the reference's line."""
    widths = [max(len(r[c]) for r in table) for c in range(len(table[0]))]
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    for lang, o in outcomes.items():
        if lang not in models:
            print(f"  {lang}: {describe(o)[:300]}")
    ref = record["reference"]
    print(f"reference: {ref['label']}" if "value" in ref else f"reference: none. {ref['error']}")


def _print_verdict(record) -> None:
    if record["verdict"] == "identical":
        print("verdict: identical in every language", end="")
    elif record["verdict"] == "documented":
        print("verdict: the languages differ, as documented: " +
              "; ".join(f"[{n}] {notes.notes()[n].title}" for n in record["notes"]), end="")
    else:
        print("verdict: DIFFERENT, and no translation note explains it", end="")
    rel = record["max_relative_difference"]
    print("" if rel is None else f"; largest relative difference from the reference: {rel:.3g}")
    worst = max(record["gradient_norm"].values(), default=None)
    if worst is not None:
        print(f"converged: ‖∇‖ of the mean loss ≤ {worst:.2g}" if record["converged"] else
              f"NOT converged: ‖∇‖ of the mean loss is still {worst:.2g} (more --epochs or --iterations, "
              "or another --rate, bring it closer to the optimum)")


def _fit_list(opts) -> int:
    from .. import datasets
    shipped = [datasets.load(name) for name in datasets.names()]
    if opts.json:
        print(json.dumps([{"name": d.name, "rows": len(d.rows), "features": len(d.feature_names),
                           "classes": datasets.classes(d), "model": d.model,
                           "description": d.description, "source": d.source,
                           "published": d.published is not None} for d in shipped], ensure_ascii=False))
        return 0
    import textwrap

    width = max(len(d.name) for d in shipped)
    for d in shipped:
        kind = f", {len(d.class_names)} classes (softmax)" if d.model == "softmax" else ""
        print(f"{d.name:<{width}}  {len(d.rows):>4} rows × {len(d.feature_names):>2} features{kind}, "
              f"from {d.source}{'; with a published result' if d.published else ''}")
        print(textwrap.fill(d.description, 100, initial_indent=" " * (width + 2),
                            subsequent_indent=" " * (width + 2)))
    print("Or a CSV file: a header row, numeric columns, a 0/1 label column (--label NAME; default the last).")
    return 0


def _print_fit(ds, record, outcomes, models, loglik, ref_model, ref_loglik) -> None:
    s = record["settings"]
    how = (f"penalty λ = {s['penalty']:g}, {s['iterations']} Newton iterations" if "penalty" in s
           else f"rate η = {s['rate']:g}, {s['epochs']} epochs of full-batch gradient descent")
    k = len(ds.feature_names)
    print(f"{record['function']} on {ds.name}: {len(ds.rows)} rows × {k} feature{'s' * (k != 1)}; {how}")
    languages = list(outcomes)
    published = record["published"]
    header = ["coefficient", *languages, "reference"] + (["published"] if published else [])
    names = list(ds.feature_names) + ["bias"]
    table = [header]
    for j, name in enumerate(names):
        def coefficient(model):
            return "—" if model is None else format_value(model[0][j] if j < len(ds.feature_names) else model[1])
        row = [name, *(coefficient(models.get(lang)) for lang in languages), coefficient(ref_model)]
        if published:
            row.append(published["weights"].get(name, "—") if name != "bias" else published["bias"])
        table.append(row)
    row = ["log-likelihood", *(describe(loglik[lang]) if lang in loglik else "—" for lang in languages),
           "—" if ref_loglik is None else format_value(ref_loglik)]
    if published:
        row.append(published.get("log_likelihood", "—"))
    table.append(row)
    _print_table(table, outcomes, models, record)
    if published:
        print(f"published: {published['citation']}")
    _print_verdict(record)
    if ds.published and not published:
        print("published: not shown; the published result is the unpenalised MLE, not comparable with λ > 0")
    print(f"log-likelihood: {record['log_likelihood']['how']}")


def add_parser(sub) -> None:
    f = sub.add_parser("fit", help="train logistic or softmax regression on a data set in every language and "
                                   "compare with a reference library",
                       description="Train the k-feature logistic regression (fit-newton or fit-gd), or softmax "
                                   "regression for k classes (fit-softmax, the model of iris), on DATASET "
                                   "in every language, one after the other (a progress line each, on stderr), "
                                   "and print the coefficients side by side with the reference fit "
                                   "(statsmodels' Logit for the MLE; scikit-learn's LogisticRegression with "
                                   "C = 1/λ for a penalty λ > 0, multinomial for k classes) and the verdict. "
                                   "Exit 1 if the languages differ without a translation note.",
                       epilog="DATASET is a shipped data set (--list) or a CSV file: a header row naming the "
                              "columns, numbers below, a 0/1 label column (--label NAME, default the last "
                              "column); every other column is a feature.")
    f.add_argument("dataset", nargs="?", metavar="DATASET", help="shipped data set name or CSV file")
    f.add_argument("--list", action="store_true", help="list the shipped data sets")
    f.add_argument("--model", choices=("logistic", "softmax"),
                   help="logistic: two classes, fit-newton or fit-gd; softmax: k classes, fit-softmax "
                        "(default: the data set's model; iris is softmax, the others logistic)")
    f.add_argument("--method", choices=("newton", "gd"), default="newton",
                   help="newton: fit-newton (default); gd: fit-gd, full-batch gradient descent")
    f.add_argument("--penalty", type=float, metavar="λ",
                   help="newton: L2 penalty (λ/2)‖w‖² on the summed loss, bias unpenalised (default 0: the MLE; "
                        "for softmax regression 1, scikit-learn's C = 1)")
    f.add_argument("--iterations", type=int, metavar="N", help="newton: Newton steps from 0 (default 25)")
    f.add_argument("--rate", type=float, metavar="R", help="gd: learning rate η (default 0.1)")
    f.add_argument("--epochs", type=int, metavar="N", help="gd: full-batch steps from 0 (default 1000)")
    f.add_argument("--label", metavar="NAME", help="CSV: the 0/1 label column (default: the last column)")
    f.add_argument("--no-reference", action="store_true",
                   help="do not fit the reference library (statsmodels or scikit-learn) beside the languages")
    f.add_argument("--json", action="store_true", help="print one JSON object")
    add_scheme_option(f)
    f.set_defaults(run=run)
