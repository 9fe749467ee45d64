"""Resolve overlapping entities from rules and statistical models into one consistent list.

Rules are authoritative for what they verify or normalise (identifiers, amounts, times, injuries); for
names, places and institutions (PERSON, LOCATION, ORG) a statistical model's span wins over a rule's
guess that overlaps it: the rules find 张某 / 王经理 / 被告人张三 and addresses by their shape, the
model reads the sentence (:func:`_model_names_win`). When both mark the same PERSON span, one entity
stays: the rule's (its ``value`` is the linking form, 老王 -> 王某), with the model's role where the
rules found none; a rule construction around a model name (吴先生 around 吴) keeps its value on the
name's span, as every corpus marks it. On a text the model read as general prose (its entities carry
``attrs["prose"]``, removed here) the model alone speaks for names, places and organisations: the
rules' suffix guesses (金融市场, 高速路) and titled surnames (刘总) follow no news convention.

TIME and MONEY values come from the rules; their spans from the model where it marks them
(:func:`_model_spans_for_rule_values`): a case narrative's conventions (9时许 or 9时, 现金人民币200元,
2018年8月份的一天, a range as one span) are the speaking head's, which reads the sentence.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace

from clue_miner.types import Entity

# Lower number wins an overlap. Checksum-valid identifiers from rules come first: a model never
# overrides an ID number, card, phone or plate that the rules have verified, nor an amount, injury or
# time whose value the rules have normalised.
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


_VERIFIED_TIER = 7  # labels with priority up to this are verified or normalised by the rules


def _rank(ent: Entity) -> tuple[int, int, int, int]:
    """Verified identifiers, amounts, injuries and times first; among the rest the longer span wins."""
    prio = PRIORITY.get(ent.label, 99)
    source = 0 if ent.source == "rules" else 1
    if prio <= _VERIFIED_TIER:
        return (0, prio, -(ent.end - ent.start), source)
    return (1, -(ent.end - ent.start), prio, source)


_NAMED = frozenset({"PERSON", "LOCATION", "ORG"})
_PROSE = "prose"  # the NER's mark on entities of a text it read as general prose (ner_model.PROSE)


def _covers(spans: list[Entity], start: int, end: int) -> bool:
    """Whether the spans together cover every character of ``[start, end)``."""
    reach = start
    for e in sorted(spans, key=lambda e: e.start):
        if e.start > reach:
            return False
        reach = max(reach, e.end)
    return reach >= end


def _with_role(ent: Entity, models: list[Entity]) -> Entity:
    """``ent`` with the first model role when the rules found none."""
    if ent.attrs.get("role") not in (None, "other"):
        return ent
    role = next((m.attrs["role"] for m in models if m.attrs.get("role") not in (None, "other")), None)
    return replace(ent, attrs={**ent.attrs, "role": role}) if role else ent


def _model_names_win(candidates: list[Entity]) -> list[Entity]:
    """Settle rule PERSON / LOCATION / ORG guesses against a model's PERSON / LOCATION / ORG spans.

    * a rule PERSON on exactly a model PERSON's span, or around model persons (吴先生 / 老谭 / 姓何的男子
      around 吴 / 谭 / 何: the construction is the linking form 吴某, a lone surname links to nothing),
      absorbs them: the rule's value and attrs, the model's role where the rules found none;
    * a rule span that the model's named spans cover gives way to them (湖南省长沙市 -> 湖南省 +
      长沙市); characters before the first model span do not count (度深圳市, 案经海口市中级人民法院,
      系台湖镇: a rule name read backwards from its suffix often takes in a word before it);
    * a rule span whose end or middle the model leaves uncovered stays (龙泉驿区大面街道 over the
      model's 龙泉驿区, 海淀区政府 over 海淀区): dropping it would lose the suffix; the usual overlap
      resolution then keeps the longer span.
    """
    model = sorted((e for e in candidates if e.source != "rules" and e.label in _NAMED), key=lambda e: e.start)
    if not model:
        return candidates
    prose = any(e.attrs.get(_PROSE) for e in model)
    starts = [e.start for e in model]
    longest = max(e.end - e.start for e in model)
    absorbed: set[int] = set()
    out: list[Entity] = []
    for ent in candidates:
        if ent.source != "rules" or ent.label not in _NAMED:
            out.append(ent)
            continue
        lo = bisect_left(starts, ent.start - longest)
        hits = [m for m in model[lo:bisect_left(starts, ent.end)] if m.end > ent.start]
        if not hits:
            if not prose:
                out.append(ent)
        elif ent.label == "PERSON" and all(m.label == "PERSON" and ent.start <= m.start and m.end <= ent.end for m in hits):
            absorbed.update(id(m) for m in hits)
            kept = _with_role(ent, hits)
            if len(hits) == 1 and ent.value != ent.text and (hits[0].start, hits[0].end) != (ent.start, ent.end):
                m = hits[0]  # 吴先生 / 老王 / 王经理 around the model's 吴 / 王: the name's span, the rule's value
                kept = replace(kept, start=m.start, end=m.end, text=m.text)
            out.append(kept)
        elif ent.label == "PERSON" and all(m.label == "PERSON" for m in hits) and any(
                m.start < ent.start or m.end > ent.end for m in hits):
            continue  # a rule name across a model name's edge (白[林同志] over 白林): the model read the name
        elif not prose and not _covers(hits, max(ent.start, min(m.start for m in hits)), ent.end):
            out.append(ent)
    return [e for e in out if id(e) not in absorbed] if absorbed else out


_SPANNED = frozenset({"TIME", "MONEY"})


def _model_spans_for_rule_values(candidates: list[Entity]) -> list[Entity]:
    """Settle a model's TIME / MONEY spans against the rules' (whose values are normalised).

    * a model span over exactly one rule entity of its label gives that entity its boundaries: the
      rule's value and attrs on the model's span (现金人民币200元, 2018年8月份的一天, 15时 without 许
      where the text's conventions drop it: the model reads them from the sentence);
    * a model span over several rule entities of its label that it covers whole (a range,
      2017年4月29日至2018年4月26日期间) is one entity: the first one's value and attrs, the last
      one's value as ``attrs["end"]``; one that cuts a rule entity gives way to them;
    * a model span the rules did not find stays when it has a value of its own, or is a TIME
      (同年4月8日左右一天凌晨: its value is unknown, the span is not).
    """
    model = [e for e in candidates if e.source != "rules" and e.label in _SPANNED]
    if not model:
        return candidates
    rules = sorted((e for e in candidates if e.source == "rules" and e.label in _SPANNED), key=lambda e: e.start)
    starts = [e.start for e in rules]
    longest = max((e.end - e.start for e in rules), default=0)
    moved: dict[int, Entity] = {}
    gone: set[int] = set()
    for m in model:
        lo = bisect_left(starts, m.start - longest)
        hits = [r for r in rules[lo:bisect_left(starts, m.end)] if r.end > m.start and r.label == m.label]
        gone.add(id(m))
        if len(hits) == 1 and id(hits[0]) not in moved:
            r = hits[0]
            moved[id(r)] = replace(r, start=m.start, end=m.end, text=m.text)
        elif len(hits) > 1 and all(m.start <= r.start and r.end <= m.end and id(r) not in moved for r in hits):
            first, last = hits[0], hits[-1]
            attrs = {**first.attrs, "end": last.value} if last.value not in (None, first.value) else first.attrs
            moved[id(first)] = replace(first, start=m.start, end=m.end, text=m.text, attrs=attrs)
            gone.update(id(r) for r in hits[1:])
        elif not hits and (m.label == "TIME" or m.value is not None):
            gone.discard(id(m))
    return [moved.get(id(e), e) for e in candidates if id(e) not in gone]


def merge_entities(groups: Iterable[Iterable[Entity]]) -> list[Entity]:
    """Greedy overlap resolution by label priority and span length, returned in text order.

    Two entities conflict when their spans overlap. An entity nested inside a kept entity of a
    different label is dropped too: one character belongs to one entity. Before that, a model's
    PERSON / LOCATION / ORG span beats the rules' guesses of those kinds that overlap it.
    """
    candidates = _model_spans_for_rule_values([e for group in groups for e in group if e.end > e.start])
    candidates = _model_names_win(candidates)
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
    return [_unmarked(e) for e in kept]


def _unmarked(ent: Entity) -> Entity:
    if _PROSE not in ent.attrs:
        return ent
    return replace(ent, attrs={k: v for k, v in ent.attrs.items() if k != _PROSE})
