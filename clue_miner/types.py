"""Plain typed records that flow one way through the pipeline.

rows -> Complaint / CaseRecord -> Extraction -> Match -> Clue -> report.

Every record is a frozen dataclass; ``to_dict()`` gives the JSON form used in the output files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Entity labels of DESIGN.md.
ENTITY_LABELS = (
    "PERSON", "ORG", "LOCATION", "TIME", "MONEY", "PHONE", "ID_NUMBER", "BANK_CARD",
    "PLATE", "ACCOUNT", "ITEM", "QUANTITY", "INJURY",
)
PERSON_ROLES = ("suspect", "victim", "complainant", "witness", "officer", "other")
CATEGORY_LABELS = ("crime", "administrative", "civil", "civic")
CLUE_TYPES = ("UNFILED", "REFUSED", "PENALTY_INSTEAD", "WITHDRAWN", "STALLED")
CLUE_TYPE_ZH = {
    "UNFILED": "有案不立",
    "REFUSED": "不予立案存疑",
    "PENALTY_INSTEAD": "以罚代刑",
    "WITHDRAWN": "违法撤案存疑",
    "STALLED": "立而不侦/久侦不结",
}


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat()


@dataclass(frozen=True, slots=True)
class Entity:
    """A mention with character offsets into the text exactly as given.

    ``text == source_text[start:end]``; ``value`` is the normalised value (yuan as float, ISO date
    string, digits-only phone, upper-case plate …); ``attrs`` holds extras such as ``role``.
    """

    label: str
    start: int
    end: int
    text: str
    value: Any = None
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = "rules"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "attrs": dict(self.attrs),
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the text that supports a decision (offence cue, amount, injury …)."""

    label: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Offence:
    """A charge (canonical name, no trailing 罪) or administrative cause found in a text."""

    name: str
    kind: str  # "criminal" | "administrative"
    score: float
    evidence: tuple[Evidence, ...] = ()
    # Threshold check of the facts against this offence: True met, False below, None unknown.
    criminal: bool | None = None
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "score": round(float(self.score), 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "criminal": self.criminal,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Category:
    label: str  # one of CATEGORY_LABELS
    score: float
    # the classifier's distribution over CATEGORY_LABELS (label, probability), before the offences
    # settle the label; not part of the JSON form, not compared. ``distribution()`` uses it.
    scores: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    def distribution(self) -> dict[str, float]:
        """Scores over CATEGORY_LABELS that sum to one: ``label`` gets ``score``, the rest is shared
        in proportion to the classifier's own scores of the other labels (evenly without them)."""
        score = min(1.0, max(0.0, float(self.score)))
        others = [k for k in CATEGORY_LABELS if k != self.label]
        raw = dict(self.scores)
        weights = [max(0.0, float(raw.get(k, 0.0))) for k in others]
        total = sum(weights)
        shares = [w / total for w in weights] if total > 0 else [1.0 / len(others)] * len(others)
        out = {k: (1.0 - score) * sh for k, sh in zip(others, shares, strict=True)}
        out[self.label] = score
        return {k: out[k] for k in CATEGORY_LABELS} if self.label in CATEGORY_LABELS else out

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(float(self.score), 4)}


