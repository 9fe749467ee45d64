"""The NER's decoded pieces remembered by their text: a repeated piece is not encoded again.

Complaint archives repeat themselves: petitioners post the same letter several times (重复信访), and
letters copy paragraphs of earlier ones (in the first 3,000 real board messages 4.4 % of the
characters are in a piece seen before). Each piece is encoded and decoded on its own (no state
crosses pieces, :meth:`.model.NerModel._decode_pieces`), so a piece's spans depend on its text and
the heads asked for only: the remembered ones are what decoding it again would give.

:class:`PieceMemo` is a bounded least-recently-used map, safe to share between threads (the
pipeline runs two NER calls at once, a service has callers on several threads).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

_V = TypeVar("_V")

DEFAULT_PIECES = 4096  # entries: a piece's spans are a few tuples; 4,096 pieces of 160 characters: a few MB
MEMO_ENV = "CLUE_MINER_NER_MEMO"  # pieces to remember (0: none)


def memo_size(size: int | None = None) -> int:
    """``size``, else ``$CLUE_MINER_NER_MEMO``, else :data:`DEFAULT_PIECES`; a ModelError
    (``bad_option``) unless a whole number >= 0."""
    from clue_miner.errors import ModelError

    if size is None:
        raw = os.environ.get(MEMO_ENV, "").strip()
        if not raw:
            return DEFAULT_PIECES
        try:
            size = int(raw)
        except ValueError:
            raise ModelError(f"{MEMO_ENV} must be a whole number of pieces (0: none), got {raw!r}",
                             code="bad_option") from None
    if size < 0:
        raise ModelError(f"the NER's memo size must be >= 0, got {size}", code="bad_option")
    return size


class PieceMemo(Generic[_V]):
    """At most ``size`` entries (:func:`memo_size`), the least recently used dropped first; 0
    remembers nothing."""

    def __init__(self, size: int | None = None) -> None:
        self.size = memo_size(size)
        self._items: OrderedDict[Hashable, _V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def found(self, keys: Iterable[Hashable]) -> dict[Hashable, _V]:
        """The remembered values of ``keys`` (each marked as just used); the others are absent."""
        out: dict[Hashable, _V] = {}
        with self._lock:
            for key in keys:
                if key in out:
                    continue
                value = self._items.get(key)
                if value is None:
                    self.misses += 1
                    continue
                self._items.move_to_end(key)
                out[key] = value
                self.hits += 1
        return out

    def keep(self, items: Iterable[tuple[Hashable, _V]]) -> None:
        if not self.size:
            return
        with self._lock:
            for key, value in items:
                self._items[key] = value
                self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0
