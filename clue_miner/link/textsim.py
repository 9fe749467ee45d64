"""Text similarity of complaints and case records: TF-IDF cosine over character n-grams.

Many complaints carry no identifier at all, only their story ("一路向北" + 博彩网站 + 54300元),
which is also the story of the case's summary (简要案情). Both sides become sparse TF-IDF vectors
(complaint: its text with the entities that other comparisons weigh blanked out; case: summary +
location + suspects + victims + offence; see ``features``), and their cosine is one more piece
of evidence:

- blocking: each complaint's ``k`` most similar cases (cosine >= ``floor``) become candidate pairs
  (``TextIndex.neighbours``; registered as the pair table that the text blocking rule names);
- comparison: the exact cosine of every candidate pair, whichever rule found it, and its gap to
  the complaint's best other case (``TextScorer``; the ``text`` comparison reads ``p.text_sim``
  and ``p.text_gap``).

Vectors: character 2- and 3-grams (no segmenter: cheap, and robust to the typos and spacing of
complaints), hashed (scikit-learn's HashingVectorizer's buckets, no vocabulary in memory; computed
by a compiled loop that gives the same matrix, :class:`NgramHasher`), sublinear tf,
smooth IDF over both sides together, L2-normalised rows. Terms that cannot meet the other side
are dropped first: those of one record only, those of one side only (complaint pleasantries, the
police's legal boilerplate), and those in more than ``max_df`` of all records (they weigh
little, and the sparse product costs the sum over terms of df_complaints x df_cases).

Nearest cases: row blocks of the complaint matrix times the case matrix, at most
``max_block_entries`` products at a time, a compiled selection of the best few per row (ties go
to the lower case row, so the pairs do not depend on the product's order). Terms in more than
``block_max_df`` records (5,000) stay in the cosines but find no neighbours, so the product stays
linear in the archive (a fractional cap alone grows with its square); below 2.5 x 10^5 records the
fractional cap is the lower one. Cost on one core, generated archives (corpora/generate.py,
complaint texts x case summaries): 10^5 x 10^5 fit 14 s, nearest cases 21 s (0.21 s per 1,000),
0.8 GB peak, identical pairs with and without the absolute cap; 10^6 x 10^6 fit 131 s, nearest
cases 202 s (0.20 s per 1,000), 4.7 GB peak (before the absolute cap: over 11 minutes, stopped) —
both before the compiled hashing and selection, which took the text step of a 10^5 x 10^5
``mine`` on the tiled independently written archive from 55 s to 28 s.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

# Hashed n-gram space: with ~10^5 kept terms, ~1% of them share a bucket with another, and a rare
# (dropped) n-gram lands on a kept bucket ~1% of the time: noise far below the level thresholds.
HASH_FEATURES = 1 << 23
# Punctuation, symbols and whitespace: n-grams never span them.
_SEPARATORS = re.compile(r"[\W_]+")
_WHITE_RUNS = re.compile(r"\s\s+")


def _preprocess(text: str) -> str:
    from clue_miner.text.normalize import translation_table

    return _SEPARATORS.sub(" ", text.translate(translation_table())).lower()


@dataclass(frozen=True)
class TextIndex:
    """L2-normalised TF-IDF rows of both sides over one vocabulary (scipy CSR, float32).

    ``has_text``: per side, whether a row kept any term (a pair is only compared when both did).
    ``block_terms``: the columns that find neighbours when not all do (``fit_text_index``).
    """

    complaints: Any
    cases: Any
    c_has_text: np.ndarray
    k_has_text: np.ndarray
    terms: int
    block_terms: np.ndarray | None = None

    def neighbours(self, k: int = 5, floor: float = 0.15, max_block_entries: int = 5_000_000,
                   pool: int = 20, kernels: str | None = None) -> Neighbours:
        """Each complaint's ``k`` most similar cases with cosine >= ``floor`` (among cases tied at
        the k-th place, those with the lower rows), and its best and second-best cosine over all
        cases.

        Row blocks of the complaint matrix times the case matrix, each holding at most about
        ``max_block_entries`` products; per row a selection of the best few. With
        ``block_terms`` (a large archive, see ``fit_text_index``) the product runs over those
        rarer terms only: each row's ``pool`` best cases by that partial score are then ranked by
        their full cosine, and best / second are the best of those. ``kernels``: the per-row
        selection compiled (:func:`clue_miner.link.text_kernels.best_per_row`) or in numpy (see
        :class:`NgramHasher`); the same pairs either way."""
        import numpy as np

        from clue_miner.extract.jit import TEXT, compiled

        kern = compiled(TEXT, kernels, eager=True)
        top = kern.best_per_row if kern is not None else _best_per_row
        n_c, n_k = self.complaints.shape[0], self.cases.shape[0]
        rows = max(16, min(n_c, max_block_entries // max(n_k, 1)))
        exact = self.block_terms is None
        left = self.complaints if exact else self.complaints[:, self.block_terms]
        right_t = (self.cases if exact else self.cases[:, self.block_terms]).T.tocsr()
        best = np.zeros(n_c, np.float32)
        second = np.zeros(n_c, np.float32)
        best_kid = np.full(n_c, -1, np.int32)
        out_c, out_k, out_s = [], [], []
        want = max(k, 2)
        for lo in range(0, n_c, rows):
            prod = (left[lo:lo + rows] @ right_t).tocsr()
            indptr, data, indices = prod.indptr, prod.data, prod.indices
            if not exact:  # the pool of each row by partial score, then their full cosines
                indptr, indices, _ = top(indptr, indices, data, pool)
                data = self.pair_sims(np.repeat(np.arange(lo, lo + prod.shape[0]), np.diff(indptr)), indices)
            ptr, cols, vals = top(indptr, indices, data, want)
            sizes = np.diff(ptr)
            first = ptr[:-1][sizes > 0]
            hit = np.flatnonzero(sizes > 0)
            best[lo + hit], best_kid[lo + hit] = vals[first], cols[first]
            two = np.flatnonzero(sizes > 1)
            second[lo + two] = vals[ptr[two] + 1]
            rank = np.arange(len(cols)) - np.repeat(ptr[:-1], sizes)
            keep = (rank < k) & (vals >= floor)
            out_c.append((lo + np.repeat(np.arange(len(sizes)), sizes)[keep]).astype(np.int32))
            out_k.append(cols[keep].astype(np.int32))
            out_s.append(vals[keep].astype(np.float32))
        return Neighbours(
            np.concatenate(out_c) if out_c else np.zeros(0, np.int32),
            np.concatenate(out_k) if out_k else np.zeros(0, np.int32),
            np.concatenate(out_s) if out_s else np.zeros(0, np.float32),
            best, second, best_kid,
        )

    def pair_sims(self, cid: np.ndarray, kid: np.ndarray, chunk: int = 100_000) -> np.ndarray:
        """Cosine of the given (complaint row, case row) pairs; NaN where a side has no text."""
        import numpy as np

        cid = np.asarray(cid, dtype=np.int64)
        kid = np.asarray(kid, dtype=np.int64)
        out = np.empty(len(cid), dtype=np.float32)
        for lo in range(0, len(cid), chunk):
            a = self.complaints[cid[lo:lo + chunk]]
            b = self.cases[kid[lo:lo + chunk]]
            out[lo:lo + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        out[~(self.c_has_text[cid] & self.k_has_text[kid])] = np.nan
        return out


def _best_per_row(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
                  want: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each CSR row's ``want`` largest entries, best first (a tie: the lower column first), as
    ``(ptr, cols, vals)``: the numpy reference of :func:`clue_miner.link.text_kernels.best_per_row`."""
    import numpy as np

    sizes = np.minimum(np.diff(indptr), want)
    ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    cols = np.empty(ptr[-1], np.int64)
    vals = np.empty(ptr[-1], np.float32)
    for r in range(len(indptr) - 1):
        a, b = indptr[r], indptr[r + 1]
        order = np.lexsort((indices[a:b], -data[a:b]))[:want]  # by value down, then column up
        cols[ptr[r]:ptr[r + 1]] = indices[a:b][order]
        vals[ptr[r]:ptr[r + 1]] = data[a:b][order]
    return ptr, cols, vals


