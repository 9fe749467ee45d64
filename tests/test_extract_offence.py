from __future__ import annotations

import pytest

from clue_miner.extract.offence import LABEL, OffenceCandidate, OffenceRules


@pytest.fixture(scope="module")
def rules() -> OffenceRules:
    return OffenceRules()


def _names(rules: OffenceRules, text: str) -> list[str]:
    return [o.name for o in rules.predict([text])[0]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我在网上被人骗了5万块", "诈骗"),
        ("电动车被偷了", "盗窃"),
        ("被人打成轻伤", "故意伤害"),
        ("他喝醉了还开车", "危险驾驶"),
        ("有人在小区里开设赌场", "开设赌场"),
        ("老板拖欠工资跑路", "拒不支付劳动报酬"),
        ("被人关在屋里两天不让走", "非法拘禁"),
        ("对方冒充客服让我把钱转到安全账户", "诈骗"),
        ("网恋对象拉我进投资理财平台，充值后无法提现", "诈骗"),
        ("我家昨晚失窃，小偷撬锁进屋偷走了金项链", "盗窃"),
        ("两个人骑摩托车飞车抢走了我的手机", "抢夺"),
        ("三个人持刀抢劫了路边的便利店", "抢劫"),
        ("有人威胁要曝光我的不雅视频，不给钱就发到网上", "敲诈勒索"),
        ("村里有人组织传销，拉人头发展下线", "组织、领导传销活动"),
        ("这家P2P平台爆雷了，非法集资好几千万", "非法吸收公众存款"),
        ("有人在微信群里卖冰毒", "走私、贩卖、运输、制造毒品"),
        ("他开车撞人后逃逸了", "交通肇事"),
        ("我的车被人划了好几道", "故意毁坏财物"),
        ("有人出租银行卡给电诈团伙跑分", "帮助信息网络犯罪活动"),
        ("小区保安泄露业主个人信息，还贩卖个人信息", "侵犯公民个人信息"),
        ("一伙人在村口聚众斗殴，持械互殴", "聚众斗殴"),
        ("网上有赌博网站，很多人在上面下注", "开设赌场"),
        ("他在公交车上摸我，对我猥亵", "强制猥亵、侮辱妇女"),
        ("晚上在街上被人强奸了", "强奸"),
        ("邻居打了我一巴掌，没有受伤", "殴打他人"),
        ("我老公吸毒", "吸毒"),
        ("小区附近有卖淫嫖娼", "卖淫嫖娼"),
        ("他经常在朋友圈造谣诽谤我", "诽谤"),
    ],
)
def test_extract_offence_top_offence(rules: OffenceRules, text: str, expected: str) -> None:
    found = rules.predict([text])[0]
    assert found, text
    assert found[0].name == expected, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "我不是被骗只是咨询",
        "没有被偷，只是放错地方了",
        "提醒大家谨防诈骗",
        "请问这种情况是否涉嫌诈骗",
        "公安破获一起特大电信诈骗案",
        "小区噪音扰民",
        "对方借钱不还",
        "建议在学校门口修一座人行天桥",
        "",
    ],
)
def test_extract_offence_nothing(rules: OffenceRules, text: str) -> None:
    assert rules.predict([text])[0] == []


def test_extract_offence_kinds(rules: OffenceRules) -> None:
    (crime,), (admin,) = rules.predict(["电动车被偷了", "我老公吸毒"])
    assert crime.kind == "criminal"
    assert admin.kind == "administrative"
    # an administrative cause merges into the criminal charge found alongside
    found = rules.predict(["他把我打了一顿，鉴定为轻伤二级"])[0]
    assert [o.name for o in found] == ["故意伤害"]
    assert found[0].kind == "criminal"


def test_extract_offence_several_offences(rules: OffenceRules) -> None:
    names = _names(rules, "被人关在屋里两天不让走，还被打伤了")
    assert {"非法拘禁", "故意伤害"} <= set(names)
    found = rules.predict(["我被人打了，鼻骨骨折，被关了一天"])[0]
    assert [o.score for o in found] == sorted((o.score for o in found), reverse=True)


def test_extract_offence_negation_lowers(rules: OffenceRules) -> None:
    plain, negated = rules.predict_scores(["我被骗了", "我不是被骗了"])
    assert negated["诈骗"] < plain["诈骗"]
    assert negated["诈骗"] > 0  # lowered, not removed


