"""The fine-tuned model directory: self-describing, loadable without unpickling.

    DIR/config.json       clue_miner's config: kind (offence-transformer | clue-transformer |
                          category-transformer), task, labels, decision (threshold, max_labels,
                          at_least_one, combine), max_length, base, training parameters
    DIR/encoder/          the Hugging Face model (config.json + model.safetensors) and tokenizer
    DIR/metrics.json      the metrics report (dev, test, per combination, timings)
    DIR/MODEL_CARD.md     generated from the run
    DIR/checkpoints/      Trainer checkpoints while training (for --resume); removed at the end
                          unless --keep-checkpoints
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clue_miner.errors import ModelError

__all__ = ["ENCODER_DIR", "KINDS", "kind_for_task", "read_model_config", "write_card", "write_config"]

ENCODER_DIR = "encoder"
KINDS = {"offence": "offence-transformer", "clue": "clue-transformer", "category": "category-transformer"}


def kind_for_task(task: str) -> str:
    return KINDS[task]


def read_model_config(path: str | Path, task: str | None = None) -> tuple[dict[str, Any], Path]:
    """(config, encoder directory) of a fine-tuned model directory; checks its kind."""
    from clue_miner.model_store import read_config, resolve

    model_dir = resolve(path)
    cfg = read_config(model_dir)
    kind = cfg.get("kind")
    if kind not in KINDS.values():
        raise ModelError(f"{model_dir} holds a {kind!r} model, not one written by `clue-miner train`", code="wrong_model_kind")
    if task is not None and cfg.get("task") != task:
        raise ModelError(f"{model_dir} is a {cfg.get('task')} classifier, expected a {task} one", code="wrong_model_kind")
    encoder = model_dir / cfg.get("encoder_dir", ENCODER_DIR)
    if not (encoder / "config.json").is_file():
        raise ModelError(f"{model_dir}: {encoder.name}/config.json is missing (an incomplete model directory)", code="bad_model")
    if not any(encoder.glob("*.safetensors")):
        raise ModelError(f"{model_dir}: no safetensors weights in {encoder.name}/", code="bad_model")
    return cfg, encoder


def write_config(out: Path, cfg: dict[str, Any]) -> None:
    (out / "config.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _fmt(m: dict[str, Any] | None) -> str:
    if not m:
        return "| – | – | – | – | – | – |"
    none = "–" if m.get("none_acc") is None else f"{m['none_acc']:.3f}"
    return (f"| {m['rows']} | {m['set_f1']:.3f} | {m['top1_acc']:.3f} | {m['macro_f1']:.3f} | "
            f"{m['micro_f1']:.3f} | {m['row_f1']:.3f} / {none} |")


def write_card(out: Path, cfg: dict[str, Any], metrics: dict[str, Any]) -> None:
    """MODEL_CARD.md from the run's config and metrics."""
    tr = cfg["training"]
    dec = cfg["decision"]
    labels = cfg["labels"]
    shown = ", ".join(labels[:30]) + (f" … ({len(labels)} in all)" if len(labels) > 30 else "")
    rows = [f"| {split} {_fmt(metrics.get(split)).lstrip('|')}" for split in ("dev", "test") if metrics.get(split)]
    combos = metrics.get("dev_by_combine") or {}
    lines = [
        f"# {cfg['kind']} — {out.name}",
        "",
        f"A {cfg['task']} classifier fine-tuned by `clue-miner train` "
        f"({'single-label, softmax' if cfg['single_label'] else 'multi-label, sigmoid per label'}).",
        "",
        "## Base",
        f"`{cfg['base']['name']}` ({cfg['base']['kind']}): {cfg['base'].get('description', '')}",
        "",
        "## Data",
        f"`{tr['data']}` (sha1 {tr['data_sha1'][:12]}): train {tr['rows']['train']}, dev {tr['rows']['dev']}, "
        f"test {tr['rows']['test']} rows; {len(labels)} labels: {shown}.",
        "Labels seen only in dev/test cannot be predicted: "
        f"{metrics.get('unseen_labels', 0)} such label(s) in dev/test.",
        "",
        "## Training",
        f"max_length {cfg['max_length']}, batch {tr['batch_size']}, learning rate {tr['learning_rate']}, "
        f"up to {tr['epochs']} epochs with early stopping on dev row-F1 (patience {tr['patience']}); "
        f"class weights `{tr['class_weight']}`; seed {tr['seed']}, {tr['threads']} thread(s). "
        f"Ran {metrics.get('epochs_run', '?')} epochs, best at step {metrics.get('best_step', '?')}, "
        f"{metrics.get('train_seconds', 0):.0f} s.",
        "",
        "## Decision",
        ("Arg-max label." if cfg["single_label"] else
         f"Labels with probability ≥ {dec['threshold']} (tuned on dev), best first, at most {dec['max_labels']}"
         f"{', at least one' if dec['at_least_one'] else ''}; combination with the rule detector: "
         f"`{dec.get('combine', 'model')}`."),
        "",
        "## Metrics",
        "set-F1, top-1, macro-F1, micro-F1 over rows with labels (as `clue-miner evaluate offences`); "
        "row-F1 over all rows (no label + no prediction = 1) / share of no-label rows left empty.",
        "",
        "| split | rows | set-F1 | top-1 | macro-F1 | micro-F1 | row-F1 / none kept |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
    if combos:
        lines += ["", "Dev row-F1 per combination with the rules: " +
                  ", ".join(f"{k} {v:.3f}" for k, v in combos.items())]
    speed = metrics.get("inference_texts_per_second")
    if speed:
        lines += ["", f"Inference: {speed:.0f} texts/s on dev texts, one thread, batch 32 (the encoder alone)."]
    lines += [
        "",
        "## Use",
        f"`clue-miner mine --offence-model {out}` / `clue_miner.load(offence_model=\"{out}\")` (offence task); "
        "`clue_miner.load(category_model=...)` (category); `clue_miner.train.load_classifier(DIR)` (any task).",
        "",
        "## Limits",
        "Trained on the labelled file above only; public court facts (CAIL) are research data without a stated "
        "licence. Figures on a dev split carved from the same source do not carry over one to one to other archives.",
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
