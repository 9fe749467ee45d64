"""clue_miner: supervision clues (立案监督) from Chinese complaints and police case records.

Public API: ``extract``, ``extract_many``, ``load``, ``mine``, ``spacy_pipeline``. Models load
lazily, once per process, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Bound eagerly: the subpackage ``clue_miner.extract`` would otherwise shadow the function.
from clue_miner.api import extract, extract_many, load  # noqa: E402

__all__ = ["extract", "extract_many", "load", "mine", "spacy_pipeline", "__version__"]

if TYPE_CHECKING:
    from clue_miner.mine import mine
    from clue_miner.spacy_components import spacy_pipeline


def __getattr__(name: str) -> Any:
    if name == "mine":
        from clue_miner.mine import mine

        return mine
    if name == "spacy_pipeline":  # spaCy is imported only when asked for
        from clue_miner.spacy_components import spacy_pipeline

        return spacy_pipeline
    raise AttributeError(f"module 'clue_miner' has no attribute {name!r}")
