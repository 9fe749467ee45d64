"""The one seam between the linker and the charge taxonomy (``clue_miner.knowledge.taxonomy``).

While that module is missing or fails to load, offences are canonicalised by stripping 涉嫌, brackets
and a trailing 罪/案/案件, and each name is its own family.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

_BRACKETS = re.compile(r"[\s\[\]【】()（）]")
_SUFFIX = re.compile(r"(?:案件|案|罪)$")


@lru_cache(maxsize=1)
def _taxonomy() -> Any | None:
    try:
        from clue_miner.knowledge.taxonomy import load_taxonomy
    except ImportError:
        logger.debug("knowledge.taxonomy not importable; offence names are only stripped")
        return None
    try:
        return load_taxonomy()
    except Exception as err:  # the taxonomy is built elsewhere; never let it stop linking
        logger.warning("charge taxonomy failed to load (%s); offence names are only stripped", err)
        return None


def _strip(text: str) -> str:
    cleaned = _BRACKETS.sub("", text)
    if cleaned.startswith("涉嫌"):
        cleaned = cleaned[2:]
    return _SUFFIX.sub("", cleaned)


@lru_cache(maxsize=65536)
def canonical_offence(text: str | None) -> str | None:
    """Canonical charge or cause name of ``text`` (诈骗案 -> 诈骗), None for empty text."""
    if not text or not isinstance(text, str) or not text.strip():
        return None
    tax = _taxonomy()
    if tax is not None:
        try:
            name = tax.canonical(text.strip())
        except Exception:
            name = None
        if name:
            return name
    return _strip(text) or None


@lru_cache(maxsize=65536)
def offence_family(name: str) -> str:
    """Family of a canonical name (诈骗, 合同诈骗 -> fraud); the name itself when unknown."""
    tax = _taxonomy()
    if tax is not None:
        try:
            family = tax.family(name)
        except Exception:
            family = None
        if family:
            return str(family)
    return name


def reset_cache() -> None:
    """Forget the loaded taxonomy (tests, or after the data files changed)."""
    _taxonomy.cache_clear()
    canonical_offence.cache_clear()
    offence_family.cache_clear()
