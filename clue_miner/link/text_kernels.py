"""The text index's compiled loops (numba; :mod:`clue_miner.link.textsim` uses them).

:func:`hash_char_ngrams` (handed on from :mod:`clue_miner.text.kernels`, which says why it lives
there) gives exactly what scikit-learn's ``HashingVectorizer(analyzer="char", alternate_sign=False,
norm=None)`` gives for texts already preprocessed, from the code points: scikit-learn builds every
n-gram as a Python string and encodes it (78 s of a profiled 10^5 x 10^5 ``mine``, both link
passes). :func:`best_per_row` picks each complaint's best few cases from a row of the
similarity product (a per-row ``argpartition`` in Python before). ``tests/test_link_text.py``
compares both with their references, on texts from every script and on rows full of ties.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from clue_miner.text.kernels import hash_char_ngrams  # noqa: F401 - handed on (see there)


@njit(cache=True)
def best_per_row(indptr, indices, data, want):  # noqa: ANN001, ANN201
    """Each CSR row's ``want`` largest entries, best first (a tie: the lower column first).

    Returns ``(ptr, cols, vals)``: row ``r``'s picks are ``cols[ptr[r]:ptr[r + 1]]`` with their
    values — at most ``want`` of them, fewer where the row holds fewer entries."""
    n_rows = indptr.shape[0] - 1
    ptr = np.zeros(n_rows + 1, dtype=np.int64)
    for r in range(n_rows):
        ptr[r + 1] = ptr[r] + min(want, indptr[r + 1] - indptr[r])
    cols = np.empty(ptr[n_rows], dtype=np.int64)
    vals = np.empty(ptr[n_rows], dtype=np.float32)
    for r in range(n_rows):
        base, size = ptr[r], 0
        for q in range(indptr[r], indptr[r + 1]):
            v, c = data[q], np.int64(indices[q])
            if size == want and not (v > vals[base + size - 1]
                                     or (v == vals[base + size - 1] and c < cols[base + size - 1])):
                continue
            j = size if size < want else want - 1  # insert, dropping the last when full
            while j > 0 and (vals[base + j - 1] < v or (vals[base + j - 1] == v and cols[base + j - 1] > c)):
                vals[base + j] = vals[base + j - 1]
                cols[base + j] = cols[base + j - 1]
                j -= 1
            vals[base + j] = v
            cols[base + j] = c
            if size < want:
                size += 1
    return ptr, cols, vals
