"""`evaluate mine`: both gold formats (the generator's and the independently written archives')."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clue_miner.evaluate.mine_eval import score_mine


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_evaluate_mine_reads_e2e_gold_format(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    _write(gold, [
        {"id": "A", "case_id": "K1", "criminal": True, "offences": ["诈骗"], "clue": "REFUSED", "why": ""},
        {"id": "B", "case_id": None, "criminal": True, "offences": ["盗窃"], "clue": "UNFILED", "why": ""},
        {"id": "C", "case_id": None, "criminal": False, "offences": [], "clue": "NONE", "why": ""},
    ])
    out = tmp_path / "out"
    out.mkdir()
    _write(out / "matches.jsonl", [{"complaint_id": "A", "case_id": "K1", "score": 0.9, "comparisons": {}}])
    _write(out / "clues.jsonl", [
        {"clue_id": "x", "clue_type": "REFUSED", "score": 0.8, "complaint_ids": ["A"], "case_ids": ["K1"]},
        {"clue_id": "y", "clue_type": "UNFILED", "score": 0.7, "complaint_ids": ["C"], "case_ids": []},
    ])
    _write(out / "extractions.jsonl", [
        {"id": "A", "offences": [{"name": "诈骗"}], "category": {"label": "crime"}},
        {"id": "B", "offences": [{"name": "诈骗"}], "category": {"label": "crime"}},
        {"id": "C", "offences": [], "category": {"label": "civil"}},
    ])
    s = score_mine(gold, out).to_dict()
    assert s["link_accuracy"] == pytest.approx(1.0)
    assert s["clues_micro"]["precision"] == pytest.approx(0.5) and s["clues_micro"]["recall"] == pytest.approx(0.5)
    assert s["false_clues_per_100"] == pytest.approx(100 / 3, abs=0.01)
    assert s["offence_accuracy"] == pytest.approx(0.5)  # A right, B wrong; C has none
