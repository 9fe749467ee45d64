from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest

from clue_miner.link import LinkSettings, link, link_frames
from clue_miner.link.synthetic import synthesise
from clue_miner.types import CaseRecord, Complaint, Entity, Extraction, Facts, Offence

CASE_COLUMNS = ["case_id", "case_kind", "status", "offence", "accepted_at", "filed_at", "status_at", "suspects",
                "suspect_phones", "suspect_ids", "victims", "victim_phones", "location", "injury", "penalty",
                "summary", "region", "amount", "row", "extra"]
LIST_COLUMNS = ("suspects", "suspect_phones", "suspect_ids", "victims", "victim_phones")


def person(name: str, role: str, partial: bool = False) -> Entity:
    attrs: dict[str, Any] = {"role": role}
    if partial:
        attrs.update(partial=True, surname=name[0])
    return Entity("PERSON", 0, len(name), name, name, attrs)


def phone(value: str) -> Entity:
    return Entity("PHONE", 0, len(value), value, value)


def place(text: str) -> Entity:
    return Entity("LOCATION", 0, len(text), text, text)


def complaint(cid: str, *entities: Entity, offence: str | None = None, incident: date | None = None,
              amount: float | None = None, complainant: str | None = None, complainant_phone: str | None = None,
              region: str | None = None, received: datetime | None = None) -> tuple[Complaint, Extraction]:
    comp = Complaint(cid, "（测试）", received, complainant=complainant, complainant_phone=complainant_phone,
                     region=region)
    offences = (Offence(offence, "criminal", 0.9),) if offence else ()
    ex = Extraction("（测试）", tuple(entities), offences, facts=Facts(amount=amount, incident_date=incident))
    return comp, ex


