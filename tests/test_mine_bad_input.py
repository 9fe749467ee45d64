"""``mine`` on files with problems: every row accounted for, clear errors, no crash."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from clue_miner.errors import InputError
from clue_miner.mine import mine

CASES = (
    "case_id,case_kind,status,offence,accepted_at,suspects,victims,amount\n"
    "K1,刑事,不予立案,诈骗,2024-03-02,张伟,刘科连,50000\n"
    "K2,刑事,,盗窃,2024-03-02,,,\n"  # missing status -> rejected
    "K1,刑事,立案,诈骗,2024-03-02,,,\n"  # duplicate id -> rejected
)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_mine_bad_jsonl_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "我叫刘科连，被张伟骗了五万元，派出所不予立案", "received_at": "2024-04-01"},
                   ensure_ascii=False),
        "{not json",
        json.dumps({"id": "a2", "text": ""}),
        json.dumps({"id": "a1", "text": "重复的编号"}, ensure_ascii=False),
        json.dumps({"text": "没有编号"}, ensure_ascii=False),
        json.dumps({"id": "a3", "text": "明年的投诉", "received_at": "2099-01-01"}, ensure_ascii=False),
    ]
    comp = _write(tmp_path / "c.jsonl", "\n".join(lines) + "\n")
    cases = _write(tmp_path / "k.csv", CASES)
    result = mine(comp, cases, tmp_path / "out", as_of=date(2024, 6, 1), workers=1)
    s = result.summary
    assert s["rows_in"] == 6 and s["rows_extracted"] == 2 and s["rows_rejected"] == 4
    assert s["cases_in"] == 3 and s["cases_loaded"] == 1 and s["cases_rejected"] == 2
    rejected = _read_jsonl(tmp_path / "out" / "rejected.jsonl")
    reasons = {(r["source"], r["reason"]) for r in rejected}
    assert ("complaints", "malformed_json") in reasons
    assert ("complaints", "missing_text") in reasons
    assert ("complaints", "duplicate_id") in reasons
    assert ("complaints", "missing_id") in reasons
    assert ("cases", "missing_status") in reasons and ("cases", "duplicate_id") in reasons
    assert all(r["row"] >= 1 and r["message"] for r in rejected)
    assert s["warnings"]["received_at_in_future"] == 1


def test_mine_gb18030_csv_with_chinese_headers(tmp_path: Path) -> None:
    comp = _write(tmp_path / "c.csv", "工单编号,诉求内容,受理时间\nG1,我的电动车被偷了，价值五千元,2024/5/12 9:32:09\n",
                  encoding="gb18030")
    cases = _write(tmp_path / "k.csv", "案件编号,案件类别,案件状态,案由\nK9,行政,行政处罚,盗窃\n", encoding="gb18030")
    result = mine(comp, cases, tmp_path / "out", as_of=date(2024, 6, 1), workers=1)
    assert result.summary["rows_extracted"] == 1 and result.summary["cases_loaded"] == 1
    ext = _read_jsonl(tmp_path / "out" / "extractions.jsonl")[0]
    assert ext["id"] == "G1" and ext["offences"][0]["name"] == "盗窃"


def test_mine_missing_required_column_is_a_clear_error(tmp_path: Path) -> None:
    comp = _write(tmp_path / "c.csv", "编号,备注\n1,无正文\n")
    cases = _write(tmp_path / "k.csv", CASES)
    with pytest.raises(InputError) as err:
        mine(comp, cases, tmp_path / "out", as_of=date(2024, 6, 1), workers=1)
    assert err.value.code == "missing_column" and "text" in str(err.value)


def test_mine_wrong_encoding_is_a_clear_error(tmp_path: Path) -> None:
    comp = _write(tmp_path / "c.csv", "id,text\n1,ok\n")
    comp.write_bytes(b"id,text\n1,\xff\xfe\xfa\xfb\x80\x81\xfe\n")
    cases = _write(tmp_path / "k.csv", CASES)
    with pytest.raises(InputError) as err:
        mine(comp, cases, tmp_path / "out", as_of=date(2024, 6, 1), workers=1)
    assert err.value.code == "bad_encoding"


def test_mine_empty_archive_writes_empty_outputs(tmp_path: Path) -> None:
    comp = _write(tmp_path / "c.csv", "id,text\n")
    cases = _write(tmp_path / "k.csv", "case_id,case_kind,status\n")
    result = mine(comp, cases, tmp_path / "out", as_of=date(2024, 6, 1), workers=1)
    assert result.summary["rows_in"] == 0 and result.summary["clues_total"] == 0
    assert (tmp_path / "out" / "clues.jsonl").read_text(encoding="utf-8") == ""


def test_mine_rejects_a_ner_model_of_another_kind_before_reading_workers(tmp_path: Path) -> None:
    from clue_miner.errors import ModelError
    from clue_miner.model_store import models_dir

    comp = _write(tmp_path / "c.csv", "id,text\n1,我的电动车被偷了\n")
    cases = _write(tmp_path / "k.csv", CASES)
    with pytest.raises(ModelError, match="expected 'ner'"):
        mine(comp, cases, tmp_path / "out", as_of=date(2025, 1, 1), workers=1,
             ner_model=models_dir() / "offence-linear")
