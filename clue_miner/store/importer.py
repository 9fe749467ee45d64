"""``clue-miner store import OUT_DIR``: load one `mine` output into the store.

Idempotent: a run is known by the SHA-256 of its ``clues.jsonl`` and ``matches.jsonl``, and
importing it again changes nothing. A clue keeps its ``clue_id`` across runs (clue type +
complaints), its workflow state, verdicts and steps; the fields `mine` computes (score, reasons,
evidence, linked cases) take the newest run's values. The complaints and case records a clue
rests on are stored as the archives give them (``summary.json`` names the archives; ``--complaints``
/ ``--cases`` override). A later run that shows a clue's case filed, moved on or withdrawn records
an :class:`~clue_miner.store.models.Outcome` on the clue, and whether a supervision notice had gone
out before it ("filed after supervision").
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clue_miner.errors import InputError
from clue_miner.store.auth import now
from clue_miner.store.models import (
    Audit,
    CaseRow,
    CaseStatus,
    ClueCase,
    ClueComplaint,
    ClueRow,
    ComplaintRow,
    MatchRow,
    Outcome,
    Run,
    Step,
)

log = logging.getLogger(__name__)

FILED = ("立案", "侦查", "移送起诉", "起诉")  # a criminal case that is (or was) filed
NOTICE_ACTIONS = ("request_reasons", "filing_notice")
UNIT_KEYS = ("unit", "办案单位", "承办单位", "主办单位", "受理单位", "police_unit")


@dataclass
class ImportResult:
    run_id: int
    already_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"{path.name} not found in {path.parent} (is this a `mine` output folder?)",
                         code="missing_file")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise InputError(f"{path.name} line {n}: not JSON ({err.msg})", code="malformed_json") from err
    return rows


def fingerprint(out_dir: Path) -> str:
    h = hashlib.sha256()
    for name in ("clues.jsonl", "matches.jsonl"):
        p = out_dir / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()


def _locate(given: Path | None, recorded: str | None, out_dir: Path, what: str) -> Path:
    if given is not None:
        if not given.is_file():
            raise InputError(f"{what} archive not found: {given}", code="not_found")
        return given
    if recorded:
        for cand in (Path(recorded), out_dir / recorded, out_dir.parent / recorded):
            if cand.is_file():
                return cand
    raise InputError(f"cannot find the {what} archive of {out_dir} (summary.json names {recorded!r}); "
                     f"pass --{what} FILE", code="not_found")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _case_record(case: Any) -> dict[str, Any]:
    out = {k: _iso(getattr(case, k)) if k.endswith("_at") else getattr(case, k)
           for k in ("case_id", "case_kind", "status", "offence", "accepted_at", "filed_at", "status_at",
                     "location", "amount", "injury", "penalty", "summary", "region")}
    for k in ("suspects", "suspect_phones", "suspect_ids", "victims", "victim_phones"):
        out[k] = list(getattr(case, k))
    out["extra"] = {str(k): _iso(v) if isinstance(v, datetime | date) else v for k, v in case.extra.items()}
    return out


def _unit(record: Mapping[str, Any]) -> str | None:
    extra = record.get("extra") or {}
    for k in UNIT_KEYS:
        if extra.get(k):
            return str(extra[k])[:128]
    return (record.get("region") or None) and str(record["region"])[:128]


def _outcome_kind(clue_type: str, case_kind: str, status: str) -> str | None:
    criminal = case_kind in ("刑事", "criminal")
    if clue_type == "STALLED":
        if status == "撤案":
            return "withdrawn"
        return "moved" if status not in ("立案", "侦查") else None
    if criminal and status in FILED:
        return "filed"
    return "status_changed"


def import_run(db: Session, out_dir: str | Path, *, complaints: Path | None = None, cases: Path | None = None,
               mapping: Mapping[str, str] | None = None, user: str | None = None) -> ImportResult:
    """Load ``out_dir`` (a `mine` output) into the store open in ``db``; the caller commits."""
    from clue_miner.io import read_cases, read_complaints

    out = Path(out_dir)
    if not out.is_dir():
        raise InputError(f"not a folder: {out}", code="not_found")
    summary_path = out / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    fp = fingerprint(out)
    known = db.scalar(select(Run).where(Run.fingerprint == fp))
    if known is not None:
        return ImportResult(known.id, already_imported=True)
    clues = _jsonl(out / "clues.jsonl")
    matches = _jsonl(out / "matches.jsonl")
    extractions = {str(r.get("id")): r for r in _jsonl(out / "extractions.jsonl")} \
        if (out / "extractions.jsonl").is_file() else {}
    inputs = summary.get("inputs") or {}
    mapping = dict(mapping or {})
    c_path = _locate(complaints, inputs.get("complaints"), out, "complaints")
    k_path = _locate(cases, inputs.get("cases"), out, "cases")

    stamp = now()
    run = Run(fingerprint=fp, out_dir=str(out.resolve()), as_of=summary.get("as_of"), imported_at=stamp,
              imported_by=user, summary={k: v for k, v in summary.items() if k not in ("link_seconds",)})
    db.add(run)
    db.flush()

    stored_links: dict[str, list[str]] = defaultdict(list)  # complaint id -> clue ids already stored
    for cc in db.scalars(select(ClueComplaint)):
        stored_links[cc.complaint_id].append(cc.clue_id)
    new_links = {str(cid): c["clue_id"] for c in clues for cid in c.get("complaint_ids", [])}
    wanted = set(new_links) | set(stored_links)
    by_complaint: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in matches:
        if str(m.get("complaint_id")) in wanted:
            by_complaint[str(m["complaint_id"])].append(m)
    case_ids = {str(k) for c in clues for k in c.get("case_ids", [])}
    case_ids |= {str(m["case_id"]) for ms in by_complaint.values() for m in ms}

    texts = {c.id: c for c in read_complaints(c_path, mapping=mapping).rows if c.id in wanted}
    records = {k.case_id: k for k in read_cases(k_path, mapping=mapping).records() if k.case_id in case_ids}
    counts = {"clues_new": 0, "clues_updated": 0, "complaints": 0, "cases": 0, "matches": 0, "outcomes": 0,
              "complaints_missing": 0}

    for cid, comp in texts.items():
        row = db.get(ComplaintRow, cid)
        values = dict(text=comp.text, received_at=_iso(comp.received_at), channel=comp.channel, title=comp.title,
                      region=comp.region, extraction=extractions.get(cid, {}), run_id=run.id)
        if row is None:
            db.add(ComplaintRow(id=cid, **values))
        else:
            for k, v in values.items():
                setattr(row, k, v)
        counts["complaints"] += 1
    counts["complaints_missing"] = len(set(new_links) - set(texts))

    previous_status: dict[str, str] = {}
    for kid, case in records.items():
        record = _case_record(case)
        row = db.get(CaseRow, kid)
        if row is not None:
            previous_status[kid] = row.status
        values = dict(case_kind=case.case_kind, status=case.status, offence=case.offence,
                      status_at=_iso(case.status_at), unit=_unit(record), record=record, run_id=run.id)
        if row is None:
            db.add(CaseRow(case_id=kid, **values))
        else:
            for k, v in values.items():
                setattr(row, k, v)
        if row is None or previous_status.get(kid) != case.status:
            db.add(CaseStatus(case_id=kid, status=case.status, status_at=_iso(case.status_at), run_id=run.id))
        counts["cases"] += 1

    if by_complaint:
        db.execute(delete(MatchRow).where(MatchRow.complaint_id.in_(list(by_complaint))))
    for ms in by_complaint.values():
        for m in ms:
            db.add(MatchRow(complaint_id=str(m["complaint_id"]), case_id=str(m["case_id"]),
                            score=float(m.get("score", 0.0)), comparisons=m.get("comparisons") or {},
                            weights=m.get("weights") or {}, run_id=run.id))
            counts["matches"] += 1
    db.flush()

    for c in clues:
        key = str(c["clue_id"])
        comp_ids = [str(x) for x in c.get("complaint_ids", [])]
        kase_ids = [str(x) for x in c.get("case_ids", [])]
        region = next((texts[x].region for x in comp_ids if x in texts and texts[x].region), None)
        unit = next((_unit(_case_record(records[k])) for k in kase_ids if k in records), None) or region
        extra = {k: v for k, v in c.items() if k not in ("clue_id", "clue_type", "score", "offence", "complaint_ids",
                                                        "case_ids", "reasons", "evidence")}
        values = dict(clue_type=c.get("clue_type", ""), score=float(c.get("score", 0.0)), offence=c.get("offence"),
                      complaint_ids=comp_ids, case_ids=kase_ids, reasons=list(c.get("reasons", [])),
                      evidence=list(c.get("evidence", [])), extra=extra, region=region, unit=unit,
                      last_run_id=run.id, updated_at=stamp)
        row = db.get(ClueRow, key)
        if row is None:
            db.add(ClueRow(clue_id=key, status="new", first_run_id=run.id, created_at=stamp, **values))
            counts["clues_new"] += 1
        else:
            for k, v in values.items():
                setattr(row, k, v)
            counts["clues_updated"] += 1
        db.flush()
        db.execute(delete(ClueComplaint).where(ClueComplaint.clue_id == key))
        db.execute(delete(ClueCase).where(ClueCase.clue_id == key))
        db.add_all([ClueComplaint(clue_id=key, complaint_id=x) for x in dict.fromkeys(comp_ids)])
        db.add_all([ClueCase(clue_id=key, case_id=x) for x in dict.fromkeys(kase_ids)])
    db.flush()

    counts["outcomes"] = _record_outcomes(db, run, by_complaint, records, previous_status)
    db.add(Audit(at=stamp, user_name=user, action="import", target=str(out.resolve())[:160],
                 detail={"run_id": run.id, **counts}))
    db.flush()
    return ImportResult(run.id, counts=counts)


def _record_outcomes(db: Session, run: Run, by_complaint: Mapping[str, Iterable[Mapping[str, Any]]],
                     records: Mapping[str, Any], previous_status: Mapping[str, str]) -> int:
    """Outcomes for every stored clue whose case (linked now or before) shows a new status."""
    added = 0
    for clue in db.scalars(select(ClueRow)):
        linked = list(dict.fromkeys([*clue.case_ids, *(str(m["case_id"]) for cid in clue.complaint_ids
                                                        for m in by_complaint.get(cid, ()))]))
        for kid in linked:
            case = records.get(kid)
            if case is None:
                continue
            seen = db.scalar(select(Outcome).where(Outcome.clue_id == clue.clue_id, Outcome.case_id == kid)
                             .order_by(Outcome.id.desc()).limit(1))
            last = seen.status if seen is not None else previous_status.get(kid)
            if clue.first_run_id == run.id and kid in clue.case_ids:
                continue  # the status the clue was raised on is not an outcome
            if last == case.status and kid in clue.case_ids:
                continue
            if seen is not None and seen.status == case.status:
                continue
            kind = _outcome_kind(clue.clue_type, case.case_kind, case.status)
            if kind is None or (kind == "status_changed" and last in (None, case.status)):
                continue
            at = _iso(case.filed_at if kind == "filed" and case.filed_at else case.status_at)
            notices = db.scalars(select(Step).where(Step.clue_id == clue.clue_id,
                                                    Step.action.in_(NOTICE_ACTIONS))).all()
            after = bool(notices) and (at is None or any(s.on_date.isoformat() <= at[:10] for s in notices))
            db.add(Outcome(clue_id=clue.clue_id, run_id=run.id, kind=kind, case_id=kid, status=case.status, at=at,
                           after_supervision=after))
            clue.outcome, clue.outcome_at = kind, at
            clue.filed_after_supervision = clue.filed_after_supervision or (after and kind == "filed")
            added += 1
    return added
