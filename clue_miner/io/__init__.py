"""Readers and writers: complaint archives and case tables in, JSON / JSON lines out.

Readers accept CSV, TSV, JSONL (or a JSON list of objects), Parquet and XLSX, in UTF-8 (with or
without BOM), GB18030 / GBK or UTF-16, detected automatically. Bad rows are returned as
:class:`~clue_miner.types.Rejected` records, never dropped: ``rows_in == kept + rejected``.
"""

from __future__ import annotations

from clue_miner.io.cases import CASE_FRAME_COLUMNS, CaseTable, read_cases
from clue_miner.io.cells import parse_date_cell
from clue_miner.io.columns import ALIASES, CASE_COLUMNS, COMPLAINT_COLUMNS, parse_map_option
from clue_miner.io.complaints import ComplaintTable, read_complaints
from clue_miner.io.formats import detect_format, load_raw
from clue_miner.io.writers import JsonlWriter, json_default, write_json, write_jsonl

__all__ = [
    "ALIASES",
    "CASE_COLUMNS",
    "CASE_FRAME_COLUMNS",
    "COMPLAINT_COLUMNS",
    "CaseTable",
    "ComplaintTable",
    "JsonlWriter",
    "detect_format",
    "json_default",
    "load_raw",
    "parse_date_cell",
    "parse_map_option",
    "read_cases",
    "read_complaints",
    "write_json",
    "write_jsonl",
]
