from __future__ import annotations

from clue_miner.extract.merge import merge_entities
from clue_miner.types import Entity


def _e(label: str, start: int, end: int, source: str = "rules") -> Entity:
    return Entity(label, start, end, "x" * (end - start), source=source)


def test_merge_identifier_beats_model_span() -> None:
    ident = _e("ID_NUMBER", 5, 23)
    model = _e("MONEY", 10, 14, source="ner")
    assert merge_entities([[ident], [model]]) == [ident]


def test_merge_longer_person_wins_over_nested_location() -> None:
    loc = _e("LOCATION", 0, 6, source="ner")
    per = _e("PERSON", 0, 2)
    assert merge_entities([[per], [loc]]) == [loc]


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
    (kept,) = merge_entities([[rule], [model]])
    assert kept.text == "吴先生" and kept.attrs["title"] == "先生" and kept.attrs["role"] == "complainant"


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
