"""Masking of phones, ID numbers and bank cards for lists and exports (the clue page shows them whole)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[0-9Xx]|\d{1})(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)([ \-\u3000]?)\d{4}([ \-\u3000]?)(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{4}(\d{3,4})(?!\d)")


SENSITIVE = frozenset({"PHONE", "ID_NUMBER", "BANK_CARD"})


def _star(piece: str) -> str:
    """Digits and letters between the first three and the last four characters starred."""
    if len(piece) <= 7:
        return "*" * len(piece)
    return piece[:3] + "".join("*" if c.isalnum() else c for c in piece[3:-4]) + piece[-4:]


def mask(text: str | None, entities: Iterable[Mapping[str, Any]] = ()) -> str:
    """``text`` with identity numbers, card numbers and phone numbers starred out (lengths kept):
    the PHONE / ID_NUMBER / BANK_CARD spans of its extraction (``entities``: dicts with label,
    start, end), then whatever the patterns below still find."""
    if not text:
        return ""
    chars = list(text)
    for ent in entities:
        start, end = int(ent.get("start", 0)), int(ent.get("end", 0))
        if ent.get("label") in SENSITIVE and 0 <= start < end <= len(chars):
            chars[start:end] = list(_star(text[start:end]))
    out = _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + "*" * (len(m.group(3)) - 1) + m.group(3)[-1],
                  "".join(chars))
    out = _CARD.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 8) + m.group(2), out)
    out = _PHONE.sub(lambda m: m.group(1) + m.group(2) + "****" + m.group(3) + m.group(4), out)
    return _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(2), out)
