"""The n-gram models' counts and sparse product compiled with numba (:mod:`clue_miner.extract.jit`
says when).

:func:`rows_dot` is :meth:`clue_miner.extract.textfeatures.FeatureMatrix.dot`: rows of n-gram
weights (CSR) times a feature-major matrix (CSR, one row per vocabulary entry), straight into a
dense ``(n_rows, n_out)`` array. scipy builds two sparse matrices, multiplies them into a third and
densifies it: about 60 µs of set-up per call, which one ``extract()`` call pays six times (the
offence model's four matrices, the category model's one, …); this loop pays none and matches
scipy's float32 sums (same order along a row's features).

:func:`ngram_counts` is :meth:`clue_miner.extract.textfeatures.NgramVectorizer.counts`: the
vocabulary ids of each text's 1-, 2- and 3-grams found by binary search in the same sorted integer
keys, sorted and counted per row — the numpy version's dozen array calls per n-gram length cost
about 0.3 ms a call whatever the batch (``tests/test_textfeatures.py`` holds both to the dict
lookup).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def rows_dot(r_ptr, r_idx, r_val, m_ptr, m_idx, m_val, n_out):  # noqa: ANN001, ANN201
    """Dense ``rows @ M``: ``rows`` = (r_ptr, r_idx, r_val), ``M`` = (m_ptr, m_idx, m_val), both CSR."""
    n = r_ptr.shape[0] - 1
    out = np.zeros((n, n_out), dtype=np.float32)
    for i in range(n):
        for q in range(r_ptr[i], r_ptr[i + 1]):
            f = r_idx[q]
            v = r_val[q]
            for p in range(m_ptr[f], m_ptr[f + 1]):
                out[i, m_idx[p]] += v * m_val[p]
    return out


@njit(cache=True, nogil=True)
def lower_bound(a, lo, hi, key):  # noqa: ANN001, ANN201
    """The first position in ``a[lo:hi]`` (sorted) whose value is not below ``key`` (``hi``: none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _find(keys, key):  # noqa: ANN001, ANN202
    """Position of ``key`` in the sorted ``keys``, or -1."""
    at = lower_bound(keys, 0, keys.shape[0], key)
    return at if at < keys.shape[0] and keys[at] == key else -1


@njit(cache=True, nogil=True)
def ngram_counts(codes, bounds, keys1, ids1, keys2, ids2, keys3, ids3):  # noqa: ANN001, ANN201
    """:meth:`clue_miner.extract.textfeatures.NgramVectorizer.counts` of texts whose code points
    are ``codes[bounds[i]:bounds[i + 1]]``: per row the vocabulary ids of its 1-, 2- and 3-grams
    (``keysN`` sorted, ``idsN`` their ids; an empty table skips its length), sorted, with counts."""
    n_rows = bounds.shape[0] - 1
    found = np.empty(3 * codes.shape[0], dtype=np.int64)
    starts = np.empty(n_rows + 1, dtype=np.int64)
    q = 0
    for r in range(n_rows):
        starts[r] = q
        a, b = bounds[r], bounds[r + 1]
        for s in range(a, b):
            key = codes[s]
            if keys1.shape[0]:
                p = _find(keys1, key)
                if p >= 0:
                    found[q] = ids1[p]
                    q += 1
            if s + 1 < b:
                key = (key << np.uint64(21)) | codes[s + 1]
                if keys2.shape[0]:
                    p = _find(keys2, key)
                    if p >= 0:
                        found[q] = ids2[p]
                        q += 1
                if s + 2 < b and keys3.shape[0]:
                    p = _find(keys3, (key << np.uint64(21)) | codes[s + 2])
                    if p >= 0:
                        found[q] = ids3[p]
                        q += 1
    starts[n_rows] = q
    return row_counts(found, starts)


@njit(cache=True, nogil=True)
def row_counts(values, starts):  # noqa: ANN001, ANN201
    """CSR ``(indptr, indices, data)`` of rows ``values[starts[r]:starts[r + 1]]`` (sorted in place):
    each row's distinct values, ascending, with how often each occurs (float32)."""
    n_rows = starts.shape[0] - 1
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    for r in range(n_rows):
        row = values[starts[r]:starts[r + 1]]
        row.sort()
        distinct = 0
        for j in range(row.shape[0]):
            if j == 0 or row[j] != row[j - 1]:
                distinct += 1
        indptr[r + 1] = indptr[r] + distinct
    indices = np.empty(indptr[n_rows], dtype=np.int64)
    data = np.zeros(indptr[n_rows], dtype=np.float32)
    for r in range(n_rows):
        p = indptr[r] - 1
        for j in range(starts[r], starts[r + 1]):
            if j == starts[r] or values[j] != values[j - 1]:
                p += 1
                indices[p] = values[j]
            data[p] += 1.0
    return indptr, indices, data
