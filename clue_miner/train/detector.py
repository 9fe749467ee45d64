"""Inference with a fine-tuned model directory: batched, thread-bounded, protocol-shaped.

- ``TextClassifier``: any task; ``predict_proba`` / ``predict_labels``.
- ``TransformerOffenceDetector``: the ``OffenceDetector`` protocol (``clue-miner mine
  --offence-model DIR``, ``clue_miner.load(offence_model=DIR)``). Its decisions are combined with
  the rule detector as the config says (``combine``, picked on dev at training time):
  ``model`` (the model's labels only), ``union`` (rules' and model's), ``rules_first`` (the rules'
  offences when they name a criminal one, else their administrative ones plus the model's).
  Evidence spans are cheap: the rule cues of the same offence, else where the offence's name,
  aliases or cues (taxonomy) occur in the text.
- ``TransformerCategoryClassifier``: the ``CategoryClassifier`` protocol (``load(category_model=DIR)``).

Threads: ``threads`` (default ``$CLUE_MINER_THREADS`` or 1) bounds torch's intra-op threads while
predicting (the previous setting is restored afterwards); the Rust tokenizer runs single-threaded. Texts are sorted by length inside a call
so that a batch pads little; the output keeps the input order.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from clue_miner.extract.components import OffenceCandidate
from clue_miner.extract.parallel import inference_threads
from clue_miner.types import Category, Evidence

log = logging.getLogger(__name__)

__all__ = ["COMBINES", "TextClassifier", "TransformerCategoryClassifier", "TransformerOffenceDetector",
           "combine", "load_classifier", "prepare"]

COMBINES = ("model", "union", "rules_first")
LABEL = "OFFENCE_MODEL"


def prepare(text: str) -> str:
    """What the encoder reads: the pipeline's normalisation, then NFKC + lower case."""
    from clue_miner.text.normalize import normalize
    from clue_miner.train.vocab import fold

    return fold(normalize(text or "").text)


@lru_cache(maxsize=4)
def _load(path: str, stamp: int = 0) -> tuple[dict[str, Any], Any, Any]:
    """Once per process and model directory (``stamp``: config.json's mtime, so a retrained one reloads)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from clue_miner.train.model_dir import read_model_config

    hf_logging.disable_progress_bar()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no extra tokenizer threads beyond `threads`

    cfg, encoder = read_model_config(path)
    tokenizer = AutoTokenizer.from_pretrained(str(encoder), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(str(encoder), local_files_only=True, use_safetensors=True)
    model.eval()
    log.info("loaded %s (%d labels) from %s", cfg["kind"], len(cfg["labels"]), path)
    return cfg, tokenizer, model


class TextClassifier:
    """A fine-tuned classifier directory.

    Parameters
    ----------
    path: the model directory written by ``clue-miner train``.
    threads: torch threads while predicting (default ``$CLUE_MINER_THREADS`` or 1).
    batch_size: texts per forward pass.
    max_length: characters read per text (default: the trained one).
    """

    name = "transformer-classifier"

    def __init__(self, path: str | Path, *, threads: int | None = None, batch_size: int = 32,
                 max_length: int | None = None) -> None:
        self.path = path
        self.threads = threads
        self.batch_size = batch_size
        self.max_length = max_length

    def fit(self, texts: Any = None, y: Any = None) -> TextClassifier:
        """Nothing to learn here (``clue-miner train`` trains); loads the model."""
        self._parts()
        return self

    def _parts(self) -> tuple[dict[str, Any], Any, Any]:
        from clue_miner.model_store import resolve

        path = resolve(self.path).resolve()
        cfg = path / "config.json"
        return _load(str(path), cfg.stat().st_mtime_ns if cfg.exists() else 0)

    @property
    def config(self) -> dict[str, Any]:
        return self._parts()[0]

    @property
    def labels(self) -> list[str]:
        return list(self.config["labels"])

    @property
    def version(self) -> str:
        return str(self.config.get("version", self.config["kind"]))

    def predict_proba(self, texts: Sequence[str], prepared: bool = False) -> np.ndarray:
        """(n_texts, n_labels) probabilities (sigmoid per label, or softmax for single-label)."""
        import torch

        cfg, tokenizer, model = self._parts()
        out = np.zeros((len(texts), len(cfg["labels"])), np.float32)
        if not len(texts):
            return out
        inputs = list(texts) if prepared else [prepare(t) for t in texts]
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
        max_length = int(self.max_length or cfg["max_length"])
        before = torch.get_num_threads()
        torch.set_num_threads(inference_threads(self.threads))
        try:
            with torch.inference_mode():
                for start in range(0, len(order), self.batch_size):
                    idx = order[start:start + self.batch_size]
                    enc = tokenizer([inputs[i] for i in idx], truncation=True, max_length=max_length,
                                    padding=True, return_tensors="pt")
                    logits = model(**enc).logits.float()
                    p = torch.softmax(logits, dim=-1) if cfg["single_label"] else torch.sigmoid(logits)
                    out[idx] = p.numpy()
        finally:
            torch.set_num_threads(before)
        return out

    def predict_labels(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Per text, the decided (label, probability) pairs, best first."""
        from clue_miner.train.metrics import decide, decide_single

        cfg = self.config
        proba = self.predict_proba(texts)
        if cfg["single_label"]:
            return decide_single(proba, cfg["labels"])
        dec = cfg["decision"]
        return decide(proba, cfg["labels"], float(dec["threshold"]), int(dec["max_labels"]), bool(dec["at_least_one"]))