def test_extract_offence_evidence_offsets(rules: OffenceRules) -> None:
    text = "ＡＢ公司老板拖欠工资跑路，我还被骗走２万元"
    found = rules.predict([text])[0]
    assert found
    for off in found:
        assert isinstance(off, OffenceCandidate)
        assert off.evidence
        for ev in off.evidence:
            assert ev.label == LABEL
            assert text[ev.start:ev.end] == ev.text


def test_extract_offence_ascii_case_folded(rules: OffenceRules) -> None:
    assert "非法吸收公众存款" in _names(rules, "p2p平台爆雷")
    assert "非法吸收公众存款" in _names(rules, "Ｐ２Ｐ平台爆雷")


def test_extract_offence_specialised_absorbs_general(rules: OffenceRules) -> None:
    names = _names(rules, "对方签订合同后收取货款逃匿，合同诈骗")
    assert names[0] == "合同诈骗"
    assert "诈骗" not in names


def test_extract_offence_sklearn_like(rules: OffenceRules) -> None:
    fresh = OffenceRules(min_score=0.7)
    assert fresh.get_params()["min_score"] == 0.7
    assert fresh._compiled is None  # the automaton is built lazily
    assert fresh.fit() is fresh
    assert fresh._compiled is not None
    strict = OffenceRules(min_score=0.99)
    assert strict.predict(["我被骗了"]) == [[]]
    assert rules.predict([]) == []


def test_extract_offence_prior_conviction_lowers(rules: OffenceRules) -> None:
    assert _names(rules, "他曾因盗窃被判处有期徒刑一年") == []


# ---------------------------------------------------------------- pattern cues: crimes told, not named
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的电瓶车昨晚锁在车棚里，早上去取发现车不见了，锁也被剪断了", "盗窃"),
        ("下班回来发现放在门口的快递被人顺走了", "盗窃"),
        ("监控里看到一个戴口罩的人凌晨把我的三轮车骑走了，车到现在也没找到", "盗窃"),
        ("我在地铁上被人扒了钱包，包也被划开了一道口子", "盗窃"),
        ("出差回来发现家里进了贼，抽屉全被翻开，首饰盒没了", "盗窃"),
        ("在二手平台上买了一台相机，付了3200元后卖家就把我拉黑了", "诈骗"),
        ("微信上有人说自己是我表哥，换了新号，说急用钱让我先转过去，我转了5000元", "诈骗"),
        ("一个自称银行客服的人打电话，让我下载软件开了屏幕共享，卡里两万块被转走了", "诈骗"),
        ("一个人说认识学校领导，能帮孩子转学，收了我三万元，到现在没办成也不退钱", "诈骗"),
        ("中介带我租了间房，交了半年房租一万二，后来这个人就失联了", "诈骗"),
        ("我在路边等车时一个男的骑电动车从身后冲过来，拽走我的包就跑了", "抢夺"),
        ("晚上回家路上两个人拿着刀拦住我，逼我交出手机和现金", "抢劫"),
        ("前男友威胁我说要把聊天记录发给我单位领导，让我给他转一万块钱", "敲诈勒索"),
        ("讨债的人把我关在宾馆房间里，扣了三十多个小时才放我走", "非法拘禁"),
        ("我丈夫这些年一喝酒就打我，还用衣架抽我", "虐待"),
        ("这家投资公司承诺每月返2%的利息，向社会公开吸收资金，投资人有三百多名", "非法吸收公众存款"),
        ("老板欠了我们十几个工人半年的工资，现在人躲起来了，电话也打不通", "拒不支付劳动报酬"),
        ("对方喝了酒开车，交警测出酒精含量每百毫升150毫克", "危险驾驶"),
        ("撞我的司机喝了酒，测出来酒精含量每百毫升35毫克", "饮酒驾驶"),
        ("楼下车库被人开成了赌场，每一局都抽头，还有人在门口望风", "开设赌场"),
        ("那个人在我店里吃完饭不给钱，还说记账，已经好几次了", "寻衅滋事"),
        ("托朋友保管的五万元现金，他现在拒不归还", "侵占"),
        ("有人在业主群里造谣说我偷东西，还发了我的照片", "诽谤"),
    ],
)
def test_extract_offence_pattern_cues(rules: OffenceRules, text: str, expected: str) -> None:
    found = rules.predict([text])[0]
    assert found, text
    assert found[0].name == expected, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "物业说怕电动车被偷，不让在楼下充电",
        "希望小区多装几个摄像头，以防车被人推走",
        "我的车没有被偷，是停到别的地方忘了",
        "担心付了定金以后对方跑路，想问问怎么办",
        "接到冒充客服的电话说要退款，我没有上当，一分钱都没转",
        "听说最近有人冒充领导借钱，大家要小心",
        "朋友借了我两万块钱，打了借条，到现在还没还",
        "房东拒不退还押金两千元，想问问怎么维权",
        "想咨询一下这个理财平台说年化收益15%，有没有资质",
        "电梯又坏了，有个老人被困在电梯里一个多小时",
        "邻居家的狗把我孩子咬伤了，打了狂犬疫苗",
        "城管把我的三轮车拿走了，说是占道经营",
        "河边的小作坊晚上偷排污水，臭得很",
        "公司拖欠工资两个月了，老板说下个月发",
    ],
)
def test_extract_offence_pattern_cues_not_a_crime(rules: OffenceRules, text: str) -> None:
    assert [o for o in rules.predict([text])[0] if o.kind == "criminal"] == [], text


