"""Cell-level parsing of table values: strings, ids, dates, amounts, lists, phones.

These helpers take whatever a reader produced for one cell (a ``str`` from CSV, ``int`` /
``float`` / ``datetime`` from XLSX, Parquet or JSON, numpy scalars, pandas Timestamps) and
return plain Python values. They never import pandas or numpy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Any

# China Standard Time has had no daylight saving since 1991, so a fixed offset is exact here.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

# Database / export spellings of "no value".
NULL_TOKENS = frozenset({"null", "none", "nan", "nat", "\\n", "n/a", "#n/a"})
# Placeholders that mean "nobody / unknown" inside list cells (names, phones, ids).
LIST_PLACEHOLDERS = NULL_TOKENS | frozenset({"-", "--", "—", "/", "无", "暂无", "不详", "未知", "不明", "na"})

_EXCEL_EPOCH = datetime(1899, 12, 30)
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_STRIP_CHARS = " \t\r\n\u3000\ufeff\u200b\xa0"


class UnparsedCell(ValueError):
    """A non-empty cell that could not be parsed (the caller counts it as a warning)."""


def is_missing(value: Any) -> bool:
    """None, NaN, NaT, pandas NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str | int):
        return False
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def to_python(value: Any) -> Any:
    """numpy scalar -> Python scalar (duck-typed so numpy is not imported)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        if type(value).__name__.startswith("datetime64"):
            import pandas as pd

            return pd.Timestamp(value).to_pydatetime()
        return value.item()
    return value


def coerce_str(value: Any) -> str | None:
    """Cell -> ``str`` (as given, not stripped) or None when empty.

    Integral floats lose their ``.0`` (``123.0`` -> ``"123"``), dates become ISO strings.
    Raises ``TypeError`` for values that are not text (lists, dicts, bytes, booleans).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    value = to_python(value)
    if isinstance(value, bool):
        raise TypeError("boolean cell")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or math.isinf(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        if is_missing(value):
            return None
        return value.isoformat()
    if is_missing(value):
        return None
    if isinstance(value, str | int | float):  # pragma: no cover - numpy str_ etc.
        return str(value)
    if type(value).__name__ == "Decimal":
        return str(value)
    raise TypeError(f"{type(value).__name__} cell")


def clean_str(value: Any) -> str | None:
    """Cell -> stripped ``str`` or None when empty (non-text values are stringified)."""
    try:
        text = coerce_str(value)
    except TypeError:
        text = str(value)
    if text is None:
        return None
    text = text.strip(_STRIP_CHARS)
    if not text or text.lower() in NULL_TOKENS:
        return None
    return text


def clean_id(value: Any) -> str | None:
    """Identifier cell -> stripped string (numeric ids without ``.0``) or None."""
    try:
        coerce_str(value)
    except TypeError:
        return None
    return clean_str(value)


# ----------------------------------------------------------------------------------- dates
_DATE_RE = re.compile(
    r"""^(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*(?:日|号)?
    (?:[\sT]*(?P<ampm>上午|下午|晚上|凌晨|中午|早上)?\s*(?P<H>\d{1,2})\s*(?::|时|点)
       (?:\s*(?P<M>\d{1,2})\s*分?
          (?:\s*:?\s*(?P<S>\d{1,2}(?:\.\d+)?)\s*秒?)?)?)?
    \s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$""",
    re.X,
)
_DIGITS_RE = re.compile(r"^\d+(?:\.\d+)?$")


def _naive(value: datetime) -> datetime:
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(SHANGHAI)
    return value.replace(tzinfo=None)


def _checked(value: datetime) -> datetime:
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise UnparsedCell(f"year {value.year} out of range")
    return value


def _from_digits(text: str) -> datetime | None:
    """yyyymmdd[HHMM[SS]] strings."""
    for fmt, size in (("%Y%m%d", 8), ("%Y%m%d%H%M", 12), ("%Y%m%d%H%M%S", 14)):
        if len(text) == size:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                return None
    return None


def _from_number(number: float) -> datetime:
    """yyyymmdd integers, Excel serial dates, Unix timestamps (s or ms)."""
    if number.is_integer() and 19000101 <= number <= 21001231:
        parsed = _from_digits(str(int(number)))
        if parsed is not None:
            return parsed
    # Excel serial, 10000 (1927-05-18) .. 73050 (2099-12-31); smaller numbers are more likely
    # years or counts than dates.
    if 10000 <= number < 73051:
        return _EXCEL_EPOCH + timedelta(seconds=round(number * 86400))
    if 1e9 <= number < 1e10:
        return datetime.fromtimestamp(number, SHANGHAI).replace(tzinfo=None)
    if 1e12 <= number < 1e13:
        return datetime.fromtimestamp(number / 1000, SHANGHAI).replace(tzinfo=None)
    raise UnparsedCell(f"number {number!r} is not a date")


def _from_text(text: str) -> datetime | None:
    text = unicodedata.normalize("NFKC", text).strip()
    if not text or text.lower() in NULL_TOKENS:
        return None
    if len(text) >= 10 and text[4] == "-" and text[:4].isdigit():
        try:
            return _naive(datetime.fromisoformat(text))
        except ValueError:
            pass
    if _DIGITS_RE.match(text):
        if "." not in text:
            parsed = _from_digits(text)
            if parsed is not None:
                return parsed
        return _from_number(float(text))
    match = _DATE_RE.match(text)
    if match is None:
        raise UnparsedCell("unrecognised date")
    hour = int(match["H"] or 0)
    if match["ampm"] in ("下午", "晚上") and hour < 12:
        hour += 12
    seconds = float(match["S"] or 0)
    try:
        value = datetime(
            int(match["y"]), int(match["m"]), int(match["d"]), hour, int(match["M"] or 0),
            int(seconds), int(round((seconds % 1) * 1e6)) if seconds % 1 else 0,
        )
    except ValueError as exc:
        raise UnparsedCell(str(exc)) from exc
    tz = match["tz"]
    if tz:
        if tz == "Z":
            offset = timedelta(0)
        else:
            digits = tz[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            offset = -offset if tz[0] == "-" else offset
        value = _naive(value.replace(tzinfo=timezone(offset)))
    return value


def parse_date_cell(value: Any) -> datetime | None:
    """Cell -> naive ``datetime`` (Asia/Shanghai wall time) or None when empty.

    Accepts ``datetime`` / ``date`` / pandas ``Timestamp`` / numpy ``datetime64`` values, ISO
    strings (with ``T`` or space, optional zone), ``2024/5/12 9:32:09``, ``2024.5.12``,
    ``2024年5月12日``, ``2024年5月12日 9时32分``, ``20240512``, Excel serial numbers 10000-73050 (``45424``,
    ``45424.5``) and Unix timestamps. Years outside 1900-2100 are rejected. Raises
    :class:`UnparsedCell` for a non-empty cell it cannot read.
    """
    if is_missing(value):
        return None
    value = to_python(value)
    if isinstance(value, datetime):
        return _checked(_naive(value))
    if isinstance(value, date):
        return _checked(datetime(value.year, value.month, value.day))
    if isinstance(value, bool):
        raise UnparsedCell("boolean is not a date")
    if isinstance(value, int | float):
        return _checked(_from_number(float(value)))
    if isinstance(value, str):
        if len(value) >= 10 and value[4] == "-" and value.isascii():
            try:  # fast path for ISO strings, the common case in exports
                return _checked(_naive(datetime.fromisoformat(value.strip())))
            except ValueError:
                pass
        parsed = _from_text(value)
        return None if parsed is None else _checked(parsed)
    raise UnparsedCell(f"{type(value).__name__} is not a date")


# --------------------------------------------------------------------------------- amounts
_AMOUNT_NOISE = re.compile(
    r"人民币|rmb|cny|[¥$]|元整|元|圆|块钱|块|整|大约|约|左右|余|多|以上|共计|合计|总计|计|\s",
    re.I,
)
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
_NUM_UNIT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(千|k|万|w|亿)?$", re.I)
_UNITS = {"千": 1e3, "k": 1e3, "万": 1e4, "w": 1e4, "亿": 1e8}


def parse_amount_cell(value: Any) -> float | None:
    """Amount cell -> yuan as ``float`` or None when empty.

    Numbers pass through; text such as ``5.2万元``, ``52,000元``, ``5万``, ``伍万元``,
    ``一千二百元``, ``1.2亿``, ``约3000余元`` is parsed (Chinese numerals via cn2an). Raises
    :class:`UnparsedCell` for a non-empty cell it cannot read (ranges such as ``5-6万`` included).
    """
    if is_missing(value):
        return None
    value = to_python(value)
    if isinstance(value, bool):
        raise UnparsedCell("boolean is not an amount")
    if isinstance(value, int | float):
        number = float(value)
        if math.isinf(number):
            raise UnparsedCell("infinite amount")
        return number
    if not isinstance(value, str):
        raise UnparsedCell(f"{type(value).__name__} is not an amount")
    text = unicodedata.normalize("NFKC", value).strip(_STRIP_CHARS)
    if not text or text.lower() in LIST_PLACEHOLDERS:
        return None
    text = _THOUSANDS.sub("", _THOUSANDS.sub("", text))
    text = _AMOUNT_NOISE.sub("", text)
    if not text:
        raise UnparsedCell("no number in amount")
    match = _NUM_UNIT.match(text)
    if match is not None:
        unit = match[2]
        return float(match[1]) * (_UNITS[unit.lower()] if unit else 1.0)
    import cn2an

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise UnparsedCell("unrecognised amount") from exc


# ----------------------------------------------------------------------------------- lists
_LIST_SEP = re.compile(r"\s*[;；,，、/|\n\r]+\s*")
_LIST_SEP_CHAR = re.compile(r"[;；,，、/|\n\r]")
# 周建华等127人, 李某等人: the named person of a list that goes on uncounted
_ETC = re.compile(r"(?<=\S)等(?:[0-9一二两三四五六七八九十百千万]+(?:多|余)?(?:名|人|位|户)|人|多人)$")
_NON_DIGIT = re.compile(r"\D+")
_WS = re.compile(r"\s+")


def split_list_cell(value: Any) -> list[str]:
    """List cell -> stripped items, split on ``; ； , ， 、 / |`` and line breaks.

    Empty items and placeholders (无, 不详, 未知, null …) are dropped, and a trailing 等127人 / 等人
    (the list goes on uncounted) is cut from its item. A cell that is already a
    list (JSON, Parquet) is flattened the same way.
    """
    if isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple | set) or (
        type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"
    ):
        items: list[str] = []
        for item in value:
            items.extend(split_list_cell(item))
        return items
    elif is_missing(value):
        return []
    else:
        try:
            text = coerce_str(value) or ""
        except TypeError:
            return []
    if not text:
        return []
    if _LIST_SEP_CHAR.search(text) is None:  # fast path: a single item
        text = _ETC.sub("", text.strip(_STRIP_CHARS))
        return [text] if text and text.lower() not in LIST_PLACEHOLDERS else []
    out: list[str] = []
    for part in _LIST_SEP.split(text):
        part = _ETC.sub("", part.strip(_STRIP_CHARS))
        if part and part.lower() not in LIST_PLACEHOLDERS:
            out.append(part)
    return out


def normalise_phone(text: str) -> str | None:
    """Phone -> digits only, without a +86 / 0086 / 86 country code; None when no digits."""
    digits = _NON_DIGIT.sub("", unicodedata.normalize("NFKC", text))
    if not digits:
        return None
    stripped = text.lstrip(_STRIP_CHARS)
    if digits.startswith("0086") and len(digits) > 11:
        digits = digits[4:]
    elif digits.startswith("86") and (
        stripped.startswith(("+", "＋")) or (len(digits) == 13 and digits[2] == "1")
    ):
        digits = digits[2:]
    return digits or None


def split_phones_cell(value: Any) -> list[str]:
    """Phone list cell -> digit-only phones. Whitespace separates phones only when every
    whitespace-separated piece is itself phone-sized (``138 0013 8000`` stays one phone)."""
    if (
        isinstance(value, str) and value.isascii() and value.isdigit()
        and len(value) != 13 and not value.startswith("0086")
    ):
        return [value]  # fast path: one phone, digits only, no country code
    phones: list[str] = []
    for item in split_list_cell(value):
        pieces = _WS.split(item)
        if len(pieces) > 1 and all(len(_NON_DIGIT.sub("", p)) >= 7 for p in pieces):
            candidates = pieces
        else:
            candidates = [item]
        for piece in candidates:
            phone = normalise_phone(piece)
            if phone is not None:
                phones.append(phone)
    return phones


def normalise_id_number(text: str) -> str:
    """ID number -> half-width, upper-case, no whitespace."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)).upper()


def split_ids_cell(value: Any) -> list[str]:
    return [n for n in (normalise_id_number(i) for i in split_list_cell(value)) if n]


_VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff\ufffd]")


def has_visible_text(text: str) -> bool:
    """False when ``text`` holds only whitespace, control, zero-width or replacement characters."""
    return _VISIBLE.search(text) is not None