@dataclass(frozen=True)
class Neighbours:
    """Nearest cases of each complaint (``TextIndex.neighbours``).

    cid / kid / sim: the top-k pairs above the floor (a blocking rule's pair table);
    best / second / best_kid: per complaint, the two highest cosines over all cases and the case
    holding the first (-1 when no case shares a term).
    """

    cid: np.ndarray
    kid: np.ndarray
    sim: np.ndarray
    best: np.ndarray
    second: np.ndarray
    best_kid: np.ndarray

    def gap(self, cid: np.ndarray, kid: np.ndarray, sim: np.ndarray) -> np.ndarray:
        """How far the pair's cosine lies above the complaint's best cosine with any other case:
        positive only for the complaint's single most similar case."""
        import numpy as np

        cid = np.asarray(cid, dtype=np.int64)
        other = np.where(np.asarray(kid) == self.best_kid[cid], self.second[cid], self.best[cid])
        return (np.asarray(sim, np.float32) - other).astype(np.float32)


class TextScorer:
    """The pair scores of the text comparison: ``text_sim`` (cosine, NaN: a side has no text) and
    ``text_gap`` (``Neighbours.gap``) of any (complaint row, case row) pairs."""

    def __init__(self, index: TextIndex, neighbours: Neighbours) -> None:
        self.index = index
        self.neighbours = neighbours

    def __call__(self, cid: np.ndarray, kid: np.ndarray) -> dict[str, np.ndarray]:
        sim = self.index.pair_sims(cid, kid)
        return {"text_sim": sim, "text_gap": self.neighbours.gap(cid, kid, sim)}


