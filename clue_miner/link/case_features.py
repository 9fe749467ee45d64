"""Feature tables of the case records (see ``features`` for the shape), built column-wise.

Beyond the table's own columns, the summary (简要案情) is read by ``summary_extractor``
(default: ``names.regex_summary_extractor``): its phones, ID numbers and plates join the case's,
its PERSON entities join the suspects / victims by role, and its earliest date (the incident,
"2019年12月4日15时许 …") becomes ``eday``, compared with the complaint's incident date besides the
accepted date.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from os import PathLike
from typing import TYPE_CHECKING, Any

from clue_miner.errors import InputError
from clue_miner.link.features import (
    ROLE_SIDES,
    SideTables,
    SummaryExtractor,
    _clean_text,
    _schemas,
)
from clue_miner.link.names import (
    clean_location,
    mask_of,
    normalize_account,
    normalize_id,
    normalize_phone,
    normalize_plate,
    parse_name,
    place_sites,
    place_tokens,
    regex_summary_extractor,
)
from clue_miner.link.taxonomy import canonical_offence, offence_family
from clue_miner.types import CaseRecord

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

_SPLIT = re.compile(r"[;；,，、|/]")
_EPOCH = date(1970, 1, 1)
_IDENTIFIERS = {"PHONE": ("phone", normalize_phone), "ID_NUMBER": ("id", normalize_id),
                "PLATE": ("plate", normalize_plate), "BANK_CARD": ("account", normalize_account),
                "ACCOUNT": ("account", normalize_account)}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in _SPLIT.split(value) if p.strip()]
    if isinstance(value, float):
        return []
    if hasattr(value, "__iter__"):
        return [str(v).strip() for v in value if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return [str(value)]


def _explode(series: pd.Series) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    exploded = series.map(_as_list).explode().dropna()
    exploded = exploded[exploded.astype(str).str.len() > 0]
    return pd.DataFrame({"_id": exploded.index.to_numpy(dtype=np.int32), "value": exploded.astype(str).to_numpy()})


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Days since 1970-01-01 of the first non-missing date among ``columns`` (Int32, NA)."""
    import pandas as pd

    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    for col in columns:
        if col not in frame.columns:
            continue
        s = frame[col]
        if not pd.api.types.is_datetime64_any_dtype(s):
            s = pd.to_datetime(s, errors="coerce", format="mixed")
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        out = out.fillna(s.astype("datetime64[us]"))
    days = (out.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
    return days.astype("Int32")


def cases_frame_of(cases: Any) -> pd.DataFrame:
    """The case table as a DataFrame: the canonical frame, ``io.read_cases``' CaseTable (its
    ``frame``), a list of CaseRecord, or a path (read with ``io.read_cases``; its rejected rows are
    only counted in a warning here, callers that report them should read the file themselves)."""
    import pandas as pd

    if isinstance(cases, (str, PathLike)):
        from clue_miner.io.cases import read_cases

        table = read_cases(cases)
        if table.rejected:
            logger.warning("%d case rows rejected while reading the case table", len(table.rejected))
        cases = table.frame
    elif isinstance(getattr(cases, "frame", None), pd.DataFrame):
        cases = cases.frame
    if isinstance(cases, pd.DataFrame):
        frame = cases
    elif isinstance(cases, Sequence) and all(isinstance(c, CaseRecord) for c in cases):
        frame = pd.DataFrame([asdict(c) for c in cases]) if cases else pd.DataFrame({"case_id": []})
    else:
        raise InputError("cases must be a DataFrame from io.read_cases or a list of CaseRecord", code="bad_cases")
    if "case_id" not in frame.columns:
        raise InputError("case table has no case_id column", code="missing_column")
    return frame.reset_index(drop=True)


def case_tables(cases: Any, summary_extractor: SummaryExtractor | None = None) -> SideTables:
    """Feature tables of the case records (see ``cases_frame_of`` for what ``cases`` may be)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    frame = cases_frame_of(cases)
    n = len(frame)

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series([None] * n, index=frame.index, dtype=object)

    def text_col(name: str) -> pd.Series:
        s = col(name).astype(object)
        return s.where(s.notna(), None).map(_clean_text)

    location = text_col("location")
    places = [place_tokens(r, loc) for r, loc in zip(text_col("region"), location, strict=True)]
    # a case table without a region column still has one in its location (G市G2区迎宾大道 …)
    region = text_col("region").combine(pd.Series([p[0][0] if p[0] else None for p in places], index=frame.index),
                                        lambda given, derived: given or derived)
    iday = _dates(frame, ("accepted_at", "filed_at", "status_at"))
    parts: list[pd.DataFrame] = []
    for kinds, name, norm in ((("phone", "s_phone"), "suspect_phones", normalize_phone),
                              (("phone", "v_phone"), "victim_phones", normalize_phone),
                              (("id",), "suspect_ids", normalize_id)):
        long = _explode(col(name))
        long["value"] = long["value"].map(norm)
        parts.extend(long.assign(kind=kind) for kind in kinds)
        if kinds[0] == "phone":  # masked keys, to meet complaints that give 138****1234
            masks = long.assign(value=long["value"].map(lambda v: mask_of(v) if isinstance(v, str) else None))
            parts.extend(masks.assign(kind=kind) for kind in ("masked", kinds[1].replace("phone", "masked")))
    offence = text_col("offence")
    uniq = {v: canonical_offence(v) for v in offence.dropna().unique()}
    canon = offence.map(lambda v: uniq.get(v) if v is not None else None)
    ids = np.arange(n, dtype=np.int32)
    parts.append(pd.DataFrame({"_id": ids, "value": canon, "kind": "offence"}))
    fam = {v: offence_family(v) for v in canon.dropna().unique()}
    parts.append(pd.DataFrame({"_id": ids, "value": canon.map(lambda v: fam.get(v)), "kind": "family"}))
    for i, kind in enumerate(("area", "street")):
        tokens = pd.Series([p[i] for p in places], index=frame.index, dtype=object)
        parts.append(_explode(tokens).assign(kind=kind))
    sites = pd.Series([place_sites(p[1]) for p in places], index=frame.index, dtype=object)
    parts.append(_explode(sites).assign(kind="site"))

    name_parts = [_explode(col("suspects")).assign(role="s"), _explode(col("victims")).assign(role="v")]
    summary_items, summary_names, eday = _summary_features(text_col("summary"), iday, summary_extractor)
    parts.extend(summary_items)
    name_parts.extend(summary_names)

    main = pd.DataFrame({
        "_id": ids,
        "ext_id": frame["case_id"].astype(str).to_numpy(),
        "iday": iday,
        "rday": pd.array([None] * n, dtype="Int32"),
        "eday": eday,
        "amount": pd.to_numeric(col("amount"), errors="coerce").astype("float64"),
        "location": location.map(clean_location),
        "region": region,
        "text": _case_texts([col(c) for c in ("summary", "location", "suspects", "victims", "offence")]),
    })
    items = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    items = items[items["value"].astype(str).str.len() > 0].drop_duplicates(["_id", "kind", "value"])
    names = _name_table(pd.concat(name_parts, ignore_index=True))
    s_main, s_items, s_names = _schemas()
    return SideTables(
        main=pa.Table.from_pandas(main, schema=s_main, preserve_index=False),
        items=pa.Table.from_pandas(items[["_id", "kind", "value"]], schema=s_items, preserve_index=False),
        names=pa.Table.from_pandas(names, schema=s_names, preserve_index=False),
    )


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return " ".join(_as_list(value))
    return ""


def _case_texts(columns: Sequence[pd.Series]) -> list[str | None]:
    """Per case, the non-empty cells of ``columns`` joined by spaces (list cells joined too): the
    case's side of the text similarity (``textsim``)."""
    parts = [[_cell_text(v) for v in col] for col in columns]
    return [" ".join(p for p in row if p) or None for row in zip(*parts, strict=True)]


def _summary_day(value: Any) -> int | None:
    try:
        return (date.fromisoformat(str(value)[:10]) - _EPOCH).days
    except ValueError:
        return None


def _summary_features(summary: pd.Series, iday: pd.Series, extractor: SummaryExtractor | None,
                      ) -> tuple[list[pd.DataFrame], list[pd.DataFrame], pd.Series]:
    """Identifiers, persons and the incident day (earliest date not after the case date) of
    each summary."""
    import pandas as pd

    eday = pd.Series(pd.NA, index=summary.index, dtype="Int32")
    present = summary.dropna()
    if present.empty:
        return [], [], eday
    results = (extractor or regex_summary_extractor)(present.tolist())
    if len(results) != len(present):
        raise InputError("summary_extractor returned a different number of results", code="bad_extractor")
    rows: list[tuple[int, str, str]] = []  # summary phones without a role count as the reporter's
    people: list[tuple[int, str, str]] = []
    for idx, ex in zip(present.index, results, strict=True):
        days: list[int] = []
        for ent in ex.entities:
            if ent.label in _IDENTIFIERS:
                kind, norm = _IDENTIFIERS[ent.label]
                value = norm(ent.value or ent.text)
                if value:
                    rows.append((int(idx), kind, value))
                    if kind == "phone":
                        side = "s" if ent.attrs.get("role") == "suspect" else "v"
                        rows.append((int(idx), f"{side}_phone", value))
                        mask = mask_of(value)
                        if mask:
                            rows.extend([(int(idx), "masked", mask), (int(idx), f"{side}_masked", mask)])
            elif ent.label == "PERSON":
                for side in ROLE_SIDES.get(ent.attrs.get("role"), ("s", "v")):
                    people.append((int(idx), side, str(ent.value or ent.text)))
            elif ent.label == "TIME" and ent.value:
                day = _summary_day(ent.value)
                if day is not None:
                    days.append(day)
        case_day = iday.iloc[idx]
        days = [d for d in days if pd.isna(case_day) or d <= case_day + 1]
        if days:
            eday.iloc[idx] = min(days)
    items = [pd.DataFrame(rows, columns=["_id", "kind", "value"])] if rows else []
    names = [pd.DataFrame(people, columns=["_id", "role", "value"])] if people else []
    return items, names, eday


def _name_table(long: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    info = {raw: parse_name(raw) for raw in long["value"].unique()} if len(long) else {}
    parsed = long["value"].map(info)
    keep = parsed.notna()
    long, parsed = long[keep], parsed[keep]
    return pd.DataFrame({
        "_id": long["_id"].astype("int32").to_numpy(),
        "role": long["role"].to_numpy(),
        "name": [p.name for p in parsed],
        "partial": [p.partial for p in parsed],
        "surname": [p.surname for p in parsed],
        "py": [p.pinyin for p in parsed],
    }).drop_duplicates(["_id", "role", "name"])
