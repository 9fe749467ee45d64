"""Where shipped models live and how a model directory describes itself.

Shipped models sit in the repository's top-level ``models/`` (one directory per model, each with
``config.json``, weights in npz/safetensors/JSON, and a ``MODEL_CARD.md``). ``CLUE_MINER_MODELS``
points elsewhere (a user's own checkpoints). Nothing here unpickles.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from clue_miner.errors import ModelError

ENV = "CLUE_MINER_MODELS"


def models_dir() -> Path:
    """The directory holding the shipped models."""
    override = os.environ.get(ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1] / "models"


def resolve(name_or_path: str | Path) -> Path:
    """A model directory from a path, or from a name under ``models_dir()``."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    shipped = models_dir() / str(name_or_path)
    if shipped.is_dir():
        return shipped
    raise ModelError(f"model not found: {name_or_path} (looked in {path} and {shipped})", code="missing_model")


def read_config(model_dir: Path, kind: str | None = None) -> dict[str, Any]:
    """The model's config.json, checked for the expected ``kind``."""
    cfg_path = model_dir / "config.json"
    if not cfg_path.exists():
        raise ModelError(f"{model_dir} has no config.json: not a clue_miner model directory", code="bad_model")
    try:
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ModelError(f"{cfg_path} is not valid JSON: {err.msg}", code="bad_model") from err
    if kind is not None and cfg.get("kind") != kind:
        raise ModelError(f"{model_dir} holds a {cfg.get('kind')!r} model, expected {kind!r}", code="wrong_model_kind")
    return cfg
