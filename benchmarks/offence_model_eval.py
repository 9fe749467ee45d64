"""Evaluate the trained offence model against the rules, on court facts and on complaint language.

1. CAIL2018 facts (``--split dev lawbench``): set-F1, top-1, macro/micro F1 of
   - ``rules``: ``OffenceRules`` alone;
   - ``model``: ``OffenceModel`` read as court facts (``mode="fact"``; rule scores are features);
   - ``model-norules``: the same model with the rule signal zeroed (what the statistics alone do);
   A split the model was trained on is marked ``(seen in training)``: build an evaluation model
   with ``training/train_offence.py --exclude dev --out /tmp/offence-nodev`` and pass ``--model``.
2. Real board messages (unlabelled): share given a criminal offence by the rules and by the model
   (``mode="auto"``: complaint reading), the messages the model adds or drops, and a random sample
   of model-flagged messages to judge by hand.
3. A synthetic archive (``corpora/generate.py``; gold ``offence`` and ``category``): the full
   ``extract_many`` pipeline with the rules (default) and with the model as offence detector.
4. Speed on one core: court facts and board messages per second.

    .venv/bin/python corpora/generate.py --complaints 2000 --cases 1500 --seed 101 --out /tmp/offdev
    .venv/bin/python benchmarks/offence_model_eval.py --model /tmp/offence-nodev --synth /tmp/offdev
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core: the speed figures are per core

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clue_miner.evaluate.offences import format_report, read_labelled, score_sets  # noqa: E402
from clue_miner.extract.offence import OffenceRules  # noqa: E402
from clue_miner.extract.offence.model import OffenceModel  # noqa: E402

SPLITS = {
    "train": "charges/cail2018_sample_train.jsonl",
    "dev": "charges/cail2018_sample_dev.jsonl",
    "lawbench": "charges/lawbench_cail2018_facts.jsonl",
}
BOARD = ("complaints/gov_board_messages_with_votes.jsonl", "complaints/gov_board_messages_with_official_replies.jsonl")


class _NoRules:
    """Rule scores all zero: the model's statistical signals alone."""

    def predict_scores(self, texts: list[str]) -> list[dict[str, float]]:
        return [{} for _ in texts]


def names_of(detector: Any, texts: list[str]) -> list[list[str]]:
    return [[o.name for o in offs] for offs in detector.predict(texts)]


def cail(args: argparse.Namespace, model: OffenceModel) -> None:
    trained_on = " ".join(model._load()["config"].get("training", {}).get("data", []))
    norules = OffenceModel(args.model, mode="fact")
    norules._load()["scorer"]  # noqa: B018 - load before swapping the rule signal
    for split in args.split:
        texts, gold = read_labelled(args.data / SPLITS[split])
        seen = " (seen in training)" if SPLITS[split] in trained_on else ""
        for tag, det in (("rules", OffenceRules()), ("model", model), ("model-norules", norules)):
            if tag == "model-norules":
                scorer = det._load()["scorer"]
                saved, scorer.rules = scorer.rules, _NoRules()
            res = score_sets(gold, names_of(det, texts))
            if tag == "model-norules":
                scorer.rules = saved
            print(f"== CAIL {split}{seen} {tag:<14} set-F1 {res['set_f1']:.4f}  top-1 {res['top1_acc']:.4f}  "
                  f"macro-F1 {res['macro_f1']:.4f}  micro-F1 {res['micro_f1']:.4f}  coverage {res['coverage']:.3f}")
            if tag == "model":
                print("   " + calibration(model, texts, gold))
            if tag == "model" and args.weak:
                res.update(data=split, detector=model.version)
                print(format_report(res, weak=args.weak))


