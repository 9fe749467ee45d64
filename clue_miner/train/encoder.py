"""What ``--base`` names: a from-scratch configuration or a local checkpoint, and the model built from it.

- A directory: a Hugging Face checkpoint of a BERT-family encoder (a copy of bert-base-chinese,
  the output of ``training/pretrain_mlm.py``), or a model directory written by ``clue-miner
  train`` (its ``encoder/``) to fine-tune further. Its tokenizer comes with it.
- A JSON file, or the name of one in ``training/configs/`` (``tiny``, ``small``): a from-scratch
  BERT whose character vocabulary is built from the training texts.

Nothing is downloaded: only local paths are read (``local_files_only``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clue_miner.errors import InputError, ModelError

log = logging.getLogger(__name__)

__all__ = ["CONFIGS_ENV", "Base", "build_model", "checkpoint_base", "configs_dir", "resolve_base"]

CONFIGS_ENV = "CLUE_MINER_TRAIN_CONFIGS"
CHECKPOINT_TRAINING = {"epochs": 5, "batch_size": 16, "weight_decay": 0.01, "warmup": 0.06, "patience": 2}


@dataclass
class Base:
    kind: str  # "config" | "checkpoint"
    name: str
    path: Path
    encoder: dict[str, Any] = field(default_factory=dict)
    vocab: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    description: str = ""


def configs_dir() -> Path:
    """Where named from-scratch configurations live (``training/configs`` of the checkout)."""
    override = os.environ.get(CONFIGS_ENV)
    return Path(override) if override else Path(__file__).resolve().parents[2] / "training" / "configs"


def checkpoint_base(path: Path, spec: str | None = None) -> Base:
    """The ``Base`` of a checkpoint directory (a Hugging Face one, or a clue-miner model directory)."""
    return _checkpoint(path, spec or str(path))


def _checkpoint(path: Path, spec: str) -> Base:
    cm = path / "config.json"
    try:
        cfg = json.loads(cm.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ModelError(f"--base {spec}: {cm} is missing or not JSON: not a checkpoint directory", code="bad_base") from err
    if str(cfg.get("kind", "")).endswith("-transformer"):  # a clue-miner model directory
        return _checkpoint(path / cfg.get("encoder_dir", "encoder"), spec)
    if "model_type" not in cfg:
        raise ModelError(f"--base {spec}: {cm} has no model_type: not a Hugging Face checkpoint", code="bad_base")
    hidden = int(cfg.get("hidden_size", 768))
    training = dict(CHECKPOINT_TRAINING, learning_rate=2e-4 if hidden <= 512 else 3e-5,
                    max_length=min(256, int(cfg.get("max_position_embeddings", 512))))
    return Base("checkpoint", spec, path, training=training,
                description=f"{cfg.get('model_type')} checkpoint {path.name} (hidden {hidden}, "
                            f"{cfg.get('num_hidden_layers', '?')} layers)")


def resolve_base(spec: str | Path) -> Base:
    """The ``Base`` for a directory, a config JSON file or a config name."""
    path = Path(spec)
    if path.is_dir():
        return _checkpoint(path, str(spec))
    if not path.is_file():
        named = configs_dir() / f"{spec}.json"
        if not named.is_file():
            known = sorted(p.stem for p in configs_dir().glob("*.json")) if configs_dir().is_dir() else []
            raise InputError(f"--base {spec}: neither a checkpoint directory nor a configuration "
                             f"(known: {', '.join(known) or 'none found in ' + str(configs_dir())})", code="bad_base")
        path = named
    try:
        cfg = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"--base {spec}: {path} is not valid JSON ({err.msg})", code="bad_base") from err
    if not isinstance(cfg.get("encoder"), dict):
        raise InputError(f"--base {spec}: {path} has no `encoder` block", code="bad_base")
    return Base("config", str(spec), path, dict(cfg["encoder"]), dict(cfg.get("vocab", {})),
                dict(cfg.get("training", {})), str(cfg.get("description", "")))


def build_model(base: Base, texts: Sequence[str], labels: Sequence[str], single_label: bool, seed: int) -> tuple[Any, Any]:
    """(model, tokenizer): a fresh BERT over a character vocabulary of ``texts``, or the checkpoint
    with a new classification head for ``labels``."""
    from transformers import (
        AutoModelForSequenceClassification,
        BertConfig,
        BertForSequenceClassification,
        set_seed,
    )

    from clue_miner.train.vocab import build_char_vocab, char_tokenizer, load_tokenizer

    problem = "single_label_classification" if single_label else "multi_label_classification"
    id2label = dict(enumerate(labels))
    label2id = {name: i for i, name in id2label.items()}
    set_seed(seed)
    if base.kind == "config":
        vocab = build_char_vocab(texts, int(base.vocab.get("min_count", 2)), int(base.vocab.get("max_size", 8000)))
        tokenizer = char_tokenizer(vocab, int(base.encoder.get("max_position_embeddings", 512)))
        config = BertConfig(vocab_size=len(vocab), pad_token_id=0, num_labels=len(labels), problem_type=problem,
                            id2label=id2label, label2id=label2id, **base.encoder)
        model = BertForSequenceClassification(config)
        log.info("from-scratch encoder %s: vocabulary %d, %d parameters", base.name, len(vocab), model.num_parameters())
        return model, tokenizer
    tokenizer = load_tokenizer(base.path)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(base.path), num_labels=len(labels), problem_type=problem, id2label=id2label, label2id=label2id,
            ignore_mismatched_sizes=True, local_files_only=True)
    except (OSError, ValueError) as err:
        raise ModelError(f"--base {base.name}: cannot load a sequence classifier from {base.path}: {err}",
                         code="bad_base") from err
    log.info("checkpoint %s: %d parameters", base.path, model.num_parameters())
    return model, tokenizer
