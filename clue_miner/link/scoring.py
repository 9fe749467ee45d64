"""Fellegi–Sunter arithmetic: match weights, probabilities, explanations.

Splink computes these numbers for every candidate pair (``splink_model``); these functions are
the reference the tests hold its output to, and explain a pair from its levels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from clue_miner.link.comparisons import Comparison


def probability(weight: float) -> float:
    """2^w / (1 + 2^w), written to stay finite for large |w|."""
    if weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-weight))
    odds = 2.0**weight
    return odds / (1.0 + odds)


def weight_of(probability_: float) -> float:
    """Inverse of ``probability``: log2 odds."""
    return math.log2(probability_ / (1.0 - probability_))


def match_weight(comparisons: Sequence[Comparison], gammas: Mapping[str, int], prior_weight: float) -> float:
    """log2 prior odds + sum of the level weights a pair lands in (gamma -1 = null = 0 bits)."""
    total = prior_weight
    for comp in comparisons:
        gamma = gammas.get(comp.name, -1)
        if gamma >= 0:
            total += comp.scored_levels[gamma].weight
    return total


def explain(comparisons: Sequence[Comparison], gammas: Mapping[str, int]) -> dict[str, tuple[str, float]]:
    """{comparison: (level name, weight in bits)} for the comparisons that are not null."""
    out: dict[str, tuple[str, float]] = {}
    for comp in comparisons:
        gamma = gammas.get(comp.name, -1)
        if gamma >= 0:
            level = comp.scored_levels[gamma]
            out[comp.name] = (level.name, round(level.weight, 3))
    return out
