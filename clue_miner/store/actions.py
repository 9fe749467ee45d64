"""What people do to a clue: verdicts and supervision steps, each written to the audit log."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clue_miner.errors import InputError
from clue_miner.store.auth import now
from clue_miner.store.models import Audit, ClueRow, Step, User, Verdict
from clue_miner.store.workflow import VERDICT_STATE, check

MAX_NOTE = 2000


def audit(db: Session, user: User | None, action: str, target: str | None, **detail: object) -> None:
    db.add(Audit(at=now(), user_name=user.name if user is not None else None, action=action,
                 target=(target or "")[:160] or None, detail=dict(detail)))


def _clue(db: Session, clue_id: str) -> ClueRow:
    clue = db.get(ClueRow, clue_id)
    if clue is None:
        raise LookupError(clue_id)
    return clue


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InputError(f"a note has at most {MAX_NOTE} characters", code="note_too_long")
    return note or None


def record_verdict(db: Session, user: User, clue_id: str, verdict: str, corrected_offence: str | None = None,
                   note: str | None = None) -> Verdict:
    """A reviewer's decision; a clue still at new / reviewing moves to supported or not_supported."""
    from clue_miner.train.export import normalise_verdict

    clue = _clue(db, clue_id)
    canon = normalise_verdict(verdict)
    if not canon:
        raise InputError("verdict must be confirmed, rejected or offence_corrected", code="bad_verdict")
    corrected = (corrected_offence or "").strip() or None
    if canon == "offence_corrected":
        if corrected is None:
            raise InputError("offence_corrected needs corrected_offence", code="missing_offence")
        from clue_miner.knowledge.taxonomy import load_taxonomy

        name = load_taxonomy().canonical(corrected)
        if name is None:
            raise InputError(f"unknown offence {corrected!r}", code="unknown_offence")
        corrected = name
    row = Verdict(clue_id=clue.clue_id, user_id=user.id, verdict=canon, corrected_offence=corrected,
                  note=_note(note), created_at=now())
    db.add(row)
    before = clue.status
    if clue.status in ("new", "reviewing"):
        clue.status = VERDICT_STATE[canon]
        db.add(Step(clue_id=clue.clue_id, action=f"verdict:{canon}", state=clue.status, on_date=date.today(),
                    user_id=user.id, note=_note(note), created_at=now()))
    clue.updated_at = now()
    audit(db, user, "verdict", clue.clue_id, verdict=canon, corrected_offence=corrected, state_before=before,
          state_after=clue.status)
    db.flush()
    return row


def apply_action(db: Session, user: User, clue_id: str, action_name: str, on_date: date | None = None,
                 doc_no: str | None = None, note: str | None = None) -> Step:
    """Move the clue one step (``workflow.ACTIONS``); a notice gets its due date, an answer closes it."""
    clue = _clue(db, clue_id)
    action = check(action_name, clue.status, user.role)  # WorkflowError: not allowed here or not by this role
    day = on_date or date.today()
    if day > date.today():
        raise InputError("a step's date cannot lie in the future", code="future_date")
    doc = (doc_no or "").strip()[:128] or None
    step = Step(clue_id=clue.clue_id, action=action.name, state=action.target, on_date=day,
                due_at=day + timedelta(days=action.due_days) if action.due_days else None, doc_no=doc,
                note=_note(note), user_id=user.id, created_at=now())
    if action.answers:
        waiting = db.scalars(select(Step).where(Step.clue_id == clue.clue_id, Step.due_at.is_not(None),
                                                Step.answered_at.is_(None))).all()
        for w in waiting:
            w.answered_at = day
    before = clue.status
    clue.status = action.target
    clue.updated_at = now()
    db.add(step)
    audit(db, user, "step", clue.clue_id, step=action.name, state_before=before, state_after=clue.status,
          doc_no=doc, on_date=day.isoformat())
    db.flush()
    return step
