"""Chinese numerals and the ways complaints write money (五万块, 贰万捌仟陆佰元, 两千多, 1.5万)."""

from __future__ import annotations

import random

_DIGITS = "零一二三四五六七八九"
_FORMAL = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "十", "百", "千")
_FORMAL_UNITS = ("", "拾", "佰", "仟")


def _four(n: int, formal: bool, liang: bool) -> str:
    digits = _FORMAL if formal else _DIGITS
    units = _FORMAL_UNITS if formal else _UNITS
    out: list[str] = []
    pending_zero = False
    for pos in (3, 2, 1, 0):
        d = n // 10**pos % 10
        if d == 0:
            if out:
                pending_zero = True
            continue
        if pending_zero:
            out.append(digits[0])
            pending_zero = False
        if d == 2 and liang and not formal and pos >= 2:
            out.append("两")
        else:
            out.append(digits[d])
        out.append(units[pos])
    return "".join(out)


def cn_int(n: int, formal: bool = False, liang: bool = True) -> str:
    """Integer (0 <= n < 10**12) in Chinese numerals; colloquial 两 for 2 in front of 百/千/万."""
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    big = ("", "万", "亿")
    out = ""
    need_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(out)
            continue
        part = _four(g, formal, liang)
        if g == 2 and i > 0 and liang and not formal:
            part = "两"
        if out and (need_zero or g < 1000):
            out += "零"
        need_zero = False
        out += part + big[i]
    if not formal and out.startswith("一十"):
        out = out[1:]
    return out


def cn_count(n: int) -> str:
    """Small counts as spoken: 两个, 三次 (the caller adds the measure word)."""
    return "两" if n == 2 else cn_int(n, liang=False)


def _sig(v: int) -> int:
    s = str(v).rstrip("0")
    return len(s)


def money_text(rng: random.Random, v: int, band: tuple[float, float] | None = None) -> tuple[str, bool]:
    """(text, approximate?) for an amount in yuan.

    ``band`` is the interval around a legal threshold that an approximate form must not straddle
    ("两千多" may mean 2,000–2,999): approximate forms are only used when their whole range lies on
    one side of it.
    """
    forms: list[tuple[str, bool]] = []
    yuan = rng.choice(("元", "元", "块", "块钱", "元钱"))
    forms.append((f"{v}{yuan}", False))
    forms.append((f"{v}元", False))
    if v >= 1000:
        forms.append((f"{v:,}元", False))
        forms.append((f"人民币{v}元", False))
    if _sig(v) <= 3 and v >= 10:
        forms.append((cn_int(v) + rng.choice(("元", "块", "块钱")), False))
    if v >= 100 and rng.random() < 0.5:
        form = cn_int(v, formal=True) + "元"
        if rng.random() < 0.3:
            form = form.replace("佰", "百")
        forms.append((form + ("整" if rng.random() < 0.3 else ""), False))
    if v >= 10000 and v % 100 == 0:
        w = f"{v / 10000:g}"
        forms.append((w + rng.choice(("万", "万元", "万块", "万块钱")), False))
        forms.append((w + "万", False))
        if v % 10000 == 0 and v < 10**7:
            forms.append((cn_int(v // 10000) + "万" + rng.choice(("块", "元", "块钱", "")), False))
    if 1000 <= v < 10000 and v % 1000 == 0:
        forms.append((f"{v // 1000}千" + rng.choice(("元", "块", "块钱")), False))
    lead = int(str(v)[0])
    unit = 10 ** (len(str(v)) - 1)
    if v >= 100 and v % unit != 0:
        lo, hi = lead * unit, (lead + 1) * unit
        if band is None or hi <= band[0] or lo >= band[1]:
            if lo >= 100000:
                head = f"{lo // 10000}多万" if rng.random() < 0.6 else cn_int(lo // 10000) + "多万"
            elif lo >= 10000:
                head = cn_int(lo // 10000) + "万多"
            else:
                head = cn_int(lo) + "多"
            forms.append((head + rng.choice(("", "元", "块", "块钱")), True))
    return forms[rng.randrange(len(forms))]


_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_DIGIT_FW = str.maketrans({str(d): chr(ord("０") + d) for d in range(10)})


def fullwidth_digits(text: str) -> str:
    return text.translate(_DIGIT_FW)


def fullwidth_ascii(text: str) -> str:
    return text.translate(_FULLWIDTH)


# A small simplified -> traditional table (hand-written; enough to make a text look traditional).
_S2T_PAIRS = (
    "们們 说說 钱錢 骗騙 报報 区區 门門 车車 电電 话話 这這 个個 时時 后後 来來 为為 对對 没沒 还還 "
    "给給 转轉 账賬 银銀 万萬 块塊 盗盜 窃竊 县縣 领領 导導 请請 帮幫 问問 题題 经經 过過 现現 发發 "
    "东東 买買 卖賣 动動 让讓 处處 里裡 几幾 号號 级級 伤傷 鉴鑒 证證 与與 头頭 无無 见見 关關 样樣 "
    "应應 该該 从從 将將 会會 实實 长長 开開 间間 联聯 员員 众眾 侦偵 办辦 达達 场場 岁歲 医醫 诉訴 "
    "认認 识識 记記 设設 资資 贷貸 费費 货貨 购購 网網 络絡 处處 们們 尽盡 难難 冲衝 复復 纪紀 权權 "
    "边邊 进進 远遠 运運 连連 选選 递遞 邻鄰 厅廳 楼樓 栋棟 单單 庄莊 乡鄉 镇鎮 园園 苑苑 华華 丽麗 "
    "红紅 绿綠 马馬 鸡雞 鱼魚 鸟鳥 龙龍 风風 云雲 乐樂 爱愛 亲親 妈媽 儿兒 孙孫 岁歲 职職 业業 务務 "
    "产產 农農 宁寧 护護 损損 坏壞 讲講 谁誰 让讓 计計 认認 调調 查查 审審 判判 罚罰 拘拘 侵侵 占佔 "
    "诈詐 欺欺 威威 胁脅 吓嚇 杀殺 抢搶 夺奪 赌賭 毒毒 药藥 拨撥 扰擾 脑腦 织織 传傳 销銷 吸吸 存存 "
    "款款 报報 案案 贴貼 补補 扣扣 态態 领領 团團 层層 级級 线線 缴繳 纳納 请請 谢謝 对對 骂罵 伙夥"
)
_S2T = {pair[0]: pair[1] for pair in _S2T_PAIRS.split() if len(pair) == 2 and pair[0] != pair[1]}
_S2T_TABLE = str.maketrans(_S2T)


def to_traditional(text: str) -> str:
    return text.translate(_S2T_TABLE)
