"""From extractions, matches and case records to grouped, scored, explained clues.

A complaint is judged as a whole, unless it tells several incidents that are linked on their own
(``link.incidents``: two or more incidents that tell an offence, and matches that name them, or no
match at all): then each of its incidents is judged on its own, on its own extraction
(``unit_extraction``) and its own best match, and its clue names it. A letter about a fraud the
police filed and an assault nobody did gives an UNFILED clue about the assault.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from clue_miner.clues.assess import CrimeView, criminal_name, family, view_crime
from clue_miner.clues.decide import ClueSettings, Decision, decide
from clue_miner.clues.grouping import UnionFind, suspect_keys
from clue_miner.knowledge.thresholds import Thresholds, province_of
from clue_miner.link.incidents import IncidentUnit, incident_units, unit_extraction
from clue_miner.types import Clue, ClueEvidence, Complaint, Extraction, Match

MAX_EVIDENCE_PER_COMPLAINT = 12
MAX_REASONS = 12
_EVIDENCE_ENTITY_LABELS = ("PHONE", "ID_NUMBER", "BANK_CARD", "ACCOUNT", "PLATE", "INJURY")


@dataclass
class _Item:
    complaint: Complaint
    ext: Extraction
    case: Mapping[str, Any] | None
    match: Match | None
    view: CrimeView
    decision: Decision | None = None
    incident: int | None = None  # the incident judged on its own (None: the whole complaint)


def find_clues(
    complaints: Iterable[Complaint],
    extractions: Iterable[Extraction],
    matches: Mapping[str, Sequence[Match]],
    cases: Mapping[str, Mapping[str, Any]],
    thresholds: Thresholds,
    settings: ClueSettings,
    province: str | None = None,
) -> list[Clue]:
    """Clues for an archive (``extractions`` in step with ``complaints``; either may be a stream).

    ``matches`` maps complaint id -> accepted matches (best first); ``cases`` maps case id -> the
    case record as a mapping of canonical columns. ``province`` overrides the province read
    from each complaint's ``region``.
    """
    # Items are decided as they come and only those that give a clue are kept, so the archive's
    # extractions can stream through (``mine`` reads them back from disk). The exception are the
    # items that several unlinked complaints against one suspect may add up (``_aggregate_unfiled``):
    # they wait for the whole archive.
    items: list[_Item] = []
    for comp, ext in zip(complaints, extractions, strict=True):
        ms = matches.get(comp.id) or ()
        units = _judged_units(ext, ms)
        if not units:
            _keep(items, _item(comp, ext, ms[0] if ms else None, cases, thresholds, province), settings)
            continue
        for unit in units:
            best = next((m for m in ms if m.incident == unit.index), None)
            item = _item(comp, unit_extraction(ext, unit), best, cases, thresholds, province)
            item.incident = unit.index
            _keep(items, item, settings)

    _aggregate_unfiled(items, thresholds, province)
    for it in items:
        if it.decision is None:
            it.decision = _decide(it, settings)
    return _group([it for it in items if it.decision is not None])


def _decide(it: _Item, settings: ClueSettings) -> Decision | None:
    return decide(it.view, it.ext.category.label, it.ext.category.score, it.case,
                  it.match.score if it.match is not None else 1.0, settings)


def _aggregable(it: _Item) -> bool:
    """May this item's facts be added up with other complaints' (``_aggregate_unfiled``)?"""
    v = it.view
    return it.case is None and v.offence is not None and v.criminal is False


def _keep(items: list[_Item], it: _Item, settings: ClueSettings) -> None:
    """Keep an item that gives a clue, or that may once its facts are added up with others'."""
    if _aggregable(it):
        items.append(it)
        return
    it.decision = _decide(it, settings)
    if it.decision is not None:
        items.append(it)


def _judged_units(ext: Extraction, matches: Sequence[Match]) -> tuple[IncidentUnit, ...]:
    """The units to judge one by one: those of a several-incident complaint whose link is by
    incident (some match names one) or that has no match; () to judge the complaint as a whole:
    one incident, or matches that name no incident (a caller that linked complaints whole, or a
    case that ``link.incidents.assign`` found about none of the incidents alone: the whole
    complaint is then what it is about, as before incidents were judged)."""
    units = incident_units(ext)
    if units and (not matches or any(m.incident is not None for m in matches)):
        return units
    return ()


def _item(comp: Complaint, ext: Extraction, best: Match | None, cases: Mapping[str, Mapping[str, Any]],
          thresholds: Thresholds, province: str | None) -> _Item:
    case = cases.get(best.case_id) if best is not None else None
    prov = province or province_of(comp.region) or province_of(case.get("region") if case else None)
    return _Item(comp, ext, case, best, view_crime(ext, case, thresholds, prov))


def _aggregate_unfiled(items: list[_Item], thresholds: Thresholds, province: str | None) -> None:
    """Several unlinked complaints against one suspect: amounts add up, acts count (多次).

    Each victim of a fraudster may have lost less than the line while the total is above it
    (诈骗数额累计计算); three thefts by one person are 多次盗窃 whatever the amounts.
    """
    uf = UnionFind()
    keyed: dict[int, set[str]] = {}
    for i, it in enumerate(items):
        v = it.view
        if not _aggregable(it):
            continue
        keys = {f"{v.offence}|{k}" for k in suspect_keys(it.complaint, it.ext, family(v.offence))}
        if keys:
            keyed[i] = keys
            for k in keys:
                uf.union(("k", k), ("i", i))
    groups: dict[Any, list[int]] = defaultdict(list)
    for i in keyed:
        groups[uf.find(("i", i))].append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        offence = items[members[0]].view.offence
        assert offence is not None
        total = sum(items[i].view.facts.amount or 0.0 for i in members)
        facts = replace(items[members[0]].view.facts, amount=total, amount_approx=False,
                        times=max(len(members), items[members[0]].view.facts.times or 0),
                        flags=tuple(sorted(set(items[members[0]].view.facts.flags) | {"多次"}))
                        if len(members) >= 3 else items[members[0]].view.facts.flags)
        for i in members:
            it = items[i]
            prov = province or province_of(it.complaint.region)
            view = view_crime(it.ext, None, thresholds, prov, facts=facts)
            if view.criminal is True and view.assessment is not None:
                note = f"同一嫌疑人涉及{len(members)}件投诉，合并计算（累计金额{total:g}元）"
                it.view = replace(view, assessment=replace(view.assessment,
                                                           reasons=(note,) + view.assessment.reasons))


