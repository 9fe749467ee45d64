"""Identifiers: GB 11643 ID numbers, Luhn bank cards, mobile phones, plates, chat handles."""

from __future__ import annotations

import random
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Six-digit administrative division codes (a plausible mix, most from one province).
AREA_CODES = (
    "430102", "430103", "430104", "430105", "430111", "430112", "430121", "430124", "430181",
    "430202", "430211", "430302", "430321", "430405", "430421", "430502", "430521", "430602",
    "430621", "430703", "430721", "430802", "430902", "430921", "431002", "431021", "431102",
    "431202", "431302", "433101", "420102", "420106", "360102", "440106", "440305", "450103",
    "500103", "510104", "520102", "410105", "320102", "330106", "350102", "370102", "130102",
)
_PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "198", "199",
)
# (issuer prefix, total length)
_CARD_BINS = (
    ("622202", 19), ("621700", 19), ("622848", 19), ("621661", 19), ("622260", 19),
    ("622588", 16), ("621799", 19), ("622908", 18), ("623668", 19), ("621226", 19),
)
PLATE_PROVINCES = ("湘", "湘", "湘", "鄂", "赣", "粤", "桂", "川", "黔", "豫")
_PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def id_check_char(body17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id(value: str) -> bool:
    """True for an 18-character ID number whose check character is right."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return id_check_char(value[:17]) == value[17].upper()


def make_id(rng: random.Random, birth: date, male: bool) -> str:
    """A checksum-valid ID number; the sequence digit's parity follows the sex (odd = male)."""
    area = AREA_CODES[rng.randrange(len(AREA_CODES))]
    seq = rng.randrange(500) * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def luhn_check_digit(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def is_luhn_valid(number: str) -> bool:
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def make_bank_card(rng: random.Random) -> str:
    prefix, length = _CARD_BINS[rng.randrange(len(_CARD_BINS))]
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body)


def make_phone(rng: random.Random) -> str:
    return _PHONE_PREFIXES[rng.randrange(len(_PHONE_PREFIXES))] + f"{rng.randrange(10**8):08d}"


def typo_phone(rng: random.Random, phone: str) -> str:
    """The same number with one digit (after the prefix) mistyped."""
    pos = rng.randrange(3, 11)
    wrong = str((int(phone[pos]) + rng.randrange(1, 10)) % 10)
    return phone[:pos] + wrong + phone[pos + 1:]


def phone_text(rng: random.Random, phone: str) -> str:
    """How people write a mobile number: plain, spaced, dashed, with +86."""
    r = rng.random()
    if r < 0.45:
        return phone
    if r < 0.65:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if r < 0.8:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if r < 0.9:
        return f"+86 {phone}"
    if r < 0.95:
        return f"+86-{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return f"{phone[:3]}{phone[3:7]} {phone[7:]}"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[7:]}"


def card_text(rng: random.Random, card: str) -> str:
    if rng.random() < 0.5:
        return card
    return " ".join(card[i:i + 4] for i in range(0, len(card), 4))


def make_plate(rng: random.Random) -> tuple[str, str]:
    """(text as written, canonical upper-case without separators)."""
    prov = PLATE_PROVINCES[rng.randrange(len(PLATE_PROVINCES))]
    letter = "ABCDEFGHJK"[rng.randrange(10)]
    if rng.random() < 0.15:
        tail = rng.choice("DF") + "".join(str(rng.randrange(10)) for _ in range(5))
    else:
        n_letters = rng.choice((0, 0, 1, 1, 2))
        chars = [str(rng.randrange(10)) for _ in range(5)]
        for pos in rng.sample(range(5), n_letters):
            chars[pos] = _PLATE_CHARS[10 + rng.randrange(24)]
        tail = "".join(chars)
    canon = f"{prov}{letter}{tail}"
    sep = rng.choice(("·", "", "", " ", "-"))
    return f"{prov}{letter}{sep}{tail}", canon


_HANDLE_WORDS = ("lily", "sunny", "kevin", "tony", "amy", "jack", "coco", "leo", "momo", "xiaoyu",
                 "ajie", "happy", "lucky", "angel", "tiger", "king", "rose", "zhang", "wang", "li")


def make_wechat(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return "wxid_" + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(12))
    word = _HANDLE_WORDS[rng.randrange(len(_HANDLE_WORDS))]
    return f"{word}{rng.choice(('_', '', ''))}{rng.randrange(10, 99999)}"


def make_qq(rng: random.Random) -> str:
    n = rng.randrange(6, 11)
    return str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))
