"""Raw per-charge scores of a batch of texts: the inputs of the offence model's stacker.

For every charge of the model's label list (the whole statute taxonomy), one number per signal:
``svm`` (linear SVM margin), ``cen`` (cosine to the training-case centroid), ``desc`` (cosine to the
statute-grounded description), ``ncov`` (share of the name's bigrams present) and ``rules`` (the
``OffenceRules`` score). Weights are feature-major sparse matrices (see ``textfeatures``), so a
batch costs a few ``numpy.bincount`` calls after the n-gram counting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from clue_miner.extract.textfeatures import FeatureMatrix, NgramVectorizer, Rows

__all__ = ["MATRICES", "OffenceScorer", "rule_score_matrix"]

# name -> the view of the text it multiplies
MATRICES: dict[str, str] = {"svm": "sup", "cen": "sup", "desc": "desc", "ncov": "present"}


def rule_score_matrix(rules: Any, texts: Sequence[str], index: Mapping[str, int]) -> np.ndarray:
    """(n_texts, n_labels) ``rules.predict_scores`` (max over a name's kinds); zeros without rules."""
    out = np.zeros((len(texts), len(index)), np.float32)
    if rules is None:
        return out
    for i, scores in enumerate(rules.predict_scores(list(texts))):
        for name, s in scores.items():
            j = index.get(name)
            if j is not None and s > out[i, j]:
                out[i, j] = s
    return out


class OffenceScorer:
    """Raw scores per (text, label).

    Parameters
    ----------
    vectorizer: the fitted :class:`NgramVectorizer`.
    labels: label names (criminal charges), in column order.
    arrays: for each of ``svm``, ``cen``, ``desc``, ``ncov``: ``{name}_indptr``, ``{name}_indices``,
        ``{name}_data`` (feature-major CSR, n_features × n_labels); ``svm_bias``; ``has`` (labels
        with a classifier), ``log_count`` (log(1 + training cases) per label), ``incail``.
    rules: an ``OffenceRules``-like object with ``predict_scores`` (None: no rule signal).
    use_scipy: multiply with scipy.sparse when it is installed (faster); numpy otherwise.
    """

    def __init__(self, vectorizer: NgramVectorizer, labels: Sequence[str], arrays: Mapping[str, np.ndarray],
                 rules: Any = None, use_scipy: bool = True) -> None:
        self.vectorizer = vectorizer
        self.labels = list(labels)
        self.arrays = dict(arrays)
        self.rules = rules
        self.index = {name: i for i, name in enumerate(self.labels)}
        self.has = np.asarray(self.arrays["has"], bool)
        self.log_count = np.asarray(self.arrays["log_count"], np.float32)
        self.incail = np.asarray(self.arrays["incail"], bool)
        self._mats = {
            name: FeatureMatrix(self.arrays[f"{name}_indptr"], self.arrays[f"{name}_indices"],
                                self.arrays[f"{name}_data"], self.n_labels, use_scipy=use_scipy)
            for name in MATRICES
        }

    @property
    def n_labels(self) -> int:
        return len(self.labels)

    def rule_scores(self, texts: Sequence[str]) -> np.ndarray:
        return rule_score_matrix(self.rules, texts, self.index)

    def raw(self, texts: Sequence[str], views: tuple[Rows, Rows, Rows] | None = None,
            rule_scores: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """``{svm, cen, desc, ncov, rules}``, each (n_texts, n_labels) float32."""
        sup, desc, present = views if views is not None else self.vectorizer.views(texts)
        inputs = {"sup": sup, "desc": desc, "present": present}
        out: dict[str, np.ndarray] = {}
        for name, view in MATRICES.items():
            out[name] = self._mats[name].dot(inputs[view])
        out["svm"] = out["svm"] + np.asarray(self.arrays["svm_bias"], np.float32)[None, :]
        out["rules"] = self.rule_scores(texts) if rule_scores is None else rule_scores
        return out
