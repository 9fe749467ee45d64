"""Shared context and helpers for the rule-based entity finders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from clue_miner.text.charmap import CharMap

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII forms -> ASCII
_HALF = CharMap(_WIDTH)
_HALF_SPACE = CharMap(_WIDTH | {0x3000: 0x20})
_FULL = re.compile("[\uff01-\uff5e]")
_FULL_SPACE = re.compile("[\uff01-\uff5e\u3000]")


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule may know besides the text: the anchor for relative dates."""

    received_at: datetime | None = None


def half_width(text: str, space: bool = False) -> str:
    """``text`` with full-width ASCII forms as ASCII (王某１, 张ＸＸ, １３８…), one character for one
    (offsets kept); ``space``: the ideographic space as a space too."""
    if space:
        return _HALF_SPACE(text) if _FULL_SPACE.search(text) else text
    return _HALF(text) if _FULL.search(text) else text
