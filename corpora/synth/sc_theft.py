"""Property crimes: theft in its forms (车辆, 入户, 扒窃, 多次, 车内), 抢夺, 抢劫."""

from __future__ import annotations

import random

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.legal import admin_amount, crime_amount
from corpora.synth.numerals import cn_count
from corpora.synth.places import road, shop

_VEHICLES = (
    ("电动车", 1500, 5200), ("雅迪电动车", 1800, 4600), ("新买的电动车", 2600, 6800), ("山地自行车", 1300, 4200),
    ("电动三轮车", 2200, 7500), ("摩托车", 3500, 12000), ("爱玛电瓶车", 1600, 4300),
)
_OLD_VEHICLES = ("旧自行车", "电动车电瓶", "旧电动车", "自行车", "电瓶车的电池")


def _build_vehicle(rng: random.Random, inc: Incident) -> None:
    if inc.level == "crime":
        name, lo, hi = _VEHICLES[rng.randrange(len(_VEHICLES))]
        inc.amount = crime_amount(rng, "盗窃", lo=lo, hi_factor=hi / 1000)
        inc.slots["item"] = name
    else:
        inc.amount = admin_amount(rng, "盗窃", lo=150)
        inc.slots["item"] = pick(rng, _OLD_VEHICLES)
    inc.slots["lock"] = pick(rng, ("锁被剪断了扔在一边", "锁都被撬坏了", "地上只剩一截链条锁", "连充电器一起拿走了"))


VEHICLE = Scenario(
    key="theft_vehicle", offence="盗窃", admin_cause="盗窃",
    police=("盗窃", "盗窃案", "盗窃电动车", "盗窃案件"), police_admin=("盗窃", "盗窃（治安）"),
    build=_build_vehicle,
    narr={
        "crime": (
            "{I}{when}把{item}停在{where}楼下，第二天一早下去车就不见了，{lock}。这车是花{amt}买的，{my}每天上下班全靠它。后来调了监控，看到是{sus}半夜把车推走的。",
            "{when}{I}骑{item}去{where}办事，停在门口不到半个小时，出来车就没了。车子价值{amt}，买了还不到一年。{me}问了周边的店，有人说看到{sus}在车旁边转了好几圈。",
            "{my}{item}在{where}的车棚里被偷了，时间是{when}，{lock}。车子连同电池价值{amt}，对我们这种家庭不是小数目。小区车棚监控有录像，拍到{sus}进了车棚。",
            "小区治安太差了！{when}，{my}停在{where}的{item}被人偷走，价值{amt}。物业说监控是坏的，不管。后来{me}自己在二手市场看到一辆很像的车，卖车的是{sus}{phone}。",
        ),
        "admin": (
            "{when}{I}停在{where}的{item}被偷了，值{amt}左右，东西不算贵，但是这个小区已经不是第一次丢东西了，{lock}。希望派出所管一管，监控拍到的是{sus}。",
            "{I}在{where}上班，{when}下班发现停在门口的{item}没了，大概值{amt}。报了警，民警说金额不大。{me}想知道到底能不能找回来。",
            "{my}{item}{when}在{where}被人顺走了，价值{amt}，{lock}。想请有关部门加强小区巡逻，装几个能用的摄像头。",
        ),
    },
    terse={
        "crime": (
            "{rep}称其停放在{where}的{item}被盗，价值约{amt}，{lock}。",
            "{rep}报警称{when}在{where}丢失{item}一辆，价值{amt}，怀疑被盗，监控显示{sus}推走车辆。",
        ),
        "admin": (
            "{rep}称其{item}在{where}被盗，价值{amt}。",
            "{rep}报称{when}停在{where}的{item}被人偷走，损失约{amt}，要求调取监控。",
        ),
    },
    acts={
        "crime": ("其停放在{loc}的{item}一辆被盗，价值人民币{amt}", "{s}在{loc}盗窃{v}停放的{item}一辆，经价格认定价值{amt}"),
        "admin": ("其停放在{loc}的{item}被盗，价值{amt}", "违法行为人{s}在{loc}盗窃{v}的{item}，价值{amt}"),
    },
    titles=("电动车被盗", "{district}{estate}电动车被偷无人管", "小区车棚频繁丢车", "车子被偷了希望尽快破案"),
    anon=("一个戴帽子的男的", "一个穿黑衣服的年轻人", "两个骑摩托车的人", "一个陌生男子"),
    weight=1.8, susp_known=0.3,
)


