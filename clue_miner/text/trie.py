"""A trie of words as flat arrays, for the compiled dictionary matcher
(:func:`clue_miner.text.kernels.trie_matches`): the NER lexicon's words
(:meth:`clue_miner.extract.ner.lexicon.Lexicon.trie`) and the offence rules' cue phrases."""

from __future__ import annotations

import numpy as np

__all__ = ["build_trie"]


def build_trie(words: list[str], max_word: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The trie of ``words`` (distinct, at most ``max_word`` characters each) that
    :func:`clue_miner.text.kernels.trie_matches` walks: ``(ptr, chars, child, word)`` int32 arrays
    (node 0 the root; node ``v``'s edges ``ptr[v]:ptr[v + 1]`` of ``chars``, ascending code points, and
    ``child``; ``word[v]`` the index in ``words`` of the word node ``v`` ends, -1 none). Built with numpy:
    in code point order a word shares its first ``lcp`` nodes with the word before it (``lcp``:
    their common prefix) and adds one node for each further character."""
    n = len(words)
    if not n:
        return np.zeros(2, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32), np.full(1, -1, np.int32)
    codes = np.frombuffer("".join(w.ljust(max_word, "\0") for w in words).encode("utf-32-le", "surrogatepass"),
                          dtype=np.uint32).reshape(n, max_word).astype(np.int64)
    lens = np.array([len(w) for w in words], dtype=np.int64)
    order = np.lexsort(codes.T[::-1])
    codes, lens = codes[order], lens[order]
    lcp = np.zeros(n, dtype=np.int64)
    lcp[1:] = np.logical_and.accumulate(codes[1:] == codes[:-1], axis=1).sum(axis=1)
    word = np.full(1 + int((lens - np.minimum(lcp, lens)).sum()), -1, dtype=np.int64)
    parent = np.zeros(n, dtype=np.int64)  # each word's node at depth d - 1 (the root at depth 0)
    rows = np.arange(n)
    keys, children = [], []
    made = 1
    for d in range(1, max_word + 1):
        new = (lens >= d) & (lcp < d)  # words that open a node at depth d
        ids = np.zeros(n, dtype=np.int64)
        ids[new] = np.arange(made, made + int(new.sum()))
        last = np.maximum.accumulate(np.where(new, rows, -1))  # the word that opened the shared node
        node = np.where(last >= 0, ids[np.maximum(last, 0)], 0)
        keys.append((parent[new] << 21) | codes[new, d - 1])
        children.append(ids[new])
        done = lens == d
        word[node[done]] = order[done]
        parent = node
        made += int(new.sum())
    key = np.concatenate(keys)
    child = np.concatenate(children)
    sort = np.argsort(key, kind="stable")
    key, child = key[sort], child[sort]
    ptr = np.searchsorted(key >> 21, np.arange(made + 1)).astype(np.int64)
    return (ptr.astype(np.int32), (key & ((1 << 21) - 1)).astype(np.int32), child.astype(np.int32),
            word.astype(np.int32))
