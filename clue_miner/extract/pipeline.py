"""The extraction pipeline: text in, Extraction out.

normalise -> rule entities -> [statistical NER] -> merge -> facts -> offences -> settle kinds
-> category -> map offsets back to the original text.

Components work on batches of normalised texts; everything they return has offsets into the
normalised text, and this module alone maps them back (``text[start:end] == entity.text`` holds
for the text exactly as the caller gave it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import islice

from clue_miner.extract.components import (
    CategoryClassifier,
    EntityRecognizer,
    OffenceDetector,
    RuleFinder,
)
from clue_miner.extract.facts import build_facts
from clue_miner.extract.merge import merge_entities
from clue_miner.extract.rules.base import RuleContext
from clue_miner.extract.settle import settle_category, settle_offences
from clue_miner.knowledge.thresholds import Thresholds, default_thresholds
from clue_miner.types import Entity, Evidence, Extraction, Facts, Offence

log = logging.getLogger(__name__)


def default_rule_finders() -> list[RuleFinder]:
    from clue_miner.extract.rules import identifiers, injury, money_time, persons, places

    return [identifiers.find, money_time.find, injury.find, persons.find, places.find]


def _as_datetime(value: datetime | date | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    from clue_miner.text.dates import parse_datetime

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

    def __post_init__(self) -> None:
        if self.offence is None:
            from clue_miner.extract.offence_model import default_offence_detector

            self.offence = default_offence_detector()  # shipped model, rules when it is absent
        if self.category is None:
            from clue_miner.extract.category import CategoryRules

            self.category = CategoryRules()

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
        while True:
            batch = list(islice(text_iter, size))
            if not batch:
                return
            when = [_as_datetime(next(anchors, None)) for _ in batch]
            yield from self._batch(batch, when)

    def _batch(self, texts: Sequence[str], anchors: Sequence[datetime | None]) -> list[Extraction]:
        from clue_miner.text.normalize import normalize

        for text in texts:
            if not isinstance(text, str):
                from clue_miner.errors import InputError

                raise InputError(f"extract() needs str, got {type(text).__name__}", code="bad_text")
        norms = [normalize(t) for t in texts]
        ntexts = [n.text for n in norms]
        rule_ents = [self._rules(nt, RuleContext(received_at=a)) for nt, a in zip(ntexts, anchors, strict=True)]
        model_ents = self.ner.predict(ntexts) if self.ner is not None else [[] for _ in ntexts]
        merged = [merge_entities((r, m)) for r, m in zip(rule_ents, model_ents, strict=True)]
        facts = [build_facts(nt, ents, a) for nt, ents, a in zip(ntexts, merged, anchors, strict=True)]
        assert self.offence is not None and self.category is not None
        candidates = self.offence.predict(ntexts)
        proposed = self.category.predict(ntexts, candidates)
        out = []
        for i, text in enumerate(texts):
            offences = settle_offences(candidates[i], facts[i], self.thresholds, self.province)
            category = settle_category(offences, proposed[i])
            out.append(_to_original(text, norms[i], merged[i], offences, category, facts[i], anchors[i]))
        return out

    def _rules(self, text: str, ctx: RuleContext) -> list[Entity]:
        found: list[Entity] = []
        for finder in self.rules:
            found.extend(finder(text, ctx))
        return found


def _nones() -> Iterator[None]:
    while True:
        yield None


def _to_original(text, norm, entities, offences, category, facts: Facts, anchor) -> Extraction:  # noqa: ANN001
    """Map every span from normalised offsets back to the text as given."""

    def span(start: int, end: int) -> tuple[int, int]:
        return norm.span(start, end)

    def ev(e: Evidence) -> Evidence:
        s, t = span(e.start, e.end)
        return Evidence(e.label, text[s:t], s, t)

    ents = []
    for e in entities:
        s, t = span(e.start, e.end)
        ents.append(replace(e, start=s, end=t, text=text[s:t]))
    offs = [
        Offence(o.name, o.kind, o.score, tuple(ev(x) for x in o.evidence), o.criminal, o.reasons)
        for o in offences
    ]
    facts = replace(facts, evidence=tuple(ev(x) for x in facts.evidence))
    return Extraction(text=text, entities=tuple(ents), offences=tuple(offs), category=category,
                      facts=facts, received_at=anchor)
