from __future__ import annotations

import pytest

from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.rules.persons import find
from clue_miner.types import Entity

CTX = RuleContext()


def _find(text: str) -> list[Entity]:
    ents = find(text, CTX)
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert e.label == "PERSON" and e.source == "rules"
        assert {"role", "surname", "partial", "title"} <= set(e.attrs)
    return ents


def _roles(text: str) -> list[tuple[str, str | None, str]]:
    return [(e.text, e.value, e.attrs["role"]) for e in _find(text)]


@pytest.mark.parametrize(
    "text, mention, value",
    [
        ("张某某在门口站着", "张某某", "张某某"),
        ("后来王某1也来了", "王某1", "王某1"),
        ("李×1和我吵架", "李×1", "李某1"),
        ("有个张XX一直打电话", "张XX", "张某某"),
        ("王**在群里说", "王**", "王某某"),
        ("黄2某在场", "黄2某", "黄2某"),
        ("欧阳某某当时在", "欧阳某某", "欧阳某某"),
    ],
)
def test_persons_partial_forms(text: str, mention: str, value: str) -> None:
    (e,) = _find(text)
    assert (e.text, e.value) == (mention, value)
    assert e.attrs["partial"] is True and e.attrs["surname"] == value[: len(e.attrs["surname"])]


def test_persons_lao_xiao_and_titles() -> None:
    got = _roles("老王说刘老板和陈总都知道，李师傅也在")
    assert got == [("老王", "王某", "other"), ("刘老板", "刘某", "other"), ("陈总", "陈某", "other"),
                   ("李师傅", "李某", "other")]
    (e,) = _find("刘老板跑路了")
    assert e.attrs["title"] == "老板" and e.attrs["role"] == "suspect"


def test_persons_xing_forms() -> None:
    (e,) = _find("一个姓刘的男子骗了我")
    assert (e.text, e.value, e.attrs["partial"], e.attrs["gender"]) == ("姓刘的男子", "刘某", True, "M")
    (e,) = _find("听说是姓刘的，跑了")
    assert (e.text, e.value) == ("姓刘的", "刘某")
    (e,) = _find("有一王姓男子在场")
    assert (e.text, e.value, e.attrs.get("gender")) == ("王姓男子", "王某", "M")


def test_persons_full_names_after_cues() -> None:
    got = _roles("被告人张三于2018年伙同犯罪嫌疑人李四盗窃被害人赵六的手机")
    assert got == [("张三", "张三", "suspect"), ("李四", "李四", "suspect"), ("赵六", "赵六", "victim")]


def test_persons_complainant_and_officer() -> None:
    assert _roles("我叫刘科连，家住A市") == [("刘科连", "刘科连", "complainant")]
    assert _roles("举报人：夏明志2019年3月1日") == [("夏明志", "夏明志", "complainant")]
    assert _roles("办案民警王某说不归他管") == [("王某", "王某", "officer")]
    assert _roles("派出所的赵警官") == [("赵警官", "赵某", "officer")]


def test_persons_witness() -> None:
    assert _roles("证人陈某某看到了全过程") == [("陈某某", "陈某某", "witness")]


def test_persons_list_after_cue_shares_role() -> None:
    got = _roles("被告人罗某、王某某至本区**街道")
    assert got == [("罗某", "罗某", "suspect"), ("王某某", "王某某", "suspect")]


def test_persons_list_of_full_names_with_deng() -> None:
    got = [e.text for e in _find("张三、李四等人多次上门闹事")]
    assert got == ["张三", "李四"]


@pytest.mark.parametrize(
    "text, mention, role",
    [
        ("我被张某骗了三万元", "张某", "suspect"),
        ("张某某将该摩托车盗走", "张某某", "suspect"),
        ("盗走李某某停放在路边的电动车", "李某某", "victim"),
        ("趁王某不备拿走手机", "王某", "victim"),
        ("刘某某家中被盗", "刘某某", "victim"),
        ("陈某伙同他人作案", "陈某", "suspect"),
        ("李某某被打伤住院", "李某某", "victim"),
    ],
)
def test_persons_roles_from_context(text: str, mention: str, role: str) -> None:
    ents = _find(text)
    assert [(e.text, e.attrs["role"]) for e in ents] == [(mention, role)]


def test_persons_role_inherited_by_later_mentions() -> None:
    got = _roles("被告人周某某于当日离开。周某某后来回到住处。")
    assert got == [("周某某", "周某某", "suspect"), ("周某某", "周某某", "suspect")]


def test_persons_kin_victim() -> None:
    (e,) = _find("我父亲被他们打伤了")
    assert (e.text, e.value, e.attrs["role"], e.attrs["kin"]) == ("父亲", None, "victim", "父亲")
    assert _find("我父亲今年七十岁") == []  # only when the relative suffers


@pytest.mark.parametrize(
    "text",
    [
        "高速公路上张贴了通知，王府井周边方面",
        "华夏银行的黄金马路白天江山",
        "金额常常上万元，于是何时能解决",
        "老百姓的小区里老师说小时候",
        "社区主任和公司老板都说",
        "养老金没发",
        "位于某小区，向某部门反映",
        "某些领导不作为",
        "业主权益受损，业主许可",
        "本人曾多次与该公司沟通",
        "29.94平×2291元",
        "**镇**村**组",
        "原所长已调走",
    ],
)
def test_persons_no_false_positives_on_common_words(text: str) -> None:
    assert _find(text) == []


def test_persons_full_width_digits_are_normalised_in_value() -> None:
    (e,) = _find("王某１说")
    assert e.text == "王某１" and e.value == "王某1"


def test_persons_empty() -> None:
    assert find("", CTX) == []


@pytest.mark.parametrize(("text", "name", "role"), [
    ("我是王敏的女儿，替她反映一件事。", "王敏", "victim"),          # on whose behalf the complaint is
    ("替王小红反映，她的电动车被偷了。", "王小红", "victim"),
    ("来电人称被邵巧云殴打，鼻子出血。", "邵巧云", "suspect"),        # 被X打
    ("戴波还威胁要到我单位闹。", "戴波", "suspect"),                 # X威胁
    ("小偷盗走了李建国的电动车。", "李建国", "victim"),              # 盗走X的
    ("派出所的刘明说会处理。", "刘明", "officer"),
    ("我和周立军是多年的朋友。", "周立军", None),                    # nothing decides
])
def test_role_in_context_for_names_a_model_found(text: str, name: str, role: str | None) -> None:
    from clue_miner.extract.rules.persons import role_in_context

    start = text.index(name)
    assert role_in_context(text, start, start + len(name)) == role


def test_persons_ren_before_a_post_is_a_verb() -> None:
    assert _find("彭真同志任主任委员。") == [] and _find("他当过五任县长。") == []
    assert {(e.text, e.value) for e in _find("我找任经理反映，任经理说不退钱。")} == {("任经理", "任某")}
