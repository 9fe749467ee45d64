from __future__ import annotations

from datetime import datetime

from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.rules.money_time import find

ANCHOR = datetime(2024, 3, 15, 10, 0)


def test_rules_money_time_entities_with_offsets():
    text = "我于2024年3月1日在网上刷单被骗人民币5.2万元，昨晚9点又被骗了三千多元。"
    ents = find(text, RuleContext(received_at=ANCHOR))
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert e.source == "rules"
    got = [(e.label, e.text, e.value) for e in ents]
    assert got == [
        ("TIME", "2024年3月1日", "2024-03-01"),
        ("MONEY", "人民币5.2万元", 52000.0),
        ("TIME", "昨晚9点", "2024-03-14T21:00"),
        ("MONEY", "三千多元", 3000.0),
    ]
    money = [e for e in ents if e.label == "MONEY"]
    assert [e.attrs for e in money] == [{"approx": False}, {"approx": True}]
    time = [e for e in ents if e.label == "TIME"]
    assert time[0].attrs == {"grain": "day", "relative": False, "approx": False}
    assert time[1].attrs == {"grain": "hour", "relative": True, "approx": False}


def test_rules_money_time_without_anchor():
    text = "上个月15号被骗了2万块"
    ents = find(text, RuleContext())
    assert [(e.label, e.text, e.value) for e in ents] == [
        ("TIME", "上个月15号", None),
        ("MONEY", "2万块", 20000.0),
    ]
    assert ents[0].attrs["relative"] is True


def test_rules_money_time_values_are_json_friendly():
    ents = find("2019年5月12日借给他1,200元", RuleContext(received_at=ANCHOR))
    assert all(isinstance(e.value, float | str) for e in ents)
    assert [e.to_dict()["value"] for e in ents] == ["2019-05-12", 1200.0]


def test_rules_money_time_no_false_entities():
    text = "我今年35岁，住在3号楼5楼，电话13812345678，小区有3万人。"
    ents = find(text, RuleContext(received_at=ANCHOR))
    assert [e.text for e in ents] == ["今年"]


def test_rules_money_time_empty_text():
    assert find("", RuleContext()) == []


def test_rules_money_time_spoken_shorthand():
    text = "上个月在网上被人骗了四万八，后来又转了5万3给他"
    ents = find(text, RuleContext(received_at=ANCHOR))
    money = [e for e in ents if e.label == "MONEY"]
    for e in money:
        assert text[e.start : e.end] == e.text
    assert [(e.text, e.value) for e in money] == [("四万八", 48000.0), ("5万3", 53000.0)]


def test_rules_money_time_shorthand_no_false_entities():
    text = "一共来了三万五千人，5月3日3点5分，千万不要万一"
    ents = find(text, RuleContext(received_at=ANCHOR))
    assert [e for e in ents if e.label == "MONEY"] == []


def test_numbered_item_glued_to_a_year_keeps_the_date() -> None:
    from clue_miner.extract.rules.money_time import find as find_mt

    text = "3.2017年5月20日，被告人周某盗走电缆；12．2018年1月3日再次作案，共计3.5万元"
    times = [(e.text, e.value) for e in find_mt(text) if e.label == "TIME"]
    assert times == [("2017年5月20日", "2017-05-20"), ("2018年1月3日", "2018-01-03")]
    for e in find_mt(text):
        assert text[e.start:e.end] == e.text
    assert [e.value for e in find_mt(text) if e.label == "MONEY"] == [35000.0]
