"""Character n-gram TF-IDF features with a fixed vocabulary, in plain numpy (no pickles, no scikit-learn).

The offence model reads a text as character 1–3-grams of its *folded* form: ASCII upper case and
full-width ASCII become lower-case half-width, every digit becomes ``0`` (amounts and dates vary,
their shape matters). Folding is one character for one character, so an n-gram found at
``folded[i:j]`` is the span ``text[i:j]`` of the text as given (evidence spans need that).

Two views of the same counts:

- ``sup``: sublinear tf (1 + log count) times idf over all n-grams, L2-normalised (the supervised
  classifiers and class centroids read it);
- ``desc``: the same over the 1–2-grams only, L2-normalised on its own (similarity to the label
  descriptions built from the statute reads it: short n-grams match statute prose best).

Batches are :class:`Rows` (CSR triplets). :func:`feature_dot` multiplies rows by a matrix stored
feature-major (one CSR row per vocabulary entry, columns = labels) (:class:`FeatureMatrix`): scipy's
sparse product when scipy is installed, else ``numpy.bincount`` (no scipy needed to predict).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clue_miner.text.charmap import CharMap

__all__ = ["FOLD", "FeatureMatrix", "NgramVectorizer", "Rows", "feature_dot", "fold"]

FOLD: dict[int, int] = {i: i + 32 for i in range(ord("A"), ord("Z") + 1)}
FOLD.update({i: (i - 0xFEE0) + (32 if 0xFF21 <= i <= 0xFF3A else 0) for i in range(0xFF01, 0xFF5F)})
FOLD.update({ord(d): ord("0") for d in "123456789"})
FOLD.update({ord(d): ord("0") for d in "１２３４５６７８９０"})
FOLD.update({i: 0x20 for i in (0x09, 0x0A, 0x0D, 0x3000, 0xA0)})
_FOLDED = CharMap(FOLD)


def fold(text: str) -> str:
    """The folded text (same length as ``text``)."""
    return _FOLDED(text)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included) as uint64."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)


def _gram_keys(windows: np.ndarray, n: int) -> np.ndarray:
    """One integer per n-gram (rows of ``windows``, n code points < 2**21 each, n <= 3): exact."""
    key = windows[:, 0].copy()
    for j in range(1, n):
        key = (key << np.uint64(21)) | windows[:, j]
    return key


@dataclass(frozen=True, slots=True)
class Rows:
    """A batch of sparse rows (CSR): ``data[indptr[i]:indptr[i+1]]`` at ``indices[…]`` for row i."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def select(self, mask: np.ndarray) -> Rows:
        """Keep only the entries whose column ``mask[col]`` is true."""
        keep = mask[self.indices]
        row = np.repeat(np.arange(self.n_rows), np.diff(self.indptr))
        counts = np.bincount(row[keep], minlength=self.n_rows)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return Rows(indptr, self.indices[keep], self.data[keep])

    def map_data(self, values: np.ndarray) -> Rows:
        return Rows(self.indptr, self.indices, values)

    def l2_normalised(self) -> Rows:
        sq = self.data.astype(np.float64) ** 2
        row = np.repeat(np.arange(self.n_rows), np.diff(self.indptr))
        norms = np.sqrt(np.bincount(row, weights=sq, minlength=self.n_rows))
        norms[norms == 0] = 1.0
        return Rows(self.indptr, self.indices, (self.data / norms[row]).astype(np.float32))

    def to_scipy(self, n_cols: int):  # noqa: ANN201 - scipy is a training-time dependency
        from scipy.sparse import csr_matrix

        return csr_matrix((self.data, self.indices, self.indptr), shape=(self.n_rows, n_cols))