def _group(items: list[_Item]) -> list[Clue]:
    uf = UnionFind()
    for i, it in enumerate(items):
        d = it.decision
        assert d is not None
        uf.find(("i", i))
        if d.case_id:
            uf.union(("i", i), ("case", d.clue_type, d.case_id))
        for key in suspect_keys(it.complaint, it.ext, family(d.offence)):
            uf.union(("i", i), ("key", d.clue_type, key))
    groups: dict[Any, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[uf.find(("i", i))].append(i)
    clues = [_make_clue([items[i] for i in members]) for members in groups.values()]
    clues.sort(key=lambda c: (-c.score, c.clue_id))
    return clues


def _make_clue(members: list[_Item]) -> Clue:
    decisions = [m.decision for m in members if m.decision is not None]
    clue_type = decisions[0].clue_type
    complaint_ids = tuple(sorted({m.complaint.id for m in members}))
    case_ids = tuple(sorted({d.case_id for d in decisions if d.case_id}))
    offences = Counter(d.offence for d in decisions if d.offence)
    offence = offences.most_common(1)[0][0] if offences else None
    reasons: list[str] = []
    if len(complaint_ids) > 1:
        reasons.append(f"{len(complaint_ids)}件投诉指向同一嫌疑人或同一案件，合并为一条线索")
    for d in decisions:
        for r in d.reasons:
            if r not in reasons:
                reasons.append(r)
    score = max(d.score for d in decisions)
    if len(complaint_ids) > 1:
        score = min(1.0, score + 0.05 * (len(complaint_ids) - 1))
    # incidents judged on their own are part of the key: one letter may give two clues of a type
    judged = sorted(f"{m.complaint.id}#{m.incident}" for m in members if m.incident is not None)
    digest = hashlib.sha1("|".join((clue_type,) + complaint_ids + tuple(judged)).encode()).hexdigest()[:12]
    evidence: list[ClueEvidence] = []
    for m in members:
        evidence.extend(_evidence(m))
    incidents: list[tuple[str, int]] = []
    # the incident a clue rests on most firmly first: it is the one the clue names per complaint
    for m in sorted(members, key=lambda m: -(m.decision.score if m.decision is not None else 0.0)):
        index = _incident_of(m)
        if index is not None and (m.complaint.id, index) not in incidents:
            incidents.append((m.complaint.id, index))
    return Clue(
        clue_id=f"{clue_type}-{digest}",
        clue_type=clue_type,
        score=round(max(0.0, min(1.0, score)), 4),
        complaint_ids=complaint_ids,
        case_ids=case_ids,
        offence=offence,
        reasons=tuple(reasons[:MAX_REASONS]),
        evidence=tuple(evidence),
        incidents=tuple(incidents),
    )


def _incident_of(it: _Item) -> int | None:
    """The incident of a several-incident complaint that the clue rests on: the one whose own
    offences hold the clue's offence most firmly, else the one holding its first evidence span."""
    if it.incident is not None:
        return it.incident
    incidents = it.ext.incidents
    if not incidents or it.decision is None:
        return None
    offence = it.decision.offence
    best: tuple[float, int] | None = None
    for i, inc in enumerate(incidents):
        for off in inc.offences:
            name = off.name if off.kind == "criminal" else criminal_name(off.name)
            if name == offence and (best is None or off.score > best[0]):
                best = (off.score, i)
    if best is not None:
        return best[1]
    off = it.view.evidence_offence
    spans = [e.start for e in off.evidence] if off is not None else []
    for start in spans:
        for i, inc in enumerate(incidents):
            if inc.start <= start < inc.end:
                return i
    return None


def _evidence(it: _Item) -> list[ClueEvidence]:
    cid = it.complaint.id
    out: list[ClueEvidence] = []

    def add(label: str, text: str, start: int, end: int) -> None:
        # one span of text is shown once: a span overlapping one already kept (an offence cue
        # inside a STATUS phrase, a MONEY inside a FLAG) adds nothing a reader needs
        if len(out) >= MAX_EVIDENCE_PER_COMPLAINT or any(start < e.end and e.start < end for e in out):
            return
        out.append(ClueEvidence(cid, label, text, start, end))

    off = it.view.evidence_offence
    if off is not None:
        for e in off.evidence:
            add("OFFENCE", e.text, e.start, e.end)
    for e in it.ext.facts.evidence:
        add(e.label, e.text, e.start, e.end)
    for ent in it.ext.entities:
        if ent.label == "PERSON" and ent.attrs.get("role") == "suspect":
            add("SUSPECT", ent.text, ent.start, ent.end)
        elif ent.label in _EVIDENCE_ENTITY_LABELS:
            add(ent.label, ent.text, ent.start, ent.end)
    out.sort(key=lambda e: e.start)
    return out
