"""Relative date expressions (今天, 上周三, 上个月15号, 去年春节, 三天前 …) for
:mod:`clue_miner.text.dates`. Each handler takes ``(text, match, anchor)`` and returns a
:class:`~clue_miner.text.date_resolve.Found` or ``None``; values are ``None`` without an anchor.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from clue_miner.text.date_patterns import cn_int
from clue_miner.text.date_resolve import (
    MONTH_PART_DAY,
    Found,
    safe_date,
    shift_month,
    with_time,
    year_rest,
)
from clue_miner.text.holidays import holiday_date
from clue_miner.text.numerals import parse_number

_REL_DAY_OFFSET = {
    "大前天": -3, "前天": -2, "前晚": -2, "前夜": -2, "昨天": -1, "昨日": -1, "昨晚": -1,
    "昨夜": -1, "昨早": -1, "今天": 0, "今日": 0, "今晚": 0, "今早": 0, "今晨": 0, "明天": 1,
    "后天": 2,
}
_REL_DAY_PERIOD = {"前晚": "晚上", "前夜": "夜里", "昨晚": "晚上", "昨夜": "夜里", "昨早": "早上",
                   "今晚": "晚上", "今早": "早上", "今晨": "早上"}
_REL_YEAR_OFFSET = {"大前年": -3, "前年": -2, "去年": -1, "上一年": -1, "今年": 0, "本年": 0,
                    "明年": 1}
_REL_MONTH_OFFSET = {"上上个月": -2, "上个月": -1, "上月": -1, "本月": 0, "这个月": 0, "这月": 0,
                     "当月": 0, "下个月": 1, "下月": 1}
_REL_WEEK_OFFSET = {"上上周": -2, "上周": -1, "上星期": -1, "上礼拜": -1, "上个星期": -1,
                    "上个礼拜": -1, "本周": 0, "这周": 0, "这个星期": 0, "这星期": 0, "本星期": 0,
                    "这礼拜": 0, "下周": 1, "下星期": 1, "下个星期": 1}
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_EVERY_YEAR = re.compile(r"每年|每逢|每到|每个|逢年|年年|历年")
_VAGUE_OFFSET = {"前几天": -3, "前两天": -2, "前些天": -5, "前些日子": -7, "近日": -3, "日前": -3}


def rel_day(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    word = m.group("w")
    day = anchor.date() + timedelta(days=_REL_DAY_OFFSET[word]) if anchor else None
    return with_time(text, m.start(), m.end(), day, "day", True, False, _REL_DAY_PERIOD.get(word))


def rel_year(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    year = anchor.year + _REL_YEAR_OFFSET[m.group("w")] if anchor else None
    return year_rest(text, m, year, True, anchor)


def rel_month(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    start, end = m.start(), m.end()
    day_raw, part = m.group("d"), m.group("mp")
    day_n = cn_int(day_raw) if day_raw else None
    approx = day_n is None and part is not None
    if day_n is None and part is not None:
        day_n = MONTH_PART_DAY[part]
    grain = "day" if day_n is not None else "month"
    if anchor is None:
        return Found(start, end, None, grain, True, approx)
    y, mo = shift_month(anchor.year, anchor.month, _REL_MONTH_OFFSET[m.group("w")])
    if day_n is None:
        return Found(start, end, f"{y:04d}-{mo:02d}", "month", True, False)
    d = safe_date(y, mo, day_n)
    if d is None:
        return None
    return with_time(text, start, end, d, "day", True, approx)


def rel_week(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    start, end = m.start(), m.end()
    wd = m.group("wd")
    if anchor is None:
        return Found(start, end, None, "day", True, wd is None)
    monday = anchor.date() - timedelta(days=anchor.weekday())
    monday += timedelta(days=7 * _REL_WEEK_OFFSET[m.group("w")])
    if wd is None:
        return Found(start, end, monday.isoformat(), "day", True, True)
    return with_time(text, start, end, monday + timedelta(days=_WEEKDAY[wd]), "day", True,
                      wd == "末")


def ago(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    start, end = m.start(), m.end()
    raw = m.group("n")
    unit = m.group("u").lstrip("个").lstrip("多")
    approx = bool(m.group("more")) or "多" in m.group("u")
    if raw == "半":
        n, half = 0.0, True
    else:
        got = parse_number(raw)
        if got is None or got.value <= 0 or got.value > 500:
            return None
        n, half = got.value, False
        approx = approx or got.approx
    if unit in ("天", "日"):
        grain, days = "day", (0.5 if half else n)
    elif unit in ("周", "星期", "礼拜"):
        grain, days = "day", 7 * (0.5 if half else n)
    elif unit == "月":
        grain, days = ("day", 15) if half else ("month", 0)
    elif unit == "年":
        grain, days = ("month", 0) if half else ("year", 0)
    elif unit in ("小时", "钟头"):
        grain, days = "hour", (0.5 if half else n) / 24
    else:  # 分钟
        grain, days = "minute", n / 1440
    approx = approx or half
    if anchor is None:
        return Found(start, end, None, grain, True, approx)
    if unit == "月" and not half:
        y, mo = shift_month(anchor.year, anchor.month, -int(n))
        return Found(start, end, f"{y:04d}-{mo:02d}", "month", True, approx)
    if unit == "年":
        if half:
            y, mo = shift_month(anchor.year, anchor.month, -6)
            return Found(start, end, f"{y:04d}-{mo:02d}", "month", True, True)
        return Found(start, end, f"{anchor.year - int(n):04d}", "year", True, approx)
    t = anchor - timedelta(days=days)
    if grain == "day":
        return Found(start, end, t.date().isoformat(), "day", True, approx)
    return Found(start, end, t.strftime("%Y-%m-%dT%H:%M"), grain, True, approx)


def vague(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    day = anchor.date() + timedelta(days=_VAGUE_OFFSET[m.group("w")]) if anchor else None
    return Found(m.start(), m.end(), day.isoformat() if day else None, "day", True, True)


def bare_holiday(text: str, m: re.Match[str], anchor: datetime | None) -> Found | None:
    if _EVERY_YEAR.search(text, max(0, m.start() - 8), m.start()):
        return None  # 每年国庆和春节: no particular one
    if anchor is None:
        return Found(m.start(), m.end(), None, "day", True, True)
    for year in (anchor.year, anchor.year - 1):
        d = holiday_date(m.group("hol"), year)
        if d is not None and d <= anchor.date() + timedelta(days=7):
            return with_time(text, m.start(), m.end(), d, "day", True, True)
    return None
