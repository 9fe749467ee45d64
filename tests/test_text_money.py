from __future__ import annotations

import pytest

from clue_miner.text.money import find_money, parse_money
from clue_miner.text.numerals import parse_number

# (cell, yuan, approx)
PARSE_CASES = [
    ("五万块", 50000, False),
    ("伍万元", 50000, False),
    ("5万", 50000, False),
    ("2.3万元", 23000, False),
    ("一千二百元", 1200, False),
    ("两千多", 2000, True),
    ("三千余元", 3000, True),
    ("1,200元", 1200, False),
    ("1200块钱", 1200, False),
    ("十几万", 130000, True),
    ("七八千元", 7000, True),
    ("壹万贰仟元整", 12000, False),
    ("贰万捌仟陆百元", 28600, False),
    ("5.2万元", 52000, False),
    ("约3000元", 3000, True),
    ("3000元左右", 3000, True),
    ("人民币10000元", 10000, False),
    ("￥500", 500, False),
    ("¥1,200.50", 1200.5, False),
    ("500RMB", 500, False),
    ("一百来块", 100, True),
    ("上万元", 10000, True),
    ("几千块", 3000, True),
    ("8k", 8000, False),
    ("3w", 30000, False),
    ("52,000元", 52000, False),
    ("52000", 52000, False),
    ("６０００元", 6000, False),
    ("6000-8000元", 6000, True),
    ("20-30万", 200000, True),
    ("4万7千多元", 47000, True),
    ("18万5千元", 185000, False),
    ("一万二", 12000, False),
    ("10余万元", 100000, True),
    ("将近两万元", 20000, True),
    ("1.2亿元", 120000000, False),
]


@pytest.mark.parametrize(("cell", "value", "approx"), PARSE_CASES)
def test_money_parse_cell(cell, value, approx):
    got = parse_money(cell)
    assert got is not None, cell
    assert got.value == pytest.approx(value)
    assert got.approx is approx


@pytest.mark.parametrize("cell", ["", "abc", "2019年", "三万人", None, "元", "5万公里"])
def test_money_parse_cell_rejects_non_money(cell):
    assert parse_money(cell) is None


def test_money_parse_numbers_pass_through():
    assert parse_money(5200) == (5200.0, False)
    assert parse_money(52.5) == (52.5, False)
    assert parse_money(float("nan")) is None


# (text, expected list of (span text, yuan, approx))
FIND_CASES = [
    ("我被骗了五万块，还有人民币10000元。", [("五万块", 50000, False), ("人民币10000元", 10000, False)]),
    ("他借了我2.3万元，又转账3000元左右", [("2.3万元", 23000, False), ("3000元左右", 3000, True)]),
    ("被骗金额高达400多万", [("400多万", 4_000_000, True)]),
    ("何况还多收了5万多的砍头息", [("5万多", 50000, True)]),
    ("对方让我交了2万定金", [("2万", 20000, False)]),
    ("工资8k，被骗了3w", [("8k", 8000, False), ("3w", 30000, False)]),
    ("约人民币3000元", [("约人民币3000元", 3000, True)]),
    ("花了将近两万元", [("将近两万元", 20000, True)]),
    ("被骗贰万捌仟陆百元现金", [("贰万捌仟陆百元", 28600, False)]),
    ("共计5万元整", [("5万元整", 50000, False)]),
    ("汽车西站就得16块。", [("16块", 16, False)]),
    ("收了我五块钱", [("五块钱", 5, False)]),
    ("投资又是上千万", [("上千万", 10_000_000, True)]),
    ("学费每月2000-3000元不等", [("2000-3000元", 2000, True)]),
    ("最近3000元的款", [("3000元", 3000, False)]),
    ("赔偿￥500给我", [("￥500", 500, False)]),
    ("退我500RMB", [("500RMB", 500, False)]),
    ("网贷借了一百来块", [("一百来块", 100, True)]),
    ("并处一万元以上十万元以下罚款", [("一万元", 10000, False), ("十万元", 100000, False)]),
    ("他欠我1,200元", [("1,200元", 1200, False)]),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES)
