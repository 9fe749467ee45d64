"""End to end: a generated archive through ``mine``, scored against the generator's gold."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from clue_miner.evaluate.mine_eval import score_mine
from clue_miner.mine import mine

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpora.generate import main as generate

    out = tmp_path_factory.mktemp("archive")
    generate(["--complaints", "600", "--cases", "500", "--seed", "31", "--out", str(out)])
    return out


@pytest.fixture(scope="module")
def mined(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("out")
    mine(archive / "complaints.csv", archive / "cases.csv", out,
         as_of=date.fromisoformat(manifest["as_of"]), workers=2)
    return out


def test_mine_writes_every_output_file(mined: Path) -> None:
    for name in ("clues.jsonl", "matches.jsonl", "extractions.jsonl", "rejected.jsonl", "summary.json"):
        assert (mined / name).exists(), name


def test_mine_summary_counts_add_up(mined: Path) -> None:
    s = json.loads((mined / "summary.json").read_text(encoding="utf-8"))
    assert s["rows_in"] == s["rows_extracted"] + s["rows_rejected"] == 600
    assert s["cases_in"] == s["cases_loaded"] + s["cases_rejected"]
    assert sum(s["clues"].values()) == s["clues_total"]
    lines = (mined / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == s["rows_extracted"]
    assert s["as_of"] and s["stall_days"] == 365 and set(s["seconds"]) >= {"read", "extract", "link", "clues"}


def test_mine_clue_records_follow_the_contract(mined: Path, archive: Path) -> None:
    import pandas as pd

    texts = dict(pd.read_csv(archive / "complaints.csv", dtype=str)[["id", "text"]].values)
    clues = [json.loads(x) for x in (mined / "clues.jsonl").read_text(encoding="utf-8").splitlines()]
    assert clues
    for c in clues:
        assert set(c) >= {"clue_id", "clue_type", "score", "complaint_ids", "case_ids", "offence", "reasons", "evidence"}
        assert 0 <= c["score"] <= 1 and c["reasons"]
        if c["clue_type"] == "UNFILED":
            assert c["case_ids"] == []
        elif not c["case_ids"]:  # typed from the complainant's own account: says so
            assert any("未能关联" in r for r in c["reasons"])
        for ev in c["evidence"]:
            assert texts[ev["complaint_id"]][ev["start"]:ev["end"]] == ev["text"]


def test_mine_quality_against_gold(mined: Path, archive: Path) -> None:
    scores = score_mine(archive / "gold.jsonl", mined)
    assert scores.link_accuracy >= 0.85, scores.to_dict()
    assert scores.micro.precision >= 0.75, scores.to_dict()
    assert scores.micro.recall >= 0.7, scores.to_dict()
    for kind, prf in scores.per_type.items():
        assert prf.tp + prf.fn == 0 or prf.f1 >= 0.5, (kind, scores.to_dict())
