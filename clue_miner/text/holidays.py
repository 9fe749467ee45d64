"""Chinese holidays as dates, for expressions such as 去年春节 or 2019年国庆.

Lunar holidays use small tables (2000–2035); outside that range they are unknown (``None``).
Every holiday date is an approximation of what the writer meant (a holiday lasts several days),
so callers mark such values ``approx``.
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["HOLIDAY_NAMES", "holiday_date", "canonical_holiday"]

# 春节 (first day of the first lunar month), 2000–2035.
SPRING_FESTIVAL: dict[int, tuple[int, int]] = {
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22), 2005: (2, 9),
    2006: (1, 29), 2007: (2, 18), 2008: (2, 7), 2009: (1, 26), 2010: (2, 14), 2011: (2, 3),
    2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28),
    2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22),
    2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
}
# 中秋 (15th day of the eighth lunar month), 2000–2035.
MID_AUTUMN: dict[int, tuple[int, int]] = {
    2000: (9, 12), 2001: (10, 1), 2002: (9, 21), 2003: (9, 11), 2004: (9, 28), 2005: (9, 18),
    2006: (10, 6), 2007: (9, 25), 2008: (9, 14), 2009: (10, 3), 2010: (9, 22), 2011: (9, 12),
    2012: (9, 30), 2013: (9, 19), 2014: (9, 8), 2015: (9, 27), 2016: (9, 15), 2017: (10, 4),
    2018: (9, 24), 2019: (9, 13), 2020: (10, 1), 2021: (9, 21), 2022: (9, 10), 2023: (9, 29),
    2024: (9, 17), 2025: (10, 6), 2026: (9, 25), 2027: (9, 15), 2028: (10, 3), 2029: (9, 22),
    2030: (9, 12), 2031: (10, 1), 2032: (9, 19), 2033: (9, 8), 2034: (9, 27), 2035: (9, 16),
}
_FIXED: dict[str, tuple[int, int]] = {
    "元旦": (1, 1),
    "劳动节": (5, 1),
    "清明": (4, 5),
    "国庆": (10, 1),
    "圣诞": (12, 25),
    "双十一": (11, 11),
}
_ALIASES: dict[str, str] = {
    "元旦节": "元旦",
    "五一": "劳动节",
    "五一节": "劳动节",
    "五一劳动节": "劳动节",
    "清明节": "清明",
    "国庆节": "国庆",
    "十一国庆": "国庆",
    "圣诞节": "圣诞",
    "春节": "春节",
    "过年": "春节",
    "除夕": "除夕",
    "大年三十": "除夕",
    "元宵": "元宵",
    "元宵节": "元宵",
    "中秋": "中秋",
    "中秋节": "中秋",
}
HOLIDAY_NAMES: tuple[str, ...] = tuple(
    sorted(set(_FIXED) | set(_ALIASES), key=len, reverse=True)
)


def canonical_holiday(name: str) -> str | None:
    if name in _FIXED:
        return name
    return _ALIASES.get(name)


def holiday_date(name: str, year: int) -> date | None:
    """The date of holiday ``name`` (any spelling in HOLIDAY_NAMES) in ``year``; None if unknown."""
    key = canonical_holiday(name)
    if key is None:
        return None
    if key in _FIXED:
        m, d = _FIXED[key]
        return date(year, m, d)
    if key in ("春节", "除夕", "元宵"):
        md = SPRING_FESTIVAL.get(year)
        if md is None:
            return None
        sf = date(year, *md)
        if key == "除夕":
            return sf - timedelta(days=1)
        if key == "元宵":
            return sf + timedelta(days=14)
        return sf
    if key == "中秋":
        md = MID_AUTUMN.get(year)
        return date(year, *md) if md else None
    return None
