"""A small hand-made `mine` output (and its archives) for the clue store and review app tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

SCRIPT = "<script>alert('x')</script>"
PHONE = "13812345678"
ID_NUMBER = "110101199003071234"

C1 = (f"我叫王芳，电话{PHONE}，身份证{ID_NUMBER}。2024年3月5日我被人以投资为名骗走5万元，"
      f"派出所出具了不予立案通知书。{SCRIPT}")
C2 = "2024年4月1日我家门口的电动车被李强偷走，价值3000元，派出所只给他罚了款。"
C3 = "2024年5月2日有人在菜市场抢走我的金项链，价值8000元，我报警后派出所一直不立案。"

CASES = [
    {"case_id": "K1", "case_kind": "刑事", "status": "不予立案", "offence": "诈骗", "accepted_at": "2024-03-06",
     "status_at": "2024-03-20", "victims": "王芳", "victim_phones": PHONE, "amount": "50000",
     "summary": "王芳被骗5万元，经审查不予立案。", "办案单位": "城东派出所"},
    {"case_id": "K2", "case_kind": "行政", "status": "行政处罚", "offence": "盗窃", "accepted_at": "2024-04-02",
     "status_at": "2024-04-10", "suspects": "李强", "amount": "3000", "penalty": "罚款500元",
     "summary": "李强盗窃电动车，罚款500元。", "办案单位": "城西派出所"},
    {"case_id": "K3", "case_kind": "刑事", "status": "受案", "offence": "抢夺", "accepted_at": "2024-05-03",
     "status_at": "2024-05-03", "amount": "8000", "summary": "菜市场金项链被抢。", "办案单位": "城南派出所"},
]


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    fields: list[str] = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _span(text: str, part: str, label: str, cid: str | None = None) -> dict[str, Any]:
    start = text.index(part)
    out = {"label": label, "text": part, "start": start, "end": start + len(part)}
    return {"complaint_id": cid, **out} if cid else out


def make_run(root: Path, name: str = "run1", case_updates: dict[str, dict[str, str]] | None = None,
             clue_ids: tuple[str, ...] | None = None, extra_matches: tuple[tuple[str, str], ...] = ()) -> Path:
    """Write archives + a `mine`-like output folder under ``root``; returns the output folder."""
    root.mkdir(parents=True, exist_ok=True)
    out = root / name
    out.mkdir()
    comps = [{"id": "C1", "text": C1, "received_at": "2024-03-08", "region": "甲市城东区"},
             {"id": "C2", "text": C2, "received_at": "2024-04-15", "region": "甲市城西区"},
             {"id": "C3", "text": C3, "received_at": "2024-05-20", "region": "甲市城南区"}]
    cases = [dict(c, **(case_updates or {}).get(c["case_id"], {})) for c in CASES]
    _write_csv(root / f"{name}_complaints.csv", comps)
    _write_csv(root / f"{name}_cases.csv", cases)
    clues = [
        {"clue_id": "REFUSED-aaaaaaaaaaaa", "clue_type": "REFUSED", "score": 0.91, "complaint_ids": ["C1"],
         "case_ids": ["K1"], "offence": "诈骗", "reasons": ["关联案件K1（刑事，不予立案）", "涉案金额50000元，达到诈骗“数额较大”3000元（全国默认标准）"],
         "evidence": [_span(C1, "骗走5万元", "OFFENCE", "C1"), _span(C1, "不予立案通知书", "STATUS", "C1")]},
        {"clue_id": "PENALTY_INSTEAD-bbbbbbbbbbbb", "clue_type": "PENALTY_INSTEAD", "score": 0.8,
         "complaint_ids": ["C2"], "case_ids": ["K2"], "offence": "盗窃", "reasons": ["按行政案件处理（罚款500元）"],
         "evidence": [_span(C2, "偷走", "OFFENCE", "C2")]},
        {"clue_id": "UNFILED-cccccccccccc", "clue_type": "UNFILED", "score": 0.7, "complaint_ids": ["C3"],
         "case_ids": [], "offence": "抢夺", "reasons": ["未能关联到对应的案件记录，需调取核实"],
         "evidence": [_span(C3, "抢走我的金项链", "OFFENCE", "C3")]},
    ]
    if clue_ids is not None:
        clues = [c for c in clues if c["clue_id"] in clue_ids]
    _jsonl(out / "clues.jsonl", clues)
    matches = [{"complaint_id": "C1", "case_id": "K1", "score": 0.99,
                "comparisons": {"victim": "phone_and_name", "date": "within_1_day", "amount": "ratio_0.95"},
                "weights": {"victim": 12.5, "date": 4.1, "amount": 3.2}},
               {"complaint_id": "C2", "case_id": "K2", "score": 0.97, "comparisons": {"suspect": "name_exact"},
                "weights": {"suspect": 9.0}}]
    matches += [{"complaint_id": c, "case_id": k, "score": 0.95, "comparisons": {"date": "within_1_day"},
                 "weights": {"date": 4.1}} for c, k in extra_matches]
    _jsonl(out / "matches.jsonl", matches)
    _jsonl(out / "extractions.jsonl", [
        {"id": "C1", "entities": [_span(C1, "王芳", "PERSON"), _span(C1, PHONE, "PHONE"), _span(C1, ID_NUMBER, "ID_NUMBER")],
         "offences": [{"name": "诈骗", "evidence": [_span(C1, "投资", "OFFENCE_CUE")]}]},
        {"id": "C2", "entities": [_span(C2, "李强", "PERSON")], "offences": []},
        {"id": "C3", "entities": [], "offences": []},
    ])
    (out / "summary.json").write_text(json.dumps({
        "as_of": "2024-12-31", "inputs": {"complaints": str(root / f"{name}_complaints.csv"),
                                          "cases": str(root / f"{name}_cases.csv")}}), encoding="utf-8")
    return out


def make_store(tmp_path: Path, users: tuple[tuple[str, str, str], ...] = (
        ("rev", "reviewer", "reviewer-pass"), ("sup", "supervisor", "supervisor-pass"))):  # type: ignore[no-untyped-def]
    """A SQLite store under ``tmp_path`` holding :func:`make_run`'s output and the given users."""
    from clue_miner.store import Store
    from clue_miner.store.auth import add_user
    from clue_miner.store.importer import import_run

    store = Store(tmp_path / "clues.sqlite")
    with store.session() as db:
        import_run(db, make_run(tmp_path / "data"))
        for name, role, password in users:
            add_user(db, name, role, password)
    return store
