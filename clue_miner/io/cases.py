"""Police case table reader: file -> ``CaseTable`` (a pandas frame in the canonical case schema).

Checks per record, first failing one wins: ``malformed_json`` / ``malformed_row``,
``missing_case_id``, ``missing_case_kind``, ``missing_status``, then ``duplicate_id`` among the
records that passed (first kept). ``rows_in == len(frame) + len(rejected)``.

Canonical frame schema (other modules code against it): ``case_id``, ``case_kind``, ``status``
(str), ``offence`` (str or None), ``accepted_at``, ``filed_at``, ``status_at`` (datetime64[ns],
NaT when unknown), ``suspects``, ``suspect_phones``, ``suspect_ids``, ``victims``,
``victim_phones`` (Python lists of str, possibly empty), ``location``, ``injury``, ``penalty``,
``summary``, ``region`` (str or None), ``amount`` (float64, NaN when unknown), ``row`` (int64,
1-based), ``extra`` (dict). String and list columns have dtype ``object``.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clue_miner.io.cells import (
    clean_str,
    parse_amount_cell,
    parse_date_cell,
    split_ids_cell,
    split_list_cell,
    split_phones_cell,
)
from clue_miner.io.columns import resolve_columns
from clue_miner.io.formats import load_raw
from clue_miner.io.rows import RowBook, column, extra_getters, extra_value, parse_cell
from clue_miner.types import CaseRecord, Rejected

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

SOURCE = "cases"

CASE_FRAME_COLUMNS: tuple[str, ...] = (
    "case_id", "case_kind", "status", "offence", "accepted_at", "filed_at", "status_at",
    "suspects", "suspect_phones", "suspect_ids", "victims", "victim_phones",
    "location", "injury", "penalty", "summary", "region", "amount", "row", "extra",
)
DATE_COLUMNS = ("accepted_at", "filed_at", "status_at")
LIST_COLUMNS = ("suspects", "suspect_phones", "suspect_ids", "victims", "victim_phones")
TEXT_COLUMNS = ("offence", "location", "injury", "penalty", "summary", "region")

CASE_KIND_VARIANTS = {
    "刑事案件": "刑事",
    "行政案件": "行政",
    "治安案件": "行政",
    "criminal": "刑事",
    "administrative": "行政",
}
STATUS_VARIANTS = {
    "已受案": "受案",
    "已受理": "受案",
    "已立案": "立案",
    "不立案": "不予立案",
    "不予立案决定": "不予立案",
    "决定不予立案": "不予立案",
    "已撤案": "撤案",
    "撤销案件": "撤案",
    "已撤销案件": "撤案",
    "已移送起诉": "移送起诉",
    "移送审查起诉": "移送起诉",
    "已移送审查起诉": "移送起诉",
    "已行政处罚": "行政处罚",
    "已结案": "结案",
}
_INNER_WS = re.compile(r"\s+")


def normalise_case_kind(value: str) -> str:
    key = _INNER_WS.sub("", value)
    return CASE_KIND_VARIANTS.get(key, CASE_KIND_VARIANTS.get(key.lower(), value))


def normalise_status(value: str) -> str:
    return STATUS_VARIANTS.get(_INNER_WS.sub("", value), value)


@dataclass
class CaseTable:
    """Result of :func:`read_cases`; ``frame`` follows the canonical case schema (module doc).

    ``warnings`` counts non-fatal problems among kept rows: ``<date column>_unparsed``,
    ``amount_unparsed``, ``blank_rows``.
    """

    frame: pd.DataFrame
    rejected: list[Rejected]
    rows_in: int
    warnings: dict[str, int] = field(default_factory=dict)
    path: Path | None = None
    format: str | None = None
    encoding: str | None = None

    def __len__(self) -> int:
        return len(self.frame)

    def records(self) -> Iterator[CaseRecord]:
        """The frame's rows as :class:`CaseRecord` (NaT / NaN -> None, lists -> tuples)."""
        frame = self.frame
        cols = {c: frame[c].tolist() for c in CASE_FRAME_COLUMNS}
        for i in range(len(frame)):
            values: dict[str, Any] = {c: cols[c][i] for c in CASE_FRAME_COLUMNS}
            for c in DATE_COLUMNS:
                v = values[c]
                values[c] = None if v is None or v != v else v.to_pydatetime()
            for c in LIST_COLUMNS:
                values[c] = tuple(values[c] or ())
            amount = values["amount"]
            values["amount"] = None if amount is None or math.isnan(amount) else float(amount)
            values["row"] = int(values["row"])
            values["extra"] = dict(values["extra"] or {})
            yield CaseRecord(**values)


