"""Format and encoding detection, raw loading of every supported format."""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from pathlib import Path

import pytest

from clue_miner.errors import InputError
from clue_miner.io import read_cases, read_complaints
from clue_miner.io.formats import detect_format, load_raw

CSV_TEXT = "编号,内容,受理时间\nA1,张三骗了我五万元,2024/5/12 9:32:09\nA2,邻居家被盗,2024年5月13日\n"


def _write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def _check(table) -> None:
    assert [c.id for c in table.rows] == ["A1", "A2"]
    assert table.rows[0].text == "张三骗了我五万元"
    assert table.rows[0].received_at == datetime(2024, 5, 12, 9, 32, 9)
    assert table.rows[1].received_at == datetime(2024, 5, 13)
    assert table.rows_in == 2 and not table.rejected


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("utf8.csv", CSV_TEXT.encode("utf-8"), "utf-8"),
        ("bom.csv", codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"), "utf-8-sig"),
        ("gb.csv", CSV_TEXT.encode("gb18030"), "gb18030"),
        ("gbk.csv", CSV_TEXT.encode("gbk"), "gb18030"),
        ("u16.csv", CSV_TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_io_formats_csv_encodings(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    table = read_complaints(_write(tmp_path / name, data))
    assert table.encoding == expected
    _check(table)


def test_io_formats_gbk_after_ascii_head_falls_back(tmp_path: Path) -> None:
    # The first MiB is plain ASCII (valid UTF-8); GBK bytes only come later.
    filler = "".join(f"X{i},ascii text {i},2024-05-01\n" for i in range(40000))
    data = ("编号,内容,受理时间\n" + filler + "A1,张三骗了我五万元,2024-05-12\n").encode("gb18030")
    table = read_complaints(_write(tmp_path / "late.csv", data))
    assert table.encoding == "gb18030"
    assert table.rows[-1].text == "张三骗了我五万元"


def test_io_formats_bad_bytes_raise_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", b"id,text\n1,\xff\xff\xfe\x80 broken\n")
    with pytest.raises(InputError) as info:
        read_complaints(path)
    assert info.value.code == "bad_encoding"
    assert "bad.csv" in str(info.value)


def test_io_formats_encoding_override(tmp_path: Path) -> None:
    path = _write(tmp_path / "gb.csv", CSV_TEXT.encode("gbk"))
    _check(read_complaints(path, encoding="gbk"))
    with pytest.raises(InputError) as info:
        read_complaints(path, encoding="utf-8")
    assert info.value.code == "bad_encoding"
    with pytest.raises(InputError):
        read_complaints(path, encoding="no-such-codec")


def test_io_formats_tsv(tmp_path: Path) -> None:
    _check(read_complaints(_write(tmp_path / "a.tsv", CSV_TEXT.replace(",", "\t"))))


def test_io_formats_jsonl_and_json_list(tmp_path: Path) -> None:
    records = [
        {"id": "A1", "text": "张三骗了我五万元", "received_at": "2024-05-12T09:32:09"},
        {"id": "A2", "text": "邻居家被盗", "received_at": "2024年5月13日"},
    ]
    jsonl = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    _check(read_complaints(_write(tmp_path / "a.jsonl", jsonl)))
    _check(read_complaints(_write(tmp_path / "a.json", json.dumps(records, ensure_ascii=False))))
    # .json holding JSON lines is read as JSON lines
    _check(read_complaints(_write(tmp_path / "lines.json", jsonl)))
    # {"data": [...]} wrapper
    _check(read_complaints(_write(tmp_path / "wrapped.json", json.dumps({"data": records}))))


def test_io_formats_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["A1", "A2"],
            "text": ["张三骗了我五万元", "邻居家被盗"],
            "received_at": pa.array(
                [datetime(2024, 5, 12, 1, 32, 9), datetime(2024, 5, 12, 16, 0)], pa.timestamp("us", tz="UTC")
            ),
        }
    )
    pq.write_table(table, tmp_path / "a.parquet")
    result = read_complaints(tmp_path / "a.parquet")
    assert result.format == "parquet"
    # tz-aware timestamps are converted to Asia/Shanghai wall time and made naive
    assert result.rows[0].received_at == datetime(2024, 5, 12, 9, 32, 9)
    assert result.rows[1].received_at == datetime(2024, 5, 13)


def test_io_formats_xlsx_with_title_row_and_native_cells(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某区12345工单导出"])  # title row above the header
    sheet.append(["工单编号", "诉求内容", "受理时间", None])
    sheet.append([123, "张三骗了我五万元", datetime(2024, 5, 12, 9, 32, 9)])
    sheet.append([None, None, None])  # blank row: skipped, not an input row
    sheet.append([124.0, "邻居家被盗", 45425])  # Excel serial date
    book.save(tmp_path / "a.xlsx")
    result = read_complaints(tmp_path / "a.xlsx")
    assert [c.id for c in result.rows] == ["123", "124"]
    assert result.rows[0].received_at == datetime(2024, 5, 12, 9, 32, 9)
    assert result.rows[1].received_at == datetime(2024, 5, 13)
    assert [c.row for c in result.rows] == [1, 3]  # sheet row minus header row
    assert result.rows_in == 2 and result.warnings == {"blank_rows": 1}


def test_io_formats_xls_gives_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    try:
        import xlrd  # noqa: F401
    except ImportError:
        with pytest.raises(InputError) as info:
            read_complaints(path)
        assert info.value.code == "unsupported_format"
        assert ".xlsx" in str(info.value)


def test_io_formats_sniffs_content_without_extension(tmp_path: Path) -> None:
    assert read_complaints(_write(tmp_path / "export.txt", CSV_TEXT)).format == "csv"
    assert read_complaints(_write(tmp_path / "export.dat", CSV_TEXT.replace(",", "\t"))).format == "tsv"
    jsonl = json.dumps({"id": "A1", "text": "被盗"}, ensure_ascii=False) + "\n"
    assert read_complaints(_write(tmp_path / "noext", jsonl)).format == "jsonl"
    # a CSV saved with an .xlsx name is read as CSV
    assert load_raw(_write(tmp_path / "fake.xlsx", CSV_TEXT)).format == "csv"
    assert detect_format(Path("x.bin"), b"PAR1....") == "parquet"
    assert detect_format(Path("x.csv"), b"PK\x03\x04") == "xlsx"


def test_io_formats_unusable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_complaints(tmp_path / "missing.csv")
    assert info.value.code == "not_found"
    with pytest.raises(InputError) as info:
        read_complaints(_write(tmp_path / "empty.csv", b""))
    assert info.value.code == "empty_file"
    with pytest.raises(InputError) as info:
        read_cases(_write(tmp_path / "page.xls", "<html><body>x</body></html>"))
    assert info.value.code == "unsupported_format"


def test_io_formats_header_only_file_has_no_rows(tmp_path: Path) -> None:
    table = read_complaints(_write(tmp_path / "h.csv", "id,text\n"))
    assert table.rows_in == 0 and table.rows == [] and table.rejected == []


def test_io_formats_csv_line_with_too_many_fields_is_rejected(tmp_path: Path) -> None:
    data = "id,text\nA1,正常\nA2,多了,一列,又一列\nA3,正常\n"
    table = read_complaints(_write(tmp_path / "m.csv", data))
    assert [c.id for c in table.rows] == ["A1", "A3"]
    assert [(r.row, r.reason) for r in table.rejected] == [(2, "malformed_row")]
    assert table.rows_in == 3


def test_io_formats_quoted_multiline_text(tmp_path: Path) -> None:
    data = 'id,text\nA1,"第一行\n第二行，有逗号"\nA2,正常\n'
    table = read_complaints(_write(tmp_path / "q.csv", data))
    assert table.rows[0].text == "第一行\n第二行，有逗号"
    assert [c.row for c in table.rows] == [1, 2]


def test_io_formats_unclosed_quote_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_complaints(_write(tmp_path / "uq.csv", 'id,text\nA1,"没有闭合\nA2,正常\n'))
    assert info.value.code == "bad_file" and "uq.csv" in str(info.value)
