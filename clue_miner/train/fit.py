"""``clue-miner train``: labelled JSONL in, a fine-tuned model directory out.

read + validate the labels -> resolve the base -> tokenize (``datasets.Dataset``) -> Trainer with
class-weighted loss, early stopping on dev, checkpoints for ``--resume`` -> tune the decision on
dev (threshold; for offences, how to combine with the rule detector) -> metrics on dev and test
-> save ``DIR`` (config.json, encoder/ in safetensors + tokenizer, metrics.json, MODEL_CARD.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clue_miner.errors import InputError, ModelError
from clue_miner.train.labels import TASKS, LabelledSet, read_labelled_file

log = logging.getLogger(__name__)

__all__ = ["TrainParams", "TrainResult", "train"]

MAX_LABELS = {"offence": 3, "clue": 2, "category": 1}


@dataclass
class TrainParams:
    """Options of ``clue-miner train``; None takes the base's default (``training`` block)."""

    task: str = "offence"
    base: str = "small"
    epochs: float | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    max_length: int | None = None
    weight_decay: float | None = None
    warmup: float | None = None
    patience: int | None = None
    class_weight: str = "sqrt"  # sqrt | balanced | none
    max_weight: float = 30.0
    max_labels: int | None = None
    combine: str = "auto"  # offence task: auto | model | union | rules_first
    threads: int | None = None
    seed: int = 13
    dev_fraction: float = 0.1
    resume: bool = False
    keep_checkpoints: bool = False
    max_minutes: float | None = None
    eval_steps: int | None = None
    skip_bad: bool = False
    quiet: bool = False


@dataclass
class TrainResult:
    out_dir: Path
    config: dict[str, Any]
    metrics: dict[str, Any]


def _sha1(path: Path) -> str:
    h = hashlib.sha1()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _settings(params: TrainParams, base_defaults: dict[str, Any]) -> dict[str, Any]:
    defaults = {"epochs": 5, "batch_size": 16, "learning_rate": 5e-4, "max_length": 256, "weight_decay": 0.01,
                "warmup": 0.06, "patience": 2}
    merged = {**defaults, **base_defaults}
    for key in defaults:
        value = getattr(params, key)
        if value is not None:
            merged[key] = value
    merged["max_labels"] = params.max_labels or MAX_LABELS[params.task]
    return merged


def _check(params: TrainParams) -> None:
    if params.task not in TASKS:
        raise InputError(f"unknown task {params.task!r}: use one of {', '.join(TASKS)}", code="bad_task")
    if params.class_weight not in ("sqrt", "balanced", "none"):
        raise InputError(f"class weights must be sqrt, balanced or none, got {params.class_weight!r}", code="bad_option")
    if params.combine not in ("auto", "model", "union", "rules_first"):
        raise InputError(f"--combine must be auto, model, union or rules_first, got {params.combine!r}", code="bad_option")
    if not 0.0 < params.dev_fraction < 1.0:
        raise InputError("--dev-fraction must lie between 0 and 1", code="bad_option")


def _checkpoint_state(ckpt: Path, params: TrainParams, manifest: dict[str, Any]) -> str | None:
    """The checkpoint to resume from (or None), after checking that the run is the same one."""
    from transformers.trainer_utils import get_last_checkpoint

    last = get_last_checkpoint(str(ckpt)) if ckpt.is_dir() else None
    if not params.resume:
        if ckpt.exists():
            log.info("starting afresh: removing old checkpoints in %s", ckpt)
            shutil.rmtree(ckpt)
        return None
    if last is None:
        raise ModelError(f"--resume: no checkpoint in {ckpt} (train once without --resume first)", code="no_checkpoint")
    run = ckpt / "run.json"
    before = json.loads(run.read_text(encoding="utf-8")) if run.exists() else {}
    for key in ("task", "labels", "base"):
        if before.get(key) != manifest[key]:
            raise ModelError(f"--resume: the {key} differ(s) from the checkpointed run in {ckpt}; "
                             "train without --resume", code="checkpoint_mismatch")
    log.info("resuming from %s", last)
    return last


def _prepared(data: LabelledSet, split: str) -> tuple[list[str], list[list[str]], list[str]]:
    from clue_miner.text.normalize import normalize
    from clue_miner.train.detector import prepare

    rows = data.split(split)
    return [prepare(r.text) for r in rows], [list(r.labels) for r in rows], [normalize(r.text).text for r in rows]


