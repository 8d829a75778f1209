"""The command line: `triglot check` and `triglot call` (DESIGN.md's contract).

Exit codes: 0 identical or documented; 1 an unexplained difference or a
failed case; 2 bad input (unknown function, an argument that is not data);
3 a language could not be run (for example Guile is not installed).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from fractions import Fraction

from . import check, notes, registry
from .cases import BadCase
from .languages import Languages
from .scheme import SchemeUnavailable
from .values import BadValue, check_data, describe, format_outcome, format_value, parse_argument, to_scheme


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- call

def _parse_call(function: str, args: list) -> tuple[str, list]:
    fn = registry.function(function)
    if len(args) != len(fn.params):
        raise registry.BadCall(f"{fn.name} takes {len(fn.params)} argument(s) ({' '.join(fn.params)}), "
                               f"got {len(args)}")
    return fn.name, args


def _call_record(name, args, outcomes) -> dict:
    v = check.verdict(name, outcomes)
    return {"function": name, "args": [format_value(a) for a in args],
            "results": {lang: format_outcome(o) for lang, o in outcomes.items()},
            "identical": v.identical, "verdict": v.status, "notes": [n.id for n in v.notes]}


def _python_literal(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(map(_python_literal, v)) + "]"
    if isinstance(v, float) and not math.isfinite(v):
        return "math.nan" if v != v else "math.inf" if v > 0 else "-math.inf"
    return repr(v) if not isinstance(v, Fraction) else f"Fraction({v.numerator}, {v.denominator})"


def _print_call(name: str, args: list, record: dict) -> None:
    fn = registry.function(name)
    print(f"({name} {' '.join(map(to_scheme, args))})    "
          f"{fn.python_name}({', '.join(map(_python_literal, args))})")
    width = max(map(len, record["results"]))
    for lang, r in record["results"].items():
        print(f"  {lang:<{width}}  {_result_text(r)}")
    if record["verdict"] == "identical":
        print("verdict: identical in every language")
    elif record["verdict"] == "documented":
        print("verdict: the languages differ, as documented:")
        for n in map(notes.notes().get, record["notes"]):
            print(f"  [{n.id}] {n.title}")
            print("    " + n.text.split("\n\n")[0].replace("\n", "\n    "))
    else:
        print("verdict: DIFFERENT, and no translation note explains it")


def cmd_call(opts) -> int:
    if opts.batch:
        return _call_batch(opts)
    if not opts.function:
        raise UsageError("name a function (or give --batch FILE); functions: " + ", ".join(registry.functions()))
    name, args = _parse_call(opts.function, [parse_argument(a) for a in opts.args])
    with Languages() as langs:
        outcomes = langs.call(name, args)
    record = _call_record(name, args, outcomes)
    if opts.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        _print_call(name, args, record)
    return 0 if record["verdict"] != "different" else 1


def _call_batch(opts) -> int:
    """JSON Lines in, JSON Lines out, same order; a bad line gets an "error" record."""
    stream = sys.stdin if opts.batch == "-" else open(opts.batch, encoding="utf-8")
    with stream:
        lines = [(n, line) for n, line in enumerate(stream, 1) if line.strip()]
    parsed, problems = [], {}
    for n, line in lines:
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("args"), list):
                raise UsageError('each line must be {"function": NAME, "args": [...]}')
            parsed.append(_parse_call(str(item.get("function")), check_data(item["args"], f"line {n}")))
        except (ValueError, UsageError) as e:  # bad JSON, BadValue, BadCall
            problems[len(parsed) + len(problems)] = f"line {n}: {e}"
    with Languages() as langs:
        outcomes = iter(langs.call_many(parsed))
    worst = 0
    calls = iter(parsed)
    for k in range(len(lines)):
        if k in problems:
            record, worst = {"error": problems[k]}, 2
        else:
            name, args = next(calls)
            record = _call_record(name, args, next(outcomes))
            worst = max(worst, 1 if record["verdict"] == "different" else 0)
        print(json.dumps(record, ensure_ascii=False) if opts.json else _batch_line(record))
    return worst


def _batch_line(record: dict) -> str:
    if "error" in record:
        return f"bad input: {record['error']}"
    results = "  ".join(f"{lang}={_result_text(r)}" for lang, r in record["results"].items())
    return f"({record['function']} {' '.join(map(str, record['args']))})  {results}  → {record['verdict']}"


def _result_text(r: dict) -> str:
    """Return one language's R (of the JSON contract) as text for people."""
    if "error" in r:
        return f"error {r['error']}"
    return json.dumps(r["value"]) if isinstance(r["value"], list) else r["value"]


