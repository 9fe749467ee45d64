"""Civil disputes: loans between friends, deposits, renovation, refunds, partnerships. Some are
reported to the police as "fraud" and refused, rightly (the refused case with no clue)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.legal import nice
from corpora.synth.numerals import cn_count
from corpora.synth.places import firm, shop


def _builder(lo: int, hi: int) -> Callable[[random.Random, Incident], None]:
    def build(rng: random.Random, inc: Incident) -> None:
        inc.amount = nice(rng, math.exp(rng.uniform(math.log(lo), math.log(hi))))
        _slots(rng, inc)
    return build


def _slots(rng: random.Random, inc: Incident) -> None:
    inc.slots["firm"] = firm(rng, inc.place)
    inc.slots["shop"] = shop(rng)
    inc.slots["months"] = cn_count(rng.randrange(2, 18))
    inc.slots["rel"] = pick(rng, ("老同学", "同事", "朋友", "老乡", "表哥", "以前的邻居"))
    inc.slots["use"] = pick(rng, ("做生意周转", "给孩子交学费", "买车", "还信用卡", "家里老人看病"))


def _civil(key: str, narr: tuple[str, ...], terse: tuple[str, ...], titles: tuple[str, ...], police: tuple[str, ...],
           amounts: tuple[int, int], weight: float = 1.0, title: str | None = None) -> Scenario:
    return Scenario(key=key, offence="", admin_cause=None, police=police, police_admin=(), build=_builder(*amounts),
                    narr={"civil": narr}, terse={"civil": terse},
                    acts={"civil": ("{v}报称{s}借（收）其{amt}后未归还，经查系民事纠纷",
                                    "{v}报称与{s}之间存在经济往来，{s}拖欠其{amt}未还")},
                    titles=titles, susp_known=1.0, weight=weight, susp_title=title)


TOPICS = (
    _civil("loan_friend", (
        "{when}{I}的{rel}{sus}说要{use}，找{me}借了{amt}，打了借条，说好三个月还。现在过去{months}个月了，一直拖着不还，电话也不太接。{me}去派出所报案说他诈骗，派出所说这是民间借贷纠纷，让去法院起诉。",
        "{sus}{phone}欠{I}{amt}，是{when}借的，当时说{use}。{he}有房有车，就是不还钱，{me}想问问这种情况能不能立案。",
        "借钱不还怎么办？{I}{when}借给{rel}{sus}{amt}，现在{he}说没钱，还把微信拉黑了。",
    ), ("{rep}称其{rel}{sus}借款{amt}逾期未还，要求处理。",), ("朋友借钱不还", "借钱不还能不能报警"), ("诈骗", "诈骗案"), (3000, 200000), weight=1.5),
    _civil("deposit_landlord", (
        "{I}在{where}租房，合同到期退房，房东{sus}以墙面有污渍为由扣了全部押金{amt}，{me}觉得不合理。",
        "房东{sus}不退押金{amt}，{when}退的房，房子{me}都打扫干净了，{he}一直拖着。",
    ), ("{rep}称房东{sus}拒不退还押金{amt}。",), ("房东不退押金",), ("诈骗",), (800, 8000)),
    _civil("renovation", (
        "{when}{I}找{firm}装修房子，合同价{amt}，现在墙面开裂、地板起鼓，找他们返修一直推，负责人{sus}说已经过了保修期。",
        "装修公司{firm}偷工减料，{I}已经付了{amt}，验收时发现水电都没按图纸做，要求退款对方不理。",
    ), ("{rep}称{firm}装修质量问题拒不返修，合同金额{amt}。",), ("装修质量纠纷", "装修公司偷工减料"), ("合同诈骗",), (20000, 300000), title="经理"),
    _civil("refund", (
        "{I}在{shop}办了一张卡充了{amt}，现在店要转让了，老板{sus}说卡可以转给新老板继续用，但是新老板不认。",
        "{when}给孩子报了{firm}的培训班，交了{amt}，上了几节课觉得不合适，机构拒绝退费，说合同上写了不退。",
    ), ("{rep}称{shop}拒绝退还预付卡余额{amt}。",), ("预付卡退款难", "培训机构拒不退费"), ("诈骗",), (800, 30000), title="老板"),
    _civil("partnership", (
        "{I}和{sus}合伙开了一家{shop}，{I}出资{amt}，{he}负责经营。{months}个月了从来不给看账，说一直亏钱。{me}报警说他侵占，派出所说是合伙纠纷。",
        "{when}{I}和{rel}{sus}合伙做生意，投了{amt}，现在生意黄了，{he}说钱都亏了，账目也说不清楚。",
    ), ("{rep}称与{sus}合伙经营，其出资{amt}，对方不予对账。",), ("合伙生意纠纷",), ("职务侵占", "诈骗"), (30000, 500000)),
    _civil("used_car", (
        "{when}{I}在{firm}买了一辆二手车，花了{amt}，说是无事故车，结果开了一个月发现是泡水车，商家不给退。",
    ), ("{rep}称其在{firm}购买二手车{amt}，系泡水车，商家拒绝退车。",), ("二手车商隐瞒车况",), ("合同诈骗", "诈骗"), (25000, 250000), weight=0.6),
    _civil("house_deposit", (
        "{I}{when}看中了{where}的一套房子，交了定金{amt}给中介{sus}，后来因为贷款批不下来买不了，中介和房东都不退定金。",
    ), ("{rep}称购房定金{amt}被中介拒退。",), ("购房定金不退",), ("诈骗",), (10000, 100000), title="经理", weight=0.6),
)
