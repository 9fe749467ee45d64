"""clue_miner: supervision clues (立案监督) from Chinese complaints and police case records.

Public API: ``extract``, ``extract_many``, ``load``, ``mine``. Heavy parts load lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["extract", "extract_many", "load", "mine", "__version__"]

if TYPE_CHECKING:
    from clue_miner.api import extract, extract_many, load
    from clue_miner.mine import mine


def __getattr__(name: str) -> Any:
    if name in ("extract", "extract_many", "load"):
        from clue_miner import api

        return getattr(api, name)
    if name == "mine":
        from clue_miner.mine import mine

        return mine
    raise AttributeError(f"module 'clue_miner' has no attribute {name!r}")
