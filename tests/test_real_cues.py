"""Cues read on real complaints: gang and armed beatings, damaging pollution, filed-then-left
cases told in the writer's words, and crime words used as figures of speech."""

from __future__ import annotations

import importlib
from datetime import date, datetime

import pytest

from clue_miner.clues.decide import ClueSettings
from clue_miner.clues.engine import find_clues
from clue_miner.knowledge.thresholds import default_thresholds
from clue_miner.types import Category, Complaint, Evidence, Extraction, Facts, Offence

facts_mod = importlib.import_module("clue_miner.extract.facts")
settle_mod = importlib.import_module("clue_miner.extract.settle")
offence_mod = importlib.import_module("clue_miner.extract.offence")


def _facts(text: str) -> Facts:
    return facts_mod.build_facts(text, [])


@pytest.mark.parametrize(("text", "flag"), [
    ("他拿起一块砖头朝我头上砸了过去", "持械殴打"),
    ("对方抄起铁棍就打", "持械殴打"),
    ("物业招集7名保安聚众殴打1名业主", "聚众殴打"),
    ("业主代表被物业公司员工一群人进行殴打，导致受伤", "聚众殴打"),
    ("两厂废水未作任何处理，直排到我家鱼塘，导致鱼大量死亡", "污染致损"),
    ("违规排放化学废料，造成周边饮用水源严重污染", "污染致损"),
])
def test_circumstance_flags(text: str, flag: str) -> None:
    assert flag in _facts(text).flags


@pytest.mark.parametrize("text", ["两个人吵了几句就走了", "他拿着砖头去砌墙", "餐馆油烟很大，污水横流"])
def test_circumstance_flags_absent(text: str) -> None:
    assert not {"持械殴打", "聚众殴打", "污染致损"} & set(_facts(text).flags)


def test_gang_beating_is_xunxin_zishi_without_an_injury_grade() -> None:
    table = default_thresholds()
    facts = _facts("物业招集7名保安聚众殴打1名业主，至今还在住院")
    verdict = settle_mod.beating_alternative("殴打他人", facts, table)
    assert verdict is not None and verdict.criminal is True
    from clue_miner.extract.components import OffenceCandidate

    settled = settle_mod.settle_offences([OffenceCandidate("殴打他人", "administrative", 0.8, ())], facts, table)
    assert settled[0].name == "寻衅滋事" and settled[0].criminal is True
    # an amount told of something else does not make a plain beating 寻衅滋事 (强拿硬要 is another measure)
    plain = Facts(amount=50000.0, times=5, flags=("殴打", "多次"))
    assert settle_mod.beating_alternative("殴打他人", plain, table) is None


@pytest.mark.parametrize(("text", "status"), [
    ("58车贷立案五个月过去，公安分局未公布过任何案情", "stalled"),
    ("自去年8月3日被打非办立案以来，十个月来此案毫无进展", "stalled"),
    ("经侦已在2018年8月20日立案了，到现在没有抓捕控制嫌疑人员", "stalled"),
    # a filing the writer asks for, or one promised, is no filing
    ("一、平台跑路至今没有兑付。二、请公安机关对某公司以及其创始人、现任法定代表人涉嫌犯罪问题立案侦查，拖延不得。", None),
    ("所长承诺材料齐了就能马上立案侦查，我们报警后一直被推诿，至今没有任何进展", "not_filed"),
    ("他们声称已经立案，但芒果金融诈骗案到现在还没有立案，一直推诿拖延", "not_filed"),
])
def test_stated_status_filed_then_left(text: str, status: str | None) -> None:
    assert _facts(text).stated_status == status


def _ext(text: str, offence: str, stated: str) -> Extraction:
    off = Offence(offence, "criminal", 0.8, (Evidence("OFFENCE_CUE", text[:2], 0, 2),))
    return Extraction(text=text, entities=(), offences=(off,), category=Category("crime", 0.9),
                      facts=Facts(stated_status=stated), received_at=datetime(2025, 5, 1))


