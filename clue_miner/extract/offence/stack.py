"""Label-agnostic (text, charge) pair features and the small stacking model over them.

The offence model scores every (text, charge) pair from a handful of signals, each a number that
means the same for every charge, so that what the stacker learns about them carries over to
charges with no training case:

- ``svm``: margin of the charge's linear SVM over character n-grams (0 when the charge had no
  training case; ``has`` says which); ``cen``: cosine to the charge's training-case centroid;
- ``desc``: cosine to the charge's *description* (its statute article, 【罪名】, aliases, cues and
  elements from the taxonomy) — the zero-shot signal;
- ``rules``: the ``OffenceRules`` score (colloquial cues and patterns); ``ncov``: the idf-weighted
  share of the charge name's character bigrams present in the text;
- each signal relative to the text's best charge (``…rel``) and as a reciprocal rank;
- ``cnt``: log(1 + training cases of the charge); ``incail``: the charge is one of the 202
  CAIL2018 charges (the commonly prosecuted ones).

Only *candidates* are scored (top ``top_k`` charges by desc, svm and cen, and every charge the
rules saw); the rest get probability 0. The stacker is a logistic regression, a one-hidden-layer
MLP or the mean of both, stored as plain arrays, each Platt-scaled on held-out folds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["FEATURES", "Stacker", "candidate_mask", "pair_features"]

FEATURES: tuple[str, ...] = (
    "svm", "svmrel", "has", "cen", "cenrel", "desc", "descrel", "descrank",
    "rules", "rulesrel", "ncov", "cnt", "svmrank", "cenrank", "incail",
)
SVM_FLOOR = -2.0  # margin given to charges without a classifier


def _rel(a: np.ndarray) -> np.ndarray:
    return a - a.max(axis=1, keepdims=True)


def _rank(a: np.ndarray) -> np.ndarray:
    order = np.argsort(-a, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(a.shape[1])[None, :].repeat(a.shape[0], 0), axis=1)
    return 1.0 / (1.0 + ranks)


def pair_features(raw: Mapping[str, np.ndarray], has: np.ndarray, cnt: np.ndarray, incail: np.ndarray,
                  features: tuple[str, ...] = FEATURES) -> np.ndarray:
    """(n_texts, n_labels, n_features) float32 from the raw per-label scores of a batch."""
    n, n_labels = raw["desc"].shape
    h = has.astype(np.float32)[None, :]
    svm = np.where(has[None, :], raw["svm"], SVM_FLOOR)
    table = {
        "svm": lambda: svm * h,
        "svmrel": lambda: _rel(svm) * h,
        "has": lambda: np.broadcast_to(h, (n, n_labels)),
        "cen": lambda: raw["cen"],
        "cenrel": lambda: _rel(raw["cen"]),
        "desc": lambda: raw["desc"],
        "descrel": lambda: _rel(raw["desc"]),
        "descrank": lambda: _rank(raw["desc"]),
        "rules": lambda: raw["rules"],
        "rulesrel": lambda: _rel(raw["rules"]),
        "ncov": lambda: raw["ncov"],
        "cnt": lambda: np.broadcast_to(cnt.astype(np.float32)[None, :], (n, n_labels)),
        "svmrank": lambda: _rank(svm) * h,
        "cenrank": lambda: _rank(raw["cen"]),
        "incail": lambda: np.broadcast_to(incail.astype(np.float32)[None, :], (n, n_labels)),
    }
    return np.stack([table[f]() for f in features], axis=-1).astype(np.float32)


def candidate_mask(raw: Mapping[str, np.ndarray], has: np.ndarray, top_k: int = 25) -> np.ndarray:
    """Pairs worth scoring: the top ``top_k`` labels by desc, svm and cen, and all rule hits."""
    mask = raw["rules"] > 0
    k = min(top_k, mask.shape[1])
    svm = np.where(has[None, :], raw["svm"], -np.inf)
    for a in (raw["desc"], svm, raw["cen"]):
        top = np.argpartition(-a, k - 1, axis=1)[:, :k]
        np.put_along_axis(mask, top, True, axis=1)
    return mask


class Stacker:
    """Pair features -> calibrated probability (numpy inference of a fitted LR, MLP or their mean).

    Parameters
    ----------
    kind: ``"lr"``, ``"mlp"`` (one ReLU hidden layer) or ``"mean"`` (the mean of the two calibrated
        probabilities: the MLP is the sharper on court prose, the monotone LR the safer far from it).
    arrays: ``mean``, ``scale`` (standardisation), ``w1``, ``b1`` (and ``w2``, ``b2`` for the MLP),
        ``platt`` (a, b of the final sigmoid on the logit); for ``"mean"`` the same with the
        prefixes ``lr_`` and ``mlp_``.
    """

    def __init__(self, kind: str, arrays: Mapping[str, np.ndarray]) -> None:
        if kind not in ("lr", "mlp", "mean"):
            raise ValueError(f"unknown stacker kind {kind!r}")
        self.kind = kind
        self.arrays = {k: np.asarray(v, np.float32) for k, v in arrays.items()}

    def _part(self, prefix: str) -> dict[str, np.ndarray]:
        return {k[len(prefix):]: v for k, v in self.arrays.items() if k.startswith(prefix)}

    @staticmethod
    def _logit(kind: str, a: Mapping[str, np.ndarray], feats: np.ndarray) -> np.ndarray:
        x = (feats - a["mean"]) / a["scale"]
        if kind == "lr":
            return x @ a["w1"].reshape(-1) + a["b1"].reshape(())
        hidden = np.maximum(x @ a["w1"] + a["b1"], 0.0)
        return hidden @ a["w2"].reshape(-1) + a["b2"].reshape(())

    @classmethod
    def _proba(cls, kind: str, a: Mapping[str, np.ndarray], feats: np.ndarray) -> np.ndarray:
        pa, pb = a["platt"]
        z = np.clip(pa * cls._logit(kind, a, feats) + pb, -30.0, 30.0)
        return 1.0 / (1.0 + np.exp(-z))

    def predict_proba(self, feats: np.ndarray) -> np.ndarray:
        if self.kind == "mean":
            return 0.5 * (self._proba("lr", self._part("lr_"), feats) + self._proba("mlp", self._part("mlp_"), feats))
        return self._proba(self.kind, self.arrays, feats)
