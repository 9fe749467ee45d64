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

One character belongs to one entity, except that a person may sit inside a place or a thing
(:data:`HOSTS`: 王某某 in 王某某家中, 瞿某某 in 瞿某某黑色小挎包一只): the owner is a person of the case
and the scene or item an entity of its own, so both stay (the CAIL corpora mark both; DESIGN's
entity contract allows overlaps, as ``doc.spans`` would keep them). Entities come in text order,
an outer span before the persons inside it.

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
# Places and things that may hold a person's span (王某某家中, 被害人印某某的出租房, 瞿某某黑色小挎包一只):
# the owner is a person of the case, the place or thing an entity of its own, and both stay, nested.
HOSTS = frozenset({"LOCATION", "ITEM"})
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


_MASKED = frozenset("某×*＊○〇Xx")


def _guessed_tail(rule: Entity, model: Entity) -> bool:
    """Whether a rule name runs past a model name of the same start by characters it guessed: a given
    name or an index after 某 (王某[冰]毒, 蒋某某[8]粒, 陆某某[1]小包), not a mask (张某[某], 李[XX]), which no
    reader doubts. The model read the sentence, so its end wins there."""
    tail = rule.text[model.end - rule.start:]
    return (model.start == rule.start and model.end < rule.end and "某" in model.text
            and not any(c in _MASKED for c in tail))


def _model_names_win(candidates: list[Entity], prose: bool = False) -> list[Entity]:
    """Settle rule PERSON / LOCATION / ORG guesses against a model's PERSON / LOCATION / ORG spans.

    * a rule PERSON on exactly a model PERSON's span, or around model persons (吴先生 / 老谭 / 姓何的男子
      around 吴 / 谭 / 何: the construction is the linking form 吴某, a lone surname links to nothing),
      absorbs them: the rule's value and attrs, the model's role where the rules found none; where
      the rule only guessed a partial name's end (王某冰毒, 蒋某某8粒), on the model's shorter span;
    * a rule span that the model's named spans cover gives way to them (湖南省长沙市 -> 湖南省 +
      长沙市); characters before the first model span do not count (度深圳市, 案经海口市中级人民法院,
      系台湖镇: a rule name read backwards from its suffix often takes in a word before it);
    * a rule span whose end or middle the model leaves uncovered stays (龙泉驿区大面街道 over the
      model's 龙泉驿区, 海淀区政府 over 海淀区): dropping it would lose the suffix; the usual overlap
      resolution then keeps the longer span;
    * a model place around a rule person (王某某家中 around 王某某) is no guess about the person: the
      person is settled against the model's other spans, and both may stay, nested.
    """
    model = sorted((e for e in candidates if e.source != "rules" and e.label in _NAMED), key=lambda e: e.start)
    if not model:  # on prose the model's silence speaks too: the rules' suffix guesses (走老路) go
        return [e for e in candidates if e.source != "rules" or e.label not in _NAMED] if prose else candidates
    prose = prose or any(e.attrs.get(_PROSE) for e in model)
    starts = [e.start for e in model]
    longest = max(e.end - e.start for e in model)
    absorbed: set[int] = set()
    out: list[Entity] = []
    for ent in candidates:
        if ent.source != "rules" or ent.label not in _NAMED:
            out.append(ent)
            continue
        lo = bisect_left(starts, ent.start - longest)
        hits = [m for m in model[lo:bisect_left(starts, ent.end)] if m.end > ent.start and not _nested(m, ent)]
        if not hits:
            if not prose:
                out.append(ent)
        elif ent.label == "PERSON" and all(m.label == "PERSON" and ent.start <= m.start and m.end <= ent.end for m in hits):
            absorbed.update(id(m) for m in hits)
            kept = _with_role(ent, hits)
            if len(hits) == 1 and ent.value != ent.text and (hits[0].start, hits[0].end) != (ent.start, ent.end):
                m = hits[0]  # 吴先生 / 老王 / 王经理 around the model's 吴 / 王: the name's span, the rule's value
                kept = replace(kept, start=m.start, end=m.end, text=m.text)
            elif len(hits) == 1 and _guessed_tail(ent, hits[0]):
                m = hits[0]  # 王某[冰毒] / 蒋某某[8粒]: the model read where the name ends
                tail = ent.text[m.end - ent.start:]
                value = ent.value[: -len(tail)] if isinstance(ent.value, str) and ent.value.endswith(tail) else m.text
                kept = replace(kept, start=m.start, end=m.end, text=m.text, value=value)
            out.append(kept)
        elif ent.label == "PERSON" and all(m.label == "PERSON" for m in hits) and any(
                m.start < ent.start or m.end > ent.end for m in hits):
            continue  # a rule name across a model name's edge (白[林同志] over 白林): the model read the name
        elif not prose and not _covers(hits, max(ent.start, min(m.start for m in hits)), ent.end):
            out.append(ent)
    return [e for e in out if id(e) not in absorbed] if absorbed else out


