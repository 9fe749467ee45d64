"""Who is the suspect? Keys that tie several complaints to one suspect, and a union-find over them."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable

from clue_miner.types import Complaint, Extraction

# An identifier right after these words belongs to the complainant, not to the suspect.
_OWN = re.compile(r"(?:我的|本人|我|联系|回电|来电)(?:的)?(?:电话|手机|号码|手机号|联系方式|身份证号?|卡号?|银行卡)?[:：是为]?\s*$")
_IDENT_LABELS = ("PHONE", "ID_NUMBER", "BANK_CARD", "ACCOUNT", "PLATE")


def suspect_keys(complaint: Complaint, ext: Extraction, family: str | None) -> set[str]:
    """Keys naming the suspect: their identifiers, or their full name within an offence family.

    Partial names (张某) are too common to group on; identifiers of the complainant (their own
    phone, the phone in the complainant column) are left out.
    """
    keys: set[str] = set()
    own_phone = "".join(ch for ch in (complaint.complainant_phone or "") if ch.isdigit())
    own_name = (complaint.complainant or "").strip()
    text = ext.text
    for ent in ext.entities:
        if ent.label in _IDENT_LABELS:
            value = ent.value
            if not value or (ent.label == "PHONE" and value == own_phone):
                continue
            if _OWN.search(text[max(0, ent.start - 10):ent.start]):
                continue
            keys.add(f"{ent.label}:{value}")
        elif ent.label == "PERSON":
            role = ent.attrs.get("role")
            if role != "suspect" or ent.attrs.get("partial"):
                continue
            name = str(ent.value or ent.text)
            if len(name) >= 2 and name != own_name and family:
                keys.add(f"NAME:{family}:{name}")
    return keys


class UnionFind:
    def __init__(self) -> None:
        self._parent: dict[Hashable, Hashable] = {}

    def find(self, x: Hashable) -> Hashable:
        root = self._parent.setdefault(x, x)
        while root != self._parent[root]:
            root = self._parent[root]
        while x != root:  # path compression
            self._parent[x], x = root, self._parent[x]
        return root

    def union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[rb] = ra

    def groups(self, items: Iterable[Hashable]) -> dict[Hashable, list[Hashable]]:
        out: dict[Hashable, list[Hashable]] = {}
        for item in items:
            out.setdefault(self.find(item), []).append(item)
        return out