def empty_case_frame() -> pd.DataFrame:
    return _build_frame({c: [] for c in CASE_FRAME_COLUMNS})


def _build_frame(data: dict[str, list[Any]]) -> pd.DataFrame:
    import pandas as pd

    series: dict[str, pd.Series] = {}
    for c in CASE_FRAME_COLUMNS:
        values = data[c]
        if c in DATE_COLUMNS:
            series[c] = pd.Series(values, dtype="datetime64[ns]")
        elif c == "amount":
            series[c] = pd.Series([math.nan if v is None else v for v in values], dtype="float64")
        elif c == "row":
            series[c] = pd.Series(values, dtype="int64")
        else:
            series[c] = pd.Series(values, dtype=object)
    return pd.DataFrame(series)


def read_cases(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> CaseTable:
    """Read a police case table (CSV, TSV, JSONL, JSON, Parquet, XLSX; encoding auto-detected).

    ``mapping`` is ``{canonical: header in the file}``; entries for complaint columns are
    ignored. Raises :class:`~clue_miner.errors.InputError` for an unusable file.
    """
    path = Path(path)
    raw = load_raw(path, encoding)
    cmap = resolve_columns(raw.headers, "cases", mapping, source=path.name)
    book = RowBook(SOURCE, raw)
    src = {name: column(raw, cmap, name) for name in CASE_FRAME_COLUMNS if name not in ("row", "extra")}
    extras = extra_getters(raw, cmap)
    out: dict[str, list[Any]] = {c: [] for c in CASE_FRAME_COLUMNS}
    memos: dict[str, dict[str, Any]] = {c: {} for c in (*DATE_COLUMNS, "amount")}
    for i, rowno in enumerate(raw.rows):
        bad = raw.malformed.get(i)
        if bad is not None:
            book.reject_malformed(rowno, *bad)
            continue
        case_id = clean_str(src["case_id"][i])
        if case_id is None:
            book.reject(rowno, None, "missing_case_id", "缺少案件编号（case_id 为空）")
            continue
        kind = clean_str(src["case_kind"][i])
        if kind is None:
            book.reject(rowno, case_id, "missing_case_kind", "缺少案件类别（case_kind 为空）")
            continue
        status = clean_str(src["status"][i])
        if status is None:
            book.reject(rowno, case_id, "missing_status", "缺少案件状态（status 为空）")
            continue
        if not book.claim(case_id, rowno, "案件编号"):
            continue
        out["case_id"].append(case_id)
        out["case_kind"].append(normalise_case_kind(kind))
        out["status"].append(normalise_status(status))
        for c in TEXT_COLUMNS:
            out[c].append(clean_str(src[c][i]))
        for c in DATE_COLUMNS:
            out[c].append(parse_cell(parse_date_cell, src[c][i], book, c, memos[c]))
        out["amount"].append(parse_cell(parse_amount_cell, src["amount"][i], book, "amount", memos["amount"]))
        out["suspects"].append(split_list_cell(src["suspects"][i]))
        out["victims"].append(split_list_cell(src["victims"][i]))
        out["suspect_phones"].append(split_phones_cell(src["suspect_phones"][i]))
        out["victim_phones"].append(split_phones_cell(src["victim_phones"][i]))
        out["suspect_ids"].append(split_ids_cell(src["suspect_ids"][i]))
        out["row"].append(rowno)
        out["extra"].append({name: extra_value(values[i]) for name, values in extras})
    table = CaseTable(
        frame=_build_frame(out),
        rejected=book.rejected,
        rows_in=len(raw.rows),
        warnings=book.warnings_dict(),
        path=path,
        format=raw.format,
        encoding=raw.encoding,
    )
    logger.info(
        "%s: %d cases in, %d kept, %d rejected", path.name, table.rows_in, len(table.frame), len(book.rejected)
    )
    return table
