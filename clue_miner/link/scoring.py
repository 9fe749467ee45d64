"""Fellegi–Sunter arithmetic (splink's): Bayes factors, match weights, probabilities, u estimates.

The SQL in ``sql.py`` computes the same numbers for every candidate pair; these functions are the
reference (tests, explanations) and turn random-pair gamma counts into u values.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence

from clue_miner.link.comparisons import Comparison

logger = logging.getLogger(__name__)


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


def u_from_counts(comparisons: Sequence[Comparison], counts: Mapping[str, Mapping[int, int]],
                  min_pairs: int = 1000, min_count: int = 10) -> tuple[Comparison, ...]:
    """New comparisons whose u are the level frequencies among random pairs (splink's estimate_u).

    ``counts[comparison][gamma]`` counts random pairs per level (gamma -1 = null, ignored). A level
    seen fewer than ``min_count`` times keeps its hand-set u (absence in a sample is weak evidence
    and would give it an extreme weight); so does every level of a comparison with fewer than
    ``min_pairs`` non-null pairs.
    """
    return _from_counts(comparisons, counts, "u", min_pairs, min_count)


def m_from_counts(comparisons: Sequence[Comparison], counts: Mapping[str, Mapping[int, int]],
                  min_pairs: int = 50, min_count: int = 3) -> tuple[Comparison, ...]:
    """New comparisons whose m are the level frequencies among known matches (splink's
    estimate_m_from_pairwise_labels); same rules for rare levels as ``u_from_counts``."""
    return _from_counts(comparisons, counts, "m", min_pairs, min_count)


def _from_counts(comparisons: Sequence[Comparison], counts: Mapping[str, Mapping[int, int]], which: str,
                 min_pairs: int, min_count: int) -> tuple[Comparison, ...]:
    out = []
    for comp in comparisons:
        by_gamma = counts.get(comp.name, {})
        total = sum(n for g, n in by_gamma.items() if g >= 0)
        if total < min_pairs:
            logger.info("estimate %s: %s has %d non-null pairs; kept", which, comp.name, total)
            out.append(comp)
            continue
        values: dict[str, float] = {}
        for gamma, level in enumerate(comp.scored_levels):
            seen = by_gamma.get(gamma, 0)
            if seen >= min_count:
                values[level.name] = seen / total
            else:
                logger.info("estimate %s: %s.%s seen %d times in %d pairs; kept", which, comp.name,
                            level.name, seen, total)
        out.append(comp.with_u(values) if which == "u" else comp.with_m(values))
    return tuple(out)
