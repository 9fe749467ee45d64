"""Labelled rows from a reviewed clues.jsonl: verdicts, joins to the archive, bad lines reported."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clue_miner.cli import app
from clue_miner.train.export import export_labels, labels_from_reviews, normalise_verdict
from clue_miner.train.labels import read_labelled_file

COMPLAINTS = {
    "C1": "我在网上刷单被骗了五千元，对方把我拉黑了，报警后派出所不予立案。",
    "C2": "同一个人也骗了我三千元，说是刷单返利。",
    "C3": "电动车在小区被偷了，价值四千元，派出所一直没有立案。",
    "C4": "邻居借了我两万元不还，我报警说他诈骗，警察说是经济纠纷。",
    "C5": "他在饭店打了我一拳，鼻子流血，派出所罚了款就结案了。",
    "C6": "小区路灯坏了很久了。",
}


def _archive(tmp_path: Path) -> Path:
    path = tmp_path / "complaints.csv"
    lines = ["id,text,received_at"] + [f"{k},{v},2024-05-01" for k, v in COMPLAINTS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _clue(clue_id: str, kind: str, offence: str, ids: list[str], **review: object) -> dict[str, object]:
    return {"clue_id": clue_id, "clue_type": kind, "score": 0.8, "complaint_ids": ids, "case_ids": [],
            "offence": offence, "reasons": [], "evidence": [], **review}


def _reviewed(tmp_path: Path) -> Path:
    rows = [
        _clue("K1", "REFUSED", "诈骗", ["C1", "C2"], verdict="confirmed"),
        _clue("K2", "UNFILED", "诈骗", ["C3"], verdict="offence corrected", corrected_offence="盗窃罪"),
        _clue("K3", "UNFILED", "诈骗", ["C4"], verdict="rejected", corrected_category="civil"),
        _clue("K4", "PENALTY_INSTEAD", "故意伤害", ["C5"], verdict="rejected", corrected_offence="殴打他人"),
        _clue("K5", "UNFILED", "盗窃", ["C6"]),  # not reviewed yet
        _clue("K6", "UNFILED", "盗窃", ["C9"], verdict="confirmed"),  # complaint not in the archive
        _clue("K7", "UNFILED", "盗窃", ["C6"], verdict="offence_corrected"),  # no corrected_offence
        _clue("K8", "UNFILED", "盗窃", ["C6"], verdict="maybe"),
    ]
    path = tmp_path / "clues.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{broken\n", encoding="utf-8")
    return path


def test_train_export_verdict_forms() -> None:
    assert normalise_verdict("Confirmed") == "confirmed"
    assert normalise_verdict("offence corrected") == "offence_corrected"
    assert normalise_verdict("驳回") == "rejected"
    assert normalise_verdict(None) == "" and normalise_verdict("  ") == ""
    assert normalise_verdict("perhaps") is None


def test_train_export_offence_labels_per_verdict(tmp_path: Path) -> None:
    result = labels_from_reviews(_reviewed(tmp_path), _archive(tmp_path), "offence")
    labels = {r.id: r.labels for r in result.rows}
    assert labels == {"C1": ("诈骗",), "C2": ("诈骗",), "C3": ("盗窃",), "C4": (), "C5": ("殴打他人",)}
    assert {r.id: r.text for r in result.rows}["C3"] == COMPLAINTS["C3"]
    reasons = sorted((r["line"], r["reason"]) for r in result.rejected)
    assert reasons == [(6, "unknown_complaint"), (7, "bad_label"), (8, "bad_verdict"), (9, "malformed_json")]
    assert result.counts["unreviewed"] == 1 and result.counts["clues_read"] == 9
    splits = {r.id: r.split for r in result.rows}
    assert splits["C1"] == splits["C2"]  # one clue, one split


def test_train_export_clue_and_category_tasks(tmp_path: Path) -> None:
    clue = {r.id: r.labels for r in labels_from_reviews(_reviewed(tmp_path), _archive(tmp_path), "clue").rows}
    assert clue == {"C1": ("REFUSED",), "C2": ("REFUSED",), "C3": ("UNFILED",), "C4": (), "C5": ()}
    result = labels_from_reviews(_reviewed(tmp_path), _archive(tmp_path), "category")
    cat = {r.id: r.labels for r in result.rows}
    assert cat == {"C1": ("crime",), "C2": ("crime",), "C3": ("crime",), "C4": ("civil",)}
    assert any(r["reason"] == "no_label_for_task" and r["clue_id"] == "K4" for r in result.rejected)


def test_train_export_writes_a_file_that_trains_read(tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    result = export_labels(_reviewed(tmp_path), _archive(tmp_path), out, "offence", dev_fraction=0.5)
    assert out.exists() and (tmp_path / "labels.rejected.jsonl").exists()
    data = read_labelled_file(out, "offence", require_train=False)
    assert len(data.rows) == len(result.rows) == 5 and not data.problems


def test_train_export_cli(tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    res = CliRunner().invoke(app, ["export-labels", "--clues", str(_reviewed(tmp_path)), "--complaints",
                                   str(_archive(tmp_path)), "--out", str(out), "--task", "offence"])
    assert res.exit_code == 0, res.output
    assert "5 labelled rows" in res.output and "4 line(s) rejected" in res.output
    missing = CliRunner().invoke(app, ["export-labels", "--clues", str(tmp_path / "nope.jsonl"), "--complaints",
                                       str(_archive(tmp_path)), "--out", str(out)])
    assert missing.exit_code == 2 and "not found" in missing.output
