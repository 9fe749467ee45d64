"""Issue 9: entities through extract() keep what the NER knows — nested owners, codes, weights, prose."""

from __future__ import annotations

import pytest

from clue_miner.extract.merge import merge_entities
from clue_miner.extract.ner.model import _CODE, NerModel, _reads_amount, _resolve
from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.rules.persons import find as find_persons
from clue_miner.types import Entity


@pytest.fixture(scope="module")
def model(shipped_ner: NerModel) -> NerModel:
    return shipped_ner


# -- the profile's resolution of head spans (start, end, head rank, key) -----------------------------

def test_resolve_keeps_a_place_around_its_owner_nested() -> None:
    person = (5, 8, 0, "PERSON:victim")
    place = (0, 10, 1, "LOCATION")  # 上海市**区被害人印某某家中 around 印某某
    assert _resolve([place, person]) == [place, person]


def test_resolve_keeps_one_span_where_a_place_cuts_a_person() -> None:
    person = (5, 8, 0, "PERSON:victim")
    across = (6, 12, 1, "LOCATION")
    assert _resolve([across, person]) == [person]


def test_resolve_a_later_heads_person_does_not_cut_an_earlier_heads_span() -> None:
    weight = (10, 15, 1, "QUANTITY")  # the drug head's 0.18克 …
    guess = (14, 16, 2, "PERSON")  # … and the news head's 克海 across it
    assert _resolve([guess, weight]) == [weight]


def test_money_spans_without_an_amount_and_names_with_codes_are_recognised() -> None:
    assert _reads_amount("现金人民币200元") and _reads_amount("150元")
    assert not _reads_amount("3.68克") and not _reads_amount("五十克")
    for code in ("皖K*****", "渝FDQ**", "62284804785********", "沪HZXXXX", "A1822371****"):
        assert _CODE.search(code), code
    for name in ("张**1", "**市**区**街*号**店", "长宁区凯旋路XXX号", "王XX", "G318国道", "Maxx"):
        assert not _CODE.search(name), name


# -- rules ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "want"), [
    ("被民警查获，从其身上查获毒品", []),  # a rare surname that reads as a word is the word
    ("贩卖给吸毒人员蒋某某8粒毒品", ["蒋某某"]),  # a digit before a measure word counts things
    ("卖给陆某某1小包冰毒", ["陆某某"]),
    ("途经过某某公路时被查获", []),  # 经过: a rare surname glued to the word before it
    ("被告人王某1、王某2盗窃", ["王某1", "王某2"]),  # indices stay
    ("民警钱勇到场", ["钱勇"]),
])
def test_rule_persons_read_words_and_counts(text: str, want: list[str]) -> None:
    assert [e.text for e in find_persons(text, RuleContext())] == want


# -- merge with the prose flag --------------------------------------------------------------------

def test_merge_on_prose_drops_rule_guesses_even_where_the_model_found_no_name() -> None:
    text = "今后机构改革不能走老路"
    road = Entity("LOCATION", 8, 11, "走老路", "走老路", {}, source="rules")
    phone = Entity("PHONE", 0, 2, text[:2], "1", {}, source="rules")
    assert merge_entities([[road, phone], []], prose=True) == [phone]
    assert merge_entities([[road, phone], []]) == [phone, road]  # a case narrative keeps the rules' guess


# -- through the shipped model --------------------------------------------------------------------

def test_extract_keeps_the_owner_inside_the_crime_scene(model: NerModel) -> None:
    from clue_miner.extract.pipeline import Pipeline

    text = "2018年6月10日，被告人姜某某在如东县**镇**村**组**号被害人郁某某宅，窃得黄金戒指两枚。"
    ents = Pipeline(ner=model)(text).entities
    for e in ents:
        assert text[e.start:e.end] == e.text
    persons = {e.text: e for e in ents if e.label == "PERSON"}
    assert persons["郁某某"].attrs["role"] == "victim" and persons["姜某某"].attrs["role"] == "suspect"
    places = [e for e in ents if e.label == "LOCATION"]
    victim = persons["郁某某"]
    assert any(p.start <= victim.start and victim.end <= p.end for p in places)  # nested, both kept
    # only persons nest: every other pair of entities is disjoint
    flat = sorted((e for e in ents if e.label != "PERSON" or not any(
        p.start <= e.start and e.end <= p.end for p in places)), key=lambda e: e.start)
    assert all(a.end <= b.start for a, b in zip(flat, flat[1:], strict=False))


def test_reads_as_prose(model: NerModel) -> None:
    assert model.reads_as_prose("今后机构改革无论如何也不能走老路。")
    assert not model.reads_as_prose("我家的电动车被偷了，请求派出所立案。")
    assert model.reads_as_prose("有的是自己偷偷去的。")  # 偷偷 is "secretly", no theft
    assert not model.for_corpus("news").reads_as_prose("今后机构改革不能走老路。")  # per-corpus views: no route
