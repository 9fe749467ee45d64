"""Addresses (LOCATION) and institutions (ORG) that rules catch with high precision.

Pieces are found by their suffix and the name is read backwards from it up to a stop character
(在, 于, 的, 住 …, punctuation) — Chinese has no spaces, so a name that runs on too long is
dropped rather than guessed:

* administrative: provinces (湖南省), the board's anonymised units (A市, A2区, K9县, 西地省E市) and
  names before 省/市/区/县/镇/乡/街道/村/社区/组;
* roads and numbers: 联丰路123号, 万家丽中路, 解放西路; buildings and rooms: G2栋320, 1单元502室;
* estates: 景蓉华苑, 米兰春天小区, XX花园/公寓/大厦/广场/市场/家园/新村;
* ORG: XX派出所, XX公安局/分局, XX银行XX支行, XX(有限)公司, XX物业, XX学校/小学/医院,
  XX检察院/法院, XX局 with a known stem (住建局, 城管局 …) or an admin prefix, 12345热线.

Contiguous pieces merge into one span (湖南省长沙市岳麓区联丰路123号). An institution takes the
address pieces right before it (A市公安局A2区分局, 城南路派出所); pieces after it stay LOCATION.
Generic words (城市, 超市, 小区, 公路, 物业公司, 人民医院) are not places or institutions on their own.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from clue_miner.extract.rules.base import RuleContext, half_width
from clue_miner.types import Entity

log = logging.getLogger(__name__)

_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

_STOP = frozenset(
    "的在于到至从住是了和与及或向往去来为将把被对等我你他她它们这那个条该本各全每此其位处里内外旁边附近"
    "请让给由称说要想有无不没也都就还又再已才所之着过得向过原现旧某个些跟找叫均因比否能会可后且故离年月日"
)
_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|"
    "贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_BUREAUS = (
    "市场监督管理|市场监管|住房和城乡建设|住房城乡建设|自然资源和规划|自然资源|生态环境|人力资源和社会保障|人社|"
    "住建|城管|国土|环保|税务|工商|教育|卫健|卫生健康|民政|交通运输|交通|交警|公安|规划|房产|房管|林业|水务|水利|"
    "农业农村|农业|财政|审计|统计|信访|司法|文旅|文化旅游|应急管理|安监|质监|食药监|物价|人防|消防|气象|医保|"
    "城市管理|发改|发展和改革|商务|科技|体育|烟草|邮政|铁路|公路|海关|检验检疫|市监|不动产登记"
)
_BANKS = (
    "中国工商银行|工商银行|中国建设银行|建设银行|中国农业银行|农业银行|中国银行|交通银行|招商银行|中国邮政储蓄银行|"
    "邮政储蓄银行|邮储银行|民生银行|光大银行|中信银行|兴业银行|浦发银行|华夏银行|平安银行|广发银行|农村商业银行|"
    "农商银行|农商行|农村信用社|农村信用合作社|信用社|村镇银行"
)
# ORG suffixes and LOCATION suffixes; the group name tells the class. At one position the earlier
# alternative wins, so 市场 comes before 市 and 村委会 before 村.
_ORG_SUFFIXES = (
    "派出所|公安分局|公安局|分局|交警大队|刑警大队|大队|中队|警务室|人民检察院|检察院|中级人民法院|人民法院|法院|集团有限公司|"
    "股份有限公司|有限责任公司|有限公司|公司|支行|分行|营业部|分理处|银行|物业|小学|中学|大学|学院|学校|幼儿园|医院|卫生院|"
    "妇幼保健院|人民政府|政府|街道办事处|办事处|居委会|村委会|管委会|仲裁委|局"
)
_ESTATES = "小区|花园|苑|公寓|大厦|广场|市场|家园|新村|山庄|华庭|公馆|城"
_ADMINS = "省|自治区|自治州|市|区|县|旗|镇|乡|街道|社区|村|组"
_FIRSTS = "".join(
    sorted({w[0] for w in "|".join((_BUREAUS, _BANKS, _ORG_SUFFIXES, _ESTATES, _ADMINS)).split("|")} | set("1东西南北中大路街巷胡"))
)
_SUFFIX_RE = re.compile(
    r"(?=[" + _FIRSTS + r"])(?:"
    r"(?P<org_full>12345(?:市长|政务服务|政府服务)?热线|(?:" + _BUREAUS + r")(?:分局|局|委员会|委|大队|支队)"
    r"|" + _BANKS + r")"
    r"|(?P<org>" + _ORG_SUFFIXES + r")|(?P<estate>" + _ESTATES + r")|(?P<admin>" + _ADMINS + r")"
    r"|(?P<road>[东西南北中]?(?:大道|大街|路|街|巷|胡同)))"
)
_ANON_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]\d{0,2}(?:省|市|区|县|郡|镇|乡|村|州)+")
_PROVINCE_RE = re.compile(r"(?:" + _PROVINCES + r")(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)")
_NUMBER_RE = re.compile(r"\d+(?:-\d+)?号(?:院|楼|门)?")
_BUILDING_RE = re.compile(
    r"(?:[A-Z]?\d+|[一二三四五六七八九十]+)(?:栋|幢|号楼|座)(?:\d+单元)?(?:\d+(?:楼|层))?(?:\d{2,4}(?:室|房|号)?)?"
    r"|\d+单元(?:\d+(?:楼|层))?(?:\d{2,4}(?:室|房|号)?)?|\d{3,4}(?:室|房)"
)
_ANY_PIECE = re.compile(
    r"[省市区县镇乡村组路街巷道苑园场厦寓城所局院司行校学物热队室部处会府委栋幢单]|号|[A-Z]\d{0,2}[省市区县郡镇乡村州]"
)
# A suffix followed by one of these is a word, not a suffix: 城市, 区域, 村落, 市民, 城管 …
_NOT_SUFFIX_AFTER = frozenset(
    "城市 城管 城际 城乡 区域 区委 村落 村民 市民 市政 市委 县委 省委 县城 路线 路面 路灯 路况 街头 乡亲 乡镇 "
    "路途 市长 县长 区长 镇长 乡长 村长 省长 局长 市里 村里 市级 县级 区级 镇级 乡级 村级 省级 市内 省内 县内 区内".split()
)
_ALWAYS_GENERIC = frozenset("城市 超市 地区 市区 郊区 山区 景区 园区 辖区 片区 社区 小区 农村 乡村 城乡 家乡".split())
_ORG_GLUED = frozenset(
    "布局 格局 结局 骗局 赌局 饭局 大局 时局 全局 当局 残局 僵局 开局 出局 败局 定局 终局 变局 设局 棋局 牌局 "
    "上市 分公 子公 总公 母公".split()
)
_COUNTED = re.compile(r"[一二三四五六七八九十两几]+[段大名片条个座栋所间处位批些辆台部只]")
# Quantifiers and determiners that start a generic mention (很多学校, 部分银行, 一家公司, 35家航空公司).
_QUANTIFIED = re.compile(
    r"(?:许多|很多|好多|不少|部分|一些|好些|某些|整体|所有|其他|其它|各大|各|多家|几家|数家|大型|主流|\d*[一二三四五六七八九十两几]?家)"
)
_LEAD1 = frozenset("求临顾往朝沿经据按凭替帮请让叫被把对向给跟同和与及在于到至从自由为以因比是")
_ROAD_WORDS = frozenset(
    "公路 马路 道路 铁路 线路 思路 出路 电路 套路 网路 修路 走路 过路 带路 让路 拦路 开路 引路 指路 挡路 探路 问路 迷路 "
    "领路 赶路 夜路 弯路 绝路 活路 生路 歧路 岔路 小路 大路 土路 泥路 水路 陆路 海路 短路 回路 管路 纹路 财路 血路 心路 "
    "半路 前路 后路 来路 去路 归路 上路 沿路 一路 外路 多路 各路 两路 几路 支路 筑路 逛街 上街 满街 沿街 临街 当街 街街".split()
)
_MAX_NAME = {"admin": 4, "road": 6, "estate": 8}
_MAX_ORG_NAME = {"派出所": 4, "银行": 6, "物业": 6, "公司": 12, "有限公司": 20, "有限责任公司": 20, "股份有限公司": 20,
                 "集团有限公司": 20}
_GENERIC_ORG_NAMES = frozenset(
    "物业 开发 房地产 保险 装修 中介 担保 投资 物流 快递 电力 燃气 自来水 供水 供电 运输 建筑 施工 劳务 培训 旅游 "
    "网络 科技 贸易 管理 服务 咨询 销售 出租车 公交 开发商 小区 前期 业主 公办 民办 私立 公立 普通 普惠 网上 手机 "
    "重点 寄宿制 所有 人民 中心 附属 民营 三甲 正规 各大 基层 定点 相关 有关 上级 当地 属地 职能 主管 两家 空壳 "
    "一家 几家 多家 各级 省级 市级 区级 县级 镇级 其他 其它 国有 私营 外资 合资 配套 挂牌 黑心 皮包 中资 上市 "
    "普惠性 预留 规划 新建 拟建 在建 商业 农村 城市 乡镇 村级 国语".split()
)
_ORG_CHAIN_ONLY = frozenset({"分局", "大队", "中队", "支行", "分行", "营业部", "分理处", "局", "政府", "人民政府",
                             "办事处", "居委会", "村委会", "管委会", "仲裁委", "警务室"})
_ORG_NEEDS_NAME = frozenset({"检察院", "人民检察院", "法院", "人民法院", "中级人民法院", "派出所", "公安局", "公安分局"})


@dataclass(slots=True)
class _Piece:
    start: int
    end: int
    kind: str  # admin, road, estate, number, building, org


@dataclass(frozen=True, slots=True)
class _Words:
    short: frozenset[str]  # 城市, 超市, 公路 …: last name char + suffix
    long: frozenset[str]  # 城中村, 高速公路 …: whole generic places
    lead: frozenset[str]  # 希望, 督促, 北面 …: words stripped from the start of a name
    lead1: frozenset[str]  # 求, 临, 在 …


@lru_cache(maxsize=1)
def _words() -> _Words:
    sections: dict[str, set[str]] = {"short": set(), "long": set(), "lead": set(), "lead1": set()}
    target = sections["short"]
    for line in (_KNOWLEDGE / "rules_place_words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            target = sections[line.strip("[] \n")]
        elif line.strip() and not line.startswith("#"):
            target.update([line.strip()] if target is not sections["lead1"] else line.strip())
    log.debug("place rules: %s", {k: len(v) for k, v in sections.items()})
    return _Words(*(frozenset(sections[k]) for k in ("short", "long", "lead", "lead1")))


def _name_start(t: str, s: int, floor: int, max_len: int, words: _Words) -> int | None:
    """Start of the name that ends at ``s``: walk left to a stop char, then strip leading verbs."""
    i = s
    while i > floor and s - i <= max_len:
        c = t[i - 1]
        if not ("\u4e00" <= c <= "\u9fff") or c in _STOP:
            break
        i -= 1
    while s - i >= 3:  # 督促西地省 -> 西地省, 北面临盼盼路 -> 盼盼路; keep two characters at least
        if t[i : i + 2] in words.lead and s - i - 2 >= 2:
            i += 2
        elif (t[i] in words.lead1 or t[i] in _LEAD1) and s - i - 1 >= 2:
            i += 1
        else:
            break
    if s - i > max_len:
        return None
    return i


def _fixed_pieces(t: str) -> list[_Piece]:
    found: list[_Piece] = []
    for rx, kind in ((_ANON_RE, "admin"), (_PROVINCE_RE, "admin"), (_BUILDING_RE, "building"), (_NUMBER_RE, "number")):
        for m in rx.finditer(t):
            found.append(_Piece(m.start(), m.end(), kind))
    found.sort(key=lambda p: (p.start, -p.end))
    out: list[_Piece] = []
    for p in found:
        if not out or p.start >= out[-1].end:
            out.append(p)
    return out


def _org_ok(name: str, suffix: str, chained: bool, words: _Words) -> bool:
    if name in _GENERIC_ORG_NAMES or name in words.lead or (name and name[0] in "该此这那各某贵"):
        return False
    if 2 <= len(name) <= 3 and name[-2:] in words.lead:
        return False  # 缴清物业, 进出医院
    if name[-1:] + suffix[:1] in _ORG_GLUED or (suffix == "局" and len(name) > 6):
        return False
    if suffix in _ORG_CHAIN_ONLY:
        return chained
    if suffix in _ORG_NEEDS_NAME:
        return chained or len(name) >= 2
    if suffix in ("医院", "人民医院") and name in ("人民", "中医", "中心", "妇幼", "附属"):
        return chained
    return len(name) >= 2 or (chained and suffix not in ("公司", "物业", "银行"))


def _suffix_pieces(t: str, fixed: list[_Piece]) -> list[_Piece]:
    words = _words()
    pieces = list(fixed)
    anchors = {p.end for p in fixed if p.kind == "admin"}  # a name may follow these directly
    barrier = 0  # names never reach back across an accepted piece or a two-character suffix
    k = 0  # fixed pieces before index k end at or before the current match
    for m in _SUFFIX_RE.finditer(t):
        s, e = m.span()
        while k < len(fixed) and fixed[k].end <= s:
            barrier = max(barrier, fixed[k].end)
            k += 1
        if k < len(fixed) and fixed[k].start < e:
            continue  # inside A市, 1单元 …
        kind, suffix = m.lastgroup or "", m.group()
        floor = barrier
        if len(suffix) > 1 or suffix in "省市区县镇乡":
            barrier = e  # 物业公司美顺物业: a two-character suffix ends any name before it
        if kind == "org_full":
            pieces.append(_Piece(s, e, "org"))
            anchors.add(e)
            continue
        if t[e - 1 : e + 1] in _NOT_SUFFIX_AFTER:
            continue
        max_len = _MAX_ORG_NAME.get(suffix, 8) if kind == "org" else _MAX_NAME[kind]
        ns = _name_start(t, s, floor, max_len, words)
        if ns is None:
            continue
        if kind == "admin" and suffix in ("组", "村") and ns == s:  # 3组, 五组
            while ns > floor and (t[ns - 1].isdigit() or t[ns - 1] in "一二三四五六七八九十"):
                ns -= 1
        q = _QUANTIFIED.match(t, ns, s)
        if q:  # 很多幼儿园, 部分银行, 一家装修公司: a kind of place, not a name; the rest decides
            ns = q.end()
        name = t[ns:s]
        if (q and not name) or _COUNTED.search(name) or (kind == "org" and len(name) == 2 and all(c in _LEAD1 for c in name)):
            continue  # 一段路, 十大物业, 一名小区, 求按银行
        if kind == "road" and len(name) == 1 and len(suffix) > 1 and suffix[0] in "东西南北中":
            name, suffix = name + suffix[0], suffix[1:]  # 城南路: the name is 城南
        chained = ns in anchors
        if kind == "road":
            glued = (name[-1:] + suffix[-1:]) in _ROAD_WORDS or name + suffix in words.long
        else:
            glued = (name[-1:] + suffix[:1]) in words.short or name + suffix in words.long
        glued = glued or (kind != "org" and name[-2:] in words.lead and len(name) > 2)
        if kind == "org":
            ok = _org_ok(name, suffix, chained, words)
        elif suffix == "组":
            ok = chained
        elif kind == "admin":
            ok = len(name) >= 2 and (not glued or chained) and name not in words.lead
            ok = ok and (name[-1:] + suffix[:1]) not in _ALWAYS_GENERIC
        else:
            ok = (len(name) >= 2 and not glued) or (chained and name == "" and suffix in ("小区", "花园", "广场"))
            ok = ok and not (suffix == "城" and len(name) < 2) and (kind == "road" or name not in words.lead)
            ok = ok and (kind == "road" or name not in _GENERIC_ORG_NAMES)
        if ok:
            pieces.append(_Piece(ns, e, "org" if kind == "org" else kind))
            anchors.add(e)
            barrier = e
    pieces.sort(key=lambda p: (p.start, -p.end))
    return pieces


_ORG_KIND = (
    ("派出所", "police"), ("公安", "police"), ("警务", "police"), ("交警", "police"), ("刑警", "police"),
    ("检察院", "procuratorate"), ("法院", "court"), ("银行", "bank"), ("信用社", "bank"), ("农商行", "bank"),
    ("医院", "hospital"), ("卫生院", "hospital"), ("保健院", "hospital"), ("学校", "school"), ("小学", "school"),
    ("中学", "school"), ("大学", "school"), ("学院", "school"), ("幼儿园", "school"), ("物业", "property"),
    ("公司", "company"), ("热线", "hotline"), ("政府", "government"), ("局", "government"), ("委", "government"),
    ("办事处", "government"), ("会", "government"),
)


def _org_kind(s: str) -> str:
    for key, kind in _ORG_KIND:
        if key in s:
            return kind
    return "other"


def _location_ok(t: str, g: list[_Piece]) -> bool:
    kinds = {p.kind for p in g}
    if kinds <= {"number"}:
        return False
    if kinds <= {"building", "number"}:
        return len(g) >= 2 or any(c in "栋幢单" for c in t[g[0].start : g[-1].end])
    return True


def _estate_before_buildings(t: str, pieces: list[_Piece]) -> list[_Piece]:
    """联丰路米兰春天G2栋320: the unsuffixed estate name between an address piece and a building."""
    out: list[_Piece] = []
    for i, p in enumerate(pieces):
        prev = pieces[i - 1] if i else None
        if p.kind == "building" and prev is not None and prev.kind != "number" and prev.end < p.start:
            gap = t[prev.end : p.start]
            if 2 <= len(gap) <= 6 and all("\u4e00" <= c <= "\u9fff" and c not in _STOP for c in gap):
                out.append(_Piece(prev.end, p.start, "estate"))
        out.append(p)
    return out


def find(text: str, ctx: RuleContext) -> list[Entity]:
    """LOCATION and ORG entities in ``text``."""
    t = half_width(text)
    if not _ANY_PIECE.search(t):
        return []
    pieces = _estate_before_buildings(t, _suffix_pieces(t, _fixed_pieces(t)))
    groups: list[list[_Piece]] = []
    for p in pieces:
        if groups and p.start == groups[-1][-1].end:
            groups[-1].append(p)
        elif not groups or p.start >= groups[-1][-1].end:
            groups.append([p])
    out: list[Entity] = []
    for g in groups:
        last_org = max((i for i, p in enumerate(g) if p.kind == "org"), default=-1)
        if last_org >= 0:
            s, e = g[0].start, g[last_org].end
            out.append(Entity("ORG", s, e, text[s:e], t[s:e], {"kind": _org_kind(t[s:e])}))
            g = g[last_org + 1 :]
        if not g or not _location_ok(t, g):
            continue
        s, e = g[0].start, g[-1].end
        out.append(Entity("LOCATION", s, e, text[s:e], t[s:e], {"parts": [p.kind for p in g]}))
    return out
