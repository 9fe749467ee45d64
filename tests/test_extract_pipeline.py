from __future__ import annotations

from datetime import datetime

import pytest

import clue_miner
from clue_miner.errors import InputError


def _check_offsets(text: str, ext) -> None:  # noqa: ANN001
    for e in ext.entities:
        assert text[e.start:e.end] == e.text, e
    for o in ext.offences:
        for ev in o.evidence:
            assert text[ev.start:ev.end] == ev.text, ev
    for ev in ext.facts.evidence:
        assert text[ev.start:ev.end] == ev.text, ev


def test_pipeline_fraud_complaint_end_to_end() -> None:
    text = ("我叫刘科连，2024年3月5日在网上被人以刷单为名骗了五万块，对方电话138 1234 5678，"
            "我去城南路派出所报案，派出所不予立案。")
    ext = clue_miner.extract(text, received_at="2024-04-01")
    _check_offsets(text, ext)
    labels = {e.label for e in ext.entities}
    assert {"PERSON", "TIME", "MONEY", "PHONE"} <= labels
    assert ext.offences and ext.offences[0].name == "诈骗"
    assert ext.offences[0].kind == "criminal" and ext.offences[0].criminal is True
    assert ext.category.label == "crime"
    assert ext.facts.amount == 50000
    assert str(ext.facts.incident_date) == "2024-03-05"
    money = next(e for e in ext.entities if e.label == "MONEY")
    assert money.value == 50000.0
    phone = next(e for e in ext.entities if e.label == "PHONE")
    assert phone.value == "13812345678"


def test_pipeline_offsets_survive_full_width_and_traditional() -> None:
    text = "我的電動車在\u3000\u3000小區樓下被偷了，價值３０００元，電話１３９１２３４５６７８。"
    ext = clue_miner.extract(text)
    _check_offsets(text, ext)
    money = [e for e in ext.entities if e.label == "MONEY"]
    assert money and money[0].value == 3000.0
    assert any(e.label == "PHONE" and e.value == "13912345678" for e in ext.entities)
    assert ext.offences and ext.offences[0].name == "盗窃"


def test_pipeline_relative_date_resolved_against_received_at() -> None:
    text = "前天晚上我家被人撬门偷走了一台电脑"
    ext = clue_miner.extract(text, received_at=datetime(2024, 3, 15, 10))
    times = [e for e in ext.entities if e.label == "TIME"]
    assert times and str(times[0].value).startswith("2024-03-13")
    assert "入户" in ext.facts.flags
    assert ext.offences[0].name == "盗窃" and ext.offences[0].criminal is True


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("我的电动车昨天在小区被偷了，价值两千多块钱", "盗窃", "criminal"),
        ("钱包被偷了，里面有两百元", "盗窃", "administrative"),
        ("邻居把我打成轻伤二级，经鉴定", "故意伤害", "criminal"),
        ("邻居打了我一巴掌，轻微伤", "殴打他人", "administrative"),
        ("他喝醉了还开车，血液酒精含量150mg/100ml", "危险驾驶", "criminal"),
    ],
)
def test_pipeline_thresholds_settle_offence_kind(text: str, name: str, kind: str) -> None:
    ext = clue_miner.extract(text)
    assert ext.offences, text
    assert (ext.offences[0].name, ext.offences[0].kind) == (name, kind)


def test_pipeline_civic_complaint_has_no_offence() -> None:
    ext = clue_miner.extract("小区门口的路面坑坑洼洼，一下雨就积水，请尽快修路。")
    assert ext.offences == ()
    assert ext.category.label == "civic"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("商家收了三千元押金，现在关门了也不退，要求退还押金", "civil"),
        ("我在网上刷单被人骗了五万块钱，对方把我拉黑了，派出所不管", "crime"),
        ("楼下饭店油烟扰民严重，环保部门一直不管", "administrative"),
        ("健身房收了我们的年卡费突然关门，老板说会退款但一直拖着，这是不是诈骗？请帮我们要回会员费", "civil"),
    ],
)
def test_pipeline_category_from_the_trained_model(text: str, label: str) -> None:
    assert clue_miner.extract(text).category.label == label


def test_pipeline_empty_and_whitespace_text() -> None:
    for text in ("", "   \n\t"):
        ext = clue_miner.extract(text)
        assert ext.entities == () and ext.offences == ()
        assert ext.to_dict()["category"]["label"] in ("civic", "civil")


def test_pipeline_rejects_non_string() -> None:
    with pytest.raises(InputError):
        clue_miner.extract(12345)  # type: ignore[arg-type]


def test_pipeline_one_megabyte_text() -> None:
    text = ("我在网上被骗了三万元，对方电话13812345678。" + "小区环境需要改善。" * 20) * 800
    assert len(text) > 100_000
    ext = clue_miner.extract(text[:1_000_000])
    assert ext.offences and ext.offences[0].name == "诈骗"
    _check_offsets(text[:1_000_000], ext)


