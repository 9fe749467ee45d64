"""Labelled rows from a reviewed ``clues.jsonl``: what prosecutors decided, joined to the complaint texts.

A reviewer adds fields to the lines of ``clues.jsonl`` (the rest of the line stays as ``mine``
wrote it):

- ``verdict``: ``confirmed`` (the clue stands as proposed), ``rejected`` (not a supervision clue)
  or ``offence_corrected`` (the clue stands, but the offence is another one); ``offence corrected``,
  ``确认``, ``驳回``, ``更正罪名`` are read too. A line without a verdict is unreviewed: skipped, counted.
- ``corrected_offence``: a name or a list of names (canonicalised through the taxonomy); required
  with ``offence_corrected``. With ``rejected`` it says what the complaint does describe (for a
  clue rejected because the police handled the case properly); absent, a rejected clue means
  "no offence" (``[]``).
- ``corrected_category`` / ``corrected_clue_type`` (optional): override the derived labels below.

Labels per task, for every complaint of the clue:

| verdict | offence | clue | category |
|---|---|---|---|
| confirmed | ``offence`` | ``clue_type`` | crime (administrative for an administrative cause) |
| offence_corrected | ``corrected_offence`` | ``clue_type`` | from ``corrected_offence`` |
| rejected | ``corrected_offence`` or none | none | ``corrected_category`` only (else no row) |

A complaint in several reviewed clues gets the union of their labels (one label for category; a
conflict is a bad row). Splits are seeded per clue, so complaints grouped in one clue never
straddle train and dev. Bad lines (no JSON, unknown verdict or offence, a complaint id that is
not in the archive …) go to the rejected list with the line number and a reason, never dropped.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clue_miner.errors import InputError
from clue_miner.train.labels import LabelledRow, assign_split, canonical_labels, write_labelled

log = logging.getLogger(__name__)

__all__ = ["VERDICTS", "ExportResult", "export_labels", "labels_from_reviews", "normalise_verdict"]

VERDICTS = ("confirmed", "rejected", "offence_corrected")
_VERDICT_FORMS = {
    "confirmed": "confirmed", "confirm": "confirmed", "确认": "confirmed", "属实": "confirmed", "采纳": "confirmed",
    "rejected": "rejected", "reject": "rejected", "驳回": "rejected", "不属实": "rejected", "不采纳": "rejected",
    "offence_corrected": "offence_corrected", "offense_corrected": "offence_corrected",
    "corrected": "offence_corrected", "更正罪名": "offence_corrected", "罪名更正": "offence_corrected",
}


def normalise_verdict(value: Any) -> str | None:
    """The canonical verdict, ``""`` for none given, None for an unknown one."""
    if value is None:
        return ""
    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    return "" if not key else _VERDICT_FORMS.get(key)


@dataclass
class ExportResult:
    rows: list[LabelledRow]
    rejected: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Review:
    line: int
    clue_id: str
    verdict: str
    labels: tuple[str, ...] | None  # None: no label for this task
    complaint_ids: list[str]


def _labels_for(task: str, clue: dict[str, Any], verdict: str) -> tuple[tuple[str, ...] | None, str | None]:
    """(labels or None for "no row", error) of one reviewed clue."""
    corrected = clue.get("corrected_offence")
    if verdict == "offence_corrected" and corrected in (None, "", []):
        return None, "verdict offence_corrected needs `corrected_offence`"
    if task == "offence":
        if verdict == "confirmed":
            return canonical_labels(task, clue.get("offence") or [])
        return canonical_labels(task, corrected if corrected is not None else [])
    if task == "clue":
        if clue.get("corrected_clue_type"):
            return canonical_labels(task, clue["corrected_clue_type"])
        return canonical_labels(task, [] if verdict == "rejected" else clue.get("clue_type") or [])
    # category
    if clue.get("corrected_category"):
        return canonical_labels(task, clue["corrected_category"])
    if verdict == "rejected":
        return None, None
    names, error = canonical_labels("offence", corrected if verdict == "offence_corrected" else clue.get("offence") or [])
    if error:
        return None, error
    if not names:
        return None, None
    from clue_miner.knowledge.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    kind = "crime" if any(taxonomy.kind(n) == "criminal" for n in names) else "administrative"
    return (kind,), None


def _read_reviews(path: Path, task: str, counts: Counter[str], rejected: list[dict[str, Any]]) -> list[_Review]:
    reviews: list[_Review] = []

    def bad(n: int, clue_id: str | None, reason: str, message: str) -> None:
        rejected.append({"source": "clues", "line": n, "clue_id": clue_id, "reason": reason, "message": message})

    with path.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            counts["clues_read"] += 1
            try:
                clue = json.loads(line)
            except json.JSONDecodeError as err:
                bad(n, None, "malformed_json", f"not JSON ({err.msg})")
                continue
            if not isinstance(clue, dict):
                bad(n, None, "malformed_json", "a line must be a JSON object")
                continue
            clue_id = str(clue.get("clue_id") or f"line{n}")
            verdict = normalise_verdict(clue.get("verdict"))
            if verdict == "":
                counts["unreviewed"] += 1
                continue
            if verdict is None:
                bad(n, clue_id, "bad_verdict", f"unknown verdict {clue.get('verdict')!r}: use one of {', '.join(VERDICTS)}")
                continue
            ids = clue.get("complaint_ids")
            if not isinstance(ids, list) or not ids:
                bad(n, clue_id, "missing_complaint_ids", "`complaint_ids` is missing or empty")
                continue
            labels, error = _labels_for(task, clue, verdict)
            if error:
                bad(n, clue_id, "bad_label", error)
                continue
            counts[f"verdict_{verdict}"] += 1
            if labels is None:
                counts["no_label_for_task"] += 1
                bad(n, clue_id, "no_label_for_task",
                    f"a {verdict} clue says nothing about the {task} label (add `corrected_{task}`)")
                continue
            reviews.append(_Review(n, clue_id, verdict, labels, [str(i) for i in ids]))
    return reviews


def labels_from_reviews(clues: str | Path, complaints: str | Path, task: str = "offence", *,
                        seed: int = 13, dev_fraction: float = 0.2, mapping: Mapping[str, str] | None = None,
                        encoding: str | None = None) -> ExportResult:
    """Labelled rows (one per reviewed complaint) from a reviewed clues file and the archive."""
    from clue_miner.io import read_complaints

    clues_path = Path(clues)
    if not clues_path.is_file():
        raise InputError(f"clues file not found: {clues_path}", code="missing_file")
    counts: Counter[str] = Counter()
    rejected: list[dict[str, Any]] = []
    reviews = _read_reviews(clues_path, task, counts, rejected)
    archive = read_complaints(complaints, mapping=dict(mapping or {}), encoding=encoding)
    texts = {c.id: c.text for c in archive.rows}
    merged: dict[str, tuple[str, list[str], str]] = {}  # complaint id -> (clue id, labels, split)
    for rv in reviews:
        split = assign_split(rv.clue_id, seed, dev_fraction)
        for cid in rv.complaint_ids:
            if cid not in texts:
                rejected.append({"source": "clues", "line": rv.line, "clue_id": rv.clue_id, "complaint_id": cid,
                                 "reason": "unknown_complaint",
                                 "message": f"complaint {cid!r} is not in {Path(complaints).name} (or was rejected there)"})
                continue
            labels = list(rv.labels or ())
            if cid not in merged:
                merged[cid] = (rv.clue_id, labels, split)
                continue
            first, have, keep = merged[cid]
            if task == "category" and have != labels:
                rejected.append({"source": "clues", "line": rv.line, "clue_id": rv.clue_id, "complaint_id": cid,
                                 "reason": "conflicting_labels",
                                 "message": f"complaint {cid!r}: category {labels} here, {have} in clue {first}"})
                continue
            merged[cid] = (first, list(dict.fromkeys(have + labels)), keep)
    rows = [LabelledRow(cid, texts[cid], tuple(labels), split) for cid, (_, labels, split) in merged.items()]
    counts["rows"] = len(rows)
    counts["rejected"] = len(rejected)
    counts["train"] = sum(r.split == "train" for r in rows)
    counts["dev"] = sum(r.split == "dev" for r in rows)
    counts["no_label_rows"] = sum(not r.labels for r in rows)
    return ExportResult(rows, rejected, dict(counts))


def export_labels(clues: str | Path, complaints: str | Path, out: str | Path, task: str = "offence",
                  **kwargs: Any) -> ExportResult:
    """Write ``out`` (labelled JSONL) and, when there are bad lines, ``<out stem>.rejected.jsonl`` beside it."""
    result = labels_from_reviews(clues, complaints, task, **kwargs)
    out_path = Path(out)
    write_labelled(result.rows, out_path)
    rej_path = out_path.with_name(out_path.stem + ".rejected.jsonl")
    if result.rejected:
        with rej_path.open("w", encoding="utf-8") as fh:
            for r in result.rejected:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        result.counts["rejected_file"] = str(rej_path)
    elif rej_path.exists():
        rej_path.unlink()
    log.info("exported %d labelled rows (%d rejected lines) to %s", len(result.rows), len(result.rejected), out_path)
    return result
