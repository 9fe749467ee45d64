from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clue_miner.text.datecells import parse_datetime
from clue_miner.text.dates import find_times
from clue_miner.text.holidays import holiday_date

ANCHOR = datetime(2024, 3, 15, 10, 0)  # a Friday

# (text, span text, value, grain, relative, approx)
CASES = [
    ("2019年5月12日", "2019年5月12日", "2019-05-12", "day", False, False),
    ("2019-05-12", "2019-05-12", "2019-05-12", "day", False, False),
    ("2019/5/12", "2019/5/12", "2019-05-12", "day", False, False),
    ("2019.5.12", "2019.5.12", "2019-05-12", "day", False, False),
    ("于5月12日报案", "5月12日", "2023-05-12", "day", False, False),  # would be after the anchor
    ("3月10日", "3月10日", "2024-03-10", "day", False, False),
    ("3月20日", "3月20日", "2024-03-20", "day", False, False),  # within a few days: same year
    ("2019年5月", "2019年5月", "2019-05", "month", False, False),
    ("在12日那天", "12日", "2024-03-12", "day", False, False),
    ("20日", "20日", "2024-02-20", "day", False, False),  # ahead of the anchor: last month
    ("于19年离开", "19年", "2019", "year", False, False),
    ("19年9月份", "19年9月份", "2019-09", "month", False, False),
    ("二〇一九年五月十二日", "二〇一九年五月十二日", "2019-05-12", "day", False, False),
    ("五月十二号", "五月十二号", "2023-05-12", "day", False, False),
    ("2019年5月12日晚上9点", "2019年5月12日晚上9点", "2019-05-12T21:00", "hour", False, False),
    ("2019年5月12日21时30分", "2019年5月12日21时30分", "2019-05-12T21:30", "minute", False, False),
    ("2019年5月12日下午3点半", "2019年5月12日下午3点半", "2019-05-12T15:30", "minute", False, False),
    ("2019年5月12日凌晨2时许", "2019年5月12日凌晨2时许", "2019-05-12T02:00", "hour", False, True),
    ("2019-05-12 9:30", "2019-05-12 9:30", "2019-05-12T09:30", "minute", False, False),
    ("1月5日晚6时许", "1月5日晚6时许", "2024-01-05T18:00", "hour", False, True),
    ("今天", "今天", "2024-03-15", "day", True, False),
    ("昨天", "昨天", "2024-03-14", "day", True, False),
    ("昨晚", "昨晚", "2024-03-14", "day", True, False),
    ("昨晚9点", "昨晚9点", "2024-03-14T21:00", "hour", True, False),
    ("前天晚上", "前天晚上", "2024-03-13", "day", True, False),
    ("大前天", "大前天", "2024-03-12", "day", True, False),
    ("上周三", "上周三", "2024-03-06", "day", True, False),
    ("上周", "上周", "2024-03-04", "day", True, True),
    ("上个月15号", "上个月15号", "2024-02-15", "day", True, False),
    ("上月中旬", "上月中旬", "2024-02-15", "day", True, True),
    ("本月初", "本月初", "2024-03-05", "day", True, True),
    ("去年国庆", "去年国庆", "2023-10-01", "day", True, True),
    ("去年春节", "去年春节", "2023-01-22", "day", True, True),
    ("今年3月", "今年3月", "2024-03", "month", True, False),
    ("去年5月12日", "去年5月12日", "2023-05-12", "day", True, False),
    ("去年年底", "去年年底", "2023-12", "month", True, True),
    ("三天前", "三天前", "2024-03-12", "day", True, False),
    ("几天前", "几天前", "2024-03-12", "day", True, True),
    ("两个月前", "两个月前", "2024-01", "month", True, False),
    ("半年前", "半年前", "2023-09", "month", True, True),
    ("前几天", "前几天", "2024-03-12", "day", True, True),
    ("2019年底", "2019年底", "2019-12", "month", False, True),
    ("6月中旬", "6月中旬", "2023-06-15", "day", False, True),
]


@pytest.mark.parametrize(("text", "span", "value", "grain", "relative", "approx"), CASES)
def test_dates_find_with_anchor(text, span, value, grain, relative, approx):
    got = find_times(text, ANCHOR)
    assert len(got) == 1, got
    t = got[0]
    assert text[t.start : t.end] == span
    assert (t.value, t.grain, t.relative, t.approx) == (value, grain, relative, approx)


@pytest.mark.parametrize(
    ("text", "grain"),
    [("晚上9点", "hour"), ("21时30分", "minute"), ("下午3点半", "minute"), ("凌晨2时许", "hour"),
     ("9:30", "minute")],
)
def test_dates_clock_time_without_date_has_no_value(text, grain):
    got = find_times(text, ANCHOR)
    assert [(text[t.start : t.end], t.value, t.grain) for t in got] == [(text, None, grain)]


@pytest.mark.parametrize("text", ["昨天", "上周三", "三天前", "去年春节", "上个月15号"])
def test_dates_relative_without_anchor_has_no_value(text):
    got = find_times(text, None)
    assert len(got) == 1
    assert got[0].value is None
    assert got[0].relative is True


