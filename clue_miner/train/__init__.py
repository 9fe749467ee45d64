"""Fine-tuning on prosecutors' labels: the labelled format, export from reviewed clues, training, inference.

Light on import: torch, transformers and datasets load only when training or predicting.

- ``clue_miner.train.labels``: the labelled JSONL format and its validation;
- ``clue_miner.train.export``: labelled rows from a reviewed ``clues.jsonl`` + the complaint archive;
- ``clue_miner.train.fit``: ``train(data, out, TrainParams(...))`` (``clue-miner train``);
- ``clue_miner.train.detector``: ``load_classifier(DIR)``, ``TransformerOffenceDetector``,
  ``TransformerCategoryClassifier``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TrainParams", "export_labels", "load_classifier", "read_labelled_file", "train"]


def __getattr__(name: str) -> Any:
    if name in ("TrainParams", "train"):
        from clue_miner.train import fit

        return getattr(fit, name)
    if name == "export_labels":
        from clue_miner.train.export import export_labels

        return export_labels
    if name == "load_classifier":
        from clue_miner.train.detector import load_classifier

        return load_classifier
    if name == "read_labelled_file":
        from clue_miner.train.labels import read_labelled_file

        return read_labelled_file
    raise AttributeError(f"module 'clue_miner.train' has no attribute {name!r}")