def test_pipeline_extract_many_streams_in_order() -> None:
    texts = [f"我被骗了{n}万元" for n in range(1, 6)] + ["道路积水"]
    out = list(clue_miner.extract_many(texts, batch_size=2))
    assert [e.text for e in out] == texts
    assert [e.facts.amount for e in out[:5]] == [10000.0 * n for n in range(1, 6)]


def test_pipeline_to_dict_is_json_ready() -> None:
    import json

    ext = clue_miner.extract("2024年5月1日被盗3000元", received_at="2024-05-02")
    data = json.loads(json.dumps(ext.to_dict(), ensure_ascii=False))
    assert set(data) >= {"entities", "offences", "category", "facts"}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("被骗三万元，派出所说是经济纠纷，让我去法院起诉", "not_filed"),
        ("被骗三万元，派出所不给立案，连回执都没给", "not_filed"),
        ("报警后民警只做了笔录，就再没下文", "not_filed"),
        ("被骗三万元，报案后派出所不予立案", "refused"),
        ("公安机关作出不立案决定", "refused"),
        ("当初立了案，后来突然通知说案子撤了", "withdrawn"),
        ("偷了我五千元的东西，派出所只罚了他五百块", "penalised"),
        ("案子立了快两年了，一点进展都没有", "stalled"),
        ("嫌疑人已经抓了，案子也移送起诉了", "prosecuted"),
        ("派出所已经立案了，希望加快侦办", "filed"),
        ("我当时就打了110，之后再没人联系过我", "reported"),
        ("请求公安机关依法立案侦查", None),
    ],
)
def test_pipeline_stated_status_of_the_report(text: str, status: str | None) -> None:
    assert clue_miner.extract(text).facts.stated_status == status


@pytest.mark.parametrize(
    ("text", "injury", "presumed"),
    [
        ("他把我按在地上踹，我右边三根肋骨骨折，住院十天", "轻伤二级", True),
        ("他推了我一下，手臂擦伤", "轻微伤", True),
        ("他拿水果刀把我捅伤了，缝了十几针", "轻伤二级", True),
        ("被打成轻伤二级，已做鉴定", "轻伤二级", False),
        ("他打了我一拳，幸好没有骨折", None, False),
        ("店主拿刀说“谁敢动我的货老子砍死他”，把执法人员推倒", None, False),
    ],
)
def test_pipeline_injury_fact_presumed_from_what_is_described(text: str, injury: str | None, presumed: bool) -> None:
    facts = clue_miner.extract(text).facts
    assert facts.injury == injury
    assert ("伤情推定" in facts.flags) is presumed


def test_pipeline_times_range_read_as_its_lower_bound() -> None:
    assert clue_miner.extract("今年以来他已经来闹了七八次").facts.times == 7


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("该平台以非法集资立案侦查，至今已大半年过去，钱一分没追回", "stalled"),
        ("公安分局于3月立案，但至今没有抓人", "stalled"),
        ("派出所不给立案，至今没有进展", "not_filed"),
    ],
)
def test_pipeline_stated_status_filed_then_left(text: str, status: str) -> None:
    assert clue_miner.extract(text).facts.stated_status == status


@pytest.mark.parametrize(("text", "people"), [("该平台骗走了2000多户家庭的积蓄", 2000), ("涉及5600名受害人", 5600),
                                              ("小区里有3个人在吵架", None)])
def test_pipeline_victim_count_named_without_a_verb(text: str, people: int | None) -> None:
    assert clue_miner.extract(text).facts.people == people


@pytest.mark.parametrize(("text", "records"), [("快递员把四万多条客户姓名电话地址卖给别人", 40000),
                                               ("他给我发了三条短信", None)])
def test_pipeline_personal_information_records_counted(text: str, records: int | None) -> None:
    assert clue_miner.extract(text).facts.records == records


def test_pipeline_pollution_per_se_flags() -> None:
    ext = clue_miner.extract("电镀厂通过暗管把含铬废水排进河里，检测超标四十多倍")
    assert {"暗管排放", "超标三倍"} <= set(ext.facts.flags)
    assert any(o.name == "污染环境" and o.criminal is True for o in ext.offences)


def test_amounts_and_dates_do_not_take_the_pronoun_before_them() -> None:
    """The NER may reach back over the verb's object (骗走[我]5万元); the span stays the amount's."""
    import clue_miner

    for text, label, want in (("李强以投资为名骗走我5万元，派出所不予立案。", "MONEY", "5万元"),
                              ("被偷走我3000元现金", "MONEY", "3000元现金"),
                              ("他2024年3月借我2万元", "MONEY", "2万元")):
        got = [e.text for e in clue_miner.extract(text).entities if e.label == label]
        assert got == [want], (text, got)
