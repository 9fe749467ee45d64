from __future__ import annotations

from clue_miner.extract.merge import merge_entities
from clue_miner.types import Entity


def _e(label: str, start: int, end: int, source: str = "rules") -> Entity:
    return Entity(label, start, end, "x" * (end - start), source=source)


def test_merge_identifier_beats_model_span() -> None:
    ident = _e("ID_NUMBER", 5, 23)
    model = _e("MONEY", 10, 14, source="ner")
    assert merge_entities([[ident], [model]]) == [ident]


def test_merge_longer_person_wins_over_nested_location() -> None:
    loc = _e("LOCATION", 0, 6, source="ner")
    per = _e("PERSON", 0, 2)
    assert merge_entities([[per], [loc]]) == [loc]


def test_merge_keeps_disjoint_in_text_order() -> None:
    a, b = _e("PERSON", 8, 10), _e("PHONE", 0, 11 - 5)
    assert merge_entities([[a, b]]) == [b, a]


def test_merge_drops_empty_spans() -> None:
    assert merge_entities([[_e("PERSON", 3, 3)]]) == []
