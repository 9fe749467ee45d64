"""The trained offence model: statute-grounded linear scores, stacked, calibrated (``models/offence-linear``).

``OffenceModel`` implements the ``OffenceDetector`` protocol. For each text it scores every
criminal charge of the taxonomy (``OffenceScorer``: SVM, centroid, statute description, name
bigrams and ``OffenceRules`` scores), turns the candidates' pair features into calibrated
probabilities (``Stacker``) and decides the set:

- court prose (more ``被告人``, ``公诉机关`` … — the config's ``court_pattern`` — than ``您好``,
  ``领导``, ``投诉`` … — its ``complaint_pattern``) is a case that states an offence: the best charge, plus every other charge at or above the tuned threshold;
- a complaint is read by the rules (they know how complainants talk, and the administrative
  causes). Only when they name no criminal offence does the model add its charges whose
  probability reaches ``complaint_threshold`` (0.9), except the criminal escalations of an
  administrative cause the rules found (the facts settle those). The model trained on court prose
  ranks complaint charges well but is under-confident there, so it backs the rules instead of
  replacing them; a civic message gets no offence.

``mode`` forces one reading (``"fact"`` / ``"complaint"``) or picks per text (``"auto"``).
Evidence spans: the rules' cues for the rules' offences; for the model's, the occurrences of the
charge's strongest description / SVM n-grams (``labels.json``: ``evidence``). Loading reads JSON and npz only.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from clue_miner.extract.components import OffenceCandidate
from clue_miner.types import Evidence

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODEL", "LABEL", "OffenceModel", "default_offence_detector", "load_offence_model"]

DEFAULT_MODEL = "offence-linear"
LABEL = "OFFENCE_NGRAM"
MODES = ("auto", "fact", "complaint")


class OffenceModel:
    """Offence detector over a trained model directory.

    Parameters
    ----------
    path: the model directory (``config.json`` with ``"kind": "offence"``).
    mode: ``"auto"`` (court prose -> fact reading, else complaint reading), ``"fact"`` or ``"complaint"``.
    threshold: probability for a charge beyond the best one in a court fact (default: the tuned one).
    complaint_threshold: probability for a model-only charge in a complaint (default: the config's).
    max_offences: at most this many offences per text.
    use_rules: feed the ``OffenceRules`` scores to the model and combine with its decisions.
    batch_size: texts scored at once.
    """

    name = "offence-model"

    def __init__(
        self,
        path: str | Path | None = None,
        mode: str = "auto",
        threshold: float | None = None,
        complaint_threshold: float | None = None,
        max_offences: int | None = None,
        use_rules: bool = True,
        batch_size: int = 256,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.path = path
        self.mode = mode
        self.threshold = threshold
        self.complaint_threshold = complaint_threshold
        self.max_offences = max_offences
        self.use_rules = use_rules
        self.batch_size = batch_size
        self._loaded: dict[str, Any] | None = None

    # ------------------------------------------------------------------ loading
    def _load(self) -> dict[str, Any]:
        if self._loaded is None:
            self._loaded = _load_dir(str(_resolve(self.path)), self.use_rules)
        return self._loaded

    @property
    def version(self) -> str:
        return str(self._load()["config"].get("version", "offence-model"))

    @property
    def labels(self) -> list[str]:
        return self._load()["scorer"].labels

    def fit(self, texts: Any = None, y: Any = None) -> OffenceModel:
        """Nothing to learn here (``training/train_offence.py`` trains); loads the weights."""
        self._load()
        return self

    # ------------------------------------------------------------------ scoring
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n_texts, n_labels) calibrated probability of each charge (0 for non-candidates)."""
        parts = [self._score(list(texts[i:i + self.batch_size])) for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, len(self.labels)), np.float32)

    def _score(self, texts: list[str]) -> np.ndarray:
        from clue_miner.extract.offence.stack import candidate_mask, pair_features

        m = self._load()
        scorer = m["scorer"]
        raw = scorer.raw(texts)
        mask = candidate_mask(raw, scorer.has, m["top_k"])
        feats = pair_features(raw, scorer.has, scorer.log_count, scorer.incail, m["features"])
        proba = np.zeros(mask.shape, np.float32)
        if mask.any():
            proba[mask] = m["stacker"].predict_proba(feats[mask])
        return proba

    def is_court_text(self, text: str) -> bool:
        """Court prose (a case that states an offence): more court markers than complaint markers."""
        if self.mode != "auto":
            return self.mode == "fact"
        m = self._load()
        head = text[:3000]
        court = len(m["court"].findall(head))
        return court > 0 and court > len(m["plea"].findall(head))

    # ------------------------------------------------------------------ predict
    def predict(self, texts: Sequence[str]) -> list[list[OffenceCandidate]]:
        """Offences per text, best first (possibly none for a complaint)."""
        out: list[list[OffenceCandidate]] = []
        rules = self._load()["rules"]
        for start in range(0, len(texts), self.batch_size):
            batch = [t or "" for t in texts[start:start + self.batch_size]]
            proba = self._score(batch)
            court = [self.is_court_text(t) for t in batch]
            plain = [i for i, c in enumerate(court) if not c and batch[i].strip()]
            ruled = dict(zip(plain, rules.predict([batch[i] for i in plain]), strict=True)) if rules and plain else {}
            for i, text in enumerate(batch):
                if not text.strip():
                    out.append([])
                elif court[i]:
                    out.append(self._fact(text, proba[i]))
                else:
                    out.append(self._complaint(text, proba[i], ruled.get(i, [])))
        return out

    def _limit(self) -> int:
        return int(self.max_offences or self._load()["decision"].get("max_offences", 3))

    def _fact(self, text: str, p: np.ndarray) -> list[OffenceCandidate]:
        m = self._load()
        t = self.threshold if self.threshold is not None else float(m["decision"]["threshold"])
        order = np.argsort(-p, kind="stable")[: self._limit()]
        picked = [j for n, j in enumerate(order) if p[j] >= t or (n == 0 and p[j] > 0)]
        return [self._candidate(text, int(j), float(p[j])) for j in picked]

    def _complaint(self, text: str, p: np.ndarray, found: list[OffenceCandidate]) -> list[OffenceCandidate]:
        """The rules' offences; when they name no criminal one, the model's confident charges too."""
        if any(c.kind == "criminal" for c in found):
            return list(found)
        t = self.complaint_threshold
        if t is None:
            t = float(self._load()["decision"].get("complaint_threshold", 0.9))
        # an administrative cause the rules found escalates by the facts (settle), not by the model
        from clue_miner.knowledge.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
        covered = {c.name for c in found} | {e for c in found for e in taxonomy.escalations(c.name)}
        out = list(found)
        labels = self.labels
        for j in np.argsort(-p, kind="stable")[: self._limit()]:
            if p[j] < t or len(out) >= self._limit():
                break
            if labels[j] not in covered:
                out.append(self._candidate(text, int(j), float(p[j])))
        return out

    def _candidate(self, text: str, j: int, score: float) -> OffenceCandidate:
        return OffenceCandidate(self.labels[j], "criminal", round(score, 4), self._evidence(text, j))

    def _evidence(self, text: str, j: int, limit: int = 3) -> tuple[Evidence, ...]:
        """Where the charge shows: its taxonomy phrases first (longest first), then its strongest
        n-grams; touching or overlapping spans are merged (注册 + 商标 -> 注册商标)."""
        from clue_miner.extract.textfeatures import fold

        folded = fold(text)
        m = self._load()
        spans: list[tuple[int, int]] = []
        for gram in (*m["phrases"][j], *m["evidence"][j]):
            start = folded.find(gram)
            if start < 0:
                continue
            end = start + len(gram)
            if any(s <= start and end <= e for s, e in spans):
                continue
            spans.append((start, end))
            if len(_merge(spans)) >= limit and len(spans) >= 2 * limit:
                break
        merged = sorted(_merge(spans), key=lambda se: (se[0] - se[1], se[0]))[:limit]
        return tuple(Evidence(LABEL, text[s:e], s, e) for s, e in sorted(merged))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _resolve(path: str | Path | None) -> Path:
    from clue_miner.model_store import resolve

    return resolve(path if path is not None else DEFAULT_MODEL)


