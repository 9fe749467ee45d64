"""Incidents of a several-incident complaint, linked on their own.

A letter may tell a fraud in March (the police filed a case) and an assault in August (nobody
did). Linked as a whole it finds the fraud's case and nothing says the assault has none. So each
incident of such a letter is linked on its own, and the clue engine judges it on its own.

What is linked on its own is an :class:`IncidentUnit`: an incident that tells an offence, with the
offence-less incidents after it (and, for the first, the preamble before it) as its context.
Segmentation (``extract.incidents``) also cuts one story into the story and the account of its
handling, a request or a closing, pieces that tell no offence; they belong to the story they
follow, not to an incident of their own. Nor does an incident that goes on with the offence family
of the one before open a unit: on the independently written archives every such cut was one story
told in pieces. A complaint with fewer than two units (the vast
majority) is linked and judged as a whole, exactly as before.

``link_by_incident`` is ``link`` plus a second pass: the whole complaints are linked first,
untouched, then the units of the complaints that have several, against the same case tables
(a pass of their own, so that they leave the whole complaints' text statistics alone). A unit's
extraction (``unit_extraction``) holds its incidents' entities, offences and facts, and the
letter writer wherever the text names them: who complains is the same for every incident.
``assign`` reconciles the passes: a unit's own matches stand; the whole complaint's best match,
when no unit found that case on its own, goes to a unit without one whose offence family agrees
with the case's (a case of unknown offence: to the unit telling the complaint's main offence).
The evidence for one story may be spread over pieces that the unit pass sees apart; the whole
pass still finds its case, and this gives it to the right incident. A match that fits no unit
keeps ``incident=None`` and is written, but no unit is judged on it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from clue_miner.link.taxonomy import canonical_offence, offence_family
from clue_miner.types import Complaint, Entity, Extraction, Facts, Incident, Match

if TYPE_CHECKING:
    from clue_miner.link.features import SideTables, SummaryExtractor
    from clue_miner.link.settings import LinkSettings

logger = logging.getLogger(__name__)

__all__ = ["IncidentUnit", "LinkInputs", "assign", "incident_units", "link_by_incident", "link_inputs",
           "unit_extraction"]

# Joins a complaint id and an incident index into the unit's id inside the unit pass (never written).
_SEP = "\u001f"


@dataclass(frozen=True, slots=True)
class IncidentUnit:
    """An incident that tells an offence (``index`` into ``Extraction.incidents``; matches and
    clues name it) and the incidents that are its context (``members``, ``index`` among them)."""

    index: int
    members: tuple[int, ...]


def _families(inc: Incident) -> set[str]:
    names = (canonical_offence(o.name) for o in inc.offences)
    return {offence_family(n) for n in names if n}


def _heads(ext: Extraction) -> list[int]:
    """The incidents that open a unit: each one telling an offence, except one that goes on with
    the offence family of the unit before it. The segmenter also cuts one story where its wording
    changes (the 强制猥亵 and then the 猥亵儿童 of one assault; the fraud, then its handling, which
    names the fraud again), and repeats of one offence are judged together anyway (多次, 累计数额)."""
    heads: list[int] = []
    families: set[str] = set()
    for i, inc in enumerate(ext.incidents):
        if not inc.offences:
            continue
        fam = _families(inc)
        if heads and fam & families:
            families |= fam
        else:
            heads.append(i)
            families = fam
    return heads


def incident_units(ext: Extraction) -> tuple[IncidentUnit, ...]:
    """The units of a complaint linked and judged incident by incident; empty when fewer than
    two units tell an offence (the complaint is one unit: the whole of it)."""
    heads = _heads(ext) if len(ext.incidents) > 1 else []
    if len(heads) < 2:
        return ()
    bounds = [0, *heads[1:], len(ext.incidents)]
    return tuple(IncidentUnit(h, tuple(range(bounds[k], bounds[k + 1]))) for k, h in enumerate(heads))


def _merge_facts(head: Facts, context: Sequence[Facts]) -> Facts:
    """The head incident's facts, with what it leaves unsaid taken from its context pieces (the
    handling account says 不予立案, the closing repeats the loss)."""
    changes: dict[str, Any] = {}
    for name in ("injury", "times", "blood_alcohol", "detention_hours", "people", "records", "stated_status",
                 "incident_date"):
        if getattr(head, name) is None:
            value = next((getattr(f, name) for f in context if getattr(f, name) is not None), None)
            if value is not None:
                changes[name] = value
    if head.amount is None:
        other = next((f for f in context if f.amount is not None), None)
        if other is not None:
            changes["amount"], changes["amount_approx"] = other.amount, other.amount_approx
    flags = set(head.flags).union(*(f.flags for f in context))
    if flags != set(head.flags):
        changes["flags"] = tuple(sorted(flags))
    evidence = [*head.evidence, *(e for f in context for e in f.evidence)]
    if len(evidence) != len(head.evidence):
        changes["evidence"] = tuple(sorted(evidence, key=lambda e: (e.start, e.end)))
    return replace(head, **changes) if changes else head


def _is_writer(ent: Entity) -> bool:
    return ent.label == "PERSON" and ent.attrs.get("role") == "complainant"


def unit_extraction(ext: Extraction, unit: IncidentUnit) -> Extraction:
    """The unit seen as an Extraction of the whole text (offsets unchanged): its incidents'
    entities, offences and facts, the letter writer from anywhere in the text, the complaint's
    category (which is not computed per incident) and no incidents of its own."""
    members = [ext.incidents[i] for i in unit.members]
    inside = [e for inc in members for e in inc.entities]
    spans = [(inc.start, inc.end) for inc in members]
    writers = [e for e in ext.entities if _is_writer(e) and not any(s <= e.start < t for s, t in spans)]
    offences = sorted((o for inc in members for o in inc.offences), key=lambda o: -o.score)
    head = ext.incidents[unit.index]
    facts = _merge_facts(head.facts, [inc.facts for inc in members if inc is not head])
    return Extraction(text=ext.text, entities=tuple(sorted([*inside, *writers], key=lambda e: (e.start, e.end))),
                      offences=tuple(offences), category=ext.category, facts=facts, received_at=ext.received_at)


def _blank_outside(text: str, ext: Extraction, unit: IncidentUnit) -> str:
    """``text`` with everything outside the unit's incidents blanked (offsets kept): the unit's
    story is the text evidence, not the other incidents'."""
    keep = [(ext.incidents[i].start, ext.incidents[i].end) for i in unit.members]
    return "".join(ch if any(s <= k < t for s, t in keep) else " " for k, ch in enumerate(text))


