"""The n-gram models' sparse product compiled with numba (:mod:`clue_miner.extract.jit` says when).

:func:`rows_dot` is :meth:`clue_miner.extract.textfeatures.FeatureMatrix.dot`: rows of n-gram
weights (CSR) times a feature-major matrix (CSR, one row per vocabulary entry), straight into a
dense ``(n_rows, n_out)`` array. scipy builds two sparse matrices, multiplies them into a third and
densifies it: about 60 µs of set-up per call, which one ``extract()`` call pays six times (the
offence model's four matrices, the category model's one, …); this loop pays none and matches
scipy's float32 sums (same order along a row's features).

The n-gram counts (:func:`ngram_counts`) and their lookup tables (:func:`hash_table`) are handed on
from :mod:`clue_miner.text.kernels`, where they share their per-row count with other kernels (see
there why in one file).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from clue_miner.text.kernels import hash_table, ngram_counts  # noqa: F401 - handed on (see there)


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
