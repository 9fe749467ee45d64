from __future__ import annotations

import pytest

from clue_miner.errors import ConfigError
from clue_miner.knowledge.thresholds import Thresholds, default_thresholds, injury_rank, province_of
from clue_miner.types import Facts


@pytest.fixture(scope="module")
def table() -> Thresholds:
    return default_thresholds()


def test_thresholds_theft_amount_line(table: Thresholds) -> None:
    assert table.assess("盗窃", Facts(amount=5000)).criminal is True
    assert table.assess("盗窃", Facts(amount=500)).criminal is False
    assert table.assess("盗窃", Facts()).criminal is None


def test_thresholds_theft_flags_any_amount(table: Thresholds) -> None:
    for flag in ("入户", "扒窃", "携带凶器"):
        verdict = table.assess("盗窃", Facts(amount=200, flags=(flag,)))
        assert verdict.criminal is True
        assert flag in verdict.reasons[0]


def test_thresholds_theft_many_times(table: Thresholds) -> None:
    assert table.assess("盗窃", Facts(amount=300, times=3)).criminal is True
    assert table.assess("盗窃", Facts(amount=300, times=2)).criminal is False


def test_thresholds_province_overrides_national(table: Thresholds) -> None:
    assert table.assess("盗窃", Facts(amount=1500)).criminal is True
    assert table.assess("盗窃", Facts(amount=1500), province="北京").criminal is False
    assert table.amount_line("诈骗", "浙江") == 6000
    assert table.amount_line("诈骗", "河南") == 3000


def test_thresholds_injury_grades(table: Thresholds) -> None:
    assert table.assess("故意伤害", Facts(injury="轻微伤")).criminal is False
    assert table.assess("故意伤害", Facts(injury="轻伤二级")).criminal is True
    assert table.assess("故意伤害", Facts(injury="重伤")).criminal is True
    assert table.assess("故意伤害", Facts()).criminal is None
    assert injury_rank("轻伤") == injury_rank("轻伤二级") < injury_rank("重伤一级")


def test_thresholds_drunk_driving_bac(table: Thresholds) -> None:
    assert table.assess("危险驾驶", Facts(blood_alcohol=120)).criminal is True
    assert table.assess("危险驾驶", Facts(blood_alcohol=45)).criminal is False


def test_thresholds_no_amount_offences(table: Thresholds) -> None:
    assert table.assess("抢劫", Facts()).criminal is True
    assert table.assess("开设赌场", Facts()).criminal is True
    assert table.assess("故意杀人", Facts()).criminal is True
    assert table.assess("非法侵入住宅", Facts()).criminal is True
    assert table.assess("走私、贩卖、运输、制造毒品", Facts(amount=100)).criminal is True
    unknown = table.assess("操纵证券、期货市场", Facts())  # no row: undecided, never presumed
    assert unknown.criminal is None and not unknown.has_standard
    missing = table.assess("合同诈骗", Facts())  # a row, but the amount it needs is not told
    assert missing.criminal is None and missing.has_standard


def test_thresholds_user_override(tmp_path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("offence,measure,level,province,value,source\n盗窃,amount,较大,,4000,本地规定\n", encoding="utf-8")
    table = Thresholds.load(path)
    assert table.assess("盗窃", Facts(amount=3000)).criminal is False
    assert table.assess("诈骗", Facts(amount=3500)).criminal is True  # other rows untouched


def test_thresholds_bad_override_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("offence,measure,level,province,value,source\n盗窃,amount,较大,,三千,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a number"):
        Thresholds.load(path)
    with pytest.raises(ConfigError, match="not found"):
        Thresholds.load(tmp_path / "missing.csv")


def test_thresholds_province_of_region() -> None:
    assert province_of("浙江省杭州市西湖区") == "浙江"
    assert province_of("内蒙古自治区") == "内蒙古"
    assert province_of("A市A2区") is None
    assert province_of(None) is None


def test_thresholds_personal_information_records(table: Thresholds) -> None:
    assert table.assess("侵犯公民个人信息", Facts(records=40000)).criminal is True
    assert table.assess("侵犯公民个人信息", Facts(records=300)).criminal is False
    assert table.assess("侵犯公民个人信息", Facts()).criminal is None