def train(data_path: str | Path, out: str | Path, params: TrainParams | None = None) -> TrainResult:
    """Fine-tune and save; see the module docstring."""
    params = params or TrainParams()
    _check(params)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import datasets
    import torch
    from transformers.utils import logging as hf_logging

    datasets.disable_progress_bars()
    hf_logging.disable_progress_bar()  # weight loading / shard writing bars; the Trainer's own bar stays

    if params.threads:
        torch.set_num_threads(params.threads)
    from clue_miner.train.encoder import build_model, checkpoint_base, resolve_base

    data_path = Path(data_path)
    data = read_labelled_file(data_path, params.task, seed=params.seed, dev_fraction=params.dev_fraction,
                              skip_bad=params.skip_bad)
    if data.problems:
        log.warning("%d bad row(s) skipped (--skip-bad), first: line %d %s", len(data.problems),
                    data.problems[0].line, data.problems[0].message)
    base = resolve_base(params.base)
    cfg_train = _settings(params, base.training)
    single = params.task == "category"
    labels = sorted(data.label_counts)
    train_x, train_y, _ = _prepared(data, "train")
    dev_x, dev_y, dev_norm = _prepared(data, "dev")
    test_x, test_y, test_norm = _prepared(data, "test")
    known = set(labels)
    unseen = sorted({y for ys in dev_y + test_y for y in ys if y not in known})
    if unseen:
        log.warning("%d label(s) occur in dev/test but not in train and cannot be predicted: %s",
                    len(unseen), ", ".join(unseen[:10]))
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt = out_dir / "checkpoints"
    manifest = {"task": params.task, "labels": labels, "base": str(params.base)}
    last = _checkpoint_state(ckpt, params, manifest)
    ckpt.mkdir(parents=True, exist_ok=True)
    (ckpt / "run.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    # resuming: the checkpoint's own tokenizer and architecture (a rebuilt vocabulary could differ)
    model, tokenizer = build_model(base if last is None else checkpoint_base(Path(last)), train_x, labels, single,
                                   params.seed)
    tick = time.perf_counter()
    trainer, best_step, epochs_run = _fit(model, tokenizer, params, cfg_train, labels, single,
                                          (train_x, train_y), (dev_x, dev_y), ckpt, last)
    train_seconds = time.perf_counter() - tick

    from clue_miner.train.tuning import evaluate_split, tune_decision

    dev_proba = _proba(trainer, tokenizer, dev_x, cfg_train, single)
    decision, by_combine = tune_decision(params, labels, dev_proba, dev_y, dev_norm, cfg_train["max_labels"],
                                         at_least_one=all(train_y) and all(dev_y), single=single)
    metrics: dict[str, Any] = {
        "dev": evaluate_split(params.task, labels, decision, dev_proba, dev_y, dev_norm, single),
        "dev_by_combine": by_combine, "unseen_labels": len(unseen), "train_seconds": round(train_seconds, 1),
        "epochs_run": epochs_run, "best_step": best_step, "data": data.summary(),
    }
    if test_x:
        test_proba = _proba(trainer, tokenizer, test_x, cfg_train, single)
        metrics["test"] = evaluate_split(params.task, labels, decision, test_proba, test_y, test_norm, single)

    from clue_miner.train.model_dir import ENCODER_DIR, kind_for_task, write_card, write_config

    encoder_dir = out_dir / ENCODER_DIR
    trainer.model.save_pretrained(str(encoder_dir))
    tokenizer.save_pretrained(str(encoder_dir))
    config = {
        "kind": kind_for_task(params.task), "task": params.task, "version": f"{kind_for_task(params.task)}:{out_dir.name}",
        "labels": labels, "single_label": single, "decision": decision, "max_length": int(cfg_train["max_length"]),
        "encoder_dir": ENCODER_DIR, "base": {"kind": base.kind, "name": str(params.base), "description": base.description},
        "training": {**{k: v for k, v in cfg_train.items()}, "class_weight": params.class_weight,
                     "max_weight": params.max_weight, "seed": params.seed, "threads": params.threads or torch.get_num_threads(),
                     "data": str(data_path), "data_sha1": _sha1(data_path), "dev_fraction": params.dev_fraction,
                     "rows": {s: len(data.split(s)) for s in ("train", "dev", "test")}},
    }
    write_config(out_dir, config)
    metrics["inference_texts_per_second"] = _speed(out_dir, data)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_card(out_dir, config, metrics)
    if not params.keep_checkpoints:
        shutil.rmtree(ckpt, ignore_errors=True)
    return TrainResult(out_dir, config, metrics)


def _fit(model: Any, tokenizer: Any, params: TrainParams, cfg: dict[str, Any], labels: list[str], single: bool,
         train: tuple[list[str], list[list[str]]], dev: tuple[list[str], list[list[str]]], ckpt: Path,
         last: str | None) -> tuple[Any, int | None, float]:
    import numpy as np
    from transformers import DataCollatorWithPadding, EarlyStoppingCallback

    from clue_miner.train.hf import (
        TimeBox,
        WeightedTrainer,
        class_weights,
        make_args,
        make_dataset,
        probabilities,
    )
    from clue_miner.train.metrics import decide, decide_single, row_f1

    max_length = int(cfg["max_length"])
    train_ds = make_dataset(train[0], train[1], labels, tokenizer, max_length, single)
    dev_ds = make_dataset(dev[0], dev[1], labels, tokenizer, max_length, single)
    weights = class_weights(train[1], labels, single, params.class_weight, params.max_weight)
    at_least_one = all(train[1])

    def compute_metrics(pred: Any) -> dict[str, float]:
        """Dev row-F1 (best of a small threshold grid: the decision is tuned later), plus 0.01 x label
        ranking precision so that a flat F1 early in training still shows progress to early stopping."""
        from sklearn.metrics import label_ranking_average_precision_score

        logits = pred.predictions[0] if isinstance(pred.predictions, tuple) else pred.predictions
        proba = probabilities(logits, single)
        gold = np.array([[1 if n in g else 0 for n in labels] for g in dev[1]])
        ranking = float(label_ranking_average_precision_score(gold, proba)) if len(labels) > 1 else 0.0
        if single:
            best = row_f1(dev[1], [[n for n, _ in row] for row in decide_single(proba, labels)])
        else:
            best = 0.0
            for t in (0.2, 0.3, 0.4, 0.5):
                names = [[n for n, _ in row] for row in decide(proba, labels, t, int(cfg["max_labels"]), at_least_one)]
                best = max(best, row_f1(dev[1], names))
        return {"score": best + 0.01 * ranking, "row_f1": best, "ranking": ranking}

    args = make_args(ckpt, epochs=float(cfg["epochs"]), batch_size=int(cfg["batch_size"]),
                     learning_rate=float(cfg["learning_rate"]), weight_decay=float(cfg["weight_decay"]),
                     warmup=float(cfg["warmup"]), seed=params.seed, train_rows=len(train[0]), quiet=params.quiet,
                     eval_steps=params.eval_steps)
    trainer = WeightedTrainer(
        model=model, args=args, train_dataset=train_ds, eval_dataset=dev_ds, processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer), compute_metrics=compute_metrics,
        callbacks=[EarlyStoppingCallback(early_stopping_patience=int(cfg["patience"])), TimeBox(params.max_minutes)],
        label_weights=weights, single_label=single,
    )
    if params.quiet:
        from transformers import PrinterCallback

        trainer.remove_callback(PrinterCallback)
    trainer.train(resume_from_checkpoint=last)
    state = trainer.state
    best = state.best_model_checkpoint
    best_step = int(best.rsplit("-", 1)[-1]) if best else None
    log.info("trained %s epochs, best checkpoint %s (dev score %s)", state.epoch, best, state.best_metric)
    return trainer, best_step, round(float(state.epoch or 0), 2)


def _proba(trainer: Any, tokenizer: Any, texts: list[str], cfg: dict[str, Any], single: bool) -> Any:
    """Probabilities of the best model for prepared texts (the Trainer's own predict loop)."""
    import numpy as np

    from clue_miner.train.hf import make_dataset, probabilities

    if not texts:
        return np.zeros((0, trainer.model.config.num_labels), np.float32)
    ds = make_dataset(texts, [[] for _ in texts], [], tokenizer, int(cfg["max_length"]), single)
    ds = ds.remove_columns(["labels"])
    logits = trainer.predict(ds).predictions
    return probabilities(logits[0] if isinstance(logits, tuple) else logits, single)


def _speed(out_dir: Path, data: LabelledSet) -> float:
    """Texts per second of the saved model through the inference class, one thread, on dev texts."""
    from clue_miner.train.detector import TextClassifier

    texts = [r.text for r in data.split("dev")][:512]
    if not texts:
        return 0.0
    clf = TextClassifier(out_dir, threads=1)
    clf.predict_proba(texts[:4])  # load
    tick = time.perf_counter()
    clf.predict_proba(texts)
    return round(len(texts) / max(time.perf_counter() - tick, 1e-9), 1)

