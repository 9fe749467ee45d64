"""Row-level helpers shared by the complaint and case readers: rejection bookkeeping, column
access, date / amount columns with per-column warning counts, ``extra`` values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from clue_miner.io.cells import UnparsedCell, is_missing, to_python
from clue_miner.io.columns import ColumnMap
from clue_miner.io.formats import RawTable
from clue_miner.types import Rejected

MALFORMED_MESSAGES = {
    "malformed_json": "JSON 格式错误",
    "malformed_row": "行格式错误",
}


class RowBook:
    """Collects rejected rows and warning counts for one table."""

    def __init__(self, source: str, raw: RawTable) -> None:
        self.source = source
        self.rejected: list[Rejected] = []
        self.warnings: Counter[str] = Counter()
        if raw.blank_rows:
            self.warnings["blank_rows"] = raw.blank_rows
        self._seen: dict[str, int] = {}

    def reject(self, row: int, id_: str | None, reason: str, message: str) -> None:
        self.rejected.append(Rejected(self.source, row, id_, reason, message))

    def reject_malformed(self, row: int, reason: str, detail: str) -> None:
        self.reject(row, None, reason, f"{MALFORMED_MESSAGES.get(reason, '格式错误')}：{detail}")

    def claim(self, id_: str, row: int, label: str) -> bool:
        """Register ``id_`` as kept at ``row``; False (and a ``duplicate_id`` rejection) when an
        earlier kept row already has it."""
        first = self._seen.get(id_)
        if first is None:
            self._seen[id_] = row
            return True
        self.reject(row, id_, "duplicate_id", f"{label}重复：与第 {first} 行相同，保留第 {first} 行")
        return False

    def warn(self, key: str, count: int = 1) -> None:
        self.warnings[key] += count

    def warnings_dict(self) -> dict[str, int]:
        return {k: v for k, v in sorted(self.warnings.items()) if v}


def column(raw: RawTable, cmap: ColumnMap, name: str) -> list[Any]:
    """The values of canonical column ``name`` (all None when the file lacks it)."""
    idx = cmap.found.get(name)
    return raw.columns[idx] if idx is not None else [None] * len(raw.rows)


_MEMO_LIMIT = 200_000


def parse_cell(
    parser: Callable[[Any], Any],
    value: Any,
    book: RowBook,
    name: str,
    memo: dict[str, Any] | None = None,
) -> Any:
    """Parse one optional cell; an unreadable value becomes None and counts ``<name>_unparsed``.

    ``memo`` caches results for string cells (exports repeat dates and amounts a lot); the
    parser's result must be immutable.
    """
    if value is None:
        return None
    if memo is not None and isinstance(value, str):
        hit = memo.get(value, _MISS)
        if hit is _MISS:
            try:
                hit = parser(value)
            except UnparsedCell:
                hit = _UNPARSED
            if len(memo) < _MEMO_LIMIT:
                memo[value] = hit
        if hit is _UNPARSED:
            book.warn(f"{name}_unparsed")
            return None
        return hit
    try:
        return parser(value)
    except UnparsedCell:
        book.warn(f"{name}_unparsed")
        return None


_MISS = object()
_UNPARSED = object()


def extra_value(value: Any) -> Any:
    """A cell kept in ``extra``: Python scalar, None when empty."""
    if is_missing(value):
        return None
    value = to_python(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def extra_getters(raw: RawTable, cmap: ColumnMap) -> list[tuple[str, list[Any]]]:
    return [(raw.headers[j], raw.columns[j]) for j in cmap.extra]


def now_shanghai() -> datetime:
    from clue_miner.io.cells import SHANGHAI

    return datetime.now(SHANGHAI).replace(tzinfo=None)