def calibration(model: OffenceModel, texts: list[str], gold: list[set[str]], bins: int = 10) -> str:
    """Expected calibration error of all scored (fact, charge) pairs with p >= 0.05, and of the best charge."""
    proba = model.predict_proba(texts)
    index = {n: j for j, n in enumerate(model.labels)}
    y = np.zeros(proba.shape, bool)
    for i, g in enumerate(gold):
        for name in g:
            if name in index:
                y[i, index[name]] = True

    def ece(p: np.ndarray, hit: np.ndarray) -> float:
        edges = np.minimum((p * bins).astype(int), bins - 1)
        return float(sum(abs(p[edges == b].mean() - hit[edges == b].mean()) * (edges == b).sum()
                         for b in range(bins) if (edges == b).any()) / max(1, len(p)))

    keep = proba >= 0.05
    top = proba.argmax(axis=1)
    top_p, top_hit = proba[np.arange(len(top)), top], y[np.arange(len(top)), top]
    return (f"calibration: ECE {ece(proba[keep], y[keep]):.3f} over {int(keep.sum())} pairs with p >= 0.05; "
            f"best charge: mean p {top_p.mean():.3f} vs accuracy {top_hit.mean():.3f}, ECE {ece(top_p, top_hit):.3f}")


def board(args: argparse.Namespace, model: OffenceModel) -> list[str]:
    rows: list[dict[str, Any]] = []
    for rel in BOARD:
        with (args.data / rel).open(encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh]
    texts = [f"{r.get('title', '')}。{r.get('text', '')}" for r in rows]
    rules_pred = OffenceRules().predict(texts)
    model_pred = model.predict(texts)
    n = len(texts) or 1

    def crim(offs: list[Any]) -> bool:
        return any(o.kind == "criminal" for o in offs)

    r_flag = [crim(o) for o in rules_pred]
    m_flag = [crim(o) for o in model_pred]
    proba = model.predict_proba(texts)
    alone = {t: int((proba.max(axis=1) >= t).sum()) for t in (0.5, 0.7, 0.9)}
    print(f"\n== board messages: {len(texts)}; criminal offence: rules {sum(r_flag)} ({sum(r_flag) / n:.1%}), "
          f"model {sum(m_flag)} ({sum(m_flag) / n:.1%}); court-style texts {sum(map(model.is_court_text, texts))}")
    print("   model alone (no rules decision, any charge with p >= t): "
          + ", ".join(f"t={t}: {c} ({c / n:.1%})" for t, c in alone.items()))
    dist = Counter(o.name for offs in model_pred for o in offs if o.kind == "criminal")
    print("model criminal offences:", ", ".join(f"{k} {v}" for k, v in dist.most_common(25)))
    added = [i for i in range(len(texts)) if m_flag[i] and not r_flag[i]]
    changed = [i for i in range(len(texts)) if m_flag[i] and r_flag[i] and rules_pred[i][0].name != model_pred[i][0].name]
    print(f"model adds a criminal offence to {len(added)} messages, changes the top one of {len(changed)}")
    for i in (added + changed)[:12]:
        print(f"  + [{rows[i].get('id')}] {texts[i][:110]!r}\n      rules {[o.name for o in rules_pred[i]]} -> "
              f"model {[(o.name, o.score) for o in model_pred[i]]}")
    flagged = [i for i in range(len(texts)) if m_flag[i]]
    rng = random.Random(args.seed)
    print(f"\n-- {min(args.sample, len(flagged))} random model-flagged messages (judge by hand) --")
    for i in sorted(rng.sample(flagged, min(args.sample, len(flagged)))):
        offs = ", ".join(f"{o.name}/{o.kind[:3]} {o.score:.2f} [{'|'.join(e.text for e in o.evidence[:3])}]"
                         for o in model_pred[i])
        print(f"[{rows[i].get('id')}] {texts[i][:150]!r}\n    => {offs}")
    return texts


