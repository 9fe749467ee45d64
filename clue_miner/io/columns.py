"""Header mapping: canonical column names, the Chinese headers of DESIGN.md, user ``--map``.

Headers are compared after normalisation: NFKC (full-width -> half-width), BOM and zero-width
characters removed, lower-case, and whitespace / ``_`` / ``-`` removed, so ``Case ID``,
``case_id`` and `` CASE-ID `` are the same header. A second, looser pass also drops a trailing
bracketed unit and a trailing colon (``涉案金额（元）`` -> ``涉案金额``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clue_miner.errors import InputError

logger = logging.getLogger(__name__)

COMPLAINT_COLUMNS: tuple[str, ...] = (
    "id", "text", "received_at", "channel", "title", "complainant", "complainant_phone", "region",
)
COMPLAINT_REQUIRED: tuple[str, ...] = ("id", "text")

CASE_COLUMNS: tuple[str, ...] = (
    "case_id", "case_kind", "status", "offence", "accepted_at", "filed_at", "status_at",
    "suspects", "suspect_phones", "suspect_ids", "victims", "victim_phones",
    "location", "amount", "injury", "penalty", "summary", "region",
)
CASE_REQUIRED: tuple[str, ...] = ("case_id", "case_kind", "status")

SCHEMAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "complaints": (COMPLAINT_COLUMNS, COMPLAINT_REQUIRED),
    "cases": (CASE_COLUMNS, CASE_REQUIRED),
}

# Accepted headers per canonical column, most specific first: when a file holds two headers of
# the same column (序号 and 工单编号, say) the earlier alias wins and the other goes to ``extra``.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("工单编号", "工单号", "信访编号", "编号", "序号"),
    "text": ("诉求内容", "反映内容", "来信内容", "举报内容", "内容", "正文", "简要情况"),
    "received_at": ("受理时间", "来电时间", "登记时间", "来信时间", "留言时间"),
    "channel": ("来源渠道", "渠道", "来源"),
    "title": ("标题", "主题", "留言主题"),
    "complainant": ("反映人", "来电人", "举报人", "留言用户"),
    "complainant_phone": ("联系电话", "来电号码"),
    "region": ("区域", "所属区域", "属地"),
    "case_id": ("案件编号", "案件号"),
    "case_kind": ("案件类别", "案件类型"),
    "status": ("案件状态", "办理状态"),
    "offence": ("案由", "罪名", "案件性质"),
    "accepted_at": ("受案时间",),
    "filed_at": ("立案时间",),
    "status_at": ("状态时间", "状态变更时间", "办结时间"),
    "suspects": ("嫌疑人", "犯罪嫌疑人", "违法行为人"),
    "suspect_phones": ("嫌疑人电话",),
    "suspect_ids": ("嫌疑人身份证号", "身份证号"),
    "victims": ("被害人", "受害人", "报案人"),
    "victim_phones": ("被害人电话", "报案人电话"),
    "location": ("发案地点", "案发地点"),
    "amount": ("涉案金额", "损失金额"),
    "injury": ("伤情",),
    "penalty": ("处罚结果", "处理结果"),
    "summary": ("简要案情",),
}

ALL_CANONICAL: frozenset[str] = frozenset(COMPLAINT_COLUMNS) | frozenset(CASE_COLUMNS)

_DROP = re.compile(r"[\s_\-\u200b-\u200f\u2060\ufeff]+")
_TRAILING_UNIT = re.compile(r"(\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|:)+$")


def header_key(header: object) -> str:
    """Normalised comparison key of a header (see module docstring)."""
    text = unicodedata.normalize("NFKC", str(header if header is not None else ""))
    return _DROP.sub("", text).lower()


def _loose_key(key: str) -> str:
    return _TRAILING_UNIT.sub("", key)


_KNOWN_KEYS: frozenset[str] = frozenset(
    [header_key(c) for c in ALL_CANONICAL]
    + [header_key(a) for aliases in ALIASES.values() for a in aliases]
)


def is_known_header(header: object) -> bool:
    """True when ``header`` is a canonical name or an accepted Chinese header of any table."""
    key = header_key(header)
    return bool(key) and (key in _KNOWN_KEYS or _loose_key(key) in _KNOWN_KEYS)


@dataclass(frozen=True)
class ColumnMap:
    """Where each canonical column lives in a file: canonical -> index into ``headers``."""

    headers: tuple[str, ...]
    found: dict[str, int]
    extra: tuple[int, ...] = field(default=())  # indices of columns kept in ``extra``


def parse_map_option(values: Sequence[str] | None) -> dict[str, str]:
    """Parse ``--map canonical=header`` values into ``{canonical: header}``.

    Raises :class:`InputError` (code ``bad_map``) on a value without ``=``, an empty side, an
    unknown canonical name or one canonical name mapped twice to different headers.
    """
    mapping: dict[str, str] = {}
    for raw in values or ():
        text = unicodedata.normalize("NFKC", raw)
        if "=" not in text:
            raise InputError(f"--map expects canonical=header, got {raw!r} (格式应为 列名=表头)", code="bad_map")
        left, right = text.split("=", 1)
        canonical = left.strip().lower()
        header = right.strip().strip("\ufeff").strip()
        if not canonical or not header:
            raise InputError(f"--map expects canonical=header, got {raw!r} (格式应为 列名=表头)", code="bad_map")
        if canonical not in ALL_CANONICAL:
            raise InputError(
                f"--map: unknown column {canonical!r} (未知的列名); known: {', '.join(sorted(ALL_CANONICAL))}",
                code="bad_map",
            )
        if canonical in mapping and header_key(mapping[canonical]) != header_key(header):
            raise InputError(
                f"--map: column {canonical!r} mapped twice ({mapping[canonical]!r}, {header!r}) (重复映射)",
                code="bad_map",
            )
        mapping[canonical] = header
    return mapping


def _missing_column_error(
    kind: str, canonical: str, headers: Sequence[str], source: str, user_header: str | None
) -> InputError:
    accepted = ", ".join((canonical, *ALIASES.get(canonical, ())))
    seen = ", ".join(repr(h) for h in headers) or "(none)"
    mapped = f"; --map {canonical}={user_header} names a header that is not there" if user_header else ""
    return InputError(
        f"{source}: required column {canonical!r} not found in the {kind} file (缺少必需列 {canonical}){mapped}; "
        f"headers seen: {seen}; accepted names: {accepted}; use --map {canonical}=<header> to name yours",
        code="missing_column",
    )


def resolve_columns(
    headers: Sequence[str],
    kind: str,
    mapping: Mapping[str, str] | None = None,
    source: str = "input",
) -> ColumnMap:
    """Find the canonical columns of table ``kind`` ("complaints" | "cases") among ``headers``.

    Order of precedence per column: the user mapping, the canonical name itself, the accepted
    headers in ``ALIASES`` order; then the same again on loose keys. Each file column is used at
    most once; the rest go to ``extra``. Mapping entries for the other table kind are ignored.
    Raises :class:`InputError` (``missing_column``) when a required column cannot be found.
    """
    columns, required = SCHEMAS[kind]
    mapping = dict(mapping or {})
    for canonical in mapping:
        if canonical not in ALL_CANONICAL:
            raise InputError(f"mapping: unknown column {canonical!r} (未知的列名)", code="bad_map")
    keys = [header_key(h) for h in headers]
    loose = [_loose_key(k) for k in keys]
    used: set[int] = set()
    found: dict[str, int] = {}

    def take(key: str, pool: list[str]) -> int | None:
        for i, k in enumerate(pool):
            if k == key and i not in used and k:
                return i
        return None

    # Pass 0: the user's mapping, which must name a header that exists.
    for canonical in columns:
        user_header = mapping.get(canonical)
        if user_header is None:
            continue
        idx = take(header_key(user_header), keys)
        if idx is None:
            idx = take(_loose_key(header_key(user_header)), loose)
        if idx is None:
            logger.warning("%s: --map %s names a header that is not in the file", source, canonical)
            continue
        found[canonical] = idx
        used.add(idx)
    # Passes 1 and 2: canonical names, then accepted headers; exact keys before loose keys.
    for pool in (keys, loose):
        for canonical in columns:
            if canonical in found:
                continue
            for name in (canonical, *ALIASES.get(canonical, ())):
                idx = take(header_key(name), pool)
                if idx is not None:
                    found[canonical] = idx
                    used.add(idx)
                    break
    for canonical in required:
        if canonical not in found:
            raise _missing_column_error(kind, canonical, headers, source, mapping.get(canonical))
    extra = tuple(i for i in range(len(headers)) if i not in used)
    return ColumnMap(headers=tuple(headers), found=found, extra=extra)