def test_dates_absolute_without_anchor_keeps_value():
    got = find_times("2019年5月12日", None)
    assert got[0].value == "2019-05-12"


NEGATIVES = [
    "坐地铁2号线",
    "住在103号",
    "门牌号10年都未曾更换",
    "提一点建议",
    "综上三点",
    "九十年代",
    "90年代的房子",
    "马路上周边环境",
    "3天前往北京",
    "已被拘捕2月有余",
    "属于70年产权",
    "每月25号扣款",
    "自受理之日起30日内",
    "电话13812345678",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_dates_rejects_non_dates(text):
    assert find_times(text, ANCHOR) == []


def test_dates_several_in_running_text_with_offsets():
    text = "我于2024年3月1日被骗，昨天又去派出所报案，民警说三天前已立案。"
    got = find_times(text, ANCHOR)
    assert [text[t.start : t.end] for t in got] == ["2024年3月1日", "昨天", "三天前"]
    assert [t.value for t in got] == ["2024-03-01", "2024-03-14", "2024-03-12"]


def test_dates_date_anchor_accepted():
    got = find_times("昨天", date(2024, 3, 15))
    assert got[0].value == "2024-03-14"


@pytest.mark.parametrize(
    "text", ["", "年", "月日号", "2019年13月45日", "0月0日", "99999年", "上上上周", "\x00\u3000", "31日" * 50]
)
def test_dates_never_raises(text):
    find_times(text, ANCHOR)
    find_times(text, None)


def test_dates_holiday_table():
    assert holiday_date("春节", 2024) == date(2024, 2, 10)
    assert holiday_date("除夕", 2024) == date(2024, 2, 9)
    assert holiday_date("国庆节", 2019) == date(2019, 10, 1)
    assert holiday_date("春节", 1990) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-05-12", datetime(2024, 5, 12)),
        ("2024-05-12 09:32", datetime(2024, 5, 12, 9, 32)),
        ("2024/5/12 9:32:09", datetime(2024, 5, 12, 9, 32, 9)),
        ("2024.5.12", datetime(2024, 5, 12)),
        ("2024年5月12日", datetime(2024, 5, 12)),
        ("2024年5月12日 9时32分", datetime(2024, 5, 12, 9, 32)),
        ("二〇二四年五月十二日", datetime(2024, 5, 12)),
        ("2024年5月", datetime(2024, 5, 1)),
        ("20240512", datetime(2024, 5, 12)),
        (45424, datetime(2024, 5, 12)),
        (45424.5, datetime(2024, 5, 12, 12, 0)),
        ("45424", datetime(2024, 5, 12)),
        (datetime(2024, 1, 2, 3, 4), datetime(2024, 1, 2, 3, 4)),
        (date(2024, 1, 2), datetime(2024, 1, 2)),
        ("2024-05-12T09:32:09Z", datetime(2024, 5, 12, 9, 32, 9, tzinfo=UTC)),
    ],
)
def test_dates_parse_datetime_cells(cell, expected):
    assert parse_datetime(cell) == expected


@pytest.mark.parametrize("cell", [None, "", "abc", float("nan"), "2024-13-45", True, [], "12345678901234567"])
def test_dates_parse_datetime_rejects(cell):
    assert parse_datetime(cell) is None


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("2014年5月至10月", ["2014-05", "2014-10"]),
        ("2015年8月30日还款、9月21日又还款", ["2015-08-30", "2015-09-21"]),
        ("2018年10月1日被骗，5月12日又被骗", ["2018-10-01", "2019-05-12"]),
        ("2019年12月1日报案，12日立案", ["2019-12-01", "2019-12-12"]),
    ],
)
def test_dates_yearless_dates_take_the_year_of_the_last_date(text, values):
    assert [t.value for t in find_times(text, None)] == values


def test_find_times_skips_only_patterns_that_cannot_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finder is skipped on a text without any character its pattern needs: every match of each
    pattern holds one of them (on every case above, on mixed sentences, and on random strings drawn
    from the patterns' own alphabet), and find_times gives the same results with the skip off."""
    import random

    from clue_miner.text import dates

    alphabet = "0123456789-/.:年月日号时点分许前后昨今明去上下本这半几两十一二三四五六七八九〇零元旦春节国庆中秋劳动除夕清圣诞宵早晚凌晨午夜天周星期礼拜个多余来以之近些"
    rng = random.Random(5)
    texts = [t for t, *_ in CASES] + [
        "2019年5月12日晚上9点，我在家门口被打，三天前报警，前几天又去了派出所，近日仍无回音。",
        "春节前后，10:30左右，他在5号楼下，元旦那天也来过，上个月12号又来。",
        "", "今天天气很好", "3.5万元", "2023/4/5", "12-18",
    ] + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    for pattern, _handler, needs in (*dates._FINDERS, *dates._YEARLESS):
        if not needs:
            continue
        for text in texts:
            for m in pattern.finditer(text):
                assert any(c in m.group(0) for c in needs), (pattern.pattern[:40], text, m.group(0))
    want = [find_times(t, ANCHOR) for t in texts]
    monkeypatch.setattr(dates, "_may_match", lambda text, needs: True)
    assert [find_times(t, ANCHOR) for t in texts] == want
