"""The NER training recipe runs end to end on a tiny slice of ../shared/data/ner, deterministically."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import REPO, shared_data_or_skip

sys.path.insert(0, str(REPO / "training"))

FILES = ("config.json", "vocab.json", "weights.npz")


def _train(data: Path, out: Path, *extra: str) -> dict:
    from train_ner import parse_args, run

    return run(parse_args(["--data", str(data), "--out", str(out), "--limit", "40", "--epochs", "1", "--seed", "3",
                           "--hidden", "16", "--char-dim", "16", "--bigram-dim", "8", "--max-bigrams", "2000",
                           "--threads", "1", *extra]))


def test_train_ner_tiny_slice_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="training needs torch (pip install -e .[train])")
    data = shared_data_or_skip("ner")
    for name in ("msra_train.tsv", "cail2021_theft_train.jsonl", "cail2022_drug_train.jsonl"):
        shared_data_or_skip("ner", name)
    report = _train(data, tmp_path / "a")
    assert report["splits"]["news"]["train"] == 40
    assert set(report["dev"]) == {"news", "cail2021", "cail2022", "cluener", "weibo"}
    for name in (*FILES, "training_report.json"):
        assert (tmp_path / "a" / name).exists()
    cfg = json.loads((tmp_path / "a" / "config.json").read_text(encoding="utf-8"))
    assert cfg["kind"] == "ner" and cfg["training"]["limit"] == 40
    assert "complaint" in cfg["profiles"]

    from clue_miner.extract.ner.model import NerModel

    text = "被告人张某某盗窃了被害人李某的电动车。"
    ents = NerModel(tmp_path / "a").predict([text])[0]
    assert all(text[e.start:e.end] == e.text for e in ents)

    _train(data, tmp_path / "b")  # same seed, same data -> same bytes
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name

    # distillation: a smaller student of "a" (same vocabulary), its encoder hidden 8 behind a
    # 6-column bottleneck, run by onnxruntime and by numpy
    student = _train(data, tmp_path / "s", "--teacher", str(tmp_path / "a"), "--hidden", "8", "--kd-weight", "0.5",
                     "--proj", "6")
    cfg = json.loads((tmp_path / "s" / "config.json").read_text(encoding="utf-8"))
    assert cfg["encoder"]["hidden"] == 8 and cfg["encoder"]["proj"] == 6
    assert cfg["training"]["teacher"] == str(tmp_path / "a") and "proj" not in json.loads(
        (tmp_path / "a" / "config.json").read_text(encoding="utf-8"))["encoder"]
    assert student["history"][0]["loss"] > 0 and (tmp_path / "s" / "encoder.int8.onnx").exists()
    import numpy as np

    with np.load(tmp_path / "s" / "weights.npz", allow_pickle=False) as z:
        assert z["lstm.proj.w"].shape[0] == 6 and z["lstm.w_ih"].shape == (32, 6)
    for runtime in ("onnx", "numpy"):
        small = NerModel(tmp_path / "s", runtime=runtime)
        assert all(text[e.start:e.end] == e.text for e in small.predict([text])[0])
        assert small._load()["runtime"] == runtime
    # a convolutional student of "a": its int8 encoder is calibrated and written beside the weights
    _train(data, tmp_path / "c", "--teacher", str(tmp_path / "a"), "--encoder", "cnn", "--width", "16",
           "--dilations", "1,2")
    cfg = json.loads((tmp_path / "c" / "config.json").read_text(encoding="utf-8"))
    assert cfg["encoder"]["type"] == "cnn" and cfg["encoder"]["dilations"] == [1, 2] and "hidden" not in cfg["encoder"]
    cnn = NerModel(tmp_path / "c")
    assert all(text[e.start:e.end] == e.text for e in cnn.predict([text])[0])
    assert (tmp_path / "c" / "encoder.int8.onnx").exists() and cnn._load()["runtime"] == "onnx"
    with pytest.raises(SystemExit, match="vocabulary"):  # a teacher built on other data is refused
        from train_ner import parse_args, run

        run(parse_args(["--data", str(data), "--out", str(tmp_path / "x"), "--limit", "30", "--epochs", "1",
                        "--teacher", str(tmp_path / "a"), "--char-dim", "16", "--bigram-dim", "8",
                        "--max-bigrams", "2000", "--threads", "1"]))


def test_train_ner_checkpoint_averager_means_float16_exports() -> None:
    pytest.importorskip("torch", reason="training needs torch (pip install -e .[train])")
    import numpy as np
    from train_ner import Averager

    avg = Averager()
    avg.add({"w": np.array([1.0, 2.0], dtype=np.float16)})
    avg.add({"w": np.array([2.0, 5.0], dtype=np.float16)})
    out = avg.mean()
    assert out["w"].dtype == np.float16 and out["w"].tolist() == [1.5, 3.5]