class NgramHasher:
    """Hashed character n-gram counts of texts (``None`` counts as ""), preprocessed by
    ``_preprocess``: scikit-learn's ``HashingVectorizer(analyzer="char", alternate_sign=False,
    norm=None)`` over :data:`HASH_FEATURES` buckets, float32 CSR rows with sorted indices.

    ``kernels`` (``$CLUE_MINER_NER_KERNELS``, see :mod:`clue_miner.extract.jit`): ``numba`` the
    compiled :func:`clue_miner.link.text_kernels.hash_char_ngrams` (the same matrix; 20,000
    tiled complaints in 1.3 s against scikit-learn's 4.4–5.5 s, the Python preprocessing included), ``numpy`` scikit-learn itself, ``auto`` (default) the compiled loop when numba is
    installed — an index is always built over many texts, so it does not wait as extraction does.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 3), kernels: str | None = None) -> None:
        from clue_miner.extract.jit import TEXT, compiled

        self.ngram_range = ngram_range
        self._kernels = compiled(TEXT, kernels, eager=True)
        self._sklearn: Any = None

    def __call__(self, texts: Sequence[str | None]) -> Any:
        import numpy as np
        import scipy.sparse as sp

        if self._kernels is None:
            if self._sklearn is None:
                from sklearn.feature_extraction.text import HashingVectorizer

                self._sklearn = HashingVectorizer(analyzer="char", ngram_range=self.ngram_range,
                                                  preprocessor=_preprocess, n_features=HASH_FEATURES,
                                                  alternate_sign=False, norm=None, dtype=np.float32)
            return self._sklearn.transform([t or "" for t in texts])
        # scikit-learn's char analyzer folds runs of whitespace after the preprocessor: so here
        done = [_WHITE_RUNS.sub(" ", _preprocess(t or "")) for t in texts]
        codes = np.frombuffer("".join(done).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        bounds = np.zeros(len(done) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in done], out=bounds[1:])
        indptr, indices, data = self._kernels.hash_char_ngrams(codes, bounds, self.ngram_range[0],
                                                                self.ngram_range[1], HASH_FEATURES)
        return sp.csr_matrix((data, indices, indptr), shape=(len(done), HASH_FEATURES))


def fit_text_index(complaint_texts: Sequence[str | None], case_texts: Sequence[str | None], *,
                   ngram_range: tuple[int, int] = (2, 3), max_df: float = 0.02,
                   min_max_df: int = 50, background: Sequence[str | None] = (),
                   block_max_df: int = 5_000, kernels: str | None = None) -> TextIndex | None:
    """Fit the vectoriser on both sides and return their rows, or None when no term is shared.

    ``max_df``: fraction of all records above which a term is dropped; never below
    ``min_max_df`` records (in small tables a fraction would drop everything). ``background``:
    more complaint texts that count in the term statistics but get no row (a pass over a few
    records, the incidents of several-incident letters, weighs terms as the whole archive does).
    ``block_max_df``: terms in more records than this still count in every cosine but do not
    look for neighbours (``TextIndex.neighbours``): the sparse product costs df_complaints x
    df_cases per term, so a fractional cap alone grows with the square of the archive; an absolute
    one keeps each complaint's share bounded and the cost linear. Up to 2.5 x 10^5 records the
    fractional cap (2 %) is the lower one and nothing changes. ``kernels``: how the n-grams are
    hashed (see :class:`NgramHasher`).
    """
    import numpy as np
    import scipy.sparse as sp

    n_c, n_k = len(complaint_texts), len(case_texts)
    if n_c == 0 or n_k == 0:
        return None
    n = n_c + n_k + len(background)
    cap = max(int(max_df * n), min_max_df)
    # hashed n-gram counts (no vocabulary held in memory); rows are canonical (summed duplicates)
    hasher = NgramHasher(ngram_range, kernels)
    blocks, df_c, df_k = [], np.zeros(HASH_FEATURES, np.int32), np.zeros(HASH_FEATURES, np.int32)
    for side, df in ((complaint_texts, df_c), (case_texts, df_k)):
        for lo in range(0, len(side), 20_000):
            block = hasher(side[lo:lo + 20_000])
            df += np.bincount(block.indices, minlength=HASH_FEATURES).astype(np.int32)
            blocks.append(block)
    for lo in range(0, len(background), 20_000):  # counted, not kept
        block = hasher(background[lo:lo + 20_000])
        df_c += np.bincount(block.indices, minlength=HASH_FEATURES).astype(np.int32)
    df = df_c + df_k
    # terms of two records or more, at most ``cap``, found on both sides
    shared = np.flatnonzero((df <= cap) & (df_c > 0) & (df_k > 0))
    del df_c, df_k
    if len(shared) == 0:
        return None
    pruned = []
    while blocks:  # prune block by block: the full hashed matrix is never copied
        pruned.append(blocks.pop(0)[:, shared])
    counts = sp.vstack(pruned, format="csr")
    del pruned
    # sublinear tf (1 + log tf), smooth idf over both sides, L2 rows: TfidfTransformer's arithmetic
    counts.data = 1.0 + np.log(counts.data)
    idf = (np.log((1.0 + n) / (1.0 + df[shared])) + 1.0).astype(np.float32)
    counts.data *= idf[counts.indices]
    norms = np.sqrt(np.bincount(np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr)),
                                weights=counts.data.astype(np.float64) ** 2, minlength=counts.shape[0]))
    has = norms > 0
    counts.data /= np.repeat(np.where(has, norms, 1.0), np.diff(counts.indptr)).astype(np.float32)
    common = df[shared] > block_max_df
    block_terms = np.flatnonzero(~common) if common.any() else None
    logger.info("text index: %d terms shared by both sides (df cap %d records), %d look for neighbours",
                len(shared), cap, len(shared) - int(common.sum()))
    return TextIndex(counts[:n_c], counts[n_c:], has[:n_c], has[n_c:], len(shared), block_terms)