def test_a_case_the_police_filed_and_left_is_stalled_without_an_amount() -> None:
    settings = ClueSettings(as_of=date(2025, 6, 30))
    text = "诈骗案立案三年不查不结案"
    complaint = Complaint(id="c1", text=text, received_at=datetime(2025, 5, 1))
    clues = find_clues([complaint], [_ext(text, "诈骗", "stalled")], {}, {}, default_thresholds(), settings)
    assert [c.clue_type for c in clues] == ["STALLED"]
    # reported only, amount unknown: the threshold is undecided and no clue is raised
    clues = find_clues([complaint], [_ext(text, "诈骗", "reported")], {}, {}, default_thresholds(), settings)
    assert clues == []


@pytest.mark.parametrize("text", [
    "打个不恰当的比喻，大家都知道贩毒最赚钱",
    "晚上都能闻到排出来的气味，他是想毒死我们社区的百姓么？",
    "病人从医保基金中“偷走”了十倍的资金",
])
def test_figures_of_speech_are_not_offences(text: str) -> None:
    found = offence_mod.OffenceRules().predict([text])[0]
    assert all(c.score < 0.5 for c in found), found


def test_the_same_words_told_as_events_are_offences() -> None:
    rules = offence_mod.OffenceRules()
    assert any(c.name == "盗窃" and c.score >= 0.5 for c in rules.predict(["昨晚小偷偷走了我家的电动车"])[0])
    assert any(c.name == "开设赌场" for c in rules.predict(["小区车库内麻将馆赌博，赌资巨大"])[0])
    assert any(c.name == "非法吸收公众存款" for c in rules.predict(["58车贷恶性退出，待收3.08亿元，出借人约5600人"])[0])


@pytest.mark.parametrize("text", [
    "他手里拿着一根铁棍追上来击中我的后脑",
    "我的头部被砖头砸伤，流了很多血",
])
def test_armed_beating_told_either_way(text: str) -> None:
    assert "持械殴打" in _facts(text).flags


def _names(text: str) -> set[str]:
    return {c.name for c in offence_mod.OffenceRules().predict([text])[0]}


@pytest.mark.parametrize(("text", "want"), [
    ("平台被区派出所非吸立案，到如今兑付协议一期也没有执行", {"非法吸收公众存款"}),
    ("我们是58车贷p2p平台的受害人，全国共5600多人，平台恶性退出后至今没有兑付", {"非法吸收公众存款", "集资诈骗"}),
    ("每个会员交纳两万元入会，能拉到十个人就成为群主，已经发展了上万人", {"组织、领导传销活动"}),
    ("以办养殖场的名义开采倒卖石头，已经变卖上万吨", {"非法采矿"}),
    ("邻居持刀闯入我家，将我父亲捅成重伤", {"非法侵入住宅"}),
    ("该培训学校收取了两百多名学员的学费，现在人去楼空", {"合同诈骗"}),
    ("纠集二十多名社会闲散人员冲进小区，挨家挨户敲门恐吓业主", {"寻衅滋事"}),
    ("该足浴店有398的半套和598的全套，女技师提供色情服务", {"组织卖淫"}),
])
def test_everyday_accounts_of_offences(text: str, want: set[str]) -> None:
    assert want <= _names(text), _names(text)


@pytest.mark.parametrize("text", [
    "我在网贷平台借了三千块，利息太高",
    "网贷平台打电话说我欠款，是不是诈骗电话",
    "台风毁坏了树木，损失2万元",
    "煤矿开采许可证怎么办理",
    "路口经常发生交通事故，建议装红绿灯",
    "足浴店技师服务态度很好",
])
def test_everyday_words_that_are_no_offence(text: str) -> None:
    assert not [c for c in offence_mod.OffenceRules().predict([text])[0] if c.score >= 0.6]


def test_a_filed_charge_told_keeps_the_platform_to_it() -> None:
    assert "集资诈骗" not in _names("p2p平台爆雷，出借人上千人，已被以非法吸收公众存款罪立案侦查")


def test_victims_seeing_through_a_scheme_do_not_avert_the_loss() -> None:
    text = "58车贷爆雷，涉众6000人，总待还3.1亿。实控人分化瓦解出借人，被识破后又打电话威胁"
    scores = offence_mod.OffenceRules().predict_scores([text])[0]
    assert scores["非法吸收公众存款"] >= 0.6