def _build_burglary(rng: random.Random, inc: Incident) -> None:
    inc.facts["入户"] = True
    small = rng.random() < 0.4
    inc.amount = admin_amount(rng, "盗窃", lo=200) if small else crime_amount(rng, "盗窃", hi_factor=80)
    items = ("现金和一条金项链", "抽屉里的现金", "两部手机和一台笔记本电脑", "一个金手镯和几百块现金", "放在衣柜里的现金",
             "一块手表和存钱罐", "香烟和两瓶茅台酒")
    inc.slots["item"] = pick(rng, items)
    inc.slots["entry"] = pick(rng, ("门锁被撬了", "窗户的防盗网被剪开了", "阳台的窗户被人推开爬进来的",
                                     "门是用工具技术开锁打开的", "趁家里没人从厨房窗户钻进来的"))
    if small:
        inc.notes.append("入户盗窃: criminal whatever the amount")


BURGLARY = Scenario(
    key="burglary", offence="盗窃", admin_cause="盗窃",
    police=("盗窃", "入户盗窃", "盗窃案", "入室盗窃案"), police_admin=("盗窃",),
    build=_build_burglary,
    narr={
        "crime": (
            "{when}{I}出门走亲戚，回来发现家里被人翻得乱七八糟，{entry}，丢了{item}，一共{amt}。{my}家在{where}，一家老小住在这里，现在晚上都睡不着觉。",
            "{I}住在{where}，{when}白天上班的时候家里进了贼，{entry}。{item}都没了，算下来损失{amt}。邻居说那天看到{sus}在楼道里转悠。",
            "我们{where}最近老是有人入室盗窃，{when}轮到了{my}家。{entry}，卧室被翻遍，{item}被偷，合计{amt}。",
            "{when}晚上{I}在家睡觉，半夜听到客厅有响动，起来一看人已经跑了，{entry}，{item}不见了，价值{amt}。后来才知道{sus}以前就因为偷东西被抓过。",
        ),
    },
    terse={
        "crime": (
            "{rep}称其位于{where}的家中被盗，{entry}，被盗{item}，价值约{amt}。",
            "{rep}报警称{when}家中被人撬门入室，丢失{item}，损失{amt}。",
        ),
    },
    acts={
        "crime": ("{s}窜至{loc}{v}家中，{entry}，盗走{item}，价值{amt}", "其位于{loc}的住处被人入户盗窃，被盗{item}，价值{amt}"),
    },
    titles=("家里被盗", "{estate}入室盗窃频发", "请求尽快侦破入室盗窃案"),
    anon=("一个外地口音的男子", "一个陌生男子", "两个年轻男子"),
    weight=1.0, susp_known=0.3,
)


def _build_pickpocket(rng: random.Random, inc: Incident) -> None:
    inc.facts["扒窃"] = True
    small = rng.random() < 0.5
    inc.amount = admin_amount(rng, "盗窃", lo=100) if small else crime_amount(rng, "盗窃", hi_factor=10)
    inc.slots["item"] = pick(rng, ("手机", "钱包", "华为手机", "苹果手机", "装着现金的钱包", "挎包里的钱包"))
    inc.slots["bus"] = pick(rng, (f"{rng.randrange(1, 400)}路公交车上", "地铁2号线上", "菜市场里", "火车站进站口排队的时候",
                                   f"{road(rng)}的步行街上", "医院挂号窗口排队时"))
    if small:
        inc.notes.append("扒窃: criminal whatever the amount")


PICKPOCKET = Scenario(
    key="pickpocket", offence="盗窃", admin_cause="盗窃",
    police=("盗窃", "扒窃", "盗窃案"), police_admin=("盗窃",),
    build=_build_pickpocket,
    narr={
        "crime": (
            "{when}{I}在{bus}，人很挤，下车才发现口袋里的{item}被偷了，价值{amt}。当时旁边一直有{sus}贴着{me}站。",
            "{I}{when}在{bus}被人扒了{item}，里面的东西加起来{amt}。{my}包是被划开的，一看就是专门干这个的。",
            "{when}{my}{item}在{bus}被小偷从包里掏走了，损失{amt}。后来听说{sus}专门在这一带扒窃，抓了又放。",
        ),
    },
    terse={
        "crime": ("{rep}称其在{bus}被扒窃{item}，损失约{amt}。", "{rep}报称{when}在{bus}随身携带的{item}被人扒走，价值{amt}。"),
    },
    acts={
        "crime": ("{s}在{bus}趁乘客拥挤之机扒窃{v}随身携带的{item}，价值{amt}", "其在{bus}被他人扒窃{item}一部（个），价值{amt}"),
    },
    titles=("公交车上被扒窃", "小偷太猖狂", "手机在车上被偷"),
    anon=("一个戴口罩的男的", "一个中年妇女", "两个年轻人"),
    weight=0.8, susp_known=0.15, where="street",
)


