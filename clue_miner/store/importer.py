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
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
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

FILED = ("立案", "侦查", "移送起诉", "起诉")  # a criminal case that is (or was) filed
NOTICE_ACTIONS = ("request_reasons", "filing_notice")
UNIT_KEYS = ("unit", "办案单位", "承办单位", "主办单位", "受理单位", "police_unit")


@dataclass
class ImportResult:
    run_id: int
    already_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of one of a `mine` output's JSONL files (``io.jsonl``), one line at a time."""
    from clue_miner.io.jsonl import iter_jsonl

    if not path.is_file():
        raise InputError(f"{path.name} not found in {path.parent} (is this a `mine` output folder?)",
                         code="missing_file")
    return iter_jsonl(path)


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
    clues = list(_jsonl(out / "clues.jsonl"))
    matches = list(_jsonl(out / "matches.jsonl"))
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
    for clue_id, complaint_id in db.execute(select(ClueComplaint.clue_id, ClueComplaint.complaint_id)):
        stored_links[complaint_id].append(clue_id)
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
    counts = {"clues_new": 0, "clues_updated": 0, "complaints": len(texts), "cases": len(records), "matches": 0,
              "outcomes": 0, "complaints_missing": len(set(new_links) - set(texts))}

    _store_complaints(db, texts, out / "extractions.jsonl", run.id)

    previous_status = dict(db.execute(select(CaseRow.case_id, CaseRow.status)).all())
    case_rows, statuses = [], []
    for kid, case in records.items():
        record = _case_record(case)
        case_rows.append(dict(case_id=kid, case_kind=case.case_kind, status=case.status, offence=case.offence,
                              status_at=_iso(case.status_at), unit=_unit(record), record=record, run_id=run.id))
        if previous_status.get(kid) != case.status:
            statuses.append(dict(case_id=kid, status=case.status, status_at=_iso(case.status_at), run_id=run.id))
    _upsert(db, CaseRow, case_rows, set(previous_status), "case_id")
    unit_of = {r["case_id"]: r["unit"] for r in case_rows}
    _insert(db, CaseStatus, statuses)

    for part in _parts(list(by_complaint)):
        db.execute(delete(MatchRow).where(MatchRow.complaint_id.in_(part)))
    best: dict[tuple[str, str, int], dict[str, Any]] = {}
    for ms in by_complaint.values():
        for m in ms:
            key = (str(m["complaint_id"]), str(m["case_id"]), int(m["incident"]) if m.get("incident") is not None else -1)
            if key not in best or float(m.get("score", 0.0)) > best[key]["score"]:
                best[key] = dict(complaint_id=key[0], case_id=key[1], incident=key[2], score=float(m.get("score", 0.0)),
                                 comparisons=m.get("comparisons") or {}, weights=m.get("weights") or {}, run_id=run.id)
    _insert(db, MatchRow, list(best.values()))
    counts["matches"] = len(best)

    known_clues = set(db.scalars(select(ClueRow.clue_id)))
    clue_rows, seen = [], set()
    for c in clues:
        key = str(c["clue_id"])
        if key in seen:
            continue
        seen.add(key)
        comp_ids = [str(x) for x in c.get("complaint_ids", [])]
        kase_ids = [str(x) for x in c.get("case_ids", [])]
        region = next((texts[x].region for x in comp_ids if x in texts and texts[x].region), None)
        unit = next((unit_of[k] for k in kase_ids if unit_of.get(k)), None) or region
        extra = {k: v for k, v in c.items() if k not in ("clue_id", "clue_type", "score", "offence", "complaint_ids",
                                                        "case_ids", "reasons", "evidence")}
        row = dict(clue_id=key, clue_type=c.get("clue_type", ""), score=float(c.get("score", 0.0)),
                   offence=c.get("offence"), complaint_ids=comp_ids, case_ids=kase_ids,
                   reasons=list(c.get("reasons", [])), evidence=list(c.get("evidence", [])), extra=extra,
                   region=region, unit=unit, last_run_id=run.id, updated_at=stamp)
        if key not in known_clues:
            row.update(status="new", first_run_id=run.id, created_at=stamp, filed_after_supervision=False)
        clue_rows.append(row)
    counts["clues_new"] = sum(1 for r in clue_rows if r["clue_id"] not in known_clues)
    counts["clues_updated"] = len(clue_rows) - counts["clues_new"]
    _upsert(db, ClueRow, clue_rows, known_clues, "clue_id")
    for part in _parts([r["clue_id"] for r in clue_rows]):
        db.execute(delete(ClueComplaint).where(ClueComplaint.clue_id.in_(part)))
        db.execute(delete(ClueCase).where(ClueCase.clue_id.in_(part)))
    _insert(db, ClueComplaint, [dict(clue_id=r["clue_id"], complaint_id=x) for r in clue_rows
                                for x in dict.fromkeys(r["complaint_ids"])])
    _insert(db, ClueCase, [dict(clue_id=r["clue_id"], case_id=x) for r in clue_rows for x in dict.fromkeys(r["case_ids"])])

    counts["outcomes"] = _record_outcomes(db, run, by_complaint, records, previous_status)
    db.add(Audit(at=stamp, user_name=user, action="import", target=str(out.resolve())[:160],
                 detail={"run_id": run.id, **counts}))
    db.flush()
    return ImportResult(run.id, counts=counts)


