"""Evaluate the v1 rule/lexicon offence detector (``OffenceRules``).

CAIL2018 facts (gold ``meta.accusation`` / ``charges``): set-F1 (mean per-case F1 between the
gold and predicted sets; an empty prediction scores 0), top-1 accuracy (best offence in gold),
micro and macro F1 (macro over gold charges), coverage (share of cases with any prediction).
Real board messages (unlabelled): offence distribution, share given a criminal offence, and a
sample of flagged messages so that a person can judge precision. Speed: texts per second.
A synthetic archive (``corpora/generate.py``, gold labels): the full ``extract_many`` pipeline,
category accuracy, top-offence accuracy (gold: the administrative cause when below threshold),
offence recall / precision on gold-crime complaints, and the commonest errors.

    .venv/bin/python benchmarks/offence_rules_eval.py                  # dev + lawbench + board
    .venv/bin/python benchmarks/offence_rules_eval.py --split train --tune
    .venv/bin/python benchmarks/offence_rules_eval.py --errors 20      # worst charges on --split
    .venv/bin/python corpora/generate.py --complaints 2000 --cases 1500 --seed 101 --out /tmp/offdev
    .venv/bin/python benchmarks/offence_rules_eval.py --split none --no-board --synth /tmp/offdev

Reads ``../shared/data`` (or ``--data``); prints results (this is a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clue_miner.extract.offence import OffenceRules  # noqa: E402
from clue_miner.knowledge.taxonomy import load_taxonomy  # noqa: E402

SPLITS = {
    "train": "charges/cail2018_sample_train.jsonl",
    "dev": "charges/cail2018_sample_dev.jsonl",
    "lawbench": "charges/lawbench_cail2018_facts.jsonl",
}
BOARD = ("complaints/gov_board_messages_with_votes.jsonl", "complaints/gov_board_messages_with_official_replies.jsonl")


def load_cail(path: Path) -> tuple[list[str], list[set[str]]]:
    tax = load_taxonomy()
    texts, gold = [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            accs = row.get("meta", {}).get("accusation") or row.get("charges") or []
            names = {tax.canonical(a) or re.sub(r"[\[\]]", "", a) for a in accs}
            texts.append(row["fact"])
            gold.append(names)
    return texts, gold


def load_board(data: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for rel in BOARD:
        path = data / rel
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                rows += [json.loads(line) for line in fh]
    return rows


def metrics(gold: list[set[str]], pred: list[list[str]]) -> dict[str, float]:
    set_f1 = top1 = covered = 0.0
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        ps = set(p)
        inter = len(g & ps)
        if ps:
            covered += 1
            set_f1 += 2 * inter / (len(g) + len(ps))
            top1 += p[0] in g
        for name in ps & g:
            tp[name] += 1
        for name in ps - g:
            fp[name] += 1
        for name in g - ps:
            fn[name] += 1
    n = len(gold) or 1
    stp, sfp, sfn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p = stp / (stp + sfp) if stp + sfp else 0.0
    micro_r = stp / (stp + sfn) if stp + sfn else 0.0
    micro_f = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    labels = {x for g in gold for x in g}
    macro = []
    for name in labels:
        d = 2 * tp[name] + fp[name] + fn[name]
        macro.append(2 * tp[name] / d if d else 0.0)
    return {
        "cases": len(gold),
        "set_f1": set_f1 / n,
        "top1_acc": top1 / n,
        "micro_p": micro_p,
        "micro_r": micro_r,
        "micro_f1": micro_f,
        "macro_f1": sum(macro) / len(macro) if macro else 0.0,
        "coverage": covered / n,
    }


def per_charge_errors(gold: list[set[str]], pred: list[list[str]], top: int) -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confused: Counter[tuple[str, str]] = Counter()
    for g, p in zip(gold, pred, strict=True):
        ps = set(p)
        for x in ps & g:
            tp[x] += 1
        for x in ps - g:
            fp[x] += 1
            for y in g - ps:
                confused[(y, x)] += 1
        for x in g - ps:
            fn[x] += 1
    print(f"\n{'charge':<34} {'tp':>5} {'fp':>5} {'fn':>5}")
    for name, _ in (fp + fn).most_common(top):
        print(f"{name:<34} {tp[name]:>5} {fp[name]:>5} {fn[name]:>5}")
    print("\nmost frequent confusions (gold -> predicted):")
    for (g, p), c in confused.most_common(top):
        print(f"  {g} -> {p}: {c}")


def predict_names(rules: OffenceRules, texts: list[str]) -> list[list[str]]:
    return [[o.name for o in offs] for offs in rules.predict(texts)]


def tune(texts: list[str], gold: list[set[str]]) -> dict[str, float]:
    """Grid over the threshold parameters, best set-F1 (run it on train)."""
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for min_score, relative, max_off in itertools.product(
        (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8), (0.3, 0.5, 0.7, 0.85, 0.95), (1, 2, 3, 4)
    ):
        rules = OffenceRules(min_score=min_score, relative=relative, max_offences=max_off)
        m = metrics(gold, predict_names(rules, texts))
        if m["set_f1"] > best[0]:
            best = (m["set_f1"], {"min_score": min_score, "relative": relative, "max_offences": max_off})
    print(f"best set-F1 {best[0]:.4f} at {best[1]}")
    return best[1]


def board_report(rules: OffenceRules, rows: list[dict[str, Any]], sample: int, seed: int) -> None:
    texts = [f"{r.get('title', '')}。{r.get('text', '')}" for r in rows]
    preds = rules.predict(texts)
    dist: Counter[str] = Counter()
    crim = adm = 0
    for offs in preds:
        if any(o.kind == "criminal" for o in offs):
            crim += 1
        elif offs:
            adm += 1
        for o in offs:
            dist[o.name] += 1
    n = len(rows) or 1
    print(f"\n== board messages: {len(rows)}; criminal offence: {crim} ({crim / n:.1%}); "
          f"administrative only: {adm} ({adm / n:.1%})")
    print("offence distribution:", ", ".join(f"{k} {v}" for k, v in dist.most_common(40)))
    from clue_miner.extract.category import CategoryRules

    cats = Counter(c.label for c in CategoryRules().predict(texts, preds))
    print("category distribution:", ", ".join(f"{k} {v} ({v / n:.1%})" for k, v in cats.most_common()))
    flagged = [i for i, offs in enumerate(preds) if offs]
    rng = random.Random(seed)
    print(f"\n-- {min(sample, len(flagged))} random flagged messages (judge precision by hand) --")
    for i in sorted(rng.sample(flagged, min(sample, len(flagged)))):
        offs = ", ".join(f"{o.name}/{o.kind[:3]} {o.score:.2f} [{'|'.join(e.text for e in o.evidence[:4])}]"
                         for o in preds[i])
        print(f"[{rows[i].get('id')}] {texts[i][:150]!r}\n    => {offs}")


def speed(rules: OffenceRules, texts: list[str]) -> None:
    sample = [t[:400] for t in texts if len(t) >= 300][:3000] or texts[:3000]
    rules.predict(sample[:10])
    t0 = time.perf_counter()
    rules.predict(sample)
    dt = time.perf_counter() - t0
    chars = sum(len(t) for t in sample)
    print(f"\nspeed: {len(sample) / dt:.0f} texts/s, {chars / dt / 1e6:.2f} M chars/s "
          f"({chars / len(sample):.0f} chars/text, one core)")


def synth_report(path: Path, errors: int) -> dict[str, float]:
    """Pipeline accuracy on a synthetic archive written by ``corpora/generate.py`` (CSV or JSONL)."""
    import csv

    import clue_miner

    table = path / "complaints.csv"
    if table.exists():
        with table.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        with (path / "complaints.jsonl").open(encoding="utf-8-sig") as fh:
            rows = [json.loads(line) for line in fh]
    with (path / "gold.jsonl").open(encoding="utf-8") as fh:
        gold = {g["id"]: g for g in map(json.loads, fh)}
    t0 = time.perf_counter()
    found = list(clue_miner.extract_many([r["text"] for r in rows], [r.get("received_at") or None for r in rows]))
    dt = time.perf_counter() - t0
    n = len(rows) or 1
    cat_ok = top_ok = tp = fp = fn = 0
    confusions: Counter[tuple[str, str, str, str]] = Counter()
    for row, ex in zip(rows, found, strict=True):
        g = gold[row["id"]]
        top = ex.offences[0].name if ex.offences else None
        cat_ok += ex.category.label == g["category"]
        top_ok += top == g["offence"]
        if g["category"] == "crime":
            crim = {o.name for o in ex.offences if o.kind == "criminal"}
            tp += g["offence"] in crim
            fn += g["offence"] not in crim
            fp += len(crim - {g["offence"]})
        if top != g["offence"] or ex.category.label != g["category"]:
            confusions[(str(g["offence"]), g["category"], str(top), ex.category.label)] += 1
    out = {"complaints": len(rows), "category_acc": cat_ok / n, "top_offence_acc": top_ok / n,
           "crime_recall": tp / (tp + fn) if tp + fn else 0.0, "crime_precision": tp / (tp + fp) if tp + fp else 0.0}
    print(f"== synthetic {path}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                                               for k, v in out.items()) + f" ({len(rows) / dt:.0f} complaints/s)")
    for (go, gc, po, pc), c in confusions.most_common(errors):
        print(f"  {c:4d}  gold {go}/{gc} -> {po}/{pc}")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate OffenceRules on CAIL and the board messages")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--split", choices=[*SPLITS, "none"], nargs="*", default=["dev", "lawbench"])
    ap.add_argument("--tune", action="store_true", help="grid-search thresholds on the first split")
    ap.add_argument("--errors", type=int, default=0, help="show the N worst charges per split")
    ap.add_argument("--sample", type=int, default=30, help="board messages to print")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-board", action="store_true")
    ap.add_argument("--synth", type=Path, nargs="*", default=[], help="synthetic archive directories (gold.jsonl)")
    args = ap.parse_args(argv)

    rules = OffenceRules()
    for split in [s for s in args.split if s != "none"]:
        texts, gold = load_cail(args.data / SPLITS[split])
        if args.tune:
            rules = OffenceRules(**tune(texts, gold))
        m = metrics(gold, predict_names(rules, texts))
        print(f"== CAIL {split}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                                             for k, v in m.items()))
        if args.errors:
            per_charge_errors(gold, predict_names(rules, texts), args.errors)
    for path in args.synth:
        synth_report(path, args.errors or 10)
    if not args.no_board:
        rows = load_board(args.data)
        board_report(rules, rows, args.sample, args.seed)
        speed(rules, [r.get("text", "") for r in rows])


if __name__ == "__main__":
    main()