def test_money_find_in_text(text, expected):
    got = find_money(text)
    assert [(text[m.start : m.end], m.value, m.approx) for m in got] == [
        (s, pytest.approx(v), a) for s, v, a in expected
    ]


NEGATIVES = [
    "今年35岁，住在5楼",
    "3万人参加了活动",
    "联系电话13812345678",
    "房子1200平方米",
    "又走了一千多米",
    "车牌湘A12345的车",
    "2019年5月12日晚上",
    "现在几万业主要忍受噪音",
    "一块荒地",
    "这一块的路段",
    "我们在一块。",
    "千万不能让他跑了",
    "50万伏的特高压",
    "合同公里数为8万公里",
    "2016年元月份",
    "元旦那天",
    "100美元",
    "10万美元",
    "用了7块纱布",
    "买了三块地",
    "以上十项",
    "A3区G2栋320室",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_money_find_rejects_non_money(text):
    assert find_money(text) == []


def test_money_find_offsets_are_exact():
    text = "2019年5月，他以投资为名骗走我人民币伍万元整，后又借走3000元左右。"
    for m in find_money(text):
        assert text[m.start : m.end]
        assert m.start < m.end
    spans = [text[m.start : m.end] for m in find_money(text)]
    assert spans == ["人民币伍万元整", "3000元左右"]


def test_money_find_never_raises_on_odd_input():
    for s in ["", "元", "万元", "块钱", "￥", "--元", "0元", "1.2.3元", "亿亿万元", "几几几万", "\x00元"]:
        find_money(s)


@pytest.mark.parametrize(
    ("raw", "value", "approx"),
    [
        ("一千二百", 1200, False),
        ("一百零五", 105, False),
        ("一百零一", 101, False),
        ("两千五", 2500, False),
        ("二〇一九", 2019, False),
        ("三四十万", 300000, True),
        ("1万2", 12000, False),
        ("数万", 30000, True),
    ],
)
def test_numerals_parse_number(raw, value, approx):
    got = parse_number(raw)
    assert got is not None
    assert got.value == value
    assert got.approx is approx


# Spoken shorthand: one digit after 万 / 千 is a digit of the next lower unit.
SHORTHAND_CASES = [
    ("我转了5万3给他", [("5万3", 53000, False)]),
    ("被骗了四万八", [("四万八", 48000, False)]),
    ("他借了我两万六", [("两万六", 26000, False)]),
    ("一共三万五", [("三万五", 35000, False)]),
    ("骗走1万2", [("1万2", 12000, False)]),
    ("被骗了3千5", [("3千5", 3500, False)]),
    ("借了他三千五", [("三千五", 3500, False)]),
    ("赔了两千五", [("两千五", 2500, False)]),
    ("被骗1万5千", [("1万5千", 15000, False)]),
    ("砸进去十万八", [("十万八", 108000, False)]),
    ("被骗2万零5百", [("2万零5百", 20500, False)]),
    ("亏了三千五百", [("三千五百", 3500, False)]),
    ("总共两万三左右", [("两万三左右", 23000, True)]),
]


@pytest.mark.parametrize(("text", "expected"), SHORTHAND_CASES)
def test_money_find_spoken_shorthand(text, expected):
    got = find_money(text)
    assert [(text[m.start : m.end], m.value, m.approx) for m in got] == [
        (s, pytest.approx(v), a) for s, v, a in expected
    ]


# New money words in the clause: 放进去, 砸进去, 投了, 充了, 打了, 被套, 一共, 总共, 合计, 前后 …
CONTEXT_CASES = [
    ("放进去二十万", [("二十万", 200000, False)]),
    ("砸进去五万", [("五万", 50000, False)]),
    ("前前后后投了三十万", [("三十万", 300000, False)]),
    ("在平台充了两千", [("两千", 2000, False)]),
    ("给他打了一万二", [("一万二", 12000, False)]),
    ("股市里被套了十几万", [("十几万", 130000, True)]),
    ("损失了五万三", [("五万三", 53000, False)]),
    ("总共两万", [("两万", 20000, False)]),
    ("合计三万五千", [("三万五千", 35000, False)]),
    ("前后转出四万八", [("四万八", 48000, False)]),
]


@pytest.mark.parametrize(("text", "expected"), CONTEXT_CASES)
def test_money_find_new_context_words(text, expected):
    got = find_money(text)
    assert [(text[m.start : m.end], m.value, m.approx) for m in got] == [
        (s, pytest.approx(v), a) for s, v, a in expected
    ]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [("借了一万出头", "一万出头", 10000), ("借了两万来块", "两万来块", 20000)],
)
def test_money_find_approx_spoken(text, span, value):
    got = find_money(text)
    assert [(text[m.start : m.end], m.value, m.approx) for m in got] == [
        (span, pytest.approx(value), True)
    ]


