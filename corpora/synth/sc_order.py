"""Public-order matters: 开设赌场 / 赌博, 贩卖毒品 / 吸毒, 危险驾驶 (醉驾) / 饮酒驾驶."""

from __future__ import annotations

import random

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.ids import make_plate
from corpora.synth.legal import BAC_CRIMINAL, BAC_DRINK, MARGIN
from corpora.synth.places import shop


def _build_gambling(rng: random.Random, inc: Incident) -> None:
    inc.slots["venue"] = pick(rng, (shop(rng), "一楼的车库", "村里的祠堂旁边一间平房", "出租屋", "小区里的一个“老年活动室”"))
    if inc.level == "crime":
        inc.slots["game"] = pick(rng, ("推牌九", "炸金花", "百家乐", "摇骰子", "老虎机"))
        inc.slots["cut"] = pick(rng, ("每一局都要抽头", "按桌收台费，一桌一天抽好几百", "还有人专门放高利贷给输了的人",
                                       "有人在门口望风，晚上通宵营业", "在微信群里开盘，抽水5%"))
        inc.facts["for_profit"] = True
        inc.notes.append("开设赌场: a venue run for profit, no amount needed")
    else:
        inc.slots["game"] = pick(rng, ("打麻将", "打牌", "斗地主"))
        inc.slots["cut"] = pick(rng, ("一把输赢几十块", "打得不大，但是天天吵到半夜", "几个邻居凑一桌赌钱"))


GAMBLING = Scenario(
    key="gambling", offence="开设赌场", admin_cause="赌博",
    police=("开设赌场", "开设赌场案"), police_admin=("赌博", "参与赌博"),
    build=_build_gambling,
    narr={
        "crime": (
            "{I}住在{where}，楼下{venue}被{sus}开成了赌场，天天{game}，{cut}。进进出出的都是社会上的人，半夜还吵架打架。报过好几次警，警察来了就散，走了又开。",
            "举报{sus}{phone}在{where}的{venue}聚众赌博、开设赌场，玩的是{game}，{cut}。附近好几个家庭输得倾家荡产，请有关部门一查到底！",
            "我们{where}的{venue}常年有人开赌场，老板是{sus}，{game}，{cut}。我一个邻居输了十几万，老婆都跟他离婚了。",
        ),
        "admin": (
            "{where}的{venue}里经常有人{game}赌钱，{cut}。想请派出所管一管。",
            "{I}住在{where}，隔壁几个人天天在{venue}{game}，{cut}，小孩子都没法睡觉。",
        ),
    },
    terse={
        "crime": ("{rep}称{where}{venue}有人聚众赌博，{game}，{cut}，组织者{sus}。", "{rep}举报{sus}在{venue}开设赌场，{cut}。"),
        "admin": ("{rep}称{where}{venue}有人{game}赌博，{cut}。",),
    },
    acts={
        "crime": ("{s}在{loc}{venue}设置赌局，组织他人以{game}方式赌博并从中抽头渔利",),
        "admin": ("违法行为人{s}等人在{loc}{venue}以{game}方式进行赌博",),
    },
    titles=("举报赌博窝点", "{estate}楼下有人开赌场", "麻将馆聚众赌博扰民"),
    anon=("一个开店的老板", "几个外地人"), susp_known=0.7, susp_title="老板", victimless=True, group=True, weight=0.8,
)


def _build_drugs(rng: random.Random, inc: Incident) -> None:
    inc.slots["drug"] = pick(rng, ("冰毒", "K粉", "麻古", "海洛因", "“上头电子烟”"))
    if inc.level == "crime":
        inc.slots["deal"] = pick(rng, ("经常有人来找他拿货，一小包卖两三百块", "在微信上卖，约在楼下交易", "用外卖的方式送货上门",
                                        "好几次看到他把一小包东西塞给别人然后收钱"))
        inc.facts["sale"] = True
        inc.notes.append("贩卖毒品: criminal whatever the quantity")
    else:
        inc.slots["deal"] = pick(rng, ("家里经常有一股怪味，门口丢着锡纸和吸管", "他自己在家吸，神志不清的时候大吵大闹",
                                        "楼道里捡到过他丢的吸食工具"))


