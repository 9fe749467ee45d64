"""Story texts for the synthetic data of ``synthetic``: case summaries and complaint texts.

A story is drawn per incident from per-offence pools (modus, platform or venue, object, two to
four details, now and then a nickname of random characters); a case's summary and the
complaints about it tell the same story in different words (the complaint keeps a random part
of the details and adds the complainant's own sentences). A serial offender's cases share one
story: the same script told by different victims. Texts run 80-250 characters, as in the
project corpus; entity offsets are real, so that the linker's masking of entities works.
"""

from __future__ import annotations

import random
from typing import Any

from clue_miner.types import Entity

POOLS: dict[str, dict[str, list[str]]] = {
    "诈骗": {
        "modus": ["冒充{p}客服称要退款", "以刷单返利为名", "以投资理财为名", "网恋后诱导投资", "冒充公检法称涉嫌洗钱",
                  "以低价出售二手手机为名", "以办理贷款需交保证金为名", "冒充熟人借钱", "以代办信用卡提额为名"],
        "place": ["京东金融", "支付宝", "淘宝", "抖音", "快手", "闲鱼", "微信", "探探", "陌陌", "58同城", "拼多多", "QQ群"],
        "object": ["会议软件共享屏幕", "下载一个投资APP", "扫二维码转账", "银行卡转账", "充值联单任务", "缴纳解冻费",
                   "购买游戏点卡", "开通百万保障", "注销校园贷账户"],
    },
    "盗窃": {
        "modus": ["撬锁后", "趁无人之际", "翻窗入室", "在人多拥挤处扒窃", "用剪刀剪断车锁", "顺手"],
        "place": ["小区车棚", "出租屋", "地铁车厢", "超市门口", "菜市场", "停车场", "店铺", "公交站台"],
        "object": ["电动车电瓶", "苹果手机", "现金", "金项链", "笔记本电脑", "自行车", "货车柴油", "烟酒"],
    },
    "故意伤害": {
        "modus": ["因停车纠纷", "因邻里噪音纠纷", "酒后", "因债务纠纷", "因宅基地边界纠纷", "因排队插队"],
        "place": ["烧烤店", "小区门口", "棋牌室", "工地", "菜市场", "楼道"],
        "object": ["钢管", "酒瓶", "木棍", "拳头", "砖头", "水果刀"],
    },
    "寻衅滋事": {
        "modus": ["酒后无故", "强拿硬要", "随意殴打路人", "在店内闹事", "拦路索要钱财"],
        "place": ["烧烤店", "网吧", "KTV", "夜宵摊", "商场门口"],
        "object": ["掀翻桌子", "砸坏玻璃门", "拍桌子骂人", "吃饭不给钱", "辱骂顾客"],
    },
    "抢劫": {
        "modus": ["骑摩托车从后面", "持刀", "尾随后", "以问路为由接近"],
        "place": ["人行道", "地下通道", "小巷", "公园"],
        "object": ["挎包", "手机", "金项链", "现金"],
    },
    "敲诈勒索": {
        "modus": ["以曝光隐私视频相要挟", "以举报偷税相要挟", "以公开聊天记录相要挟"],
        "place": ["微信", "QQ", "电话", "短信"],
        "object": ["转账封口费", "支付保密费", "缴纳删帖费"],
    },
}
DETAILS = ["对方说得有鼻子有眼", "开始还返了一点钱", "后来对方就拉黑了", "监控拍到一个戴帽子的男子", "当时旁边有人看到",
           "事后对方电话关机", "被发现后还不承认", "脸上青了一大块", "门锁被撬坏了", "对方还知道身份证号",
           "说是内部渠道", "让先交保证金", "前后转了三次", "对方开着一辆白色面包车", "店里的监控坏了", "凌晨才发现",
           "说操作失误要再交钱", "对方一直催促", "群里都是托", "对方自称经理", "邻居听到了吵闹声", "手机也被摔坏了"]
GREETINGS = ["尊敬的领导：", "您好，", "各位领导：", "领导您好！", "", "市长您好，"]
OPENERS = ["我要反映一件事。", "我之前反映过这件事，一直没有回音。", "我替家里人反映一个情况。", ""]
DEMANDS = ["希望依法处理。", "请求公安机关立案侦查，追回损失！", "派出所一直没有处理结果，请有关部门管一管。",
           "其称该案已被撤销，要求说明理由。", "报案后派出所说不予立案，我不服。", "希望尽快破案，把钱追回来。"]
