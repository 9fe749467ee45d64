"""The Hugging Face glue: datasets, class-weighted loss, callbacks, TrainingArguments.

Imported only when training (torch, transformers and datasets load here, never on
``import clue_miner``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import Trainer, TrainerCallback, TrainingArguments

log = logging.getLogger(__name__)

__all__ = ["TimeBox", "WeightedTrainer", "class_weights", "make_args", "make_dataset", "probabilities"]


def make_dataset(texts: Sequence[str], targets: Sequence[Sequence[str]], labels: Sequence[str], tokenizer: Any,
                 max_length: int, single_label: bool) -> Any:
    """A tokenized ``datasets.Dataset`` with ``labels`` (multi-hot floats, or class ids) and ``length``."""
    from datasets import Dataset

    index = {name: i for i, name in enumerate(labels)}
    if single_label:
        y: list[Any] = [index.get(t[0], -100) if t else -100 for t in targets]
    else:
        y = []
        for t in targets:
            row = [0.0] * len(labels)
            for name in t:
                if name in index:
                    row[index[name]] = 1.0
            y.append(row)
    ds = Dataset.from_dict({"text": list(texts), "labels": y})

    def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
        enc = tokenizer(batch["text"], truncation=True, max_length=max_length)
        enc["length"] = [len(ids) for ids in enc["input_ids"]]
        return enc

    return ds.map(encode, batched=True, remove_columns=["text"], desc="tokenize", keep_in_memory=True)


def class_weights(targets: Sequence[Sequence[str]], labels: Sequence[str], single_label: bool, scheme: str,
                  cap: float) -> np.ndarray | None:
    """Per-label weights: BCE ``pos_weight`` (negatives / positives) or CE class weights (n / (k n_c)),
    square-rooted for ``sqrt``, as is for ``balanced``, capped at ``cap``; None for ``none``."""
    if scheme == "none":
        return None
    counts = np.array([sum(1 for t in targets if name in t) for name in labels], dtype=np.float64)
    counts = np.maximum(counts, 1.0)
    n = max(len(targets), 1)
    raw = (n / (len(labels) * counts)) if single_label else (np.maximum(n - counts, 1.0) / counts)
    weights = np.sqrt(raw) if scheme == "sqrt" else raw
    return np.clip(weights, 1.0 / cap if single_label else 1.0, cap).astype(np.float32)


class WeightedTrainer(Trainer):
    """A Trainer whose loss is BCE with ``pos_weight`` (multi-label) or weighted cross-entropy."""

    def __init__(self, *args: Any, label_weights: np.ndarray | None = None, single_label: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_weights = None if label_weights is None else torch.tensor(label_weights)
        self.single_label = single_label

    def compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool = False,
                     num_items_in_batch: Any = None) -> Any:
        labels = inputs.pop("labels")
        inputs.pop("length", None)
        outputs = model(**inputs)
        logits = outputs.logits
        weight = None if self.label_weights is None else self.label_weights.to(logits.device, logits.dtype)
        if self.single_label:
            loss = torch.nn.functional.cross_entropy(logits, labels.long(), weight=weight, ignore_index=-100)
        else:
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype), pos_weight=weight)
        return (loss, outputs) if return_outputs else loss


class TimeBox(TrainerCallback):
    """Stop (after an evaluation and a save) once ``minutes`` have passed."""

    def __init__(self, minutes: float | None) -> None:
        self.seconds = None if minutes is None else minutes * 60.0
        self.start = time.monotonic()
        self.fired = False

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.start = time.monotonic()

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        if self.seconds is not None and not self.fired and time.monotonic() - self.start > self.seconds:
            log.warning("time box of %.1f minutes reached at step %d: stopping", self.seconds / 60, state.global_step)
            self.fired = True
            control.should_training_stop = True
            control.should_evaluate = True
            control.should_save = True
        return control


def probabilities(logits: np.ndarray, single_label: bool) -> np.ndarray:
    logits = np.asarray(logits, dtype=np.float64)
    if single_label:
        z = np.exp(logits - logits.max(axis=1, keepdims=True))
        return (z / z.sum(axis=1, keepdims=True)).astype(np.float32)
    return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


def make_args(out: Path, *, epochs: float, batch_size: int, learning_rate: float, weight_decay: float,
              warmup: float, seed: int, train_rows: int, quiet: bool, eval_steps: int | None) -> TrainingArguments:
    """Evaluate and save each epoch (or every ``eval_steps``), keep the best two checkpoints, load the
    best at the end."""
    steps_per_epoch = max(1, math.ceil(train_rows / batch_size))
    strategy = "steps" if eval_steps else "epoch"
    cuda = torch.cuda.is_available()
    return TrainingArguments(
        output_dir=str(out),
        num_train_epochs=epochs,
        per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=batch_size * 2,
        learning_rate=learning_rate,
        weight_decay=weight_decay,
        warmup_steps=warmup,
        lr_scheduler_type="linear",
        eval_strategy=strategy,
        save_strategy=strategy,
        eval_steps=eval_steps,
        save_steps=eval_steps,
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="score",
        greater_is_better=True,
        logging_strategy="steps",
        logging_steps=max(1, steps_per_epoch // 4),
        seed=seed,
        data_seed=seed,
        report_to="none",
        disable_tqdm=quiet,
        dataloader_num_workers=0,
        train_sampling_strategy="random",  # group_by_length made same-length (often same-label) batches: no learning
        use_cpu=not cuda,
        bf16=bool(cuda and torch.cuda.is_bf16_supported()),
        log_level="warning",
    )