# ---------------------------------------------------------------- check

def cmd_check(opts) -> int:
    print("triglot check: running every canonical case in every language…", file=sys.stderr)
    with Languages() as langs:
        results = check.run_cases(langs)
        names = langs.names
    rows = check.summary(results, names)
    failures = [(r, lang, j) for r in results for lang, j in r.judgements.items() if not j.ok]
    if opts.json:
        print(json.dumps({"languages": names, "concepts": rows,
                          "failures": [{"uuid": r.case.uuid, "property": r.case.property, "language": lang,
                                        "detail": j.detail} for r, lang, j in failures],
                          "ok": not failures}, ensure_ascii=False))
        return 1 if failures else 0
    print("\n".join(check.report(results, names)))
    return 1 if failures else 0


# ---------------------------------------------------------------- table

def cmd_table(opts) -> int:
    from . import claims, notation  # SymPy loads only for this command
    print("triglot table: evaluating every cell in every language…", file=sys.stderr)
    results = notation.evaluate()
    proofs = claims.prove_all()
    failed = [f for r in results for f in r.failures] + \
        [f"claim {p.claim.id} ({p.claim.text}): not proved; {p.detail}" for p in proofs if not p.proved]
    if opts.json:
        print(json.dumps({"verified_with": notation.versions(), "rows": [r.to_json() for r in results],
                          "claims": [{"id": p.claim.id, "text": p.claim.text, "status": p.status,
                                      "detail": p.detail} for p in proofs],
                          "ok": not failed}, ensure_ascii=False))
    elif opts.markdown:
        print(notation.markdown(results, proofs))
    else:
        _print_rich_table(results, proofs, notation)
    for f in failed if not opts.json else ():
        print(f"FAIL {f}", file=sys.stderr)
    return 1 if failed else 0


def _print_rich_table(results, proofs, notation) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Notation, every cell evaluated ({notation.versions_line()})", show_lines=True)
    for column in ("Math", "Scheme", "Python", "Hy", "Meaning", "value", "verdict"):
        table.add_column(column, overflow="fold")
    for res in results:
        r = res.row
        value = res.value_text()
        verdict = f"[green]identical[/], ≤ {r.max_ulp:g} ULP" if res.ok else "[bold red]FAIL[/]"
        table.add_row(*map(escape, (r.math + ("" if r.seed else " ⁺"), r.scheme, r.python, r.hy, r.meaning,
                                    value)), verdict)
    console = Console()
    if not console.is_terminal:  # a pipe or a file: no wrapping at 80 columns
        console = Console(width=180)
    console.print(table)
    console.print("⁺ added to the seed's table.  Symbolic claims (SymPy):")
    for p in proofs:
        console.print(f"  {'[green]proved[/]' if p.proved else '[bold red]not proved[/]'}  {escape(p.claim.text)}")


# ---------------------------------------------------------------- fit

def _fit_dataset(opts):
    """Return the Dataset named on the command line (a shipped name or a CSV file)."""
    import os

    from . import datasets
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


def _fit_settings(opts) -> tuple[str, dict]:
    """Return (function, settings) for the method, refusing options of the other method."""
    newton, gd = ("penalty", "iterations"), ("rate", "epochs")
    mine, other = (newton, gd) if opts.method == "newton" else (gd, newton)
    given = [f"--{o}" for o in other if getattr(opts, o) is not None]
    if given:
        raise UsageError(f"{' and '.join(given)} {'belong' if len(given) > 1 else 'belongs'} to --method "
                         f"{'gd' if opts.method == 'newton' else 'newton'}, not --method {opts.method}")
    defaults = {"penalty": 0.0, "iterations": 25, "rate": 0.1, "epochs": 1000}
    settings = {o: getattr(opts, o) if getattr(opts, o) is not None else defaults[o] for o in mine}
    if "penalty" in settings and not (math.isfinite(settings["penalty"]) and settings["penalty"] >= 0):
        raise UsageError(f"--penalty must be a finite number ≥ 0, not {settings['penalty']!r}")
    if "rate" in settings and not (math.isfinite(settings["rate"]) and settings["rate"] > 0):
        raise UsageError(f"--rate must be a finite number > 0, not {settings['rate']!r}")
    for o in ("iterations", "epochs"):
        if o in settings and settings[o] < 1:
            raise UsageError(f"--{o} must be at least 1, not {settings[o]}")
    return ("fit-newton" if opts.method == "newton" else "fit-gd"), settings


