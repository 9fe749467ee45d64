"""The text index's compiled loops (numba; :mod:`clue_miner.link.textsim` uses them).

:func:`hash_char_ngrams` gives exactly what scikit-learn's ``HashingVectorizer(analyzer="char",
alternate_sign=False, norm=None)`` gives for texts already preprocessed: the same MurmurHash3
(x86, 32 bit, seed 0) of each n-gram's UTF-8 bytes, the same bucket (``abs(h) % n_features``),
counts summed per row, indices sorted. scikit-learn builds every n-gram as a Python string and
encodes it (78 s of a profiled 10^5 x 10^5 ``mine``, both link passes); this loop works on the
code points. :func:`best_per_row` picks each complaint's best few cases from a row of the
similarity product (a per-row ``argpartition`` in Python before). ``tests/test_link_text.py``
compares both with their references, on texts from every script and on rows full of ties.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from clue_miner.extract.sparse_kernels import row_counts

_C1 = np.uint64(0xCC9E2D51)
_C2 = np.uint64(0x1B873593)
_M32 = np.uint64(0xFFFFFFFF)


@njit(cache=True)
def _rotl(x, r):  # noqa: ANN001, ANN202
    return ((x << np.uint64(r)) | (x >> np.uint64(32 - r))) & _M32


@njit(cache=True)
def _mix(k):  # noqa: ANN001, ANN202
    """One 4-byte block's scramble (also the tail's)."""
    return (_rotl((k * _C1) & _M32, 15) * _C2) & _M32


@njit(cache=True)
def _murmur3(buf, n):  # noqa: ANN001, ANN202
    """MurmurHash3_x86_32 of ``buf[:n]`` (uint8), seed 0, as a signed 32-bit value."""
    h = np.uint64(0)
    blocks = n // 4
    for b in range(blocks):
        j = 4 * b
        k = (np.uint64(buf[j]) | (np.uint64(buf[j + 1]) << np.uint64(8)) | (np.uint64(buf[j + 2]) << np.uint64(16))
             | (np.uint64(buf[j + 3]) << np.uint64(24)))
        k = _mix(k)
        h ^= k
        h = _rotl(h, 13)
        h = (h * np.uint64(5) + np.uint64(0xE6546B64)) & _M32
    tail = n & 3
    if tail:
        j = 4 * blocks
        k = np.uint64(0)
        if tail == 3:
            k ^= np.uint64(buf[j + 2]) << np.uint64(16)
        if tail >= 2:
            k ^= np.uint64(buf[j + 1]) << np.uint64(8)
        k ^= np.uint64(buf[j])
        k = _mix(k)
        h ^= k
    h ^= np.uint64(n)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & _M32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & _M32
    h ^= h >> np.uint64(16)
    return np.int64(h) - np.int64(1 << 32) if h >= np.uint64(1 << 31) else np.int64(h)


@njit(cache=True)
def _utf8(cp, out, at):  # noqa: ANN001, ANN202
    """Write code point ``cp``'s UTF-8 bytes into ``out[at:]``; the number written."""
    if cp < 0x80:
        out[at] = cp
        return 1
    if cp < 0x800:
        out[at] = 0xC0 | (cp >> 6)
        out[at + 1] = 0x80 | (cp & 0x3F)
        return 2
    if cp < 0x10000:
        out[at] = 0xE0 | (cp >> 12)
        out[at + 1] = 0x80 | ((cp >> 6) & 0x3F)
        out[at + 2] = 0x80 | (cp & 0x3F)
        return 3
    out[at] = 0xF0 | (cp >> 18)
    out[at + 1] = 0x80 | ((cp >> 12) & 0x3F)
    out[at + 2] = 0x80 | ((cp >> 6) & 0x3F)
    out[at + 3] = 0x80 | (cp & 0x3F)
    return 4


@njit(cache=True)
def hash_char_ngrams(codes, bounds, n_min, n_max, n_features):  # noqa: ANN001, ANN201
    """CSR ``(indptr, indices, data)`` of the hashed character n-gram counts of each text.

    ``codes``: the code points of all texts one after another (uint32); ``bounds``: text ``i`` is
    ``codes[bounds[i]:bounds[i + 1]]``. Every n-gram of ``n_min`` to ``n_max`` characters (none
    longer than its text) lands in bucket ``abs(h) % n_features`` (``h`` = its signed MurmurHash3;
    the one value without an absolute, -2^31, goes where scikit-learn sends it)."""
    n_rows = bounds.shape[0] - 1
    total = 0
    for i in range(n_rows):
        length = bounds[i + 1] - bounds[i]
        for n in range(n_min, n_max + 1):
            if length >= n:
                total += length - n + 1
    hashed = np.empty(total, dtype=np.int64)
    starts = np.empty(n_rows + 1, dtype=np.int64)
    buf = np.empty(4 * n_max, dtype=np.uint8)
    q = 0
    for i in range(n_rows):
        starts[i] = q
        a, b = bounds[i], bounds[i + 1]
        for n in range(n_min, n_max + 1):
            for s in range(a, b - n + 1):
                m = 0
                for c in range(s, s + n):
                    m += _utf8(np.int64(codes[c]), buf, m)
                h = _murmur3(buf, m)
                if h == -2147483648:
                    hashed[q] = (2147483647 - (n_features - 1)) % n_features
                else:
                    hashed[q] = abs(h) % n_features
                q += 1
    starts[n_rows] = q
    indptr, indices, data = row_counts(hashed, starts)  # per row: sorted buckets, each with its count
    return indptr, indices.astype(np.int32), data


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