_SPANNED = frozenset({"TIME", "MONEY"})
# a model's span may reach back over the object of the verb before an amount (骗走我5万元): a
# pronoun before the rules' own start is never part of the amount or the date
_PRONOUNS = frozenset("我你您他她它咱俺")


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
            start = m.start
            while start < r.start and m.text[start - m.start] in _PRONOUNS:  # 骗走[我]5万元: not the amount's
                start += 1
            moved[id(r)] = replace(r, start=start, end=m.end, text=m.text[start - m.start:])
        elif len(hits) > 1 and all(m.start <= r.start and r.end <= m.end and id(r) not in moved for r in hits):
            first, last = hits[0], hits[-1]
            attrs = {**first.attrs, "end": last.value} if last.value not in (None, first.value) else first.attrs
            moved[id(first)] = replace(first, start=m.start, end=m.end, text=m.text, attrs=attrs)
            gone.update(id(r) for r in hits[1:])
        elif not hits and (m.label == "TIME" or m.value is not None):
            gone.discard(id(m))
    return [moved.get(id(e), e) for e in candidates if id(e) not in gone]


def _nested(outer: Entity, inner: Entity) -> bool:
    """Whether ``inner`` is a person strictly inside ``outer``, a place or a thing (:data:`HOSTS`):
    the owner of a scene or an item (王某某 in 王某某家中) is an entity of its own."""
    return (inner.label == "PERSON" and outer.label in HOSTS and outer.start <= inner.start
            and inner.end <= outer.end and (outer.start, outer.end) != (inner.start, inner.end))


def merge_entities(groups: Iterable[Iterable[Entity]], prose: bool = False) -> list[Entity]:
    """Greedy overlap resolution by label priority and span length, returned in text order.

    Two entities conflict when their spans overlap: one character belongs to one entity, with one
    exception: a person inside a place or a thing (王某某 in 王某某家中, 瞿某某 in 瞿某某的挎包) stays
    beside it, nested (:data:`HOSTS`); a consumer that needs flat spans keeps the outer or the inner
    one. Before that, a model's PERSON / LOCATION / ORG span beats the rules' guesses of those kinds
    that overlap it; ``prose`` (the NER read the text as general prose, ``NerModel.reads_as_prose``)
    leaves names, places and organisations to the model alone, even where it found none.
    """
    candidates = _model_spans_for_rule_values([e for group in groups for e in group if e.end > e.start])
    candidates = _model_names_win(candidates, prose)
    candidates.sort(key=_rank)
    starts: list[int] = []  # flat spans never overlap, so sorted by start they are sorted by end too
    ends: list[int] = []
    flat: list[Entity] = []  # in the order of ``starts``
    hosts: list[Entity] = []  # kept places and things: only persons nested in them may overlap them
    for ent in candidates:
        i = bisect_left(starts, ent.start)
        lo = i - 1 if i > 0 and ends[i - 1] > ent.start else i
        hi = bisect_left(starts, ent.end)
        if any(not _nested(ent, x) for x in flat[lo:hi]):
            continue  # a kept span overlaps this one, and is no person inside it
        if any(h.start < ent.end and ent.start < h.end and not _nested(h, ent) for h in hosts):
            continue  # inside or across a kept place or thing, and no person in it
        if ent.label in HOSTS:
            hosts.append(ent)
            continue
        starts.insert(i, ent.start)
        ends.insert(i, ent.end)
        flat.insert(i, ent)
    kept = flat + hosts
    kept.sort(key=lambda e: (e.start, -e.end))
    return [_unmarked(e) for e in kept]


def _unmarked(ent: Entity) -> Entity:
    if _PROSE not in ent.attrs:
        return ent
    return replace(ent, attrs={k: v for k, v in ent.attrs.items() if k != _PROSE})