def test_a_gang_beating_that_wounds_is_both_charges() -> None:
    from clue_miner.extract.components import OffenceCandidate

    table = default_thresholds()
    graded = Facts(injury="轻伤二级", flags=("殴打", "聚众殴打"))
    names = {o.name: o.criminal for o in settle_mod.settle_offences(
        [OffenceCandidate("寻衅滋事", "criminal", 0.9, ())], graded, table)}
    assert names == {"寻衅滋事": True, "故意伤害": True}
    names = {o.name: o.criminal for o in settle_mod.settle_offences(
        [OffenceCandidate("故意伤害", "criminal", 0.9, ())], graded, table)}
    assert names == {"寻衅滋事": True, "故意伤害": True}
    # the wound told but not graded: 寻衅滋事 reached, 故意伤害 left open for an appraisal
    ungraded = Facts(flags=("殴打", "持械殴打"))
    settled = settle_mod.settle_offences([OffenceCandidate("故意伤害", "criminal", 0.9, ())], ungraded, table)
    assert settled[0].name == "寻衅滋事" and {o.name: o.criminal for o in settled}["故意伤害"] is None
    # a plain beating with no such circumstance stays one charge
    plain = settle_mod.settle_offences([OffenceCandidate("故意伤害", "criminal", 0.9, ())],
                                       Facts(injury="轻伤一级", flags=("殴打",)), table)
    assert [o.name for o in plain] == ["故意伤害"]


def test_organised_prostitution_also_names_housing_it() -> None:
    from clue_miner.extract.components import OffenceCandidate

    settled = settle_mod.settle_offences([OffenceCandidate("组织卖淫", "criminal", 0.8, ())], Facts(),
                                         default_thresholds())
    assert {o.name for o in settled} == {"组织卖淫", "引诱、容留、介绍卖淫"}


@pytest.mark.parametrize(("text", "status"), [
    ("我们去省政府递交联名信被特警阻在门外，之后又被市公安局拘留10日", None),
    ("受害者去分局递交诉求，其中一人被拘留5天。", None),
    ("我报警后，对方只被罚款500元了事", "penalised"),
    ("我被打伤后，打人者只被拘留了5天", "penalised"),
])
def test_a_penalty_on_the_petitioners_is_no_penalty_instead_of_filing(text: str, status: str | None) -> None:
    assert _facts(text).stated_status == status


def test_a_hit_and_run_that_gravely_hurts_is_a_crime() -> None:
    text = "被一辆越野车撞倒，司机下车看了一眼就开车跑了。母亲颅脑受伤，鉴定为重伤二级，交警认定对方负全责"
    from clue_miner import extract

    ext = extract(text)
    assert "重伤逃逸" in ext.facts.flags
    verdict = default_thresholds().assess("交通肇事", ext.facts)
    assert verdict.criminal is True
    assert "重伤逃逸" not in extract("被车撞倒，司机下车看了一眼就开车跑了，腿上擦破点皮").facts.flags


@pytest.mark.parametrize(("text", "value"), [
    ("我在店里遭偷了两台笔记本电脑，一万二，三月份就报了警", 12000.0),
    ("手机被偷了，值一万二", 12000.0),
])
def test_an_amount_told_as_a_clause_of_its_own(text: str, value: float) -> None:
    from clue_miner import extract

    assert [e.value for e in extract(text).entities if e.label == "MONEY"] == [value]


@pytest.mark.parametrize("text", ["我们小区有三千五，很多人", "今年种了两万八，收成不好"])
def test_a_bare_number_without_money_around_is_no_amount(text: str) -> None:
    from clue_miner import extract

    assert not [e for e in extract(text).entities if e.label == "MONEY"]


def test_records_counted_by_their_sale() -> None:
    assert _facts("长期导出快递面单信息，去年到现在卖了四万多条，赚了两万多").records == 40000
    assert _facts("他卖了两条烟").records is None


@pytest.mark.parametrize("text", [
    "报警人称其在抖音结识网友，被诱导在一个叫“恒信国际”的投资平台投资，共被骗40多万块，其称案件立案一年多未破。",
    "报警人称二房东收取其房租押金共六千多块钱后失联，房屋原房东要求其搬离。",
])
def test_one_victims_scam_is_plain_fraud(text: str) -> None:
    names = _names(text)
    assert not names & {"非法吸收公众存款", "集资诈骗", "合同诈骗"}, names
