"""The decision of a fine-tuned classifier, tuned on dev, and its scores on a split.

Multi-label: the probability threshold (one for all labels: per-label thresholds over-fit a small
dev split) and, for the offence task, how the model's labels combine with the rule detector's
(``model``, ``union``, ``rules_first``; ``--combine auto`` tries the three and keeps the best on
dev row-F1, ``model`` on ties). Single-label (category): the arg-max.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from clue_miner.train.metrics import GRID, decide, decide_single, row_f1, score_rows

log = logging.getLogger(__name__)

__all__ = ["decisions", "evaluate_split", "tune_decision"]

HEADLINE = ("set_f1", "top1_acc", "macro_f1", "micro_f1", "row_f1", "none_acc")


def _rules(texts: Sequence[str]) -> list[Any]:
    from clue_miner.extract.offence import OffenceRules

    return OffenceRules().predict(list(texts))


def decisions(task: str, labels: Sequence[str], decision: dict[str, Any], proba: np.ndarray,
              norm_texts: Sequence[str], single: bool, ruled: list[Any] | None = None,
              mode: str | None = None) -> list[list[str]]:
    """Decided label names per row (offences combined with the rules as ``decision`` says)."""
    from clue_miner.train.detector import combine

    if single:
        return [[n for n, _ in row] for row in decide_single(proba, labels)]
    rows = decide(proba, labels, float(decision["threshold"]), int(decision["max_labels"]), bool(decision["at_least_one"]))
    mode = mode or decision.get("combine", "model")
    if task != "offence" or mode == "model":
        return [[n for n, _ in row] for row in rows]
    ruled = ruled if ruled is not None else _rules(norm_texts)
    return [[n for n, _ in combine(mode, row, r, int(decision["max_labels"]))] for row, r in zip(rows, ruled, strict=True)]


def tune_decision(params: Any, labels: Sequence[str], proba: np.ndarray, gold: Sequence[Sequence[str]],
                  norm_texts: Sequence[str], max_labels: int, at_least_one: bool,
                  single: bool) -> tuple[dict[str, Any], dict[str, float]]:
    """(decision, best dev row-F1 per combination) — see the module docstring."""
    if single:
        return {"threshold": None, "max_labels": 1, "at_least_one": True, "combine": "model"}, {}
    if params.task != "offence":
        if params.combine not in ("auto", "model"):
            log.warning("--combine %s applies to the offence task only; using model", params.combine)
        modes = ["model"]
    else:
        modes = ["model", "union", "rules_first"] if params.combine == "auto" else [params.combine]
    ruled = _rules(norm_texts) if any(m != "model" for m in modes) else None
    scores: dict[str, float] = {}
    best: dict[str, Any] | None = None
    for mode in modes:
        top = (0.5, -1.0)
        for t in GRID:
            dec = {"threshold": float(t), "max_labels": max_labels, "at_least_one": at_least_one, "combine": mode}
            score = row_f1(gold, decisions(params.task, labels, dec, proba, norm_texts, False, ruled))
            if score > top[1] + 1e-9 or (abs(score - top[1]) <= 1e-9 and abs(t - 0.5) < abs(top[0] - 0.5)):
                top = (float(t), score)
        scores[mode] = round(top[1], 4)
        if best is None or top[1] > scores[best["combine"]] + 1e-9:
            best = {"threshold": top[0], "max_labels": max_labels, "at_least_one": at_least_one, "combine": mode}
    assert best is not None
    log.info("decision tuned on dev: %s (row-F1 per combination %s)", best, scores)
    return best, scores


def evaluate_split(task: str, labels: Sequence[str], decision: dict[str, Any], proba: np.ndarray,
                   gold: Sequence[Sequence[str]], norm_texts: Sequence[str], single: bool) -> dict[str, Any]:
    """``score_rows`` of the decided labels; with a rules combination, the model-only headline too."""
    ruled = _rules(norm_texts) if task == "offence" and decision.get("combine", "model") != "model" else None
    pred = decisions(task, labels, decision, proba, norm_texts, single, ruled)
    out = score_rows(gold, pred)
    if ruled is not None:
        alone = score_rows(gold, decisions(task, labels, decision, proba, norm_texts, single, mode="model"))
        out["model_only"] = {k: alone[k] for k in HEADLINE}
    return out
