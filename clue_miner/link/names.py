"""Small normalisers shared by both sides: person names, phones, ID numbers, plates, places.

Also the default ``summary_extractor`` (regex for phones and plates in a case's 简要案情).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from clue_miner.types import Entity, Extraction

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 长孙 宇文 司徒 申屠 端木 独孤 南宫 闻人 "
    "澹台 呼延 轩辕 百里 东郭 西门 万俟 钟离 赫连 太史 濮阳 公冶 宗政 司空 亓官 仲孙 单于 左丘 拓跋".split()
)
# Surnames frequent enough that 老王 / 小李 / 阿陈 can be read as "a person surnamed X".
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
)
JUNK_NAMES = frozenset(
    "匿名 不详 未知 无 本人 市民 群众 某人 他人 对方 嫌疑人 犯罪嫌疑人 违法行为人 被害人 受害人 报案人 "
    "来电人 举报人 反映人 无名氏 男子 女子 一男子 一女子 陌生人 网友".split()
)

_CJK = r"\u4e00-\u9fff"
_NAME_CLEAN = re.compile(r"[\s()（）\[\]【】\"'“”‘’:：,，;；]")
_PARTIAL_SUFFIX = re.compile(
    rf"^(?P<s>[{_CJK}]{{1,2}}?)(?:某某|某|先生|女士|小姐|师傅|老板|经理|总|姓男子|姓女子|姓|哥|姐|叔|阿姨|大爷|大妈|老师|警官)$"
)
_PARTIAL_XING = re.compile(rf"^姓(?P<s>[{_CJK}]{{1,2}}?)(?:的|男子|女子|男|女)?$")
_PARTIAL_NICK = re.compile(rf"^[老小阿](?P<s>[{_CJK}])$")
_PARTIAL_MASK = re.compile(rf"^(?P<s>[{_CJK}]{{1,2}}?)[*＊×xX]{{1,3}}$")  # 罗**, 欧阳* (masked exports)
# A place token starts with a Han character or a letter (anonymised exports write G市G2区) and ends
# with an administrative or street suffix; communities (小区, 花园, 公寓 …) count as streets.
_PLACE = re.compile(
    rf"[{_CJK}A-Za-z][{_CJK}A-Za-z0-9]{{0,7}}?"
    r"(?:省|市|街道|区|县|旗|镇|乡|村|大道|路|街|小区|社区|花园|公寓|山庄|大厦|广场|市场|苑|城|园)"
    # 旗 and 城 end a name only when no district or road suffix follows (红旗街, 涪城区, 望城中路)
    r"(?<![旗城](?=[区县市镇乡街路道]|[东西南北中][路街]))"
)
_AREA_SUFFIX = ("区", "县", "旗")
# Street tokens that name one site (an estate, a building, a market, a village) rather than a road
# or a town: 泰和苑, 书香嘉园, 阳光花园. A complaint names the site; the case record adds the city,
# district and road before it, so bigram Jaccard of the whole texts undersells the agreement.
_SITE_SUFFIX = ("小区", "社区", "花园", "公寓", "山庄", "大厦", "广场", "市场", "苑", "城", "园", "村")
_FRAGMENT_START = ("区", "县", "市", "镇", "乡", "道", "路", "街", "省")
_LOC_CLEAN = re.compile(rf"[^{_CJK}0-9A-Za-z]")

PHONE_RE = re.compile(r"(?<!\d)(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
DATE_RE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})(?:日|号)?")
PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·\-\s]?[A-Z0-9]{4,5}[A-Z0-9挂学警]"
)


@dataclass(frozen=True, slots=True)
class NameInfo:
    """A parsed person name: partial (张某, 老王) or full, its surname and toneless pinyin."""

    name: str
    partial: bool
    surname: str | None
    pinyin: str | None  # None for partial names


def surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


@lru_cache(maxsize=8192)
def _char_pinyin(ch: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(ch)).lower()


def name_pinyin(name: str) -> str:
    """Toneless pinyin, character by character (both sides go through the same function)."""
    return "".join(_char_pinyin(ch) for ch in name)


def _partial_surname(name: str) -> str | None:
    for pattern in (_PARTIAL_XING, _PARTIAL_SUFFIX, _PARTIAL_MASK):
        m = pattern.match(name)
        if m:
            s = m.group("s")
            if len(s) == 1 or s in COMPOUND_SURNAMES:
                return s
    m = _PARTIAL_NICK.match(name)
    if m and m.group("s") in COMMON_SURNAMES:
        return m.group("s")
    return None


@lru_cache(maxsize=262144)
def parse_name(raw: str, partial: bool | None = None, surname: str | None = None) -> NameInfo | None:
    """Parse a person name; ``partial`` / ``surname`` come from the extractor's attrs when known.

    Returns None for junk (匿名, 不详, single characters, digits) and for partial names whose
    surname cannot be told.
    """
    if not isinstance(raw, str):
        return None
    name = _NAME_CLEAN.sub("", raw)
    if len(name) < 2 or len(name) > 20 or name in JUNK_NAMES or any(c.isdigit() for c in name):
        return None
    guessed = _partial_surname(name)
    is_partial = bool(partial) or guessed is not None
    if is_partial:
        s = surname or guessed
        if not s:
            return None
        return NameInfo(name, True, s, None)
    return NameInfo(name, False, surname or surname_of(name), name_pinyin(name))


def normalize_phone(raw: object) -> str | None:
    """Digits only, +86/0086 removed; None when fewer than 7 digits remain."""
    if raw is None:
        return None
    digits = re.sub(r"\D", "", str(raw))
    if len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return digits if 7 <= len(digits) <= 12 else None


_MASKED = re.compile(r"^\D*(1[3-9]\d)[\s*＊×xX]{3,5}(\d{4})\D*$")


def masked_phone(raw: object) -> str | None:
    """Key of a masked mobile (138****1234 -> 138*1234), also when the mask was already stripped
    to 7 digits (1381234: local numbers never start with 1). None for anything else."""
    if raw is None:
        return None
    text = str(raw).strip()
    m = _MASKED.match(text)
    if m:
        return f"{m.group(1)}*{m.group(2)}"
    digits = re.sub(r"\D", "", text)
    if len(digits) == 7 and re.match(r"1[3-9]", digits):
        return f"{digits[:3]}*{digits[3:]}"
    return None


def mask_of(phone: str) -> str | None:
    """The masked key of a full 11-digit mobile (13812341234 -> 138*1234)."""
    return f"{phone[:3]}*{phone[7:]}" if len(phone) == 11 and phone[0] == "1" else None


def normalize_id(raw: object) -> str | None:
    if raw is None:
        return None
    value = re.sub(r"\s", "", str(raw)).upper()
    return value if len(value) in (15, 18) else None


def normalize_account(raw: object) -> str | None:
    """Bank card numbers and WeChat/QQ/Alipay accounts: no spaces or dashes, lower case."""
    if raw is None:
        return None
    value = re.sub(r"[\s\-]", "", str(raw)).lower()
    return value if len(value) >= 5 else None


def normalize_plate(raw: object) -> str | None:
    if raw is None:
        return None
    value = re.sub(r"[\s·•.\-]", "", str(raw)).upper()
    return value if 7 <= len(value) <= 8 else None


def clean_location(text: str | None) -> str | None:
    """Location text for bigram similarity: only Han characters, letters and digits."""
    if not text or not isinstance(text, str):
        return None
    cleaned = _LOC_CLEAN.sub("", text)
    return cleaned or None


def place_tokens(region: str | None, location: str | None) -> tuple[list[str], list[str]]:
    """(areas, streets) for the fallback blocking rules.

    areas: the region as given plus district/county tokens (西湖区, 桐庐县); streets: town, street,
    village and road tokens (三墩镇, 文三路). Province- and city-level tokens are dropped.
    """
    areas: list[str] = [region] if region else []
    streets: list[str] = []
    for text in (region, location):
        if not text or not isinstance(text, str):
            continue
        for token in _PLACE.findall(text):
            if token.endswith(("省", "市")):
                continue
            bucket = areas if token.endswith(_AREA_SUFFIX) and not token.endswith(("小区", "社区")) else streets
            if token not in bucket:
                bucket.append(token)
    return areas, streets


def place_sites(streets: list[str]) -> list[str]:
    """The street tokens (``place_tokens``) that name a site, with 小区 / 社区 dropped when a name
    remains (书香嘉园小区 -> 书香嘉园): at least three characters, so 花园 alone names nothing. Masked
    names (某小区, as anonymised exports write them) and fragments cut from an administrative name
    (涪城区临园路 -> 区临园) name no site."""
    sites: list[str] = []
    for token in streets:
        if token.startswith(_FRAGMENT_START):  # the tail of a road or district name before it
            token = token[1:]
        if not token.endswith(_SITE_SUFFIX) or "某" in token:
            continue
        if token.endswith(("小区", "社区")) and len(token) >= 5:
            token = token[:-2]
        if len(token) >= 3 and token not in sites:
            sites.append(token)
    return sites


def regex_summary_extractor(texts: list[str]) -> list[Extraction]:
    """Default case-summary extractor: PHONE, PLATE and TIME (full dates) entities by regex."""
    results: list[Extraction] = []
    for text in texts:
        entities: list[Entity] = []
        for m in PHONE_RE.finditer(text):
            phone = normalize_phone(m.group())
            if phone:
                entities.append(Entity("PHONE", m.start(), m.end(), m.group(), phone, source="link"))
        for m in PLATE_RE.finditer(text):
            plate = normalize_plate(m.group())
            if plate:
                entities.append(Entity("PLATE", m.start(), m.end(), m.group(), plate, source="link"))
        for m in DATE_RE.finditer(text):
            try:
                value = date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                continue
            entities.append(Entity("TIME", m.start(), m.end(), m.group(), value, {"grain": "day"}, source="link"))
        results.append(Extraction(text=text, entities=tuple(entities)))
    return results
