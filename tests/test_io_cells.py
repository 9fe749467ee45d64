"""Cell parsing: dates, amounts, lists, phones, ids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from clue_miner.io.cells import (
    UnparsedCell,
    clean_id,
    coerce_str,
    normalise_phone,
    parse_amount_cell,
    parse_date_cell,
    split_ids_cell,
    split_list_cell,
    split_phones_cell,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-12", datetime(2024, 5, 12)),
        ("2024-05-12T09:32", datetime(2024, 5, 12, 9, 32)),
        ("2024-05-12 09:32:09", datetime(2024, 5, 12, 9, 32, 9)),
        ("2024-05-12T01:32:09Z", datetime(2024, 5, 12, 9, 32, 9)),
        ("2024-05-12T09:32:09+08:00", datetime(2024, 5, 12, 9, 32, 9)),
        ("2024/5/12 9:32:09", datetime(2024, 5, 12, 9, 32, 9)),
        ("2024/5/12", datetime(2024, 5, 12)),
        ("2024.05.12", datetime(2024, 5, 12)),
        ("2024-5-12 9:32:09.5", datetime(2024, 5, 12, 9, 32, 9, 500000)),
        ("2024年5月12日", datetime(2024, 5, 12)),
        ("2024年5月12日 9时32分", datetime(2024, 5, 12, 9, 32)),
        ("2024年5月12日下午3点", datetime(2024, 5, 12, 15, 0)),
        ("２０２４年５月１２日", datetime(2024, 5, 12)),
        ("20240512", datetime(2024, 5, 12)),
        (20240512, datetime(2024, 5, 12)),
        ("20240512093209", datetime(2024, 5, 12, 9, 32, 9)),
        (45424, datetime(2024, 5, 12)),
        (45424.5, datetime(2024, 5, 12, 12, 0)),
        ("45424", datetime(2024, 5, 12)),
        (1715477529, datetime(2024, 5, 12, 9, 32, 9)),
        (datetime(2024, 5, 12, 9, 32), datetime(2024, 5, 12, 9, 32)),
        (datetime(2024, 5, 12, 1, 32, tzinfo=UTC), datetime(2024, 5, 12, 9, 32)),
        (date(2024, 5, 12), datetime(2024, 5, 12)),
        (None, None),
        ("", None),
        ("  ", None),
        ("NULL", None),
        (float("nan"), None),
    ],
)
def test_io_cells_parse_date_cell(value: object, expected: datetime | None) -> None:
    assert parse_date_cell(value) == expected


def test_io_cells_parse_date_cell_pandas_and_numpy() -> None:
    import numpy as np
    import pandas as pd

    assert parse_date_cell(pd.Timestamp("2024-05-12 09:32")) == datetime(2024, 5, 12, 9, 32)
    aware = pd.Timestamp("2024-05-12 01:32", tz="UTC")
    assert parse_date_cell(aware) == datetime(2024, 5, 12, 9, 32)
    assert parse_date_cell(pd.NaT) is None
    assert parse_date_cell(np.datetime64("2024-05-12T09:32")) == datetime(2024, 5, 12, 9, 32)
    assert parse_date_cell(np.int64(45424)) == datetime(2024, 5, 12)
    other_tz = datetime(2024, 5, 12, 9, 32, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_date_cell(other_tz) == datetime(2024, 5, 12, 22, 32)


@pytest.mark.parametrize(
    "value", ["昨天", "2024-02-30", "2024年5月", "9999-12-31", "abc", True, 5e15, [2024], "2024", 12]
)
def test_io_cells_parse_date_cell_unparseable(value: object) -> None:
    with pytest.raises(UnparsedCell):
        parse_date_cell(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (52000, 52000.0),
        (5.2, 5.2),
        ("52000", 52000.0),
        ("5.2万元", 52000.0),
        ("52,000元", 52000.0),
        ("1,234,567.5元", 1234567.5),
        ("5万", 50000.0),
        ("伍万元", 50000.0),
        ("一千二百元", 1200.0),
        ("1.2亿", 120000000.0),
        ("人民币3000元整", 3000.0),
        ("约3000余元", 3000.0),
        ("￥１，２００", 1200.0),
        ("两万五千元", 25000.0),
        ("5万3千", 53000.0),
        ("3k", 3000.0),
        ("0", 0.0),
        ("", None),
        (None, None),
        ("不详", None),
        (float("nan"), None),
    ],
)
def test_io_cells_parse_amount_cell(value: object, expected: float | None) -> None:
    result = parse_amount_cell(value)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize("value", ["5-6万", "很多钱", "元", "abc"])
def test_io_cells_parse_amount_cell_unparseable(value: str) -> None:
    with pytest.raises(UnparsedCell):
        parse_amount_cell(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三;李四", ["张三", "李四"]),
        ("张三； 李四 ,王五，赵六、钱七/孙八", ["张三", "李四", "王五", "赵六", "钱七", "孙八"]),
        (" 张三 ;; ;李四\n周九", ["张三", "李四", "周九"]),
        ("无", []),
        ("张三;不详", ["张三"]),
        ("", []),
        (None, []),
        (float("nan"), []),
        (["张三", "李四;王五"], ["张三", "李四", "王五"]),
    ],
)
def test_io_cells_split_list_cell(value: object, expected: list[str]) -> None:
    assert split_list_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13800138000", ["13800138000"]),
        ("+86 138-0013-8000", ["13800138000"]),
        ("8613800138000；0086-139 0013 9000", ["13800138000", "13900139000"]),
        ("138 0013 8000", ["13800138000"]),
        ("13800138000 13900139000", ["13800138000", "13900139000"]),
        ("0571-88886666", ["057188886666"]),
        (13800138000, ["13800138000"]),
        (13800138000.0, ["13800138000"]),
        ("无", []),
    ],
)
def test_io_cells_split_phones_cell(value: object, expected: list[str]) -> None:
    assert split_phones_cell(value) == expected


def test_io_cells_phone_and_id_normalisation() -> None:
    assert normalise_phone("86-571-8888 6666") == "865718888" "6666"  # not a mobile: 86 kept
    assert normalise_phone("+86 571 88886666") == "57188886666"
    assert normalise_phone("—") is None
    assert split_ids_cell(" 11010119900101123x ；１１０１０１１９９００１０１２３４５") == [
        "11010119900101123X", "110101199001012345",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(123, "123"), (123.0, "123"), (1.5, "1.5"), ("  A1 ", "A1"), ("\ufeffA1\u3000", "A1"), ("", None),
     ("null", None), (None, None), (float("nan"), None), ({"a": 1}, None), (True, None)],
)
def test_io_cells_clean_id(value: object, expected: str | None) -> None:
    assert clean_id(value) == expected


def test_io_cells_coerce_str() -> None:
    import numpy as np

    assert coerce_str(np.int64(7)) == "7"
    assert coerce_str(np.float64(7.0)) == "7"
    assert coerce_str(" 原样 ") == " 原样 "
    with pytest.raises(TypeError):
        coerce_str(["a"])


def test_cells_list_cut_uncounted_rest() -> None:
    from clue_miner.io.cells import split_list_cell

    assert split_list_cell("程淑兰;马国栋;周建华等127人") == ["程淑兰", "马国栋", "周建华"]
    assert split_list_cell("李某等人") == ["李某"]
    assert split_list_cell("王平等") == ["王平等"]  # a name, not an "and others"