BATCH = 5_000  # rows per bulk statement; ids per IN list


def _store_complaints(db: Session, texts: Mapping[str, Any], extractions: Path, run_id: int) -> None:
    """The complaints with their extractions, streamed from ``extractions.jsonl`` a batch at a time
    (an archive's extractions are never all in memory)."""
    known = set(db.scalars(select(ComplaintRow.id)))
    done: set[str] = set()
    batch: list[dict[str, Any]] = []

    def row(cid: str, extraction: dict[str, Any]) -> dict[str, Any]:
        comp = texts[cid]
        return dict(id=cid, text=comp.text, received_at=_iso(comp.received_at), channel=comp.channel,
                    title=comp.title, region=comp.region, extraction=extraction, run_id=run_id)

    lines = _jsonl(extractions) if extractions.is_file() else iter(())
    for ext in lines:
        cid = str(ext.pop("id", ""))
        if cid in texts and cid not in done:
            done.add(cid)
            batch.append(row(cid, ext))
            if len(batch) >= BATCH:
                _upsert(db, ComplaintRow, batch, known, "id")
                batch = []
    batch += [row(cid, {}) for cid in texts if cid not in done]
    _upsert(db, ComplaintRow, batch, known, "id")


def _parts(items: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(items), BATCH):
        yield items[i:i + BATCH]


def _insert(db: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk INSERT (executemany with bound parameters)."""
    for part in _parts(rows):
        db.execute(insert(model), part)


def _upsert(db: Session, model: Any, rows: list[dict[str, Any]], known: set[str], key: str) -> None:
    """Bulk INSERT of the new rows and bulk UPDATE (by primary key) of the known ones."""
    _insert(db, model, [r for r in rows if r[key] not in known])
    for part in _parts([r for r in rows if r[key] in known]):
        db.execute(update(model), part)


def _record_outcomes(db: Session, run: Run, by_complaint: Mapping[str, Iterable[Mapping[str, Any]]],
                     records: Mapping[str, Any], previous_status: Mapping[str, str]) -> int:
    """Outcomes for every stored clue whose case (linked now or before) shows a new status."""
    last_seen: dict[tuple[str, str], str] = {}
    for clue_id, case_id, status in db.execute(select(Outcome.clue_id, Outcome.case_id, Outcome.status)
                                               .order_by(Outcome.id)):
        last_seen[(clue_id, case_id)] = status
    notices: dict[str, list[str]] = defaultdict(list)
    for clue_id, day in db.execute(select(Step.clue_id, Step.on_date).where(Step.action.in_(NOTICE_ACTIONS))):
        notices[clue_id].append(day.isoformat())
    added: list[dict[str, Any]] = []
    changed: dict[str, dict[str, Any]] = {}
    rows = db.execute(select(ClueRow.clue_id, ClueRow.clue_type, ClueRow.complaint_ids, ClueRow.case_ids,
                             ClueRow.first_run_id, ClueRow.filed_after_supervision))
    for clue_id, clue_type, complaint_ids, clue_cases, first_run, filed_before in rows:
        if first_run == run.id:
            continue  # raised by this run: what its cases show now is why it was raised, not an outcome
        linked = list(dict.fromkeys([*clue_cases, *(str(m["case_id"]) for cid in complaint_ids
                                                     for m in by_complaint.get(cid, ()))]))
        for kid in linked:
            case = records.get(kid)
            if case is None:
                continue
            seen = last_seen.get((clue_id, kid))
            last = seen if seen is not None else previous_status.get(kid)
            if (last == case.status and kid in clue_cases) or seen == case.status:
                continue
            kind = _outcome_kind(clue_type, case.case_kind, case.status)
            if kind is None or (kind == "status_changed" and last in (None, case.status)):
                continue
            at = _iso(case.filed_at if kind == "filed" and case.filed_at else case.status_at)
            sent = notices.get(clue_id, [])
            after = bool(sent) and (at is None or any(day <= at[:10] for day in sent))
            added.append(dict(clue_id=clue_id, run_id=run.id, kind=kind, case_id=kid, status=case.status, at=at,
                              after_supervision=after))
            last_seen[(clue_id, kid)] = case.status
            entry = changed.setdefault(clue_id, {"clue_id": clue_id, "filed_after_supervision": filed_before})
            entry.update(outcome=kind, outcome_at=at)
            entry["filed_after_supervision"] = entry["filed_after_supervision"] or (after and kind == "filed")
    _insert(db, Outcome, added)
    for part in _parts(list(changed.values())):
        db.execute(update(ClueRow), part)
    return len(added)