def combine(mode: str, model: Sequence[tuple[str, float]], rules: Sequence[OffenceCandidate],
            max_labels: int) -> list[tuple[str, float]]:
    """The offence decision of one text from the model's and the rules' proposals (see module doc)."""
    if mode == "model" or not rules:
        return list(model)
    ruled = [(c.name, float(c.score)) for c in rules]
    if mode == "rules_first":
        if any(c.kind == "criminal" for c in rules):
            return ruled
        have = {n for n, _ in ruled}
        return (ruled + [(n, s) for n, s in model if n not in have])[:max(max_labels, len(ruled))]
    if mode == "union":
        best: dict[str, float] = {}
        for n, s in [*model, *ruled]:
            best[n] = max(s, best.get(n, 0.0))
        return sorted(best.items(), key=lambda kv: -kv[1])[:max_labels]
    raise ValueError(f"combine must be one of {COMBINES}, got {mode!r}")


@lru_cache(maxsize=1024)
def _phrases(name: str) -> tuple[str, ...]:
    from clue_miner.knowledge.taxonomy import load_taxonomy

    info = load_taxonomy().get(name)
    words = {name} if info is None else {name, *info.aliases, *info.cues, *info.medium_cues}
    return tuple(sorted((w for w in words if len(w) >= 2), key=lambda w: (-len(w), w)))


def phrase_evidence(text: str, name: str, limit: int = 3) -> tuple[Evidence, ...]:
    """Where the offence's name, aliases or cues occur (first occurrence of each, longest first)."""
    spans: list[tuple[int, int]] = []
    for phrase in _phrases(name):
        start = text.find(phrase)
        if start >= 0 and not any(s <= start < e for s, e in spans):
            spans.append((start, start + len(phrase)))
            if len(spans) >= limit:
                break
    return tuple(Evidence(LABEL, text[s:e], s, e) for s, e in sorted(spans))


class TransformerOffenceDetector(TextClassifier):
    """``OffenceDetector`` over a fine-tuned offence model (see module doc)."""

    name = "offence-transformer"

    def __init__(self, path: str | Path, *, threads: int | None = None, batch_size: int = 32,
                 max_length: int | None = None, combine: str | None = None) -> None:
        super().__init__(path, threads=threads, batch_size=batch_size, max_length=max_length)
        self.combine = combine
        self._rules: Any = None

    def fit(self, texts: Any = None, y: Any = None) -> TransformerOffenceDetector:
        if self.config.get("task") != "offence":
            from clue_miner.errors import ModelError

            raise ModelError(f"{self.path} is a {self.config.get('task')} classifier, not an offence model",
                             code="wrong_model_kind")
        return self

    def _mode(self) -> str:
        mode = self.combine or self.config["decision"].get("combine", "model")
        if mode not in COMBINES:
            raise ValueError(f"combine must be one of {COMBINES}, got {mode!r}")
        return mode

    def predict(self, texts: Sequence[str]) -> list[list[OffenceCandidate]]:
        """Offences per (normalised) text, best first; none for an empty text."""
        from clue_miner.extract.offence import OffenceRules
        from clue_miner.knowledge.taxonomy import load_taxonomy

        if self._rules is None:
            self._rules = OffenceRules()
        texts = [t or "" for t in texts]
        decided = self.predict_labels(texts)
        ruled = self._rules.predict(texts)
        taxonomy = load_taxonomy()
        mode = self._mode()
        limit = int(self.config["decision"]["max_labels"])
        out: list[list[OffenceCandidate]] = []
        for text, model, rules in zip(texts, decided, ruled, strict=True):
            if not text.strip():
                out.append([])
                continue
            by_rules = {c.name: c for c in rules}
            cands = []
            for name, score in combine(mode, model, rules, limit):
                cue = by_rules.get(name)
                evidence = cue.evidence if cue is not None and cue.evidence else phrase_evidence(text, name)
                kind = cue.kind if cue is not None else taxonomy.kind(name)
                cands.append(OffenceCandidate(name, kind, round(float(score), 4), tuple(evidence)))
            out.append(cands)
        return out


class TransformerCategoryClassifier(TextClassifier):
    """``CategoryClassifier`` over a fine-tuned category model (the offences are not read)."""

    name = "category-transformer"

    def predict(self, texts: Sequence[str], offences: Sequence[Sequence[OffenceCandidate]] | None = None) -> list[Category]:
        return [Category(row[0][0], round(row[0][1], 4)) if row else Category("civic", 0.0)
                for row in self.predict_labels(texts)]


def load_classifier(path: str | Path, **params: Any) -> TextClassifier:
    """The model in ``path`` as the class its task calls for (offence detector, category classifier,
    or a plain ``TextClassifier`` for clue types), loaded."""
    from clue_miner.train.model_dir import read_model_config

    cfg, _ = read_model_config(path)
    cls = {"offence": TransformerOffenceDetector, "category": TransformerCategoryClassifier}.get(cfg["task"], TextClassifier)
    return cls(path, **params).fit()
