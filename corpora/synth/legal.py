"""The legal rules the gold labels follow, encoded independently of clue_miner.

National defaults are the LOWER bound of each range in LEGAL_NOTES.md. Generated amounts keep
clear of a ±10% band around each threshold so that every gold label is unambiguous.
"""

from __future__ import annotations

import math
import random

# offence -> (threshold in yuan, source)
THRESHOLDS: dict[str, tuple[int, str]] = {
    "盗窃": (1000, "两高2013盗窃解释 第1条 (1000–3000, 取下限)"),
    "抢夺": (1000, "两高2013抢夺解释 第1条 (1000–3000, 取下限)"),
    "诈骗": (3000, "两高2011诈骗解释 第1条 (3000–10000, 取下限); 2016电信网络诈骗意见"),
    "合同诈骗": (20000, "立案追诉标准(二) 第77条"),
    "敲诈勒索": (2000, "两高2013敲诈勒索解释 第1条 (2000–5000, 取下限)"),
    "职务侵占": (30000, "立案追诉标准(二) 2022 第76条"),
    "故意毁坏财物": (5000, "立案追诉标准(一) 第33条"),
    "寻衅滋事": (1000, "两高2013寻衅滋事解释 第4条 强拿硬要 (1000–3000, 取下限)"),
    "非法吸收公众存款": (1000000, "两高2022非法集资解释 第3条; 或150人以上"),
    "拒不支付劳动报酬": (5000, "两高2013解释 第3条: 一人三个月以上且5000元以上; 十人以上且30000元以上"),
}
BAC_CRIMINAL = 80          # mg/100ml, 醉驾
BAC_DRINK = 20             # mg/100ml, 饮酒驾驶
DETENTION_HOURS = 24       # 非法拘禁
DEPOSITORS = 150           # 非法吸收公众存款
STALL_DAYS = 365
MARGIN = 0.10

# 告诉才处理: the police do not file; a refusal or withdrawal is no clue.
PRIVATE_PROSECUTION = frozenset({"侮辱", "诽谤", "虐待", "暴力干涉婚姻自由", "侵占"})

CRIMINAL_INJURIES = ("轻伤二级", "轻伤二级", "轻伤二级", "轻伤一级", "重伤二级")
MINOR_INJURY = "轻微伤"


def band(offence: str | None) -> tuple[float, float] | None:
    """The interval around the threshold that amounts (and approximate wordings) must avoid."""
    if offence not in THRESHOLDS:
        return None
    t = THRESHOLDS[offence][0]
    return t * (1 - MARGIN), t * (1 + MARGIN)


def nice(rng: random.Random, x: float) -> int:
    """Round to 1–3 significant digits the way people quote sums (28600, 5000, 3680)."""
    if x < 10:
        return max(1, int(round(x)))
    digits = rng.choice((1, 2, 2, 2, 3, 3, 3, 4))
    mag = 10 ** max(0, int(math.floor(math.log10(x))) - digits + 1)
    return max(mag, int(round(x / mag)) * mag)


def crime_amount(rng: random.Random, offence: str, hi_factor: float = 60.0, lo: float | None = None) -> int:
    """An amount that clearly reaches the threshold (log-uniform above it)."""
    t = THRESHOLDS[offence][0]
    low = max(t * 1.15, lo or 0)
    high = max(low * 1.5, t * hi_factor)
    while True:
        v = nice(rng, math.exp(rng.uniform(math.log(low), math.log(high))))
        if v >= t * (1 + MARGIN):
            return v


def admin_amount(rng: random.Random, offence: str, lo: float = 50) -> int:
    """An amount clearly below the threshold."""
    t = THRESHOLDS[offence][0]
    high = t * 0.85
    while True:
        v = nice(rng, math.exp(rng.uniform(math.log(min(lo, high / 2)), math.log(high))))
        if v <= t * (1 - MARGIN):
            return v


def reaches(offence: str, amount: float) -> bool:
    return amount >= THRESHOLDS[offence][0]


def admin_penalty(rng: random.Random, cause: str) -> str:
    """A plausible 治安管理处罚 for an administrative cause."""
    if cause == "吸毒":
        return rng.choice(("行政拘留15日", "行政拘留10日", "行政拘留12日"))
    if cause == "饮酒驾驶":
        return rng.choice(("罚款1000元，暂扣机动车驾驶证6个月", "罚款1500元，暂扣机动车驾驶证6个月",
                           "罚款2000元，吊销机动车驾驶证"))
    if cause == "赌博":
        return rng.choice(("罚款500元", "罚款1000元", "行政拘留5日并处罚款500元", "罚款3000元", "行政拘留10日"))
    return rng.choice(("罚款500元", "罚款200元", "行政拘留5日", "行政拘留10日", "行政拘留7日并处罚款500元",
                       "警告", "罚款1000元", "行政拘留15日", "行政拘留3日"))
