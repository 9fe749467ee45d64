"""Reading the store: the filtered clue list, one clue with everything behind it, overdue answers,
counts per state / offence / police unit, and exports (CSV, XLSX, fine-tuning JSONL)."""

from __future__ import annotations

import io
import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from clue_miner.store.models import (
    CaseRow,
    CaseStatus,
    ClueCase,
    ClueComplaint,
    ClueRow,
    ComplaintRow,
    MatchRow,
    Outcome,
    Step,
    User,
    Verdict,
)
from clue_miner.store.privacy import mask
from clue_miner.store.workflow import ACTIONS, OPEN_STATES, STATES

SORTS = {"score": ClueRow.score, "type": ClueRow.clue_type, "offence": ClueRow.offence, "status": ClueRow.status,
         "updated": ClueRow.updated_at, "id": ClueRow.clue_id}
MAX_LIMIT = 500


@dataclass(frozen=True)
class ClueFilter:
    clue_type: str | None = None
    status: str | None = None
    offence: str | None = None
    region: str | None = None
    q: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    sort: str = "score"
    desc: bool = True
    limit: int = 50
    offset: int = 0

    @classmethod
    def from_params(cls, params: Any) -> ClueFilter:
        """From query parameters (strings); bad numbers fall back to defaults, limits are clamped."""
        def num(name: str, cast: Any, default: Any) -> Any:
            try:
                return cast(params.get(name)) if params.get(name) not in (None, "") else default
            except (TypeError, ValueError):
                return default

        def text(name: str) -> str | None:
            v = (params.get(name) or "").strip()
            return v[:200] or None

        sort = params.get("sort") or "score"
        return cls(clue_type=text("type"), status=text("status"), offence=text("offence"), region=text("region"),
                   q=text("q"), min_score=num("min_score", float, None), max_score=num("max_score", float, None),
                   sort=sort if sort in SORTS else "score", desc=(params.get("order") or "desc") != "asc",
                   limit=max(1, min(MAX_LIMIT, num("limit", int, 50))), offset=max(0, num("offset", int, 0)))


def _filtered(f: ClueFilter) -> Select[Any]:
    conds = []
    if f.clue_type:
        conds.append(ClueRow.clue_type == f.clue_type)
    if f.status:
        conds.append(ClueRow.status == f.status)
    if f.offence:
        conds.append(ClueRow.offence == f.offence)
    if f.region:
        conds.append(ClueRow.region == f.region)
    if f.min_score is not None:
        conds.append(ClueRow.score >= f.min_score)
    if f.max_score is not None:
        conds.append(ClueRow.score <= f.max_score)
    if f.q:
        like = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        in_text = select(ClueComplaint.clue_id).join(ComplaintRow, ComplaintRow.id == ClueComplaint.complaint_id) \
            .where(ComplaintRow.text.like(like, escape="\\"))
        conds.append(or_(ClueRow.clue_id.like(like, escape="\\"), ClueRow.offence.like(like, escape="\\"),
                         ClueRow.clue_id.in_(in_text),
                         ClueRow.clue_id.in_(select(ClueComplaint.clue_id).where(
                             ClueComplaint.complaint_id.like(like, escape="\\"))),
                         ClueRow.clue_id.in_(select(ClueCase.clue_id).where(ClueCase.case_id.like(like, escape="\\")))))
    return select(ClueRow).where(and_(*conds)) if conds else select(ClueRow)


def _summary(db: Session, clue: ClueRow, masked: bool) -> str:
    first = db.get(ComplaintRow, clue.complaint_ids[0]) if clue.complaint_ids else None
    if first is None:
        return ""
    text = mask(first.text, (first.extraction or {}).get("entities", ())) if masked else first.text
    return text[:80]


def list_item(db: Session, clue: ClueRow, masked: bool = True) -> dict[str, Any]:
    return {"clue_id": clue.clue_id, "clue_type": clue.clue_type, "score": clue.score, "offence": clue.offence,
            "status": clue.status, "status_label": STATES.get(clue.status, clue.status),
            "complaint_ids": list(clue.complaint_ids), "case_ids": list(clue.case_ids), "region": clue.region,
            "unit": clue.unit, "outcome": clue.outcome, "summary": _summary(db, clue, masked)}


