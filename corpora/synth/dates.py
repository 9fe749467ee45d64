"""Date expressions as complainants write them, resolved against the day the complaint came in."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from corpora.synth.numerals import cn_int

_WEEKDAYS = "一二三四五六日"
_TIMES = (
    "晚上8点左右", "凌晨2点多", "下午三点多", "中午12点左右", "早上7点半", "晚上十点多", "上午9点多",
    "傍晚6点左右", "半夜", "晚上", "下午", "上午", "凌晨", "晚上9点", "下午4点多", "夜里11点多",
)
_POLICE_TIMES = ("8时许", "10时许", "14时许", "15时30分许", "19时许", "21时许", "23时许", "凌晨2时许", "17时许", "")


def _abs_forms(d: date, r: date) -> list[str]:
    forms = [
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}年{d.month}月{d.day}号",
        f"{d.year}.{d.month}.{d.day}",
        f"{d:%Y-%m-%d}",
        f"{d.year}年{d.month}月{d.day} 日",
        f"{d.year % 100}年{d.month}月{d.day}号",
    ]
    if d.year == r.year:
        forms += [f"{d.month}月{d.day}日", f"{d.month}月{d.day}号", f"{d.month}月{d.day} 日",
                  f"今年{d.month}月{d.day}号", f"{cn_int(d.month, liang=False)}月{cn_int(d.day, liang=False)}号"]
    elif d.year == r.year - 1:
        forms += [f"去年{d.month}月{d.day}号", f"去年{d.month}月{d.day}日"]
    return forms


def _rel_forms(d: date, r: date) -> list[tuple[str, bool]]:
    """(text, exact?) relative expressions that resolve to d given r."""
    out: list[tuple[str, bool]] = []
    delta = (r - d).days
    if delta == 0:
        out += [("今天", True), ("今天早上", True)]
    elif delta == 1:
        out += [("昨天", True), ("昨晚", True), ("昨天下午", True)]
    elif delta == 2:
        out += [("前天", True), ("前天晚上", True)]
    elif delta == 3:
        out += [("大前天", True), ("三天前", True)]
    if 4 <= delta <= 10:
        out.append((f"{cn_int(delta, liang=False)}天前", True))
    if 3 <= delta <= 7:
        out.append(("前几天", False))
    r_monday = r - timedelta(days=r.weekday())
    if r_monday - timedelta(days=7) <= d < r_monday:
        out.append((f"上周{_WEEKDAYS[d.weekday()]}", True))
        out.append((f"上个星期{_WEEKDAYS[d.weekday()]}", True))
    prev_month = (r.replace(day=1) - timedelta(days=1))
    if d.year == prev_month.year and d.month == prev_month.month:
        out.append((f"上个月{d.day}号", True))
        out.append((f"上个月{cn_int(d.day, liang=False)}号", True))
        if 11 <= d.day <= 20:
            out.append(("上个月中旬", False))
    if d.year == r.year and d.month == r.month and d < r:
        out.append((f"这个月{d.day}号", True))
    if d.year == r.year - 1 and d.month == 10 and d.day <= 7:
        out.append(("去年国庆", False))
        out.append(("去年国庆节期间", False))
    if d.year == r.year and d.day <= 10 and d.month < r.month:
        out.append((f"今年{cn_int(d.month, liang=False)}月初", False))
    if d.year == r.year - 2:
        out.append((f"前年{d.month}月{d.day}号", True))
    return out


def date_text(rng: random.Random, d: date, received: datetime, rel_share: float = 0.35) -> tuple[str, bool]:
    """(expression, exact?) for an incident on day d in a complaint received at ``received``."""
    r = received.date()
    if rng.random() < rel_share:
        rel = _rel_forms(d, r)
        if rel:
            return rel[rng.randrange(len(rel))]
    forms = _abs_forms(d, r)
    return forms[rng.randrange(len(forms))], True


def time_of_day(rng: random.Random) -> str:
    return _TIMES[rng.randrange(len(_TIMES))]


def police_date(rng: random.Random, d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日" + _POLICE_TIMES[rng.randrange(len(_POLICE_TIMES))]


def received_stamp(rng: random.Random, d: date) -> datetime:
    """A time of day for a complaint received on day d (office hours more likely)."""
    hour = rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 20, 21, 22, 23, 0, 7, 12, 13))
    return datetime(d.year, d.month, d.day, hour, rng.randrange(60), rng.randrange(60))


def clamp(d: date, lo: date, hi: date) -> date:
    return lo if d < lo else hi if d > hi else d


def days(n: int) -> timedelta:
    return timedelta(days=n)
