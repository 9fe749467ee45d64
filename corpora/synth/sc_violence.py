"""Violence and intimidation: 故意伤害 / 殴打他人, 寻衅滋事, 非法拘禁, 敲诈勒索, 故意毁坏财物."""

from __future__ import annotations

import random

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.legal import CRIMINAL_INJURIES, MINOR_INJURY, admin_amount, crime_amount
from corpora.synth.numerals import cn_count, cn_int
from corpora.synth.places import shop

_HURT_SERIOUS = {
    "轻伤二级": ("鼻骨骨折", "两根肋骨骨折", "头上缝了八针，颅骨有裂缝", "眼眶骨折", "门牙被打掉两颗"),
    "轻伤一级": ("手臂骨折打了钢板", "五根肋骨骨折", "耳膜穿孔加上颌骨骨折"),
    "重伤二级": ("脾脏破裂做了切除手术", "颅内出血做了开颅手术", "一只眼睛几乎失明"),
}
_HURT_MINOR = ("脸上青了一大块", "嘴角打破了", "手臂上被抓了几道血印子", "头上起了个包", "鼻子出血，软组织挫伤")
_CAUSES = ("停车位", "装修噪音", "一点口角", "宅基地边界", "孩子打架", "排队插队", "楼上漏水", "工钱结算", "打牌输赢")


def _build_assault(rng: random.Random, inc: Incident) -> None:
    if inc.level == "crime":
        inc.injury = pick(rng, CRIMINAL_INJURIES)
        inc.slots["hurt"] = pick(rng, _HURT_SERIOUS[inc.injury])
    else:
        inc.injury = MINOR_INJURY
        inc.slots["hurt"] = pick(rng, _HURT_MINOR)
    inc.slots["cause"] = pick(rng, _CAUSES)
    inc.slots["tool"] = pick(rng, ("拳头", "板凳", "啤酒瓶", "拖把棍", "一根钢管", "砖头"))
    inc.slots["cost"] = f"{cn_int(rng.randrange(3, 60) * 1000)}多" if rng.random() < 0.5 else f"{rng.randrange(2, 40)}000多"


ASSAULT = Scenario(
    key="assault", offence="故意伤害", admin_cause="殴打他人",
    police=("故意伤害", "故意伤害案", "伤害案"), police_admin=("殴打他人", "殴打他人案", "殴打他人、故意伤害他人身体"),
    build=_build_assault,
    narr={
        "crime": (
            "{when}，{I}在{where}因为{cause}的事和{sus}吵了几句，{he}拿起{tool}就往{me}头上砸，{hurt}，{inj}。住院花了{cost}块钱，对方一分钱没出，到现在还在外面逍遥。",
            "我是受害人家属。{I}{when}在{where}被{sus}{phone}打伤，起因就是{cause}。{hurt}，{inj}。这么重的伤，打人的人凭什么不用坐牢？",
            "{I}{when}被邻居{sus}殴打，{hurt}，后来做了伤情鉴定，{inj}。{he}家里有人在单位上班，到处找关系，{me}很担心这件事被压下去。",
            "{when}晚上，{sus}喝了酒跑到{where}来闹事，为了{cause}的事用{tool}把{I}打得{hurt}，{inj}。我们一家老小都被吓坏了。",
        ),
        "admin": (
            "{when}{I}在{where}和{sus}因为{cause}发生争执，{he}动手打了{me}几下，{hurt}，{inj}。希望派出所秉公处理，让{he}赔医药费。",
            "{I}{when}被{sus}推搡殴打，{hurt}，去医院看了，{inj}。{he}到现在连个道歉都没有。",
            "{when}在{where}，{sus}因为{cause}骂了{I}还动了手，{hurt}，{inj}。",
        ),
    },
    terse={
        "crime": ("{rep}称其{when}在{where}因{cause}与{sus}发生纠纷，被对方用{tool}殴打致{hurt}，{inj}。",
                  "{rep}报警称被人殴打受伤，{hurt}，{inj}，嫌疑人{sus}。"),
        "admin": ("{rep}称其在{where}因{cause}与{sus}发生纠纷被打，{hurt}，{inj}。", "{rep}称被{sus}殴打，{hurt}。{inj}。"),
    },
    acts={
        "crime": ("{s}因{cause}与{v}发生纠纷，持{tool}殴打{v}，致其{hurt}，经鉴定{v}损伤程度为{injury}",
                  "{v}报称其在{loc}被{s}殴打致伤，经鉴定为{injury}"),
        "admin": ("{s}因{cause}与{v}发生纠纷并殴打{v}，致其{hurt}，经鉴定为{injury}", "违法行为人{s}在{loc}殴打{v}，致其{injury}"),
    },
    titles=("被人打伤请求严惩", "邻居打人无人管", "故意伤害案件迟迟不处理", "被打成{injury}"),
    anon=("一个光头男子", "对方"), susp_known=0.9, weight=1.8,
)


