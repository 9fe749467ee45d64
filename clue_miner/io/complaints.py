"""Complaint archive reader: file -> ``ComplaintTable`` of ``Complaint`` rows + ``Rejected`` rows.

Every input record ends up in exactly one of ``rows`` and ``rejected``
(``rows_in == len(rows) + len(rejected)``). Checks per record, first failing one wins:
``malformed_json`` / ``malformed_row`` (unparseable record), ``missing_id``, ``missing_text``
(empty or a null token such as ``NULL``), ``unreadable_text`` (not text, or only whitespace /
control characters), ``text_too_long``, then ``duplicate_id`` among the records that passed (the
first such record is kept, later ones rejected).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clue_miner.io.cells import (
    NULL_TOKENS,
    clean_id,
    clean_str,
    coerce_str,
    has_visible_text,
    parse_date_cell,
    split_phones_cell,
)
from clue_miner.io.columns import resolve_columns
from clue_miner.io.formats import load_raw
from clue_miner.io.rows import RowBook, column, extra_getters, extra_value, now_shanghai, parse_cell
from clue_miner.types import Complaint, Rejected

logger = logging.getLogger(__name__)

SOURCE = "complaints"
DEFAULT_MAX_TEXT_CHARS = 200_000


@dataclass
class ComplaintTable:
    """Result of :func:`read_complaints`.

    ``warnings`` counts non-fatal problems among the kept rows, e.g. ``received_at_unparsed``
    (a date that could not be read, kept as None), ``received_at_future``, ``blank_rows``
    (records with every cell empty, skipped and not counted as input rows).
    """

    rows: list[Complaint]
    rejected: list[Rejected]
    rows_in: int
    warnings: dict[str, int] = field(default_factory=dict)
    path: Path | None = None
    format: str | None = None
    encoding: str | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Complaint]:
        return iter(self.rows)


def _text_problem(value: Any, max_chars: int | None) -> tuple[str, str, str | None]:
    """(reason, message, text); reason is "" when the text is usable."""
    try:
        text = coerce_str(value)
    except TypeError:
        return "unreadable_text", f"内容无法读取：不是文本（{type(value).__name__}）", None
    if text is None or text == "" or (len(text) <= 8 and text.strip().lower() in NULL_TOKENS):
        return "missing_text", "缺少内容（text 为空）", None
    if not has_visible_text(text):
        return "unreadable_text", "内容无法读取：只有空白或控制字符", None
    if max_chars is not None and max_chars > 0 and len(text) > max_chars:
        return "text_too_long", f"内容过长：{len(text)} 个字符，超过上限 {max_chars} 个字符", None
    return "", "", text


def _phones(value: Any) -> str | None:
    phones = split_phones_cell(value)
    return ";".join(phones) if phones else None


def read_complaints(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    max_text_chars: int | None = DEFAULT_MAX_TEXT_CHARS,
) -> ComplaintTable:
    """Read a complaint archive (CSV, TSV, JSONL, JSON, Parquet, XLSX; encoding auto-detected).

    ``mapping`` is ``{canonical: header in the file}`` (as from ``--map text=内容``); entries for
    case-table columns are ignored. ``max_text_chars`` (None or <= 0: no limit) rejects longer
    texts as ``text_too_long``. Raises :class:`~clue_miner.errors.InputError` for an unusable
    file (``not_found``, ``bad_encoding``, ``unsupported_format``, ``missing_column`` …).
    """
    path = Path(path)
    raw = load_raw(path, encoding)
    cmap = resolve_columns(raw.headers, "complaints", mapping, source=path.name)
    book = RowBook(SOURCE, raw)
    ids = column(raw, cmap, "id")
    texts = column(raw, cmap, "text")
    received = column(raw, cmap, "received_at")
    channels = column(raw, cmap, "channel")
    titles = column(raw, cmap, "title")
    complainants = column(raw, cmap, "complainant")
    phones = column(raw, cmap, "complainant_phone")
    regions = column(raw, cmap, "region")
    extras = extra_getters(raw, cmap)
    now = now_shanghai()
    rows: list[Complaint] = []
    for i, rowno in enumerate(raw.rows):
        bad = raw.malformed.get(i)
        if bad is not None:
            book.reject_malformed(rowno, *bad)
            continue
        cid = clean_id(ids[i])
        if cid is None:
            book.reject(rowno, None, "missing_id", "缺少编号（id 为空）")
            continue
        reason, message, text = _text_problem(texts[i], max_text_chars)
        if reason:
            book.reject(rowno, cid, reason, message)
            continue
        if not book.claim(cid, rowno, "编号"):
            continue
        when = parse_cell(parse_date_cell, received[i], book, "received_at")
        if when is not None and when > now:
            book.warn("received_at_future")
        rows.append(
            Complaint(
                id=cid,
                text=text,  # type: ignore[arg-type]  # checked by _text_problem
                received_at=when,
                channel=clean_str(channels[i]),
                title=clean_str(titles[i]),
                complainant=clean_str(complainants[i]),
                complainant_phone=_phones(phones[i]) if phones[i] is not None else None,
                region=clean_str(regions[i]),
                row=rowno,
                extra={name: extra_value(values[i]) for name, values in extras} if extras else {},
            )
        )
    table = ComplaintTable(
        rows=rows,
        rejected=book.rejected,
        rows_in=len(raw.rows),
        warnings=book.warnings_dict(),
        path=path,
        format=raw.format,
        encoding=raw.encoding,
    )
    logger.info(
        "%s: %d complaints in, %d kept, %d rejected", path.name, table.rows_in, len(rows), len(book.rejected)
    )
    return table
