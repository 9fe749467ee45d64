"""Fit the stacker of the offence model on held-out pair features (training side).

Pairs (fact, candidate charge) come from cross-fitted folds: in each fold the per-charge models
are fitted without the held-out facts *and* without a random share of the charges (label
dropout), so that the stacker sees charges with few or no training cases, as unseen CAIL cases
will show it. Facts are weighted by the inverse frequency of their charges: a test that covers all
202 charges weighs rare charges as much as common ones. Platt scaling on the unweighted pairs
turns the stacker's logit into a calibrated probability; the extra-offence threshold is tuned for
set-F1 on the same held-out predictions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["decide", "fit_stacker", "set_f1", "tune_threshold"]


def fit_stacker(feats: np.ndarray, y: np.ndarray, weights: np.ndarray, kind: str = "lr",
                seed: int = 13) -> dict[str, np.ndarray]:
    """Arrays for :class:`clue_miner.extract.offence.stack.Stacker` (``mean, scale, w1, b1[, w2, b2], platt``)."""
    from sklearn.linear_model import LogisticRegression

    if kind == "mean":
        parts = {p: fit_stacker(feats, y, weights, p, seed) for p in ("lr", "mlp")}
        return {f"{p}_{k}": v for p, arrays in parts.items() for k, v in arrays.items()}

    mean = feats.mean(axis=0)
    scale = feats.std(axis=0)
    scale[scale < 1e-6] = 1.0
    x = (feats - mean) / scale
    arrays: dict[str, np.ndarray] = {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32)}
    if kind == "lr":
        clf = LogisticRegression(C=1.0, max_iter=5000).fit(x, y, sample_weight=weights)
        arrays["w1"] = clf.coef_[0].astype(np.float32)
        arrays["b1"] = np.asarray(clf.intercept_, np.float32)
        logit = x @ clf.coef_[0] + clf.intercept_[0]
    elif kind == "mlp":
        from sklearn.neural_network import MLPClassifier

        clf = MLPClassifier((32,), alpha=1e-3, max_iter=200, random_state=seed, tol=1e-5)
        clf.fit(x, y, sample_weight=weights)
        arrays["w1"] = clf.coefs_[0].astype(np.float32)
        arrays["b1"] = clf.intercepts_[0].astype(np.float32)
        arrays["w2"] = clf.coefs_[1][:, 0].astype(np.float32)
        arrays["b2"] = np.asarray(clf.intercepts_[1], np.float32)
        hidden = np.maximum(x @ clf.coefs_[0] + clf.intercepts_[0], 0.0)
        logit = hidden @ clf.coefs_[1][:, 0] + clf.intercepts_[1][0]
    else:
        raise ValueError(f"unknown stacker kind {kind!r}")
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(logit[:, None], y)
    arrays["platt"] = np.array([platt.coef_[0, 0], platt.intercept_[0]], np.float32)
    return arrays


def decide(proba: np.ndarray, names: Sequence[str], threshold: float, max_offences: int = 3,
           force_top: bool = True) -> list[list[str]]:
    """Charges per text: the best one (when ``force_top``) plus any other at or above ``threshold``."""
    out = []
    k = min(max_offences, proba.shape[1])
    for p in proba:
        order = np.argsort(-p, kind="stable")[:k]
        out.append([names[j] for n, j in enumerate(order) if p[j] >= threshold or (n == 0 and force_top and p[j] > 0)])
    return out


def set_f1(gold: Sequence[set[str]], pred: Sequence[Sequence[str]], weights: np.ndarray | None = None) -> float:
    scores = np.array([2 * len(g & set(p)) / (len(g) + len(set(p))) if p else 0.0 for g, p in zip(gold, pred, strict=True)])
    if weights is None:
        return float(scores.mean()) if len(scores) else 0.0
    return float((scores * weights).sum() / weights.sum())


def tune_threshold(proba: np.ndarray, names: Sequence[str], gold: Sequence[set[str]], weights: np.ndarray,
                   max_offences: int = 3) -> tuple[float, float]:
    """(threshold, weighted set-F1) maximising set-F1 of the held-out predictions."""
    best = (0.5, -1.0)
    for t in np.round(np.arange(0.5, 0.91, 0.05), 2):  # an extra charge needs at least even odds
        score = set_f1(gold, decide(proba, names, float(t), max_offences), weights)
        if score > best[1] + 1e-9:
            best = (float(t), score)
    return best
