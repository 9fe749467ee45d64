from __future__ import annotations

from datetime import date, datetime

import pytest

from clue_miner.clues.decide import ClueSettings
from clue_miner.clues.engine import find_clues
from clue_miner.knowledge.thresholds import default_thresholds
from clue_miner.types import Category, Complaint, Entity, Evidence, Extraction, Facts, Match, Offence

AS_OF = date(2025, 6, 30)
SETTINGS = ClueSettings(as_of=AS_OF, stall_days=365)


def _ext(text: str, offence: str | None, amount: float | None = None, *, kind: str = "criminal",
         category: str = "crime", injury: str | None = None, entities: tuple[Entity, ...] = ()) -> Extraction:
    offs: tuple[Offence, ...] = ()
    if offence:
        i = max(0, text.find(offence[:1]))
        offs = (Offence(offence, kind, 0.9, (Evidence("OFFENCE_CUE", text[i:i + 1], i, i + 1),)),)
    return Extraction(text=text, entities=entities, offences=offs, category=Category(category, 0.9),
                      facts=Facts(amount=amount, injury=injury), received_at=datetime(2025, 5, 1))


def _complaint(cid: str, text: str) -> Complaint:
    return Complaint(id=cid, text=text, received_at=datetime(2025, 5, 1))


def _case(case_id: str, kind: str, status: str, **extra) -> dict:
    row = {"case_id": case_id, "case_kind": kind, "status": status, "offence": None, "amount": float("nan"),
           "injury": None, "penalty": None, "accepted_at": None, "filed_at": None, "status_at": None, "region": None}
    row.update(extra)
    return row


def _run(pairs, matches=None, cases=None):
    complaints = [c for c, _ in pairs]
    exts = [e for _, e in pairs]
    return find_clues(complaints, exts, matches or {}, cases or {}, default_thresholds(), SETTINGS)


def _one(pairs, matches=None, cases=None):
    clues = _run(pairs, matches, cases)
    assert len(clues) == 1, clues
    return clues[0]


def test_clues_unfiled_when_no_case() -> None:
    text = "我在网上被人骗了五万块钱，报警后一直没有消息"
    clue = _one([(_complaint("c1", text), _ext(text, "诈骗", 50000))])
    assert clue.clue_type == "UNFILED"
    assert clue.complaint_ids == ("c1",) and clue.case_ids == ()
    assert clue.offence == "诈骗"
    assert any("诈骗" in r for r in clue.reasons)
    assert all(text[e.start:e.end] == e.text for e in clue.evidence)
    assert 0 < clue.score <= 1


def test_clues_none_below_threshold_or_civic() -> None:
    t1 = "钱包被偷了，里面有两百元"
    t2 = "小区门口道路坑洼，希望尽快修补"
    assert _run([(_complaint("a", t1), _ext(t1, "盗窃", 200)),
                 (_complaint("b", t2), _ext(t2, None, category="civic"))]) == []


def test_clues_refused_and_withdrawn() -> None:
    t = "被骗三万元，派出所说不立案"
    m = {"c1": [Match("c1", "K1", 0.95)], "c2": [Match("c2", "K2", 0.9)]}
    cases = {"K1": _case("K1", "刑事", "不予立案"), "K2": _case("K2", "刑事", "撤案")}
    clues = _run([(_complaint("c1", t), _ext(t, "诈骗", 30000)), (_complaint("c2", t), _ext(t, "诈骗", 40000))],
                 m, cases)
    kinds = {c.clue_type: c for c in clues}
    assert set(kinds) == {"REFUSED", "WITHDRAWN"}
    assert kinds["REFUSED"].case_ids == ("K1",)
    assert kinds["WITHDRAWN"].case_ids == ("K2",)


def test_clues_private_prosecution_refusal_is_no_clue() -> None:
    t = "他在网上诽谤我，派出所不予立案"
    m = {"c1": [Match("c1", "K1", 0.95)]}
    assert _run([(_complaint("c1", t), _ext(t, "诽谤"))], m, {"K1": _case("K1", "刑事", "不予立案")}) == []


def test_clues_penalty_instead_uses_case_amount() -> None:
    t = "我的电动车被偷了，派出所只罚了小偷五百块"
    m = {"c1": [Match("c1", "K1", 0.9)]}
    case = _case("K1", "行政", "行政处罚", offence="盗窃", amount=5200.0, penalty="罚款500元")
    clue = _one([(_complaint("c1", t), _ext(t, "盗窃", None, kind="administrative", category="administrative"))],
                m, {"K1": case})
    assert clue.clue_type == "PENALTY_INSTEAD"
    assert any("罚款500元" in r for r in clue.reasons)


def test_clues_penalty_instead_assault_with_minor_injury_is_no_clue() -> None:
    t = "被邻居打了，轻微伤，派出所罚款了"
    m = {"c1": [Match("c1", "K1", 0.9)]}
    case = _case("K1", "行政", "行政处罚", offence="殴打他人", injury="轻微伤", penalty="罚款500元")
    assert _run([(_complaint("c1", t), _ext(t, "殴打他人", kind="administrative", category="administrative",
                                           injury="轻微伤"))], m, {"K1": case}) == []


