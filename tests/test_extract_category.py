from __future__ import annotations

import pytest

from clue_miner.extract.category import CategoryRules
from clue_miner.extract.offence import OffenceRules
from clue_miner.types import CATEGORY_LABELS, Category


@pytest.fixture(scope="module")
def rules() -> tuple[OffenceRules, CategoryRules]:
    return OffenceRules(), CategoryRules()


CASES = [
    ("我在网上被人骗了5万块", "crime"),
    ("电动车被偷了", "crime"),
    ("老板拖欠工资跑路了", "crime"),
    ("有人在小区里开设赌场", "crime"),
    ("P2P平台爆雷，老板跑路了", "crime"),
    ("被人关在屋里两天不让走还被打伤", "crime"),
    ("他喝醉了还开车", "crime"),
    ("邻居打了我一巴掌，没有受伤", "administrative"),
    ("我老公吸毒", "administrative"),
    ("小区附近有人卖淫嫖娼", "administrative"),
    ("几个人在楼下打麻将赌钱", "administrative"),
    ("朋友借钱不还", "civil"),
    ("房东押金不退", "civil"),
    ("公司拖欠工资三个月了", "civil"),
    ("离婚后孩子抚养权归谁", "civil"),
    ("物业纠纷一直没有解决", "civil"),
    ("买的房子质量问题，开发商不赔偿", "civil"),
    ("小区噪音扰民，晚上睡不着", "civic"),
    ("希望在学校门口修建人行天桥", "civic"),
    ("咨询户口迁移需要什么材料", "civic"),
    ("早晚高峰道路拥堵严重", "civic"),
    ("我不是被骗只是咨询一下政策", "civic"),
    # a crime told in civil words (rent, deposit, contract) is still a crime
    ("交了半年房租和押金八千元，二房东收了钱就联系不上了", "crime"),
    ("签了加盟合同付了十万元加盟费，之后对方公司人去楼空", "crime"),
    ("有人冒充房东收了我的租金和押金，现在电话关机了", "crime"),
    ("和朋友合伙做生意，我出资五万，他说钱都亏了，账目也对不上", "civil"),
    ("买的二手车是泡水车，商家不给退", "civil"),
    ("离职两个月了，最后一个月工资还没结清", "civil"),
    ("店里办的储值卡还有两千块余额，店铺转让后新老板不认", "civil"),
    ("开发商逾期交房一年多了，工地也停工了", "civic"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_extract_category_label(rules: tuple[OffenceRules, CategoryRules], text: str, expected: str) -> None:
    offence, category = rules
    (cat,) = category.predict([text], offence.predict([text]))
    assert isinstance(cat, Category)
    assert cat.label == expected, (text, category.predict_scores([text], offence.predict([text])))


def test_extract_category_scores_sum_to_one(rules: tuple[OffenceRules, CategoryRules]) -> None:
    offence, category = rules
    texts = [t for t, _ in CASES]
    scores = category.predict_scores(texts, offence.predict(texts))
    for s in scores:
        assert set(s) == set(CATEGORY_LABELS)
        assert sum(s.values()) == pytest.approx(1.0)
    cats = category.predict(texts, offence.predict(texts))
    assert [c.score for c in cats] == [round(max(s.values()), 4) for s in scores]


def test_extract_category_runs_offences_when_not_given(rules: tuple[OffenceRules, CategoryRules]) -> None:
    _, category = rules
    assert category.predict(["我被人骗了两万块钱"])[0].label == "crime"


def test_extract_category_empty_text(rules: tuple[OffenceRules, CategoryRules]) -> None:
    _, category = rules
    (cat,) = category.predict([""], [[]])
    assert cat.label == "civic"


def test_extract_category_civil_words_do_not_hide_a_crime(rules: tuple[OffenceRules, CategoryRules]) -> None:
    offence, category = rules
    text = "租房时交给中介押金和三个月房租共六千元，签了合同，后来他人就跑了，押金也要不回来"
    (scores,) = category.predict_scores([text], offence.predict([text]))
    assert max(scores, key=lambda k: scores[k]) == "crime", scores
