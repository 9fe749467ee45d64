"""Word segmentation: jieba with the legal user dictionary.

``Segmenter`` owns its own ``jieba.Tokenizer`` (the global one is never touched), loaded lazily
on first use with ``knowledge/legal_dict.txt`` so that charge names, procedural terms and fraud
slang (杀猪盘, 刷单, 套路贷, 不予立案 …) stay whole. ``get_segmenter()`` gives one shared
instance per process. ``plain_cut`` is the fast path without the user dictionary: rjieba when
installed, otherwise the shared segmenter.

jieba's paddle mode is never enabled; its logger is set to WARNING.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["LEGAL_DICT", "Segmenter", "get_segmenter", "plain_cut"]

LEGAL_DICT = Path(__file__).resolve().parent.parent / "knowledge" / "legal_dict.txt"


def _silence_jieba() -> None:
    logging.getLogger("jieba").setLevel(logging.WARNING)


class Segmenter:
    """jieba with a user dictionary; the tokenizer is built on first use.

    ``user_dict=None`` loads the legal dictionary shipped with the package; pass a path to use
    another one (the legal dictionary is then not loaded).
    """

    def __init__(self, user_dict: Path | str | None = None) -> None:
        self.user_dict = Path(user_dict) if user_dict is not None else LEGAL_DICT
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def tokenizer(self) -> Any:
        """The underlying ``jieba.Tokenizer`` (initialised with the user dictionary)."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._load()
        return self._tokenizer

    def _load(self) -> Any:
        _silence_jieba()
        import jieba

        _silence_jieba()
        tok = jieba.Tokenizer()
        tok.initialize()
        if self.user_dict.is_file():
            tok.load_userdict(str(self.user_dict))
        else:
            log.warning("user dictionary %s not found; segmenting without it", self.user_dict)
        return tok

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (HMM on for unknown words)."""
        if not text:
            return []
        return list(self.tokenizer.cut(text, HMM=True))

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """``(word, start, end)`` for every word; ``text[start:end] == word``."""
        if not text:
            return []
        return [(w, s, e) for w, s, e in self.tokenizer.tokenize(text, HMM=True)]

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self.tokenizer.add_word(word, freq, tag)


@lru_cache(maxsize=1)
def get_segmenter() -> Segmenter:
    """The process-wide segmenter with the legal dictionary."""
    return Segmenter()


@lru_cache(maxsize=1)
def _rjieba() -> Any:
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba


def plain_cut(text: str) -> list[str]:
    """Fast segmentation without the legal dictionary (rjieba if installed, else jieba)."""
    if not text:
        return []
    rj = _rjieba()
    if rj is not None:
        return list(rj.cut(text))
    return get_segmenter().cut(text)
