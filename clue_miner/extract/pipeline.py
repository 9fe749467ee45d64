"""The extraction pipeline: text in, Extraction out.

normalise -> rule entities -> [statistical NER] -> merge -> facts -> offences -> settle kinds
-> category -> incidents -> map offsets back to the original text.

A text that tells several incidents (``extract.incidents.segment_incidents``) also gets one
Incident per span: its own entities (those starting in the span), facts (``build_facts`` on the
span) and offences (the same detector, one batch call over every incident span of the batch, then
``settle_offences``). The whole-text fields stay as they are.

Components work on batches of normalised texts; everything they return has offsets into the
normalised text, and this module alone maps them back (``text[start:end] == entity.text`` holds
for the text exactly as the caller gave it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

from clue_miner.extract.components import (
    CategoryClassifier,
    EntityRecognizer,
    OffenceCandidate,
    OffenceDetector,
    RuleFinder,
)
from clue_miner.extract.facts import build_facts
from clue_miner.extract.incidents import segment_incidents
from clue_miner.extract.merge import merge_entities
from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.settle import settle_category, settle_offences
from clue_miner.knowledge.thresholds import Thresholds, default_thresholds
from clue_miner.types import Entity, Evidence, Extraction, Facts, Incident, Offence

if TYPE_CHECKING:
    from clue_miner.extract.parallel import ThreadPools
    from clue_miner.text.normalize import NormText

log = logging.getLogger(__name__)
_READ_AHEAD = 2  # batches whose NER runs ahead of the one being finished (threaded pipe)
# batches whose NER runs at once (threaded pipe): a call ends on its longest encoder batch (pieces
# are encoded shortest first), which one encoder thread runs alone while the call's decoding waits;
# a second call in flight keeps the encoder pool busy then (one NER thread: 11.2 s, two: 10.6 s, the
# 3,000 board messages on 2 cores; three: no faster)
_NER_CALLS = 2


def _thread_pools() -> ThreadPools:
    from clue_miner.extract.parallel import ThreadPools

    return ThreadPools()


def default_rule_finders() -> list[RuleFinder]:
    from clue_miner.extract.rules import identifiers, injury, money_time, persons, places

    return [identifiers.find, money_time.find, injury.find, persons.find, places.find]


def _as_datetime(value: datetime | date | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    from clue_miner.text.datecells import parse_datetime

    return parse_datetime(value)


@dataclass
class Pipeline:
    """Assembles the components; ``__call__`` for one text, ``pipe`` streams many."""

    rules: list[RuleFinder] = field(default_factory=default_rule_finders)
    ner: EntityRecognizer | None = None
    offence: OffenceDetector | None = None
    category: CategoryClassifier | None = None
    thresholds: Thresholds = field(default_factory=default_thresholds)
    province: str | None = None
    batch_size: int = 64
    threads: int | None = None  # extraction threads (parallel.extraction_threads): None = env, else cores
    _pools: ThreadPools = field(default_factory=_thread_pools, init=False, repr=False, compare=False)  # the NER thread

    def __post_init__(self) -> None:
        if self.offence is None:
            from clue_miner.extract.offence.model import default_offence_detector

            self.offence = default_offence_detector()  # shipped model, rules when it is absent
        if self.category is None:
            from clue_miner.extract.category_model import default_category_classifier

            self.category = default_category_classifier()  # shipped model, rules when it is absent

    @property
    def versions(self) -> dict[str, str]:
        out = {"rules": "rules-v1"}
        for part in (self.ner, self.offence, self.category):
            if part is not None:
                out[type(part).__name__] = str(getattr(part, "version", getattr(part, "name", "v1")))
        return out

    def __call__(self, text: str, received_at: datetime | date | str | None = None) -> Extraction:
        return next(iter(self.pipe([text], [received_at])))

    def pipe(
        self,
        texts: Iterable[str],
        received_ats: Iterable[datetime | date | str | None] | None = None,
        batch_size: int | None = None,
    ) -> Iterator[Extraction]:
        size = batch_size or self.batch_size
        anchors: Iterator[datetime | date | str | None] = iter(received_ats) if received_ats is not None else _nones()
        text_iter = iter(texts)
        batches = ((batch, [_as_datetime(next(anchors, None)) for _ in batch])
                   for batch in iter(lambda: list(islice(text_iter, size)), []))
        from clue_miner.extract.parallel import extraction_threads

        if self.ner is None or extraction_threads(self.threads) < 2:
            for batch, when in batches:
                yield from self._batch(batch, when)
            return
        yield from self._pipe_ahead(batches)

    def _pipe_ahead(self, batches: Iterator[tuple[list[str], list[datetime | None]]]) -> Iterator[Extraction]:
        """:meth:`pipe` with the NER of the next batches on other threads (:data:`_READ_AHEAD` of
        them queued, :data:`_NER_CALLS` running at once) while this thread runs the other passes of
        the current one. The NER's encoder releases the GIL; the results are the same as one
        thread's, batch for batch."""
        from functools import partial

        from clue_miner.extract.parallel import fine_switching, read_ahead

        ner = self.ner
        assert ner is not None

        def jobs() -> Iterator[tuple[tuple[list[str], list[datetime | None], list[NormText]], Callable[[], Any]]]:
            for batch, when in batches:
                norms = self._normalise(batch)
                yield (batch, when, norms), partial(ner.predict, [n.text for n in norms])

        pool = self._pools.get(_NER_CALLS, "clue-miner-ner")
        with fine_switching():
            for (texts, anchors, norms), found in read_ahead(pool, jobs(), _READ_AHEAD):
                yield from self._finish(texts, anchors, norms, found.result)

    def _batch(self, texts: Sequence[str], anchors: Sequence[datetime | None]) -> list[Extraction]:
        norms = self._normalise(texts)
        ner = self.ner
        return self._finish(texts, anchors, norms,
                            lambda: ner.predict([n.text for n in norms]) if ner is not None else [[] for _ in norms])

    @staticmethod
    def _normalise(texts: Sequence[str]) -> list[NormText]:
        from clue_miner.text.normalize import normalize

        for text in texts:
            if not isinstance(text, str):
                from clue_miner.errors import InputError

                raise InputError(f"extract() needs str, got {type(text).__name__}", code="bad_text")
        return [normalize(t) for t in texts]

    def _finish(self, texts: Sequence[str], anchors: Sequence[datetime | None], norms: Sequence[NormText],
                model_entities: Callable[[], list[list[Entity]]]) -> list[Extraction]:
        """The batch's extractions; ``model_entities()`` gives the NER's entities per text, asked for
        once the passes that do not need them (rules, offences, category) have run."""
        ntexts = [n.text for n in norms]
        rule_ents = [self._rules(nt, RuleContext(received_at=a)) for nt, a in zip(ntexts, anchors, strict=True)]
        assert self.offence is not None and self.category is not None
        candidates = self.offence.predict(ntexts)
        proposed = self.category.predict(ntexts, candidates)
        prose = self._prose(ntexts)
        model_ents = model_entities()
        merged = [merge_entities((r, m), prose=p) for r, m, p in zip(rule_ents, model_ents, prose, strict=True)]
        facts = [build_facts(nt, ents, a) for nt, ents, a in zip(ntexts, merged, anchors, strict=True)]
        incidents = self._incidents(ntexts, merged, candidates, anchors)
        out = []
        for i, text in enumerate(texts):
            offences = settle_offences(candidates[i], facts[i], self.thresholds, self.province)
            category = settle_category(offences, proposed[i], getattr(self.category, "authoritative", False))
            if not category.scores and proposed[i].scores:
                category = replace(category, scores=proposed[i].scores)
            ext = _to_original(text, norms[i], merged[i], offences, category, facts[i], anchors[i])
            if incidents[i]:
                ext = replace(ext, incidents=tuple(_incident(text, norms[i], *inc) for inc in incidents[i]))
            out.append(ext)
        return out

    def _incidents(
        self,
        ntexts: Sequence[str],
        merged: Sequence[list[Entity]],
        candidates: Sequence[Sequence[OffenceCandidate]],
        anchors: Sequence[datetime | None],
    ) -> list[list[tuple[int, int, list[Entity], list[Offence], Facts]]]:
        """Per text: ``(start, end, entities, offences, facts)`` of each incident, offsets into the
        normalised text; empty for a text that tells one incident."""
        spans = [segment_incidents(nt, ents, cands) for nt, ents, cands in zip(ntexts, merged, candidates, strict=True)]
        jobs = [(i, s, e) for i, sp in enumerate(spans) if len(sp) > 1 for s, e in sp]
        out: list[list[tuple[int, int, list[Entity], list[Offence], Facts]]] = [[] for _ in ntexts]
        if not jobs:
            return out
        assert self.offence is not None
        found = self.offence.predict([ntexts[i][s:e] for i, s, e in jobs])  # one batch call for all
        for (i, s, e), cands in zip(jobs, found, strict=True):
            ents = [x for x in merged[i] if s <= x.start < e]
            local = [replace(x, start=x.start - s, end=x.end - s) for x in ents]
            facts = build_facts(ntexts[i][s:e], local, anchors[i])
            offences = settle_offences(cands, facts, self.thresholds, self.province)
            out[i].append((s, e, ents, [_shift_offence(o, s) for o in offences], _shift_facts(facts, s)))
        return out

    def _prose(self, texts: Sequence[str]) -> list[bool]:
        """Per text, whether the NER reads it as general prose (then it alone speaks for names,
        places and organisations, even where it found none); False without a NER that tells."""
        reads = getattr(self.ner, "reads_as_prose", None)
        return [bool(reads(t)) if reads is not None else False for t in texts]

    def _rules(self, text: str, ctx: RuleContext) -> list[Entity]:
        found: list[Entity] = []
        for finder in self.rules:
            found.extend(finder(text, ctx))
        return found


