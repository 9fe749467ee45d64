"""Injuries: appraised grades (轻微伤 … 死亡) and descriptive injuries (骨折, 缝了8针 …).

Grades get the canonical ``value`` 轻微伤, 轻伤一级, 轻伤二级, 轻伤, 重伤一级, 重伤二级, 重伤 or
死亡 (死亡/致死/身亡/打死 …). Descriptive injuries are evidence too (a fracture is often 轻伤):
they are emitted with ``value=None`` and ``attrs.kind="description"`` plus the canonical
``attrs.description`` (骨折, 缝针, 住院, 脑震荡 …); a grade has ``attrs.kind="grade"``.

Attributes:

* ``appraised`` — a 鉴定/法医/评定 cue precedes the grade in the same clause;
* ``negated`` — 未达到/不构成/没有/达不到/差点 … precede it (or 都不够/以下 follow): the mention is
  kept so that a reader sees it, and the facts builder ignores it;
* ``uncertain`` — 可能/如果/是否/疑似 … precede it;
* ``stitches`` (int) for 缝了8针, ``days`` (int) for 住院15天, ``grade`` for 十级伤残.
"""

from __future__ import annotations

import logging
import re

from clue_miner.extract.rules.base import RuleContext
from clue_miner.types import Entity

log = logging.getLogger(__name__)

_NUM = r"[0-9一二两三四五六七八九十百几数]+"
# A bare 8针 is tried only where a run of numerals starts: tried at every position of a long
# run, ``_NUM`` would rescan the rest of the run each time (quadratic on 200k digits).
_NUM_START = r"(?<![0-9一二两三四五六七八九十百几数])"
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_GRADE = (
    r"(?P<g>轻微伤|轻伤害?\s?[(（]?(?:[一二12]|[壹贰])级[)）]?|重伤害?\s?[(（]?(?:[一二12]|[壹贰])级[)）]?"
    r"|(?:[一二12])级(?:轻伤|重伤)|轻伤害?|重伤害?|死亡|致死|身亡|死了|丧命|不治身亡|[打砍捅撞杀摔砸淹电]死"
    r"|当场(?:就)?(?:不行了|没了气|断了气|没气了)|一条人命)"
)
_DESC = (
    r"(?P<d>(?:粉碎性|多处|多发|线性)?(?:[颅肋鼻指趾腿臂腕尺桡胫腓股锁椎]骨)?(?:粉碎性|线性)?骨折|骨裂|脑震荡|颅内出血|脑出血|脾破裂|肝破裂|内脏破裂|"
    r"(?:缝了?|缝合了?)\s?(?P<st>" + _NUM + r")\s?针|" + _NUM_START + _NUM + r"\s?针|"
    r"住院(?:治疗)?(?:了)?(?:\s?(?P<days>" + _NUM + r")\s?天)?|昏迷|休克|软组织(?:挫伤|损伤)|挫伤|擦伤|划伤|"
    r"割伤|刺伤|砍伤|捅伤|烧伤|烫伤|咬伤|抓伤|淤青|瘀青|淤血|瘀血|红肿|血流不止|流血|出血|头破血流|"
    r"牙齿?(?:脱落|断裂|被打掉)|打掉.?颗?牙|(?P<dis>(?:[一二三四五六七八九十]|10|[1-9])级伤残|伤残(?:[一二三四五六七八九十]|10|[1-9])级)|"
    r"伤残|致残|残疾|受伤|打伤)"
)
_RE = re.compile("(?=[当摔砸压淹电轻重死致身丧不打砍捅撞杀粉多线颅肋鼻指趾腿臂腕尺桡胫腓股锁椎骨脑脾肝内缝0-9一二两三四五六七八九十百几数住昏休软挫擦划割刺烧烫咬抓淤瘀红血流出头牙伤致残受])(?:" + _GRADE + "|" + _DESC + ")")

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}  # full-width digits only
_FULL_WIDTH = re.compile("[\uff10-\uff19]")
_CLAUSE_BREAK = re.compile(r"[。！？!?；;，,\n]")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
_APPRAISED = re.compile(r"鉴定|法医|评定|伤情认定|验伤|损伤程度")
_NEGATION = re.compile(
    r"(?:未达到?|未构成|不构成|不够|不足|达不到|没有?达到|没有?构成|没有?造成|未造成|没有|没|未见?|尚不|尚未|"
    r"不属于|排除|并非|不是|不会|差点|险些|差一点|几乎)被?(?:打成|鉴定为|评定为|认定为|造成|致人?|达到|构成|成)?$"
)
_NEG_AFTER = re.compile(r"\s?(?:都不够|都不到|以下|都没有|都不是)")
_UNCERTAIN = re.compile(r"可能|如果|若|是否|会不会|疑似|怀疑|担心|恐怕|万一|容易|随时|要是|否则|以免|避免|防止")
# 死亡率, 死亡证明 are fine; these are not injuries of a person.
_NOT_AFTER = {
    "死亡": re.compile(r"率"),
    "出血": re.compile(r"点|热"),
    "残疾": re.compile(r"人|证|补|军|儿|车|家庭|学生|群众|老人"),
    "伤残": re.compile(r"军人|补助|抚恤"),
    "受伤": re.compile(r"害"),
    "住院": re.compile(r"部|医师|医生|楼|证|号|病区"),
}
_NOT_BEFORE = re.compile(r"(?:放|献|止|牙龈|经期|子宫|月经)$")  # 放血, 献血 …; for 出血/流血 only
_KILL_IDIOM = re.compile(r"[也都]")  # 打死也不说
# 砍死你, 打死他 …: a kill verb with its object after it is a threat or an intent, not a death
# (a death reads 把他打死了, 被打死, 打死了人).
_KILL_THREAT = re.compile(r"(?:你|他|她|我|你们|他们|她们|我们)(?!了)")
_KILL_INTENT = re.compile(r"(?:要|想|会|敢|扬言|威胁|小心)(?:把|将)?[^，。！？]{0,4}$")  # 要把我摔死