def cases(*rows: dict[str, Any]) -> pd.DataFrame:
    full = []
    for i, row in enumerate(rows):
        base: dict[str, Any] = {c: None for c in CASE_COLUMNS}
        base.update({"case_kind": "刑事", "status": "立案", "row": i + 1, "extra": {}, "amount": float("nan")})
        for col in LIST_COLUMNS:
            base[col] = []
        base.update(row)
        full.append(base)
    frame = pd.DataFrame(full, columns=CASE_COLUMNS)
    for col in ("accepted_at", "filed_at", "status_at"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def run(pairs: list[tuple[Complaint, Extraction]], frame: pd.DataFrame, **kw: Any) -> dict[str, list[Any]]:
    matches = link([p[0] for p in pairs], [p[1] for p in pairs], frame, **kw)
    out: dict[str, list[Any]] = {}
    for m in matches:
        out.setdefault(m.complaint_id, []).append(m)
    return out


def test_link_exact_phone_match() -> None:
    frame = cases(
        {"case_id": "K1", "offence": "诈骗案", "accepted_at": "2024-05-12", "suspects": ["张伟"],
         "suspect_phones": ["13800138000"], "victims": ["王芳"], "victim_phones": ["13900000001"]},
        {"case_id": "K2", "offence": "盗窃", "accepted_at": "2024-05-12", "suspects": ["刘强"],
         "suspect_phones": ["13700000000"]},
    )
    c = complaint("C1", phone("13800138000"), person("张伟", "suspect"), offence="诈骗",
                  incident=date(2024, 5, 11), complainant="王芳", complainant_phone="139-0000-0001")
    got = run([c], frame)
    assert [m.case_id for m in got["C1"]] == ["K1"]
    match = got["C1"][0]
    assert match.score > 0.99
    assert match.comparisons["suspect"] == "phone_and_name"
    assert match.comparisons["victim"] == "phone_and_name"
    assert match.comparisons["date"] == "within_1_day"
    assert "amount" not in match.comparisons  # null comparisons are left out


def test_link_partial_name_offence_date() -> None:
    frame = cases(
        {"case_id": "K1", "offence": "盗窃", "accepted_at": "2024-05-18", "suspects": ["张伟"],
         "victims": ["李娜"], "location": "杭州市西湖区文三路138号", "region": "西湖区", "amount": 3000.0},
        {"case_id": "K2", "offence": "盗窃", "accepted_at": "2023-01-03", "suspects": ["张伟"],
         "location": "杭州市西湖区文三路138号", "region": "西湖区"},
        {"case_id": "K3", "offence": "盗窃", "accepted_at": "2024-05-18", "suspects": ["刘强"],
         "location": "滨江区江南大道88号", "region": "滨江区"},
    )
    c = complaint("C1", person("张某", "suspect", partial=True), place("文三路138号"), offence="盗窃",
                  incident=date(2024, 5, 18), region="西湖区", received=datetime(2024, 5, 20))
    got = run([c], frame)
    assert [m.case_id for m in got["C1"]] == ["K1"]
    assert got["C1"][0].comparisons["suspect"] == "name_partial"
    assert got["C1"][0].comparisons["location"] == "jaccard_0.5"


def test_link_site_named_without_the_address_around_it() -> None:
    # the complaint names the estate, the case writes city, district and road before it
    frame = cases(
        {"case_id": "K1", "offence": "贩卖毒品", "accepted_at": "2025-04-20", "suspects": ["贾兰"],
         "location": "G市G9县红旗街明珠嘉园", "region": "G9县"},
        {"case_id": "K2", "offence": "贩卖毒品", "accepted_at": "2025-04-22", "suspects": ["贾明"],
         "location": "G市G9县人民路翠湖新村", "region": "G9县"},
    )
    c = complaint("C1", person("贾某", "suspect", partial=True), place("明珠嘉园"), offence="走私、贩卖、运输、制造毒品",
                  region="G9县", received=datetime(2025, 5, 10))
    got = run([c], frame)
    assert [m.case_id for m in got["C1"]] == ["K1"]
    assert got["C1"][0].comparisons["location"] == "site"


def test_link_no_match_for_unrelated_case() -> None:
    frame = cases({"case_id": "K1", "offence": "盗窃", "accepted_at": "2023-02-01", "suspects": ["刘强"],
                   "suspect_phones": ["13700000000"], "victims": ["赵敏"], "region": "滨江区"})
    c = complaint("C1", phone("13800138000"), person("张伟", "suspect"), offence="诈骗",
                  incident=date(2024, 5, 11), complainant="王芳", region="西湖区")
    assert run([c], frame) == {}


def test_link_tie_break_among_cases_of_one_suspect() -> None:
    fraud = {"offence": "诈骗", "suspects": ["李强"], "suspect_phones": ["13800138000"], "region": "西湖区"}
    frame = cases(
        {**fraud, "case_id": "K1", "accepted_at": "2024-05-01", "victims": ["王芳"],
         "victim_phones": ["13900000001"], "amount": 5000.0},
        {**fraud, "case_id": "K2", "accepted_at": "2024-05-10", "victims": ["赵敏"],
         "victim_phones": ["13900000002"], "amount": 20000.0},
        {**fraud, "case_id": "K3", "accepted_at": "2024-05-20", "victims": ["陈静"],
         "victim_phones": ["13900000003"], "amount": 800.0},
    )
    complaints = [
        complaint("C1", phone("13800138000"), person("李强", "suspect"), offence="诈骗",
                  incident=date(2024, 5, 1), amount=5000.0, complainant="王芳", complainant_phone="13900000001"),
        complaint("C2", phone("13800138000"), offence="诈骗", incident=date(2024, 5, 9), amount=20000.0,
                  complainant="赵敏"),
        # a relative complains for the victim; the victim is named in the text
        complaint("C3", person("李某", "suspect", partial=True), person("陈静", "victim"), offence="诈骗",
                  incident=date(2024, 5, 20), amount=800.0, complainant="陈刚", complainant_phone="13600000000",
                  region="西湖区"),
    ]
    got = run(complaints, frame)
    assert [m.case_id for m in got["C1"]] == ["K1"]
    assert [m.case_id for m in got["C2"]] == ["K2"]
    assert [m.case_id for m in got["C3"]] == ["K3"]


def test_link_distractor_same_offence_same_day_elsewhere() -> None:
    frame = cases(
        {"case_id": "K1", "offence": "诈骗", "accepted_at": "2024-05-12", "suspects": ["王强"],
         "victims": ["周杰"], "region": "西湖区", "location": "西湖区文三路8号"},
        {"case_id": "K2", "offence": "诈骗", "accepted_at": "2024-05-12", "suspects": ["王磊"],
         "victims": ["孙悦"], "region": "滨江区", "location": "滨江区江南大道1号"},
    )
    c = complaint("C1", person("王某", "suspect", partial=True), place("文三路"), offence="诈骗",
                  incident=date(2024, 5, 12), complainant="周杰", region="西湖区")
    got = run([c], frame)
    assert [m.case_id for m in got["C1"]] == ["K1"]


def test_link_phone_typo_is_fuzzy() -> None:
    frame = cases({"case_id": "K1", "offence": "诈骗", "accepted_at": "2024-05-12", "suspects": ["张伟"],
                   "suspect_phones": ["13812345678"], "amount": 5000.0, "region": "西湖区"})
    c = complaint("C1", phone("13812345687"), offence="诈骗", incident=date(2024, 5, 12), amount=5000.0,
                  region="西湖区")
    got = run([c], frame)
    assert got["C1"][0].comparisons["suspect"] == "phone_fuzzy"


def test_link_repeat_complainant_needs_incident_evidence() -> None:
    # the same person reported a theft last year; now complains about a fraud nobody recorded
    frame = cases({"case_id": "K1", "offence": "盗窃", "accepted_at": "2023-03-01", "suspects": ["刘强"],
                   "victims": ["王芳"], "victim_phones": ["13900000001"], "amount": 800.0, "region": "西湖区"})
    c = complaint("C1", person("赵某", "suspect", partial=True), offence="诈骗", incident=date(2024, 5, 12),
                  amount=30000.0, complainant="王芳", complainant_phone="13900000001", region="西湖区")
    assert run([c], frame, settings=LinkSettings(prior_match_probability=0.5 / 100_000)) == {}
    # the same person about the same theft: linked
    again = complaint("C2", offence="盗窃", incident=date(2023, 3, 1), amount=800.0, complainant="王芳",
                      complainant_phone="13900000001", region="西湖区")
    assert [m.case_id for m in run([again], frame)["C2"]] == ["K1"]


def test_link_empty_inputs() -> None:
    frame = cases({"case_id": "K1", "offence": "诈骗", "accepted_at": "2024-05-12"})
    assert link([], [], frame) == []
    c = complaint("C1", phone("13800138000"), offence="诈骗", incident=date(2024, 5, 12))
    assert link([c[0]], [c[1]], frame.iloc[0:0]) == []
    result = link_frames([], [], frame)
    assert result.matches == [] and result.candidate_pairs_count == 0


def test_link_complaint_without_features_gets_no_match() -> None:
    frame = cases({"case_id": "K1", "offence": "诈骗", "accepted_at": "2024-05-12", "suspects": ["张伟"]})
    c = complaint("C1")
    result = link_frames([c[0]], [c[1]], frame)
    assert result.matches == []
    assert result.candidate_pairs_count == 0


def test_link_summary_phones_and_case_records() -> None:
    record = CaseRecord("K1", "刑事", "受案", offence="诈骗", accepted_at=datetime(2024, 5, 12),
                        summary="2024年5月12日，报案人王芳（电话13900000001）称被骗5000元。")
    c = complaint("C1", offence="诈骗", incident=date(2024, 5, 12), complainant_phone="+86 139 0000 0001")
    got = run([c], [record])
    assert got["C1"][0].comparisons["victim"] == "phone"


def test_link_masked_complainant_phone() -> None:
    frame = cases({"case_id": "K1", "offence": "盗窃", "accepted_at": "2024-05-12", "victims": ["邓天佑"],
                   "victim_phones": ["15615783221"], "amount": 9500.0, "location": "H市H3区先锋大道南湖名城"})
    c = complaint("C1", offence="盗窃", incident=date(2024, 5, 10), amount=9500.0, complainant="邓**",
                  complainant_phone="156****3221", region="H市H3区")
    got = run([c], frame)
    assert got["C1"][0].comparisons["victim"] == "phone_masked"
    assert got["C1"][0].comparisons["region"] == "equal"  # the case's region comes from its location


def test_link_account_and_summary_date() -> None:
    card = "6222020012345678"
    frame = cases({"case_id": "K1", "offence": "诈骗", "accepted_at": "2024-06-20",
                   "summary": "2024年5月2日，被害人被骗转账至银行卡。"})

    def extractor(texts: list[str]) -> list[Extraction]:
        return [Extraction(t, (Entity("BANK_CARD", 0, 16, card, card), Entity("TIME", 0, 9, "2024年5月2日",
                                                                                "2024-05-02"))) for t in texts]

    c = complaint("C1", Entity("BANK_CARD", 0, 16, card, card), offence="诈骗", incident=date(2024, 5, 2))
    match = run([c], frame, summary_extractor=extractor)["C1"][0]
    assert match.comparisons["account"] == "exact"
    assert match.comparisons["date"] == "within_1_day"  # the summary's incident date, not accepted_at


def test_link_custom_summary_extractor() -> None:
    frame = cases({"case_id": "K1", "offence": "诈骗", "accepted_at": "2024-05-12",
                   "summary": "嫌疑人赵大海冒充客服骗取被害人钱款。"})

    def extractor(texts: list[str]) -> list[Extraction]:
        return [Extraction(t, (Entity("PERSON", 3, 6, "赵大海", "赵大海", {"role": "suspect"}),)) for t in texts]

    c = complaint("C1", person("赵大海", "suspect"), offence="诈骗", incident=date(2024, 5, 12))
    got = run([c], frame, summary_extractor=extractor)
    assert got["C1"][0].comparisons["suspect"] == "name_exact"


def test_link_common_phone_is_skipped_and_pruned() -> None:
    station = "057187654321"  # a police station's landline quoted in every summary
    rows = [{"case_id": f"K{i}", "offence": "盗窃", "accepted_at": f"2024-0{i + 1}-01", "region": "西湖区",
             "summary": f"派出所电话{station}"} for i in range(3)]
    c = complaint("C1", phone(station), offence="盗窃", incident=date(2024, 1, 1), region="西湖区")
    settings = LinkSettings(max_block_size=2, threshold=0.01, min_corroboration=0)  # blocking mechanics only
    result = link_frames([c[0]], [c[1]], cases(*rows), settings=settings)
    assert result.stats["blocking"]["phone"]["skipped_keys"] == 1
    assert result.stats["pairs_by_rule"] == {**result.stats["pairs_by_rule"], "phone": 0, "family_area_day": 1}
    (match,) = result.matches  # found by the district rule; the pruned number is no evidence
    assert match.case_id == "K0" and "victim" not in match.comparisons
    unpruned = link_frames([c[0]], [c[1]], cases(*rows), settings=LinkSettings(threshold=0.01, min_corroboration=0))
    assert {m.comparisons["victim"] for m in unpruned.matches} == {"phone"}


def test_link_max_matches_and_order() -> None:
    rows = [{"case_id": f"K{i}", "offence": "诈骗", "accepted_at": "2024-05-12", "suspects": ["李强"],
             "suspect_phones": ["13800138000"]} for i in range(5)]
    c = complaint("C1", phone("13800138000"), person("李强", "suspect"), offence="诈骗", incident=date(2024, 5, 12))
    got = run([c], cases(*rows), settings=LinkSettings(max_matches_per_complaint=2))
    assert [m.case_id for m in got["C1"]] == ["K0", "K1"]  # a true tie: by position


def test_link_synthetic_2000_runs() -> None:
    data = synthesise(2000, 2000, seed=7)
    result = link_frames(data.complaints, data.extractions, data.cases, settings=LinkSettings(threads=2))
    best: dict[str, str] = {}
    for m in result.matches:
        best.setdefault(m.complaint_id, m.case_id)
    correct = sum(1 for cid, kid in best.items() if data.truth[cid] == kid)
    with_case = sum(1 for v in data.truth.values() if v)
    assert result.candidate_pairs_count > 0
    assert correct / len(best) > 0.95
    assert correct / with_case > 0.75


def test_link_features_prepared_in_id_ranges_give_the_same_matches(monkeypatch) -> None:  # noqa: ANN001
    """A side larger than PREPARE_ROWS has its features and Splink's input table (key lists) built a
    range of ids at a time (the list aggregations do not spill; 10^6 records ran out of DuckDB's
    512MB in one go): same matches."""
    from clue_miner.link import duckdb_backend

    data = synthesise(300, 300, seed=11)

    def run() -> list[tuple[str, str, float, str]]:
        result = link_frames(data.complaints, data.extractions, data.cases, settings=LinkSettings(threads=1))
        return sorted((m.complaint_id, m.case_id, round(m.score, 9), str(sorted(m.comparisons.items())))
                      for m in result.matches)

    whole = run()
    monkeypatch.setattr(duckdb_backend, "PREPARE_ROWS", 37)
    calls: list[str] = []
    execute = duckdb_backend.DuckDBBackend.execute
    monkeypatch.setattr(duckdb_backend.DuckDBBackend, "execute",
                        lambda self, statement: (calls.append(statement), execute(self, statement))[1])
    assert run() == whole and whole
    assert sum(s.startswith("INSERT INTO c_feat") for s in calls) >= 7
    assert sum(s.startswith("INSERT INTO c_in") for s in calls) >= 7  # Splink's inputs too
    assert sum(s.startswith("INSERT INTO k_in") for s in calls) >= 7


def test_link_threshold_setting_filters() -> None:
    frame = cases({"case_id": "K1", "offence": "盗窃", "accepted_at": "2024-05-18", "suspects": ["张伟"],
                   "region": "西湖区"})
    c = complaint("C1", person("张某", "suspect", partial=True), offence="盗窃", incident=date(2024, 5, 18),
                  region="西湖区")
    low = run([c], frame, settings=LinkSettings(threshold=0.01))
    high = run([c], frame, settings=replace(LinkSettings(), threshold=0.999))
    assert "C1" in low and "C1" not in high


def test_link_rejects_mismatched_lengths() -> None:
    from clue_miner.errors import InputError

    c = complaint("C1")
    with pytest.raises(InputError):
        link([c[0]], [], cases({"case_id": "K1"}))


def test_link_corroboration_counts_independent_facts() -> None:
    from clue_miner.link.linker import corroboration

    assert corroboration({"offence": "exact", "text": "best_0.5", "location": "jaccard_0.2"}) == 1
    assert corroboration({"suspect": "name_partial", "date": "within_3_days"}) == 2
    assert corroboration({"suspect": "name_partial", "victim": "phone_masked"}) == 2  # two parties
    assert corroboration({"victim": "phone", "offence": "exact"}) == 2  # a shared phone names the party
    assert corroboration({"suspect": "name_exact", "victim": "phone"}) == 2  # parties count at most twice
    assert corroboration({"suspect": "different", "date": "received_later", "amount": "ratio_0.5"}) == 0


def test_link_offence_and_a_date_alone_do_not_link() -> None:
    frame = cases({"case_id": "K1", "offence": "盗窃", "accepted_at": "2024-03-20", "region": "武侯区",
                   "amount": 5000.0})
    c = complaint("C1", offence="盗窃", incident=date(2024, 3, 19), amount=12000.0, region="武侯区")
    loose = run([c], frame, settings=LinkSettings(min_corroboration=0, threshold=0.01))
    assert [m.case_id for m in loose["C1"]] == ["K1"]  # the scorer alone would take it
    assert run([c], frame, settings=LinkSettings(threshold=0.01)) == {}  # one fact agrees: the date