def _is_model(o, k: int) -> bool:
    """Return True when an outcome is [weights, bias] with k real weights."""
    def real(v):
        return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)
    return (isinstance(o, list) and len(o) == 2 and isinstance(o[0], list) and len(o[0]) == k
            and all(map(real, o[0])) and real(o[1]))


def _as_floats(model) -> list:
    return [[float(w) for w in model[0]], float(model[1])]


def cmd_fit(opts) -> int:
    import time

    from . import datasets
    if opts.list:
        return _fit_list(opts)
    if not opts.dataset:
        raise UsageError("name a data set (triglot fit --list) or a CSV file")
    function, settings = _fit_settings(opts)
    ds = _fit_dataset(opts)
    k = len(ds.feature_names)
    args = [ds.rows, ds.ys, *([float(settings["penalty"]), settings["iterations"]] if function == "fit-newton"
                              else [float(settings["rate"]), settings["epochs"]])]
    outcomes, seconds = {}, {}
    with Languages(timeout=600) as langs:
        for runner in langs.runners:  # one at a time, so that each can report its progress
            print(f"fit: {runner.name} …", end="", file=sys.stderr, flush=True)
            start = time.perf_counter()
            try:
                outcomes[runner.name] = runner.call(function, args)
            except BaseException:
                print(" failed", file=sys.stderr, flush=True)
                raise
            seconds[runner.name] = time.perf_counter() - start
            print(f" {seconds[runner.name]:.1f} s", file=sys.stderr, flush=True)
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
    verdict = check.verdict(function, outcomes)
    penalty = settings.get("penalty", 0.0)
    try:
        ref_model, ref_label = datasets.reference(ds, penalty)
        reference = {"label": ref_label + (" (the MLE, which gradient descent approaches)"
                                           if function == "fit-gd" else ""),
                     "value": format_value(ref_model)}
        ref_loglik = datasets.log_likelihood(ds, ref_model)
        differences = [datasets.max_relative_difference(m, ref_model) for m in models.values()]
        max_rel = max(differences) if differences and len(models) == len(outcomes) else None
    except datasets.ReferenceFailed as e:
        ref_model, reference, ref_loglik, max_rel = None, {"label": e.label, "error": str(e)}, None, None
    record = {
        "dataset": ds.name, "source": ds.source, "rows": len(ds.rows), "features": ds.feature_names,
        "method": opts.method, "function": function, "settings": settings,
        "results": {lang: format_outcome(o) for lang, o in outcomes.items()},
        "seconds": {lang: round(t, 3) for lang, t in seconds.items()},
        "reference": reference,
        "identical": verdict.identical, "verdict": verdict.status, "notes": [n.id for n in verdict.notes],
        "max_relative_difference": max_rel,
        "log_likelihood": {"how": loglik_how + (" (reference: in Python, with mpmath)" if k == 1 else ""),
                           "results": {lang: format_outcome(v) for lang, v in loglik.items()},
                           "reference": None if ref_loglik is None else format_value(ref_loglik)},
        "published": ds.published,
    }
    if opts.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        _print_fit(ds, record, outcomes, models, loglik, ref_model, ref_loglik)
    return 1 if verdict.status == "different" else 0