def _int(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if len(s) == 2 and s[0] == "十":
        return 10 + _CN_DIGITS.get(s[1], 0)
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    if len(s) == 2 and s[1] == "十":
        return _CN_DIGITS.get(s[0], 0) * 10
    if len(s) == 3 and s[1] == "十":
        return _CN_DIGITS.get(s[0], 0) * 10 + _CN_DIGITS.get(s[2], 0)
    return None


def _canonical_grade(g: str) -> str:
    g = g.replace(" ", "").replace("害", "")
    if "死" in g or g in ("身亡", "丧命", "不治身亡", "一条人命") or g.startswith("当场"):
        return "死亡"
    if g == "轻微伤":
        return g
    base = "轻伤" if "轻伤" in g else "重伤"
    if re.search(r"[一1壹]级", g):
        return base + "一级"
    if re.search(r"[二2贰]级", g):
        return base + "二级"
    return base


def _description(d: str) -> str:
    if "骨折" in d:
        return "骨折"
    if "针" in d:
        return "缝针"
    if d.startswith("住院"):
        return "住院"
    if "牙" in d:
        return "牙齿损伤"
    if "伤残" in d or d == "致残":
        return "伤残"
    if d in ("脑出血", "颅内出血"):
        return "颅脑损伤"
    if d in ("淤青", "瘀青", "淤血", "瘀血"):
        return "淤青"
    if d in ("血流不止", "头破血流"):
        return "流血"
    return d


def _clause_before(t: str, start: int, window: int = 16, brk: re.Pattern[str] = _CLAUSE_BREAK) -> str:
    left = t[max(0, start - window) : start]
    return brk.split(left)[-1]


def find(text: str, ctx: RuleContext) -> list[Entity]:
    """INJURY entities in ``text`` (offsets into ``text``)."""
    out: list[Entity] = []
    src, text = text, (text.translate(_WIDTH) if _FULL_WIDTH.search(text) else text)  # 缝了８针
    for m in _RE.finditer(text):
        s, e = m.span()
        word = m.group()
        left = _clause_before(text, s)
        attrs: dict[str, object] = {}
        if m.group("g"):
            value: str | None = _canonical_grade(m.group("g"))
            if word == "死了" and not re.search(r"[打撞砍捅杀害致伤]|抢救", left):
                continue  # 气死了, 烦死了: only a death when violence or rescue is mentioned
            if word.endswith("死") and len(word) == 2 and word != "致死" and (
                    _KILL_IDIOM.match(text, e) or _KILL_THREAT.match(text, e) or _KILL_INTENT.search(left)):
                continue
            if word == "死亡" and _NOT_AFTER["死亡"].match(text, e):
                continue
            if word.startswith("重伤") and text[s - 1 : s] == "严":
                continue  # 严重伤害
            attrs["kind"] = "grade"
            if _APPRAISED.search(_clause_before(text, s, 30, _SENTENCE_BREAK)):
                attrs["appraised"] = True
        else:
            value = None
            d = m.group("d")
            if d in ("出血", "流血") and _NOT_BEFORE.search(left):
                continue
            blocker = _NOT_AFTER.get(d)
            if blocker is not None and blocker.match(text, e):
                continue
            if re.fullmatch(_NUM + r"\s?针", d) and not re.search(r"缝|伤|医院|口子", left):
                continue  # 打了三针 (injections) is no wound
            attrs["kind"] = "description"
            attrs["description"] = _description(d)
            if (st := _int(m.group("st") or (d[:-1].strip() if d.endswith("针") else None))) is not None:
                attrs["stitches"] = st
            if (days := _int(m.group("days"))) is not None:
                attrs["days"] = days
            if m.group("dis"):
                attrs["grade"] = m.group("dis")
        if _NEGATION.search(left) or _NEG_AFTER.match(text, e):
            attrs["negated"] = True
        if _UNCERTAIN.search(left):
            attrs["uncertain"] = True
        out.append(Entity("INJURY", s, e, src[s:e], value, attrs))
    return out