def test_extract_offence_pattern_hypothetical_lowers(rules: OffenceRules) -> None:
    told, feared = rules.predict_scores(["我的电动车被人推走了", "我怕电动车被人推走"])
    assert feared["盗窃"] < told["盗窃"]


def test_extract_offence_pattern_evidence_offsets(rules: OffenceRules) -> None:
    text = "ＡＢ：在闲鱼上买了部手机，付了１８００元，对方就把我拉黑了"
    (found,) = rules.predict([text])
    assert found and found[0].name == "诈骗"
    assert any("拉黑" in ev.text for ev in found[0].evidence)
    for ev in found[0].evidence:
        assert text[ev.start:ev.end] == ev.text


def test_extract_offence_pattern_split_by_blood_alcohol(rules: OffenceRules) -> None:
    (low,), (high,) = rules.predict(["他酒后开车，酒精含量每百毫升52毫克", "他酒后开车，血液酒精含量为120mg/100ml"])
    assert (low.name, low.kind) == ("饮酒驾驶", "administrative")
    assert (high.name, high.kind) == ("危险驾驶", "criminal")


def test_extract_offence_pattern_dampen(rules: OffenceRules) -> None:
    plain, averted = rules.predict_scores(["有人冒充公安让我转账，我转了八千元", "有人冒充公安让我转账，我识破了没有转"])
    assert averted.get("诈骗", 0.0) < 0.5 * plain["诈骗"]


def test_extract_offence_patterns_can_be_turned_off() -> None:
    text = "在二手平台上买了一台相机，付了3200元后卖家就把我拉黑了"
    assert OffenceRules(use_patterns=False).predict([text]) == [[]]
    assert OffenceRules().predict([text])[0][0].name == "诈骗"
    assert OffenceRules(use_patterns=False).get_params()["use_patterns"] is False


def test_extract_offence_pattern_file_is_consistent() -> None:
    """Every pattern compiles, names a known offence and finds its own examples (anchors included)."""
    import re

    from clue_miner.extract.offence import load_patterns
    from clue_miner.knowledge.taxonomy import load_taxonomy

    tax = load_taxonomy()
    specs = load_patterns()
    assert len(specs) >= 40
    assert len({s["id"] for s in specs}) == len(specs)
    for spec in specs:
        regex = re.compile(spec["regex"])
        if spec.get("weight"):
            assert tax.get(spec["offence"], spec.get("kind", "criminal")) is not None, spec["id"]
        for name in spec.get("dampen", {}):
            assert name in tax, spec["id"]
        for example in spec.get("examples", []):
            assert regex.search(example), (spec["id"], example)
            assert any(a in example for a in spec["anchors"]), (spec["id"], example)
        for counter in spec.get("counter", []):
            assert not regex.search(counter), (spec["id"], counter)


def test_extract_offence_admin_twin_keeps_its_cues(rules: OffenceRules) -> None:
    (found,) = rules.predict(["楼下几个人天天打麻将赌钱"])
    assert [(o.name, o.kind) for o in found] == [("赌博", "administrative")]
    (found,) = rules.predict(["有人在家里组织聚众赌博，抽头渔利"])
    assert found[0].name in ("赌博", "开设赌场") and found[0].kind == "criminal"


def test_extract_offence_specialised_inherits_parent(rules: OffenceRules) -> None:
    names = _names(rules, "我和一家公司签了加盟合同，付了八万元加盟费，之后对方公司就人去楼空了")
    assert names[0] == "合同诈骗"
    assert "诈骗" not in names
