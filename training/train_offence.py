"""Train the offence model (``models/offence-linear``) from ../shared/data in one command.

    .venv/bin/python training/train_offence.py --data ../shared/data --out models/offence-linear --seed 13
    .venv/bin/python training/train_offence.py --exclude dev --out /tmp/offence-nodev   # dev kept unseen
    .venv/bin/python training/train_offence.py --limit 300 --folds 2 --out /tmp/tiny   # a tiny slice (tests)

Steps:
1. facts of ``charges/`` (CAIL2018 train and dev samples, LawBench CAIL2018 facts; ``--exclude``
   leaves splits out), charge names canonicalised through the taxonomy (old bracket forms too);
2. one description per criminal charge of the taxonomy (474) from the statute and the taxonomy
   (``offence_knowledge.py``); a character 1–3-gram vocabulary with idf over facts + descriptions;
3. cross-fitting: ``--folds`` folds; in each, the per-charge models (``offence_fit.py``) are fitted
   on the other folds with ``--dropout`` of the charges hidden, and the held-out facts give pair
   features; a stacker (``offence_stacking.py``) is fitted on them with label-balanced weights,
   Platt-scaled, and the threshold for extra charges is tuned;
4. the per-charge models are refitted on all facts and everything is written as JSON + npz (no
   pickle): ``config.json``, ``labels.json``, ``vocab.json``, ``weights.npz``, ``training_report.json``.

Deterministic given ``--seed`` (same data -> same bytes). Runs in a few minutes on two cores.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from offence_fit import fit_base  # noqa: E402
from offence_knowledge import label_documents  # noqa: E402
from offence_stacking import decide, fit_stacker, set_f1, tune_threshold  # noqa: E402

from clue_miner.extract.offence.scorer import OffenceScorer, rule_score_matrix  # noqa: E402
from clue_miner.extract.offence.stack import FEATURES, candidate_mask, pair_features  # noqa: E402
from clue_miner.extract.textfeatures import NgramVectorizer  # noqa: E402
from clue_miner.knowledge.taxonomy import CRIMINAL, Taxonomy, load_taxonomy  # noqa: E402

log = logging.getLogger("train_offence")

SPLITS = {
    "train": "charges/cail2018_sample_train.jsonl",
    "dev": "charges/cail2018_sample_dev.jsonl",
    "lawbench": "charges/lawbench_cail2018_facts.jsonl",
}
VERSION = "offence-linear-1"
_WORDY = re.compile(r"[\u4e00-\u9fffa-z]{2,}")
COURT_PATTERN = r"被告人|被告单位|公诉机关|检察院指控|审理查明|原审|原判"
COMPLAINT_PATTERN = r"我们|本人|您好|你好|领导|恳请|投诉|举报|反映|尊敬的|求助|诉求|谢谢"


def load_facts(data: Path, splits: list[str], taxonomy: Taxonomy) -> tuple[list[str], list[set[str]], Counter[str]]:
    texts: list[str] = []
    labels: list[set[str]] = []
    unknown: Counter[str] = Counter()
    for split in splits:
        with (data / SPLITS[split]).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                accs = (row.get("meta") or {}).get("accusation") or row.get("charges") or []
                names = set()
                for acc in accs:
                    canon = taxonomy.canonical(acc)
                    if canon is None or taxonomy.get(canon, CRIMINAL) is None:
                        unknown[acc] += 1
                    else:
                        names.add(canon)
                if names and row.get("fact"):
                    texts.append(row["fact"])
                    labels.append(names)
    return texts, labels, unknown


def case_weights(labels: list[set[str]]) -> np.ndarray:
    """Mean inverse frequency of a fact's charges, normalised to mean 1 (label-balanced)."""
    freq = Counter(lab for labs in labels for lab in labs)
    w = np.array([np.mean([1.0 / freq[lab] for lab in labs]) for labs in labels])
    return w / w.mean()


