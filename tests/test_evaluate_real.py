"""`evaluate real`: scoring hand-labelled real messages as LABELLING.md says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clue_miner.errors import InputError
from clue_miner.evaluate.real import load_labelled, score_real
from clue_miner.types import Category, Clue, Extraction, Offence

ROWS = [
    {"id": "1", "text": "网上刷单被骗五万元，派出所不给立案", "criminal": "yes", "offences": ["诈骗"],
     "category": "crime", "police": "reported_not_filed", "clue": "UNFILED"},
    {"id": "2", "text": "小区路灯坏了一个月没人修", "criminal": "no", "offences": [], "category": "civic",
     "police": "none", "clue": "NONE"},
    {"id": "3", "text": "商家不退押金", "criminal": "no", "offences": [], "category": "civil",
     "police": "none", "clue": "NONE"},
    {"id": "4", "text": "听说有人在搞传销", "criminal": "unclear", "offences": ["组织、领导传销活动"],
     "category": "crime", "police": "none", "clue": "NONE"},
]


def _ext(text: str, label: str, offences: tuple[str, ...] = ()) -> Extraction:
    offs = tuple(Offence(name=o, kind="criminal", score=0.9) for o in offences)
    return Extraction(text=text, offences=offs, category=Category(label, 0.8))


def _clue(cid: str, kind: str) -> Clue:
    return Clue(clue_id=f"{kind}-{cid}", clue_type=kind, score=0.8, complaint_ids=(cid,), case_ids=(),
                offence="诈骗", reasons=(), evidence=())


def test_evaluate_real_scores_clues_crime_category_and_offences() -> None:
    exts = [_ext(ROWS[0]["text"], "crime", ("诈骗",)), _ext(ROWS[1]["text"], "civic"),
            _ext(ROWS[2]["text"], "crime", ("诈骗",)), _ext(ROWS[3]["text"], "crime", ("诈骗",))]
    clues = [_clue("1", "UNFILED"), _clue("3", "UNFILED"), _clue("4", "UNFILED")]
    s = score_real(ROWS, exts, clues)
    # message 4 is `unclear`: out of the clue and crime scores, in category accuracy
    assert (s.clue.tp, s.clue.fp, s.clue.fn) == (1, 1, 0)
    assert (s.crime.tp, s.crime.fp, s.crime.fn) == (1, 1, 0)
    assert s.category_accuracy == pytest.approx(3 / 4)
    assert s.offence_set_f1 == pytest.approx(1.0)
    assert [e["id"] for e in s.errors] == ["3"]


def test_evaluate_real_wrong_clue_type_is_a_miss_and_a_false_flag() -> None:
    exts = [_ext(r["text"], r["category"]) for r in ROWS]
    s = score_real(ROWS, exts, [_clue("1", "REFUSED")])
    assert (s.clue.tp, s.clue.fp, s.clue.fn) == (0, 1, 1)
    assert (s.flag.tp, s.flag.fp, s.flag.fn) == (1, 0, 0)


def test_evaluate_real_rejects_labels_outside_the_rubric(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({**ROWS[0], "category": "criminal"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        load_labelled(path)