def _build_provoke(rng: random.Random, inc: Incident) -> None:
    inc.slots["shop"] = shop(rng)
    if inc.level == "crime":
        kind = rng.choice(("beat", "beat", "grab"))
        if kind == "beat":
            inc.injury = MINOR_INJURY
            hurt = rng.randrange(2, 4)
            inc.facts["injured"] = hurt
            inc.slots["what"] = pick(rng, (f"无缘无故冲过来打人，{cn_count(hurt)}个人都被打成轻微伤",
                                            f"借着酒劲随意殴打客人，打伤了{cn_count(hurt)}个人，鉴定都是轻微伤"))
            inc.notes.append(f"寻衅滋事: 随意殴打 causing {hurt} 轻微伤")
        else:
            times = rng.randrange(3, 7)
            inc.facts["times"] = times
            inc.amount = crime_amount(rng, "寻衅滋事", hi_factor=8)
            inc.slots["what"] = pick(rng, (f"先后{cn_count(times)}次来强拿硬要，拿走烟酒和现金，合计{{amt}}",
                                            f"隔三差五就来吃饭不给钱、拿东西，前后{cn_count(times)}次，算下来{{amt}}"))
            inc.notes.append(f"寻衅滋事: 强拿硬要 {times} times")
    else:
        inc.amount = admin_amount(rng, "寻衅滋事", lo=80)
        inc.slots["what"] = pick(rng, ("吃完饭不给钱，还拍桌子骂人，那顿饭{amt}", "拿了店里{amt}的烟不给钱，说“记账”"))


PROVOKE = Scenario(
    key="provoke", offence="寻衅滋事", admin_cause="寻衅滋事",
    police=("寻衅滋事", "寻衅滋事案"), police_admin=("寻衅滋事",),
    build=_build_provoke,
    narr={
        "crime": (
            "{I}在{where}开了一家{shop}，{when}{sus}带着几个人来店里，{what}。{he}在这一片横行霸道很多年了，大家都怕{he}。",
            "举报社会闲散人员{sus}{phone}在{where}一带寻衅滋事：{when}，{he}在{shop}{what}。请公安机关依法严惩，还我们一个安宁。",
            "我们{where}的商户被{sus}一伙人欺负得没法做生意了。{when}，{he}又到{shop}{what}。大家敢怒不敢言，怕被报复。",
        ),
        "admin": (
            "{when}{sus}在{I}开的{shop}{what}，请派出所处理一下。",
            "{I}是{where}做小生意的，{when}{sus}来店里{what}，{me}不敢得罪他。",
        ),
    },
    terse={
        "crime": ("{rep}称{sus}在{shop}{what}。", "{rep}称有人在其经营的{shop}寻衅滋事，{what}，为首的是{sus}。"),
        "admin": ("{rep}称{sus}在其经营的{shop}{what}。",),
    },
    acts={
        "crime": ("{s}在{loc}{shop}寻衅滋事，{what}",),
        "admin": ("违法行为人{s}在{loc}{shop}强拿硬要，价值{amt}",),
    },
    titles=("地痞在店里闹事", "举报{district}寻衅滋事人员", "社会混混欺行霸市"),
    anon=("几个社会青年", "一伙混混"), susp_known=0.8, susp_title="哥", weight=0.6,
)


