"""Shared resolution helpers for :mod:`clue_miner.text.dates`: a found span -> ISO value."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from clue_miner.text.date_patterns import (
    DAY_BAD_AFTER,
    TIME_AFTER_RE,
    clock_value,
    cn_int,
    month_value,
    period_hour,
)
from clue_miner.text.holidays import holiday_date

# Parts of a month / of a year (conventions: see the dates module docstring).
MONTH_PART_DAY = {"初": 5, "上旬": 5, "中": 15, "中旬": 15, "下旬": 25, "底": 28, "末": 28}
YEAR_PART_MONTH = {
    "初": 1, "年初": 1, "年中": 6, "上半年": 4, "下半年": 10, "底": 12, "末": 12, "年底": 12,
    "年末": 12,
}

class Found(NamedTuple):
    start: int
    end: int
    value: str | None
    grain: str
    relative: bool
    approx: bool


def _fmt_date(d: date) -> str:
    return d.isoformat()


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + delta
    return k // 12, k % 12 + 1


def year_value(raw: str, anchor: datetime | None) -> int | None:
    n = cn_int(raw)
    if n is None:
        return None
    if len(raw) == 4:
        return n if 1900 <= n <= 2099 else None
    if len(raw) == 2:
        pivot = (anchor.year % 100 + 1) if anchor is not None else 35
        return 2000 + n if n <= pivot else 1900 + n
    return None


def with_time(
    text: str, start: int, end: int, day: date | None, grain: str, relative: bool,
    approx: bool, period: str | None = None,
) -> Found:
    """Extend a day-level match over a following period word and/or clock time."""
    m = TIME_AFTER_RE.match(text, end)
    hour = minute = None
    if m is not None and m.end() > end:
        got = clock_value(m)
        if got is not None or m.group("p"):
            end = m.end()
            period = m.group("p") or period
            if got is not None:
                hour, minute, clock_approx = got
                approx = approx or clock_approx
    if hour is None:
        if day is None:
            return Found(start, end, None, grain, relative, approx)
        return Found(start, end, _fmt_date(day), grain, relative, approx)
    hour, next_day = period_hour(hour, period)
    grain = "minute" if minute is not None else "hour"
    if day is None:
        return Found(start, end, None, grain, relative, approx)
    if next_day:
        day = day + timedelta(days=1)
    return Found(start, end, f"{day.isoformat()}T{hour:02d}:{minute or 0:02d}", grain, relative,
                  approx)


def day_ok_without_suffix(text: str, end: int) -> bool:
    nxt = text[end : end + 1]
    return not nxt or (not nxt.isdigit() and nxt not in DAY_BAD_AFTER)


def month_day(
    text: str, m: re.Match[str], year: int | None, relative: bool, anchor: datetime | None,
    infer_year: bool, base: date | None = None,
) -> Found | None:
    """Shared tail of 'Y年M月D日', 'M月D日', '今年M月' …: month, day or part of the month.

    With ``infer_year`` the year comes from ``base`` (the last dated mention before this one:
    the first year that does not go back in time from it) or else from ``anchor``.
    """
    start = m.start()
    month = month_value(m.group("m"))
    if month is None:
        return None
    day_raw, suffix, part = m.group("d"), m.group("ds"), m.group("mp")
    end = m.end()
    if day_raw is not None and suffix is None:
        if not day_raw.isdigit() or not day_ok_without_suffix(text, m.end("d")):
            day_raw = None
            end = m.end("mu")
    day_n = cn_int(day_raw) if day_raw else None
    approx = False
    if day_n is None and part is not None:
        day_n, approx = MONTH_PART_DAY[part], True
    if year is None and infer_year:
        year = _year_from_base(base, month, day_n, anchor)
        if year is None and anchor is not None:
            year = anchor.year
            probe = safe_date(year, month, day_n or 1)
            if probe is not None and probe > anchor.date() + timedelta(days=7):
                year -= 1
        if year is None:
            if day_n is None:
                return Found(start, end, None, "month", relative, approx)
            return with_time(text, start, end, None, "day", relative, approx)
    if year is None:
        grain = "day" if day_n is not None else "month"
        return Found(start, end, None, grain, relative, approx)
    if day_n is None:
        return Found(start, end, f"{year:04d}-{month:02d}", "month", relative, approx)
    day = safe_date(year, month, day_n)
    if day is None:
        return None
    return with_time(text, start, end, day, "day", relative, approx)


def _year_from_base(
    base: date | None, month: int, day_n: int | None, anchor: datetime | None
) -> int | None:
    if base is None:
        return None
    year = base.year
    if (month, day_n or 1) < (base.month, base.day if day_n else 1):
        year += 1  # 2018年10月 … 5月12日 -> 2019
    probe = safe_date(year, month, day_n or 1)
    if anchor is not None and probe is not None and probe > anchor.date() + timedelta(days=7):
        return None
    return year


def base_date(value: str | None, grain: str) -> date | None:
    """The date a found value stands for (first of the month for a month), for year inference."""
    if value is None or grain == "year":
        return None
    try:
        return date.fromisoformat(value[:10] if len(value) >= 10 else value[:7] + "-01")
    except ValueError:
        return None


def year_rest(
    text: str, m: re.Match[str], year: int | None, relative: bool, anchor: datetime | None
) -> Found | None:
    """After a year (2019年 / 去年): month…, part of the year, holiday, or the year alone."""
    start, end = m.start(), m.end()
    if m.group("m") is not None:
        return month_day(text, m, year, relative, anchor, infer_year=False)
    if m.group("hol") is not None:
        d = holiday_date(m.group("hol"), year) if year is not None else None
        if year is not None and d is None:
            return Found(start, end, f"{year:04d}", "year", relative, True)
        return with_time(text, start, end, d, "day", relative, True)
    if m.group("yp") is not None:
        month = YEAR_PART_MONTH[m.group("yp")]
        value = f"{year:04d}-{month:02d}" if year is not None else None
        return Found(start, end, value, "month", relative, True)
    return Found(start, end, f"{year:04d}" if year is not None else None, "year", relative, False)
