"""Every scenario template renders; numerals, thresholds and identifiers behave."""

from __future__ import annotations

import random
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # corpora/ is not an installed package; plain `pytest` does not add the repo root
    sys.path.insert(0, _ROOT)

from corpora.synth import legal  # noqa: E402
from corpora.synth.base import Incident  # noqa: E402
from corpora.synth.cases import KINDS, build_case, incident_window, timeline  # noqa: E402
from corpora.synth.ids import is_luhn_valid, is_valid_id, make_bank_card, make_id  # noqa: E402
from corpora.synth.names import make_person  # noqa: E402
from corpora.synth.numerals import cn_int, money_text  # noqa: E402
from corpora.synth.places import make_place  # noqa: E402
from corpora.synth.plan import ALL_SCENARIOS, CRIME  # noqa: E402
from corpora.synth.sc_private import SCENARIOS as PRIVATE  # noqa: E402
from corpora.synth.style import render  # noqa: E402


def test_corpora_templates_enough_offence_scenarios():
    keys = [sc.key for sc in CRIME + PRIVATE]
    assert len(keys) == len(set(keys)) >= 25
    offences = {sc.offence for sc in CRIME + PRIVATE}
    assert {"诈骗", "盗窃", "故意伤害", "危险驾驶", "开设赌场", "敲诈勒索", "非法拘禁", "抢夺", "抢劫", "寻衅滋事",
            "组织、领导传销活动", "非法吸收公众存款", "拒不支付劳动报酬", "职务侵占", "合同诈骗",
            "走私、贩卖、运输、制造毒品", "故意毁坏财物", "侮辱", "诽谤"} <= offences
    for sc in CRIME + PRIVATE:
        assert sum(len(t) for t in sc.narr.values()) >= 2 and sc.terse and sc.acts


@pytest.mark.parametrize("sc", ALL_SCENARIOS, ids=lambda sc: sc.key)
def test_corpora_templates_all_render(sc):
    rng = random.Random(3)
    for level in sc.narr:
        for style in ("first", "third", "call", "workorder"):
            for trial in range(6):
                place = make_place(rng)
                victim = None if sc.victimless or level == "civic" else make_person(rng)
                suspect = None if level == "civic" else make_person(rng)
                inc = Incident(sc.key, level, sc.offence or None, date(2023, 5, 12), place, victim, suspect, trial % 2 == 0)
                sc.build(rng, inc)
                out = render(rng, sc, inc, style, datetime(2023, 6, 1, 9, 30), "unfiled", victim or make_person(rng),
                             ("我母亲", "儿子") if style == "third" and victim else None, show_phone=True)
                assert "{" not in out.text and "}" not in out.text, out.text
                assert len(out.text) >= 10
                if inc.amount is not None and level != "civic" and "amount_text" in out.meta:
                    assert out.meta["amount_text"] in out.text or out.meta.get("variant"), (sc.key, out.text)
                if inc.injury and not out.meta.get("variant"):
                    assert inc.injury in out.text, out.text
        for kind in ("REFUSED", "PENALTY", "ADMIN_PENALTY", "PROSECUTED"):
            if KINDS[kind][0] == "行政" and not sc.police_admin:
                continue
            lo, hi = incident_window(kind, date(2019, 7, 1), date(2025, 6, 30))
            tl = timeline(rng, kind, lo, date(2025, 6, 30))
            case = build_case(rng, sc, kind, [inc], tl, [victim] if victim else [])
            assert "{" not in str(case["summary"]) and str(case["summary"]), case


def test_corpora_templates_numerals():
    assert [cn_int(n) for n in (2, 12, 200, 2000, 10500, 28600, 30050, 200000)] == [
        "二", "十二", "两百", "两千", "一万零五百", "两万八千六百", "三万零五十", "二十万"]
    assert cn_int(28600, formal=True) == "贰万捌仟陆佰"
    rng = random.Random(0)
    for _ in range(500):
        text, approx = money_text(rng, 2600, legal.band("诈骗"))
        assert not approx  # 两千多 could reach 2,999: too close to 3,000
        text, approx = money_text(rng, 2600, legal.band("盗窃"))
        if approx:
            assert text.startswith("两千多")


def test_corpora_templates_thresholds_keep_margin():
    rng = random.Random(1)
    for offence, (t, _src) in legal.THRESHOLDS.items():
        for _ in range(200):
            assert legal.crime_amount(rng, offence) >= t * 1.1
            assert legal.admin_amount(rng, offence) <= t * 0.9


def test_corpora_templates_identifiers():
    rng = random.Random(2)
    for _ in range(200):
        idn = make_id(rng, date(1985, 3, 9), male=True)
        assert is_valid_id(idn) and int(idn[16]) % 2 == 1
        assert is_luhn_valid(make_bank_card(rng))
    assert is_valid_id("11010519491231002X")
    assert not is_valid_id("110105194912310021")
