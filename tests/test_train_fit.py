"""Fine-tuning end to end with the tiny configuration, offline: train -> save -> load -> predict,
multi-label, resume, determinism, thread limit, the pipeline and `mine --offence-model DIR`."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from clue_miner.cli import app
from clue_miner.errors import ModelError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytest.importorskip("transformers")
pytest.importorskip("datasets")

TEMPLATES = {
    "诈骗": ["我在网上刷单被骗了{n}元，对方把我拉黑了", "有人冒充客服骗我转账{n}元，之后联系不上",
             "网友以投资理财为名骗走我{n}元", "对方冒充公检法骗我汇款{n}元"],
    "盗窃": ["我的电动车昨晚在小区被偷了，价值{n}元", "家里被人撬门偷走现金{n}元", "手机在公交车上被扒窃，价值{n}元",
             "店里的货被人偷走，损失{n}元"],
    "故意伤害": ["邻居用木棍把我打成轻伤，花了医药费{n}元", "他持刀砍伤我的手臂，鉴定为轻伤二级",
                 "对方把我打得骨折，住院花了{n}元"],
    "赌博": ["小区棋牌室天天聚众赌博，输赢上万", "有人组织网络赌博，我输了{n}元", "村里有人设赌局抽头渔利"],
}
CIVIC = ["小区路灯坏了很久没人修", "学校门口交通拥堵，希望增设红绿灯", "楼上装修噪音扰民，物业不管",
         "公交线路太少，出行很不方便", "希望增加社区停车位", "下水道堵塞，污水外溢"]


def make_rows(n: int = 120, seed: int = 0) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(n):
        if i % 5 == 4:
            rows.append({"id": f"t{i}", "text": rng.choice(CIVIC), "labels": []})
            continue
        name = rng.choice(sorted(TEMPLATES))
        text = rng.choice(TEMPLATES[name]).format(n=rng.randint(100, 90000))
        labels = [name]
        if i % 3 == 0 and name != "故意伤害":
            text += "，" + rng.choice(TEMPLATES["故意伤害"]).format(n=rng.randint(100, 9000))
            labels.append("故意伤害")
        rows.append({"id": f"t{i}", "text": text, "labels": labels})
    return rows


def write_rows(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _params(**kw: object):  # noqa: ANN202
    from clue_miner.train.fit import TrainParams

    base = {"task": "offence", "base": "tiny", "threads": 1, "seed": 5, "quiet": True, "dev_fraction": 0.25,
            "combine": "model"}
    return TrainParams(**{**base, **kw})


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_rows(tmp_path_factory.mktemp("data") / "labels.jsonl", make_rows())


@pytest.fixture(scope="module")
def trained(data: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from clue_miner.train.fit import train

    return train(data, tmp_path_factory.mktemp("model") / "offence-tiny", _params())


def test_train_fit_writes_a_self_describing_directory(trained) -> None:  # noqa: ANN001
    out = trained.out_dir
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert cfg["kind"] == "offence-transformer" and cfg["task"] == "offence"
    assert cfg["labels"] == ["故意伤害", "盗窃", "诈骗", "赌博"]
    assert set(cfg["decision"]) == {"threshold", "max_labels", "at_least_one", "combine"}
    assert (out / "encoder" / "model.safetensors").exists() and (out / "encoder" / "tokenizer.json").exists()
    assert not (out / "checkpoints").exists()
    assert not [p for p in out.rglob("*") if p.suffix in (".bin", ".pt", ".pkl", ".pth")]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for key in ("set_f1", "top1_acc", "macro_f1", "micro_f1", "row_f1", "none_acc"):
        assert key in metrics["dev"]
    assert metrics["train_seconds"] > 0 and metrics["inference_texts_per_second"] > 0
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "offence-transformer" in card and "set-F1" in card


def _train_rows(result, data: Path):  # noqa: ANN001, ANN202
    from clue_miner.train.labels import read_labelled_file

    return read_labelled_file(data, "offence", seed=result.config["training"]["seed"], dev_fraction=0.25).split("train")


def test_train_fit_model_learns_multi_label(trained, data: Path) -> None:  # noqa: ANN001
    from clue_miner.train.detector import load_classifier

    assert trained.metrics["dev"]["row_f1"] > 0.7
    clf = load_classifier(trained.out_dir, threads=1)
    rows = _train_rows(trained, data)
    single = [r for r in rows if len(r.labels) == 1][:10]
    found = clf.predict_labels([r.text for r in single])
    assert sum([n for n, _ in f][:1] == list(r.labels) for f, r in zip(found, single, strict=True)) >= 7
    multi = [r for r in rows if len(r.labels) == 2]
    proba = clf.predict_proba([r.text for r in multi])
    assert abs(float(proba.sum(axis=1).mean()) - 1.0) > 0.05  # one sigmoid per label, not a softmax
    top2 = [{clf.labels[j] for j in p.argsort()[::-1][:2]} == set(r.labels) for p, r in zip(proba, multi, strict=True)]
    assert len(multi) >= 8 and sum(top2) >= len(multi) / 2


def test_train_fit_detector_follows_the_offence_contract(trained, data: Path) -> None:  # noqa: ANN001
    import clue_miner
    from clue_miner.extract.components import OffenceDetector

    det = clue_miner.api._offence_detector(str(trained.out_dir))
    assert isinstance(det, OffenceDetector)
    pipeline = clue_miner.load(offence_model=trained.out_dir)
    texts = [r.text for r in _train_rows(trained, data) if r.labels == ("诈骗",)][:3]
    exts = list(clue_miner.extract_many(texts, pipeline=pipeline))
    assert sum(bool(e.offences) and e.offences[0].name == "诈骗" for e in exts) >= 2
    ext = exts[0]
    text = ext.text
    for off in ext.offences:
        for ev in off.evidence:
            assert text[ev.start:ev.end] == ev.text
    assert ext.to_dict()["category"]["label"] in ("crime", "administrative", "civil", "civic")
    assert det.predict(["", "   "]) == [[], []]


def test_train_fit_inference_bounds_threads(trained, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import torch

    from clue_miner.train.detector import TextClassifier

    clf = TextClassifier(trained.out_dir, threads=1, batch_size=2)
    before = torch.get_num_threads()
    calls: list[int] = []
    real = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: (calls.append(n), real(n)))
    proba = clf.predict_proba(["被骗了五千元"] * 5)
    assert proba.shape == (5, 4) and calls[0] == 1 and torch.get_num_threads() == before


def test_train_fit_mine_takes_the_model_directory(trained, tmp_path: Path) -> None:  # noqa: ANN001
    demo = REPO / "corpora" / "demo_zh"
    res = CliRunner().invoke(app, ["mine", "--complaints", str(demo / "complaints.csv"), "--cases", str(demo / "cases.csv"),
                                   "--out", str(tmp_path / "o"), "--as-of", "2025-06-30", "--workers", "1", "-q",
                                   "--offence-model", str(trained.out_dir)])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_in"] == summary["rows_extracted"] + summary["rows_rejected"]
    for line in (tmp_path / "o" / "clues.jsonl").read_text(encoding="utf-8").splitlines():
        clue = json.loads(line)
        assert set(clue) >= {"clue_id", "clue_type", "score", "complaint_ids", "case_ids", "offence", "reasons", "evidence"}


def test_train_fit_is_deterministic_given_the_seed(trained, data: Path, tmp_path: Path) -> None:  # noqa: ANN001
    from clue_miner.train.fit import train

    again = train(data, tmp_path / "again", _params())
    assert (again.out_dir / "encoder" / "model.safetensors").read_bytes() == \
        (trained.out_dir / "encoder" / "model.safetensors").read_bytes()
    assert again.config["decision"] == trained.config["decision"]


def test_train_fit_resumes_from_the_last_checkpoint(data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from clue_miner.train.fit import train

    out = tmp_path / "m"
    with pytest.raises(ModelError) as info:
        train(data, out, _params(resume=True))
    assert info.value.code == "no_checkpoint"
    first = train(data, out, _params(epochs=2, patience=50, keep_checkpoints=True))
    assert first.metrics["epochs_run"] == 2 and list((out / "checkpoints").glob("checkpoint-*"))
    with caplog.at_level("INFO", logger="clue_miner.train.fit"):
        second = train(data, out, _params(epochs=4, patience=50, resume=True))
    assert "resuming from" in caplog.text
    assert second.metrics["epochs_run"] == 4 and not (out / "checkpoints").exists()
    rows = make_rows() + [{"id": "x1", "text": "有人在网上散布谣言诽谤我", "labels": ["诽谤"], "split": "train"}]
    train(data, out, _params(epochs=1, keep_checkpoints=True))
    with pytest.raises(ModelError) as info:
        train(write_rows(tmp_path / "other.jsonl", rows), out, _params(resume=True))
    assert info.value.code == "checkpoint_mismatch"


def test_train_fit_category_task_plugs_into_the_pipeline(tmp_path: Path) -> None:
    import clue_miner
    from clue_miner.train.fit import train

    rows = [{"id": r["id"], "text": r["text"], "labels": "crime" if r["labels"] else "civic"} for r in make_rows()]
    result = train(write_rows(tmp_path / "cat.jsonl", rows), tmp_path / "cat", _params(task="category", combine="auto"))
    assert result.config["kind"] == "category-transformer" and result.config["single_label"]
    pipeline = clue_miner.load(category_model=result.out_dir)
    ext = pipeline("小区路灯坏了很久没人修")
    assert ext.category.label in ("civic", "crime")
    with pytest.raises(ModelError) as info:
        clue_miner.load(offence_model=result.out_dir)
    assert info.value.code == "wrong_model_kind"


def test_train_fit_cli_rejects_a_bad_data_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "被骗了", "labels": "诈骗"}\n{"text": "被偷了", "labels": "盗窃"\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["train", "--data", str(bad), "--base", "tiny", "--out", str(tmp_path / "m"), "-q"])
    assert res.exit_code == 2
    assert "bad_labels" in res.output and "line 2: [malformed_json]" in res.output
    res = CliRunner().invoke(app, ["train", "--data", str(write_rows(tmp_path / "ok.jsonl", make_rows(30))),
                                   "--base", "no-such-config", "--out", str(tmp_path / "m"), "-q"])
    assert res.exit_code == 2 and "bad_base" in res.output and "tiny" in res.output


def test_train_import_clue_miner_stays_light() -> None:
    code = "import sys, clue_miner, clue_miner.train, clue_miner.cli; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False False"
