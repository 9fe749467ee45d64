"""The offence training recipe runs end to end on a tiny slice of ../shared/data, deterministically."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import REPO, shared_data_or_skip

sys.path.insert(0, str(REPO / "training"))


def _train(data: Path, out: Path) -> dict:
    from train_offence import main

    return main(["--data", str(data), "--out", str(out), "--limit", "240", "--folds", "2", "--seed", "5", "--quiet"])


def test_train_offence_tiny_slice_end_to_end(tmp_path: Path) -> None:
    shared_data_or_skip("charges", "cail2018_sample_train.jsonl")
    shared_data_or_skip("statutes", "criminal_law.txt")
    data = shared_data_or_skip()
    report = _train(data, tmp_path / "a")
    assert report["facts"] == 240
    assert 0.0 < report["held_out_set_f1"] <= 1.0
    for name in ("config.json", "labels.json", "vocab.json", "weights.npz"):
        assert (tmp_path / "a" / name).exists()
    cfg = json.loads((tmp_path / "a" / "config.json").read_text(encoding="utf-8"))
    assert cfg["kind"] == "offence" and cfg["training"]["limit"] == 240

    from clue_miner.extract.offence.model import OffenceModel

    model = OffenceModel(tmp_path / "a", mode="fact").fit()
    offs = model.predict(["公诉机关指控，被告人张某在商场内秘密窃取他人手机一部，价值人民币3000元。"])[0]
    assert offs and offs[0].kind == "criminal"

    _train(data, tmp_path / "b")  # same seed, same data -> same bytes
    for name in ("config.json", "labels.json", "vocab.json", "weights.npz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
