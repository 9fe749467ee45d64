"""Dates and times in Chinese complaint text.

``find_times(text, anchor)`` returns ``TimeMatch(start, end, value, grain, relative, approx)``:

* ``value``: ``YYYY-MM-DD``; ``YYYY-MM-DDTHH:MM`` when the hour is known; ``YYYY-MM`` (grain
  month) or ``YYYY`` (grain year); ``None`` when it cannot be resolved (a relative expression or
  a date without year and no anchor; a clock time with no date, e.g. 晚上9点 on its own).
* ``grain``: ``year`` / ``month`` / ``day`` / ``hour`` / ``minute``.
* ``relative``: the expression is relative to the anchor (今天, 上周三, 三天前, 去年春节 …).
  Absolute dates that only borrow the year or month from the anchor (5月12日, 12日) are not
  relative; their year is the anchor's, or the year before when the date would lie more than
  7 days after the anchor (a complaint tells of the past). Bare days (12日) take the anchor's
  month (or the month before when more than 3 days ahead).
* ``approx``: the writer was vague (许, 左右, 中旬, 上周, 半年前, 去年春节 …). Conventions:
  初/上旬 = 5th, 中/中旬 = 15th, 下旬 = 25th, 底/末 = 28th; 年初 = Jan, 年中 = Jun,
  上半年 = Apr, 下半年 = Oct, 年底 = Dec; 上周 (no weekday) = its Monday; 几 = 3.

Precision comes first: bare numbers before 号 (2号楼, 1号线, 103号) need a date context, two-digit
years need a month or a marker (于/从/自 … or 年底), 一点 / 三点建议 are not clock times.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from clue_miner.text import date_relative as rel
from clue_miner.text.date_patterns import (
    AGO_RE,
    BARE_DAY_RE,
    BARE_HOLIDAY_RE,
    CLOCK_RE,
    DAY_BAD_AFTER,
    HAO_CTX_AFTER,
    HAO_CTX_BEFORE,
    MD_RE,
    NUMERIC_RE,
    REL_DAY_RE,
    REL_MONTH_RE,
    REL_WEEK_RE,
    REL_YEAR_RE,
    VAGUE_RE,
    YMD_RE,
    clock_value,
)
from clue_miner.text.date_resolve import (
    Found,
    base_date,
    day_ok_without_suffix,
    month_day,
    safe_date,
    shift_month,
    with_time,
    year_rest,
    year_value,
)

log = logging.getLogger(__name__)

__all__ = ["TimeMatch", "find_times"]


class TimeMatch(NamedTuple):
    start: int
    end: int
    value: str | None
    grain: str
    relative: bool
    approx: bool


_NOT_YEAR_BEFORE = frozenset(("属于", "存在", "达到", "不到", "等于", "大于", "小于", "用于", "位于",
                              "对于", "关于", "由于", "长达", "多于", "少于", "高于", "低于", "直到",
                              "现在", "实在", "正在", "还在", "所在", "好在", "年至", "年到"))
_NOT_YEAR_AFTER = re.compile(
    r"产权|左右|期限|了|以上|以下|之久|多|来|的时间|内|间|历史|使用|经营|工龄|党龄|房龄|楼龄|时间|"
    r"之后|后|前|的"
)
_DATE_BEFORE = re.compile(r"\d\s?[日号月]")

def _ymd(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    raw = m.group("y")
    year = year_value(raw, anchor)
    if year is None:
        return None
    if m.group("m") is None and m.group("hol") is None:
        after = text[m.end() : m.end() + 1]
        if m.group("yp") is None and after == "代":
            return None  # 90年代
        if len(raw) == 2 and m.group("yp") is None:
            before = text[m.start() - 1 : m.start()]
            if before not in ("于", "从", "自", "在", "到", "至"):
                return None  # 10年都未曾: a duration
            if text[m.start() - 2 : m.start()] in _NOT_YEAR_BEFORE or \
                    _NOT_YEAR_AFTER.match(text, m.end()):
                return None  # 存在40年, 属于70年产权
            if not raw.isdigit():
                return None
    elif len(raw) == 2 and not raw.isdigit() and m.group("m") is None:
        return None
    return year_rest(text, m, year, False, anchor)


def _numeric(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    y, mo = int(m.group("y")), int(m.group("m"))
    if m.group("d") is None:
        if not 1 <= mo <= 12:
            return None
        return Found(m.start(), m.end(), f"{y:04d}-{mo:02d}", "month", False, False)
    day = safe_date(y, mo, int(m.group("d")))
    if day is None:
        return None
    if m.group("hh") is not None:
        hh, mi = int(m.group("hh")), int(m.group("mi"))
        if hh > 23 or mi > 59:
            return None
        return Found(m.start(), m.end(), f"{day.isoformat()}T{hh:02d}:{mi:02d}", "minute",
                      False, False)
    return with_time(text, m.start(), m.end(), day, "day", False, False)


def _md(
    text: str, m: re.Match[str], anchor: datetime | None, base: date | None = None
) -> Found | None:
    raw_m, d = m.group("m"), m.group("d")
    has_day = d is not None and (
        m.group("ds") is not None or (d.isdigit() and day_ok_without_suffix(text, m.end("d")))
    )
    if not has_day and m.group("mp") is None:
        nxt = text[m.end("mu") : m.end("mu") + 2]
        if nxt.startswith(("有余", "多", "之久", "以来", "来", "内", "以内", "之内", "里")):
            return None  # 2月有余: a duration
        if not raw_m.isdigit() and not m.group("mf"):
            return None  # 一月 on its own is too often 一个月
    return month_day(text, m, None, False, anchor, infer_year=True, base=base)


def _bare_day(
    text: str, m: re.Match[str], anchor: datetime | None, base: date | None = None
) -> Found | None:
    start, end = m.start(), m.end()
    suffix = m.group("ds")
    after2 = text[end : end + 2]
    before = text[max(0, start - 4) : start]
    if suffix == "日":
        if after2.startswith(("内", "以内", "之内", "游", "后", "以后", "之后", "起", "以上")):
            return None
        if before[-1:] in ("每", "第", "前", "近", "满", "约", "共", "余", "个", "数", "后", "过", "超"):
            return None
    else:
        if text[end : end + 1] in DAY_BAD_AFTER or before[-1:] in ("每", "第"):
            return None
        listed = before[-1:] in ("、", "，", ",", "和", "到", "至") and _DATE_BEFORE.search(
            text, max(0, start - 14), start
        )
        if not listed and HAO_CTX_BEFORE.search(before) is None and \
                HAO_CTX_AFTER.match(text, end) is None:
            return None
    day_n = int(m.group("d"))
    if base is not None:  # 2015年8月30日 … 16日 -> the month of the last date, or the next one
        y, mo = base.year, base.month
        if day_n < base.day:
            y, mo = shift_month(y, mo, 1)
        d = safe_date(y, mo, day_n)
        if d is not None and (anchor is None or d <= anchor.date() + timedelta(days=3)):
            return with_time(text, start, end, d, "day", False, False)
    if anchor is None:
        return with_time(text, start, end, None, "day", False, False)
    y, mo = anchor.year, anchor.month
    for _ in range(3):
        d = safe_date(y, mo, day_n)
        if d is not None and d <= anchor.date() + timedelta(days=3):
            return with_time(text, start, end, d, "day", False, False)
        y, mo = shift_month(y, mo, -1)
    return None


def _clock(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    got = clock_value(m, standalone=True, text=text)
    if got is None:
        return None
    _hour, minute, approx = got
    return Found(m.start(), m.end(), None, "minute" if minute is not None else "hour", False,
                  approx)


# Each finder with the characters one of which any match of its pattern holds (a literal its
# pattern cannot match without, checked in tests/test_text_dates.py): a text without any is not scanned.
_FINDERS = (
    (NUMERIC_RE, _numeric, "-/."),
    (YMD_RE, _ymd, "年"),
    (REL_YEAR_RE, rel.rel_year, ""),
    (REL_MONTH_RE, rel.rel_month, ""),
    (REL_WEEK_RE, rel.rel_week, ""),
    (REL_DAY_RE, rel.rel_day, ""),
    (AGO_RE, rel.ago, "前"),
    (VAGUE_RE, rel.vague, "前日"),
    (BARE_HOLIDAY_RE, rel.bare_holiday, "五国春元中劳除清圣"),
    (CLOCK_RE, _clock, "点时:"),
)
_YEARLESS = ((MD_RE, _md, "月"), (BARE_DAY_RE, _bare_day, "日号"))


def _may_match(text: str, needs: str) -> bool:
    return not needs or any(c in text for c in needs)


def _run(found: list[Found], handler: Any, text: str, m: re.Match[str], *args: Any) -> None:
    try:
        got = handler(text, m, *args)
    except (ValueError, OverflowError, KeyError, TypeError, IndexError):
        log.debug("date handler %s failed", handler.__name__, exc_info=True)
        return
    if got is not None and got.end > got.start:
        found.append(got)


def find_times(text: str, anchor: datetime | date | None = None) -> list[TimeMatch]:
    """Dates and times in ``text`` (offsets into it), resolved against ``anchor``; never raises."""
    if not text or not isinstance(text, str):
        return []
    if isinstance(anchor, date) and not isinstance(anchor, datetime):
        anchor = datetime(anchor.year, anchor.month, anchor.day)
    found: list[Found] = []
    for pattern, handler, needs in _FINDERS:
        if not _may_match(text, needs):
            continue
        for m in pattern.finditer(text):
            _run(found, handler, text, m, anchor)
    # Dates without a year (5月12日, 16日) take it from the last dated mention before them.
    bases = sorted((f.start, b) for f in found if (b := base_date(f.value, f.grain)) is not None)
    starts = [s for s, _ in bases]
    for pattern, handler, needs in _YEARLESS:
        if not _may_match(text, needs):
            continue
        for m in pattern.finditer(text):
            i = bisect_left(starts, m.start())
            _run(found, handler, text, m, anchor, bases[i - 1][1] if i else None)
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[TimeMatch] = []
    last_end = -1
    for f in found:
        if f.start >= last_end:
            out.append(TimeMatch(*f))
            last_end = f.end
    return out