@lru_cache(maxsize=4)
def _load_dir(path: str, use_rules: bool) -> dict[str, Any]:
    from clue_miner.extract.offence.scorer import OffenceScorer
    from clue_miner.extract.offence.stack import FEATURES, Stacker
    from clue_miner.extract.textfeatures import NgramVectorizer
    from clue_miner.model_store import read_config

    model_dir = Path(path)
    cfg = read_config(model_dir, kind="offence")
    files = cfg.get("files", {})
    labels = json.loads((model_dir / files.get("labels", "labels.json")).read_text(encoding="utf-8"))
    vocab = json.loads((model_dir / files.get("vocab", "vocab.json")).read_text(encoding="utf-8"))
    with np.load(model_dir / files.get("weights", "weights.npz"), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    vec = NgramVectorizer.from_arrays(vocab, arrays.pop("idf"), cfg["vectorizer"])
    rules = None
    if use_rules:
        from clue_miner.extract.offence.rules import OffenceRules

        rules = OffenceRules()
    scorer = OffenceScorer(vec, [row["name"] for row in labels], arrays, rules=rules)
    stack_cfg = cfg["stacker"]
    stacker = Stacker(stack_cfg["kind"], {k[6:]: v for k, v in arrays.items() if k.startswith("stack_")})
    features = tuple(stack_cfg.get("features", FEATURES))
    log.info("loaded offence model %s (%d labels, %d n-grams)", cfg.get("version"), len(labels), len(vocab))
    return {
        "config": cfg, "scorer": scorer, "stacker": stacker, "features": features,
        "top_k": int(stack_cfg.get("top_k", 25)), "decision": cfg.get("decision", {}),
        "court": re.compile(cfg.get("decision", {}).get("court_pattern", "被告人")),
        "plea": re.compile(cfg.get("decision", {}).get("complaint_pattern", "您好|领导")),
        "evidence": [tuple(row.get("evidence", ())) for row in labels], "rules": rules,
        "phrases": _phrases([row["name"] for row in labels]),
    }


def _phrases(names: list[str]) -> list[tuple[str, ...]]:
    """Per label, the folded taxonomy name, aliases and cues (2+ chars), longest first."""
    from clue_miner.extract.textfeatures import fold
    from clue_miner.knowledge.taxonomy import CRIMINAL, load_taxonomy

    taxonomy = load_taxonomy()
    out = []
    for name in names:
        info = taxonomy.get(name, CRIMINAL)
        words = {name} if info is None else {name, *info.aliases, *info.cues, *info.medium_cues}
        out.append(tuple(sorted({fold(w) for w in words if len(w) >= 2}, key=lambda w: (-len(w), w))))
    return out


def load_offence_model(path: str | Path | None = None, **params: Any) -> OffenceModel:
    """The offence model in ``path`` (default: the shipped ``models/offence-linear``), loaded."""
    return OffenceModel(path, **params).fit()


def default_offence_detector() -> Any:
    """The detector ``extract()`` uses: the shipped offence model, or the rules when it is not installed."""
    from clue_miner.errors import ModelError

    try:
        return load_offence_model()
    except ModelError as err:
        from clue_miner.extract.offence.rules import OffenceRules

        log.warning("offence model unavailable (%s); using the rule detector", err)
        return OffenceRules()
