"""The clue store's tables (SQLAlchemy 2 ORM): what a `mine` run proposed and what people did with it.

A clue keeps the key `mine` gave it (``clue_id``: the clue type and its complaints, so the same
complaints and type give the same clue in every run). The complaints and case records a clue
rests on are stored as imported; verdicts, supervision steps and the audit log are append-only
rows; ``clues.status`` is the clue's place in the supervision workflow (``workflow.py``).
The schema is created and migrated by Alembic (``migrations/``): change a table here, then add a
revision there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # reviewer | supervisor
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Run(Base):
    """One imported `mine` output; ``fingerprint`` (its clues and matches files) makes import idempotent."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    out_dir: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str | None] = mapped_column(String(10), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ComplaintRow(Base):
    __tablename__ = "complaints"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(64), nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    region: Mapped[str | None] = mapped_column(String(128), nullable=True)
    extraction: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class CaseRow(Base):
    __tablename__ = "cases"
    case_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    case_kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))
    offence: Mapped[str | None] = mapped_column(String(128), nullable=True)
    status_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(128), nullable=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class CaseStatus(Base):
    """Each status a case record showed, in the run that showed it (its history across runs)."""

    __tablename__ = "case_statuses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(32))
    status_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class ClueRow(Base):
    __tablename__ = "clues"
    clue_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    clue_type: Mapped[str] = mapped_column(String(24), index=True)
    score: Mapped[float] = mapped_column(Float, index=True)
    offence: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(24), index=True, default="new")
    complaint_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    case_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    region: Mapped[str | None] = mapped_column(String(128), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(128), nullable=True)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    outcome_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    filed_after_supervision: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ClueComplaint(Base):
    __tablename__ = "clue_complaints"
    clue_id: Mapped[str] = mapped_column(ForeignKey("clues.clue_id"), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)


class ClueCase(Base):
    __tablename__ = "clue_cases"
    clue_id: Mapped[str] = mapped_column(ForeignKey("clues.clue_id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)


class MatchRow(Base):
    """A linked (complaint, case) pair; a complaint linked per incident has one row per incident."""

    __tablename__ = "matches"
    complaint_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)
    incident: Mapped[int] = mapped_column(Integer, primary_key=True, default=-1)  # -1: the whole complaint
    score: Mapped[float] = mapped_column(Float)
    comparisons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # bits per comparison level
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class Outcome(Base):
    """What a later run showed about a clue's case: filed, moved on, withdrawn …"""

    __tablename__ = "outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[str] = mapped_column(ForeignKey("clues.clue_id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    kind: Mapped[str] = mapped_column(String(24))
    case_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    after_supervision: Mapped[bool] = mapped_column(Boolean, default=False)


class Verdict(Base):
    __tablename__ = "verdicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[str] = mapped_column(ForeignKey("clues.clue_id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(24))
    corrected_offence: Mapped[str | None] = mapped_column(String(128), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Step(Base):
    """One supervision step: a state the clue entered, with its document, dates and due date."""

    __tablename__ = "steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[str] = mapped_column(ForeignKey("clues.clue_id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(24))
    on_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    answered_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    doc_no: Mapped[str | None] = mapped_column(String(128), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Audit(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(160), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WebSession(Base):
    """A logged-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
    ok: Mapped[bool] = mapped_column(Boolean)


Index("ix_login_attempts_name_at", LoginAttempt.name, LoginAttempt.at)
Index("ix_login_attempts_ip_at", LoginAttempt.ip, LoginAttempt.at)
