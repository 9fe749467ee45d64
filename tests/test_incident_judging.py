"""Several-incident letters: each incident linked and judged on its own, through ``mine`` and the
engine functions; single-incident complaints exactly as before."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from clue_miner.clues.decide import ClueSettings
from clue_miner.clues.engine import find_clues
from clue_miner.knowledge.thresholds import default_thresholds
from clue_miner.link.incidents import IncidentUnit, assign, incident_units, unit_extraction
from clue_miner.types import (
    Category,
    Clue,
    Complaint,
    Entity,
    Evidence,
    Extraction,
    Facts,
    Incident,
    Match,
    Offence,
)

AS_OF = date(2024, 10, 1)

# A fraud in March (the police filed it) and an assault in August (nobody did).
FRAUD_ASSAULT = (
    "我叫王芳，住在城南区。2024年3月5日，我在网上认识一个叫李强的人，他以投资理财为名骗走了我5万元，"
    "之后就把我拉黑了，电话也打不通。我去派出所报案，派出所立了案，说正在侦查。"
    "2024年8月12日晚上，邻居张伟因为停车的事和我发生争执，他拿铁棍把我打成轻伤二级，"
    "我报警后派出所至今没有处理。请求检察院监督立案。")
# A fraud the police refused to file and an assault nobody handled.
REFUSED_ASSAULT = (
    "我叫陈静，住在城东区。2024年2月10日，我在网上认识一个叫周涛的人，他以帮孩子办入学为名骗走了我3万元，"
    "之后就把我拉黑了，电话也打不通。我去派出所报案，派出所给了不予立案通知书。"
    "2024年7月20日晚上，邻居刘大力因为装修的事和我发生争执，他拿铁棍把我打成轻伤二级，"
    "我报警后派出所至今没有处理。请求检察院监督立案。")
THEFT = "我叫赵六，2024年4月20日在小区门口被人偷走电动车一辆，价值4500元，报警后派出所一直没有立案。"
FILED_FRAUD = ("我叫孙丽，2024年6月2日被一个叫郑浩的人以刷单返利为名骗走了8万元，对方电话13712345678，"
               "已经报案，派出所已经立案了。")

COMPLAINTS = [
    {"id": "C1", "received_at": "2024-09-01", "text": FRAUD_ASSAULT, "complainant": "王芳",
     "complainant_phone": "13900001111"},
    {"id": "C2", "received_at": "2024-08-15", "text": REFUSED_ASSAULT, "complainant": "陈静",
     "complainant_phone": "13900002222"},
    {"id": "C3", "received_at": "2024-05-01", "text": THEFT},
    {"id": "C4", "received_at": "2024-06-10", "text": FILED_FRAUD, "complainant": "孙丽"},
]
CASES = [
    {"case_id": "A1", "case_kind": "刑事", "status": "立案", "offence": "诈骗", "accepted_at": "2024-03-06",
     "filed_at": "2024-03-10", "status_at": "2024-03-10", "suspects": "李强", "victims": "王芳",
     "victim_phones": "13900001111", "location": "城南区", "amount": 50000,
     "summary": "2024年3月5日，李强以投资理财为名骗取王芳人民币5万元。"},
    {"case_id": "A2", "case_kind": "刑事", "status": "不予立案", "offence": "诈骗", "accepted_at": "2024-02-11",
     "filed_at": None, "status_at": "2024-02-20", "suspects": "周涛", "victims": "陈静",
     "victim_phones": "13900002222", "location": "城东区", "amount": 30000,
     "summary": "2024年2月10日，周涛以办理入学为名收取陈静人民币3万元。"},
    {"case_id": "A4", "case_kind": "刑事", "status": "立案", "offence": "诈骗", "accepted_at": "2024-06-03",
     "filed_at": "2024-06-05", "status_at": "2024-06-05", "suspects": "郑浩", "suspect_phones": "13712345678",
     "victims": "孙丽", "amount": 80000, "summary": "2024年6月2日，郑浩以刷单返利为名骗取孙丽人民币8万元。"},
]
_SURNAMES = "赵钱孙李周吴郑冯褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜"
_GIVEN = "伟娜敏丽磊军洋勇艳杰娟涛明超秀霞平刚桂"
_KINDS = (("盗窃", "刑事", "立案"), ("诈骗", "刑事", "立案"), ("殴打他人", "行政", "行政处罚"),
          ("故意伤害", "刑事", "移送起诉"), ("寻衅滋事", "刑事", "立案"))


def _distractors(n: int = 60) -> list[dict]:
    """Cases of other people (a realistic table size, so that the prior is not one in four)."""
    out = []
    for i in range(n):
        offence, kind, status = _KINDS[i % len(_KINDS)]
        day = f"2024-{1 + i % 9:02d}-{1 + (i * 7) % 28:02d}"
        suspect = _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 3) % len(_GIVEN)]
        victim = _SURNAMES[(i * 5 + 3) % len(_SURNAMES)] + _GIVEN[(i * 7 + 1) % len(_GIVEN)]
        out.append({"case_id": f"X{i:03d}", "case_kind": kind, "status": status, "offence": offence,
                    "accepted_at": day, "filed_at": day if kind == "刑事" else None, "status_at": day,
                    "suspects": suspect, "victims": victim, "victim_phones": f"1380000{i:04d}",
                    "location": ("城北区", "城西区", "高新区")[i % 3] + "某路", "amount": (None, 2000, 8000)[i % 3],
                    "summary": f"{day}，{suspect}对{victim}实施{offence}行为。"})
    return out


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def mined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from clue_miner.mine import mine

    tmp = tmp_path_factory.mktemp("incidents")
    out = tmp / "out"
    mine(_write(tmp / "complaints.jsonl", COMPLAINTS), _write(tmp / "cases.jsonl", CASES + _distractors()), out,
         as_of=AS_OF, workers=1)
    return out


def _clues_of(out: Path, cid: str) -> list[dict]:
    return [c for c in _jsonl(out / "clues.jsonl") if cid in c["complaint_ids"]]


def _incidents(out: Path, cid: str) -> list[dict]:
    return next(e for e in _jsonl(out / "extractions.jsonl") if e["id"] == cid)["incidents"]


def test_incident_judging_assault_unfiled_beside_filed_fraud(mined: Path) -> None:
    incidents = _incidents(mined, "C1")
    assert len(incidents) == 2
    matches = [m for m in _jsonl(mined / "matches.jsonl") if m["complaint_id"] == "C1"]
    assert [(m["case_id"], m["incident"]) for m in matches] == [("A1", 0)]  # the fraud's case, not the assault's
    clues = _clues_of(mined, "C1")
    assert len(clues) == 1, clues  # the filed fraud is handled properly: no clue
    clue = clues[0]
    assert clue["clue_type"] == "UNFILED" and clue["case_ids"] == []
    assert clue["offence"] == "故意伤害"
    assert clue["incident"] == 1 and clue["incidents"] == {"C1": 1}
    start, end = incidents[1]["start"], incidents[1]["end"]
    assert FRAUD_ASSAULT[start:end].startswith("2024年8月12日")
    for ev in clue["evidence"]:  # the evidence is the assault's, offsets into the original text
        assert start <= ev["start"] < end and FRAUD_ASSAULT[ev["start"]:ev["end"]] == ev["text"]


def test_incident_judging_refused_fraud_and_unfiled_assault_are_two_clues(mined: Path) -> None:
    clues = {c["clue_type"]: c for c in _clues_of(mined, "C2")}
    assert set(clues) == {"REFUSED", "UNFILED"}, clues
    assert clues["REFUSED"]["case_ids"] == ["A2"] and clues["REFUSED"]["incident"] == 0
    assert clues["UNFILED"]["case_ids"] == [] and clues["UNFILED"]["incident"] == 1
    assert clues["REFUSED"]["clue_id"] != clues["UNFILED"]["clue_id"]
    matches = [m for m in _jsonl(mined / "matches.jsonl") if m["complaint_id"] == "C2"]
    assert [(m["case_id"], m.get("incident")) for m in matches] == [("A2", 0)]


def test_incident_judging_single_incident_outputs_unchanged(mined: Path) -> None:
    """Single-incident complaints: matches and clues as linking and judging the whole complaint
    gives them (the path before incidents were judged), and no incident field anywhere."""
    from clue_miner.io import read_cases, read_complaints
    from clue_miner.link import link
    from clue_miner.mine import _summary_extractor

    extractions = {e["id"]: e for e in _jsonl(mined / "extractions.jsonl")}
    assert "incidents" not in extractions["C3"] and "incidents" not in extractions["C4"]
    matches = [m for m in _jsonl(mined / "matches.jsonl") if m["complaint_id"] in ("C3", "C4")]
    assert [(m["complaint_id"], m["case_id"]) for m in matches] == [("C4", "A4")]
    assert all("incident" not in m for m in matches)
    single = [c for c in _jsonl(mined / "clues.jsonl") if set(c["complaint_ids"]) & {"C3", "C4"}]
    assert [(c["complaint_ids"], c["clue_type"]) for c in single] == [(["C3"], "UNFILED")]
    assert all("incident" not in c and "incidents" not in c for c in single)

    # the whole-complaint path (link, then judge each complaint whole) gives the same lines
    import clue_miner

    folder = mined.parent
    rows = read_complaints(folder / "complaints.jsonl").rows
    exts = [clue_miner.extract(c.text, received_at=c.received_at) for c in rows]
    frame = read_cases(folder / "cases.jsonl").frame
    whole = link(rows, exts, frame, summary_extractor=_summary_extractor)
    assert [m.to_dict() for m in whole if m.complaint_id in ("C3", "C4")] == matches
    cases = {str(r["case_id"]): r for r in frame.to_dict("records")}
    by: dict[str, list[Match]] = {}
    for m in whole:
        by.setdefault(m.complaint_id, []).append(m)
    clues = find_clues(rows, exts, by, cases, default_thresholds(), ClueSettings(as_of=AS_OF))
    assert [c.to_dict() for c in clues if set(c.complaint_ids) <= {"C3", "C4"}] == single


# --- engine functions on hand-made extractions ---------------------------------------------------

TEXT = "甲" * 40 + "乙" * 40 + "丙" * 40 + "丁" * 40


def _off(name: str, start: int, kind: str = "criminal", score: float = 0.9) -> Offence:
    return Offence(name, kind, score, (Evidence("OFFENCE_CUE", TEXT[start:start + 2], start, start + 2),))


NO_FACTS = Facts()


def _incident(start: int, end: int, *offences: Offence, facts: Facts = NO_FACTS,
              entities: tuple[Entity, ...] = ()) -> Incident:
    return Incident(start, end, TEXT[start:end], entities, offences, facts)


def _letter(*incidents: Incident, offences: tuple[Offence, ...] = (), facts: Facts = NO_FACTS) -> Extraction:
    ents = tuple(e for inc in incidents for e in inc.entities)
    offs = offences or tuple(sorted((o for inc in incidents for o in inc.offences), key=lambda o: -o.score))
    return Extraction(text=TEXT, entities=ents, offences=offs, category=Category("crime", 0.9), facts=facts,
                      received_at=datetime(2024, 9, 1), incidents=incidents)


def test_incident_units_context_pieces_join_the_story_they_follow() -> None:
    ext = _letter(_incident(0, 40), _incident(40, 80, _off("诈骗", 45)), _incident(80, 120),
                  _incident(120, 160, _off("故意伤害", 125)))
    assert incident_units(ext) == (IncidentUnit(1, (0, 1, 2)), IncidentUnit(3, (3,)))


def test_incident_units_one_offence_or_one_family_is_one_unit() -> None:
    # the story and its handling: one incident tells the offence, the complaint is judged whole
    assert incident_units(_letter(_incident(0, 80, _off("诈骗", 5)), _incident(80, 160))) == ()
    # a story cut where its wording changes: the same offence family goes on
    ext = _letter(_incident(0, 80, _off("强制猥亵、侮辱", 5)), _incident(80, 160, _off("猥亵儿童", 85)))
    assert incident_units(ext) == ()
    assert incident_units(_letter()) == ()


def test_incident_units_unit_extraction_holds_its_own_facts_and_the_writer() -> None:
    writer = Entity("PERSON", 2, 4, TEXT[2:4], "王芳", {"role": "complainant"})
    suspect = Entity("PERSON", 125, 127, TEXT[125:127], "张伟", {"role": "suspect"})
    fraud = _incident(0, 80, _off("诈骗", 45), facts=Facts(amount=50000.0), entities=(writer,))
    handling = _incident(80, 120, facts=Facts(stated_status="not_filed"))
    assault = _incident(120, 160, _off("故意伤害", 125), facts=Facts(injury="轻伤二级"), entities=(suspect,))
    ext = _letter(fraud, handling, assault)
    first, second = incident_units(ext)
    one = unit_extraction(ext, first)
    assert [o.name for o in one.offences] == ["诈骗"] and one.facts.amount == 50000.0
    assert one.facts.stated_status == "not_filed"  # from the handling piece, its context
    two = unit_extraction(ext, second)
    assert [o.name for o in two.offences] == ["故意伤害"] and two.facts.injury == "轻伤二级"
    assert two.facts.amount is None and two.facts.stated_status is None
    assert two.entities == (writer, suspect)  # the writer complains about every incident
    assert two.text == TEXT and two.incidents == () and two.category == ext.category


def _two_stories() -> Extraction:
    return _letter(_incident(0, 80, _off("诈骗", 5)), _incident(80, 160, _off("故意伤害", 85)))


def test_incident_judging_assign_gives_the_whole_match_to_the_agreeing_incident() -> None:
    ext = _two_stories()
    whole = [Match("c1", "K1", 0.99, {"offence": "exact"})]
    # the case is a fraud: the fraud incident, although the whole pass found it
    assert [(m.case_id, m.incident) for m in assign("c1", ext, whole, [], {"K1": {"fraud"}})] == [("K1", 0)]
    assert [(m.case_id, m.incident) for m in assign("c1", ext, whole, [], {"K1": {"assault"}})] == [("K1", 1)]
    # a case about neither incident's offence is about no incident
    assert [(m.case_id, m.incident) for m in assign("c1", ext, whole, [], {"K1": {"theft"}})] == [("K1", None)]
    # an incident's own match stands; the whole match of the same case is not repeated
    own = [Match("c1", "K1", 0.95, {}, incident=0)]
    assert [(m.case_id, m.incident, m.score) for m in assign("c1", ext, whole, own, {})] == [("K1", 0, 0.95)]
    # an incident with its own case does not take another; the other incident does
    own = [Match("c1", "K2", 0.97, {}, incident=0)]
    out = assign("c1", ext, whole, own, {"K1": {"fraud", "assault"}})
    assert [(m.case_id, m.incident) for m in out] == [("K1", 1), ("K2", 0)]  # best first


def _case(case_id: str, status: str, offence: str, kind: str = "刑事") -> dict:
    return {"case_id": case_id, "case_kind": kind, "status": status, "offence": offence, "amount": float("nan"),
            "injury": None, "penalty": None, "accepted_at": datetime(2024, 3, 6), "filed_at": None,
            "status_at": datetime(2024, 3, 20), "region": None}


def _story_letter() -> tuple[Complaint, Extraction]:
    fraud = _incident(0, 80, _off("诈骗", 5), facts=Facts(amount=50000.0))
    assault = _incident(80, 160, _off("故意伤害", 85), facts=Facts(injury="轻伤二级"))
    ext = _letter(fraud, assault, facts=Facts(amount=50000.0, injury="轻伤二级"))
    return Complaint(id="c1", text=TEXT, received_at=datetime(2024, 9, 1)), ext


def _find(comp: Complaint, ext: Extraction, matches: list[Match], cases: dict) -> list[Clue]:
    return find_clues([comp], [ext], {comp.id: matches}, cases, default_thresholds(), ClueSettings(as_of=AS_OF))


def test_incident_judging_each_incident_on_its_own_match() -> None:
    comp, ext = _story_letter()
    cases = {"K1": _case("K1", "不予立案", "诈骗")}
    clues = _find(comp, ext, [Match("c1", "K1", 0.99, {}, incident=0)], cases)
    by_type = {c.clue_type: c for c in clues}
    assert set(by_type) == {"REFUSED", "UNFILED"}
    assert by_type["REFUSED"].incidents == (("c1", 0),) and by_type["REFUSED"].case_ids == ("K1",)
    assert by_type["UNFILED"].incidents == (("c1", 1),) and by_type["UNFILED"].offence == "故意伤害"
    assert by_type["REFUSED"].to_dict()["incident"] == 0 and by_type["UNFILED"].to_dict()["incident"] == 1


def test_incident_judging_unlinked_letter_gives_a_clue_per_incident_with_distinct_ids() -> None:
    comp, ext = _story_letter()
    clues = _find(comp, ext, [], {})
    assert sorted((c.clue_type, c.offence, c.incidents) for c in clues) == [
        ("UNFILED", "故意伤害", (("c1", 1),)), ("UNFILED", "诈骗", (("c1", 0),))]
    assert len({c.clue_id for c in clues}) == 2


def test_incident_judging_whole_complaint_matches_judge_the_complaint_whole() -> None:
    """A caller that linked the complaint as a whole (matches name no incident) gets the whole
    complaint judged, as before incidents were linked on their own."""
    comp, ext = _story_letter()
    cases = {"K1": _case("K1", "不予立案", "诈骗")}
    clues = _find(comp, ext, [Match("c1", "K1", 0.99, {})], cases)
    assert [(c.clue_type, c.case_ids) for c in clues] == [("REFUSED", ("K1",))]


def test_incident_judging_clue_on_two_incidents_of_one_complaint_lists_both() -> None:
    clue = Clue("UNFILED-x", "UNFILED", 0.9, ("c1",), (), "诈骗", (), (), incidents=(("c1", 2), ("c1", 0)))
    data = clue.to_dict()
    assert data["incident"] == 2 and data["incidents"] == {"c1": 2} and data["incident_lists"] == {"c1": [2, 0]}
    single = Clue("UNFILED-y", "UNFILED", 0.9, ("c1",), (), "诈骗", (), (), incidents=(("c1", 1),))
    assert "incident_lists" not in single.to_dict()


def test_incident_judging_match_names_its_incident_only_when_set() -> None:
    assert "incident" not in Match("c1", "K1", 0.9).to_dict()
    assert Match("c1", "K1", 0.9, incident=2).to_dict()["incident"] == 2
