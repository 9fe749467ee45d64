"""Case reader: canonical frame schema, normalisation, rejections, records()."""

from __future__ import annotations

import csv
import json
import math
from datetime import datetime
from pathlib import Path

import pytest

from clue_miner.io import CASE_FRAME_COLUMNS, read_cases
from clue_miner.io.cases import normalise_case_kind, normalise_status
from clue_miner.types import CaseRecord

HEADER = [
    "案件编号", "案件类别", "案件状态", "案由", "受案时间", "立案时间", "状态变更时间",
    "犯罪嫌疑人", "嫌疑人电话", "嫌疑人身份证号", "被害人", "被害人电话",
    "发案地点", "涉案金额", "伤情", "处罚结果", "简要案情", "区域", "承办人",
]


def _cases_csv(tmp_path: Path, rows: list[list[object]]) -> Path:
    path = tmp_path / "cases.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


FULL = [
    "C001", "刑事案件", "已立案", "诈骗", "2024/5/12", "2024年5月20日", "45440",
    "张三；李四", "+86 138-0013-8000", "11010119900101123x", "王五、赵六", "13900139000",
    "西湖区文三路", "5.2万元", "", "", "被骗五万余元", "西湖区", "刘警官",
]


def test_io_cases_frame_schema_is_exact(tmp_path: Path) -> None:
    table = read_cases(_cases_csv(tmp_path, [FULL, ["C002", "行政", "行政处罚"] + [""] * 16]))
    frame = table.frame
    assert tuple(frame.columns) == CASE_FRAME_COLUMNS
    for col in ("accepted_at", "filed_at", "status_at"):
        assert str(frame[col].dtype) == "datetime64[ns]"
    assert str(frame["amount"].dtype) == "float64"
    assert str(frame["row"].dtype) == "int64"
    first, second = frame.iloc[0], frame.iloc[1]
    assert (first["case_id"], first["case_kind"], first["status"]) == ("C001", "刑事", "立案")
    assert first["accepted_at"] == datetime(2024, 5, 12)
    assert first["filed_at"] == datetime(2024, 5, 20)
    assert first["status_at"] == datetime(2024, 5, 28)
    assert first["suspects"] == ["张三", "李四"]
    assert first["suspect_phones"] == ["13800138000"]
    assert first["suspect_ids"] == ["11010119900101123X"]
    assert first["victims"] == ["王五", "赵六"]
    assert first["victim_phones"] == ["13900139000"]
    assert first["amount"] == 52000.0
    assert first["injury"] is None and first["summary"] == "被骗五万余元"
    assert first["extra"] == {"承办人": "刘警官"}
    assert second["suspects"] == [] and second["offence"] is None
    assert math.isnan(second["amount"]) and second["accepted_at"] is not None and str(second["accepted_at"]) == "NaT"
    assert frame["row"].tolist() == [1, 2]
    assert table.rows_in == 2 and not table.rejected and table.warnings == {}


def test_io_cases_rejections_and_accounting(tmp_path: Path) -> None:
    blank = [""] * 16
    rows = [
        ["C1", "刑事", "立案"] + blank,
        ["", "刑事", "立案"] + blank,
        ["C2", "", "立案"] + blank,
        ["C3", "刑事", " "] + blank,
        ["C1", "行政", "结案"] + blank,
        ["C4", "刑事", "撤销案件"] + blank,
    ]
    table = read_cases(_cases_csv(tmp_path, rows))
    assert table.frame["case_id"].tolist() == ["C1", "C4"]
    assert [(r.row, r.id, r.reason) for r in table.rejected] == [
        (2, None, "missing_case_id"),
        (3, "C2", "missing_case_kind"),
        (4, "C3", "missing_status"),
        (5, "C1", "duplicate_id"),
    ]
    assert all(r.source == "cases" for r in table.rejected)
    assert table.rows_in == len(table.frame) + len(table.rejected) == 6


def test_io_cases_warnings_for_unparsed_cells(tmp_path: Path) -> None:
    row = list(FULL)
    row[4], row[13] = "去年", "好几万"
    table = read_cases(_cases_csv(tmp_path, [row]))
    assert table.warnings == {"accepted_at_unparsed": 1, "amount_unparsed": 1}
    assert str(table.frame["accepted_at"].iloc[0]) == "NaT"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("已立案", "立案"), ("不立案", "不予立案"), ("不予立案决定", "不予立案"), ("已撤案", "撤案"),
        ("撤销案件", "撤案"), ("已移送起诉", "移送起诉"), ("已结案", "结案"), ("受案", "受案"),
        ("行政处罚", "行政处罚"), ("侦查中", "侦查中"),
    ],
)
def test_io_cases_status_normalisation(given: str, expected: str) -> None:
    assert normalise_status(given) == expected


def test_io_cases_case_kind_normalisation() -> None:
    assert normalise_case_kind("刑事案件") == "刑事"
    assert normalise_case_kind("行政案件") == "行政"
    assert normalise_case_kind("刑事") == "刑事"
    assert normalise_case_kind("其他") == "其他"


def test_io_cases_records(tmp_path: Path) -> None:
    table = read_cases(_cases_csv(tmp_path, [FULL, ["C002", "行政", "行政处罚"] + [""] * 16]))
    first, second = list(table.records())
    assert isinstance(first, CaseRecord)
    assert first.suspects == ("张三", "李四") and first.amount == 52000.0
    assert first.accepted_at == datetime(2024, 5, 12) and type(first.accepted_at) is datetime
    assert second.accepted_at is None and second.amount is None and second.suspects == ()
    assert (second.row, second.extra) == (2, {"承办人": None})


def test_io_cases_jsonl_with_native_lists_and_numbers(tmp_path: Path) -> None:
    lines = [
        {"case_id": 1001, "case_kind": "刑事", "status": "立案", "suspects": ["张三", "李四"],
         "amount": 3000, "filed_at": "2024-05-12T10:00"},
        "not json",
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines),
        encoding="utf-8",
    )
    table = read_cases(path)
    record = next(table.records())
    assert (record.case_id, record.suspects, record.amount) == ("1001", ("张三", "李四"), 3000.0)
    assert record.filed_at == datetime(2024, 5, 12, 10)
    assert [(r.row, r.reason) for r in table.rejected] == [(2, "malformed_json")]


def test_io_cases_empty_table_keeps_schema(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("case_id,case_kind,status\n", encoding="utf-8")
    table = read_cases(path)
    assert tuple(table.frame.columns) == CASE_FRAME_COLUMNS and len(table.frame) == 0
    assert str(table.frame["filed_at"].dtype) == "datetime64[ns]"
    assert list(table.records()) == []
