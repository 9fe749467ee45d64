"""Resolve overlapping entities from rules and statistical models into one consistent list."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from clue_miner.types import Entity

# Lower number wins an overlap. Checksum-valid identifiers from rules come first: a model never
# overrides an ID number, card, phone or plate that the rules have verified.
PRIORITY = {
    "ID_NUMBER": 0,
    "BANK_CARD": 1,
    "PHONE": 2,
    "PLATE": 3,
    "ACCOUNT": 4,
    "MONEY": 5,
    "INJURY": 6,
    "TIME": 7,
    "PERSON": 8,
    "ORG": 9,
    "LOCATION": 10,
    "ITEM": 11,
    "QUANTITY": 12,
}


_VERIFIED_TIER = 5  # labels with priority below this are checksum/format-verified by rules


def _rank(ent: Entity) -> tuple[int, int, int, int]:
    """Verified identifiers and amounts first; among the rest the longer span wins."""
    prio = PRIORITY.get(ent.label, 99)
    source = 0 if ent.source == "rules" else 1
    if prio <= _VERIFIED_TIER:
        return (0, prio, -(ent.end - ent.start), source)
    return (1, -(ent.end - ent.start), prio, source)


def merge_entities(groups: Iterable[Iterable[Entity]]) -> list[Entity]:
    """Greedy overlap resolution by label priority and span length, returned in text order.

    Two entities conflict when their spans overlap. An entity nested inside a kept entity of a
    different label is dropped too: one character belongs to one entity.
    """
    candidates = [e for group in groups for e in group if e.end > e.start]
    candidates.sort(key=_rank)
    starts: list[int] = []  # kept spans never overlap, so sorted by start they are sorted by end too
    ends: list[int] = []
    kept: list[Entity] = []
    for ent in candidates:
        i = bisect_left(starts, ent.start)
        if i > 0 and ends[i - 1] > ent.start:
            continue  # the kept span starting before this one reaches into it
        if i < len(starts) and starts[i] < ent.end:
            continue  # a kept span starts inside this one
        starts.insert(i, ent.start)
        ends.insert(i, ent.end)
        kept.append(ent)
    kept.sort(key=lambda e: (e.start, e.end))
    return kept
