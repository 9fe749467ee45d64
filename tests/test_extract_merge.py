from __future__ import annotations

from clue_miner.extract.merge import merge_entities
from clue_miner.types import Entity


def _e(label: str, start: int, end: int, source: str = "rules") -> Entity:
    return Entity(label, start, end, "x" * (end - start), source=source)


def test_merge_identifier_beats_model_span() -> None:
    ident = _e("ID_NUMBER", 5, 23)
    model = _e("MONEY", 10, 14, source="ner")
    assert merge_entities([[ident], [model]]) == [ident]


def test_merge_person_nests_inside_a_place_or_thing() -> None:
    loc = _e("LOCATION", 0, 6, source="ner")  # 王某某家中 around 王某某: the owner and the scene both stay
    per = _e("PERSON", 0, 3)
    assert merge_entities([[per], [loc]]) == [loc, per]  # outer first at the same start
    item = _e("ITEM", 10, 18, source="ner")  # 瞿某某黑色小挎包一只
    owner = _e("PERSON", 10, 13, source="ner")
    assert merge_entities([[loc, per], [item, owner]]) == [loc, per, item, owner]


def test_merge_nesting_is_for_persons_in_places_and_things_only() -> None:
    loc = _e("LOCATION", 0, 6, source="ner")
    assert merge_entities([[_e("LOCATION", 0, 3)], [loc]]) == [loc]  # a place in a place: one
    assert merge_entities([[_e("ORG", 0, 8, source="ner")], [_e("PERSON", 2, 4)]]) == [_e("ORG", 0, 8, "ner")]
    across = _e("PERSON", 4, 8)  # a person across the place's edge: one of them
    assert len(merge_entities([[across], [loc]])) == 1
    time = _e("TIME", 2, 4)  # a verified time inside a place still beats it
    assert merge_entities([[time, _e("PERSON", 0, 2)], [loc]]) == [_e("PERSON", 0, 2), time]


def test_merge_rule_person_inside_a_model_place_keeps_its_value() -> None:
    text = "进入被害人印某某家中盗窃"
    place = _t(text, "LOCATION", "被害人印某某家中", source="ner")
    rule = _t(text, "PERSON", "印某某", role="victim")
    assert merge_entities([[rule], [place]]) == [place, rule]


def test_merge_keeps_disjoint_in_text_order() -> None:
    a, b = _e("PERSON", 8, 10), _e("PHONE", 0, 11 - 5)
    assert merge_entities([[a, b]]) == [b, a]


def test_merge_drops_empty_spans() -> None:
    assert merge_entities([[_e("PERSON", 3, 3)]]) == []


# -- rule guesses of names and places against a model's spans ------------------------------------

def _t(text: str, label: str, part: str, source: str = "rules", nth: int = 0, **attrs: object) -> Entity:
    start = text.index(part)
    for _ in range(nth):
        start = text.index(part, start + 1)
    return Entity(label, start, start + len(part), part, part, dict(attrs), source=source)


def test_merge_same_person_span_keeps_rule_value_and_takes_model_role() -> None:
    text = "被告人张某某盗窃手机"
    rule = Entity("PERSON", 3, 6, "张某某", "张某某", {"role": "other", "partial": True})
    model = _t(text, "PERSON", "张某某", source="ner", role="suspect")
    (kept,) = merge_entities([[rule], [model]])
    assert kept.source == "rules" and kept.value == "张某某"
    assert kept.attrs["role"] == "suspect" and kept.attrs["partial"] is True


def test_merge_rule_role_wins_when_the_rules_found_one() -> None:
    text = "被张某某打伤"
    rule = _t(text, "PERSON", "张某某", role="suspect")
    model = _t(text, "PERSON", "张某某", source="ner", role="victim")
    assert [e.attrs["role"] for e in merge_entities([[rule], [model]])] == ["suspect"]


def test_merge_model_places_covering_a_rule_guess_win() -> None:
    text = "家住湖南省长沙市"
    rule = _t(text, "LOCATION", "湖南省长沙市")
    a, b = _t(text, "LOCATION", "湖南省", source="ner"), _t(text, "LOCATION", "长沙市", source="ner")
    assert merge_entities([[rule], [a, b]]) == [a, b]


def test_merge_rule_place_the_model_covers_in_part_stays() -> None:
    text = "龙泉驿区大面街道某村有作坊"
    rule = _t(text, "LOCATION", "龙泉驿区大面街道")
    model = _t(text, "LOCATION", "龙泉驿区", source="ner")
    assert merge_entities([[rule], [model]]) == [rule]


def test_merge_leading_characters_do_not_save_a_rule_guess() -> None:
    text = "我家系台湖镇的"
    rule = _t(text, "LOCATION", "系台湖镇")
    model = _t(text, "LOCATION", "台湖镇", source="ner")
    assert merge_entities([[rule], [model]]) == [model]


def test_merge_rule_person_around_a_model_surname_wins() -> None:
    text = "吴先生对记者说"
    rule = _t(text, "PERSON", "吴先生", role="other", title="先生")
    model = _t(text, "PERSON", "吴", source="ner", role="complainant")
    rule = Entity(rule.label, rule.start, rule.end, rule.text, "吴某", rule.attrs)
    (kept,) = merge_entities([[rule], [model]])
    assert (kept.start, kept.end, kept.text) == (0, 1, "吴")  # the name's span, as every corpus marks it
    assert kept.value == "吴某" and kept.attrs["title"] == "先生" and kept.attrs["role"] == "complainant"


