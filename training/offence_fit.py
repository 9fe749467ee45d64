"""Fit the per-charge weights of the offence model (training side; scikit-learn and scipy).

``fit_base`` turns labelled facts and the label descriptions into the arrays that
``clue_miner.extract.offence.scorer.OffenceScorer`` reads: one linear SVM per charge with training
cases (weights pruned to the ``svm_top`` largest), class centroids (pruned to ``cen_top``), the
description vectors of every charge, and the idf-weighted bigrams of every charge name. All
matrices are stored feature-major (CSR over the vocabulary), float16 where they are weights.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from clue_miner.extract.textfeatures import NgramVectorizer, fold

log = logging.getLogger("train_offence")

__all__ = ["fit_base", "label_major_to_feature_major"]


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if "、" not in text[i:i + 2]}


def label_major_to_feature_major(rows: Sequence[tuple[np.ndarray, np.ndarray]], n_features: int,
                                 prefix: str, dtype: type = np.float16) -> dict[str, np.ndarray]:
    """[(feature indices, values) per label] -> ``{prefix}_indptr/_indices/_data`` by feature."""
    from scipy.sparse import csr_matrix

    cols = np.concatenate([np.full(len(idx), j, np.int64) for j, (idx, _) in enumerate(rows)] or [np.zeros(0, np.int64)])
    feats = np.concatenate([idx for idx, _ in rows] or [np.zeros(0, np.int64)]).astype(np.int64)
    vals = np.concatenate([v for _, v in rows] or [np.zeros(0, np.float32)]).astype(np.float32)
    mat = csr_matrix((vals, (feats, cols)), shape=(n_features, len(rows)))
    mat.sum_duplicates()
    mat.sort_indices()
    index_type = np.int16 if len(rows) < 32000 else np.int32
    return {f"{prefix}_indptr": mat.indptr.astype(np.int32), f"{prefix}_indices": mat.indices.astype(index_type),
            f"{prefix}_data": mat.data.astype(dtype)}


def _top(vec: np.ndarray, k: int, positive_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    score = vec if positive_only else np.abs(vec)
    nz = np.flatnonzero(score > 0)
    if len(nz) > k:
        nz = nz[np.argsort(-score[nz], kind="stable")[:k]]
    nz = np.sort(nz)
    return nz, vec[nz].astype(np.float32)


def fit_base(
    texts: Sequence[str],
    labels: Sequence[Collection[str]],
    names: Sequence[str],
    docs: Mapping[str, str],
    vectorizer: NgramVectorizer,
    incail: np.ndarray,
    drop: Collection[str] = (),
    C: float = 0.5,
    svm_top: int = 4000,
    cen_top: int = 1500,
    seed: int = 13,
) -> dict[str, np.ndarray]:
    """Arrays for :class:`OffenceScorer`; labels in ``drop`` are treated as having no training case."""
    from sklearn.svm import LinearSVC

    n_feat = len(vectorizer.vocabulary_)
    index = {n: j for j, n in enumerate(names)}
    y = np.zeros((len(texts), len(names)), bool)
    for i, labs in enumerate(labels):
        for lab in labs:
            if lab in index and lab not in drop:
                y[i, index[lab]] = True
    count = y.sum(axis=0)
    sup = vectorizer.views(texts)[0].to_scipy(n_feat) if len(texts) else None
    svm_rows, cen_rows = [], []
    bias = np.zeros(len(names), np.float32)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.float32))
    for j in range(len(names)):
        if count[j] == 0 or sup is None:
            svm_rows.append(empty)
            cen_rows.append(empty)
            continue
        if count[j] == len(texts):  # every case has it: no negative to learn from
            svm_rows.append(empty)
            bias[j] = 1.0
        else:
            clf = LinearSVC(C=C, random_state=seed, max_iter=2000).fit(sup, y[:, j])
            svm_rows.append(_top(clf.coef_[0], svm_top))
            bias[j] = float(clf.intercept_[0])
        centroid = np.asarray(sup[y[:, j]].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        cen_rows.append(_top(centroid / (norm or 1.0), cen_top, positive_only=True))
    desc_views = vectorizer.views([docs[n] for n in names])[1]
    desc_rows = [(desc_views.indices[desc_views.indptr[j]:desc_views.indptr[j + 1]],
                  desc_views.data[desc_views.indptr[j]:desc_views.indptr[j + 1]]) for j in range(len(names))]
    ncov_rows = []
    for name in names:
        grams = sorted(g for g in _bigrams(fold(name)) if g in vectorizer.index_)
        idx = np.array([vectorizer.index_[g] for g in grams], np.int64)
        w = vectorizer.idf_[idx].astype(np.float32) if len(idx) else np.zeros(0, np.float32)
        ncov_rows.append((idx, w / w.sum() if len(w) else w))
    arrays: dict[str, np.ndarray] = {
        "svm_bias": bias,
        "has": (count > 0),
        "log_count": np.log1p(count).astype(np.float32),
        "incail": np.asarray(incail, bool),
    }
    for prefix, rows in (("svm", svm_rows), ("cen", cen_rows), ("desc", desc_rows), ("ncov", ncov_rows)):
        arrays.update(label_major_to_feature_major(rows, n_feat, prefix))
    log.debug("fitted %d classifiers over %d features", int((count > 0).sum()), n_feat)
    return arrays

