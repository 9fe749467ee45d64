"""Datetimes from single table cells (exported case tables and complaint archives).

Accepted: ``datetime`` / ``date`` objects (and pandas/numpy values that convert to them), ISO
strings (``2024-05-12``, ``2024-05-12T09:32:09``, ``2024-05-12 09:32``), ``2024/5/12 9:32:09``,
``2024.5.12``, ``2024年5月12日 9时32分``, ``二〇二四年五月十二日``, ``2024年5月`` (first of the
month), ``20240512``, Excel serial dates (``45424`` or ``45424.39``, 1950–2149) and Unix
timestamps in seconds or milliseconds. Anything else gives ``None``; nothing raises.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

from clue_miner.text.dates import find_times

__all__ = ["parse_cell"]

_EXCEL_EPOCH = datetime(1899, 12, 30)
_CELL_RE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(?:[-/.月]\s*(?:(?P<d>\d{1,2})\s*[日号]?)?)?"
    r"(?:\s*[T\s]?\s*(?P<hh>\d{1,2})\s*[:时点]\s*(?:(?P<mi>\d{1,2})\s*分?)?"
    r"(?:\s*[:]?\s*(?P<ss>\d{1,2}(?:\.\d+)?)\s*秒?)?)?"
)


def _from_number(v: float) -> datetime | None:
    if math.isnan(v) or math.isinf(v):
        return None
    if 19000101 <= v <= 20991231 and v == int(v):
        s = str(int(v))
        try:
            return datetime(int(s[:4]), int(s[4:6]), int(s[6:]))
        except ValueError:
            return None
    if 18264 <= v < 91311:  # Excel serial 1950-01-01 .. 2149-12-31
        return (_EXCEL_EPOCH + timedelta(days=v)).replace(microsecond=0)
    if 1e12 <= v < 1e13:
        v /= 1000.0
    if 1e8 <= v < 1e10:
        try:
            return datetime.fromtimestamp(v, tz=UTC).replace(microsecond=0, tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _from_string(s: str) -> datetime | None:
    s = s.strip().replace("\u3000", " ")
    if not s:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return _from_number(float(s))
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return dt
    except ValueError:
        pass
    m = _CELL_RE.match(s)
    if m is not None:
        try:
            y, mo = int(m.group("y")), int(m.group("m"))
            d = int(m.group("d")) if m.group("d") else 1
            hh = int(m.group("hh")) if m.group("hh") else 0
            mi = int(m.group("mi")) if m.group("mi") else 0
            ss = float(m.group("ss")) if m.group("ss") else 0.0
            if m.group("d") is None and m.group("hh") is not None:
                return None
            return datetime(y, mo, d, hh, mi, int(ss))
        except ValueError:
            return None
    # Chinese numerals (二〇二四年五月十二日): reuse the running-text finder.
    for t in find_times(s, None):
        if t.value and (t.end - t.start) * 2 >= len(s):
            try:
                return datetime.fromisoformat(t.value if len(t.value) > 7 else t.value + "-01")
            except ValueError:
                return None
    return None


def parse_cell(value: object) -> datetime | None:
    """A naive or aware ``datetime`` from one cell, or ``None``."""
    try:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if hasattr(value, "to_pydatetime"):  # pandas Timestamp (NaT included)
            got = value.to_pydatetime()
            return got if isinstance(got, datetime) else None
        if isinstance(value, int | float):
            return _from_number(float(value))
        if type(value).__name__ == "datetime64":  # numpy scalar
            return _from_string(str(value)[:26])
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str):
            if len(value) > 64:
                return None
            return _from_string(value)
        if hasattr(value, "item"):  # numpy number
            return parse_cell(value.item())
    except Exception:  # a cell must never stop a run
        return None
    return None


def parse_datetime(value: object) -> datetime | None:
    """A datetime from one table cell: :func:`parse_cell` (the name callers of the text layer use)."""
    return parse_cell(value)
