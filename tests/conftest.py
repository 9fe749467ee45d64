"""Shared test settings: offline, and a marker for tests that need ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_data_or_skip(*parts: str) -> Path:
    """The path under ../shared/data, or skip the test with a clear reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{'/'.join(parts)} (the public training data is not beside this checkout)")
    return path


@pytest.fixture(scope="module")
def shipped_ner():  # noqa: ANN201 - a NerModel
    """The shipped NER model (``models/ner-charlstm``), one per test module; the test is skipped
    where it is not built."""
    from clue_miner.extract.ner.model import load_ner_model
    from clue_miner.model_store import models_dir

    if not (models_dir() / "ner-charlstm" / "config.json").exists():
        pytest.skip("models/ner-charlstm is not built (training/train_ner.py)")
    return load_ner_model()
