"""Cross-validate the whole offence recipe over all labelled facts (train + dev + LawBench).

The shipped model trains on every labelled fact, so the dev split cannot measure it. This script
splits all facts into ``--folds`` outer folds; for each, it runs the full recipe
(``training/train_offence.py``: vocabulary, cross-fitted stacker, threshold, final fit) on the other
folds and scores the held-out one with ``OffenceModel(mode="fact")``. Reported: pooled set-F1,
top-1, macro/micro F1 over all held-out facts, and the same per source file, and for facts whose
charges had no / 1–5 / more training cases in their outer fold.

    .venv/bin/python benchmarks/offence_cv.py --folds 3 [--stacker mlp]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import logging  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT))

from train_offence import SPLITS, build, load_facts, parse_args  # noqa: E402

from clue_miner.evaluate.offences import score_sets  # noqa: E402
from clue_miner.extract.offence.model import OffenceModel  # noqa: E402
from clue_miner.knowledge.taxonomy import load_taxonomy  # noqa: E402


def _line(tag: str, res: dict) -> str:
    return (f"{tag:<28} n={res['cases']:<5} set-F1 {res['set_f1']:.4f}  top-1 {res['top1_acc']:.4f}  "
            f"macro-F1 {res['macro_f1']:.4f}  micro-F1 {res['micro_f1']:.4f}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    taxonomy = load_taxonomy()
    texts: list[str] = []
    labels: list[set[str]] = []
    source: list[str] = []
    for split in SPLITS:
        t, y, _ = load_facts(args.data, [split], taxonomy)
        texts += t
        labels += y
        source += [split] * len(t)
    outer = np.random.default_rng(args.seed + 1).permutation(len(texts)) % args.folds
    pred: list[list[str]] = [[] for _ in texts]
    proba: list[np.ndarray] = [np.zeros(0)] * len(texts)
    names: list[str] = []
    seen: list[int] = [0] * len(texts)
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.folds):
            train = np.flatnonzero(outer != k)
            test = np.flatnonzero(outer == k)
            args.out = Path(tmp) / f"fold{k}"
            build(args, [texts[i] for i in train], [labels[i] for i in train], ["outer fold"], taxonomy)
            model = OffenceModel(args.out, mode="fact").fit()
            names = model.labels
            held = [texts[i] for i in test]
            for i, offs, p in zip(test, model.predict(held), model.predict_proba(held), strict=True):
                pred[i] = [o.name for o in offs]
                proba[i] = p
            counts = Counter(lab for i in train for lab in labels[i])
            for i in test:
                seen[i] = min(counts.get(lab, 0) for lab in labels[i])
            print(f"outer fold {k + 1}/{args.folds} done", flush=True)
    print(_line("all held-out facts", score_sets(labels, pred)))
    for split in SPLITS:
        idx = [i for i, s in enumerate(source) if s == split]
        print(_line(f"  {split}", score_sets([labels[i] for i in idx], [pred[i] for i in idx])))
    from offence_stacking import decide

    grid = []
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01):
        res = score_sets(labels, decide(np.stack(proba), names, t))
        grid.append(f"{t:g}: {res['set_f1']:.4f}")
    print("  set-F1 by extra-charge threshold (1.01 = best charge only):", ", ".join(grid))
    for tag, lo, hi in (("  charges unseen", 0, 0), ("  1-5 training cases", 1, 5), ("  6+ training cases", 6, 10**9)):
        idx = [i for i in range(len(texts)) if lo <= seen[i] <= hi]
        if idx:
            print(_line(tag, score_sets([labels[i] for i in idx], [pred[i] for i in idx])))


if __name__ == "__main__":
    main()
