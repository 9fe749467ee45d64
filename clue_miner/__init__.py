"""clue_miner: supervision clues (立案监督) from Chinese complaints and police case records.

Public API: ``extract``, ``extract_many``, ``load``, ``mine``. Models load lazily, once per
process, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Bound eagerly: the subpackage ``clue_miner.extract`` would otherwise shadow the function.
from clue_miner.api import extract, extract_many, load  # noqa: E402

__all__ = ["extract", "extract_many", "load", "mine", "__version__"]

if TYPE_CHECKING:
    from clue_miner.mine import mine


def __getattr__(name: str) -> Any:
    if name == "mine":
        from clue_miner.mine import mine

        return mine
    raise AttributeError(f"module 'clue_miner' has no attribute {name!r}")
