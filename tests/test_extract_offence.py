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
