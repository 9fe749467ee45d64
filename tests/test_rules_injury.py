from __future__ import annotations

import pytest

from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.rules.injury import find
from clue_miner.types import Entity

CTX = RuleContext()


def _find(text: str) -> list[Entity]:
    ents = find(text, CTX)
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert e.label == "INJURY"
    return ents


@pytest.mark.parametrize(
    "text, value",
    [
        ("经鉴定为轻伤二级", "轻伤二级"),
        ("鉴定结论为轻微伤", "轻微伤"),
        ("损伤程度为重伤一级", "重伤一级"),
        ("被打成二级轻伤", "轻伤二级"),
        ("伤情为轻伤（一级）", "轻伤一级"),
        ("构成轻伤", "轻伤"),
        ("致人重伤", "重伤"),
        ("被害人经抢救无效死亡", "死亡"),
        ("当场身亡", "死亡"),
        ("被活活打死", "死亡"),
    ],
)
def test_injury_grades(text: str, value: str) -> None:
    (e,) = _find(text)
    assert e.value == value
    assert e.attrs["kind"] == "grade"


def test_injury_appraised_cue() -> None:
    (e,) = _find("经法医鉴定，赵某的伤情系轻伤二级。")
    assert e.attrs.get("appraised") is True
    (e,) = _find("他把我打成轻伤")
    assert "appraised" not in e.attrs


def test_injury_negation_kept_but_flagged() -> None:
    (e,) = _find("伤情未达到轻伤")
    assert e.value == "轻伤" and e.attrs["negated"] is True
    first, second = _find("不构成轻伤，只是轻微伤")
    assert first.attrs.get("negated") is True
    assert "negated" not in second.attrs
    (e,) = _find("鉴定为轻微伤以下")
    assert e.attrs["negated"] is True
    (e,) = _find("非法拘禁致人重伤")  # 非法 is no negation
    assert "negated" not in e.attrs


def test_injury_uncertain() -> None:
    (e,) = _find("如果造成轻伤就要立案")
    assert e.attrs["uncertain"] is True


def test_injury_descriptions() -> None:
    ents = _find("我父亲被打骨折，头上缝了8针，住院15天，还有脑震荡")
    got = [(e.value, e.attrs["description"]) for e in ents]
    assert got == [(None, "骨折"), (None, "缝针"), (None, "住院"), (None, "脑震荡")]
    assert ents[1].attrs["stitches"] == 8
    assert ents[2].attrs["days"] == 15
    assert all(e.attrs["kind"] == "description" for e in ents)


def test_injury_chinese_numerals_in_stitches() -> None:
    (e,) = _find("头上缝了十二针")
    assert e.attrs["stitches"] == 12


def test_injury_fracture_with_body_part_is_one_span() -> None:
    (e,) = _find("右侧肋骨骨折")
    assert e.text == "肋骨骨折"


def test_injury_disability_grade() -> None:
    (e,) = _find("经鉴定为九级伤残")
    assert e.attrs["description"] == "伤残" and e.attrs["grade"] == "九级伤残"


def test_injury_negated_description() -> None:
    (e,) = _find("没有骨折，只是擦伤")[:1]
    assert e.attrs["negated"] is True


@pytest.mark.parametrize(
    "text",
    ["气死了", "死亡率很高", "打死也不说", "残疾人补贴发放", "打了三针疫苗", "严重伤害了业主权益", "去住院部缴费"],
)
def test_injury_negatives(text: str) -> None:
    assert _find(text) == []


def test_injury_full_width_digits() -> None:
    text = "缝了８针"
    (e,) = _find(text)
    assert e.text == "缝了８针" and e.attrs["stitches"] == 8


def test_injury_bare_stitches_still_found() -> None:
    (e,) = _find("伤口12针")
    assert e.text == "12针" and e.attrs["stitches"] == 12


def test_injury_long_numeral_run_is_linear() -> None:
    # A bare ``8针`` used to be tried at every digit of a run, each try rescanning the rest of the
    # run: 200k digits took minutes. Now it starts only where a numeral run starts.
    import time

    for text in ("1" * 200_000, "一" * 200_000, "1" * 200_000 + "针"):
        t0 = time.perf_counter()
        _find(text)
        assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize("text", ["他从七楼外架上摔下去，当场就不行了", "一条人命，难道赔了钱就完了吗"])
def test_injury_death_told_in_everyday_words(text: str) -> None:
    assert [e.value for e in find(text, RuleContext())] == ["死亡"]


@pytest.mark.parametrize("text", ["他说要把我摔死，你信不信", "气死我了"])
def test_injury_threats_and_idioms_are_no_death(text: str) -> None:
    assert all(e.value != "死亡" for e in find(text, RuleContext()))