CLOSINGS = ["谢谢！", "我们老百姓挣点钱不容易啊！", "恳请领导重视！", "", "望尽快处理。"]
NICK_CHARS = "一路向北小鱼儿阿杰晴天星辰大海追梦人清风明月微笑天使老王快乐每一天知足常乐"
# Proper names (communities, shops, brands, firms) are the long tail of real texts' vocabulary.
NAME_CHARS = ("金银华盛鑫源泰和瑞祥福康宁安平远达通恒丰嘉兴隆昌荣富贵美佳乐天海山水林森江河湖月星辰"
              "春夏秋冬东南西北中新明光辉龙凤锦绣翠碧云霞红蓝青紫阳景阁苑园庭轩居城府邸湾岸桥亭")
SUFFIXES = ["小区", "花园", "家园", "公寓", "商贸公司", "超市", "饭店", "网吧", "物流园", "批发市场", "大厦", "广场"]
VERBS = ["说", "称", "保证", "承诺", "要求", "催促", "威胁", "骗"]
THINGS = ["先交押金", "再转一笔", "拉进一个群", "加微信好友", "填写银行卡信息", "提供验证码", "到楼下拿货",
          "开通会员", "购买理财产品", "充值会员卡", "签一份协议", "帮忙收款", "录一段视频", "去银行柜台转账"]


def _proper(rng: random.Random) -> str:
    return "".join(rng.choice(NAME_CHARS) for _ in range(rng.randrange(2, 4))) + rng.choice(SUFFIXES)


def story(rng: random.Random, offence: str) -> dict[str, Any]:
    pools = POOLS.get(offence, POOLS["诈骗"])
    nick = "".join(rng.choice(NICK_CHARS) for _ in range(rng.randrange(2, 5))) if rng.random() < 0.4 else None
    place = rng.choice(pools["place"])
    details = rng.sample(DETAILS, rng.randrange(1, 4))
    details += [f"{rng.choice(VERBS)}要{rng.choice(THINGS)}" for _ in range(rng.randrange(1, 3))]
    details.append(f"事情发生在{_proper(rng)}附近")
    rng.shuffle(details)
    return {"modus": rng.choice(pools["modus"]).format(p=place), "place": place,
            "object": f"{_proper(rng)[:2]}牌{rng.choice(pools['object'])}", "details": details, "nick": nick}


def summary_text(rng: random.Random, inc: dict[str, Any], st: dict[str, Any], suspect: str | None) -> str:
    who = suspect or rng.choice(("一男子", "不明身份人员", "一女子"))
    nick = f"网名“{st['nick']}”的" if st["nick"] else ""
    amount = f"，致{inc['victim']}损失{int(inc['amount'])}元" if inc.get("amount") else f"，被害人{inc['victim']}"
    day = inc["day"]
    return (f"{day.year}年{day.month}月{day.day}日{rng.randrange(0, 24)}时许，{nick}{who}在{inc['location']}"
            f"{st['place']}{st['modus']}，{st['object']}{amount}。{'，'.join(st['details'][:2])}。"
            f"{rng.choice(('经审查，不予立案。', '已立案侦查。', '经侦查，撤销案件。', '已受案，正在调查。'))}")


def complaint_text(rng: random.Random, inc: dict[str, Any], st: dict[str, Any],
                   entities: list[Entity]) -> tuple[str, tuple[Entity, ...]]:
    """The complaint's text and its entities placed in it (offsets into the text)."""
    parts: list[str | Entity] = [rng.choice(GREETINGS), rng.choice(OPENERS)]
    day = inc["day"]
    when = rng.choice((f"{day.month}月{day.day}号", f"{day.year}年{day.month}月{day.day}日", "前段时间", "去年"))
    parts.append(Entity("TIME", 0, len(when), when, day.isoformat()))
    places = [e for e in entities if e.label == "LOCATION"]
    if places:
        parts += ["在", places[0]]
    nick = f"一个网名叫“{st['nick']}”的人" if st["nick"] and rng.random() < 0.8 else "对方"
    parts.append(f"{st['place']}，{nick}{st['modus']}，{st['object']}，")
    parts += [d + "，" for d in st["details"] if rng.random() < 0.6]
    for ent in entities:
        if ent.label == "PERSON":
            parts += ["对方叫", ent, "，"]
        elif ent.label == "PHONE":
            parts += ["电话", ent, "，"]
    if inc.get("amount"):
        money = f"{int(inc['amount'])}元"
        parts += ["一共损失了", Entity("MONEY", 0, len(money), money, float(inc["amount"])), "。"]
    parts += [rng.choice(DEMANDS), rng.choice(CLOSINGS)]
    text, placed = "", []
    for part in parts:
        if isinstance(part, Entity):
            placed.append(Entity(part.label, len(text), len(text) + len(part.text), part.text, part.value, part.attrs))
            text += part.text
        else:
            text += part
    return text, tuple(placed)
