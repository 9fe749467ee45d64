"""A light pass for short structured texts (case summaries): identifiers and names only."""

from __future__ import annotations

from collections.abc import Sequence

from clue_miner.extract.merge import merge_entities
from clue_miner.extract.pipeline import _to_original
from clue_miner.extract.rules.base import RuleContext
from clue_miner.types import Category, Extraction, Facts

_CTX = RuleContext()


def entities_only(texts: Sequence[str | None]) -> list[Extraction]:
    """Extractions holding only PHONE/ID/card/plate/account and PERSON entities."""
    from clue_miner.extract.rules import identifiers, persons
    from clue_miner.text.normalize import normalize

    out = []
    for text in texts:
        text = text if isinstance(text, str) else ""
        norm = normalize(text)
        ents = merge_entities([identifiers.find(norm.text, _CTX), persons.find(norm.text, _CTX)])
        out.append(_to_original(text, norm, ents, [], Category("civic", 0.0), Facts(), None))
    return out