def test_clues_stalled_after_stall_days() -> None:
    t = "被骗二十万元，立案两年了没有进展"
    m = {"c1": [Match("c1", "K1", 0.9)], "c2": [Match("c2", "K2", 0.9)]}
    old = _case("K1", "刑事", "立案", filed_at=datetime(2023, 3, 1), status_at=datetime(2023, 3, 1))
    new = _case("K2", "刑事", "立案", filed_at=datetime(2025, 3, 1), status_at=datetime(2025, 3, 1))
    clue = _one([(_complaint("c1", t), _ext(t, "诈骗", 200000)), (_complaint("c2", t), _ext(t, "诈骗", 200000))],
                m, {"K1": old, "K2": new})
    assert clue.clue_type == "STALLED" and clue.case_ids == ("K1",)


def test_clues_group_victims_of_one_suspect_and_sum_amounts() -> None:
    pairs = []
    for i in range(3):
        text = f"对方电话13912345678，以刷单为名骗了我{1500 + i}元"
        start = text.index("139")
        phone = Entity("PHONE", start, start + 11, text[start:start + 11], value="13912345678")
        pairs.append((_complaint(f"v{i}", text), _ext(text, "诈骗", 1500 + i, kind="administrative",
                                                      category="administrative", entities=(phone,))))
    clue = _one(pairs)
    assert clue.clue_type == "UNFILED"
    assert clue.complaint_ids == ("v0", "v1", "v2")
    assert any("合并" in r for r in clue.reasons)


@pytest.mark.parametrize("status", ["移送起诉", "结案"])
def test_clues_properly_handled_case_is_no_clue(status: str) -> None:
    t = "被骗三万元"
    m = {"c1": [Match("c1", "K1", 0.9)]}
    assert _run([(_complaint("c1", t), _ext(t, "诈骗", 30000))], m, {"K1": _case("K1", "刑事", status)}) == []


def test_clues_case_left_at_acceptance_counts_as_unfiled() -> None:
    t = "被骗三万元，报案后派出所一直没有立案"
    m = {"c1": [Match("c1", "K1", 0.9)]}
    case = _case("K1", "刑事", "受案", accepted_at=datetime(2025, 1, 2))
    clue = _one([(_complaint("c1", t), _ext(t, "诈骗", 30000))], m, {"K1": case})
    assert clue.clue_type == "UNFILED"
    assert any("K1" in r for r in clue.reasons)


@pytest.mark.parametrize(
    ("stated", "kind"),
    [("refused", "REFUSED"), ("withdrawn", "WITHDRAWN"), ("penalised", "PENALTY_INSTEAD"), ("stalled", "STALLED")],
)
def test_clues_unlinked_complaint_typed_by_its_own_account(stated: str, kind: str) -> None:
    from dataclasses import replace

    t = "被骗五万元"
    ext = _ext(t, "诈骗", 50000)
    ext = replace(ext, facts=replace(ext.facts, stated_status=stated))
    clue = _one([(_complaint("c1", t), ext)])
    assert clue.clue_type == kind and clue.case_ids == ()
    assert any("未能关联" in r for r in clue.reasons)


def test_clues_unlinked_complaint_not_filed_is_unfiled_not_refused() -> None:
    from dataclasses import replace

    t = "被骗五万元，派出所不给立案"
    ext = _ext(t, "诈骗", 50000)
    ext = replace(ext, facts=replace(ext.facts, stated_status="not_filed"))
    clue = _one([(_complaint("c1", t), ext)])
    assert clue.clue_type == "UNFILED"
    assert any("未立案" in r for r in clue.reasons)


@pytest.mark.parametrize("stated", ["prosecuted", "filed"])
def test_clues_unlinked_complaint_whose_case_is_handled_is_no_clue(stated: str) -> None:
    from dataclasses import replace

    t = "被骗五万元"
    ext = _ext(t, "诈骗", 50000)
    ext = replace(ext, facts=replace(ext.facts, stated_status=stated))
    assert _run([(_complaint("c1", t), ext)]) == []


def test_clues_duty_crimes_are_not_police_filing_clues() -> None:
    t = "举报某局长贪污公款五十万元，至今没有人查"
    assert _run([(_complaint("c1", t), _ext(t, "贪污", 500000))]) == []


def test_clues_name_the_incident_they_rest_on_and_show_each_span_once() -> None:
    import clue_miner

    text = ("我叫王某，住在城南区。2023年3月5日，我在网上认识一个叫李强的人，他以投资理财为名骗走了我5万元，"
            "之后就把我拉黑了，电话也打不通。我去派出所报案，派出所说是经济纠纷不予立案。"
            "2023年8月12日晚上，邻居张伟因为停车的事和我发生争执，他拿铁棍把我打成轻伤二级，"
            "我报警后派出所至今没有处理。请求检察院监督立案。")
    ext = clue_miner.extract(text, received_at="2023-10-01")
    assert len(ext.incidents) == 2
    clues = _run([(_complaint("c1", text), ext)])
    assert clues
    for clue in clues:
        data = clue.to_dict()
        index = data["incident"]
        inc = ext.incidents[index]
        names = {o.name for o in inc.offences}
        assert clue.offence in names or any(inc.start <= e.start < inc.end for e in clue.evidence
                                            if e.label == "OFFENCE")
        spans = sorted((e.start, e.end) for e in clue.evidence)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # no overlaps


def test_clues_single_incident_complaint_names_no_incident() -> None:
    text = "我在网上被人骗了五万块钱，报警后一直没有消息"
    clue = _one([(_complaint("c1", text), _ext(text, "诈骗", 50000))])
    assert "incident" not in clue.to_dict() and clue.incidents == ()