@pytest.mark.parametrize(
    ("text", "span", "value"), [("被骗5w3", "5w3", 53000), ("工资8k5", "8k5", 8500)]
)
def test_money_find_kw_shorthand(text, span, value):
    got = find_money(text)
    assert [(text[m.start : m.end], m.value) for m in got] == [(span, pytest.approx(value))]


@pytest.mark.parametrize(
    ("cell", "value", "approx"),
    [("四万八", 48000, False), ("5万3", 53000, False), ("5w3", 53000, False),
     ("一万出头", 10000, True)],
)
def test_money_parse_cell_shorthand(cell, value, approx):
    assert parse_money(cell) == (pytest.approx(value), approx)


def test_money_parse_cell_rejects_odd_kw_shorthand():
    assert parse_money("1.5w3") is None


# Money words in the clause on purpose: the measure word / shape must still reject them.
SHORTHAND_NEGATIVES = [
    "一共来了三万五千人",
    "合计两万六千平方米",
    "前后一共开了2万3千公里",
    "一共五万三千多名",
    "一共两万三千多户",
    "借钱是2019年5月3日",
    "一共等到3点5分",
    "打了一万八千里",
    "一共十万火急",
    "借钱万一他不还",
    "借钱的事我一万个不愿意",
    "钱千万不要给他",
    "被骗万三",
    "一共5万35",
    "一共三万五一起",
    "转账卡号6222021234567890123",
]


@pytest.mark.parametrize("text", SHORTHAND_NEGATIVES)
def test_money_find_rejects_shorthand_look_alikes(text):
    assert find_money(text) == []


def test_money_find_long_digit_run_is_fast():
    import time

    text = "被骗了，转账卡号" + "6222021234567890123" * 20 + "万3"
    t0 = time.perf_counter()
    find_money(text)
    assert time.perf_counter() - t0 < 0.5


@pytest.mark.parametrize(
    ("raw", "value"),
    [("5万3", 53000), ("四万八", 48000), ("3千5", 3500), ("十万八", 108000), ("2万零5百", 20500)],
)
def test_numerals_parse_spoken_shorthand(raw, value):
    assert parse_number(raw) == (value, False)


@pytest.mark.parametrize(("text", "value"), [("手机是刚买的 八千九百九十九 当场就报了警", 8999.0),
                                             ("被他骗走了一千二百五十", 1250.0)])
def test_money_spelled_out_in_full_without_unit(text: str, value: float) -> None:
    assert [m.value for m in find_money(text)] == [value]


@pytest.mark.parametrize("text", ["来了三千五百六十人", "翻到第一千二百五十页"])
def test_money_spelled_out_counts_are_not_money(text: str) -> None:
    assert find_money(text) == []
