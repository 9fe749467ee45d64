"""Decisions from probabilities, threshold tuning and the metrics report of a fine-tuned classifier.

The report holds the ``clue-miner evaluate offences`` figures (set-F1, top-1 accuracy, macro-F1,
micro P/R/F1, from ``clue_miner.evaluate.offences.score_sets``) over the rows that have labels,
plus what that evaluation cannot see: ``row_f1``, the mean per-row F1 over *all* rows (a row with
no gold label and no prediction scores 1, one with a prediction scores 0), and ``none_acc``, the
share of no-label rows left without a prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["decide", "decide_single", "format_metrics", "row_f1", "score_rows", "tune_threshold"]

GRID = tuple(round(x, 2) for x in np.arange(0.05, 0.96, 0.05))


def decide(proba: np.ndarray, labels: Sequence[str], threshold: float, max_labels: int,
           at_least_one: bool) -> list[list[tuple[str, float]]]:
    """Per row, the (label, probability) pairs at or above ``threshold``, best first, at most
    ``max_labels``; the best one alone when none passes and ``at_least_one``."""
    out: list[list[tuple[str, float]]] = []
    if proba.size == 0:
        return [[] for _ in range(proba.shape[0])]
    order = np.argsort(-proba, axis=1, kind="stable")[:, :max_labels]
    for row, idx in zip(proba, order, strict=True):
        picked = [(labels[j], float(row[j])) for j in idx if row[j] >= threshold]
        if not picked and at_least_one:
            picked = [(labels[idx[0]], float(row[idx[0]]))]
        out.append(picked)
    return out


def decide_single(proba: np.ndarray, labels: Sequence[str]) -> list[list[tuple[str, float]]]:
    """Softmax rows: the arg-max label."""
    best = np.argmax(proba, axis=1) if proba.size else np.zeros(0, int)
    return [[(labels[j], float(proba[i, j]))] for i, j in enumerate(best)]


def row_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> float:
    """Mean per-row F1, an empty gold set matched by an empty prediction counting 1."""
    total = 0.0
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(g), set(p)
        total += 1.0 if not gs and not ps else 2 * len(gs & ps) / (len(gs) + len(ps))
    return total / len(gold) if gold else 0.0


def score_rows(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """The report: ``score_sets`` over labelled rows + ``row_f1`` and ``none_acc`` over all rows."""
    from clue_miner.evaluate.offences import score_sets

    labelled = [i for i, g in enumerate(gold) if g]
    out = score_sets([set(gold[i]) for i in labelled], [list(pred[i]) for i in labelled])
    nones = [i for i, g in enumerate(gold) if not g]
    out.update({
        "rows": len(gold),
        "row_f1": row_f1(gold, pred),
        "none_rows": len(nones),
        "none_acc": (sum(1 for i in nones if not pred[i]) / len(nones)) if nones else None,
    })
    return out


def tune_threshold(proba: np.ndarray, labels: Sequence[str], gold: Sequence[Sequence[str]], max_labels: int,
                   at_least_one: bool) -> tuple[float, float]:
    """(threshold, row-F1) maximising row-F1 on ``gold``; ties go to the threshold nearest 0.5."""
    best = (0.5, -1.0)
    for t in GRID:
        pred = [[name for name, _ in row] for row in decide(proba, labels, t, max_labels, at_least_one)]
        score = row_f1(gold, pred)
        if score > best[1] + 1e-9 or (abs(score - best[1]) <= 1e-9 and abs(t - 0.5) < abs(best[0] - 0.5)):
            best = (float(t), score)
    return best


def format_metrics(name: str, m: dict[str, Any], weak: int = 10, min_support: int = 3) -> str:
    """A short text report of ``score_rows`` output."""
    lines = [
        f"{name}: {m['rows']} rows ({m['cases']} labelled, {m['none_rows']} with no label), {m['charges']} labels",
        f"  set-F1 {m['set_f1']:.4f}  top-1 acc {m['top1_acc']:.4f}  macro-F1 {m['macro_f1']:.4f}  "
        f"micro-F1 {m['micro_f1']:.4f} (P {m['micro_p']:.4f}, R {m['micro_r']:.4f})",
        f"  row-F1 {m['row_f1']:.4f}" + (f"  no-label rows left empty {m['none_acc']:.3f}" if m["none_acc"] is not None else ""),
    ]
    rows = [(k, r) for k, r in m.get("per_charge", {}).items() if r["support"] >= min_support]
    rows.sort(key=lambda kv: (kv[1]["f1"], -kv[1]["support"], kv[0]))
    if rows and weak:
        lines.append(f"  weakest labels (support >= {min_support}): " +
                     ", ".join(f"{k} {r['f1']:.2f} ({r['support']})" for k, r in rows[:weak]))
    return "\n".join(lines)
