"""Score the pipeline on hand-labelled real messages (``LABELLING.md`` in the shared data).

Each line of the labelled file: ``id, title, time, text, criminal (yes|no|unclear), offences,
category, police, clue, why``. The messages are mined as an archive without a case table (so the
complainant's own account types any clue), and scored as the project's judges score them:

* **clue** precision / recall / F1 at the message level: a message is flagged when any clue names
  it; a flag is right when the gold clue is not ``NONE`` and the clue type agrees (``flag`` gives
  the same without the type). Messages labelled ``criminal: unclear`` are left out.
* **crime detection**: the message's category is ``crime`` against ``criminal: yes`` (``unclear``
  left out).
* **category accuracy** over all messages.
* **offence set-F1** on messages labelled ``criminal: yes``: the predicted offence names against
  the gold charges, both canonicalised through the taxonomy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clue_miner.errors import InputError
from clue_miner.evaluate.mine_eval import PRF
from clue_miner.io.jsonl import read_jsonl
from clue_miner.types import CATEGORY_LABELS, CLUE_TYPES, Clue, Complaint, Extraction

_CRIMINAL = ("yes", "no", "unclear")


@dataclass
class RealScores:
    n: int
    clue: PRF
    flag: PRF
    crime: PRF
    category_accuracy: float
    offence_set_f1: float
    confusion: dict[str, Counter[str]] = field(default_factory=dict)
    per_type: dict[str, PRF] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "messages": self.n,
            "clue": self.clue.to_dict(),
            "clue_flag": self.flag.to_dict(),
            "clue_per_type": {k: v.to_dict() for k, v in self.per_type.items()},
            "crime_detection": self.crime.to_dict(),
            "category_accuracy": round(self.category_accuracy, 4),
            "category_confusion": {g: dict(c) for g, c in self.confusion.items()},
            "offence_set_f1": round(self.offence_set_f1, 4),
        }


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    """The labelled messages; a line without text or with a value outside the rubric raises."""
    rows = read_jsonl(path)
    for n, r in enumerate(rows, start=1):
        if not isinstance(r.get("text"), str) or not r["text"].strip():
            raise InputError(f"{path} line {n}: no text", code="missing_text")
        if r.get("criminal") not in _CRIMINAL:
            raise InputError(f"{path} line {n}: criminal must be one of {_CRIMINAL}", code="bad_label")
        if r.get("category") not in CATEGORY_LABELS:
            raise InputError(f"{path} line {n}: unknown category {r.get('category')!r}", code="bad_label")
        if r.get("clue", "NONE") not in (*CLUE_TYPES, "NONE"):
            raise InputError(f"{path} line {n}: unknown clue {r.get('clue')!r}", code="bad_label")
        r.setdefault("id", f"row{n}")
        r["id"] = str(r["id"])
    return rows


def mine_messages(rows: Sequence[dict[str, Any]], pipeline: Any = None,
                  as_of: date | None = None) -> tuple[list[Extraction], list[Clue]]:
    """Extract every message and run the clue rules with no case table."""
    from clue_miner.api import extract_many
    from clue_miner.clues.decide import ClueSettings
    from clue_miner.clues.engine import find_clues
    from clue_miner.knowledge.thresholds import default_thresholds
    from clue_miner.text.datecells import parse_datetime

    complaints = [Complaint(id=r["id"], text=r["text"], received_at=parse_datetime(r.get("time") or ""),
                            title=r.get("title")) for r in rows]
    extractions = list(extract_many([c.text for c in complaints], [c.received_at for c in complaints],
                                    pipeline=pipeline))
    table = pipeline.thresholds if pipeline is not None else default_thresholds()
    clues = find_clues(complaints, extractions, {}, {}, table, ClueSettings(as_of=as_of or date.today()))
    return extractions, clues


def _set_f1(pred: set[str], gold: set[str]) -> float:
    if not pred and not gold:
        return 1.0
    tp = len(pred & gold)
    return 2 * tp / (len(pred) + len(gold)) if pred or gold else 0.0


def score_real(rows: Sequence[dict[str, Any]], extractions: Sequence[Extraction],
               clues: Sequence[Clue]) -> RealScores:
    from clue_miner.knowledge.taxonomy import load_taxonomy

    tax = load_taxonomy()

    def canon(names: Sequence[str]) -> set[str]:
        return {tax.canonical(n) or n for n in names}

    flagged: dict[str, tuple[float, str]] = {}
    for c in clues:
        for cid in c.complaint_ids:
            if cid not in flagged or c.score > flagged[cid][0]:
                flagged[cid] = (c.score, c.clue_type)
    clue, flag, crime = PRF(), PRF(), PRF()
    per_type = {t: PRF() for t in CLUE_TYPES}
    confusion: dict[str, Counter[str]] = {g: Counter() for g in CATEGORY_LABELS}
    cat_right = 0
    set_f1s: list[float] = []
    errors: list[dict[str, Any]] = []
    for r, ext in zip(rows, extractions, strict=True):
        label = ext.category.label
        confusion[r["category"]][label] += 1
        cat_right += label == r["category"]
        if r["criminal"] == "yes":
            set_f1s.append(_set_f1(canon([o.name for o in ext.offences]), canon(r.get("offences") or [])))
        if r["criminal"] == "unclear":
            continue
        gold_crime = r["criminal"] == "yes"
        pred_crime = label == "crime"
        crime.tp += gold_crime and pred_crime
        crime.fp += pred_crime and not gold_crime
        crime.fn += gold_crime and not pred_crime
        gt = r.get("clue", "NONE")
        gt = None if gt == "NONE" else gt
        pt = flagged.get(r["id"], (0.0, None))[1]
        flag.tp += bool(gt and pt)
        flag.fp += bool(pt and not gt)
        flag.fn += bool(gt and not pt)
        if gt and pt == gt:
            clue.tp += 1
            per_type[gt].tp += 1
            continue
        if pt:
            clue.fp += 1
            per_type[pt].fp += 1
        if gt:
            clue.fn += 1
            per_type[gt].fn += 1
        if gt or pt:
            errors.append({"id": r["id"], "gold": gt, "pred": pt, "category": r["category"],
                           "pred_category": label, "gold_offences": r.get("offences") or [],
                           "pred_offences": [o.name for o in ext.offences], "why": r.get("why", "")})
    return RealScores(
        n=len(rows), clue=clue, flag=flag, crime=crime,
        category_accuracy=cat_right / len(rows) if rows else 0.0,
        offence_set_f1=sum(set_f1s) / len(set_f1s) if set_f1s else 0.0,
        confusion=confusion, per_type={k: v for k, v in per_type.items() if v.tp + v.fp + v.fn},
        errors=errors,
    )


def evaluate_real(path: str | Path, pipeline: Any = None) -> RealScores:
    rows = load_labelled(path)
    extractions, clues = mine_messages(rows, pipeline)
    return score_real(rows, extractions, clues)
