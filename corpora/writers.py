"""Streaming table writers (CSV, JSONL, Parquet, XLSX) that give the same bytes for the same rows."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

COMPLAINT_COLUMNS = ("id", "text", "received_at", "channel", "title", "complainant", "complainant_phone", "region")
CASE_COLUMNS = ("case_id", "case_kind", "status", "offence", "accepted_at", "filed_at", "status_at", "suspects",
                "suspect_phones", "suspect_ids", "victims", "victim_phones", "location", "amount", "injury", "penalty",
                "summary")
# Two sets of Chinese headers, both in DESIGN.md's list of names readers must recognise.
ZH_HEADERS = (
    {"id": "编号", "text": "内容", "received_at": "受理时间", "channel": "来源渠道", "title": "标题", "complainant": "反映人",
     "complainant_phone": "联系电话", "region": "所属区域",
     "case_id": "案件编号", "case_kind": "案件类别", "status": "案件状态", "offence": "案由", "accepted_at": "受案时间",
     "filed_at": "立案时间", "status_at": "状态时间", "suspects": "嫌疑人", "suspect_phones": "嫌疑人电话",
     "suspect_ids": "嫌疑人身份证号", "victims": "被害人", "victim_phones": "被害人电话", "location": "发案地点",
     "amount": "涉案金额", "injury": "伤情", "penalty": "处理结果", "summary": "简要案情"},
    {"id": "工单编号", "text": "诉求内容", "received_at": "来电时间", "channel": "来源", "title": "主题", "complainant": "来电人",
     "complainant_phone": "来电号码", "region": "属地",
     "case_id": "案件号", "case_kind": "案件类型", "status": "办理状态", "offence": "案件性质", "accepted_at": "受案时间",
     "filed_at": "立案时间", "status_at": "状态变更时间", "suspects": "犯罪嫌疑人", "suspect_phones": "嫌疑人电话",
     "suspect_ids": "身份证号", "victims": "受害人", "victim_phones": "报案人电话", "location": "案发地点",
     "amount": "损失金额", "injury": "伤情", "penalty": "处理结果", "summary": "简要案情"},
)
FORMATS = ("csv", "jsonl", "parquet", "xlsx")
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


class TableWriter:
    """Append chunks of row dicts to ``path`` in one of FORMATS; call ``close()`` at the end."""

    def __init__(self, path: Path, columns: tuple[str, ...], fmt: str, encoding: str = "utf-8",
                 headers: dict[str, str] | None = None) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.path, self.columns, self.fmt = path, columns, fmt
        self.names = [headers.get(c, c) if headers else c for c in columns]
        self._fh: Any = None
        self._csv: Any = None
        self._pq: Any = None
        self._wb: Any = None
        self._ws: Any = None
        if fmt in ("csv", "jsonl"):
            self._fh = open(path, "w", encoding=encoding, newline="")
            if fmt == "csv":
                self._csv = csv.writer(self._fh, lineterminator="\n")
                self._csv.writerow(self.names)
        elif fmt == "xlsx":
            from openpyxl import Workbook

            self._wb = Workbook(write_only=True)
            self._ws = self._wb.create_sheet("Sheet1")
            self._ws.append(self.names)

    def write(self, rows: list[dict[str, Any]]) -> None:
        cols = self.columns
        if self.fmt == "csv":
            self._csv.writerows([["" if r[c] is None else r[c] for c in cols] for r in rows])
        elif self.fmt == "jsonl":
            names = self.names
            self._fh.write("".join(json.dumps({n: r[c] for n, c in zip(names, cols, strict=True)}, ensure_ascii=False) + "\n"
                                   for r in rows))
        elif self.fmt == "xlsx":
            for r in rows:
                self._ws.append([r[c] for c in cols])
        else:
            self._write_parquet(rows)

    def _write_parquet(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrays = [pa.array([r[c] for r in rows], type=pa.int64() if c == "amount" else pa.string()) for c in self.columns]
        table = pa.Table.from_arrays(arrays, names=self.names)
        if self._pq is None:
            self._pq = pq.ParquetWriter(self.path, table.schema, compression="snappy")
        self._pq.write_table(table)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._pq is not None:
            self._pq.close()
        elif self.fmt == "parquet":  # no rows at all: still write an empty, typed file
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = pa.schema([(n, pa.int64() if c == "amount" else pa.string()) for n, c in zip(self.names, self.columns, strict=True)])
            pq.write_table(schema.empty_table(), self.path)
        if self._wb is not None:
            from datetime import datetime

            stamp = datetime(2000, 1, 1)
            self._wb.properties.created = stamp
            self._wb.properties.modified = stamp
            buf = io.BytesIO()
            self._wb.save(buf)
            _rezip_fixed(buf.getvalue(), self.path)


_STAMP_RE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _rezip_fixed(data: bytes, path: Path) -> None:
    """Rewrite an xlsx (zip) with fixed member timestamps so that equal content gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                payload = _STAMP_RE.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", payload)
            dst.writestr(fixed, payload)


def write_jsonl(path: Path, records: list[dict[str, Any]], mode: str = "w") -> None:
    with open(path, mode, encoding="utf-8", newline="") as fh:
        fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
