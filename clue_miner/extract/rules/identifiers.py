"""Identifiers: phone numbers, resident ID numbers, bank cards, licence plates, IM accounts.

Every candidate is verified before it is emitted: ID numbers by the GB 11643 checksum and a
plausible birth date, bank cards by the Luhn check plus a cue (or the UnionPay ``62`` prefix),
phones by the numbering plan. Spans never overlap; the order of the passes decides: ID number,
bank card, account (the handle after 微信/QQ/支付宝), phone, plate.

Decisions (see also the tests):

* PHONE ``value`` is digits only without the country code; ``attrs.kind`` is mobile, landline or
  service. A masked mobile (``138****5678``) is still evidence that a phone was given: it is
  emitted with ``value=None``, ``attrs.masked=True`` and ``attrs.pattern`` (the masked form).
* A bare 7-8 digit local number, a landline written without a separator and a 95xxx number are
  phones only with a phone cue (电话, 座机, 拨打 …) shortly before them.
* A phone number written after 微信/支付宝 is emitted as ACCOUNT (the handle *is* the number),
  with ``attrs.handle_kind="phone"``; the linker may compare it with phones.
* ID numbers with a bad checksum or date are not IDs (they may still be bank cards).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date

from clue_miner.extract.rules.base import RuleContext, half_width
from clue_miner.types import Entity

log = logging.getLogger(__name__)

# Full-width digits/letters/punctuation -> half-width, one character for one (offsets survive).

# Cheap pre-filters: number-like runs, account cues, a province character before a Latin letter.
_NUM_PRE = re.compile(r"\d{5}|\d{3}[ -]?[\d*xX×]{4}|\d{3}[ -]\d{3}")
_ACCT_PRE = re.compile(r"微信|薇信|威信|[vV]信|vx|VX|Vx|wx|WX|[wW]e[cC]hat|QQ|qq|Qq|扣扣|企鹅|支付宝|@")
_PLATE_PRE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][·•・.\- ]?[A-Za-z]")

# ---------------------------------------------------------------- ID numbers
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6}[ ]?\d{8}[ ]?\d{3}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_LONG_RE = re.compile(r"\d{15}|\d{6} \d{8} ")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _birth(y: int, m: int, d: int, max_year: int) -> date | None:
    if not 1900 <= y <= max_year:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def check_id(s: str, max_year: int | None = None) -> tuple[date, str] | None:
    """(birth date, sex) for a valid 18- or 15-digit resident ID, else None."""
    max_year = max_year or date.today().year
    if s[0] not in "12345678":
        return None
    if len(s) == 18:
        if not s[:17].isdigit():
            return None
        total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != s[17].upper():
            return None
        born = _birth(int(s[6:10]), int(s[10:12]), int(s[12:14]), max_year)
        sex_digit = int(s[16])
    elif len(s) == 15 and s.isdigit():
        born = _birth(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]), max_year)
        sex_digit = int(s[14])
    else:
        return None
    if born is None:
        return None
    return born, ("M" if sex_digit % 2 else "F")


# ---------------------------------------------------------------- bank cards
_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z])")
_CARD_CUE = re.compile(
    r"卡号|银行卡|卡|账号|帐号|账户|帐户|转账|转帐|汇款|汇入|打入|打款|收款|工行|建行|农行|中行|交行|招行|"
    r"银行|储蓄|信用卡|借记卡|农信|农商|邮储|银联"
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = ord(c) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


# ---------------------------------------------------------------- phones
_MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)([ -]?)(\d{4})\2(\d{4})(?![0-9A-Za-z])"
)
_MASKED_RE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d[0-9*xX×]{4}\d{4}|1[3-9]\d{2}[*xX×]{4}\d{3})(?![0-9A-Za-z*])")
_MASK4_RE = re.compile(r"[*xX×]{4}")
_AREA = r"0(?:10|2\d|[3-9]\d{2})"
_LANDLINE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[(（](" + _AREA + r")[)）][ -]?|(" + _AREA + r")[ -]|(" + _AREA + r"))"
    r"([2-9]\d{6,7})(?:(?:-|转|分机)(\d{1,5}))?(?![0-9A-Za-z])"
)
_LOCAL_RE = re.compile(r"(?<![0-9A-Za-z.])([2-9]\d{6,7})(?![0-9A-Za-z.])")
_SERVICE_RE = re.compile(r"(?<![0-9A-Za-z])(?:([48]00)([ -]?)(\d{3})\2(\d{4})|(95\d{3}(?:\d{3})?))(?![0-9A-Za-z])")
_PHONE_CUE = re.compile(r"电话|手机|座机|号码|联系方式|拨打|致电|来电|热线|客服|电联|联系|打给|打过|打到|tel|Tel|TEL")
_NOT_PHONE_BEFORE = re.compile(r"(?:订单|单号|编号|流水号|运单|快递|工号|账号|帐号|卡号|案号|合同号|证号|代码|序号|批号|¥|￥)[^\d]{0,3}$")
_UNIT_AFTER = re.compile(r"\s?(?:\.\d|元|万|亿|块|米|平|吨|个|人|户|次|年|月|日|号|%|余|多|kg|KG)")

# ---------------------------------------------------------------- plates
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_PLATE_RE = re.compile(
    r"([" + _PROVINCES + r"])[·•・.\- ]?([A-Za-z])[·•・.\- ]?([A-Za-z0-9]{5,6})([学警挂港澳领试])?(?![A-Za-z0-9])"
)

# ---------------------------------------------------------------- accounts
_SEP = r"[ ]?(?:[:：]|是|为|号为|号是|号码是|号码为|号码|账号是|账号为|账户是|账号|账户|帐号)?[ ]?"
_ACCOUNT_RE = re.compile(
    r"(?:(?P<wx>微信号?|微信账号|微信名|薇信号?|威信号?|[vV]信号?|(?<![A-Za-z])(?:vx|VX|Vx|wx|WX|wechat|WeChat)(?![A-Za-z]))"
    r"|(?P<qq>(?<![A-Za-z])(?:QQ|qq|Qq)号?码?(?![A-Za-z])|扣扣号?|企鹅号)"
    r"|(?P<ali>支付宝))(?P<sep>" + _SEP + r")(?P<h>[A-Za-z0-9][A-Za-z0-9_.@-]{3,40})"
)
_EMAIL_RE = re.compile(r"^[A-Za-z0-9_.-]{2,30}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_WX_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{4,19}$")
_QQ_RE = re.compile(r"^[1-9]\d{4,10}$")
_MOBILE_FULL = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_QQ_MAIL = re.compile(r"(?<![A-Za-z0-9_.-])([1-9]\d{4,10})@qq\.com(?![A-Za-z])", re.I)


_Emit = Callable[[str, int, int, object, dict[str, object]], None]


class _Spans:
    """Characters already taken by an earlier pass."""

    def __init__(self) -> None:
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in self.taken)

    def take(self, start: int, end: int) -> None:
        self.taken.append((start, end))


def _cue_before(cue: re.Pattern[str], t: str, start: int, window: int) -> bool:
    return cue.search(t, max(0, start - window), start) is not None


def find(text: str, ctx: RuleContext) -> list[Entity]:
    """PHONE, ID_NUMBER, BANK_CARD, PLATE and ACCOUNT entities in ``text``."""
    t = half_width(text, space=True)
    has_num, has_acct, has_plate = bool(_NUM_PRE.search(t)), bool(_ACCT_PRE.search(t)), bool(_PLATE_PRE.search(t))
    if not (has_num or has_acct or has_plate):
        return []
    max_year = ctx.received_at.year if ctx.received_at else date.today().year
    out: list[Entity] = []
    spans = _Spans()

    def emit(label: str, start: int, end: int, value: object, attrs: dict[str, object]) -> None:
        spans.take(start, end)
        out.append(Entity(label, start, end, text[start:end], value, attrs))

    if has_num and _LONG_RE.search(t):
        for m in _ID_RE.finditer(t):
            raw = m.group(1).replace(" ", "")
            got = check_id(raw, max_year)
            if got is None:
                continue
            attrs: dict[str, object] = {"birth_date": got[0].isoformat(), "sex": got[1]}
            if len(raw) == 15:
                attrs["legacy"] = True
            emit("ID_NUMBER", m.start(1), m.end(1), raw.upper(), attrs)

    for m in _CARD_RE.finditer(t) if has_num else ():
        s, e = m.span(1)
        digits = re.sub(r"[ -]", "", m.group(1))
        if not 16 <= len(digits) <= 19 or not spans.free(s, e) or not luhn_ok(digits):
            continue
        cue = _cue_before(_CARD_CUE, t, s, 20) or _CARD_CUE.match(t, e, e + 6) is not None
        if cue or digits.startswith("62"):
            emit("BANK_CARD", s, e, digits, {"cue": cue})

    if has_acct:
        _find_accounts(t, spans, emit)
    if has_num:
        _find_phones(t, spans, emit)
    for m in _PLATE_RE.finditer(t) if has_plate else ():
        body = m.group(3).upper()
        if sum(c.isdigit() for c in body) < 3 or not spans.free(m.start(), m.end()):
            continue
        if len(body) == 6 and body[0] not in "DF" and body[-1] not in "DF":
            continue  # six characters only for new-energy plates
        value = m.group(1) + m.group(2).upper() + body + (m.group(4) or "")
        attrs = {"new_energy": len(body) == 6}
        emit("PLATE", m.start(), m.end(), value, attrs)

    out.sort(key=lambda ent: ent.start)
    return out


def _find_accounts(t: str, spans: _Spans, emit: _Emit) -> None:
    for m in _ACCOUNT_RE.finditer(t):
        handle = m.group("h").rstrip(".-")
        s = m.start("h")
        e = s + len(handle)
        if not spans.free(s, e):
            continue
        platform = "wechat" if m.group("wx") else "qq" if m.group("qq") else "alipay"
        cue = m.group("wx") or m.group("qq") or m.group("ali")
        if not m.group("sep") and not cue.endswith(("号", "码")) and not cue.isascii():
            continue  # 微信c1903班级群: a bare cue glued to a word is no handle
        attrs: dict[str, object] = {"platform": platform}
        value: str | None = None
        if _MOBILE_FULL.match(handle) and platform != "qq":
            value, attrs["handle_kind"] = handle[-11:], "phone"
        elif platform == "wechat" and _WX_RE.match(handle):
            value, attrs["handle_kind"] = handle, "id"
        elif platform == "qq" and _QQ_RE.match(handle):
            value, attrs["handle_kind"] = handle, "number"
        elif platform in ("alipay", "qq") and _EMAIL_RE.match(handle):
            value, attrs["handle_kind"] = handle.lower(), "email"
        if value is None:
            continue
        emit("ACCOUNT", s, e, value, attrs)
    if "@" in t:
        for m in _QQ_MAIL.finditer(t):
            if spans.free(m.start(), m.end()):
                emit("ACCOUNT", m.start(), m.end(), m.group(1), {"platform": "qq", "handle_kind": "email"})


def _plausible_number(t: str, s: int, e: int) -> bool:
    """Not an order number, amount or the like."""
    return _NOT_PHONE_BEFORE.search(t, max(0, s - 8), s) is None and _UNIT_AFTER.match(t, e) is None


def _find_phones(t: str, spans: _Spans, emit: _Emit) -> None:
    for m in _MOBILE_RE.finditer(t):
        s, e = m.span()
        if spans.free(s, e) and _plausible_number(t, s, e):
            emit("PHONE", s, e, m.group(1) + m.group(3) + m.group(4), {"kind": "mobile"})
    if _MASK4_RE.search(t):
        for m in _MASKED_RE.finditer(t):
            raw = m.group(1)
            if not re.search(r"[*xX×]", raw) or not spans.free(m.start(), m.end()):
                continue
            pattern = re.sub(r"[xX×]", "*", raw)
            emit("PHONE", m.start(), m.end(), None, {"kind": "mobile", "masked": True, "pattern": pattern})
    for m in _SERVICE_RE.finditer(t):
        s, e = m.span()
        if not spans.free(s, e) or not _plausible_number(t, s, e):
            continue
        if m.group(5):  # 95xxx needs a cue
            if not _cue_before(_PHONE_CUE, t, s, 10):
                continue
            value = m.group(5)
        else:
            value = m.group(1) + m.group(3) + m.group(4)
        emit("PHONE", s, e, value, {"kind": "service"})
    for m in _LANDLINE_RE.finditer(t):
        s, e = m.span()
        if not spans.free(s, e) or not _plausible_number(t, s, e):
            continue
        area = m.group(1) or m.group(2) or m.group(3)
        if m.group(3) and not _cue_before(_PHONE_CUE, t, s, 10):
            continue  # 0731 88886666 run together: only after a cue
        attrs: dict[str, object] = {"kind": "landline", "area_code": area}
        if m.group(5):
            attrs["extension"] = m.group(5)
        emit("PHONE", s, e, area + m.group(4), attrs)
    for m in _LOCAL_RE.finditer(t):
        s, e = m.span()
        if spans.free(s, e) and _cue_before(_PHONE_CUE, t, s, 8) and _plausible_number(t, s, e):
            emit("PHONE", s, e, m.group(1), {"kind": "landline"})
