from __future__ import annotations

from datetime import datetime

import pytest

from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.rules.identifiers import check_id, find, luhn_ok
from clue_miner.types import Entity

CTX = RuleContext(received_at=datetime(2024, 5, 1))


def _find(text: str, label: str | None = None) -> list[Entity]:
    ents = find(text, CTX)
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert e.source == "rules"
    return [e for e in ents if label is None or e.label == label]


@pytest.mark.parametrize(
    "text, value",
    [
        ("他的手机号是13812345678，快打", "13812345678"),
        ("电话138 1234 5678有人接", "13812345678"),
        ("联系138-1234-5678", "13812345678"),
        ("号码+86 139 1234 5678", "13912345678"),
        ("拨打8615912345678", "15912345678"),
        ("0086-17712345678是骗子的号", "17712345678"),
    ],
)
def test_identifiers_mobile_forms(text: str, value: str) -> None:
    phones = _find(text, "PHONE")
    assert [p.value for p in phones] == [value]
    assert phones[0].attrs["kind"] == "mobile"


def test_identifiers_landlines_need_format_or_cue() -> None:
    text = "座机(0731)88886666，办公室0731-88886666转123，北京010-62345678-123"
    phones = _find(text, "PHONE")
    assert [p.value for p in phones] == ["073188886666", "073188886666", "01062345678"]
    assert phones[1].attrs["extension"] == "123"
    assert all(p.attrs["kind"] == "landline" for p in phones)
    assert [p.value for p in _find("联系电话：88886666", "PHONE")] == ["88886666"]
    assert _find("共有88886666人次", "PHONE") == []  # no cue: a count, not a phone


def test_identifiers_service_numbers() -> None:
    phones = _find("我拨打95588客服，又打了400-123-4567都没人管", "PHONE")
    assert [(p.value, p.attrs["kind"]) for p in phones] == [("95588", "service"), ("4001234567", "service")]
    assert _find("罚款95588元", "PHONE") == []


def test_identifiers_masked_phone_kept_without_value() -> None:
    (p,) = _find("对方手机138****5678一直关机", "PHONE")
    assert p.text == "138****5678"
    assert p.value is None
    assert p.attrs == {"kind": "mobile", "masked": True, "pattern": "138****5678"}


def test_identifiers_not_phones_order_numbers_and_amounts() -> None:
    assert _find("订单号13812345678已发货", "PHONE") == []
    assert _find("损失13812345678元", "PHONE") == []
    assert _find("编号2138123456789", "PHONE") == []  # part of a longer number


def test_identifiers_id_number_checksum_and_attrs() -> None:
    (e,) = _find("嫌疑人身份证号11010519491231002X，住北京", "ID_NUMBER")
    assert e.value == "11010519491231002X"
    assert e.attrs == {"birth_date": "1949-12-31", "sex": "F"}
    (e,) = _find("身份证440307198508152611", "ID_NUMBER")
    assert e.attrs["sex"] == "M"


def test_identifiers_id_bad_checksum_rejected() -> None:
    assert _find("身份证430102199003071235", "ID_NUMBER") == []
    assert check_id("430102199003071235") is None
    assert check_id("430102199013071234") is None  # month 13


def test_identifiers_legacy_id_and_lowercase_x() -> None:
    (e,) = _find("老身份证110105491231002", "ID_NUMBER")
    assert e.attrs == {"birth_date": "1949-12-31", "sex": "F", "legacy": True}
    (e,) = _find("证件号11010519491231002x", "ID_NUMBER")
    assert e.value == "11010519491231002X"


def test_identifiers_full_width_digits() -> None:
    text = "身份证１１０１０５１９４９１２３１００２Ｘ"
    (e,) = _find(text, "ID_NUMBER")
    assert e.value == "11010519491231002X"
    assert e.text == "１１０１０５１９４９１２３１００２Ｘ"


def test_identifiers_bank_card_luhn_and_cue() -> None:
    (e,) = _find("转账到卡号6222021234567890128的账户", "BANK_CARD")
    assert e.value == "6222021234567890128"
    assert luhn_ok("4367421234567896")
    assert [c.value for c in _find("建行储蓄卡4367 4212 3456 7896", "BANK_CARD")] == ["4367421234567896"]
    assert [c.value for c in _find("6222021234567890128", "BANK_CARD")] == ["6222021234567890128"]  # 62 prefix


def test_identifiers_bank_card_rejections() -> None:
    assert _find("卡号6222021234567890127", "BANK_CARD") == []  # Luhn fails
    assert _find("编号4367421234567896", "BANK_CARD") == []  # no cue, no 62 prefix
    assert _find("银行卡号440307198508152611", "BANK_CARD") == []  # an ID number wins
    assert [e.label for e in _find("银行卡号440307198508152611")] == ["ID_NUMBER"]


@pytest.mark.parametrize(
    "text, value",
    [
        ("车牌浙A·12345停在门口", "浙A12345"),
        ("粤B12345的司机", "粤B12345"),
        ("新能源车湘A-D12345", "湘AD12345"),
        ("京A12345学的教练车", "京A12345学"),
        ("小写的苏e 54321", "苏E54321"),
    ],
)
def test_identifiers_plates(text: str, value: str) -> None:
    assert [p.value for p in _find(text, "PLATE")] == [value]


def test_identifiers_anonymised_places_are_not_plates() -> None:
    for text in ("湘A市A3区的居民", "家住A2区", "粤A市B县K9县郡", "京ABCDE1"):
        assert _find(text, "PLATE") == []


def test_identifiers_accounts() -> None:
    ents = _find("他的微信号：zhang_san88，QQ号123456789，支付宝账号13812345678，vx: abcde1")
    got = [(e.label, e.value, e.attrs["platform"]) for e in ents]
    assert got == [
        ("ACCOUNT", "zhang_san88", "wechat"),
        ("ACCOUNT", "123456789", "qq"),
        ("ACCOUNT", "13812345678", "alipay"),
        ("ACCOUNT", "abcde1", "wechat"),
    ]
    assert ents[2].attrs["handle_kind"] == "phone"
    assert [e.value for e in _find("邮箱12345678@qq.com", "ACCOUNT")] == ["12345678"]


def test_identifiers_account_negatives() -> None:
    assert _find("微信c1903班级群里", "ACCOUNT") == []  # a bare cue glued to a word
    assert _find("微信公众号发了通知", "ACCOUNT") == []
    assert _find("QQ群123456里", "ACCOUNT") == []


def test_identifiers_empty_and_plain_text() -> None:
    assert find("", CTX) == []
    assert find("小区门口的路灯坏了三个月，没人修。", CTX) == []


def test_identifiers_service_number_alone_passes_prefilter() -> None:
    assert [p.value for p in _find("我拨打95598电力客服", "PHONE")] == ["95598"]
