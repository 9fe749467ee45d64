"""Masking of phones, ID numbers and bank cards for lists and exports (the clue page shows them whole)."""

from __future__ import annotations

import re

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[0-9Xx]|\d{1})(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{4}(\d{3,4})(?!\d)")


def mask(text: str | None) -> str:
    """``text`` with identity numbers, card numbers and phone numbers starred out (lengths kept)."""
    if not text:
        return ""
    out = _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + "*" * (len(m.group(3)) - 1) + m.group(3)[-1], text)
    out = _CARD.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 8) + m.group(2), out)
    out = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), out)
    return _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(2), out)