def _build_repeat(rng: random.Random, inc: Incident) -> None:
    inc.slots["shop"] = shop(rng)
    if inc.level == "crime":
        times = rng.randrange(3, 7)
        inc.facts["多次"] = times
        inc.facts["times"] = times
        inc.amount = admin_amount(rng, "盗窃", lo=300)
        inc.slots["times"] = cn_count(times)
        inc.notes.append(f"多次盗窃: {times} thefts within two years, criminal whatever the amount")
    else:
        inc.amount = admin_amount(rng, "盗窃", lo=80)
        inc.slots["times"] = "一"
    inc.slots["goods"] = pick(rng, ("店里的香烟", "柜台里的烟酒", "货架上的零食和饮料", "收银台的零钱", "门口摆的水果", "店里的手机配件"))


REPEAT = Scenario(
    key="theft_repeat", offence="盗窃", admin_cause="盗窃",
    police=("盗窃", "盗窃案"), police_admin=("盗窃",),
    build=_build_repeat,
    narr={
        "crime": (
            "{I}在{where}开了一家{shop}，这两年{sus}前后来偷了{times}次{goods}，最近一次是{when}，每次都拿一点，加起来{amt}。监控都拍得清清楚楚，报了警也没人管，{he}越来越嚣张。",
            "我们家在{where}开店，{goods}被同一个人偷了{times}回了，就是{sus}{phone}。最后一次是{when}，这几次损失{amt}。{he}仗着每次数额小，根本不怕。",
            "反映一个惯偷的问题：{sus}这两年已经{times}次到{my}店里偷{goods}，{when}又来了，被{me}当场看到。前后损失{amt}。",
        ),
        "admin": (
            "{when}{sus}到{I}开的{shop}里顺手拿走了{goods}，价值{amt}，被{me}发现后还不承认。希望派出所处理一下。",
            "{I}在{where}开店，{when}有人偷了店里的{goods}，值{amt}，监控拍到是{sus}。",
        ),
    },
    terse={
        "crime": ("{rep}称{sus}近两年内{times}次盗窃其{goods}，最近一次为{when}，累计损失{amt}。",
                  "{rep}报警称其在{where}经营的店铺又被同一人盗窃，该人此前已{times}次作案，合计{amt}，嫌疑人{sus}。"),
        "admin": ("{rep}称其{goods}被盗，价值{amt}，监控拍到{sus}。", "{rep}称{when}有人在其店内偷拿{goods}，价值{amt}。"),
    },
    acts={
        "crime": ("{s}二年内多次窜至{loc}{v}经营的店铺盗窃{goods}，共计价值{amt}",),
        "admin": ("违法行为人{s}在{loc}{v}经营的店内盗窃{goods}，价值{amt}", "其经营的店铺内{goods}被盗，价值{amt}"),
    },
    titles=("惯偷屡次偷窃无人管", "店铺多次被盗", "反映小偷问题"),
    anon=("同一个男的", "附近一个游手好闲的人"),
    weight=0.7, susp_known=0.75, susp_title="某",
)


def _build_car(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "盗窃", hi_factor=30) if inc.level == "crime" else admin_amount(rng, "盗窃", lo=100)
    inc.slots["item"] = pick(rng, ("放在车里的包", "车里的现金和香烟", "后备箱里的两箱酒", "行车记录仪和储物格里的现金",
                                    "副驾驶座上的笔记本电脑", "货车油箱里的柴油"))
    inc.slots["how"] = pick(rng, ("车窗玻璃被砸碎了", "车门被撬开", "车锁是好的但东西没了", "油箱盖被撬开"))


CAR = Scenario(
    key="theft_car", offence="盗窃", admin_cause="盗窃",
    police=("盗窃", "盗窃案", "盗窃车内财物"), police_admin=("盗窃",),
    build=_build_car,
    narr={
        "crime": (
            "{I}的车{when}停在{where}，第二天发现{how}，{item}被偷了，总共{amt}。停车场收了停车费却说不负责。",
            "{when}{my}{item}在{where}被人偷走，价值{amt}，{how}。周边监控拍到{sus}，希望公安机关尽快破案。",
            "这个停车场太乱了！{I}{when}把车停在{where}，回来发现{how}，{item}没了，损失{amt}。同一晚上好几辆车都被撬了。",
        ),
        "admin": (
            "{when}{I}停在{where}的车被人动过，{how}，少了{item}，大概{amt}。请求派出所调查。",
        ),
    },
    terse={
        "crime": ("{rep}称其停放在{where}的车辆{how}，{item}被盗，价值约{amt}。", "{rep}报称{when}车停在{where}被撬，丢失{item}，损失{amt}。"),
        "admin": ("{rep}称{when}停在{where}的车辆内{item}被盗，价值{amt}。", "{rep}称车内{item}被人拿走，价值{amt}，{how}。"),
    },
    acts={
        "crime": ("其停放在{loc}的车辆内{item}被盗，价值{amt}",),
        "admin": ("其停放在{loc}的车辆内{item}被盗，价值{amt}",),
    },
    titles=("车内财物被盗", "停车场车辆被撬"),
    anon=("一个骑电动车的男子", "两个陌生人"), susp_known=0.2, weight=0.6,
)


