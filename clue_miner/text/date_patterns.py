"""Regular expressions and small value helpers for :mod:`clue_miner.text.dates`."""

from __future__ import annotations

import re

from clue_miner.text.holidays import HOLIDAY_NAMES
from clue_miner.text.numerals import parse_digit_string, parse_number

_CN_DIGIT = "〇零○一二三四五六七八九"
MONTH = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|元"
DAY = (
    r"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?|"
    r"十[一二三四五六七八九]?|[一二三四五六七八九]"
)
_INITIAL = r"初(?![中一二三级期步始审次稿心衷])"
MONTH_PART = rf"上旬|中旬|下旬|{_INITIAL}|底|末"
_MONTH_TAIL = (
    rf"(?P<m>{MONTH})\s?(?P<mu>月(?P<mf>份)?)"
    rf"(?:\s?(?P<d>{DAY})\s?(?P<ds>[日号])?|(?P<mp>{MONTH_PART}))?"
)
_HOLIDAY = "|".join(HOLIDAY_NAMES)
_YEAR_TAIL = (
    rf"(?:\s?{_MONTH_TAIL}|(?P<yp>年底|年初|年末|年中|上半年|下半年|底|{_INITIAL}|末)"
    rf"|的?(?P<hol>{_HOLIDAY}))?"
)
PERIOD = (
    r"凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|深夜|半夜|晚间|夜晚|"
    r"[早晚夜](?=\s?[\d零一二两三四五六七八九十]|[，。,；;！!？?\s]|$)"
)
_CLOCK = (
    r"(?:(?<![\d.])(?P<h>\d{1,2}|[零一二两三四五六七八九十]{1,3})\s?(?P<hu>点钟|点|时)"
    r"(?:\s?(?P<mi>\d{1,2}(?=\s?分)|\d{2}|半|一刻|三刻|[零一二三四五六七八九十]{1,3}(?=\s?分))"
    r"\s?(?:分钟|分)?)?(?P<x>许|左右|多|整)?"
    r"|(?<![\d:])(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?::[0-5]\d)?(?![\d:])分?)"
)

YMD_RE = re.compile(
    rf"(?<![\d{_CN_DIGIT}十百千万两.])"
    rf"(?P<y>(?:19|20)\d{{2}}|\d{{2}}|[{_CN_DIGIT}0-9]{{4}}|[{_CN_DIGIT}]{{2}})\s?年{_YEAR_TAIL}"
)
NUMERIC_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])"
    r"(?:(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)[日号]?"
    r"(?:(?:\s+|T)(?P<hh>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?)?"
    r"|(?![\d./\-]))"
)
MD_RE = re.compile(rf"(?<![\d{_CN_DIGIT}十年.\-/每个第]){_MONTH_TAIL}")
BARE_DAY_RE = re.compile(r"(?<![\d.:/\-月年号第〇零一二三四五六七八九十])(?P<d>3[01]|[12]\d|0?[1-9])\s?(?P<ds>[日号])")
REL_YEAR_RE = re.compile(rf"(?P<w>大前年|前年|去年|今年|本年|明年){_YEAR_TAIL}")
REL_MONTH_RE = re.compile(
    rf"(?P<w>上上个月|上个月|上月|本月|这个月|这月|下个月|下月)"
    rf"(?:\s?(?P<d>{DAY})\s?(?P<ds>[日号])|(?P<mp>{MONTH_PART}|中(?!心|间|央|队|学)))?"
)
REL_WEEK_RE = re.compile(
    r"(?P<w>上上周|上周|上星期|上礼拜|上个星期|上个礼拜|本周|这周|这个星期|这星期|本星期|这礼拜|"
    r"下周|下星期|下个星期)(?:(?P<wd>[一二三四五六日天末1-7])|(?![边围期转年岁全到密刊报长]))"
)
REL_DAY_RE = re.compile(
    r"(?P<w>大前天|前天|前晚|前夜|昨天|昨日|昨晚|昨夜|昨早|今天|今日|今晚|今早|今晨|明天|后天)"
)
AGO_RE = re.compile(
    r"(?<![\d.月号第])(?P<n>\d{1,3}|[一二两三四五六七八九十几半]{1,3})\s?(?P<more>[多余来])?\s?"
    r"(?P<u>个?多?(?:小时|钟头|天|日|周|星期|礼拜|年)|个多?月|分钟)(?:以前|之前|前)"
    r"(?![往进来去行面台排沿线夕端方者提科后])"
)
VAGUE_RE = re.compile(r"(?P<w>前几天|前两天|前些天|前些日子|近日|(?<![节生假期工每])日前)")
BARE_HOLIDAY_RE = re.compile(
    r"(?<![年逢到每])(?P<hol>五一劳动节|国庆节|春节|元旦|中秋节|劳动节|除夕|元宵节|清明节|圣诞节)"
)
CLOCK_RE = re.compile(rf"(?:(?P<p>{PERIOD})\s?)?{_CLOCK}")
TIME_AFTER_RE = re.compile(rf"\s?(?:(?P<p>{PERIOD})\s?)?(?:{_CLOCK})?")