def _unit_rows(complaints: Sequence[Complaint], extractions: Sequence[Extraction]
               ) -> tuple[list[Complaint], list[Extraction], dict[str, tuple[int, IncidentUnit]]]:
    """The unit pass's rows (each unit as a complaint of its own) and unit id -> (row, unit)."""
    rows: list[Complaint] = []
    exts: list[Extraction] = []
    keys: dict[str, tuple[int, IncidentUnit]] = {}
    for pos, (comp, ext) in enumerate(zip(complaints, extractions, strict=True)):
        for unit in incident_units(ext):
            key = f"{comp.id}{_SEP}{unit.index}"
            rows.append(replace(comp, id=key, text=_blank_outside(comp.text, ext, unit)))
            exts.append(unit_extraction(ext, unit))
            keys[key] = (pos, unit)
    return rows, exts, keys


def _unit_families(ext: Extraction, unit: IncidentUnit) -> set[str]:
    return set().union(*(_families(ext.incidents[i]) for i in unit.members))


def _main_unit(ext: Extraction, units: Sequence[IncidentUnit]) -> IncidentUnit | None:
    """The unit telling the complaint's best offence (by its first evidence span)."""
    for off in ext.offences:
        for ev in off.evidence:
            for unit in units:
                if any(ext.incidents[i].start <= ev.start < ext.incidents[i].end for i in unit.members):
                    return unit
    return None