def _build_snatch(rng: random.Random, inc: Incident) -> None:
    if inc.level == "crime":
        inc.amount = crime_amount(rng, "抢夺", hi_factor=12)
        inc.slots["item"] = pick(rng, ("金项链", "苹果手机", "挎包", "金耳环和手机", "华为手机"))
    else:
        inc.amount = admin_amount(rng, "抢夺", lo=100)
        inc.slots["item"] = pick(rng, ("旧手机", "装了几百块钱的钱包", "银手镯", "挎包"))
    inc.slots["vehicle"] = pick(rng, ("骑摩托车", "骑电动车", "开着一辆没牌的摩托", "跑步"))


SNATCH = Scenario(
    key="snatch", offence="抢夺", admin_cause="抢夺",
    police=("抢夺", "抢夺案", "飞车抢夺"), police_admin=("抢夺",),
    build=_build_snatch,
    narr={
        "crime": (
            "{when}{I}走在{where}，{sus}{vehicle}从后面冲过来，一把抢走了{my}{item}就跑，{item}价值{amt}。{me}被拖倒在地，膝盖都擦破了。",
            "{I}{when}在{where}打电话，突然有人{vehicle}过来把手上的{item}抢了，价值{amt}，一下子就没影了。",
            "光天化日之下飞车抢夺！{when}{my}{item}在{where}被{sus}抢走，价值{amt}。希望警察尽快抓人。",
        ),
        "admin": (
            "{when}{I}在{where}被人抢了{item}，值{amt}，对方{vehicle}跑掉了。",
            "{I}{when}在{where}遇到{sus}{vehicle}抢走了{my}{item}，东西不贵，值{amt}，但是太吓人了。",
        ),
    },
    terse={
        "crime": ("{rep}称其在{where}被人{vehicle}抢走{item}，价值{amt}。", "{rep}报警称{when}在{where}遭飞车抢夺，被抢{item}，价值约{amt}。"),
        "admin": ("{rep}称其在{where}被抢{item}，价值{amt}，嫌疑人{vehicle}逃离。", "{rep}报警称{when}在{where}被人抢走{item}，值{amt}。"),
    },
    acts={
        "crime": ("{s}{vehicle}在{loc}抢夺{v}的{item}，价值{amt}",),
        "admin": ("{s}在{loc}抢夺{v}的{item}，价值{amt}",),
    },
    titles=("街头飞车抢夺", "走在路上被抢"),
    anon=("一个戴头盔的男子", "两个年轻男子", "一个陌生男的"), susp_known=0.15, where="street", weight=0.6,
)


def _build_robbery(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "盗窃", hi_factor=8) if rng.random() < 0.7 else admin_amount(rng, "盗窃", lo=200)
    inc.slots["weapon"] = pick(rng, ("拿着一把水果刀", "手持匕首", "拿着砍刀", "用刀抵着", "拿着一根铁棍"))
    inc.slots["item"] = pick(rng, ("手机和现金", "身上的钱", "微信里的钱", "金项链和现金"))
    inc.notes.append("抢劫: criminal whatever the amount")


ROBBERY = Scenario(
    key="robbery", offence="抢劫", admin_cause=None,
    police=("抢劫", "抢劫案"), police_admin=(),
    build=_build_robbery,
    narr={
        "crime": (
            "{when}{I}下夜班经过{where}，{sus}{weapon}拦住{me}，逼{me}交出{item}，一共被抢了{amt}。{me}吓得腿都软了，到现在晚上都不敢一个人出门。",
            "{I}{when}在{where}被{sus}{weapon}抢劫，{item}全被拿走了，损失{amt}，还被逼着把手机密码说出来。",
            "{when}{my}在{where}遭遇抢劫，{sus}{weapon}，抢走了{item}，合计{amt}。报案之后一直没有消息。",
        ),
    },
    terse={
        "crime": ("{rep}称其在{where}被人{weapon}抢走{item}，损失约{amt}。", "{rep}报警称{when}在{where}遭持刀抢劫，被抢{item}，价值{amt}。"),
    },
    acts={
        "crime": ("{s}{weapon}在{loc}对{v}实施抢劫，劫得{item}，价值{amt}",),
    },
    titles=("夜里被持刀抢劫", "遭遇抢劫请求破案"),
    anon=("一个戴口罩的男子", "两个年轻男子", "一个外地口音的男子"), susp_known=0.2, where="street", weight=0.5,
)

SCENARIOS = (VEHICLE, BURGLARY, PICKPOCKET, REPEAT, CAR, SNATCH, ROBBERY)
