"""clue_miner: supervision clues (立案监督) from Chinese complaints and police case records."""

from __future__ import annotations

__version__ = "0.1.0"
