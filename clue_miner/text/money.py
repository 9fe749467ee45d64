"""Amounts of money (yuan) in Chinese text.

``parse_money(s)`` reads one value that is known to be money (a table cell, an entity's text):
``5.2万元``, ``52,000``, ``￥500``, ``贰万捌仟陆百元``, ``两千多``, ``8k``.

``find_money(text)`` finds amounts in running text, with exact offsets. It favours precision:
a number is money only when

* a currency unit follows (元 / 块 / 块钱 / 圆 / 人民币 / RMB / CNY) or precedes (人民币 / RMB /
  ￥ / ¥), with checks against the non-money uses (一块地, 这一块, 元旦, 一圆满);
* or it ends in 万 / 千 / 亿 (5万, 400多万, 上千万, 两千多), or is the spoken shorthand with one
  digit after 万 / 千 / 亿 (5万3, 四万八, 两万六, 三千五, 3千5, 1万2, 十万八) or a 百 after a 万 / 千
  (2万零5百, 三千五百), with no measure word after it (3万人, 8万公里, 50万伏, 一千多米, 两万六千平方米,
  五万三千多名) **and** a money word in the same clause (骗, 借, 转了, 工资, 价, 损失, 投了, 放进去,
  砸进去, 充了, 打了, 被套, 一共, 总共, 合计, 前后 … before it, or 款 / 费 / 金 / 息 / 现金 … just
  after it). A run that starts with 万 / 千 (万一, 千万不要, 万三) is never money;
* or it is Arabic with ``k`` / ``w`` (8k, 3w, and the shorthand 5w3 / 8k5) and the same money
  context.

Values and the ``approx`` flag (see :mod:`clue_miner.text.numerals` for the numerals):
多 / 余 / 来 / 左右 / 上下 / 出头 / 约 / 近 / 将近 / 超过 … -> the written value, ``approx=True``
(一万出头 = 10000, 两万来块 = 20000);
ranges (6000-8000元, 七八千, 20-30万) -> the lower bound, ``approx=True``; 几 / 数 -> 3 (几千 =
3000); 上万 -> 10000 (approx). ``8k`` = 8000 and ``3w`` = 30000 exactly (k and w are units like
千 and 万). One digit after the last unit is a digit of the next lower unit: 5万3 = 53000,
三千五 = 3500, 5w3 = 53000, 8k5 = 8500. Foreign currencies (美元, 港币, 日元 …) are not money here (values are yuan).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from clue_miner.text.numerals import parse_number

__all__ = ["MoneyMatch", "MoneyValue", "find_money", "parse_money"]


class MoneyValue(NamedTuple):
    value: float
    approx: bool


class MoneyMatch(NamedTuple):
    start: int
    end: int
    value: float
    approx: bool


_CN = "零〇○一二两俩三四五六七八九壹贰叁肆伍陆柒捌玖十拾百佰千仟万萬亿億几数"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Atomic: once a numeral run is read it is not re-split (a 19-digit card number would otherwise
# backtrack exponentially through the ways of cutting it into digit groups).
_CORE = rf"(?>(?:{_ARABIC}|上(?=[十百千万亿])|[{_CN}])(?:{_ARABIC}|[{_CN}多余来])*)"
_SEP = r"\s?(?:-|~|～|—{1,2}|－|至|到)\s?"
# k / w may carry one more digit of the next lower unit (5w3 = 53000, 8k5 = 8500).
_UNIT = r"块钱|块|元|圆|人民币|RMB|rmb|Rmb|CNY|[kKwW](?:\d(?![\dA-Za-z.]))?(?![A-Za-z])"

_MONEY_RE = re.compile(
    rf"(?<![\dA-Za-z.])(?:(?P<lo>{_CORE}){_SEP})?(?P<core>{_CORE})(?:\s?(?P<unit>{_UNIT}))?"
)
_CELL_RE = re.compile(
    rf"\s*(?:约|大约|大概|将近|接近|近|逾|超过)?\s*(?:人民币|RMB|rmb|Rmb|CNY|[￥¥])?\s*(?:约)?\s*"
    rf"(?:(?P<lo>{_CORE}){_SEP})?(?P<core>{_CORE})\s*(?P<unit>{_UNIT}|万元)?\s*"
    rf"(?:整|左右|上下|多|出头)?\s*[。.]?\s*"
)

_BIG_END = frozenset("万萬亿億千仟")
_SHORT_UNIT = frozenset("万萬亿億千仟")  # 5万3, 三千五: one digit after these is shorthand
_SHORT_DIGIT = frozenset("一二两三四五六七八九壹贰叁肆伍陆柒捌玖123456789")
_CURRENCY_BEFORE = re.compile(r"(?:人民币|RMB|rmb|Rmb|CNY|[￥¥])\s?$")
_APPROX_BEFORE = re.compile(r"(?:大约|大概|约合|约为|将近|接近|差不多|不到|不足|超过|逾|约|近)\s?$")
_NOT_APPROX_NEAR = frozenset("最附靠临亲邻")  # 最近, 附近 …
_NOT_APPROX_YUE = frozenset("签合预违履节公契制条")  # 签约, 合约 …
_APPROX_AFTER = re.compile(r"左右|上下(?![班车楼学课])|之多|出头|多(?![人户名个位])")
_CLAUSE_END = re.compile(r"[。！？；;!?\n，,]")

# A money word in the same clause, before the number.
_CTX_BEFORE = re.compile(
    r"[钱款费薪贷借欠骗亏赔罚付缴汇赚挣卖买购退扣息额税租捐贿赃诈讹]|价(?!值观)|金额|"
    r"(?:资|现|租|押|定|订|奖|罚|基|本|佣|礼|薪|筹|约|购|积|黑|赃)金|"
    r"资(?![料格质历源])|交了|交纳|交付|交给|上交|要交|交的|转账|转给|转了|转入|花了|花费|花掉|"
    r"收了|收取|收到|给了|余额|充值|补贴|补偿|成本|预算|拨款|红包|报销|投入|利润|收入|盈利|获利|"
    r"标的|损失|索要|勒索|偷了|盗走|抢走|抢了|卷走|套现|提现|还了|还款|还钱|放款|开价|要价|值(?![班守勤日])|"
    r"投了|投进|放进去|砸进去|砸了|充了|打了|被套|套进去|一共|总共|合计|共计|前后"
)
# A money word right after the number (5万多的砍头息, 2000多万的工程款, 9万现金).
_CTX_AFTER = re.compile(r"[款费钱息债税贷资账]|[^黄]金|现金|人民币|红包|工资|薪|首付|利润|收入|不等")
_MEASURE_AFTER = re.compile(
    r"人(?!民币)|户|名|位|个|伏|瓦|牛|米|公里|里|[kK][mMgGwWvV]|m|平|㎡|亩|顷|吨|斤|克|公斤|字|册|份|"
    r"辆|台|只|头|条|张|件|次|年|天|月|日|周|小时|分|秒|岁|倍|方|立方|度|升|居民|业主|群众|村民|"
    r"职工|员工|学生|家|所|座|栋|幢|层|间|套|股|点|步|粒|颗|包|箱|瓶|盒|支|枝|棵|株|双|对|本|篇|"
    r"项|起|例|票|单|批|流动|人口|美|港|欧|英镑|澳|韩|泰|卢布|台币|网友|粉丝|用户|册|词|行|码|像素|"
    r"转|帧|多人|余人|标准|老人|家庭|师生|子女|农民|儿童|孩子|市民|百姓|患者|受害人|会员|客户|"
    r"居住|人次|平方|公顷|千米|毫|厘"
)
_YUAN_BAD_AFTER = frozenset("旦宵素首帅件化凶老勋谋配器复")
_KUAI_OK_AFTER = frozenset("钱一每不左上多余至到和或、半的")
_KUAI_BAD_AFTER = frozenset("地石砖板肉布铁木田屏表牌钢冰糖土碑瓦玉骨皮蛋玻纱区宅墓金银糕饼肥香")
_KUAI_BAD_BEFORE = frozenset("这那哪每同整另")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _clause_before(text: str, start: int, width: int = 12, ends: re.Pattern[str] = _CLAUSE_END) -> str:
    """The ``width`` characters before ``start``, cut after the last of ``ends`` among them."""
    window = text[max(0, start - width) : start]
    cut = None
    for m in ends.finditer(window):
        cut = m.end()
    return window if cut is None else window[cut:]


def _clause_after(text: str, end: int, width: int = 6) -> str:
    window = text[end : end + width]
    m = _CLAUSE_END.search(window)
    return window if m is None else window[: m.start()]


def _ends_like_amount(bare: str) -> bool:
    """A bare numeral (no currency unit) shaped like an amount: 5万, 两千, 四万八, 2万零5百."""
    last = bare[-1]
    if last in _BIG_END:
        return True
    if len(bare) < 2:
        return False
    if last in _SHORT_DIGIT and bare[-2] in _SHORT_UNIT:
        return True  # 5万3, 四万八, 三千五 (not 5万35, 一千零一)
    if last in "百佰":
        return any(c in _SHORT_UNIT for c in bare[:-1])  # 2万零5百, 三千五百
    if any(c in _SHORT_UNIT for c in bare[:-1]) and (last in "十拾" or (last in _SHORT_DIGIT and bare[-2] in "十拾")):
        return True  # spelled out in full: 八千九百九十九, 一千二百五十
    return False


def _unit_value(core: str, unit: str, value: float, has_range: bool) -> float | None:
    """Apply k / w (and the one shorthand digit after it: 5w3 = 53000)."""
    scale = 1000 if unit[0] in "kK" else 10_000
    if len(unit) == 1:
        return value * scale
    if has_range or not core.isdigit():
        return None  # 1.5w3, 3-5w3: not a way to write an amount
    return value * scale + int(unit[1]) * scale // 10


_SENTENCE_END = re.compile(r"[。！？；;!?\n]")


def _money_context(text: str, start: int, end: int) -> bool:
    before, after = _clause_before(text, start), _clause_after(text, end)
    if _CTX_BEFORE.search(before) or _CTX_AFTER.search(after):
        return True
    if not before.strip() and not after.strip():
        # the number is a clause of its own, the worth of what the clause before tells of
        # (遭偷了两台笔记本电脑，一万二，三月份就报了警)
        return _CTX_BEFORE.search(_clause_before(text, start, 24, _SENTENCE_END)) is not None
    return False


def _core_value(m: re.Match[str]) -> tuple[float, bool] | None:
    """Value of the core (lower bound of a range) and its approx flag."""
    got = parse_number(m.group("core"))
    if got is None:
        return None
    value, approx = got
    lo = m.group("lo")
    if lo is not None:
        low = parse_number(lo)
        if low is None:
            return None
        low_value = low.value
        core = m.group("core").rstrip("多余来")
        if lo[-1] not in _BIG_END and core and core[-1] in _BIG_END:
            unit = 10_000 if core[-1] in "万萬" else 100_000_000 if core[-1] in "亿億" else 1000
            if low_value * unit <= value:
                low_value *= unit  # 20-30万 -> 200000
        if not 0 < low_value <= value:
            return None
        value, approx = low_value, True
    return value, approx


def _judge(text: str, m: re.Match[str]) -> MoneyMatch | None:
    core = m.group("core")
    unit = m.group("unit")
    start = m.start()
    got = _core_value(m)
    if got is None:
        return None
    value, approx = got
    end = m.end() if unit else m.end("core")
    after = text[end : end + 1]
    core_is_cn = not core[0].isdigit()
    before = text[start - 1 : start] if start else ""
    if core[0] == "上" and before and before in "以之向马":
        return None  # 以上十万元, 马上

    if unit in ("块", "块钱"):
        if unit == "块":
            if core_is_cn and (before in _KUAI_BAD_BEFORE or value == 1):
                return None  # 这一块, 在一块 (together), 一块 (one piece)
            if after in _KUAI_BAD_AFTER:
                return None  # 三块地, 两块玻璃 (pieces, even after 买)
            if after and _is_cjk(after) and after not in _KUAI_OK_AFTER:
                if not _money_context(text, start, end):
                    return None  # 7块纱布, 三块地
            elif core_is_cn and not _money_context(text, start, end):
                return None  # 抹布两块
    elif unit in ("元", "圆"):
        if unit == "元" and after in _YUAN_BAD_AFTER:
            return None
        if unit == "圆" and after and _is_cjk(after) and after not in "整钱":
            return None
    elif unit and unit[0] in "kKwW":
        if core_is_cn or not _money_context(text, start, end):
            return None
        scaled = _unit_value(core, unit, value, m.group("lo") is not None)
        if scaled is None:
            return None
        value = scaled
    elif unit is None and not _CURRENCY_BEFORE.search(text, max(0, start - 5), start):
        # No currency word at all: 5万 / 两千多 / 四万八 count only with money context.
        bare = core.rstrip("多余来")
        if not bare or not _ends_like_amount(bare):
            return None
        if core[0] in "千仟万萬亿億" or not any(c not in "十百千万亿拾佰仟萬億" for c in core):
            if core[0] not in "百上":
                return None  # 千万不能, 万一
        if _MEASURE_AFTER.match(text, end) or not _money_context(text, start, end):
            return None
    if value <= 0:
        return None

    # Extend over 整 / 左右 and over the currency / approximation words before the number.
    if text.startswith("整", end):
        end += 1
    tail = _APPROX_AFTER.match(text, end)
    if tail and not (tail.group() == "多" and unit is None):  # a bare trailing 多 is in the core
        end = tail.end()
        approx = True
    start, pre_approx = _extend_start(text, start)
    return MoneyMatch(start, end, float(value), approx or pre_approx)


def _extend_start(text: str, start: int) -> tuple[int, bool]:
    approx = False
    for _ in range(2):
        window_start = max(0, start - 5)
        cur = _CURRENCY_BEFORE.search(text, window_start, start)
        if cur:
            start = cur.start()
            continue
        apx = _APPROX_BEFORE.search(text, window_start, start)
        if apx:
            word = apx.group().strip()
            prev = text[apx.start() - 1 : apx.start()] if apx.start() else ""
            if word == "近" and prev in _NOT_APPROX_NEAR:
                break
            if word == "约" and prev in _NOT_APPROX_YUE:
                break
            start = apx.start()
            approx = True
            continue
        break
    return start, approx


_MAX_RUN = 32


def find_money(text: str) -> list[MoneyMatch]:
    """Amounts of money in ``text`` with offsets into it (see the module docstring)."""
    if not text or not isinstance(text, str):
        return []
    out: list[MoneyMatch] = []
    pos = 0
    n = len(text)
    search = _MONEY_RE.search
    while pos < n:
        m = search(text, pos)
        if m is None:
            break
        if m.end() - m.start() > _MAX_RUN:  # a numeral run no amount is written with: skip it whole
            pos = m.end()
            continue
        got = _judge(text, m)
        if got is None:
            pos = m.start() + 1
            continue
        if out and got.start < out[-1].end:  # an extended prefix may not overlap the last one
            got = got._replace(start=out[-1].end)
        out.append(got)
        pos = max(got.end, m.start() + 1)
    return out


_CELL_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_CELL_TABLE.update({0xFFE5: ord("¥"), 0x3000: 0x20})


@lru_cache(maxsize=4096)
def _parse_money_str(s: str) -> MoneyValue | None:
    s = s.translate(_CELL_TABLE).strip()
    if not s:
        return None
    m = _CELL_RE.fullmatch(s)
    if m is None:
        return None
    got = _core_value(m)
    if got is None:
        return None
    value, approx = got
    unit = m.group("unit") or ""
    if unit and unit[0] in "kKwW":
        scaled = _unit_value(m.group("core"), unit, value, m.group("lo") is not None)
        if scaled is None:
            return None
        value = scaled
    elif unit == "万元":
        value *= 10_000
    head = s[: m.start("core") if m.group("lo") is None else m.start("lo")]
    tail = s[m.end("unit") if m.group("unit") else m.end("core") :]
    if any(w in head for w in ("约", "近", "逾", "超过", "大概")) or any(
        w in tail for w in ("左右", "上下", "多", "出头")
    ):
        approx = True
    return MoneyValue(float(value), approx)


def parse_money(s: object) -> MoneyValue | None:
    """One money value (yuan) from a cell or a mention; ``None`` when it is not one."""
    if s is None or isinstance(s, bool):
        return None
    if isinstance(s, int | float):
        if s != s:  # NaN
            return None
        return MoneyValue(float(s), False)
    if not isinstance(s, str):
        s = str(s)
    if len(s) > 64:
        return None
    return _parse_money_str(s)
