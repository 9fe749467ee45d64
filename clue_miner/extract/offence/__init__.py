"""Offences in a text: ``rules`` (the cue patterns of the taxonomy), ``scorer`` (character n-gram
scores per charge), ``stack`` (the stacker over rule and model features) and ``model`` (the shipped
linear offence model that combines them). The rule detector's names are re-exported here."""

from clue_miner.extract.offence.rules import (
    LABEL,
    PATTERNS_PATH,
    OffenceCandidate,
    OffenceRules,
    expand_macros,
    load_patterns,
)

__all__ = ["LABEL", "PATTERNS_PATH", "OffenceCandidate", "OffenceRules", "expand_macros", "load_patterns"]
