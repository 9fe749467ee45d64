"""Shared context for the rule-based entity finders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule may know besides the text: the anchor for relative dates."""

    received_at: datetime | None = None