def list_clues(db: Session, f: ClueFilter, masked: bool = True) -> dict[str, Any]:
    base = _filtered(f)
    total = db.scalar(select(func.count()).select_from(base.subquery()))
    col = SORTS[f.sort]
    rows = db.scalars(base.order_by(col.desc() if f.desc else col.asc(), ClueRow.clue_id)
                      .limit(f.limit).offset(f.offset)).all()
    return {"total": int(total or 0), "limit": f.limit, "offset": f.offset,
            "items": [list_item(db, c, masked) for c in rows]}


def clue_detail(db: Session, clue_id: str) -> dict[str, Any] | None:
    clue = db.get(ClueRow, clue_id)
    if clue is None:
        return None
    complaints = [db.get(ComplaintRow, cid) for cid in clue.complaint_ids]
    matches = db.scalars(select(MatchRow).where(MatchRow.complaint_id.in_(clue.complaint_ids))
                         .order_by(MatchRow.score.desc())).all()
    case_ids = list(dict.fromkeys([*clue.case_ids, *(m.case_id for m in matches)]))
    cases = [db.get(CaseRow, k) for k in case_ids]
    users = {u.id: u.name for u in db.scalars(select(User))}
    verdicts = db.scalars(select(Verdict).where(Verdict.clue_id == clue_id).order_by(Verdict.id)).all()
    steps = db.scalars(select(Step).where(Step.clue_id == clue_id).order_by(Step.id)).all()
    outcomes = db.scalars(select(Outcome).where(Outcome.clue_id == clue_id).order_by(Outcome.id)).all()
    history = {k: [{"status": s.status, "status_at": s.status_at, "run_id": s.run_id}
                   for s in db.scalars(select(CaseStatus).where(CaseStatus.case_id == k).order_by(CaseStatus.id))]
               for k in case_ids}
    return {
        **list_item(db, clue, masked=False),
        "reasons": list(clue.reasons), "evidence": list(clue.evidence), "extra": dict(clue.extra),
        "first_run_id": clue.first_run_id, "last_run_id": clue.last_run_id,
        "filed_after_supervision": clue.filed_after_supervision, "outcome_at": clue.outcome_at,
        "complaints": [{"id": c.id, "text": c.text, "received_at": c.received_at, "channel": c.channel,
                        "title": c.title, "region": c.region, "extraction": c.extraction}
                       for c in complaints if c is not None],
        "cases": [{**k.record, "unit": k.unit, "linked_by_clue": k.case_id in clue.case_ids,
                   "history": history.get(k.case_id, [])} for k in cases if k is not None],
        "matches": [{"complaint_id": m.complaint_id, "case_id": m.case_id, "score": m.score,
                     "incident": None if m.incident < 0 else m.incident,
                     "comparisons": m.comparisons, "weights": m.weights} for m in matches],
        "verdicts": [{"verdict": v.verdict, "corrected_offence": v.corrected_offence, "note": v.note,
                      "user": users.get(v.user_id), "at": v.created_at.isoformat()} for v in verdicts],
        "steps": [{"action": s.action, "label": ACTIONS[s.action].label if s.action in ACTIONS else s.action,
                   "state": s.state, "date": s.on_date.isoformat(), "due": s.due_at.isoformat() if s.due_at else None,
                   "answered": s.answered_at.isoformat() if s.answered_at else None, "doc_no": s.doc_no,
                   "note": s.note, "user": users.get(s.user_id)} for s in steps],
        "outcomes": [{"kind": o.kind, "case_id": o.case_id, "status": o.status, "at": o.at, "run_id": o.run_id,
                      "after_supervision": o.after_supervision} for o in outcomes],
    }


