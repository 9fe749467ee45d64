"""The public entry points: ``load``, ``extract``, ``extract_many``."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from clue_miner.extract.pipeline import Pipeline
from clue_miner.types import Extraction

_lock = threading.Lock()
_default: Pipeline | None = None


def load(
    *,
    province: str | None = None,
    thresholds: str | Path | None = None,
    offence_model: str | Path | None = None,
    category_model: str | Path | None = None,
    ner_model: str | Path | None = None,
    batch_size: int = 64,
    threads: int | None = None,
) -> Pipeline:
    """A pipeline with the default components (rule entities, offence model, category).

    ``thresholds`` is a CSV that overrides rows of the shipped threshold table; ``province``
    picks provincial values (浙江, 北京 …) where the table has them. ``offence_model`` is a
    model directory (the shipped linear kind or one written by ``clue-miner train --task
    offence``) or the name of a shipped one; ``"rules"`` uses the rule detector alone.
    ``category_model`` is a model directory (default: the shipped ``models/category-linear``;
    one written by ``clue-miner train --task category`` works too) or ``"rules"``.
    ``ner_model`` is an NER model directory (default: the shipped ``models/ner-charlstm`` when it
    is there); ``"none"`` keeps entities to the rule layer. ``threads``: how many threads the
    extraction keeps busy (the NER beside the other passes, the NER encoder's batches on a pool;
    default ``$CLUE_MINER_THREADS``, else the usable cores, at most 4; 1 keeps it on the calling
    thread): the same results whatever the number.
    """
    from clue_miner.knowledge.thresholds import Thresholds, default_thresholds

    table = Thresholds.load(thresholds) if thresholds is not None else default_thresholds()
    ner = _entity_recognizer(ner_model)
    if threads is not None and hasattr(ner, "encoder_threads"):
        ner.encoder_threads = threads
    return Pipeline(thresholds=table, province=province, batch_size=batch_size,
                    offence=_offence_detector(offence_model), category=_category_classifier(category_model),
                    ner=ner, threads=threads)


def _offence_detector(spec: str | Path | None):  # noqa: ANN202 - any OffenceDetector
    """The detector for ``spec``, dispatched on the model directory's ``kind``: ``offence`` (the
    linear model) or ``offence-transformer`` (``clue-miner train --task offence``)."""
    if spec is None:
        return None  # the pipeline's default
    if str(spec) == "rules":
        from clue_miner.extract.offence import OffenceRules

        return OffenceRules()
    from clue_miner.errors import ModelError
    from clue_miner.model_store import read_config, resolve

    kind = read_config(resolve(spec)).get("kind")
    if kind == "offence-transformer":
        from clue_miner.train.detector import TransformerOffenceDetector

        return TransformerOffenceDetector(spec).fit()
    if kind in ("clue-transformer", "category-transformer"):
        hint = ("clue_miner.load(category_model=...)" if kind == "category-transformer"
                else "clue_miner.train.load_classifier(...)")
        raise ModelError(f"{spec} holds a {kind!r} model, not an offence model: load it with {hint}",
                         code="wrong_model_kind")
    from clue_miner.extract.offence.model import load_offence_model

    return load_offence_model(spec)


def _entity_recognizer(spec: str | Path | None):  # noqa: ANN202 - any EntityRecognizer
    """The statistical NER beside the rules: the shipped one by default, none for ``"none"``."""
    if spec is not None and str(spec) in ("none", "rules"):
        return None
    from clue_miner.extract.ner.model import default_ner, load_ner_model

    return default_ner() if spec is None else load_ner_model(spec)


def _category_classifier(spec: str | Path | None):  # noqa: ANN202 - any CategoryClassifier
    """The category classifier: the shipped model by default, ``"rules"`` for the lexicon rules,
    else a model directory (``category`` from ``training/train_category.py`` or
    ``category-transformer`` from ``clue-miner train --task category``)."""
    if spec is None:
        return None  # the pipeline's default (the shipped model, rules when it is absent)
    if str(spec) == "rules":
        from clue_miner.extract.category import CategoryRules

        return CategoryRules()
    from clue_miner.model_store import read_config, resolve

    if read_config(resolve(spec)).get("kind") == "category":
        from clue_miner.extract.category_model import load_category_model

        return load_category_model(spec)
    from clue_miner.train.detector import TransformerCategoryClassifier
    from clue_miner.train.model_dir import read_model_config

    read_model_config(spec, task="category")
    return TransformerCategoryClassifier(spec).fit()


def _pipeline() -> Pipeline:
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = load()
    return _default


def extract(text: str, received_at: datetime | date | str | None = None) -> Extraction:
    """Entities, offences, category and facts of one complaint text.

    ``received_at`` anchors relative dates (上个月15号, 前天晚上). Offsets of every span are
    into ``text`` exactly as given.
    """
    return _pipeline()(text, received_at)


def extract_many(
    texts: Iterable[str],
    received_ats: Iterable[datetime | date | str | None] | None = None,
    *,
    batch_size: int = 64,
    pipeline: Pipeline | None = None,
) -> Iterator[Extraction]:
    """Stream extractions for many texts, in order, in batches."""
    return (pipeline or _pipeline()).pipe(texts, received_ats, batch_size=batch_size)
