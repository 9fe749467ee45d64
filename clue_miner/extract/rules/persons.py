"""PERSON mentions that statistical models miss, with a role from the cue words around them.

Forms found (all need a known surname, ``knowledge/rules_surnames.txt``):

* partial names anywhere: 张某, 张某某, 王某1, 黄2某, 李某甲, 侯某帆, 张XX, 王**, 李×1;
* 老王 / 小李 (common surnames, followed by a boundary), 王经理 / 刘老板 / 陈总 / 赵警官 (titles),
  姓刘的 / 一个姓刘的男子 / 王姓男子;
* full names only after a cue: 被告人张三, 犯罪嫌疑人李四, 被害人赵六, 我叫刘科连, 民警王某, and
  the rest of a list that follows a cue (被告人罗某、王某某) or ends in 等/二人 (张三、李四等人);
* a kinship word after 我/本人 when that relative suffers (我父亲被打): value None, attrs.kin.

``value`` is the form used for linking: full names and 张某-style names as written, masks as 某
(张XX -> 张某某, 李×1 -> 李某1), and 老王 / 王经理 / 姓王的 / 王姓男子 -> 王某.
attrs: ``role`` (suspect, victim, complainant, witness, officer, other), ``surname`` (str or
None), ``partial`` (bool), ``title`` (经理, 老板 … or None); optionally ``gender`` (M/F), ``kin``.

Roles: a cue right before the name wins (被告人/被害人/民警 …); then relations (被X打, 伙同X,
盗走X的, 趁X不备), then what the person does next (X盗窃, X将…盗走, X被打, X家中被盗); the
members of a list share a role; other mentions of the same value inherit it; else ``other``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from clue_miner.extract.rules.base import RuleContext, half_width
from clue_miner.types import Entity

log = logging.getLogger(__name__)

_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
# Characters that end a name: function words and verbs that follow names.
_STOP = frozenset(
    "的了在是和与及或等将把被对向从于给为以而并也都就还又再已才所之其着过得地这那此该有无不没很更最"
    "说称讲问告叫让要想看见听知来去到至回出进入上下打偷盗窃抢骗砍杀伤拿取走跑逃找买卖借付交收送用持"
    "带驾骑开坐住骂吵闹报诉举伙趁因由经前后时某们家人分系述办能会可应该"
)
_AFTER_NAME = frozenset("手电身联现今年男女性籍户住同等")  # 张三手机…, 张三身份证…
_BOUNDARY_AFTER = frozenset("是系现今男女住家在的说于等和与及、，,。.：:；;（()）！？!? \n\"“”")
_MASKS = "×*＊○〇Xx"
_ORDINALS = "甲乙丙丁戊己庚辛壬癸"
_CLAUSE_START = frozenset("，,。；;：:、\n）)”")
_SENT_BREAK = re.compile(r"[。！？!?；;\n]")
_CLAUSE_BREAK = re.compile(r"[。！？!?；;，,\n]")
# 王某1, not 王某某50元 / 蒋某某8粒 / 陆某某1小包: a digit before a measure word counts things
_IDX = r"\d(?![\d元个万千百件台部只辆次块米吨斤克%.粒颗包袋支瓶条盒箱张把根双套枚名人天年小大余多gGkK])"
_PARTIAL_TAIL = re.compile(
    r"\d{1,2}某(?:某|[" + _ORDINALS + r"])?|某某某?(?:" + _IDX + r")?|某[" + _ORDINALS + r"](?:" + _IDX + r")?"
    r"|某" + _IDX + r"|某|[×*＊○〇]{1,3}(?:" + _IDX + r")?|[Xx]{1,3}(?:" + _IDX + r")?(?![A-Za-z])"
)
_PLACEISH = frozenset("镇区楼村路街号室县市省乡组栋门店厂司局所院巷弄苑园庄屯寨湾坝")
_KID_AFTER = frozenset({"妈妈", "爸爸", "同学", "家长", "奶奶", "爷爷", "外婆"})
_PRE_NAME = frozenset("的向找给和与及请让被把对跟同问望盼叫敬、，,。：:；;（(“\" \n")
_EXT_NOT = frozenset("通多自一二三四五六七八九十两同共再先又亦均曾各已乃即")
_BARE_XING_BEFORE = re.compile(r"(?:他|她|其|对方|自称|称|说|是|叫|个|位|名|人|者)$")
_GENDER = {"男子": "M", "男": "M", "先生": "M", "女子": "F", "女": "F", "女士": "F", "小姐": "F"}


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    value: str | None
    surname: str | None
    partial: bool
    title: str | None = None
    role: str | None = None
    rank: int = 9  # 0 cue, 1 title/relation, 2 right context, 5 inherited
    gender: str | None = None
    kin: str | None = None


@dataclass(frozen=True, slots=True)
class _Lexicon:
    single: frozenset[str]
    compound: frozenset[str]
    given: frozenset[str]
    strong_given: frozenset[str]
    words: dict[str, int]
    tier1: frozenset[str]
    weak: frozenset[str]
    cue_role: dict[str, str]
    strong_cues: frozenset[str]
    title_role: dict[str, str]
    lao_xiao_not: frozenset[str]
    lao_xiao_ok: frozenset[str]
    mou_not: re.Pattern[str]
    ctx: dict[str, re.Pattern[str]]  # role context patterns, rules_role_cues.json "context"
    master: re.Pattern[str]
    listed: re.Pattern[str]


def _alt(words: list[str] | set[str] | frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _lines(name: str) -> list[str]:
    text = (_KNOWLEDGE / name).read_text(encoding="utf-8")
    return [x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#")]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    rows = [x.partition("\t") for x in _lines("rules_surnames.txt")]
    single = {n for n, _, _ in rows if len(n) == 1}
    compound = {n for n, _, _ in rows if len(n) == 2}
    tier1 = {n for n, _, tier in rows if tier.strip() == "1"}
    given_lines = _lines("rules_given_chars.txt")
    cut = given_lines.index("[other]")
    strong_given = frozenset("".join(given_lines[1:cut]))
    given = strong_given | frozenset("".join(given_lines[cut + 1 :]))
    words = {w: int(f) for w, _, f in (x.partition("\t") for x in _lines("rules_common_words.txt"))}
    cues = json.loads((_KNOWLEDGE / "rules_role_cues.json").read_text(encoding="utf-8"))
    cue_role = {w: role for role, words in cues["left_cues"].items() for w in words}
    title_role = {w: role for role, words in cues["titles"].items() for w in words}
    weak = frozenset(cues["weak_surnames"]) & frozenset(single)
    sur = "(?:" + _alt(compound) + "|[" + "".join(sorted(single)) + "])"
    tier1_cls = "[" + "".join(sorted(tier1 - weak)) + "]"
    kin = _alt(cues["kin"])
    titles = _alt(title_role)
    firsts = "".join(sorted({w[0] for w in cue_role} | set(single) | {c[0] for c in compound} | set("姓老小我本")))
    master = re.compile(
        r"(?=[" + firsts + r"])(?:"
        r"(?P<cue>" + _alt(cue_role) + r")[:：]?\s?(?=" + sur + ")"
        r"|(?P<s>" + sur + r")(?:(?P<ps>(?=\d{0,2}某|[" + _MASKS + r"]))"
        r"|姓(?P<sxt>一?(?:男子|女子|先生|女士|男|女)|" + titles + r")|(?P<tt>" + titles + r"))"
        r"|(?<![百贵同改复异])姓(?P<xs>" + sur + r")(?P<xd>的)?(?P<xg>一?(?:男子|女子|先生|女士|男|女))?"
        r"|(?P<lx>[老小])(?P<ls>" + tier1_cls + r")"
        r"|(?:我|本人|我们)的?(?P<kin>" + kin + r"))"
    )
    name = sur + r"[\u4e00-\u9fff]{1,2}?"
    listed = re.compile(
        r"(?<![\u4e00-\u9fff])((?:" + name + r"、){1,6}" + name + r")(?=等人|等[0-9一二两三四五六七八九十]+人|[二两三四五六]人|夫妇|兄弟)"
    )
    log.debug("person rules: %d surnames, %d given-name chars, %d words", len(single) + len(compound), len(given), len(words))
    return _Lexicon(
        single=frozenset(single), compound=frozenset(compound), given=given, strong_given=strong_given,
        words=words, tier1=frozenset(tier1 - weak), weak=weak,
        cue_role=cue_role, strong_cues=frozenset(cue_role) - frozenset(cues["weak_cues"]), title_role=title_role,
        lao_xiao_not=frozenset(cues["lao_xiao_not"]), lao_xiao_ok=frozenset(cues["lao_xiao_ok_after"]),
        mou_not=re.compile("(?:" + _alt(cues["mou_not_after"]) + ")"), master=master, listed=listed,
        ctx={k: re.compile("".join(v)) for k, v in cues["context"].items()},
    )


def _glued(lex: _Lexicon, t: str, i: int) -> bool:
    """The surname character at ``i`` ends a word with the character before it (社区, 养老, 公司)."""
    return i > 0 and lex.words.get(t[i - 1 : i + 1], 0) >= 100


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _surname_at(lex: _Lexicon, t: str, i: int) -> str | None:
    if t[i : i + 2] in lex.compound:
        return t[i : i + 2]
    return t[i] if i < len(t) and t[i] in lex.single else None


def _partial_at(lex: _Lexicon, t: str, i: int, sur: str, cued: bool) -> _Mention | None:
    """张某, 张某某, 王某1, 黄2某, 李某甲, 侯某帆, 张XX … starting at ``i``."""
    j = i + len(sur)
    m = _PARTIAL_TAIL.match(t, j)
    if m is None:
        return None
    tail, end = m.group(), m.end()
    strong = tail != "某"
    if not cued and tail[0] in _MASKS + "某" and (
        sur in _PLACEISH or (tail[0] != "某" and i > 0 and (t[i - 1] in _MASKS + "." or t[i - 1].isdigit()))
    ):
        return None  # **镇**宿舍, 区**, A3区某, 29.94平×2291: places and arithmetic, not names
    if not cued and (tail == "某" or tail[0] in _MASKS or sur not in lex.tier1) and _glued(lex, t, i):
        return None  # 微信***, 途经过某某公路 (a rare surname glued to a word before it)
    if tail == "某" or (tail[-1] == "某" and tail[0].isdigit()):
        nxt, after = t[end : end + 1], t[end + 1 : end + 2]
        kid = t[end + 1 : end + 3] in _KID_AFTER or (after != "" and after in "妈爸")
        if nxt and _is_cjk(nxt) and nxt not in _STOP and nxt not in _EXT_NOT and (kid or (
            nxt in lex.strong_given and not after.isdigit() and not lex.mou_not.match(t, end)
            and lex.words.get(nxt + after, 0) < 300  # 李某承诺 is not 李某承
        )):
            tail, end, strong = tail + nxt, end + 1, True  # 侯某帆, 戴1某生
    if tail == "某" and lex.mou_not.match(t, end) and not cued:
        return None  # 向某部门, 某些
    if not strong and not cued and sur in lex.weak:
        return None  # 位于某地, 向某反映
    if sur in lex.weak and not cued and i > 0 and _is_cjk(t[i - 1]) and tail[:1] != "某":
        return None
    value = sur + "".join("某" if c in _MASKS else c for c in tail)
    return _Mention(i, end, value, sur, True)


def _full_at(lex: _Lexicon, t: str, i: int, sur: str, strong: bool) -> _Mention | None:
    """A full name after a cue: surname + one or two given characters."""
    j = i + len(sur)
    c1 = t[j : j + 1]
    if not c1 or not _is_cjk(c1) or c1 in _STOP or ((not strong or sur in lex.weak) and c1 not in lex.given):
        return None
    if sur in lex.weak and not strong:
        return None  # 车主都会: 都 is a surname only after a strong cue
    end = j + 1
    c2 = t[end : end + 1]
    if c2 and _is_cjk(c2) and c2 not in _STOP and c2 in lex.given and lex.words.get(c1 + c2, 0) < (1000 if strong else 50):
        end += 1  # 张三明知: 三明 is a word, the name is 张三
    limit = (300 if strong else 50) if sur in lex.tier1 else 100  # a rare surname reads as a word sooner
    if lex.words.get(t[i : i + 2], 0) >= limit or lex.words.get(t[j : j + 2], 0) >= 2000:
        return None  # 业主权益, 受害人解决, 居民安全, 民警查获: words, not names
    after = t[end : end + 1]
    if after and not after.isdigit() and after not in _BOUNDARY_AFTER:
        if not strong or (_is_cjk(after) and after not in _STOP and after not in _AFTER_NAME):
            return None  # 受害人冷眼相待
    return _Mention(i, end, t[i:end], sur, False)


def _name_at(lex: _Lexicon, t: str, i: int, strong: bool) -> _Mention | None:
    sur = _surname_at(lex, t, i)
    if sur is None:
        return None
    return _partial_at(lex, t, i, sur, True) or _full_at(lex, t, i, sur, strong)


def _scan(lex: _Lexicon, t: str) -> list[_Mention]:
    out: list[_Mention] = []
    pos = 0
    n = len(t)
    while pos < n:
        m = lex.master.search(t, pos)
        if m is None:
            break
        pos = m.end()
        if m.group("cue"):
            cue = m.group("cue")
            strong = cue in lex.strong_cues
            first = _name_at(lex, t, m.end(), strong)
            if first is None:
                continue
            if cue == "本人" and first.end < n and t[first.end] not in _BOUNDARY_AFTER:
                continue
            members = [first]
            while True:  # 被告人罗某、王某某
                last = members[-1]
                if last.end < n and t[last.end] in "、和与及":
                    nxt = _name_at(lex, t, last.end + 1, strong)
                    if nxt is not None:
                        members.append(nxt)
                        continue
                break
            role = lex.cue_role[cue]
            for mem in members:
                if role != "other":  # 同事/老板/业主 only license the name; context decides the role
                    mem.role, mem.rank = role, 0
                out.append(mem)
            pos = members[-1].end
        elif m.group("ps") is not None:
            ment = _partial_at(lex, t, m.start(), m.group("s"), False)
            if ment is None:
                pos = m.start() + 1
                continue
            title = _title_after(lex, t, ment.end)
            if title:
                ment.title, ment.end = title, ment.end + len(title)
            out.append(ment)
            pos = ment.end
        elif m.group("xs") or m.group("sxt"):
            sur = m.group("xs") or m.group("s")
            extra = m.group("xg") or m.group("sxt") or ""
            ment = _Mention(m.start(), m.end(), sur + "某", sur, True)
            key = extra.lstrip("一")
            if key in _GENDER:
                ment.gender = _GENDER[key]
            elif extra:
                ment.title = extra
            if m.group("sxt") and (sur in lex.weak or _glued(lex, t, m.start())):
                continue
            if m.group("xs") and not extra and not m.group("xd") and not _BARE_XING_BEFORE.search(t, 0, m.start()):
                continue  # 姓公还是姓钱, 安居乐业: a bare 姓X needs a person before it (他姓刘, 一个姓刘)
            out.append(ment)
        elif m.group("tt"):
            sur, title = m.group("s"), m.group("tt")
            if not _title_ok(lex, t, m.start(), sur, title, m.end()):
                pos = m.start() + 1
                continue
            ment = _Mention(m.start(), m.end(), sur + "某", sur, True, title=title)
            ment.gender = _GENDER.get(title)
            out.append(ment)
        elif m.group("lx"):
            word = m.group()
            after = t[m.end() : m.end() + 1]
            if word in lex.lao_xiao_not or (after and after not in lex.lao_xiao_ok) or _glued(lex, t, m.start()):
                pos = m.start() + 1
                continue
            if m.start() > 0 and t[m.start() - 1] in "老小大":
                continue
            out.append(_Mention(m.start(), m.end(), m.group("ls") + "某", m.group("ls"), True))
        elif m.group("kin"):
            if lex.ctx["kin_victim"].match(t, m.end()):
                k = m.group("kin")
                s = m.start("kin")
                out.append(_Mention(s, m.end(), None, None, True, role="victim", rank=1, kin=k))
    if "、" in t:
        _listed(lex, t, out)
    return out


def _title_after(lex: _Lexicon, t: str, end: int) -> str | None:
    for k in (3, 2, 1):
        w = t[end : end + k]
        if len(w) == k and w in lex.title_role:
            return w
    return None


_TOTAL_NOT_AFTER = re.compile(r"[部价和图距务额量数体计公站队院局面共结之账经监裁部承包理统规署]")
_NOT_TITLE_SURNAME = frozenset("原前现副新老总")  # 原所长 = the former director
_VERB_SURNAMES = frozenset("任")  # surnames that are also verbs before a post: 任主任 = "serve as director"
_WORD_BEFORE = frozenset({"语文", "音乐", "历史", "美术", "班主", "副主", "支书", "原先", "总经"})


def _title_ok(lex: _Lexicon, t: str, s: int, sur: str, title: str, e: int) -> bool:
    if s > 0 and t[s - 1 : s + 1] in _WORD_BEFORE or _glued(lex, t, s):
        return False
    if sur in lex.weak or sur in _NOT_TITLE_SURNAME:
        return False
    if sur in _VERB_SURNAMES and s > 0 and t[s - 1] not in _PRE_NAME:
        return False  # 五任县长, 彭真同志任主任委员: 任 serves as a verb ("to hold the post of")
    if sur not in lex.tier1 and s > 0 and t[s - 1] not in _PRE_NAME:
        return False  # 吴新华主任 -> not 华某, 开发商董事长 -> not 商某
    if lex.words.get(sur + title[0], 0) >= 50:
        return False  # 干部长期
    if title == "总" and (_TOTAL_NOT_AFTER.match(t, e) or t[e : e + 1] not in lex.lao_xiao_ok | {""}):
        return False
    if title == "先生" and t[e : e + 1] in ("活", "产", "意"):
        return False
    return True


def _listed(lex: _Lexicon, t: str, out: list[_Mention]) -> None:
    """张三、李四等人: full names in a list that ends in 等/二人."""
    taken = [(x.start, x.end) for x in out]
    for m in lex.listed.finditer(t):
        pos = m.start(1)
        for part in m.group(1).split("、"):
            s, e = pos, pos + len(part)
            pos = e + 1
            sur = _surname_at(lex, t, s)
            if sur is None or len(part) - len(sur) not in (1, 2) or any(s < b and a < e for a, b in taken):
                continue
            if any(c in _STOP for c in part[len(sur) :]):
                continue
            out.append(_Mention(s, e, part, sur, False))


def _context_role(t: str, x: _Mention, c: dict[str, re.Pattern[str]]) -> tuple[str, int] | None:
    """Role and rank from the words right before and after a mention; the first rule that fires wins."""
    left = _CLAUSE_BREAK.split(t[max(0, x.start - 12) : x.start])[-1]
    right = _SENT_BREAK.split(t[x.end : x.end + 48])[0]
    if c["left_passive"].search(left) and c["passive_verb"].match(right):
        return "suspect", 1  # 被X打
    if left.endswith("被") and c["discover"].match(right):
        return "victim", 1  # 被X发现: the owner who caught the thief
    for key, role in (("left_suspect", "suspect"), ("left_victim", "victim"), ("left_officer", "officer")):
        if c[key].search(left):
            return role, 1  # 伙同X, 盗走X的, 趁X不备, 派出所的X
    if c["right_suspect"].match(right):
        return "suspect", 2  # X盗窃, X将…盗走
    if c["right_victim"].match(right):
        return "victim", 2  # X家中被盗
    if x.title is None and x.value and "某" in x.value and (x.start == 0 or t[x.start - 1] in _CLAUSE_START):
        if c["right_actor"].match(right):
            return "suspect", 3  # 张某某于…/驾驶…: the acting subject of a court narrative clause
    return None


@lru_cache(maxsize=1)
def _behalf() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    kin = _alt(json.loads((_KNOWLEDGE / "rules_role_cues.json").read_text(encoding="utf-8"))["kin"])
    return (re.compile(r"(?:我是|本人是|我系)$"), re.compile(r"的(?:" + kin + r"|家属|亲属|家人|朋友|同事)"),
            re.compile(r"(?:替|代|帮)$"), re.compile(r"(?:反映|投诉|举报|报案|报警|求助|咨询|写信)"))


def role_in_context(text: str, start: int, end: int) -> str | None:
    """The role the words around ``text[start:end]`` give a name found elsewhere (by a statistical
    model): 被X打 / X盗走 / 伙同X -> suspect, 盗走X的 / X家中被盗 / 我是X的女儿 / 替X反映 -> victim,
    派出所的X -> officer; None when nothing around it decides."""
    value = text[start:end]
    i_am, kin_of, proxy, report = _behalf()
    left = text[max(0, start - 6):start]
    if (i_am.search(left) and kin_of.match(text, end)) or (proxy.search(left) and report.match(text, end)):
        return "victim"  # 我是王敏的女儿，替她反映 / 替王敏反映: the person the complaint is on behalf of
    hit = _context_role(text, _Mention(start, end, value, None, "某" in value), _lexicon().ctx)
    return hit[0] if hit else None


def _assign_roles(t: str, ments: list[_Mention], lex: _Lexicon) -> None:
    for x in ments:
        if x.rank == 0 or x.kin:
            continue
        if x.title and lex.title_role.get(x.title) == "officer":
            x.role, x.rank = "officer", 1
            continue
        hit = _context_role(t, x, lex.ctx)
        if hit:
            x.role, x.rank = hit
    # Members of one list share a role: 张某某与李某某对盗窃事实供认不讳.
    ments.sort(key=lambda x: x.start)
    pairs = [
        (a, b) for a, b in zip(ments, ments[1:], strict=False)
        if b.start == a.end + 1 and t[a.end] in "、和与及" and a.kin is None and b.kin is None
    ]
    for a, b in pairs:  # forward: 伙同A、B、C
        if b.role is None and a.role is not None:
            b.role, b.rank = a.role, a.rank + 1
    for a, b in reversed(pairs):  # backward: A、B、C（均另案处理）
        if a.role is None and b.role is not None:
            a.role, a.rank = b.role, b.rank + 1
    best: dict[str, tuple[int, str]] = {}
    for x in ments:
        if x.role and x.value and (x.value not in best or x.rank < best[x.value][0]):
            best[x.value] = (x.rank, x.role)
    for x in ments:
        if x.role is None and x.value in best:
            x.role, x.rank = best[x.value][1], 5


def find(text: str, ctx: RuleContext) -> list[Entity]:
    """PERSON entities (with attrs.role) in ``text``."""
    lex = _lexicon()
    t = half_width(text)  # 王某１, 张ＸＸ
    ments = _scan(lex, t)
    if not ments:
        return []
    _assign_roles(t, ments, lex)
    out: list[Entity] = []
    last_end = -1
    for x in sorted(ments, key=lambda x: (x.start, -x.end)):
        if x.start < last_end:
            continue
        last_end = x.end
        attrs: dict[str, object] = {"role": x.role or "other", "surname": x.surname, "partial": x.partial, "title": x.title}
        if x.gender:
            attrs["gender"] = x.gender
        if x.kin:
            attrs["kin"] = x.kin
        out.append(Entity("PERSON", x.start, x.end, text[x.start : x.end], x.value, attrs))
    return out
