"""Format detection and raw table loading (CSV, TSV, JSONL, JSON, Parquet, XLSX).

``load_raw(path)`` returns a :class:`RawTable`: the file's own headers and one Python list per
column, aligned with 1-based row numbers. Row numbers count data records, the header not
included:

- CSV / TSV: the record's position after the header; blank lines are skipped by the parser and
  not counted (a quoted field spanning lines is one record);
- XLSX: the sheet row number minus the header's sheet row (header on row 1 -> data row N is
  sheet row N + 1);
- JSONL: the position among non-empty lines (a malformed line still takes its number);
- JSON list / Parquet: the item's 1-based position.

In CSV / TSV / XLSX, records whose cells are all empty (``,,,`` lines, formatted but empty
sheet rows) carry no data: they are dropped here and counted in ``blank_rows``; they are not
input rows. In JSON, JSONL and Parquet every record is an input row (``{}`` included).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clue_miner.errors import InputError
from clue_miner.io.columns import is_known_header
from clue_miner.io.encoding import decode_all, encoding_candidates, read_sample

logger = logging.getLogger(__name__)

FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "xlsx", "xls")
EXTENSIONS: dict[str, str] = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".json": "json", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xls": "xls",
}
_BINARY = ("parquet", "xlsx", "xls")
_BAD_LINE = "\x00clue_miner:bad_line\x00"
_HEADER_SCAN_ROWS = 20


@dataclass
class RawTable:
    """A table as read, before column mapping. ``columns[j][i]`` is header ``j`` of record ``i``."""

    path: Path
    format: str
    encoding: str | None
    headers: list[str]
    columns: list[list[Any]]
    rows: list[int]
    malformed: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (reason, detail)
    blank_rows: int = 0

    def __len__(self) -> int:
        return len(self.rows)


def _magic(sample: bytes) -> str | None:
    if sample.startswith(b"PAR1"):
        return "parquet"
    if sample.startswith(b"PK\x03\x04"):
        return "xlsx"
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if sample.startswith(b"\x1f\x8b"):
        return "gzip"
    return None


def _sniff_text(text: str) -> str:
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "jsonl"
    if head.startswith("["):
        return "json"
    if head.startswith("<"):
        return "html"
    first = head.split("\n", 1)[0]
    return "tsv" if first.count("\t") > first.count(",") else "csv"


def _delimiter(fmt: str, first_line: str) -> str:
    preferred = "\t" if fmt == "tsv" else ","
    if preferred in first_line:
        return preferred
    for sep in ("\t", ",", ";", "|"):
        if sep in first_line:
            return sep
    return preferred


def detect_format(path: Path, sample: bytes, text_sample: str | None = None) -> str:
    """Format of ``path``: binary magic first, then the extension, then the content."""
    magic = _magic(sample)
    ext = EXTENSIONS.get(path.suffix.lower())
    if magic == "gzip":
        raise InputError(
            f"{path.name}: compressed files are not read directly; decompress it first (请先解压)",
            code="unsupported_format",
        )
    if magic is not None:
        if ext is not None and ext != magic:
            logger.warning("%s: extension says %s but the content is %s", path.name, ext, magic)
        return magic
    if ext is not None and ext not in _BINARY:
        return ext
    if ext is not None:
        logger.warning("%s: extension says %s but the content is text; sniffing", path.name, ext)
    fmt = _sniff_text(text_sample if text_sample is not None else sample.decode("utf-8", "replace"))
    if fmt == "html":
        raise InputError(
            f"{path.name}: looks like an HTML page, not a table; export it as XLSX or CSV "
            "(文件内容是网页，请导出为 XLSX 或 CSV)",
            code="unsupported_format",
        )
    return fmt


def load_raw(path: str | Path, encoding: str | None = None) -> RawTable:
    """Read ``path`` into a :class:`RawTable`. Raises :class:`InputError` on unusable files."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found (文件不存在)", code="not_found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file (应为文件)", code="not_found")
    sample = read_sample(path)
    if not sample.strip():
        raise InputError(f"{path.name}: the file is empty (文件为空)", code="empty_file")
    magic = _magic(sample)
    candidates: list[str] = []
    text_sample: str | None = None
    if magic is None:
        candidates = encoding_candidates(path, sample, encoding)
        text_sample = sample.decode(candidates[0], errors="replace")
    fmt = detect_format(path, sample, text_sample)
    if fmt in ("csv", "tsv"):
        first_line = (text_sample or "").lstrip("\ufeff").split("\n", 1)[0]
        table = _load_delimited(path, fmt, _delimiter(fmt, first_line), candidates)
    elif fmt in ("jsonl", "json"):
        table = _load_json(path, fmt, candidates)
    elif fmt == "parquet":
        table = _load_parquet(path)
    elif fmt == "xlsx":
        table = _load_xlsx(path)
    else:
        table = _load_xls(path)
    if table.format in ("csv", "tsv", "xlsx", "xls"):
        _drop_blank(table)
    logger.info(
        "%s: %s, %s, %d records, %d blank", path.name, table.format, table.encoding or "binary",
        len(table.rows), table.blank_rows,
    )
    return table