def _build_detain(rng: random.Random, inc: Incident) -> None:
    inc.slots["debt"] = pick(rng, ("一笔生意上的欠款", "赌债", "工程款", "借了他们的钱没还上", "合伙的账没算清"))
    inc.slots["room"] = pick(rng, ("宾馆房间里", "一个出租屋里", "他们公司的办公室里", "一个废旧仓库里", "车上"))
    if inc.level == "crime":
        hours = rng.choice((30, 36, 48, 48, 60, 72, 96))
        inc.facts["hours"] = hours
        beaten = rng.random() < 0.4
        inc.facts["beaten"] = beaten
        inc.slots["span"] = pick(rng, (f"整整关了{cn_count(hours // 24)}天{cn_count(hours // 24)}夜", f"关了{hours}个小时",
                                        f"前后关了{cn_count(hours // 24)}天"))
        inc.slots["extra"] = "期间还打了{me}好几次耳光，拿烟头烫" if beaten else "手机也被收走，不让跟家里联系"
        inc.notes.append(f"非法拘禁: {hours} hours" + (" with beating" if beaten else ""))
    else:
        hours = rng.choice((2, 3, 4, 5, 6))
        inc.facts["hours"] = hours
        inc.facts["beaten"] = False
        inc.slots["span"] = pick(rng, (f"关了{cn_count(hours)}个多小时", f"扣了{hours}个小时左右"))
        inc.slots["extra"] = "没有动手，但一直不让走"


DETAIN = Scenario(
    key="detention", offence="非法拘禁", admin_cause="非法限制人身自由",
    police=("非法拘禁", "非法拘禁案"), police_admin=("非法限制人身自由", "非法限制他人人身自由"),
    build=_build_detain,
    narr={
        "crime": (
            "{when}，{sus}带着几个人以讨要{debt}为由，把{I}强行带到{room}，{span}，{extra}。后来是家里凑了钱才把{me}放出来。",
            "{I}因为{debt}的事，{when}被{sus}{phone}一伙人扣在{room}，{span}，{extra}。这是非法拘禁，请求公安机关追究他们的刑事责任。",
            "{when}{sus}打电话约{I}出来谈{debt}，见面后直接把{me}塞上车带到{room}，{span}，{extra}，逼{me}写欠条。",
        ),
        "admin": (
            "{when}{sus}为了{debt}把{I}堵在{room}，{span}，{extra}。后来{me}报了警才出来。",
        ),
    },
    terse={
        "crime": ("{rep}称其因{debt}被{sus}一伙人限制在{room}，{span}，{extra}。",),
        "admin": ("{rep}称其因{debt}被{sus}扣在{room}，{span}。", "{rep}报警称被人以讨债为由限制离开，{span}，现已脱身。"),
    },
    acts={
        "crime": ("{s}等人为索要{debt}，将{v}控制在{room}{span}",),
        "admin": ("违法行为人{s}为索要{debt}，将{v}限制在{room}{span}",),
    },
    titles=("讨债公司非法拘禁", "被人关起来要债", "非法拘禁请求立案"),
    anon=("讨债公司的人", "放贷的老板"), susp_known=0.85, susp_title="老板", weight=0.5,
)


def _build_extort(rng: random.Random, inc: Incident) -> None:
    if inc.level == "crime":
        if rng.random() < 0.25:
            times = rng.randrange(3, 6)
            inc.facts["times"] = times
            inc.amount = admin_amount(rng, "敲诈勒索", lo=300)
            inc.slots["times"] = f"前后{cn_count(times)}次"
            inc.notes.append(f"敲诈勒索: {times} times within two years")
        else:
            inc.amount = crime_amount(rng, "敲诈勒索", hi_factor=40)
            inc.slots["times"] = pick(rng, ("", "分两次", "陆续"))
    else:
        inc.amount = admin_amount(rng, "敲诈勒索", lo=200)
        inc.slots["times"] = ""
    inc.slots["threat"] = pick(rng, ("把聊天视频发给{my}通讯录里的所有人", "把{my}的照片发到网上", "到{my}单位去闹，让{me}丢工作",
                                      "向{my}家里人曝光{my}的事", "举报{my}的店无证经营"))