def feature_dot(rows: Rows, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_out: int) -> np.ndarray:
    """Dense ``rows @ M`` where M (n_features × n_out) is CSR by feature: (indptr, indices, data)."""
    n = rows.n_rows
    if not len(rows.indices):
        return np.zeros((n, n_out), np.float32)
    starts = indptr[rows.indices]
    lens = indptr[rows.indices + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return np.zeros((n, n_out), np.float32)
    rep = np.repeat(np.arange(len(rows.indices)), lens)
    offsets = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    pos = starts[rep] + offsets
    doc = np.repeat(np.arange(n), np.diff(rows.indptr))[rep]
    vals = rows.data[rep].astype(np.float32) * data[pos].astype(np.float32)
    out = np.bincount(doc * n_out + indices[pos], weights=vals, minlength=n * n_out)
    return out.reshape(n, n_out).astype(np.float32)


class FeatureMatrix:
    """A feature-major sparse matrix (n_features × n_out); ``dot(rows)`` gives dense (n_rows × n_out).

    Uses the compiled product of :mod:`clue_miner.extract.sparse_kernels` once
    :mod:`clue_miner.extract.jit` says so (no per-call set-up: what one ``extract()`` call needs),
    else scipy's sparse product when scipy is installed (several times faster than numpy), else
    :func:`feature_dot` (numpy only). All give the same numbers up to float rounding.
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_out: int,
                 use_scipy: bool = True) -> None:
        self.indptr = np.asarray(indptr, np.int64)
        self.indices = np.asarray(indices, np.int64)
        self.data = np.asarray(data, np.float32)
        self.n_out = n_out
        self._sp = None
        if use_scipy:
            try:
                from scipy.sparse import csr_matrix
            except ImportError:  # pragma: no cover - scipy comes with the training extras
                pass
            else:
                self._sp = csr_matrix((self.data, self.indices, self.indptr), shape=(len(self.indptr) - 1, n_out))

    def dot(self, rows: Rows, kernels_choice: str | None = None) -> np.ndarray:
        from clue_miner.extract.jit import SPARSE, compiled

        jit = compiled(SPARSE, kernels_choice, len(rows.indices))
        if jit is not None:
            return jit.rows_dot(rows.indptr, rows.indices, np.asarray(rows.data, np.float32),
                                self.indptr, self.indices, self.data, self.n_out)
        if self._sp is None:
            return feature_dot(rows, self.indptr, self.indices, self.data, self.n_out)
        from scipy.sparse import csr_matrix

        x = csr_matrix((rows.data.astype(np.float32), rows.indices, rows.indptr), shape=(rows.n_rows, self._sp.shape[0]))
        return np.asarray((x @ self._sp).toarray(), np.float32)


class NgramVectorizer:
    """Character n-gram counts over a fixed vocabulary, with idf (scikit-learn-like).

    Parameters
    ----------
    max_n: longest n-gram (1..max_n).
    min_df: an n-gram enters the vocabulary when it occurs in at least this many fitted texts.
    max_chars: texts are cut to this many characters (very long judgments add little).
    desc_max_n: longest n-gram of the ``desc`` view.
    """

    def __init__(self, max_n: int = 3, min_df: int = 2, max_chars: int = 3000, desc_max_n: int = 2) -> None:
        self.max_n = max_n
        self.min_df = min_df
        self.max_chars = max_chars
        self.desc_max_n = desc_max_n

    # ------------------------------------------------------------------ fit
    def _grams(self, text: str) -> Iterable[str]:
        t = fold(text[: self.max_chars])
        size = len(t)
        for n in range(1, self.max_n + 1):
            for i in range(size - n + 1):
                yield t[i:i + n]

    def fit(self, texts: Sequence[str], extra: Iterable[str] = ()) -> NgramVectorizer:
        """Vocabulary from ``texts`` (df ≥ min_df) plus every n-gram of ``extra`` texts; smooth idf."""
        df: Counter[str] = Counter()
        for text in texts:
            df.update({g for g in self._grams(text) if g.strip()})
        keep = {g for g, c in df.items() if c >= self.min_df}
        for text in extra:
            keep.update(g for g in self._grams(text) if g.strip())
        vocab = sorted(keep)
        n_docs = len(texts)
        counts = np.array([df.get(g, 0) for g in vocab], np.float64)
        self.vocabulary_ = vocab
        self.idf_ = (np.log((1.0 + n_docs) / (1.0 + counts)) + 1.0).astype(np.float32)
        self._build_index()
        return self

    def _build_index(self) -> None:
        self.index_ = {g: i for i, g in enumerate(self.vocabulary_)}
        self.ngram_len_ = np.array([len(g) for g in self.vocabulary_], np.int8)
        self.desc_mask_ = self.ngram_len_ <= self.desc_max_n
        self.bigram_mask_ = self.ngram_len_ == 2
        # per n-gram length, the sorted integer keys of the vocabulary's n-grams and their ids:
        # ``counts`` looks a text's n-grams up in these with one searchsorted per length (the
        # compiled loop in hash tables of the same keys, ``_hash_tables``)
        self._tables: list[tuple[np.ndarray, np.ndarray]] = []
        self._hashed: list[tuple[np.ndarray, np.ndarray, np.uint64]] | None = None  # for the compiled loop
        for n in range(1, self.max_n + 1):
            ids = np.flatnonzero(self.ngram_len_ == n)
            grams = [self.vocabulary_[i] for i in ids]
            keys = _gram_keys(code_points("".join(grams)).reshape(len(grams), n), n) if grams else np.zeros(0, np.uint64)
            order = np.argsort(keys, kind="stable")
            self._tables.append((keys[order], ids[order].astype(np.int64)))

    def _hash_tables(self, jit: Any) -> list[tuple[np.ndarray, np.ndarray, np.uint64]]:
        """Per n-gram length 1..3, the compiled loop's hash table of ``_tables`` (made once; an
        empty one for a length the vocabulary does not have)."""
        if self._hashed is None:
            empty = (np.zeros(0, np.uint64), np.zeros(0, np.int64))
            self._hashed = [jit.hash_table(keys, ids) for keys, ids in [*self._tables, empty, empty][:3]]
        return self._hashed

    @classmethod
    def from_arrays(cls, vocabulary: list[str], idf: np.ndarray, params: dict[str, int]) -> NgramVectorizer:
        vec = cls(**params)
        vec.vocabulary_ = list(vocabulary)
        vec.idf_ = np.asarray(idf, np.float32)
        vec._build_index()
        return vec

    def get_params(self) -> dict[str, int]:
        return {"max_n": self.max_n, "min_df": self.min_df, "max_chars": self.max_chars, "desc_max_n": self.desc_max_n}

    # ------------------------------------------------------------------ transform
    def counts(self, texts: Sequence[str], kernels_choice: str | None = None) -> Rows:
        """Raw n-gram counts per text (columns sorted within a row). With the compiled kernels
        (:mod:`clue_miner.extract.jit` says when) one loop does what the numpy calls below do,
        without their fixed cost per call — which one ``extract()`` paid twice."""
        if self.max_n > 3:  # integer keys hold three code points at most
            return self._counts_by_dict(texts)
        from clue_miner.extract.jit import SPARSE, compiled

        folded = [fold((t or "")[: self.max_chars]) for t in texts]
        lengths = np.array([len(t) for t in folded], np.int64)
        codes = code_points("".join(folded))
        jit = compiled(SPARSE, kernels_choice, len(codes))
        if jit is not None:
            bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            tables = self._hash_tables(jit)
            indptr, indices, data = jit.ngram_counts(codes, bounds, *tables[0], *tables[1], *tables[2])
            return Rows(indptr, indices, data)
        ends = np.repeat(np.cumsum(lengths), lengths)  # per position: where its text ends
        rows_of = np.repeat(np.arange(len(folded), dtype=np.int64), lengths)
        found_rows, found_ids = [], []
        for n, (keys, ids) in enumerate(self._tables, start=1):
            if len(codes) < n or not len(keys):
                continue
            windows = np.lib.stride_tricks.sliding_window_view(codes, n)
            inside = np.arange(len(windows)) + n <= ends[: len(windows)]  # n-grams within one text
            found = _gram_keys(windows[inside], n)
            pos = np.searchsorted(keys, found)
            pos[pos == len(keys)] = 0
            hit = keys[pos] == found
            found_rows.append(rows_of[: len(windows)][inside][hit])
            found_ids.append(ids[pos[hit]])
        n_vocab = len(self.vocabulary_)
        if found_rows:
            pairs = np.concatenate(found_rows) * n_vocab + np.concatenate(found_ids)
            uniq, counts = np.unique(pairs, return_counts=True)
        else:
            uniq, counts = np.zeros(0, np.int64), np.zeros(0, np.int64)
        row = uniq // max(n_vocab, 1)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=len(folded)))]).astype(np.int64)
        return Rows(indptr, (uniq - row * n_vocab).astype(np.int64), counts.astype(np.float32))

    def _counts_by_dict(self, texts: Sequence[str]) -> Rows:
        """``counts`` one n-gram at a time through the vocabulary dict (any ``max_n``; the reference)."""
        get = self.index_.get
        indptr = [0]
        indices: list[np.ndarray] = []
        data: list[np.ndarray] = []
        total = 0
        for text in texts:
            ids = [j for j in map(get, self._grams(text or "")) if j is not None]
            if ids:
                cols, counts = np.unique(np.array(ids, np.int64), return_counts=True)
                indices.append(cols)
                data.append(counts.astype(np.float32))
                total += len(cols)
            indptr.append(total)
        return Rows(np.array(indptr, np.int64),
                    np.concatenate(indices) if indices else np.zeros(0, np.int64),
                    np.concatenate(data) if data else np.zeros(0, np.float32))

    def views(self, texts: Sequence[str]) -> tuple[Rows, Rows, Rows]:
        """(sup, desc, bigram presence) views of a batch."""
        counts = self.counts(texts)
        weighted = counts.map_data((1.0 + np.log(counts.data)) * self.idf_[counts.indices])
        sup = weighted.l2_normalised()
        desc = weighted.select(self.desc_mask_).l2_normalised()
        present = counts.select(self.bigram_mask_)
        present = present.map_data(np.ones_like(present.data))
        return sup, desc, present
