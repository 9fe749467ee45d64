"""Text normalisation that keeps a map back to the original offsets.

What :func:`normalize` does, in this order:

1. one character for one character (``str.translate`` with a table built once):

   * full-width ASCII (U+FF01–U+FF5E) -> half-width, **except** the seven full-width marks that
     ordinary Chinese text uses as its own punctuation: ``，：；！？（）``. They stay Chinese, so
     that clause boundaries keep the form that segmenters and the rule finders expect (``。、“”``
     are not full-width ASCII and stay as they are anyway). Full-width digits, Latin letters,
     ``．％－／＋＠＃`` and so on all become ASCII;
   * every single whitespace character (ideographic space U+3000, no-break space, tab, CR, LF,
     the U+2000 block …) -> ``" "``;
   * traditional -> simplified, per character, from zhconv's ``zh2Hans`` table (only keys of one
     character that map to exactly one character; built lazily on first use).

2. a regular expression for the changes of length: zero-width characters (U+200B–U+200D, U+2060,
   U+FEFF) are removed and runs of spaces become one space.

``NormText.span`` maps a span of the normalised text back to the original. When step 2 changed
nothing (the common case) the offsets are identical and no array is built.
"""

from __future__ import annotations

import logging
import re
import threading
from array import array

from clue_miner.text.charmap import CharMap

log = logging.getLogger(__name__)

__all__ = ["NormText", "normalize", "translation_table"]

# Full-width forms that stay as they are (Chinese punctuation proper).
KEEP_FULLWIDTH = frozenset("，：；！？（）")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# Characters zhconv maps that are also in everyday simplified use; converting them would damage
# simplified text (乾坤 -> 干坤, 瞭望 -> 了望).
_S2T_EXCLUDE = frozenset("乾瞭")

_RUNS = re.compile(f"[ {ZERO_WIDTH}]{{2,}}|[{ZERO_WIDTH}]")

_table: dict[int, int] | None = None
_map: CharMap | None = None
_lock = threading.Lock()


def _base_table() -> dict[int, int]:
    table: dict[int, int] = {}
    for cp in range(0xFF01, 0xFF5F):
        ch = chr(cp)
        if ch not in KEEP_FULLWIDTH:
            table[cp] = cp - 0xFEE0
    for cp in range(0x3001):  # every whitespace character lies at or below U+3000
        ch = chr(cp)
        if ch.isspace() and ch != " ":
            table[cp] = 0x20
    return table


def translation_table() -> dict[int, int]:
    """The 1:1 table (width, whitespace, traditional -> simplified); built once per process."""
    global _table
    if _table is not None:
        return _table
    with _lock:
        if _table is None:
            table = _simplified_table()
            table.update(_base_table())  # width/whitespace entries win
            _table = table
    return _table


def _charmap() -> CharMap:
    """:func:`translation_table` as a :class:`~clue_miner.text.charmap.CharMap` (built once)."""
    global _map
    if _map is None:
        table = translation_table()
        with _lock:
            if _map is None:
                _map = CharMap(table)
    return _map


def _simplified_table() -> dict[int, int]:
    try:
        import zhconv.zhconv as zc
    except ImportError:  # pragma: no cover - zhconv is a declared dependency
        log.warning("zhconv not installed: traditional characters are left as they are")
        return {}
    zc.loaddict()
    pairs = zc.zhcdicts["zh2Hans"]
    return {
        ord(k): ord(v)
        for k, v in pairs.items()
        if len(k) == 1 and len(v) == 1 and k != v and k not in _S2T_EXCLUDE
    }


class NormText:
    """A normalised text with the way back to the original.

    ``text`` is the normalised string, ``original`` the input. ``span(start, end)`` maps a span
    of ``text`` to the span of ``original`` it came from.
    """

    __slots__ = ("text", "original", "_starts", "_ends")

    def __init__(
        self,
        text: str,
        original: str,
        starts: array | None = None,
        ends: array | None = None,
    ) -> None:
        self.text = text
        self.original = original
        self._starts = starts  # original start of each normalised char (None: identity)
        self._ends = ends  # original end of each normalised char

    @property
    def changed_length(self) -> bool:
        return self._starts is not None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` to ``(orig_start, orig_end)`` in ``original``."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        starts = self._starts
        if starts is None:
            return start, end
        ends = self._ends
        assert ends is not None
        if start == end:
            pos = starts[start] if start < n else len(self.original)
            return pos, pos
        return starts[start], ends[end - 1]

    def offset(self, index: int) -> int:
        """Original offset of the normalised position ``index`` (a boundary, 0..len(text))."""
        if self._starts is None:
            return max(0, min(index, len(self.original)))
        if index >= len(self.text):
            return len(self.original)
        return self._starts[max(0, index)]

    def __len__(self) -> int:
        return len(self.text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"NormText({self.text!r})"


def normalize(text: str) -> NormText:
    """Normalise ``text`` (see the module docstring); never raises on a string."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    translated = _charmap()(text)
    if _RUNS.search(translated) is None:
        return NormText(translated, text)
    pieces: list[str] = []
    starts = array("i")
    ends = array("i")
    pos = 0
    for m in _RUNS.finditer(translated):
        s, e = m.span()
        if s > pos:
            pieces.append(translated[pos:s])
            starts.extend(range(pos, s))
            ends.extend(range(pos + 1, s + 1))
        if " " in m.group():
            pieces.append(" ")
            starts.append(s)
            ends.append(e)
        pos = e
    if pos < len(translated):
        pieces.append(translated[pos:])
        starts.extend(range(pos, len(translated)))
        ends.extend(range(pos + 1, len(translated) + 1))
    return NormText("".join(pieces), text, starts, ends)
