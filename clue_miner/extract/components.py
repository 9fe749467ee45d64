"""The seams of the extraction pipeline: what a component must offer to slot in.

Rule finders, a statistical NER, an offence detector and a category classifier all work on
*normalised* text and return offsets into it; the pipeline maps offsets back to the original.
Trainable components keep a pure ``predict`` (spaCy's predict / set_annotations split): they
never touch the Extraction themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from clue_miner.extract.rules.base import RuleContext
from clue_miner.types import Category, Entity, Evidence


class RuleFinder(Protocol):
    def __call__(self, text: str, ctx: RuleContext) -> list[Entity]: ...


@runtime_checkable
class EntityRecognizer(Protocol):
    """A statistical NER: batches of normalised texts in, entities (offsets into them) out."""

    name: str

    def predict(self, texts: Sequence[str]) -> list[list[Entity]]: ...


@dataclass(frozen=True, slots=True)
class OffenceCandidate:
    """An offence proposed by a detector, before the facts settle its kind."""

    name: str
    kind: str
    score: float
    evidence: tuple[Evidence, ...] = ()


@runtime_checkable
class OffenceDetector(Protocol):
    name: str

    def predict(self, texts: Sequence[str]) -> list[list[OffenceCandidate]]: ...


@runtime_checkable
class CategoryClassifier(Protocol):
    name: str

    def predict(self, texts: Sequence[str], offences: Sequence[Sequence[OffenceCandidate]]) -> list[Category]: ...