def _target(ext: Extraction, free: Sequence[IncidentUnit], families: set[str] | None) -> int | None:
    """The unit (of those without a case of their own) that a whole-complaint match is about."""
    if not free:
        return None
    if families:
        agree = [u for u in free if _unit_families(ext, u) & families]
        if not agree:
            return None  # a case about another offence than every free incident tells
        best = max(agree, key=lambda u: max(o.score for o in ext.incidents[u.index].offences))
        return best.index
    main = _main_unit(ext, free)
    return (main or free[0]).index


def assign(complaint_id: str, ext: Extraction, whole: Sequence[Match], own: Sequence[Match],
           case_families: Mapping[str, set[str]]) -> list[Match]:
    """One several-unit complaint's matches, each naming its incident (see the module doc), best
    first. ``whole``: the complaint's matches as a whole; ``own``: its units' matches (``incident``
    set); ``case_families``: offence families of the whole matches' cases."""
    units = incident_units(ext)
    out = list(own)
    covered = {m.case_id for m in own}
    left = [m for m in whole if m.case_id not in covered]
    if left:
        target: int | None = None
        if whole[0].case_id not in covered:
            linked = {m.incident for m in own}
            free = [u for u in units if u.index not in linked]
            target = _target(ext, free, case_families.get(whole[0].case_id))
        out.extend(replace(m, complaint_id=complaint_id, incident=target) for m in left)
    out.sort(key=lambda m: -m.score)
    return out


def _case_families(cases: SideTables, case_ids: set[str]) -> dict[str, set[str]]:
    """Offence families of the given cases, read from their feature tables."""
    if not case_ids:
        return {}
    ids = cases.main.column("ext_id").to_pylist()
    wanted = {i: cid for i, cid in enumerate(ids) if cid in case_ids}
    out: dict[str, set[str]] = {cid: set() for cid in wanted.values()}
    items = cases.items
    for row, kind, value in zip(items.column("_id").to_pylist(), items.column("kind").to_pylist(),
                                items.column("value").to_pylist(), strict=True):
        if kind == "family" and row in wanted:
            out[wanted[row]].add(value)
    return out


@dataclass
class LinkInputs:
    """What linking needs of the complaints, gathered chunk by chunk as their extractions arrive,
    so that a caller (``mine``) can drop each extraction once it is added: the feature tables of
    the whole complaints, those of the incident units of several-incident complaints, and the
    several-incident complaints' extractions (``assign`` reads their incidents). Adding the archive
    in chunks or at once gives the same tables. The complaints' masked texts live once, in the
    whole tables; the unit pass's text background is read from there."""

    whole: list[SideTables] = field(default_factory=list)
    units: list[SideTables] = field(default_factory=list)
    unit_keys: dict[str, tuple[str, int]] = field(default_factory=dict)  # unit row id -> (complaint id, incident)
    several: dict[str, Extraction] = field(default_factory=dict)
    several_rows: list[int] = field(default_factory=list)  # their positions in the whole tables
    n_rows: int = 0
    n_units: int = 0

    def add(self, complaints: Sequence[Complaint], extractions: Sequence[Extraction]) -> None:
        from clue_miner.link.features import complaint_tables

        self.whole.append(complaint_tables(complaints, extractions, offset=self.n_rows))
        rows, exts, keys = _unit_rows(complaints, extractions)
        if rows:
            self.units.append(complaint_tables(rows, exts, offset=self.n_units))
            self.n_units += len(rows)
        for key, (pos, unit) in keys.items():
            self.unit_keys[key] = (complaints[pos].id, unit.index)
        for pos in sorted({pos for pos, _ in keys.values()}):
            self.several[complaints[pos].id] = extractions[pos]
            self.several_rows.append(self.n_rows + pos)
        self.n_rows += len(complaints)

    def whole_tables(self) -> SideTables:
        """The whole complaints' tables in one piece (the chunks are let go)."""
        from clue_miner.link.features import SideTables

        joined = SideTables.concat(self.whole)
        self.whole = [joined]
        return joined

    def background(self) -> list[str]:
        """The masked texts of the complaints that tell one incident, in order: the unit pass's
        text background (what ``masked_text`` gives; the tables hold None for an empty one)."""
        texts = self.whole_tables().main.column("text").to_pylist()
        skip = set(self.several_rows)
        return [t or "" for i, t in enumerate(texts) if i not in skip]