def pairs(scorer: OffenceScorer, texts: list[str], rules: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    raw = scorer.raw(texts, rule_scores=rules)
    feats = pair_features(raw, scorer.has, scorer.log_count, scorer.incail)
    return feats, candidate_mask(raw, scorer.has, top_k)


def cross_fit(args: argparse.Namespace, texts: list[str], labels: list[set[str]], names: list[str],
              docs: dict[str, str], vec: NgramVectorizer, incail: np.ndarray, rules: np.ndarray) -> dict[str, Any]:
    """Held-out pair features of every fact (features, candidate mask, gold matrix, fact index)."""
    rng = np.random.default_rng(args.seed)
    folds = rng.permutation(len(texts)) % args.folds
    index = {n: j for j, n in enumerate(names)}
    feats, masks, golds, ids = [], [], [], []
    for k in range(args.folds):
        t0 = time.perf_counter()
        train = np.flatnonzero(folds != k)
        test = np.flatnonzero(folds == k)
        present = sorted({lab for i in train for lab in labels[i]})
        hide = rng.choice(len(present), size=int(len(present) * args.dropout), replace=False)
        drop = {present[j] for j in hide}
        arrays = fit_base([texts[i] for i in train], [labels[i] for i in train], names, docs, vec, incail,
                          drop=drop, C=args.C, seed=args.seed)
        scorer = OffenceScorer(vec, names, arrays)
        f, m = pairs(scorer, [texts[i] for i in test], rules[test], args.top_k)
        y = np.zeros(m.shape, bool)
        for r, i in enumerate(test):
            for lab in labels[i]:
                y[r, index[lab]] = True
        feats.append(f)
        masks.append(m)
        golds.append(y)
        ids.append(test)
        log.info("fold %d/%d: %d facts held out, %d charges hidden (%.1fs)", k + 1, args.folds, len(test),
                 len(drop), time.perf_counter() - t0)
    return {"feats": np.concatenate(feats), "mask": np.concatenate(masks), "y": np.concatenate(golds),
            "ids": np.concatenate(ids)}


def rule_matrix(texts: list[str], names: list[str]) -> np.ndarray:
    from clue_miner.extract.offence import OffenceRules

    return rule_score_matrix(OffenceRules(), texts, {n: j for j, n in enumerate(names)})


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz with fixed zip timestamps (same arrays -> same bytes); loads with ``np.load``."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def evidence_ngrams(arrays: dict[str, np.ndarray], vocab: list[str], n_labels: int, k: int = 24) -> list[list[str]]:
    """Per label, the description and SVM n-grams (2+ chars) with the largest positive weight."""
    from scipy.sparse import csr_matrix

    out: list[list[str]] = [[] for _ in range(n_labels)]
    for prefix in ("desc", "svm"):
        mat = csr_matrix((arrays[f"{prefix}_data"].astype(np.float32), arrays[f"{prefix}_indices"].astype(np.int64),
                          arrays[f"{prefix}_indptr"].astype(np.int64)), shape=(len(vocab), n_labels)).T.tocsr()
        for j in range(n_labels):
            idx, val = mat.indices[mat.indptr[j]:mat.indptr[j + 1]], mat.data[mat.indptr[j]:mat.indptr[j + 1]]
            order = np.argsort(-val, kind="stable")
            grams = [vocab[idx[o]] for o in order if val[o] > 0 and _WORDY.fullmatch(vocab[idx[o]])]
            for g in grams[:k]:
                if g not in out[j]:
                    out[j].append(g)
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "offence-linear")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--exclude", nargs="*", default=[], choices=list(SPLITS), help="splits kept out of training")
    ap.add_argument("--limit", type=int, default=0, help="use only this many facts (a tiny slice, for tests)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--dropout", type=float, default=0.5, help="share of charges hidden in each fold")
    ap.add_argument("--stacker", choices=["lr", "mlp", "mean"], default="mean")
    ap.add_argument("--C", type=float, default=0.5, help="LinearSVC C")
    ap.add_argument("--top-k", type=int, default=25, help="candidates per signal")
    ap.add_argument("--quiet", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(asctime)s %(message)s")
    taxonomy = load_taxonomy()
    splits = [s for s in SPLITS if s not in args.exclude]
    texts, labels, unknown = load_facts(args.data, splits, taxonomy)
    if unknown:
        log.warning("charges not in the taxonomy (dropped): %s", dict(unknown.most_common(10)))
    if args.limit:
        keep = np.sort(np.random.default_rng(args.seed).permutation(len(texts))[: args.limit])
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    report = build(args, texts, labels, [SPLITS[s] for s in splits], taxonomy)
    print(json.dumps(report, ensure_ascii=False))
    return report


def build(args: argparse.Namespace, texts: list[str], labels: list[set[str]], sources: list[str],
          taxonomy: Taxonomy) -> dict[str, Any]:
    """Train on the given facts and write the model directory ``args.out``; returns the training report."""
    t_start = time.perf_counter()
    names = list(taxonomy.criminal_names)
    incail = np.array([bool(taxonomy.get(n, CRIMINAL).in_cail) for n in names])
    docs = label_documents(taxonomy, args.data / "statutes" / "criminal_law.txt")
    short = [p for info in taxonomy.entries(CRIMINAL) for p in (info.name, *info.aliases, *info.cues)]
    vec = NgramVectorizer().fit(texts + [docs[n] for n in names], extra=short)
    log.info("%d facts (%s), %d charges with cases, vocabulary %d", len(texts), " + ".join(sources),
             len({lab for labs in labels for lab in labs}), len(vec.vocabulary_))

    rules = rule_matrix(texts, names)
    held = cross_fit(args, texts, labels, names, docs, vec, incail, rules)
    weights = case_weights([labels[i] for i in held["ids"]])
    mask = held["mask"]
    pair_w = np.broadcast_to(weights[:, None], mask.shape)[mask]
    stack = fit_stacker(held["feats"][mask], held["y"][mask], pair_w, args.stacker, args.seed)

    from clue_miner.extract.offence.stack import Stacker

    proba = np.zeros(mask.shape, np.float32)
    proba[mask] = Stacker(args.stacker, stack).predict_proba(held["feats"][mask])
    gold = [labels[i] for i in held["ids"]]
    threshold, tuned = tune_threshold(proba, names, gold, weights)
    pred = decide(proba, names, threshold)
    report = {
        "facts": len(texts), "sources": sources, "seed": args.seed, "folds": args.folds, "dropout": args.dropout,
        "held_out_set_f1": round(set_f1(gold, pred), 4), "held_out_set_f1_balanced": round(tuned, 4),
        "held_out_candidate_recall": round(float((held["y"] & mask).sum() / max(1, held["y"].sum())), 4),
        "threshold": threshold,
    }
    log.info("held-out: %s", report)

    arrays = fit_base(texts, labels, names, docs, vec, incail, C=args.C, seed=args.seed)
    arrays.update({f"stack_{k}": v for k, v in stack.items()})
    arrays["idf"] = vec.idf_
    counts = Counter(lab for labs in labels for lab in labs)
    args.out.mkdir(parents=True, exist_ok=True)
    save_npz(args.out / "weights.npz", arrays)
    evidence = evidence_ngrams(arrays, vec.vocabulary_, len(names))
    label_rows = [{"name": n, "kind": CRIMINAL, "in_cail": bool(incail[j]), "train_cases": counts.get(n, 0),
                   "evidence": evidence[j]} for j, n in enumerate(names)]
    (args.out / "labels.json").write_text(json.dumps(label_rows, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    (args.out / "vocab.json").write_text(json.dumps(vec.vocabulary_, ensure_ascii=False) + "\n", encoding="utf-8")
    config = {
        "kind": "offence", "name": "offence-linear", "version": VERSION,
        "files": {"weights": "weights.npz", "labels": "labels.json", "vocab": "vocab.json"},
        "vectorizer": vec.get_params(),
        "stacker": {"kind": args.stacker, "features": list(FEATURES), "top_k": args.top_k},
        "decision": {"threshold": threshold, "max_offences": 3, "court_pattern": COURT_PATTERN,
                     "complaint_pattern": COMPLAINT_PATTERN, "complaint_threshold": 0.9},
        "training": {"data": [*sources, "statutes/criminal_law.txt"], "seed": args.seed,
                     "facts": len(texts), "charges_with_cases": len(counts), "C": args.C, "folds": args.folds,
                     "dropout": args.dropout, "limit": args.limit},
    }
    (args.out / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                          encoding="utf-8")
    (args.out / "training_report.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    report["seconds"] = round(time.perf_counter() - t_start, 1)  # printed, not written: same bytes per rebuild
    return report


if __name__ == "__main__":
    main()