# ------------------------------------------------------------------------- delimited text
def _load_delimited(path: Path, fmt: str, sep: str, candidates: list[str]) -> RawTable:
    import pandas as pd

    options: dict[str, Any] = dict(
        sep=sep, dtype=str, na_filter=False, keep_default_na=False, skip_blank_lines=True, index_col=False,
        encoding_errors="strict",
    )
    last_error: UnicodeDecodeError | None = None
    for codec in candidates:
        try:
            try:
                frame = pd.read_csv(path, encoding=codec, engine="c", **options)
            except pd.errors.ParserError as strict_error:
                logger.warning("%s: %s; retrying line by line", path.name, str(strict_error).strip())
                try:
                    frame = _read_csv_tolerant(path, codec, options)
                except pd.errors.ParserError as exc:
                    raise InputError(
                        f"{path.name}: cannot parse as {fmt.upper()}: {exc}; an unclosed quote? "
                        "(无法解析文件，请检查引号是否成对)",
                        code="bad_file",
                    ) from exc
        except UnicodeDecodeError as exc:
            last_error = exc
            continue
        except pd.errors.EmptyDataError as exc:
            raise InputError(f"{path.name}: no header row (没有表头)", code="empty_file") from exc
        headers = [str(h) for h in frame.columns]
        columns = [frame.iloc[:, j].tolist() for j in range(frame.shape[1])]
        table = RawTable(path, fmt, codec, headers, columns, list(range(1, len(frame) + 1)))
        if columns:
            for i, first in enumerate(columns[0]):
                if isinstance(first, str) and first.startswith(_BAD_LINE):
                    fields = first[len(_BAD_LINE):]
                    table.malformed[i] = (
                        "malformed_row", f"该行有 {fields} 个字段，表头只有 {len(headers)} 列",
                    )
                    columns[0][i] = None
        return table
    from clue_miner.io.encoding import bad_encoding_error

    raise bad_encoding_error(path, candidates, last_error.start if last_error else None)


def _read_csv_tolerant(path: Path, codec: str, options: dict[str, Any]) -> Any:
    """Python-engine read that keeps over-long lines as marked placeholder rows."""
    import pandas as pd

    width: list[int] = []

    def bad_line(fields: list[str]) -> list[str]:
        return [f"{_BAD_LINE}{len(fields)}"] + [""] * (width[0] - 1)

    header = pd.read_csv(path, encoding=codec, engine="python", nrows=0, **options)
    width.append(max(len(header.columns), 1))
    return pd.read_csv(path, encoding=codec, engine="python", on_bad_lines=bad_line, **options)


# ---------------------------------------------------------------------------------- JSON
def _records_table(
    path: Path, fmt: str, codec: str | None, records: list[Any], malformed: dict[int, tuple[str, str]]
) -> RawTable:
    headers: dict[str, None] = {}
    for record in records:
        if isinstance(record, dict):
            for key in record:
                headers.setdefault(str(key), None)
    names = list(headers)
    columns: list[list[Any]] = [[] for _ in names]
    for record in records:
        get = record.get if isinstance(record, dict) else (lambda _k: None)
        for j, name in enumerate(names):
            columns[j].append(get(name))
    table = RawTable(path, fmt, codec, names, columns, list(range(1, len(records) + 1)), malformed)
    for i, record in enumerate(records):
        if not isinstance(record, dict) and i not in malformed:
            malformed[i] = ("malformed_json", f"不是 JSON 对象（{type(record).__name__}）")
    return table


