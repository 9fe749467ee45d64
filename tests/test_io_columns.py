"""Header mapping: canonical names, Chinese headers, --map, missing-column errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from clue_miner.errors import InputError
from clue_miner.io import parse_map_option, read_cases, read_complaints
from clue_miner.io.columns import header_key, is_known_header, resolve_columns


def _csv(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_io_columns_chinese_headers_are_recognised(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "工单编号,诉求内容,来电时间,来源渠道,留言主题,来电人,来电号码,所属区域,备注\n"
        "GD1,被骗五万元,2024-05-12,12345热线,诈骗,李四,+86 138-0013-8000,西湖区,无\n",
    )
    row = read_complaints(path).rows[0]
    assert (row.id, row.text, row.channel, row.title) == ("GD1", "被骗五万元", "12345热线", "诈骗")
    assert (row.complainant, row.complainant_phone, row.region) == ("李四", "13800138000", "西湖区")
    assert row.extra == {"备注": "无"}


def test_io_columns_case_insensitive_bom_and_fullwidth_spaces(tmp_path: Path) -> None:
    path = _csv(tmp_path, "\ufeff ID ,\u3000Text\u3000,Received_At\nA1,内容,2024-05-12\n")
    row = read_complaints(path).rows[0]
    assert (row.id, row.text) == ("A1", "内容")
    assert header_key("\ufeff Case ID\u3000") == header_key("case_id")
    assert is_known_header("涉案金额（元）") and not is_known_header("备注")


def test_io_columns_serial_number_loses_to_work_order_number(tmp_path: Path) -> None:
    path = _csv(tmp_path, "序号,工单编号,内容\n1,GD9,被盗\n")
    row = read_complaints(path).rows[0]
    assert row.id == "GD9" and row.extra == {"序号": "1"}


def test_io_columns_trailing_unit_in_header(tmp_path: Path) -> None:
    path = _csv(tmp_path, "案件编号,案件类别,案件状态,涉案金额（元）\nC1,刑事,立案,5000\n")
    assert read_cases(path).frame["amount"].tolist() == [5000.0]


def test_io_columns_user_map(tmp_path: Path) -> None:
    path = _csv(tmp_path, "单号,描述\nX1,被人打了\n")
    mapping = parse_map_option(["id=单号", "text = 描述"])
    assert mapping == {"id": "单号", "text": "描述"}
    row = read_complaints(path, mapping=mapping).rows[0]
    assert (row.id, row.text) == ("X1", "被人打了")
    # the mapping wins over a canonical header of the same name
    path2 = _csv(tmp_path, "id,text,内容2\nX1,短,长的内容\n", "b.csv")
    row2 = read_complaints(path2, mapping={"text": "内容2"}).rows[0]
    assert row2.text == "长的内容" and row2.extra == {"text": "短"}
    # case-table entries in a shared mapping are ignored by the complaint reader
    assert read_complaints(path, mapping={**mapping, "case_id": "案号"}).rows[0].id == "X1"


@pytest.mark.parametrize("bad", ["text", "=内容", "text=", "nosuch=内容"])
def test_io_columns_parse_map_option_rejects_bad_values(bad: str) -> None:
    with pytest.raises(InputError) as info:
        parse_map_option([bad])
    assert info.value.code == "bad_map"


def test_io_columns_parse_map_option_rejects_conflicts() -> None:
    assert parse_map_option([]) == {} and parse_map_option(None) == {}
    assert parse_map_option(["TEXT＝内容"]) == {"text": "内容"}
    with pytest.raises(InputError):
        parse_map_option(["text=内容", "text=正文"])


def test_io_columns_missing_column_message(tmp_path: Path) -> None:
    path = _csv(tmp_path, "编号,标题\n1,x\n")
    with pytest.raises(InputError) as info:
        read_complaints(path)
    err = info.value
    assert err.code == "missing_column"
    message = str(err)
    assert "'text'" in message and "'编号'" in message and "'标题'" in message
    assert "--map text=" in message and "内容" in message


def test_io_columns_missing_case_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "案件编号,案件状态\nC1,立案\n")
    with pytest.raises(InputError) as info:
        read_cases(path)
    assert info.value.code == "missing_column" and "case_kind" in str(info.value)


def test_io_columns_map_to_absent_header_reports_it() -> None:
    with pytest.raises(InputError) as info:
        resolve_columns(["编号", "正文x"], "complaints", {"text": "诉求"}, source="f.csv")
    assert "--map text=诉求" in str(info.value)
