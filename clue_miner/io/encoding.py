"""Text encoding detection for input files.

Detection is by strict decoding attempts, no statistical guessing:

1. a byte-order mark decides: UTF-8 BOM -> ``utf-8-sig``, UTF-16 BOM -> ``utf-16``;
2. NUL bytes in alternate positions without a BOM -> ``utf-16-le`` / ``utf-16-be``;
3. otherwise the first MiB must decode strictly as UTF-8 (then GB18030 stays as a fallback in
   case a later part of the file is not UTF-8) or as GB18030 (a superset of GBK and GB2312);
4. bytes that decode as neither raise :class:`InputError` with code ``bad_encoding``.
"""

from __future__ import annotations

import codecs
import logging
from pathlib import Path

from clue_miner.errors import InputError

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 1 << 20

# User spellings -> the codec we actually use (GB18030 is a superset of GBK and GB2312).
_ALIASES = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "936": "gb18030",
    "gb18030": "gb18030",
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "utf_8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "utf16": "utf-16",
    "utf-16": "utf-16",
}


def normalise_encoding_name(encoding: str) -> str:
    """Map a user-given encoding name to the codec used for reading; unknown names -> InputError."""
    name = encoding.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r} (未知的编码)", code="bad_encoding") from exc
    return name


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


def _decodes(data: bytes, encoding: str, final: bool) -> int | None:
    """Return None when ``data`` decodes strictly, else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(data, final=final)
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    head = sample[:4096]
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def bad_encoding_error(path: Path, tried: list[str], offset: int | None = None) -> InputError:
    where = f" near byte {offset}" if offset is not None else ""
    return InputError(
        f"cannot decode {path.name} as {' or '.join(tried)}{where} (文件编码无法识别，"
        f"请转存为 UTF-8 或 GB18030，或用 --encoding 指定编码)",
        code="bad_encoding",
    )


def encoding_candidates(path: Path, sample: bytes, encoding: str | None = None) -> list[str]:
    """Codecs to try, in order, for the whole file; the first must decode ``sample``.

    Raises :class:`InputError` (``bad_encoding``) when the sample decodes under none of them.
    """
    final = len(sample) < SAMPLE_BYTES
    if encoding is not None:
        codec = normalise_encoding_name(encoding)
        bad = _decodes(sample, codec, final)
        if bad is not None:
            raise bad_encoding_error(path, [codec], bad)
        return [codec]
    if sample.startswith(codecs.BOM_UTF8):
        bad = _decodes(sample, "utf-8-sig", final)
        if bad is not None:
            raise bad_encoding_error(path, ["utf-8-sig"], bad)
        return ["utf-8-sig"]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None and _decodes(sample, utf16, final) is None:
        return [utf16]
    bad_utf8 = _decodes(sample, "utf-8", final)
    if bad_utf8 is None:
        return ["utf-8", "gb18030"]
    bad_gb = _decodes(sample, "gb18030", final)
    if bad_gb is None:
        logger.debug("%s: not UTF-8 (byte %d), reading as GB18030", path.name, bad_utf8)
        return ["gb18030"]
    raise bad_encoding_error(path, ["UTF-8", "GB18030"], max(bad_utf8, bad_gb))


def decode_all(path: Path, data: bytes, candidates: list[str]) -> tuple[str, str]:
    """Decode a whole file strictly with the first candidate that works: (text, codec)."""
    last_offset: int | None = None
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            last_offset = exc.start
    raise bad_encoding_error(path, candidates, last_offset)