def test_merge_rule_name_written_out_keeps_its_span_around_a_shorter_model_name() -> None:
    text = "被告人张某某盗窃"
    rule = _t(text, "PERSON", "张某某")
    model = _t(text, "PERSON", "张某", source="ner", role="suspect")
    (kept,) = merge_entities([[rule], [model]])
    assert kept.text == "张某某" and kept.attrs["role"] == "suspect"


def test_merge_rule_guess_past_a_model_partial_name_takes_the_model_end() -> None:
    text = "贩卖给吸毒人员蒋某某8粒冰毒"
    rule = _t(text, "PERSON", "蒋某某8", role="other")
    model = _t(text, "PERSON", "蒋某某", source="ner", role="victim")
    (kept,) = merge_entities([[rule], [model]])
    assert (kept.text, kept.value, kept.source, kept.attrs["role"]) == ("蒋某某", "蒋某某", "rules", "victim")
    masked = "被告人张某某盗窃"  # a mask past the model's end is no guess: the rule's span stays
    (kept,) = merge_entities([[_t(masked, "PERSON", "张某某")], [_t(masked, "PERSON", "张某", source="ner")]])
    assert kept.text == "张某某"


def test_merge_rule_name_across_a_model_name_edge_gives_way() -> None:
    text = "我和白林同志结婚"
    rule = Entity("PERSON", 3, 6, "林同志", "林某", {"role": "other", "title": "同志"})
    model = _t(text, "PERSON", "白林", source="ner")
    assert merge_entities([[rule], [model]]) == [model]


def test_merge_prose_lets_the_model_alone_speak_for_names_and_places() -> None:
    text = "亚洲金融市场动荡，刘总说"
    market = _t(text, "LOCATION", "亚洲金融市场")
    boss = Entity("PERSON", 9, 11, "刘总", "刘某", {"role": "other", "title": "总"})
    asia = _t(text, "LOCATION", "亚洲", source="ner", prose=True)
    (kept,) = merge_entities([[market, boss], [asia]])
    assert kept.text == "亚洲" and "prose" not in kept.attrs  # the mark does not leave the merge
    # the same rule guesses stay where the text is a case narrative (no prose mark)
    asia_case = _t(text, "LOCATION", "亚洲", source="ner")
    assert [e.text for e in merge_entities([[market, boss], [asia_case]])] == ["亚洲金融市场", "刘总"]


def test_merge_model_time_and_money_spans_take_the_rule_values() -> None:
    text = "2018年8月份的一天，窃得现金人民币200元"
    time = Entity("TIME", 0, 8, "2018年8月份", "2018-08", {"grain": "month"})
    money = Entity("MONEY", 17, 24, "人民币200元", 200.0, {"approx": False})
    m_time = _t(text, "TIME", "2018年8月份的一天", source="ner")
    m_money = Entity("MONEY", 15, 24, "现金人民币200元", None, {}, source="ner")
    got = merge_entities([[time, money], [m_time, m_money]])
    assert [(e.text, e.value, e.source) for e in got] == [
        ("2018年8月份的一天", "2018-08", "rules"), ("现金人民币200元", 200.0, "rules")]


def test_merge_model_time_range_keeps_both_rule_values() -> None:
    text = "2017年4月29日至2018年4月26日期间，盗窃"
    a = Entity("TIME", 0, 10, "2017年4月29日", "2017-04-29", {"grain": "day"})
    b = Entity("TIME", 11, 21, "2018年4月26日", "2018-04-26", {"grain": "day"})
    span = _t(text, "TIME", "2017年4月29日至2018年4月26日期间", source="ner")
    (kept,) = merge_entities([[a, b], [span]])
    assert kept.text == span.text and kept.value == "2017-04-29" and kept.attrs["end"] == "2018-04-26"


def test_merge_model_time_cutting_rule_times_gives_way_and_model_only_time_stays() -> None:
    text = "2017年4月29日至2018年4月26日，同年5月"
    a = Entity("TIME", 0, 10, "2017年4月29日", "2017-04-29", {"grain": "day"})
    b = Entity("TIME", 11, 21, "2018年4月26日", "2018-04-26", {"grain": "day"})
    cut = Entity("TIME", 5, 15, text[5:15], None, {}, source="ner")
    alone = _t(text, "TIME", "同年5月", source="ner")
    money = Entity("MONEY", 22, 26, "同年5月", None, {}, source="ner")  # a model amount without a value goes
    assert merge_entities([[a, b], [cut, alone, money]]) == [a, b, alone]


def test_merge_model_person_longer_than_rule_person_wins() -> None:
    text = "被告人张某欢贩卖"
    rule = _t(text, "PERSON", "张某")
    model = _t(text, "PERSON", "张某欢", source="ner", role="suspect")
    assert merge_entities([[rule], [model]]) == [model]


def test_merge_rule_names_without_model_spans_stay() -> None:
    text = "老王和王经理在村口开设赌场"
    a, b = _t(text, "PERSON", "老王"), _t(text, "PERSON", "王经理")
    other = _t(text, "LOCATION", "村口", source="ner")
    assert merge_entities([[a, b], [other]]) == [a, b, other]


def test_merge_times_and_injuries_beat_longer_model_spans() -> None:
    text = "一个戴帽子的男的10月3号下午来过，住院十天"
    time = _t(text, "TIME", "10月3号下午")
    injury = _t(text, "INJURY", "住院十天")
    item = _t(text, "ITEM", "一个戴帽子的男的10月3号下午来过", source="ner")
    org = _t(text, "ORG", "住院十天", source="ner")
    assert merge_entities([[time, injury], [item, org]]) == [time, injury]