EXTORT = Scenario(
    key="extortion", offence="敲诈勒索", admin_cause="敲诈勒索",
    police=("敲诈勒索", "敲诈勒索案"), police_admin=("敲诈勒索",),
    build=_build_extort,
    narr={
        "crime": (
            "{when}{I}在网上被人引诱裸聊，对方录了视频，威胁要{threat}，逼{me}转钱。{me}{times}给了{amt}，{he}还在要{phone}。",
            "{sus}抓住{my}一点把柄，威胁说不给钱就{threat}。{when}开始，{I}{times}被{he}勒索了{amt}。实在受不了了，请公安机关管一管。",
            "{I}{when}被{sus}敲诈，{he}扬言要{threat}，{me}害怕只能{times}给了{amt}。",
        ),
        "admin": (
            "{when}{sus}威胁{I}说要{threat}，让{me}拿{amt}出来，{me}给了，心里很憋屈。",
        ),
    },
    terse={
        "crime": ("{rep}称被{sus}以{threat}相威胁，{times}被勒索{amt}。", "{rep}报称遭裸聊敲诈，对方威胁{threat}，其已转账{amt}{phone}。"),
        "admin": ("{rep}称{sus}以{threat}相要挟，索要其{amt}。",),
    },
    acts={
        "crime": ("{s}以{threat}相威胁，{times}向{v}索取人民币{amt}",),
        "admin": ("违法行为人{s}以{threat}相要挟，向{v}索取{amt}",),
    },
    titles=("被人敲诈勒索", "裸聊被敲诈怎么办", "遭威胁勒索"),
    anon=("一个网友", "对方"), susp_known=0.5, weight=0.6,
)


def _build_damage(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "故意毁坏财物", hi_factor=8) if inc.level == "crime" else admin_amount(rng, "故意毁坏财物", lo=200)
    thing, how = _DAMAGE[rng.randrange(len(_DAMAGE))]
    inc.slots["thing"], inc.slots["how"] = thing, how
    inc.slots["cause"] = pick(rng, _CAUSES)


_DAMAGE = (("停在楼下的车", "划了好几道，四个轮胎也扎破了"), ("店里的玻璃门和货架", "砸得稀烂"), ("家里的大门和监控摄像头", "砸坏了"),
           ("鱼塘里的鱼", "投药毒死了"), ("种的几百棵果树", "砍倒了"), ("车的挡风玻璃和后视镜", "砸碎了"))

DAMAGE = Scenario(
    key="property_damage", offence="故意毁坏财物", admin_cause="故意损毁财物",
    police=("故意毁坏财物", "故意毁坏财物案"), police_admin=("故意损毁财物", "故意损毁公私财物"),
    build=_build_damage,
    narr={
        "crime": (
            "{when}，{sus}因为{cause}的事怀恨在心，把{my}{thing}{how}，定损下来{amt}。监控拍得清清楚楚。",
            "{I}家住{where}，{when}{my}{thing}被{sus}故意{how}，损失{amt}。{he}还放话说以后见一次砸一次。",
            "就因为{cause}的一点小事，{sus}{when}半夜跑来把{my}{thing}{how}，找人评估损失{amt}。这不是第一次了。",
        ),
        "admin": (
            "{when}{sus}为{cause}的事把{my}{thing}{how}，修好要{amt}，{he}不肯赔。",
            "{I}的{thing}{when}被{sus}{how}，损失{amt}，找{he}理论还被骂了一顿。",
        ),
    },
    terse={
        "crime": ("{rep}称其{thing}被{sus}故意{how}，损失约{amt}。", "{rep}报称因{cause}纠纷，其{thing}被{sus}{how}，损失{amt}。"),
        "admin": ("{rep}称其{thing}被人{how}，损失{amt}，怀疑是{sus}所为。",),
    },
    acts={
        "crime": ("{s}因{cause}纠纷故意毁坏{v}的{thing}，经价格认定损失{amt}",),
        "admin": ("违法行为人{s}因{cause}纠纷故意损毁{v}的{thing}，价值{amt}",),
    },
    titles=("车辆被恶意破坏", "邻居故意毁坏财物", "店铺被砸"),
    anon=("一个陌生男子", "对方"), susp_known=0.8, weight=0.5,
)

SCENARIOS = (ASSAULT, PROVOKE, DETAIN, EXTORT, DAMAGE)