def _load_json(path: Path, fmt: str, candidates: list[str]) -> RawTable:
    text, codec = decode_all(path, path.read_bytes(), candidates)
    text = text.lstrip("\ufeff")
    if fmt == "json" or text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if text.lstrip().startswith("["):
                raise InputError(
                    f"{path.name}: not valid JSON at line {exc.lineno} column {exc.colno} (JSON 格式错误)",
                    code="malformed_json",
                ) from exc
            data = None  # not one document: read it as JSON lines
        if isinstance(data, dict):
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if len(data) == 1 and lists else [data]
        if isinstance(data, list):
            return _records_table(path, "json", codec, data, {})
    records: list[Any] = []
    malformed: dict[int, tuple[str, str]] = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            malformed[len(records)] = ("malformed_json", f"JSON 解析失败：{exc.msg}（第 {exc.colno} 个字符）")
            record = None
        records.append(record)
    return _records_table(path, "jsonl", codec, records, malformed)


# ------------------------------------------------------------------------------ binary
def _load_parquet(path: Path) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path.name}: cannot read Parquet file: {exc} (无法读取)", code="bad_file") from exc
    headers = [str(name) for name in table.column_names]
    columns = [table.column(j).to_pylist() for j in range(table.num_columns)]
    return RawTable(path, "parquet", None, headers, columns, list(range(1, table.num_rows + 1)))


def _rows_to_table(path: Path, fmt: str, sheet_rows: list[tuple[Any, ...]]) -> RawTable:
    """Sheet rows -> table: header = first row with a known header (else first non-empty row)."""

    def non_empty(row: tuple[Any, ...]) -> bool:
        return any(v is not None and str(v).strip() for v in row)

    header_at = next((i for i, r in enumerate(sheet_rows[:_HEADER_SCAN_ROWS]) if any(
        is_known_header(v) for v in r if v is not None)), None)
    if header_at is None:
        header_at = next((i for i, r in enumerate(sheet_rows) if non_empty(r)), None)
    if header_at is None:
        raise InputError(f"{path.name}: the sheet is empty (工作表为空)", code="empty_file")
    header = list(sheet_rows[header_at])
    data = sheet_rows[header_at + 1:]
    width = max([len(header)] + [len(r) for r in data])
    while width > 0 and (width > len(header) or header[width - 1] is None) and not any(
        len(r) >= width and r[width - 1] is not None for r in data
    ):
        width -= 1
    names = [
        str(header[j]).strip() if j < len(header) and header[j] is not None and str(header[j]).strip()
        else f"column_{j + 1}"
        for j in range(width)
    ]
    columns = [[r[j] if j < len(r) else None for r in data] for j in range(width)]
    return RawTable(path, fmt, None, names, columns, list(range(1, len(data) + 1)))


def _load_xlsx(path: Path) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise InputError(f"{path.name}: cannot open as XLSX: {exc} (无法打开 Excel 文件)", code="bad_file") from exc
    try:
        chosen = None
        for sheet in book.worksheets:
            head = list(sheet.iter_rows(max_row=_HEADER_SCAN_ROWS, values_only=True))
            if any(is_known_header(v) for r in head for v in r if v is not None):
                chosen = sheet
                break
            if chosen is None and any(v is not None for r in head for v in r):
                chosen = sheet
        if chosen is None:
            raise InputError(f"{path.name}: the workbook is empty (工作簿为空)", code="empty_file")
        rows = list(chosen.iter_rows(values_only=True))
    finally:
        book.close()
    return _rows_to_table(path, "xlsx", rows)


def _load_xls(path: Path) -> RawTable:
    try:
        import xlrd  # noqa: F401
    except ImportError as exc:
        raise InputError(
            f"{path.name}: old Excel .xls files need the xlrd package, which is not installed; "
            "save the file as .xlsx or CSV (请另存为 .xlsx 或 CSV)",
            code="unsupported_format",
        ) from exc
    import pandas as pd

    frame = pd.read_excel(path, header=None, dtype=object, engine="xlrd")
    rows = [tuple(None if (isinstance(v, float) and v != v) else v for v in r) for r in frame.itertuples(index=False)]
    return _rows_to_table(path, "xls", rows)


def _drop_blank(table: RawTable) -> None:
    """Remove records whose cells are all empty (not malformed ones)."""
    if not table.columns or not table.rows:
        return
    keep: list[int] = []
    for i in range(len(table.rows)):
        if i in table.malformed:
            keep.append(i)
            continue
        for col in table.columns:
            v = col[i]
            if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v):
                continue
            keep.append(i)
            break
    if len(keep) == len(table.rows):
        return
    table.blank_rows = len(table.rows) - len(keep)
    table.columns = [[col[i] for i in keep] for col in table.columns]
    table.rows = [table.rows[i] for i in keep]
    table.malformed = {new: table.malformed[old] for new, old in enumerate(keep) if old in table.malformed}
