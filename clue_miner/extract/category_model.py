"""The trained category model: crime / administrative / civil / civic of a complaint (``models/category-linear``).

A multinomial logistic regression over two kinds of features, trained on real citizen messages
labelled with the rubric of the shared data's ``LABELLING.md`` (``training/train_category.py``):

- character 1–3-gram TF-IDF of the text (:class:`~clue_miner.extract.textfeatures.NgramVectorizer`,
  its ``sup`` view: how people write about a pothole, a refund or a fraud);
- dense features from the rest of the pipeline: the four rule-lexicon category scores
  (:class:`~clue_miner.extract.category.CategoryRules`) and the best criminal and administrative
  offence scores of the offence detector (what the complaint is legally about).

``predict`` implements the ``CategoryClassifier`` protocol. Its word is final between civil,
civic and the rest (``authoritative``): the pipeline's settling step only moves a complaint
between crime and administrative once the thresholds are applied. Loading reads JSON and npz only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from clue_miner.extract.components import OffenceCandidate
from clue_miner.types import CATEGORY_LABELS, Category, Offence

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODEL", "CategoryModel", "dense_features", "default_category_classifier", "load_category_model"]

DEFAULT_MODEL = "category-linear"
DENSE_FEATURES = ("rules_crime", "rules_administrative", "rules_civil", "rules_civic", "offence_criminal",
                  "offence_administrative")


@lru_cache(maxsize=1)
def _lexicon_rules() -> Any:
    from clue_miner.extract.category import CategoryRules

    return CategoryRules()  # its automaton is built once per process, not once per batch


def dense_features(texts: Sequence[str], offences: Sequence[Sequence[Offence | OffenceCandidate]]) -> np.ndarray:
    """The pipeline features of a batch (rows × ``DENSE_FEATURES``)."""
    scores = _lexicon_rules().predict_scores(texts, offences)
    out = np.zeros((len(texts), len(DENSE_FEATURES)), np.float32)
    for i, (s, offs) in enumerate(zip(scores, offences, strict=True)):
        out[i, :4] = [s[k] for k in CATEGORY_LABELS]
        out[i, 4] = max((o.score for o in offs if o.kind == "criminal"), default=0.0)
        out[i, 5] = max((o.score for o in offs if o.kind != "criminal"), default=0.0)
    return out


class CategoryModel:
    """Category classifier over a trained model directory (``config.json`` with ``"kind": "category"``)."""

    name = "category-model"
    authoritative = True

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = path
        self._loaded: dict[str, Any] | None = None

    @property
    def _model(self) -> dict[str, Any]:
        if self._loaded is None:  # resolved once: a path lookup costs ~0.3 ms, twice an extract() call
            self._loaded = _load_dir(str(_resolve(self.path)))
        return self._loaded

    @property
    def version(self) -> str:
        return str(self._model["config"].get("version", "category"))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._model["labels"])

    def fit(self, texts: Any = None, y: Any = None) -> CategoryModel:
        """Loads the weights (training is ``training/train_category.py``)."""
        _ = self._model
        return self

    def predict_proba(self, texts: Sequence[str],
                      offences: Sequence[Sequence[Offence | OffenceCandidate]]) -> np.ndarray:
        """Rows × labels probabilities (each row sums to one)."""
        m = self._model
        if not texts:
            return np.zeros((0, len(m["labels"])), np.float32)
        sup, _, _ = m["vectorizer"].views(list(texts))
        logits = m["ngram_weights"].dot(sup)
        logits += dense_features(texts, offences) @ m["dense_weights"] + m["intercept"]
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict_scores(self, texts: Sequence[str],
                       offences: Sequence[Sequence[Offence | OffenceCandidate]]) -> list[dict[str, float]]:
        labels = self.labels
        return [{k: float(row[j]) for j, k in enumerate(labels)} for row in self.predict_proba(texts, offences)]

    def predict(self, texts: Sequence[str],
                offences: Sequence[Sequence[Offence | OffenceCandidate]]) -> list[Category]:
        labels = self.labels
        out = []
        for row in self.predict_proba(texts, offences):
            j = int(np.argmax(row))
            out.append(Category(labels[j], round(float(row[j]), 4), tuple(zip(labels, map(float, row), strict=True))))
        return out


def _resolve(path: str | Path | None) -> Path:
    from clue_miner.model_store import resolve

    return resolve(path or DEFAULT_MODEL)


@lru_cache(maxsize=4)
def _load_dir(path: str) -> dict[str, Any]:
    from clue_miner.errors import ModelError
    from clue_miner.extract.textfeatures import FeatureMatrix, NgramVectorizer
    from clue_miner.model_store import read_config

    model_dir = Path(path)
    cfg = read_config(model_dir, kind="category")
    files = cfg.get("files", {})
    vocab = json.loads((model_dir / files.get("vocab", "vocab.json")).read_text(encoding="utf-8"))
    with np.load(model_dir / files.get("weights", "weights.npz"), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    labels = list(cfg["labels"])
    if sorted(labels) != sorted(CATEGORY_LABELS) or tuple(cfg.get("dense_features", ())) != DENSE_FEATURES:
        raise ModelError(f"{model_dir}: labels or dense features do not match this version of clue_miner",
                         code="bad_model")
    vec = NgramVectorizer.from_arrays(vocab, arrays["idf"], cfg["vectorizer"])
    ngram = FeatureMatrix(arrays["ngram_indptr"], arrays["ngram_indices"], arrays["ngram_data"], len(labels))
    log.info("loaded category model %s (%d n-grams)", cfg.get("version"), len(vocab))
    return {"config": cfg, "labels": labels, "vectorizer": vec, "ngram_weights": ngram,
            "dense_weights": arrays["dense"].astype(np.float32), "intercept": arrays["intercept"].astype(np.float32)}


def load_category_model(path: str | Path | None = None) -> CategoryModel:
    return CategoryModel(path).fit()


def default_category_classifier() -> Any:
    """The shipped category model when it is there, else the rule classifier."""
    from clue_miner.errors import ModelError

    try:
        return load_category_model()
    except ModelError:
        from clue_miner.extract.category import CategoryRules

        log.warning("no shipped category model; using the rule classifier")
        return CategoryRules()