def _link_units(inputs: LinkInputs, cases: SideTables, settings: LinkSettings | None) -> list[Match]:
    """The unit pass: each unit of the several-unit complaints linked on its own (``incident``
    set, ``complaint_id`` the complaint's), or [] when no complaint has several units."""
    from clue_miner.link.features import SideTables
    from clue_miner.link.linker import link_tables

    if not inputs.n_units:
        return []
    # the other complaints weigh the text evidence's terms as in the whole pass (a few incidents
    # alone would make every shared n-gram rare)
    found = link_tables(SideTables.concat(inputs.units), cases, settings, text_background=inputs.background()).matches
    out = []
    for m in found:
        complaint_id, index = inputs.unit_keys[m.complaint_id]
        out.append(replace(m, complaint_id=complaint_id, incident=index))
    logger.info("linked %d incidents of %d several-incident complaints: %d matches", inputs.n_units,
                len(inputs.several), len(out))
    return out


def link_units(complaints: Sequence[Complaint], extractions: Sequence[Extraction], cases: SideTables,
               settings: LinkSettings | None = None) -> list[Match]:
    """The unit pass alone (see ``_link_units``)."""
    inputs = LinkInputs()
    inputs.add(complaints, extractions)
    return _link_units(inputs, cases, settings)


def link_by_incident(complaints: Sequence[Complaint], extractions: Sequence[Extraction], cases: Any,
                     settings: LinkSettings | None = None,
                     summary_extractor: SummaryExtractor | None = None) -> list[Match]:
    """``link`` (same matches for every complaint that tells one incident), with the incidents of
    several-incident complaints linked on their own and each match naming its incident."""
    inputs = LinkInputs()
    inputs.add(complaints, extractions)
    return link_inputs(inputs, cases, settings, summary_extractor)


def link_inputs(inputs: LinkInputs, cases: Any, settings: LinkSettings | None = None,
                summary_extractor: SummaryExtractor | None = None,
                seconds: dict[str, float] | None = None, stats: dict[str, Any] | None = None) -> list[Match]:
    """``link_by_incident`` on inputs gathered beforehand (``LinkInputs.add``). ``seconds``, when
    given, receives the time of each step: case features, the whole pass's text index, blocking and
    scoring (``whole.*``), the unit pass and the reconciliation; ``stats`` the whole pass's counts
    (``LinkResult.stats`` less its seconds: candidate pairs in all and per blocking rule, keys and
    key pairs per keyed rule, scoring rounds, text pairs, matches)."""
    import time

    from clue_miner.link.case_features import case_tables
    from clue_miner.link.linker import link_tables

    clock = {} if seconds is None else seconds
    t0 = time.perf_counter()
    k_tables = case_tables(cases, summary_extractor)
    t1 = time.perf_counter()
    result = link_tables(inputs.whole_tables(), k_tables, settings)
    whole = result.matches
    t2 = time.perf_counter()
    own = _link_units(inputs, k_tables, settings)
    t3 = time.perf_counter()
    if stats is not None:
        stats.update({k: v for k, v in result.stats.items() if k != "seconds"})
    clock.update({"case_features": t1 - t0, "whole": t2 - t1,
                  **{f"whole.{k}": v for k, v in result.stats.get("seconds", {}).items()}, "units": t3 - t2})
    several = inputs.several
    if not several:
        return whole
    by_whole: dict[str, list[Match]] = {}
    for m in whole:
        by_whole.setdefault(m.complaint_id, []).append(m)
    by_own: dict[str, list[Match]] = {}
    for m in own:
        by_own.setdefault(m.complaint_id, []).append(m)
    families = _case_families(k_tables, {ms[0].case_id for cid, ms in by_whole.items() if cid in several})
    out: list[Match] = []
    for cid in inputs.whole_tables().main.column("ext_id").to_pylist():
        if cid in several:
            out.extend(assign(cid, several[cid], by_whole.get(cid, ()), by_own.get(cid, ()), families))
        else:
            out.extend(by_whole.get(cid, ()))
    clock["assign"] = time.perf_counter() - t3
    return out
