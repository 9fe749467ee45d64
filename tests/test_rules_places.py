from __future__ import annotations

import pytest

from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.rules.places import find
from clue_miner.types import Entity

CTX = RuleContext()


def _find(text: str) -> list[Entity]:
    ents = find(text, CTX)
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert e.label in ("LOCATION", "ORG") and e.source == "rules"
    return ents


def _spans(text: str) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in _find(text)]


def test_places_admin_chain_merged() -> None:
    assert _spans("家住湖南省长沙市岳麓区麓山路123号1单元502室") == [
        ("LOCATION", "湖南省长沙市岳麓区麓山路123号1单元502室")
    ]


def test_places_anonymised_board_units() -> None:
    assert _spans("座落在A市A3区联丰路米兰春天G2栋320，一家影楼") == [("LOCATION", "A市A3区联丰路米兰春天G2栋320")]
    assert _spans("我是K9县郡的居民") == [("LOCATION", "K9县郡")]
    assert _spans("西地省E市人") == [("LOCATION", "西地省E市")]


@pytest.mark.parametrize(
    "text, span",
    [
        ("家住万家丽中路", "万家丽中路"),
        ("沿着中山路走", "中山路"),
        ("位于桂花坪街道", "桂花坪街道"),
        ("龙子坪村毛垭组村民", "龙子坪村毛垭组"),
        ("我住景蓉华苑小区", "景蓉华苑小区"),
        ("在三一大道上", "三一大道"),
    ],
)
def test_places_roads_estates_villages(text: str, span: str) -> None:
    assert _spans(text) == [("LOCATION", span)]


def test_places_building_and_room_alone() -> None:
    assert _spans("楼上1单元502室一直漏水") == [("LOCATION", "1单元502室")]
    assert _spans("住在3楼") == []  # a bare floor is no address


def test_places_police_orgs() -> None:
    assert _spans("到A市城南路派出所报案") == [("ORG", "A市城南路派出所")]
    (e,) = _find("A市公安局A2区分局不立案")
    assert (e.text, e.attrs["kind"]) == ("A市公安局A2区分局", "police")


def test_places_org_then_address_part() -> None:
    got = _spans("位于A市A2区桂花坪街道的A2区公安分局宿舍区")
    assert got == [("LOCATION", "A市A2区桂花坪街道"), ("ORG", "A2区公安分局"), ("LOCATION", "宿舍区")]


@pytest.mark.parametrize(
    "text, span, kind",
    [
        ("中国建设银行长沙分行营业部", "中国建设银行长沙分行营业部", "bank"),
        ("钱存在长沙银行", "长沙银行", "bank"),
        ("深圳市腾讯计算机系统有限公司", "深圳市腾讯计算机系统有限公司", "company"),
        ("该小区的物业公司美顺物业扬言", "美顺物业", "property"),
        ("中南大学湘雅医院", "中南大学湘雅医院", "hospital"),
        ("孩子在砂子塘小学读书", "砂子塘小学", "school"),
        ("A市检察院不受理", "A市检察院", "procuratorate"),
        ("我打了12345热线", "12345热线", "hotline"),
        ("请税务局查一下", "税务局", "government"),
    ],
)
def test_places_orgs(text: str, span: str, kind: str) -> None:
    ents = [e for e in _find(text) if e.label == "ORG"]
    assert [(e.text, e.attrs["kind"]) for e in ents] == [(span, kind)]


@pytest.mark.parametrize(
    "text",
    [
        "我在超市买菜",
        "城市管理很差",
        "在高速公路上",
        "去银行取钱",
        "该公司不退钱",
        "希望政府重视",
        "大力发展公立幼儿园",
        "一线城市",
        "这条马路",
        "小区门口",
        "派出所不管",
        "请人民医院",
        "7组电瓶31只",
    ],
)
def test_places_generic_words_are_not_places(text: str) -> None:
    assert _find(text) == []


def test_places_names_stop_at_verbs_and_prepositions() -> None:
    assert _spans("督促西地省尽快处理") == [("LOCATION", "西地省")]
    assert _spans("整改问题，根据西地省广花实业发展有限公司的合同") == [("ORG", "西地省广花实业发展有限公司")]


def test_places_full_width_text() -> None:
    (e,) = _find("座落在Ａ市Ａ３区")
    assert e.text == "Ａ市Ａ３区" and e.value == "A市A3区"


def test_places_empty() -> None:
    assert find("", CTX) == []
    assert find("没有地址的一句话。", CTX) == []


@pytest.mark.parametrize("text", ["现在许多银行对客户收费", "很多幼儿园收费太高", "一家装修公司骗了我", "部分小学不按时放学"])
def test_places_quantified_mentions_are_not_names(text: str) -> None:
    assert _spans(text) == []


def test_places_quantifier_is_cut_off_a_named_org() -> None:
    assert _spans("是35家航空公司及机场之一") == [("ORG", "航空公司")]
    assert _spans("我在招商银行长沙分行办的卡") == [("ORG", "招商银行长沙分行")]
