"""Inputs of the NER network: character and bigram ids, lexicon flags, and text segmentation.

Shared by training (``training/ner_*.py``) and inference (:mod:`clue_miner.extract.ner.model`) so
both see exactly the same features. Ids 0 and 1 are padding and unknown. A bigram is a character
and its right neighbour (``\\x03`` past the end) with ASCII digits folded to ``0`` and letters to
``a`` (``600元`` and ``300元`` share ``00``, ``0元``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from clue_miner.extract.textfeatures import code_points
from clue_miner.text.charmap import CharMap

__all__ = ["PAD", "UNK", "Vocab", "bigrams", "padded", "segment"]

PAD, UNK = 0, 1
_END = "\x03"
_FOLD = {ord(c): "0" for c in "0123456789"} | {ord(c): "a" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_FOLDED = CharMap(_FOLD)
_SENT_END = re.compile(r"[。！？!?；;\n]+[”’\"」』]?")
_CLAUSE_END = re.compile(r"[，,、：:]")


def padded(rows: np.ndarray, sizes: np.ndarray, steps: int) -> np.ndarray:
    """Pieces' rows laid end to end (``(sum sizes, C)``) as a right-padded ``(B, steps, C)`` block,
    zero past each size."""
    out = np.zeros((len(sizes), steps, rows.shape[1]), dtype=rows.dtype)
    out[np.arange(steps)[None, :] < sizes[:, None]] = rows
    return out


def bigrams(text: str) -> list[str]:
    folded = text.translate(_FOLD)
    return [folded[i:i + 2] if i + 1 < len(folded) else folded[i] + _END for i in range(len(folded))]


def _code_key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << 21) | ord(ch)
    return key


def _table(mapping: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(sorted(mapping), dtype=np.uint64)
    return keys, np.array([mapping[int(k)] for k in keys], dtype=np.int64)


def _lookup(table: tuple[np.ndarray, np.ndarray], query: np.ndarray) -> np.ndarray:
    keys, ids = table
    if not len(keys):
        return np.full(len(query), UNK, dtype=np.int64)
    pos = np.searchsorted(keys, query)
    pos[pos == len(keys)] = 0
    return np.where(keys[pos] == query, ids[pos], UNK)


@dataclass
class Vocab:
    """Character, bigram and lexicon-word vocabularies (lists; the index of an entry is its id;
    ``words[0]`` is "no word")."""

    chars: list[str]
    bigrams: list[str]
    words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._c = {c: i for i, c in enumerate(self.chars)}
        self._b = {b: i for i, b in enumerate(self.bigrams)}
        self._keys: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None

    def encode(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Character and bigram ids of ``text`` (UNK where the vocabulary lacks one)."""
        if self._keys is None:  # the maps as sorted integer keys (code points, two << 21 | ...), built once
            self._keys = (_table({_code_key(c): i for c, i in self._c.items() if len(c) == 1}),
                          _table({_code_key(b): i for b, i in self._b.items() if len(b) == 2}))
        c_keys, b_keys = self._keys
        codes = code_points(text)
        folded = _FOLDED.code_points(codes)
        following = np.empty_like(folded)
        following[:-1] = folded[1:]
        following[-1:] = ord(_END)
        return _lookup(c_keys, codes), _lookup(b_keys, (folded << np.uint64(21)) | following)

    def encode_by_dict(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """``encode`` one dict lookup at a time (the reference)."""
        c = self._c
        b = self._b
        cids = np.fromiter((c.get(ch, UNK) for ch in text), dtype=np.int64, count=len(text))
        bids = np.fromiter((b.get(bg, UNK) for bg in bigrams(text)), dtype=np.int64, count=len(text))
        return cids, bids

    @classmethod
    def build(cls, texts: Sequence[str], min_char: int = 2, min_bigram: int = 3,
              max_bigrams: int = 80000) -> Vocab:
        from collections import Counter

        cc: Counter[str] = Counter()
        bc: Counter[str] = Counter()
        for t in texts:
            cc.update(t)
            bc.update(bigrams(t))
        chars = sorted((c for c, n in cc.items() if n >= min_char), key=lambda c: (-cc[c], c))
        bgs = sorted((g for g, n in bc.items() if n >= min_bigram), key=lambda g: (-bc[g], g))[:max_bigrams]
        return cls(["<pad>", "<unk>", *chars], ["<pad>", "<unk>", *bgs])

    def word_map(self, lexicon_words: Sequence[str]) -> np.ndarray:
        """For each lexicon word (in the lexicon's order), its id in :attr:`words` (0: none)."""
        index = {w: i for i, w in enumerate(self.words) if i > 0}
        return np.fromiter((index.get(w, 0) for w in lexicon_words), dtype=np.int64, count=len(lexicon_words))


def segment(text: str, max_len: int = 160, hard_len: int = 250) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of ``text``: whole sentences packed up to ``max_len`` characters;
    a sentence longer than ``hard_len`` is cut at clause marks, then every ``hard_len``."""
    if len(text) <= max_len:
        return [(0, len(text))] if text else []
    sents: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        sents.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        sents.append((pos, len(text)))
    pieces: list[tuple[int, int]] = []
    for s, e in sents:
        while e - s > hard_len:
            cut = s + hard_len
            window = text[s + hard_len // 2: cut]
            marks = list(_CLAUSE_END.finditer(window))
            if marks:
                cut = s + hard_len // 2 + marks[-1].end()
            pieces.append((s, cut))
            s = cut
        pieces.append((s, e))
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out and e - out[-1][0] <= max_len:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