@dataclass(frozen=True, slots=True)
class Facts:
    """Legally relevant facts derived from the entities and the text of one complaint.

    These are what the threshold table is applied to.
    """

    amount: float | None = None  # loss / amount involved, yuan
    amount_approx: bool = False
    injury: str | None = None  # worst grade: 轻微伤, 轻伤二级, 轻伤一级, 重伤二级, 重伤一级, 死亡
    times: int | None = None  # number of incidents described (多次 -> 3)
    flags: tuple[str, ...] = ()  # 入户, 扒窃, 携带凶器, 电信网络, 醉驾, 多次 …
    blood_alcohol: float | None = None  # mg/100ml
    detention_hours: float | None = None
    people: int | None = None  # number of victims / depositors described
    records: int | None = None  # personal-information records sold or leaked (条)
    # what the complainant says the police did: refused, withdrawn, penalised, stalled,
    # prosecuted, filed, reported (reported with no result) or None
    stated_status: str | None = None
    incident_date: date | None = None
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "amount_approx": self.amount_approx,
            "injury": self.injury,
            "times": self.times,
            "flags": list(self.flags),
            "blood_alcohol": self.blood_alcohol,
            "detention_hours": self.detention_hours,
            "people": self.people,
            "records": self.records,
            "stated_status": self.stated_status,
            "incident_date": _iso(self.incident_date),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident of a complaint that tells several (a fraud in March, an assault in August …).

    ``start``/``end`` are offsets into the complaint's text exactly as given (``text ==
    source_text[start:end]``); the incidents of a complaint are contiguous and cover all of it.
    ``entities`` are the complaint's entities that start inside the span (same offsets as in
    ``Extraction.entities``); ``offences`` and ``facts`` are computed on the span alone, their
    evidence offsets also into the complaint's text.
    """

    start: int
    end: int
    text: str
    entities: tuple[Entity, ...] = ()
    offences: tuple[Offence, ...] = ()
    facts: Facts = Facts()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "offences": [o.to_dict() for o in self.offences],
            "entities": [e.to_dict() for e in self.entities],
            "facts": self.facts.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Extraction:
    """What ``extract()`` returns for one text.

    ``incidents`` is empty for a text that tells one incident and holds two or more
    :class:`Incident` otherwise; the whole-text fields describe the complaint as a whole either way.
    """

    text: str
    entities: tuple[Entity, ...] = ()
    offences: tuple[Offence, ...] = ()
    category: Category = Category("civic", 0.0)
    facts: Facts = Facts()
    received_at: datetime | None = None
    incidents: tuple[Incident, ...] = ()

    def entities_of(self, label: str) -> list[Entity]:
        return [e for e in self.entities if e.label == label]

    def to_dict(self) -> dict[str, Any]:
        out = {
            "received_at": _iso(self.received_at),
            "category": self.category.to_dict(),
            "offences": [o.to_dict() for o in self.offences],
            "entities": [e.to_dict() for e in self.entities],
            "facts": self.facts.to_dict(),
        }
        if len(self.incidents) > 1:  # DESIGN.md: only a complaint with several incidents carries them
            out["incidents"] = [i.to_dict() for i in self.incidents]
        return out


@dataclass(frozen=True, slots=True)
class Complaint:
    """One row of a complaint archive (canonical columns; extras kept in ``extra``)."""

    id: str
    text: str
    received_at: datetime | None = None
    channel: str | None = None
    title: str | None = None
    complainant: str | None = None
    complainant_phone: str | None = None
    region: str | None = None
    row: int = 0  # 1-based position in the source file
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One row of a police case table."""

    case_id: str
    case_kind: str  # 刑事 | 行政 (kept as given when something else)
    status: str
    offence: str | None = None
    accepted_at: datetime | None = None
    filed_at: datetime | None = None
    status_at: datetime | None = None
    suspects: tuple[str, ...] = ()
    suspect_phones: tuple[str, ...] = ()
    suspect_ids: tuple[str, ...] = ()
    victims: tuple[str, ...] = ()
    victim_phones: tuple[str, ...] = ()
    location: str | None = None
    amount: float | None = None
    injury: str | None = None
    penalty: str | None = None
    summary: str | None = None
    region: str | None = None
    row: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row that could not be used, with the reason (goes to rejected.jsonl)."""

    source: str  # "complaints" | "cases"
    row: int  # 1-based data row (header not counted)
    id: str | None
    reason: str  # short English code: missing_text, duplicate_id, malformed_json …
    message: str  # Chinese explanation

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "row": self.row,
            "id": self.id,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A (complaint, case) pair that the linker accepts as the same incident."""

    complaint_id: str
    case_id: str
    score: float
    comparisons: dict[str, str] = field(default_factory=dict)  # field -> level, e.g. phone: exact
    # For a complaint whose incidents are linked on their own: the index (into its extraction's
    # ``incidents``) of the incident this case is about; None for a complaint linked as a whole.
    incident: int | None = None
    # field -> the level's Fellegi-Sunter weight in bits (log2 m/u): why the pair was linked
    weights: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "complaint_id": self.complaint_id,
            "case_id": self.case_id,
            "score": round(float(self.score), 4),
            "comparisons": dict(self.comparisons),
        }
        if self.weights:
            out["weights"] = {k: round(float(v), 2) for k, v in self.weights.items()}
        if self.incident is not None:
            out["incident"] = self.incident
        return out


@dataclass(frozen=True, slots=True)
class ClueEvidence:
    complaint_id: str
    label: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "complaint_id": self.complaint_id,
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class Clue:
    clue_id: str
    clue_type: str  # one of CLUE_TYPES
    score: float
    complaint_ids: tuple[str, ...]
    case_ids: tuple[str, ...]
    offence: str | None
    reasons: tuple[str, ...]
    evidence: tuple[ClueEvidence, ...]
    # (complaint id, index into that complaint's ``incidents``) for complaints that tell several,
    # the incident the clue rests on most firmly first
    incidents: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "clue_id": self.clue_id,
            "clue_type": self.clue_type,
            "score": round(float(self.score), 4),
            "complaint_ids": list(self.complaint_ids),
            "case_ids": list(self.case_ids),
            "offence": self.offence,
            "reasons": list(self.reasons),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.incidents:
            named: dict[str, list[int]] = {}
            for cid, index in self.incidents:
                named.setdefault(cid, []).append(index)
            out["incidents"] = {cid: indices[0] for cid, indices in named.items()}
            if len(self.complaint_ids) == 1:
                out["incident"] = self.incidents[0][1]
            if any(len(indices) > 1 for indices in named.values()):  # several incidents of one complaint
                out["incident_lists"] = named
        return out
