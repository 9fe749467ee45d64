from __future__ import annotations

import pytest

from clue_miner.link.names import (
    mask_of,
    masked_phone,
    normalize_account,
    normalize_id,
    normalize_phone,
    normalize_plate,
    parse_name,
    place_sites,
    place_tokens,
    regex_summary_extractor,
    surname_of,
)


@pytest.mark.parametrize(
    ("raw", "surname"),
    [("张某", "张"), ("张某某", "张"), ("欧阳某", "欧阳"), ("老王", "王"), ("姓刘的", "刘"), ("刘先生", "刘"),
     ("陈女士", "陈"), ("李总", "李"), ("罗**", "罗"), ("欧阳*", "欧阳")],
)
def test_link_names_partial_forms(raw: str, surname: str) -> None:
    info = parse_name(raw)
    assert info is not None and info.partial and info.surname == surname and info.pinyin is None


def test_link_names_full_names() -> None:
    info = parse_name("张晓明")
    assert info is not None and not info.partial
    assert info.surname == "张" and info.pinyin == "zhangxiaoming"
    assert parse_name("欧阳娜娜").surname == "欧阳"  # type: ignore[union-attr]
    assert surname_of("司马光") == "司马"
    # homophones share pinyin
    assert parse_name("章伟").pinyin == parse_name("张玮").pinyin  # type: ignore[union-attr]


def test_link_names_extractor_attrs_win() -> None:
    info = parse_name("阿强", True, "王")
    assert info is not None and info.partial and info.surname == "王"


@pytest.mark.parametrize("raw", ["匿名", "不详", "张", "", "张3", "嫌疑人"])
def test_link_names_junk(raw: str) -> None:
    assert parse_name(raw) is None


def test_link_names_identifiers() -> None:
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    assert normalize_phone("0571-87654321") == "057187654321"
    assert normalize_phone("110") is None
    assert normalize_id("11010519491231002x") == "11010519491231002X"
    assert normalize_id("123") is None
    assert normalize_plate("浙A·12345") == "浙A12345"


def test_link_names_masked_phones_and_accounts() -> None:
    assert masked_phone("133****0786") == "133*0786"
    assert masked_phone("1330786") == "133*0786"  # a mask already stripped by the reader
    assert masked_phone("13800138000") is None and masked_phone("5123456") is None
    assert mask_of("13812340786") == "138*0786" and mask_of("057187654321") is None
    assert normalize_account("6222 0200 1234 5678") == "6222020012345678"
    assert normalize_account("WXID_Ab12") == "wxid_ab12"


def test_link_names_place_tokens() -> None:
    areas, streets = place_tokens("西湖区", "浙江省杭州市西湖区三墩镇文三路138号")
    assert areas == ["西湖区"]
    assert streets == ["三墩镇", "文三路"]
    assert place_tokens(None, None) == ([], [])
    # anonymised exports; communities count as streets
    assert place_tokens(None, "G市G2区迎宾大道紫薇小区") == (["G2区"], ["迎宾大道", "紫薇小区"])


def test_link_names_place_sites() -> None:
    assert place_sites(place_tokens(None, "B市B4区望城中路泰和苑")[1]) == ["泰和苑"]
    assert place_sites(["书香嘉园", "小区"]) == ["书香嘉园"]
    assert place_sites(["书香嘉园小区"]) == ["书香嘉园"]  # 小区 dropped when a name remains
    assert place_sites(["文三路", "三墩镇", "花园", "嘉园"]) == []  # roads, towns, bare suffixes
    # masked sites of anonymised exports and fragments of an administrative name name nothing
    assert place_sites(["某小区", "镇某村", "区临园"]) == []


def test_link_names_regex_summary_extractor() -> None:
    text = "报案人王芳（13900000001）称其车辆浙A12345被盗，派出所电话0571-87654321。"
    (ex,) = regex_summary_extractor([text])
    values = {(e.label, e.value) for e in ex.entities}
    assert ("PHONE", "13900000001") in values
    assert ("PHONE", "057187654321") in values
    assert ("PLATE", "浙A12345") in values
    (dated,) = regex_summary_extractor(["经查，2023年5月8日21时许，吕某在2023-05-09报警"])
    assert [e.value for e in dated.entities if e.label == "TIME"] == ["2023-05-08", "2023-05-09"]
    for e in ex.entities:
        assert text[e.start:e.end] == e.text
