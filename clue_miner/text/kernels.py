"""Compiled loops over text (numba) that other kernels build on, all in this one file.

numba checks a cached function (``cache=True``) against the file it is defined in only: a kernel
that calls a kernel of another file keeps a copy of its callee in its cache, and when one of the two
files changes the process can load mismatched copies — a segfault (seen: the NER's trie matcher
recompiled after an edit, then the link's hashing loaded from an older cache). So a compiled
function calls only functions of its own file (``tests/test_kernels_layout.py`` checks it), and
the shared pieces live here:

* :func:`lower_bound`, :func:`row_counts` — a binary search and a per-row sort-and-count;
* :func:`ngram_counts` — :meth:`clue_miner.extract.textfeatures.NgramVectorizer.counts`: the
  vocabulary ids of each text's 1-, 2- and 3-grams found in hash tables (:func:`hash_table`) of the
  same integer keys, sorted and counted per row (the numpy version's dozen array calls per n-gram length
  cost about 0.3 ms a call whatever the batch; ``tests/test_textfeatures.py`` holds both to the
  dict lookup);
* :func:`trie_matches` — every dictionary word of a text by a walk down a trie
  (:func:`clue_miner.text.trie.build_trie`: the NER lexicon's words, the offence rules' cue
  phrases), in pyahocorasick's output order;
* :func:`hash_char_ngrams` — exactly scikit-learn's ``HashingVectorizer(analyzer="char",
  alternate_sign=False, norm=None)`` of preprocessed texts: the same MurmurHash3 (x86, 32 bit,
  seed 0) of each n-gram's UTF-8 bytes, the same bucket (``abs(h) % n_features``), counts summed
  per row, indices sorted — from the code points, where scikit-learn builds every n-gram as a
  Python string (``tests/test_link_text.py`` compares them on texts of every script).

:mod:`clue_miner.extract.sparse_kernels`, :mod:`clue_miner.extract.ner.kernels` and
:mod:`clue_miner.link.text_kernels` hand these on; :mod:`clue_miner.extract.jit` says when any of
them runs instead of the reference code.
"""

from __future__ import annotations

import numpy as np
from numba import njit

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


NO_KEY = np.uint64(0xFFFFFFFFFFFFFFFF)  # an empty slot: n-gram keys hold 63 bits at most
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * 2^64 / phi


@njit(cache=True, nogil=True)
def hash_table(keys, ids):  # noqa: ANN001, ANN201
    """An open-addressing table of ``keys`` (distinct uint64, none equal to :data:`NO_KEY`) and
    their ``ids``: ``(slots, values, shift)``, at least twice as many slots as keys (a power of
    two, 16 at least; linear probing), the slot of a key the top bits of ``key * golden``."""
    bits = 4
    while (1 << bits) < 2 * keys.shape[0]:
        bits += 1
    slots = np.full(1 << bits, NO_KEY, dtype=np.uint64)
    values = np.full(1 << bits, -1, dtype=np.int64)
    shift = np.uint64(64 - bits)
    mask = np.uint64((1 << bits) - 1)
    for i in range(keys.shape[0]):
        h = (keys[i] * _GOLDEN) >> shift
        while slots[h] != NO_KEY:
            h = (h + np.uint64(1)) & mask
        slots[h] = keys[i]
        values[h] = ids[i]
    return slots, values, shift


@njit(cache=True, nogil=True)
def _hashed(slots, values, shift, key):  # noqa: ANN001, ANN202
    """The id of ``key`` in a :func:`hash_table`, or -1."""
    mask = np.uint64(slots.shape[0] - 1)
    h = (key * _GOLDEN) >> shift
    while True:
        k = slots[h]
        if k == key:
            return values[h]
        if k == NO_KEY:
            return -1
        h = (h + np.uint64(1)) & mask


@njit(cache=True, nogil=True)
def ngram_counts(codes, bounds, slots1, values1, shift1, slots2, values2, shift2,  # noqa: ANN001, ANN201
                 slots3, values3, shift3):
    """:meth:`clue_miner.extract.textfeatures.NgramVectorizer.counts` of texts whose code points
    are ``codes[bounds[i]:bounds[i + 1]]``: per row the vocabulary ids of its 1-, 2- and 3-grams
    (looked up in one :func:`hash_table` per length; an empty one finds nothing), sorted, with
    counts. (A binary search in the sorted keys took twice as long: ~17 steps over 70,000 keys a
    lookup, three lookups a character.)"""
    n_rows = bounds.shape[0] - 1
    found = np.empty(3 * codes.shape[0], dtype=np.int64)
    starts = np.empty(n_rows + 1, dtype=np.int64)
    q = 0
    for r in range(n_rows):
        starts[r] = q
        a, b = bounds[r], bounds[r + 1]
        for s in range(a, b):
            key = codes[s]
            p = _hashed(slots1, values1, shift1, key)
            if p >= 0:
                found[q] = p
                q += 1
            if s + 1 < b:
                key = (key << np.uint64(21)) | codes[s + 1]
                p = _hashed(slots2, values2, shift2, key)
                if p >= 0:
                    found[q] = p
                    q += 1
                if s + 2 < b:
                    p = _hashed(slots3, values3, shift3, (key << np.uint64(21)) | codes[s + 2])
                    if p >= 0:
                        found[q] = p
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


@njit(cache=True, nogil=True)
def trie_matches(codes, ptr, chars, child, word, max_word):  # noqa: ANN001, ANN201
    """Every dictionary word in a text: ``(end_inclusive, word)`` int64 rows ordered as
    pyahocorasick's ``iter`` gives them (by end, the longest word first). ``codes``: the text's
    code points; the trie (node 0 the root): node ``v``'s edges are ``ptr[v]:ptr[v + 1]`` of
    ``chars`` (ascending code points) and ``child``; ``word[v]`` the word node ``v`` ends (-1 none)."""
    n = codes.shape[0]
    ends = np.empty(max(16, 2 * n), dtype=np.int64)
    words = np.empty(max(16, 2 * n), dtype=np.int64)
    order = np.empty(max(16, 2 * n), dtype=np.int64)
    found = 0
    for begin in range(n):
        node = 0
        for j in range(begin, min(n, begin + max_word)):
            c = codes[j]
            top = ptr[node + 1]
            lo = lower_bound(chars, ptr[node], top, c)
            if lo == top or chars[lo] != c:
                break
            node = child[lo]
            if word[node] >= 0:
                if found == ends.shape[0]:
                    ends = np.concatenate((ends, np.empty_like(ends)))
                    words = np.concatenate((words, np.empty_like(words)))
                    order = np.concatenate((order, np.empty_like(order)))
                ends[found] = j
                words[found] = word[node]
                order[found] = j * (max_word + 1) + (max_word - (j - begin))  # by end, longest first
                found += 1
    out = np.empty((found, 2), dtype=np.int64)
    rank = np.argsort(order[:found])
    for q in range(found):
        out[q, 0] = ends[rank[q]]
        out[q, 1] = words[rank[q]]
    return out
