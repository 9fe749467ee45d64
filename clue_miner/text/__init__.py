"""Text layer: normalisation (with offsets back to the original), numerals, money, dates and
word segmentation.

Submodules are imported on first use of a name below, so ``import clue_miner.text`` stays cheap
(jieba, zhconv and cn2an load only when something needs them).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "NormText": "normalize",
    "normalize": "normalize",
    "parse_number": "numerals",
    "MoneyMatch": "money",
    "MoneyValue": "money",
    "find_money": "money",
    "parse_money": "money",
    "TimeMatch": "dates",
    "find_times": "dates",
    "parse_datetime": "datecells",
    "Segmenter": "segment",
    "get_segmenter": "segment",
    "plain_cut": "segment",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
