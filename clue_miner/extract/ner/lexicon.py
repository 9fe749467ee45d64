"""Soft-lexicon features: which dictionary words cover each character, and how.

The lexicon is jieba's own dictionary (``jieba/dict.txt``, ~349k words with a frequency and a
part-of-speech tag) plus the package's legal dictionary (``knowledge/legal_dict.txt``). For each
character of a text and each of the four positions a covering word can give it — **B**egin,
**M**iddle, **E**nd, **S**ingle — the features flag

* the coarse part of speech of the words (nr person, ns place, nt organisation, nz, n, v, i idiom,
  m numeral, t time, q measure, a, j abbreviation, x other) and ``legal`` for the legal dictionary;
* the frequency bands of the covering words (<10, <100, <1000, ≥1000);
* the length band of the covering words (1–2, 3, 4, ≥5);

so ``4 × (14 + 4 + 4) = 88`` binary features a character. :meth:`Lexicon.word_slots` gives
SoftLexicon's word sets too (Ma et al. 2020): for B, M and E, the ids of the most frequent
covering words, whose embeddings the model learns from scratch (no pretrained vectors here) and
averages with log-frequency weights.
Matching is one Aho–Corasick pass (pyahocorasick) or, once a process has read enough text
(``extract/jit.py``), a compiled walk down the words' trie from each character (``ner/kernels.py``):
the same matches in the same order, about 13x faster; the feature matrix is filled with numpy.
Words are normalised like the texts (``clue_miner.text.normalize``'s 1:1 table).

Building the lexicon reads ~355k words and takes ~3.5 s, most of a cold start. The result is kept
in a cache directory (``$CLUE_MINER_CACHE``, else ``$XDG_CACHE_HOME/clue_miner``, else
``~/.cache/clue_miner``; ``CLUE_MINER_CACHE=off`` disables it): the arrays as ``.npz`` (read with
``allow_pickle=False``) and the automaton in pyahocorasick's own format with plain 4-byte values,
both named by a digest of the dictionary files, the normalisation table and this module's
``CACHE_VERSION``, so a changed dictionary never meets a stale cache; the trie's four arrays
(int32, ~8 MB) are in the ``.npz``. Loading them takes ~0.25 s.
A cache that cannot be written (read-only home) or read (damaged) is rebuilt and logged, never
fatal.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from clue_miner.extract.textfeatures import code_points
from clue_miner.text.trie import build_trie

log = logging.getLogger(__name__)

__all__ = ["CLASSES", "N_FEATURES", "Lexicon", "get_lexicon", "jieba_dict_path"]

CLASSES = ("nr", "ns", "nt", "nz", "n", "v", "i", "m", "t", "q", "a", "j", "x", "legal")
_POS_CLASS = {
    "nr": "nr", "nrt": "nr", "nrfg": "nr", "ns": "ns", "nt": "nt", "nz": "nz", "n": "n", "ng": "n",
    "v": "v", "vn": "v", "vg": "v", "vd": "v", "vi": "v", "vq": "v", "i": "i", "l": "i", "m": "m",
    "mq": "m", "mg": "m", "t": "t", "tg": "t", "q": "q", "a": "a", "ad": "a", "an": "a", "ag": "a",
    "z": "a", "b": "a", "j": "j",
}
_FREQ_BANDS = (10, 100, 1000)
_N_CLASS = len(CLASSES)
BLOCK = _N_CLASS + 4 + 4
POSITIONS = ("B", "M", "E", "S")
N_FEATURES = len(POSITIONS) * BLOCK
MAX_WORD = 8
_K = 4  # base features per word: up to two classes, one frequency band, one length band
CACHE_VERSION = 2  # bump when _build's output changes for the same dictionaries (2: the trie)
Matches = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def jieba_dict_path() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def _legal_dict_path() -> Path:
    return Path(__file__).resolve().parents[2] / "knowledge" / "legal_dict.txt"


def _read_dict(path: Path, table: dict[int, int]) -> list[tuple[str, int, str]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            word = parts[0].translate(table)
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
            pos = parts[2] if len(parts) > 2 else "x"
            if 1 <= len(word) <= MAX_WORD and not word.isspace():
                rows.append((word, freq, pos))
    return rows


class Lexicon:
    """Words with their base features, and an automaton that finds them in a text."""

    def __init__(self, paths: list[Path] | None = None, legal: Path | None = None) -> None:
        self.paths = paths if paths is not None else [jieba_dict_path()]
        self.legal = legal if legal is not None else _legal_dict_path()
        self._auto: Any = None
        self._base: np.ndarray | None = None
        self._lens: np.ndarray | None = None
        self._weight: np.ndarray | None = None
        self._trie: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.words: list[str] = []
        self.fingerprint = ""
        self.size = 0
        self._lock = threading.Lock()

    def _cache_key(self, table: dict[int, int]) -> str:
        digest = hashlib.sha1(f"lexicon {CACHE_VERSION} {_MAX_WORD_KEY}\n".encode())
        for path in [*self.paths, self.legal]:
            digest.update(str(path.name).encode())
            if path.is_file():
                digest.update(path.read_bytes())
        digest.update(repr(sorted(table.items())).encode())
        return digest.hexdigest()[:20]

    def _build(self) -> None:
        from clue_miner.text.normalize import translation_table

        table = translation_table()
        folder = cache_dir()
        key = self._cache_key(table) if folder is not None else ""
        if folder is not None and self._load_cache(folder, key):
            return
        self._compute(table)
        if folder is not None:
            self._save_cache(folder, key)

    def _load_cache(self, folder: Path, key: str) -> bool:
        import ahocorasick

        arrays, auto = folder / f"lexicon-{key}.npz", folder / f"lexicon-{key}.aho"
        if not (arrays.is_file() and auto.is_file()):
            return False
        try:
            with np.load(arrays, allow_pickle=False) as z:
                base, lens, weight = z["base"], z["lens"], z["weight"]
                words = str(z["words"][()]).split("\n")
                fingerprint = str(z["fingerprint"][()])
                trie = tuple(z[f"trie_{part}"] for part in _TRIE_PARTS)
            automaton = ahocorasick.load(str(auto), _int_from_bytes)
        except Exception as exc:  # a damaged or foreign file: rebuild
            log.warning("lexicon cache %s unreadable (%s); rebuilding", arrays.name, exc)
            return False
        if not (len(words) == len(base) == len(lens) == len(weight) == len(automaton)) or len(trie[0]) != len(trie[3]) + 1:
            log.warning("lexicon cache %s inconsistent; rebuilding", arrays.name)
            return False
        self._auto, self._base, self._lens, self._weight = automaton, base, lens, weight
        self.words, self.size, self.fingerprint = words, len(words), fingerprint
        self._trie = trie  # type: ignore[assignment]
        return True

    def _save_cache(self, folder: Path, key: str) -> None:
        assert self._trie is not None  # _compute built it
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".lexicon-{key}.{os.getpid()}"
            with open(f"{tmp}.npz", "wb") as fh:
                np.savez(fh, base=self._base, lens=self._lens, weight=self._weight,
                         words=np.array("\n".join(self.words)), fingerprint=np.array(self.fingerprint),
                         **{f"trie_{part}": arr for part, arr in zip(_TRIE_PARTS, self._trie, strict=True)})
            self._auto.save(f"{tmp}.aho", _int_to_bytes)
            os.replace(f"{tmp}.npz", folder / f"lexicon-{key}.npz")  # arrays last-but-one, automaton last:
            os.replace(f"{tmp}.aho", folder / f"lexicon-{key}.aho")  # a reader needs both
        except OSError as exc:
            log.info("lexicon cache not written to %s (%s)", folder, exc)

    def _compute(self, table: dict[int, int]) -> None:
        import ahocorasick

        words: dict[str, list[Any]] = {}  # word -> [freq, set(classes)]
        for path in self.paths:
            for word, freq, pos in _read_dict(path, table):
                entry = words.setdefault(word, [0, set()])
                entry[0] = max(entry[0], freq)
                entry[1].add(_POS_CLASS.get(pos, "x"))
        if self.legal.is_file():
            for word, freq, pos in _read_dict(self.legal, table):
                entry = words.setdefault(word, [0, set()])
                entry[0] = max(entry[0], freq)
                entry[1].update({_POS_CLASS.get(pos, "x"), "legal"})
        order = sorted(words)
        base = np.full((len(order), _K), N_FEATURES, dtype=np.int32)  # N_FEATURES = a dropped column
        lens = np.zeros(len(order), dtype=np.int32)
        weight = np.zeros(len(order), dtype=np.float32)
        auto = ahocorasick.Automaton()
        digest = hashlib.sha1()
        for i, word in enumerate(order):
            freq, classes = words[word]
            cls = sorted((CLASSES.index(c) for c in classes), key=lambda k: (k == CLASSES.index("legal"), k))
            if "legal" in classes:
                cls = [c for c in cls if CLASSES[c] != "x"][:1] + [CLASSES.index("legal")]
            band = sum(freq >= b for b in _FREQ_BANDS)
            lband = min(max(len(word) - 2, 0), 3)
            feats = [*cls[:2], _N_CLASS + band, _N_CLASS + 4 + lband]
            base[i, : len(feats)] = feats
            lens[i] = len(word)
            weight[i] = np.log1p(freq)
            auto.add_word(word, i)
            digest.update(f"{word}\t{freq}\t{','.join(sorted(classes))}\n".encode())
        auto.make_automaton()
        self._auto, self._base, self._lens, self._weight = auto, base, lens, weight
        self.words = order
        self._trie = build_trie(order, MAX_WORD)
        self.size = len(order)
        self.fingerprint = digest.hexdigest()[:16]
        log.debug("lexicon: %d words, fingerprint %s", self.size, self.fingerprint)

    def ensure(self) -> Lexicon:
        if self._auto is None:
            with self._lock:
                if self._auto is None:
                    self._build()
        return self

    def trie(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The words as a trie for the compiled matcher (:func:`.kernels.trie_matches`): per node
        (0 the root) its edges ``ptr[v]:ptr[v + 1]`` into ``chars`` (ascending code points) and
        ``child``, and ``word[v]``, the index of the word node ``v`` ends (-1 none). Built with
        the words (well under a second) and kept in the cache beside them."""
        self.ensure()
        assert self._trie is not None
        return self._trie

    def matches(self, text: str, kernels_choice: str | None = None) -> Matches:
        """``(starts, ends_inclusive, lengths, word_index)`` of every dictionary word in ``text``,
        ordered by end, the longest first: pyahocorasick's automaton or, once :mod:`clue_miner.extract.jit` says so,
        the compiled trie walk (the same matches in the same order)."""
        from clue_miner.extract.jit import kernels

        self.ensure()
        assert self._lens is not None
        jit = kernels(kernels_choice, len(text)) if text else None
        if jit is not None:
            pairs = jit.trie_matches(code_points(text).astype(np.int64), *self.trie(), MAX_WORD)
        else:
            found = list(self._auto.iter(text)) if text else []
            pairs = np.array(found, dtype=np.int64).reshape(-1, 2)
        if not len(pairs):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, empty
        ends, hits = pairs[:, 0], pairs[:, 1]
        lens = self._lens[hits].astype(np.int64)
        return ends - lens + 1, ends, lens, hits

    def features(self, text: str, found: Matches | None = None) -> np.ndarray:
        """``(len(text), N_FEATURES)`` uint8 flags for ``text`` (``found``: its :meth:`matches`)."""
        self.ensure()
        assert self._base is not None
        n = len(text)
        out = np.zeros((n, N_FEATURES + 1), dtype=np.uint8)
        starts, ends, lens, hits = found if found is not None else self.matches(text)
        if hits.size == 0:
            return out[:, :N_FEATURES]
        base = self._base[hits]

        def put(rows: np.ndarray, b: np.ndarray, pos: int) -> None:
            if rows.size:
                out[rows[:, None], np.where(b < N_FEATURES, b + pos * BLOCK, N_FEATURES)] = 1

        single = lens == 1
        multi = ~single
        put(starts[single], base[single], 3)
        put(starts[multi], base[multi], 0)
        put(ends[multi], base[multi], 2)
        inner = lens - 2
        mid = inner > 0
        if mid.any():
            reps = inner[mid]
            idx = np.repeat(np.arange(int(mid.sum())), reps)
            offs = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
            put(starts[mid][idx] + 1 + offs, base[mid][idx], 1)
        return out[:, :N_FEATURES]

    def word_slots(self, text: str, to_model: np.ndarray, k: int,
                   found: Matches | None = None) -> tuple[np.ndarray, np.ndarray]:
        """SoftLexicon's word sets: for each character and each of B, M, E, the ids (``to_model``
        maps a dictionary index to a model word id, 0 = none) of up to ``k`` covering words of two
        or more characters, most frequent first, and their weights (log frequency, summing to 1
        per set). Returns ``(ids (T, 3, k) int64, weights (T, 3, k) float32)``."""
        n = len(text)
        ids = np.zeros((n, 3, k), dtype=np.int64)
        wts = np.zeros((n, 3, k), dtype=np.float32)
        starts, ends, lens, hits = found if found is not None else self.matches(text)
        if hits.size == 0:
            return ids, wts
        assert self._weight is not None
        wid = to_model[hits]
        keep = (lens >= 2) & (wid > 0)
        if not keep.any():
            return ids, wts
        starts, ends, lens, wid, w = starts[keep], ends[keep], lens[keep], wid[keep], self._weight[hits[keep]]
        inner = lens - 2
        rep = np.repeat(np.arange(len(wid)), inner)
        offs = np.arange(int(inner.sum())) - np.repeat(np.cumsum(inner) - inner, inner)
        rows = np.concatenate([starts, starts[rep] + 1 + offs, ends])
        pos = np.concatenate([np.zeros(len(wid), np.int64), np.ones(len(rep), np.int64), np.full(len(wid), 2)])
        wa = np.concatenate([wid, wid[rep], wid])
        ww = np.concatenate([w, w[rep], w])
        order = np.lexsort((wa, -ww, pos, rows))
        rows, pos, wa, ww = rows[order], pos[order], wa[order], ww[order]
        group = rows * 3 + pos
        first = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
        rank = np.arange(len(group)) - np.repeat(first, np.diff(np.r_[first, len(group)]))
        ok = rank < k
        ids[rows[ok], pos[ok], rank[ok]] = wa[ok]
        wts[rows[ok], pos[ok], rank[ok]] = ww[ok]
        total = wts.sum(axis=2, keepdims=True)
        np.divide(wts, total, out=wts, where=total > 0)
        return ids, wts

    def flags_and_slots(self, text: str, to_model: np.ndarray, k: int, found: Matches,
                        jit: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`features` and :meth:`word_slots` of ``text`` (``found``: its :meth:`matches`):
        ``(flags, ids, weights)``, in one compiled pass when ``jit`` (the NER kernels module) is
        given — the same arrays."""
        if jit is None:
            return (self.features(text, found), *self.word_slots(text, to_model, k, found))
        assert self._base is not None and self._weight is not None
        starts, ends, lens, hits = found
        return jit.lexicon_rows(len(text), starts, ends, lens, hits, self._base, self._weight, to_model, k,
                                N_FEATURES, BLOCK)

    def word_counts(self, texts: list[str]) -> np.ndarray:
        """How often each dictionary word of two or more characters occurs in ``texts``."""
        counts = np.zeros(self.ensure().size, dtype=np.int64)
        for t in texts:
            _, _, lens, hits = self.matches(t)
            np.add.at(counts, hits[lens >= 2], 1)
        return counts

    def info(self) -> dict[str, Any]:
        self.ensure()
        return {"words": self.size, "fingerprint": self.fingerprint, "n_features": N_FEATURES,
                "sources": ["jieba/dict.txt", "clue_miner/knowledge/legal_dict.txt"]}


_TRIE_PARTS = ("ptr", "chars", "child", "word")


_MAX_WORD_KEY = f"max_word={MAX_WORD} k={_K} classes={','.join(CLASSES)} bands={_FREQ_BANDS}"


def _int_to_bytes(value: int) -> bytes:
    return int(value).to_bytes(4, "little")


def _int_from_bytes(data: bytes) -> int:
    return int.from_bytes(data, "little")


def cache_dir() -> Path | None:
    """Where built lexicons are kept (None: caching switched off with ``CLUE_MINER_CACHE=off``)."""
    given = os.environ.get("CLUE_MINER_CACHE")
    if given:
        return None if given.lower() in ("off", "0", "none", "false") else Path(given)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "clue_miner"


_shared: Lexicon | None = None
_shared_lock = threading.Lock()


def get_lexicon() -> Lexicon:
    """The process-wide lexicon (jieba's dictionary + the legal dictionary), built on first use."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Lexicon()
    return _shared.ensure()

