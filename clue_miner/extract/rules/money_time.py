"""MONEY and TIME entities from normalised text (rules only).

MONEY: ``value`` = yuan (float), ``attrs = {"approx": bool}``.
TIME: ``value`` = ISO date / datetime / ``YYYY-MM`` / ``YYYY`` string or ``None``,
``attrs = {"grain", "relative", "approx"}``; relative expressions resolve against
``ctx.received_at``.

Offsets are into ``text`` as given (the pipeline's normalised text). Where a money span and a
time span overlap (rare: 2019年5月 … 5万元 never do, but 12万元月 … could), the longer one wins.
"""

from __future__ import annotations

import re

from clue_miner.extract.rules.base import RuleContext
from clue_miner.text.dates import find_times
from clue_miner.text.money import find_money
from clue_miner.types import Entity

__all__ = ["find"]

# A numbered item glued to a year (3.2017年5月20日, 2．2018年…): the number reads as 3.2017 and the
# date is lost. Blanked (same length, offsets hold) before the dates are read.
_LIST_MARK = re.compile(r"(?<![\d.．])\d{1,2}[.．](?=(?:1[89]|20)\d\d年)")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def find(text: str, ctx: RuleContext | None = None) -> list[Entity]:
    """MONEY and TIME entities of ``text``, sorted by start."""
    if not text:
        return []
    anchor = ctx.received_at if ctx is not None else None
    entities: list[Entity] = []
    for m in find_money(text):
        entities.append(
            Entity(
                label="MONEY",
                start=m.start,
                end=m.end,
                text=text[m.start : m.end],
                value=m.value,
                attrs={"approx": m.approx},
                source="rules",
            )
        )
    for t in find_times(_LIST_MARK.sub(_blank, text), anchor):
        entities.append(
            Entity(
                label="TIME",
                start=t.start,
                end=t.end,
                text=text[t.start : t.end],
                value=t.value,
                attrs={"grain": t.grain, "relative": t.relative, "approx": t.approx},
                source="rules",
            )
        )
    if len(entities) < 2:
        return entities
    entities.sort(key=lambda e: (e.start, -(e.end - e.start)))
    kept: list[Entity] = []
    for e in entities:
        if kept and e.start < kept[-1].end:
            if (e.end - e.start) > (kept[-1].end - kept[-1].start):
                kept[-1] = e
            continue
        kept.append(e)
    return kept