def _fit_list(opts) -> int:
    from . import datasets
    shipped = [datasets.load(name) for name in datasets.names()]
    if opts.json:
        print(json.dumps([{"name": d.name, "rows": len(d.rows), "features": len(d.feature_names),
                           "description": d.description, "source": d.source,
                           "published": d.published is not None} for d in shipped], ensure_ascii=False))
        return 0
    import textwrap

    width = max(len(d.name) for d in shipped)
    for d in shipped:
        print(f"{d.name:<{width}}  {len(d.rows):>4} rows × {len(d.feature_names):>2} features, "
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
    published = ds.published
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
    widths = [max(len(r[c]) for r in table) for c in range(len(header))]
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    for lang, o in outcomes.items():
        if lang not in models:
            print(f"  {lang}: {describe(o)[:300]}")
    ref = record["reference"]
    print(f"reference: {ref['label']}" if "value" in ref else f"reference: none. {ref['error']}")
    if published:
        print(f"published: {published['citation']}")
    if record["verdict"] == "identical":
        print("verdict: identical in every language", end="")
    elif record["verdict"] == "documented":
        print("verdict: the languages differ, as documented: " +
              "; ".join(f"[{n}] {notes.notes()[n].title}" for n in record["notes"]), end="")
    else:
        print("verdict: DIFFERENT, and no translation note explains it", end="")
    rel = record["max_relative_difference"]
    print("" if rel is None else f"; largest relative difference from the reference: {rel:.3g}")
    print(f"log-likelihood: {record['log_likelihood']['how']}")


# ---------------------------------------------------------------- main

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="triglot", description=(
        "The mathematics of machine learning in Scheme, Python and Hy, proven identical "
        "bit for bit. Languages: python, hy, scheme/guile."))
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run every canonical case in every language; exit 1 on an "
                                     "unexplained difference")
    c.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    c.set_defaults(run=cmd_check)
    t = sub.add_parser("table", help="evaluate the notation table, every cell in its language",
                       description="Evaluate every row of notation.toml: the Scheme, Python and Hy cells "
                                   "in their languages (they must be identical) and the Math cell with "
                                   "SymPy (each value must be within the row's ULP bound); prove the "
                                   "seed's symbolic claims with SymPy. Exit 1 if anything fails.")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    t.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    t.set_defaults(run=cmd_table)
    k = sub.add_parser("call", help="call one function in every language and compare",
                       description="Call FUNCTION in every language and give each result and the verdict. "
                                   "Arguments are numbers, booleans or lists, written as JSON or Python "
                                   "literals (0.5, -1000, -0.0, 1e-320, [1, 2.0]); also inf, -inf, nan "
                                   "and exact ratios such as 1/2. Integers are exact, as in Scheme.",
                       epilog="Batch: --batch FILE (or - for stdin) reads JSON Lines "
                              '{"function": "sigmoid", "args": [0.5]} and prints one result per line, '
                              "in order.")
    k.add_argument("function", nargs="?", help="function name, Scheme or Python spelling")
    k.add_argument("args", nargs="*", help="arguments (data only)")
    k.add_argument("--json", action="store_true", help="print one JSON object (per line with --batch)")
    k.add_argument("--batch", metavar="FILE", help="JSON Lines of calls (- for stdin)")
    k.set_defaults(run=cmd_call)
    f = sub.add_parser("fit", help="train logistic regression on a data set in every language and compare "
                                   "with a reference library",
                       description="Train the k-feature logistic regression (fit-newton or fit-gd) on DATASET "
                                   "in every language, one after the other (a progress line each, on stderr), "
                                   "and print the coefficients side by side with the reference fit "
                                   "(statsmodels' Logit for the MLE; scikit-learn's LogisticRegression with "
                                   "C = 1/λ for a penalty λ > 0) and the verdict. Exit 1 if the languages "
                                   "differ without a translation note.",
                       epilog="DATASET is a shipped data set (--list) or a CSV file: a header row naming the "
                              "columns, numbers below, a 0/1 label column (--label NAME, default the last "
                              "column); every other column is a feature.")
    f.add_argument("dataset", nargs="?", metavar="DATASET", help="shipped data set name or CSV file")
    f.add_argument("--list", action="store_true", help="list the shipped data sets")
    f.add_argument("--method", choices=("newton", "gd"), default="newton",
                   help="newton: fit-newton (default); gd: fit-gd, full-batch gradient descent")
    f.add_argument("--penalty", type=float, metavar="λ",
                   help="newton: L2 penalty (λ/2)‖w‖² on the summed loss, bias unpenalised (default 0: the MLE)")
    f.add_argument("--iterations", type=int, metavar="N", help="newton: Newton steps from 0 (default 25)")
    f.add_argument("--rate", type=float, metavar="R", help="gd: learning rate η (default 0.1)")
    f.add_argument("--epochs", type=int, metavar="N", help="gd: full-batch steps from 0 (default 1000)")
    f.add_argument("--label", metavar="NAME", help="CSV: the 0/1 label column (default: the last column)")
    f.add_argument("--json", action="store_true", help="print one JSON object")
    f.set_defaults(run=cmd_fit)
    return p


def _call_argv(argv: list[str]) -> list[str]:
    """Return `call`'s argv with its flags first and every other word after `--`,
    so that negative numbers (-1000, -1e-5, -inf) are arguments, not options."""
    flags, rest, words = [], [], iter(argv)
    for a in words:
        if a in ("--json", "-h", "--help") or a.startswith("--batch="):
            flags.append(a)
        elif a == "--batch":
            flags += [a, next(words, "")]
        elif a == "--":
            rest += list(words)
        else:
            rest.append(a)
    return [*flags, "--", *rest]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["call"]:
        argv = ["call", *_call_argv(argv[1:])]
    opts = parser().parse_args(argv)
    try:
        return opts.run(opts)
    except (UsageError, BadValue, registry.BadCall, BadCase, OSError) as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 2
    except SchemeUnavailable as e:
        print(f"triglot: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
