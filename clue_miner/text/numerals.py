"""Chinese (and mixed Arabic/Chinese) numerals -> numbers, with an 'about' flag.

``parse_number`` understands what people write in complaints and money cells:

* plain and financial numerals: 一千二百, 壹万贰仟, 贰万捌仟陆百, 二〇一九, 一百零五;
* Arabic with Chinese units: 5万, 2.3万, 4万7千, 18万5千, 1,200, 1万2 (= 12000);
* an implied next unit after the last one (spoken shorthand): 一万二 = 12000, 两千五 = 2500,
  四万八 = 48000, 5万3 = 53000, 3千5 = 3500, 十万八 = 108000; 2万零5百 = 20500;
* approximations, returned with ``approx=True``:
  - 多 / 余 / 来 (两千多, 三千余, 一百来, 10余万): the written base value (a lower bound);
  - neighbouring digits as a range (七八千, 两三万, 三四十万): the lower bound;
  - 几 / 数 (几千, 十几万, 数万): 几 counts as 3 (几千 = 3000, 十几万 = 130000, 几十 = 30);
  - 上 before a unit (上万, 上百万): one of that unit.

The parser is hand-written (fast, and it knows the approximations); forms it rejects are handed
to ``cn2an`` as a fallback. Results are cached.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import NamedTuple

log = logging.getLogger(__name__)

__all__ = ["DIGITS", "UNITS", "NumberValue", "parse_number", "parse_digit_string"]

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "俩": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
UNITS: dict[str, int] = {**SMALL_UNITS, **BIG_UNITS}
APPROX_MARKS = frozenset("多余来")
FEW = frozenset("几数")  # 几千, 数万: counted as 3


class NumberValue(NamedTuple):
    value: float
    approx: bool


def parse_digit_string(s: str) -> int | None:
    """Digit by digit (years: 二〇一九 -> 2019, 二0一九 -> 2019); None if any char is no digit."""
    out = 0
    if not s:
        return None
    for ch in s:
        if ch.isdigit() and ch.isascii():
            d = ord(ch) - 48
        else:
            d = DIGITS.get(ch, -1)
            if d < 0 or ch == "两":
                return None
        out = out * 10 + d
    return out


def _arabic(s: str, i: int) -> tuple[float, int, int] | None:
    """Read an Arabic number at ``s[i]``: (value, next index, digits before the point)."""
    j = i
    n = len(s)
    while j < n and (s[j].isdigit() or (s[j] == "," and j + 1 < n and s[j + 1].isdigit())):
        j += 1
    int_part = s[i:j].replace(",", "")
    int_len = len(int_part)
    if j < n and s[j] == "." and j + 1 < n and s[j + 1].isdigit():
        j += 1
        while j < n and s[j].isdigit():
            j += 1
    try:
        return float(s[i:j].replace(",", "")), j, int_len
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def parse_number(s: str) -> NumberValue | None:
    """Parse a Chinese / mixed numeral; ``None`` when ``s`` is not a number."""
    s = s.strip()
    if not s:
        return None
    try:
        got = _parse(s)
    except (ValueError, IndexError):
        got = None
    if got is not None:
        return got
    return _cn2an_fallback(s)


def _cn2an_fallback(s: str) -> NumberValue | None:
    try:
        import cn2an
    except ImportError:  # pragma: no cover - declared dependency
        return None
    try:
        value = cn2an.cn2an(s, "smart")
    except Exception:  # cn2an raises plain ValueError / its own errors for anything odd
        return None
    try:
        return NumberValue(float(value), False)
    except (TypeError, ValueError):
        return None


def _parse(s: str) -> NumberValue | None:
    total = 0.0  # everything above the current 万/亿 section
    section = 0.0  # current section (below 万)
    num: float | None = None  # pending number not yet multiplied by a unit
    num_is_single = False  # the pending number is one Chinese/Arabic digit
    approx = False
    last_unit = 0  # value of the last unit seen (for 一万二 = 12000)
    after_zero = False  # a 零 came after the last unit (一百零五: 5 stays 5)
    last_kind = ""  # "d" digit, "u" unit, "a" arabic, "m" approx mark
    seen_any = False
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        if ch.isdigit() and ch.isascii():
            got = _arabic(s, i)
            if got is None:
                return None
            value, i, int_len = got
            if last_kind in ("a", "d"):
                return None
            num, num_is_single = value, (int_len == 1 and value == int(value))
            last_kind = "a"
            seen_any = True
            continue
        if ch in DIGITS or ch in FEW:
            d = 3 if ch in FEW else DIGITS[ch]
            if ch in FEW:
                approx = True
            if last_kind == "a":
                if ch not in FEW or num is None or num % 10:
                    return None  # 10一20: not one number
                num += d  # 20几万 -> 23万 (approx)
                num_is_single = False
                i += 1
                continue
            if last_kind == "d" and num is not None:
                if ch in FEW:
                    pass
                elif after_zero and num == 0:
                    num = d  # 一百零五
                elif d == num + 1 and num >= 1:
                    approx = True  # 七八千: keep the lower bound
                else:
                    num = num * 10 + d  # 二〇一九 read digit by digit
            else:
                if d == 0:
                    after_zero = True
                num = d
                num_is_single = True
            last_kind = "d"
            seen_any = True
            i += 1
            continue
        if ch == "上" and i + 1 < n and s[i + 1] in UNITS and last_kind == "":
            num, num_is_single, approx = 1, True, True
            last_kind = "d"
            i += 1
            continue
        if ch in SMALL_UNITS:
            u = SMALL_UNITS[ch]
            if num is None:
                if last_kind == "u" and last_unit <= u:
                    return None  # 十百, 十十: not a number
                base = 1.0
            else:
                base = num
            section += base * u
            num = None
            last_unit = u
            after_zero = False
            last_kind = "u"
            seen_any = True
            i += 1
            continue
        if ch in BIG_UNITS:
            u = BIG_UNITS[ch]
            if num is not None:
                section += num
            elif last_kind != "u" and section == 0 and total == 0:
                section = 1.0  # bare 万 (万元) reads as 一万
            if u == 100_000_000:
                total = (total + section) * u
            else:
                total += section * u
            section = 0.0
            num = None
            last_unit = u
            after_zero = False
            last_kind = "u"
            seen_any = True
            i += 1
            continue
        if ch in APPROX_MARKS:
            if not seen_any:
                return None
            approx = True
            last_kind = "m" if last_kind != "d" else last_kind
            i += 1
            continue
        return None
    if not seen_any:
        return None
    if num is not None:
        if last_unit >= 10 and not after_zero and num_is_single and last_kind == "d":
            num = num * (last_unit // 10)  # 一万二 -> 2 * 1000, 两千五 -> 5 * 100
        elif (
            last_unit >= 100 and not after_zero and num_is_single and last_kind == "a"
        ):
            num = num * (last_unit // 10)  # 1万2 -> 12000
        section += num
    return NumberValue(total + section, approx)
