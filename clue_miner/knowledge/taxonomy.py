"""The charge taxonomy: criminal charges and administrative causes, loaded from ``charges.json``.

``charges.json`` is built by ``training/build_taxonomy.py`` (statute + CAIL names + the curated
``offence_cues.json`` and ``admin_causes.json``). Loading parses JSON only (no pickle) and is
cached once per process and path.

Canonical names follow DESIGN.md: the CAIL2018 name for the 202 CAIL charges, the statute's
``【…罪】`` tag (without 罪) for the others, the 治安管理处罚法 cause for administrative matters.
Some names exist in both kinds (盗窃, 诈骗, 赌博 …): the amount or injury decides, later.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("charges.json")

CRIMINAL = "criminal"
ADMINISTRATIVE = "administrative"

# Written-form noise stripped before lookup (police fields: 涉嫌盗窃案, 【诈骗罪】, 盗窃一案 …).
_DROP = re.compile(r"[\s\[\]【】《》“”\"'‘’]+")
_PREFIXES = ("涉嫌", "被控", "犯有", "犯", "以", "因")
_SUFFIXES = ("违法行为", "犯罪嫌疑", "嫌疑", "一案", "案件", "案", "犯罪", "罪", "行为")
_WIDTH = str.maketrans({"（": "(", "）": ")", "，": "、", ",": "、", "；": "、", ";": "、", "/": "、"})


@dataclass(frozen=True, slots=True)
class ChargeInfo:
    """One criminal charge or administrative cause."""

    name: str
    kind: str  # "criminal" | "administrative"
    family: str
    article: int | None = None
    article_ref: str | None = None
    in_cail: bool = False
    aliases: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    medium_cues: tuple[str, ...] = ()
    weak_cues: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()
    parent: str | None = None
    absorbs: tuple[str, ...] = ()
    private_prosecution: bool = False
    escalates_to: tuple[str, ...] = ()
    superseded_by: str | None = None
    law: str = "刑法"

    @classmethod
    def from_json(cls, name: str, d: dict[str, Any]) -> ChargeInfo:
        return cls(
            name=name,
            kind=d.get("kind", CRIMINAL),
            family=d.get("family", "other"),
            article=d.get("article"),
            article_ref=d.get("article_ref"),
            in_cail=bool(d.get("in_cail", False)),
            aliases=tuple(d.get("aliases", ())),
            cues=tuple(d.get("cues", ())),
            medium_cues=tuple(d.get("medium_cues", ())),
            weak_cues=tuple(d.get("weak_cues", ())),
            elements=tuple(d.get("elements", ())),
            parent=d.get("parent"),
            absorbs=tuple(d.get("absorbs", ())),
            private_prosecution=bool(d.get("private_prosecution", False)),
            escalates_to=tuple(d.get("escalates_to", ())),
            superseded_by=d.get("superseded_by"),
            law=d.get("law", "刑法"),
        )


class Taxonomy:
    """Lookup over charges and administrative causes."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: int = int(data.get("version", 1))
        self.families: tuple[str, ...] = tuple(data.get("families", ()))
        # phrases that contain a cue but mean something else (道德绑架, 被打扰): matched, then ignored
        self.blockers: tuple[str, ...] = tuple(data.get("blockers", ()))
        self._criminal = {n: ChargeInfo.from_json(n, d) for n, d in data["charges"].items()}
        self._admin = {n: ChargeInfo.from_json(n, d) for n, d in data.get("admin_causes", {}).items()}
        self.names: tuple[str, ...] = tuple(sorted(set(self._criminal) | set(self._admin)))
        self.criminal_names: tuple[str, ...] = tuple(sorted(self._criminal))
        self.admin_names: tuple[str, ...] = tuple(sorted(self._admin))
        self._lookup: dict[str, str] = {}
        for entries in (self._admin, self._criminal):  # criminal aliases win over admin ones
            for name, info in entries.items():
                for alias in info.aliases:
                    self._lookup[self._key(alias)] = name
        for name in self.names:
            self._lookup[self._key(name)] = name
        self._by_length = sorted(self._lookup, key=len, reverse=True)
        self._canonical = lru_cache(maxsize=65536)(self._canonical_uncached)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self._criminal or name in self._admin

    def __repr__(self) -> str:
        return f"Taxonomy({len(self._criminal)} charges, {len(self._admin)} administrative causes)"

    @staticmethod
    def _key(text: str) -> str:
        return _DROP.sub("", text.translate(_WIDTH))

    def entries(self, kind: str | None = None) -> list[ChargeInfo]:
        """All entries (criminal first), optionally of one kind."""
        out: list[ChargeInfo] = []
        if kind in (None, CRIMINAL):
            out += [self._criminal[n] for n in self.criminal_names]
        if kind in (None, ADMINISTRATIVE):
            out += [self._admin[n] for n in self.admin_names]
        return out

    def admin_causes(self) -> tuple[str, ...]:
        """Names of the administrative causes (治安管理处罚法)."""
        return self.admin_names

    def get(self, name: str, kind: str | None = None) -> ChargeInfo | None:
        """The entry for a canonical name; the criminal one when the name has both kinds."""
        if kind != ADMINISTRATIVE and name in self._criminal:
            return self._criminal[name]
        if kind != CRIMINAL and name in self._admin:
            return self._admin[name]
        return None

    def canonical(self, text: str | None) -> str | None:
        """Map a written form (盗窃案, 诈骗罪, 电信诈骗, 醉驾, ``[走私、贩卖、运输、制造]毒品``) to a name."""
        if not text:
            return None
        return self._canonical(text)

    def _canonical_uncached(self, text: str) -> str | None:
        key = self._key(text)
        if not key:
            return None
        hit = self._lookup.get(key)
        if hit:
            return hit
        stripped = self._strip(key)
        hit = self._lookup.get(stripped)
        if hit:
            return hit
        if "、" in stripped:  # several charges in one field: the first one that is known
            for part in stripped.split("、"):
                hit = self._lookup.get(self._strip(part))
                if hit:
                    return hit
        if len(stripped) <= 30:  # 张某盗窃电动车案: the longest known form inside
            for form in self._by_length:
                if len(form) >= 2 and form in stripped:
                    return self._lookup[form]
        return None

    @staticmethod
    def _strip(key: str) -> str:
        changed = True
        while changed and key:
            changed = False
            for p in _PREFIXES:
                if key.startswith(p) and len(key) > len(p) + 1:
                    key, changed = key[len(p):], True
            for s in _SUFFIXES:
                if key.endswith(s) and len(key) > len(s) + 1:
                    key, changed = key[: -len(s)], True
        return key

    def _resolve(self, name: str) -> ChargeInfo:
        info = self.get(name)
        if info is None:
            canon = self.canonical(name)
            info = self.get(canon) if canon else None
        if info is None:
            raise KeyError(f"unknown charge or cause: {name!r}")
        return info

    def family(self, name: str) -> str:
        """Coarse group used for linking (theft, fraud, assault …)."""
        return self._resolve(name).family

    def kind(self, name: str) -> str:
        """``criminal`` when the name is a criminal charge, else ``administrative``."""
        return self._resolve(name).kind

    def escalations(self, name: str) -> tuple[str, ...]:
        """Criminal charges an administrative cause may reach, primary first."""
        info = self.get(name, ADMINISTRATIVE)
        if info is None:
            canon = self.canonical(name)
            info = self.get(canon, ADMINISTRATIVE) if canon else None
        return info.escalates_to if info else ()

    def escalates_to(self, admin_name: str) -> str | None:
        """The criminal charge an administrative cause escalates to (殴打他人 -> 故意伤害)."""
        esc = self.escalations(admin_name)
        return esc[0] if esc else None

    def private_prosecution(self, name: str) -> bool:
        """告诉才处理 offences (侮辱, 诽谤, 暴力干涉婚姻自由, 虐待, 侵占)."""
        info = self.get(name, CRIMINAL)
        if info is None:
            canon = self.canonical(name)
            info = self.get(canon, CRIMINAL) if canon else None
        return bool(info and info.private_prosecution)


@lru_cache(maxsize=4)
def _load(path: str) -> Taxonomy:
    with open(path, encoding="utf-8") as fh:
        return Taxonomy(json.load(fh))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load (once per process and path) the taxonomy from ``charges.json``."""
    return _load(str(Path(path) if path else DEFAULT_PATH))