DRUGS = Scenario(
    key="drugs", offence="走私、贩卖、运输、制造毒品", admin_cause="吸毒",
    police=("贩卖毒品", "贩卖毒品案", "走私、贩卖、运输、制造毒品"), police_admin=("吸毒", "吸食毒品"),
    build=_build_drugs,
    narr={
        "crime": (
            "{I}住在{where}，对门的{sus}在卖{drug}，{deal}。这个楼里有老人有小孩，太危险了，请禁毒部门尽快处理，我不敢留真名。",
            "实名举报{sus}{phone}贩毒：{he}长期在{where}一带卖{drug}，{deal}。{my}亲戚就是从{he}那里买的，现在人已经废了。",
            "{when}起{I}发现{where}出租屋里的{sus}贩卖{drug}，{deal}。希望警察能把这个毒瘤拔掉。",
        ),
        "admin": (
            "{where}的{sus}好像在吸毒，{deal}。邻居们都很害怕，请派出所核实一下。",
            "{I}怀疑楼上的{sus}吸{drug}，{deal}。",
        ),
    },
    terse={
        "crime": ("{rep}举报{where}有人贩卖{drug}，{deal}，嫌疑人{sus}。", "{rep}称{sus}{phone}在{where}出售{drug}，{deal}。"),
        "admin": ("{rep}称{where}{sus}疑似吸毒，{deal}。",),
    },
    acts={
        "crime": ("{s}在{loc}贩卖毒品{drug}", "{s}多次在{loc}向他人出售毒品{drug}"),
        "admin": ("违法行为人{s}在{loc}吸食毒品{drug}",),
    },
    titles=("举报贩毒", "小区有人卖毒品", "怀疑邻居吸毒"),
    anon=("租房的一个男的", "一个外地人"), susp_known=0.6, victimless=True, group=True, weight=0.6,
)


def _build_drunk(rng: random.Random, inc: Incident) -> None:
    text, canon = make_plate(rng)
    inc.facts["plate"] = canon
    inc.slots["plate"] = text
    if inc.level == "crime":
        bac = rng.randrange(int(BAC_CRIMINAL * (1 + MARGIN)) + 2, 260)
    else:
        bac = rng.randrange(BAC_DRINK + 5, int(BAC_CRIMINAL * (1 - MARGIN)) - 2)
    inc.facts["bac"] = bac
    inc.slots["bac"] = pick(rng, (f"{bac}mg/100ml", f"{bac}毫克/100毫升", f"每百毫升{bac}毫克", f"{bac}mg/100mL"))
    inc.slots["crash"] = pick(rng, ("撞上了{my}停在路边的车", "把{my}的电动车撞倒了，{me}的腿擦伤了", "追尾了{my}的车",
                                     "撞坏了{my}店门口的招牌", "逆行撞上了{my}的车"))
    inc.slots["drinks"] = pick(rng, ("喝了一斤白酒", "喝了七八瓶啤酒", "刚从酒桌上下来", "满身酒气"))
    inc.notes.append(f"blood alcohol {bac} mg/100ml")


DRUNK = Scenario(
    key="drunk_driving", offence="危险驾驶", admin_cause="饮酒驾驶",
    police=("危险驾驶", "危险驾驶案", "醉酒驾驶"), police_admin=("饮酒驾驶", "饮酒后驾驶机动车"),
    build=_build_drunk,
    narr={
        "crime": (
            "{when}{sus}{drinks}开着车牌为{plate}的车，在{where}{crash}。交警来测了，血液酒精含量是{bac}，这明显是醉驾。",
            "{when}{I}在{where}，一辆{plate}的车{crash}。司机{sus}{drinks}，抽血结果{bac}。{he}家里说找了人，要把事情压下来。",
            "反映醉驾问题：{when}晚上，{sus}{drinks}还开车，在{where}{crash}。当场被交警查获，血液酒精检测{bac}。",
        ),
        "admin": (
            "{when}{sus}开着{plate}在{where}{crash}，{he}喝了酒，测出来酒精含量{bac}。希望交警依法处理并让{he}赔偿。",
        ),
    },
    terse={
        "crime": ("{rep}称车牌{plate}的车辆在{where}{crash}，驾驶人{sus}{drinks}，经检测血液酒精含量{bac}。",
                  "{rep}报警称一辆{plate}的车{crash}，司机{drinks}，后测得酒精含量{bac}。"),
        "admin": ("{rep}称{plate}车辆{crash}，驾驶人饮酒，酒精含量{bac}。",),
    },
    acts={
        "crime": ("{s}醉酒驾驶{plate}小型轿车行驶至{loc}时发生交通事故，经检测其血液中乙醇含量为{bac}",),
        "admin": ("{s}饮酒后驾驶{plate}机动车行驶至{loc}，经检测血液中乙醇含量为{bac}",),
    },
    titles=("醉驾撞车", "酒驾肇事请严肃处理"),
    anon=("一个司机",), susp_known=0.6, where="street", weight=0.6,
)

SCENARIOS = (GAMBLING, DRUGS, DRUNK)