def synth(path: Path, model: OffenceModel) -> None:
    from clue_miner.extract.pipeline import Pipeline

    table = path / "complaints.csv"
    with table.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (path / "gold.jsonl").open(encoding="utf-8") as fh:
        gold = {g["id"]: g for g in map(json.loads, fh)}
    texts = [r["text"] for r in rows]
    proba = model.predict_proba(texts)
    labels = model.labels
    crime = [i for i, r in enumerate(rows) if gold[r["id"]]["category"] == "crime"]
    quiet = [i for i, r in enumerate(rows) if gold[r["id"]]["category"] in ("civic", "civil")]
    top = [labels[int(p.argmax())] for p in proba]
    ok = sum(top[i] == gold[rows[i]["id"]]["offence"] for i in crime)
    print(f"\n== synthetic {path} [model alone, no rules decision]: best charge right on {ok / max(1, len(crime)):.4f} "
          f"of {len(crime)} crime complaints; max p on them: median {np.median(proba[crime].max(axis=1)):.2f}; "
          f"civic/civil complaints with a charge at p >= 0.5: {np.mean(proba[quiet].max(axis=1) >= 0.5):.3f}, "
          f">= 0.9: {np.mean(proba[quiet].max(axis=1) >= 0.9):.3f}")
    for tag, pipe in (("rules", Pipeline()), ("model", Pipeline(offence=model))):
        t0 = time.perf_counter()
        found = list(pipe.pipe([r["text"] for r in rows], [r.get("received_at") or None for r in rows]))
        dt = time.perf_counter() - t0
        cat_ok = top_ok = tp = fp = fn = 0
        errors: Counter[tuple[str, str, str, str]] = Counter()
        for row, ex in zip(rows, found, strict=True):
            g = gold[row["id"]]
            top = ex.offences[0].name if ex.offences else None
            cat_ok += ex.category.label == g["category"]
            top_ok += top == g["offence"]
            if g["category"] == "crime":
                crimes = {o.name for o in ex.offences if o.kind == "criminal"}
                tp += g["offence"] in crimes
                fn += g["offence"] not in crimes
                fp += len(crimes - {g["offence"]})
            if top != g["offence"] or ex.category.label != g["category"]:
                errors[(str(g["offence"]), g["category"], str(top), ex.category.label)] += 1
        n = len(rows) or 1
        print(f"\n== synthetic {path} [{tag}]: category acc {cat_ok / n:.4f}, top-offence acc {top_ok / n:.4f}, "
              f"crime recall {tp / max(1, tp + fn):.4f}, crime precision {tp / max(1, tp + fp):.4f} "
              f"({len(rows) / dt:.0f} complaints/s end to end)")
        for (go, gc, po, pc), c in errors.most_common(6):
            print(f"  {c:4d}  gold {go}/{gc} -> {po}/{pc}")


def speed(model: OffenceModel, facts: list[str], messages: list[str]) -> None:
    for tag, texts in (("CAIL facts", facts[:2000]), ("board messages", messages[:2000])):
        if not texts:
            continue
        model.predict(texts[:20])
        t0 = time.perf_counter()
        model.predict(texts)
        dt = time.perf_counter() - t0
        chars = sum(len(t) for t in texts) / len(texts)
        print(f"speed {tag}: {len(texts) / dt:.0f} texts/s on one core ({chars:.0f} chars/text)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--model", default=None, help="model directory (default: the shipped offence-linear)")
    ap.add_argument("--split", nargs="*", default=["dev", "lawbench"], choices=list(SPLITS))
    ap.add_argument("--synth", type=Path, nargs="*", default=[])
    ap.add_argument("--weak", type=int, default=15, help="weakest charges to list")
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-board", action="store_true")
    args = ap.parse_args(argv)

    model = OffenceModel(args.model, mode="fact").fit()
    auto = OffenceModel(args.model, mode="auto").fit()
    print(f"model {model.version} from {args.model or 'models/offence-linear'}; trained on "
          f"{model._load()['config'].get('training', {}).get('data')}")
    cail(args, model)
    messages = [] if args.no_board else board(args, auto)
    for path in args.synth:
        synth(path, auto)
    facts = read_labelled(args.data / SPLITS[args.split[0]])[0] if args.split else []
    speed(auto, facts, messages)


if __name__ == "__main__":
    main()