def overdue(db: Session, today: date | None = None) -> list[dict[str, Any]]:
    """Notices whose answer is past due and not recorded, oldest due first."""
    day = today or date.today()
    rows = db.execute(select(Step, ClueRow).join(ClueRow, ClueRow.clue_id == Step.clue_id)
                      .where(Step.due_at.is_not(None), Step.due_at < day, Step.answered_at.is_(None),
                             ClueRow.status.in_(OPEN_STATES))
                      .order_by(Step.due_at, Step.id)).all()
    return [{"clue_id": c.clue_id, "clue_type": c.clue_type, "offence": c.offence, "unit": c.unit,
             "status": c.status, "status_label": STATES.get(c.status, c.status), "action": s.action,
             "label": ACTIONS[s.action].label if s.action in ACTIONS else s.action, "sent": s.on_date.isoformat(),
             "due": s.due_at.isoformat(), "days_overdue": (day - s.due_at).days, "doc_no": s.doc_no}
            for s, c in rows]


def counts(db: Session) -> dict[str, Any]:
    def by(col: Any) -> dict[str, int]:
        return {str(k) if k is not None else "—": int(n)
                for k, n in db.execute(select(col, func.count()).group_by(col).order_by(func.count().desc()))}

    return {"total": int(db.scalar(select(func.count()).select_from(ClueRow)) or 0),
            "by_state": by(ClueRow.status), "by_type": by(ClueRow.clue_type), "by_offence": by(ClueRow.offence),
            "by_unit": by(ClueRow.unit),
            "filed_after_supervision": int(db.scalar(select(func.count()).select_from(ClueRow).where(
                ClueRow.filed_after_supervision.is_(True))) or 0),
            "overdue": len(overdue(db))}


EXPORT_COLUMNS = ("clue_id", "clue_type", "score", "offence", "status", "status_label", "complaint_ids", "case_ids",
                  "region", "unit", "outcome", "summary")


def export_table(db: Session, f: ClueFilter, fmt: str) -> bytes:
    """The filtered list (every page, masked) as CSV (UTF-8 with BOM, opens in Excel) or XLSX."""
    import pandas as pd

    items = list_clues(db, ClueFilter(**{**f.__dict__, "limit": 10**9, "offset": 0}), masked=True)["items"]
    frame = pd.DataFrame([{k: ";".join(v) if isinstance(v, list) else v for k, v in it.items()} for it in items],
                         columns=list(EXPORT_COLUMNS))
    buf = io.BytesIO()
    if fmt == "xlsx":
        frame.to_excel(buf, index=False, sheet_name="clues", engine="openpyxl")
    else:
        buf.write(frame.to_csv(index=False).encode("utf-8-sig"))
    return buf.getvalue()


def export_labels(db: Session, task: str, seed: int = 13, dev_fraction: float = 0.2) -> tuple[str, dict[str, int]]:
    """The fine-tuning JSONL from the latest verdict of each clue, by ``clue_miner.train.export``."""
    from clue_miner.train.export import labels_from_reviews
    from clue_miner.train.labels import write_labelled

    latest: dict[str, Verdict] = {}
    for v in db.scalars(select(Verdict).order_by(Verdict.id)):
        latest[v.clue_id] = v
    with tempfile.TemporaryDirectory() as tmp:
        clues_path, comps_path, out = Path(tmp, "clues.jsonl"), Path(tmp, "complaints.jsonl"), Path(tmp, "labels.jsonl")
        wanted: set[str] = set()
        with clues_path.open("w", encoding="utf-8") as fh:
            for clue_id, v in latest.items():
                clue = db.get(ClueRow, clue_id)
                if clue is None:
                    continue
                line = {"clue_id": clue.clue_id, "clue_type": clue.clue_type, "offence": clue.offence,
                        "complaint_ids": clue.complaint_ids, "case_ids": clue.case_ids, "verdict": v.verdict}
                if v.corrected_offence:
                    line["corrected_offence"] = v.corrected_offence
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                wanted.update(clue.complaint_ids)
        with comps_path.open("w", encoding="utf-8") as fh:
            for cid in sorted(wanted):
                c = db.get(ComplaintRow, cid)
                if c is not None:
                    fh.write(json.dumps({"id": c.id, "text": c.text, "received_at": c.received_at},
                                        ensure_ascii=False) + "\n")
        if not wanted:
            return "", {"rows": 0}
        result = labels_from_reviews(clues_path, comps_path, task, seed=seed, dev_fraction=dev_fraction)
        write_labelled(result.rows, out)
        return out.read_text(encoding="utf-8"), dict(result.counts)
