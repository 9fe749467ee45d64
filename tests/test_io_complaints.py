"""Complaint reader: row validation, rejections, accounting, warnings."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

from clue_miner.io import read_complaints
from clue_miner.types import Complaint


def _csv(tmp_path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header or ["id", "text", "received_at"])
        writer.writerows(rows)
    return path


def _reasons(table) -> list[tuple[int, str | None, str]]:
    return [(r.row, r.id, r.reason) for r in table.rejected]


def _accounted(table) -> bool:
    return table.rows_in == len(table.rows) + len(table.rejected)


def test_io_complaints_rejections_and_accounting(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        [
            ["A1", "张三骗走我五万元", "2024-05-12"],
            ["", "没有编号的投诉", ""],
            ["A2", "", ""],
            ["A3", "   \t ", ""],
            ["A4", "\x00\x01\u200b", ""],
            ["A1", "重复编号", ""],
            ["A5", "NULL", ""],
            ["A6", "正常投诉", "2024年5月12日"],
        ],
    )
    table = read_complaints(path)
    assert [c.id for c in table.rows] == ["A1", "A6"]
    assert _reasons(table) == [
        (2, None, "missing_id"),
        (3, "A2", "missing_text"),
        (4, "A3", "unreadable_text"),
        (5, "A4", "unreadable_text"),
        (6, "A1", "duplicate_id"),
        (7, "A5", "missing_text"),
    ]
    assert table.rows_in == 8 and _accounted(table)
    assert all(r.source == "complaints" and r.message for r in table.rejected)
    assert "第 1 行" in table.rejected[4].message


def test_io_complaints_duplicate_keeps_first_usable_row(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["A1", "", ""], ["A1", "第二次出现但内容完整", ""], ["A1", "第三次", ""]])
    table = read_complaints(path)
    assert [(c.id, c.row) for c in table.rows] == [("A1", 2)]
    assert _reasons(table) == [(1, "A1", "missing_text"), (3, "A1", "duplicate_id")]


def test_io_complaints_text_kept_exactly_as_given(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["A1", "  前后有空格\n第二行 ", ""]])
    assert read_complaints(path).rows[0].text == "  前后有空格\n第二行 "


def test_io_complaints_huge_text_rejected_as_too_long(tmp_path: Path) -> None:
    huge = "骗" * 1_000_000
    path = _csv(tmp_path, [["A1", huge, ""], ["A2", "正常", ""]])
    table = read_complaints(path)
    assert [c.id for c in table.rows] == ["A2"]
    (rejected,) = table.rejected
    assert (rejected.id, rejected.reason) == ("A1", "text_too_long")
    assert "1000000" in rejected.message and "200000" in rejected.message
    assert len(read_complaints(path, max_text_chars=None).rows) == 2
    assert len(read_complaints(path, max_text_chars=2_000_000).rows) == 2


def test_io_complaints_malformed_json_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "J1", "text": "第一条"}, ensure_ascii=False),
        "",
        '{"id": "J2", "text": "少了右括号"',
        "   ",
        "[1, 2]",
        json.dumps({"id": "J3", "text": "第三条", "received_at": "2024/5/12 9:32"}, ensure_ascii=False),
        json.dumps({"id": 4, "text": {"nested": True}}),
        json.dumps({"id": 5.0, "text": 12345}),
        "{}",
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_complaints(path)
    # row = position among non-empty lines
    assert [(c.id, c.row) for c in table.rows] == [("J1", 1), ("J3", 4), ("5", 6)]
    assert table.rows[2].text == "12345"
    assert _reasons(table) == [
        (2, None, "malformed_json"),
        (3, None, "malformed_json"),
        (5, "4", "unreadable_text"),
        (7, None, "missing_id"),
    ]
    assert table.rows_in == 7 and _accounted(table)


def test_io_complaints_warnings_for_dates(tmp_path: Path) -> None:
    future = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d")
    path = _csv(
        tmp_path,
        [["A1", "内容", "去年夏天"], ["A2", "内容", future], ["A3", "内容", "45424"], ["A4", "内容", ""]],
    )
    table = read_complaints(path)
    assert len(table.rows) == 4 and not table.rejected
    assert table.rows[0].received_at is None
    assert table.rows[2].received_at == datetime(2024, 5, 12)
    assert table.warnings == {"received_at_unparsed": 1, "received_at_future": 1}


def test_io_complaints_ids_are_strings_as_given(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["00123", "内容", ""], ["123.0", "内容", ""], [" 77 ", "内容", ""]])
    assert [c.id for c in read_complaints(path).rows] == ["00123", "123.0", "77"]


def test_io_complaints_rows_are_complaints_with_extra(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["A1", "内容", "", "x", ""]], ["id", "text", "received_at", "备注", "其他"])
    (row,) = read_complaints(path).rows
    assert isinstance(row, Complaint)
    assert row.row == 1 and row.extra == {"备注": "x", "其他": None}


def test_io_complaints_every_row_accounted_in_a_mixed_file(tmp_path: Path) -> None:
    rows: list[list[object]] = []
    for i in range(300):
        kind = i % 6
        ident = "" if kind == 1 else f"ID{i % 250}"
        text = {2: "", 3: "  "}.get(kind, f"第{i}条投诉")
        rows.append([ident, text, "2024-05-12" if i % 2 else "bad date"])
    table = read_complaints(_csv(tmp_path, rows))
    assert table.rows_in == 300 and _accounted(table)
    assert len({c.id for c in table.rows}) == len(table.rows)
    seen = sorted([c.row for c in table.rows] + [r.row for r in table.rejected])
    assert seen == list(range(1, 301))