def _nones() -> Iterator[None]:
    while True:
        yield None


def _shift_evidence(e: Evidence, delta: int) -> Evidence:
    return Evidence(e.label, e.text, e.start + delta, e.end + delta)


def _shift_offence(o: Offence, delta: int) -> Offence:
    return replace(o, evidence=tuple(_shift_evidence(x, delta) for x in o.evidence))


def _shift_facts(facts: Facts, delta: int) -> Facts:
    return replace(facts, evidence=tuple(_shift_evidence(x, delta) for x in facts.evidence))


def _spans_back(text, norm, entities, offences, facts: Facts):  # noqa: ANN001, ANN202
    """Entities, offences and facts with every span mapped from normalised offsets to ``text``."""

    def ev(e: Evidence) -> Evidence:
        s, t = norm.span(e.start, e.end)
        return Evidence(e.label, text[s:t], s, t)

    ents = []
    for e in entities:  # Entity(...) directly: dataclasses.replace costs ~5x as much per call
        s, t = norm.span(e.start, e.end)
        ents.append(Entity(e.label, s, t, text[s:t], e.value, e.attrs, e.source))
    offs = [
        Offence(o.name, o.kind, o.score, tuple(ev(x) for x in o.evidence), o.criminal, o.reasons)
        for o in offences
    ]
    return tuple(ents), tuple(offs), replace(facts, evidence=tuple(ev(x) for x in facts.evidence))


def _to_original(text, norm, entities, offences, category, facts: Facts, anchor) -> Extraction:  # noqa: ANN001
    """Map every span from normalised offsets back to the text as given."""
    ents, offs, facts = _spans_back(text, norm, entities, offences, facts)
    return Extraction(text=text, entities=ents, offences=offs, category=category,
                      facts=facts, received_at=anchor)


def _incident(text, norm, start, end, entities, offences, facts: Facts) -> Incident:  # noqa: ANN001
    """An Incident with its span and everything in it mapped back to the text as given."""
    ents, offs, facts = _spans_back(text, norm, entities, offences, facts)
    s = 0 if start == 0 else norm.offset(start)
    t = len(text) if end >= len(norm.text) else norm.offset(end)
    return Incident(start=s, end=t, text=text[s:t], entities=ents, offences=offs, facts=facts)
