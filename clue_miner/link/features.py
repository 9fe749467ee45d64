"""Feature tables of both sides, in one shape so that the same SQL prepares them.

Each side becomes three Arrow tables (``SideTables``):
- ``main``:  _id (int32, position), ext_id (complaint id / case id), iday (int32 days since
  1970-01-01 of the event: complaint incident date; case accepted else filed else status date),
  rday (complaint received date; NULL for cases), eday (case incident date read from its
  summary; NULL for complaints), amount (yuan), location (cleaned text), region, text (for the
  text similarity, ``textsim``: the complaint's text with the entities that other comparisons
  weigh blanked out; the case's summary + location + suspects + victims + offence; optional:
  tables without it are linked without text evidence)
- ``items``: _id, kind, value — list-valued fields in long form; kinds: phone (all), s_phone /
  v_phone (suspect / victim side phones), masked / s_masked / v_masked (masked mobiles 138*1234:
  as given by complaints, derived from full mobiles on the case side), id, account (bank
  cards, WeChat/QQ/Alipay), plate, offence, family, area (region, district), street (town, road), site (estate, building, market, village)
- ``names``: _id, role ('s' suspect side, 'v' victim side), name, partial, surname, py (pinyin)

The complaint side (here) loops over records, one pass, no pairs; the case side
(``case_features``) works on columns. A missing region is taken from the place text (西湖区 …).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from clue_miner.errors import InputError
from clue_miner.link.names import (
    clean_location,
    masked_phone,
    normalize_account,
    normalize_id,
    normalize_phone,
    normalize_plate,
    parse_name,
    place_sites,
    place_tokens,
)
from clue_miner.link.taxonomy import canonical_offence, offence_family
from clue_miner.types import Complaint, Extraction

if TYPE_CHECKING:
    import pyarrow as pa

logger = logging.getLogger(__name__)

SummaryExtractor = Callable[[list[str]], list[Extraction]]
ITEM_KINDS = ("phone", "s_phone", "v_phone", "masked", "s_masked", "v_masked", "id", "plate", "account",
              "offence", "family", "area", "street", "site")
# Person roles -> name lists compared with the case's suspects ('s') and victims ('v').
# Unknown roles go to both; witnesses and officers are ignored.
ROLE_SIDES: dict[str | None, tuple[str, ...]] = {
    "suspect": ("s",),
    "victim": ("v",),
    "complainant": ("v",),
    "other": ("s", "v"),
    None: ("s", "v"),
    "witness": (),
    "officer": (),
}
_EPOCH = date(1970, 1, 1)
# Entities blanked out of the complaint's text before the text similarity: other comparisons
# weigh them (names, phones, IDs, accounts, plates, amounts, dates), and counting them twice
# would let a shared name link a complaint about something else ("我叫杨玉兰，小区路灯坏了" to
# the case of victim 杨玉兰). What extraction missed stays, so the text still finds it; so do
# witnesses and officers (not compared). Places stay too: where the story happened is part of it
# (blanking them cost 2 points of recall on the tuning archives for 0.3 point of precision).
TEXT_MASKED = frozenset({"PERSON", "PHONE", "ID_NUMBER", "BANK_CARD", "ACCOUNT", "PLATE", "MONEY", "TIME"})


def masked_text(text: str, entities: Sequence[Any], labels: frozenset[str] = TEXT_MASKED) -> str:
    """``text`` with the spans of the entities of ``labels`` replaced by spaces (persons only
    when their role is compared)."""
    spans = sorted((e.start, e.end) for e in entities if e.label in labels and 0 <= e.start < e.end <= len(text)
                   and (e.label != "PERSON" or ROLE_SIDES.get(e.attrs.get("role"), ("s", "v"))))
    if not spans:
        return text
    out, pos = [], 0
    for start, end in spans:
        if end <= pos:
            continue
        out.append(text[pos:max(pos, start)])
        out.append(" ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class SideTables:
    main: pa.Table
    items: pa.Table
    names: pa.Table

    @classmethod
    def concat(cls, parts: Sequence[SideTables]) -> SideTables:
        """One side from chunks whose ``_id`` already count on from each other."""
        import pyarrow as pa

        if not parts:
            main, items, names = _schemas()
            return cls(main.empty_table(), items.empty_table(), names.empty_table())
        if len(parts) == 1:
            return parts[0]
        return cls(pa.concat_tables([p.main for p in parts]).combine_chunks(),
                   pa.concat_tables([p.items for p in parts]).combine_chunks(),
                   pa.concat_tables([p.names for p in parts]).combine_chunks())

    @property
    def rows(self) -> int:
        return self.main.num_rows

    def texts(self) -> list[str | None] | None:
        """The ``text`` column (None when the table has none)."""
        if "text" not in self.main.column_names:
            return None
        return self.main.column("text").to_pylist()


def _schemas() -> tuple[pa.Schema, pa.Schema, pa.Schema]:
    import pyarrow as pa

    main = pa.schema([("_id", pa.int32()), ("ext_id", pa.string()), ("iday", pa.int32()),
                      ("rday", pa.int32()), ("eday", pa.int32()),
                      ("amount", pa.float64()), ("location", pa.string()), ("region", pa.string()),
                      ("text", pa.string())])
    items = pa.schema([("_id", pa.int32()), ("kind", pa.string()), ("value", pa.string())])
    names = pa.schema([("_id", pa.int32()), ("role", pa.string()), ("name", pa.string()),
                       ("partial", pa.bool_()), ("surname", pa.string()), ("py", pa.string())])
    return main, items, names


def _day(value: date | datetime | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    return (value - _EPOCH).days


def _offence_items(names: Sequence[str | None]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for raw in names:
        canon = canonical_offence(raw)
        if canon:
            out.append(("offence", canon))
            out.append(("family", offence_family(canon)))
    return out


def _clean_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def complaint_tables(complaints: Sequence[Complaint], extractions: Sequence[Extraction], offset: int = 0
                     ) -> SideTables:
    """Feature tables of the complaints (``extractions[i]`` belongs to ``complaints[i]``); ``_id``
    counts from ``offset`` (a chunk of a longer archive: rows have no state across them, so the
    chunks' tables concatenated equal the whole archive's)."""
    import pyarrow as pa

    if len(complaints) != len(extractions):
        raise InputError(
            f"{len(complaints)} complaints but {len(extractions)} extractions", code="length_mismatch"
        )
    main: dict[str, list[Any]] = {k: [] for k in ("_id", "ext_id", "iday", "rday", "eday", "amount", "location", "region",
                                                  "text")}
    items: dict[str, list[Any]] = {"_id": [], "kind": [], "value": []}
    names: dict[str, list[Any]] = {k: [] for k in ("_id", "role", "name", "partial", "surname", "py")}

    def add_item(i: int, kind: str, value: str | None) -> None:
        if value:
            items["_id"].append(i)
            items["kind"].append(kind)
            items["value"].append(value)

    def add_name(i: int, raw: Any, role: str | None, attrs: dict[str, Any]) -> None:
        info = parse_name(str(raw), attrs.get("partial"), attrs.get("surname"))
        if info is None:
            return
        for side in ROLE_SIDES.get(role, ("s", "v")):
            names["_id"].append(i)
            names["role"].append(side)
            names["name"].append(info.name)
            names["partial"].append(info.partial)
            names["surname"].append(info.surname)
            names["py"].append(info.pinyin)

    for i, (comp, ex) in enumerate(zip(complaints, extractions, strict=True), start=offset):
        locations: list[str] = []
        for ent in ex.entities:
            label = ent.label
            if label == "PHONE":
                masked = masked_phone(ent.text) or masked_phone(ent.value)
                add_item(i, "masked", masked)
                if not masked:
                    add_item(i, "phone", normalize_phone(ent.value or ent.text))
            elif label == "ID_NUMBER":
                add_item(i, "id", normalize_id(ent.value or ent.text))
            elif label == "PLATE":
                add_item(i, "plate", normalize_plate(ent.value or ent.text))
            elif label in ("BANK_CARD", "ACCOUNT"):
                add_item(i, "account", normalize_account(ent.value or ent.text))
            elif label == "PERSON":
                add_name(i, ent.value or ent.text, ent.attrs.get("role"), ent.attrs)
            elif label == "LOCATION":
                locations.append(ent.text)
        for raw in (comp.complainant_phone or "").split(";"):
            masked = masked_phone(raw)
            own = None if masked else normalize_phone(raw)
            add_item(i, "masked", masked)
            add_item(i, "phone", own)
            add_item(i, "v_phone", own)
        if comp.complainant:
            add_name(i, comp.complainant, "complainant", {})
        for kind, value in _offence_items([o.name for o in ex.offences]):
            add_item(i, kind, value)
        region = _clean_text(comp.region)
        location = " ".join(locations) or None
        areas, streets = place_tokens(region, location)
        region = region or (areas[0] if areas else None)
        for token in areas:
            add_item(i, "area", token)
        for token in streets:
            add_item(i, "street", token)
        for token in place_sites(streets):
            add_item(i, "site", token)
        received = comp.received_at or ex.received_at
        main["_id"].append(i)
        main["ext_id"].append(comp.id)
        main["iday"].append(_day(ex.facts.incident_date))
        main["rday"].append(_day(received))
        main["eday"].append(None)
        main["amount"].append(ex.facts.amount)
        main["location"].append(clean_location(location))
        main["region"].append(region)
        main["text"].append(masked_text(comp.text, ex.entities) or None)

    s_main, s_items, s_names = _schemas()
    return SideTables(
        main=pa.Table.from_pydict(main, schema=s_main),
        items=pa.Table.from_pydict(items, schema=s_items),
        names=pa.Table.from_pydict(names, schema=s_names),
    )