DAY_BAD_AFTER = frozenset(
    "楼线房院门栋室单户地文令窗码口柜车桩机床铺位馆厅台店坑井仓库道路街巷字元块万千百个人年月天"
    "岁次分点时米:.0123456789"
)
HAO_CTX_BEFORE = re.compile(
    r"(?:于|在|到|至|是|从|自|今天|本月|这个月|我|他|她|们|截至|直到|等到|约|定于)\s?$"
)
HAO_CTX_AFTER = re.compile(
    r"\s?(?:前后|之前|之后|以前|以后|左右|当天|那天|当晚|晚上|上午|下午|早上|凌晨|中午|傍晚|夜里|"
    r"开始|起|至|到|前(?![门面排台院])|[晚早](?=\s?\d))"
)
_CLOCK_BAD_AFTER = re.compile(
    r"建议|意见|要求|问题|内容|原因|理由|看法|疑问|诉求|疑惑|措施|做法|方面|好处|不足|共识|希望|需求|"
    r"请求|情况|事项|理解|说明|看|想法|体会"
)
_CLOCK_BAD_BEFORE = frozenset("第这那几有两的共和及、")
_EVENING = frozenset(("晚上", "夜里", "夜间", "晚间", "夜晚", "深夜", "半夜", "晚", "夜"))
_AFTERNOON = frozenset(("下午", "傍晚", "午后"))


def cn_int(raw: str | None) -> int | None:
    """An integer written in Arabic or Chinese digits (十二, 廿三, 二〇一九, 05); None if not."""
    if not raw:
        return None
    if raw.isdigit() and raw.isascii():
        return int(raw)
    if len(raw) >= 2 and all(c in _CN_DIGIT or (c.isdigit() and c.isascii()) for c in raw):
        return parse_digit_string(raw)  # 二〇一九, 二0一九
    got = parse_number(raw.replace("廿", "二十"))
    if got is None or got.approx or got.value != int(got.value):
        return None
    return int(got.value)


def month_value(raw: str | None) -> int | None:
    if raw == "元":
        return 1
    n = cn_int(raw)
    return n if n is not None and 1 <= n <= 12 else None


def clock_value(
    m: re.Match[str], standalone: bool = False, text: str | None = None
) -> tuple[int, int | None, bool] | None:
    """(hour, minute or None, approx) of the clock part of ``m``; None if there is none."""
    if m.group("h2") is not None:
        return int(m.group("h2")), int(m.group("mi2")), False
    raw = m.group("h")
    if raw is None:
        return None
    hour = cn_int(raw)
    if hour is None or hour > 24:
        return None
    mi_raw, x, unit = m.group("mi"), m.group("x"), m.group("hu")
    minute = None
    if mi_raw is not None:
        minute = {"半": 30, "一刻": 15, "三刻": 45}.get(mi_raw)
        if minute is None:
            minute = cn_int(mi_raw)
        if minute is None or minute > 59:
            return None
    approx = x in ("许", "左右", "多")
    if standalone and len(m.group("p") or "") < 2:
        if text is None:
            return None
        if not raw.isdigit():
            if mi_raw is None and x is None and unit != "点钟":
                return None  # 一点, 三点建议
        elif unit == "时" and mi_raw is None and x is None:
            return None
        elif unit == "点" and mi_raw is None and x is None:
            before = text[m.start() - 1 : m.start()]
            nxt = text[m.end() : m.end() + 1]
            if before in _CLOCK_BAD_BEFORE or nxt.isdigit() or nxt == "." or \
                    _CLOCK_BAD_AFTER.match(text, m.end()):
                return None
            if text[max(0, m.start() - 2) : m.start()] in ("以下", "如下", "下列", "提出", "几个"):
                return None
    return hour, minute, approx


def period_hour(hour: int, period: str | None) -> tuple[int, bool]:
    """24-hour clock from an hour and a period word; (hour, rolls to the next day)."""
    if hour == 24:
        return 0, True
    if period in _AFTERNOON and 1 <= hour < 12:
        return hour + 12, False
    if period == "中午" and 1 <= hour < 6:
        return hour + 12, False
    if period in _EVENING:
        if 6 <= hour < 12:
            return hour + 12, False
        if hour == 12:
            return 0, True
    if period == "凌晨" and hour == 12:
        return 0, False
    return hour, False
