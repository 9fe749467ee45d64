"""The NER's loops compiled with numba (:mod:`clue_miner.extract.jit` decides when they run instead of the reference).

* :func:`decode_spans` — the CRF heads' Viterbi decoding and the spans of the best path. The numpy
  decoder in :mod:`.crf` (the reference) steps through a batch's characters in Python, a handful of
  array calls per step: 14 % of ``extract_many`` on 1,000 real board messages and most of one
  ``extract()`` call. Here each row is decoded on its own over the allowed predecessors of each tag
  only (BIOES forbids most moves). The arithmetic is the reference's (float32 sums in the same
  order, the first best predecessor on ties, the same end scores): identical paths and spans.
* :func:`span_marginals` — forward-backward and the marginal probability of decoded spans
  (:func:`.crf.span_probability`), row by row in scaled probability space: within 1e-9 of the
  numpy values (other summation order); a row that underflows is left to the reference.
* :func:`trie_matches` — every dictionary word in a text by a walk down the lexicon's trie from
  each character (:meth:`.lexicon.Lexicon.trie`), in pyahocorasick's output order: the same matches,
  about 13x faster than iterating the automaton from Python (handed on from
  :mod:`clue_miner.text.kernels`, beside the binary search it calls);
* :func:`encoder_inputs` — the encoder's input rows in one pass (embeddings, lexicon flags, word
  sets), the same numbers as the numpy gathers;
* :func:`lexicon_rows` — the lexicon flags and SoftLexicon word sets of a text from its dictionary
  matches in one pass (the numpy reference: :meth:`.lexicon.Lexicon.features` and
  :meth:`~.lexicon.Lexicon.word_slots`, a dozen array calls and a sort each): the same arrays.

``tests/test_ner_model.py`` and ``tests/test_lexicon_cache.py`` compare each with the reference.
Compiled functions are cached on disk by numba
(``cache=True``: ``__pycache__`` beside this file, else numba's per-user cache), so only the first
process after an install pays the compilation (about 2 s).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from clue_miner.extract.ner.crf import allowed_predecessors
from clue_miner.text.kernels import trie_matches  # noqa: F401 - handed on (see there)

# tag prefixes as codes (spans_from_tags' reading of a BIOES path)
PREFIX = {"O": 0, "B": 1, "I": 2, "E": 3, "S": 4}


def allowed_moves(trans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`.crf.allowed_predecessors` as CSR arrays ``(ptr (K+1,), preds)``."""
    preds = allowed_predecessors(trans)
    ptr = np.concatenate([[0], np.cumsum([len(p) for p in preds])]).astype(np.int64)
    return ptr, np.concatenate(preds).astype(np.int64)


@njit(cache=True, nogil=True)
def _push(out, found, row, start, end, lab):  # noqa: ANN001, ANN202
    if found == out.shape[0]:
        grown = np.empty((2 * found, 4), dtype=np.int64)
        grown[:found] = out[:found]
        out = grown
    out[found, 0] = row
    out[found, 1] = start
    out[found, 2] = end
    out[found, 3] = lab
    return out, found + 1


@njit(cache=True, nogil=True)
def decode_spans(em, lengths, trans, start, end, ptr, preds, prefix, label):  # noqa: ANN001, ANN201
    """Best path of every row of ``em`` (B, T, K) and its spans: ``(row, start, end_exclusive,
    label_id)`` int64 arrays in row order, read as :func:`.crf.spans_from_tags` reads a path
    (``prefix``: the tags' BIOES codes, ``label``: their label ids, -1 for O)."""
    bsz, steps, k = em.shape
    back = np.zeros((max(steps, 1), k), dtype=np.int16)
    score = np.empty(k, dtype=em.dtype)
    new = np.empty(k, dtype=em.dtype)
    path = np.empty(max(steps, 1), dtype=np.int64)
    out = np.empty((16, 4), dtype=np.int64)
    found = 0
    for b in range(bsz):
        n = lengths[b]
        if n <= 0:
            continue
        for j in range(k):
            score[j] = start[j] + em[b, 0, j]
        for t in range(1, n):
            for to in range(k):
                lo = ptr[to]
                arg = preds[lo]
                best = score[arg] + trans[arg, to]
                for q in range(lo + 1, ptr[to + 1]):
                    fr = preds[q]
                    v = score[fr] + trans[fr, to]
                    if v > best:
                        best = v
                        arg = fr
                new[to] = best + em[b, t, to]
                back[t, to] = arg
            for j in range(k):
                score[j] = new[j]
        cur = 0
        best = score[0] + end[0]
        for j in range(1, k):
            v = score[j] + end[j]
            if v > best:
                best = v
                cur = j
        for t in range(n - 1, -1, -1):
            path[t] = cur
            if t > 0:
                cur = back[t, cur]
        open_at = -1
        open_label = -1
        for i in range(n):
            p = prefix[path[i]]
            lab = label[path[i]]
            if p == 0:
                open_at = -1
                open_label = -1
            elif p == 4:
                out, found = _push(out, found, b, i, i + 1, lab)
                open_at = -1
                open_label = -1
            else:
                if p == 1 or lab != open_label:
                    open_at = i
                    open_label = lab
                if p == 3 and open_at >= 0:
                    out, found = _push(out, found, b, open_at, i + 1, lab)
                    open_at = -1
                    open_label = -1
    return out[:found]


_KEEP = 64  # heads' move tables and tag codes kept per process
_MOVES: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
_CODES: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, list[str]]] = {}


def best_spans(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray,
               tags: list[str]) -> list[list[tuple[int, int, str]]]:
    """:func:`.crf.viterbi` then :func:`.crf.spans_from_tags` per row, compiled: the spans of each
    row's best path."""
    dtype = np.result_type(emissions, trans, start, end)  # the reference's arithmetic type
    trans = np.ascontiguousarray(trans, dtype=dtype)
    key = trans.tobytes()
    moves = _MOVES.get(key)
    if moves is None:
        if len(_MOVES) >= _KEEP:  # a model has a handful of heads; anything beyond is a caller's own matrices
            _MOVES.clear()
        moves = _MOVES.setdefault(key, allowed_moves(trans))
    codes = _CODES.get(tuple(tags))
    if codes is None:
        if len(_CODES) >= _KEEP:
            _CODES.clear()
        names = sorted({t[2:] for t in tags if t != "O"})
        prefix = np.array([PREFIX[t[0]] for t in tags], dtype=np.int8)
        label = np.array([names.index(t[2:]) if t != "O" else -1 for t in tags], dtype=np.int64)
        codes = _CODES.setdefault(tuple(tags), (prefix, label, names))
    prefix, label, names = codes
    found = decode_spans(np.ascontiguousarray(emissions, dtype=dtype), np.asarray(lengths, dtype=np.int64), trans,
                         np.ascontiguousarray(start, dtype=dtype), np.ascontiguousarray(end, dtype=dtype),
                         moves[0], moves[1], prefix, label)
    out: list[list[tuple[int, int, str]]] = [[] for _ in range(emissions.shape[0])]
    for row, s, e, lab in found.tolist():
        out[row].append((s, e, names[lab]))
    return out


@njit(cache=True, nogil=True)
def span_marginals(em, lengths, trans, start, end, spans, b_tag, i_tag, e_tag, s_tag):  # noqa: ANN001, ANN201
    """Marginal probability of each span ``(row, start, end_exclusive, label_id)`` of ``spans``
    (grouped by row) under its row's CRF: :func:`.crf.forward_backward` (scaled probability space,
    float64) then :func:`.crf.span_probability`, row by row. NaN where a row's forward or backward
    pass underflowed (the caller falls back on the log-space reference for it)."""
    _, steps, k = em.shape
    out = np.full(spans.shape[0], np.nan)
    e_trans = np.exp(trans.astype(np.float64))
    smax = start.max()
    emax = end.max()
    e_start = np.exp(start.astype(np.float64) - smax)
    e_end = np.exp(end.astype(np.float64) - emax)
    p_em = np.empty((steps, k))
    top = np.empty(steps)
    alpha = np.empty((steps, k))
    beta = np.empty((steps, k))
    log_a = np.empty(steps)
    log_b = np.empty(steps)
    nxt = np.empty(k)
    first = 0
    while first < spans.shape[0]:
        row = spans[first, 0]
        last = first
        while last < spans.shape[0] and spans[last, 0] == row:
            last += 1
        n = lengths[row]
        for t in range(n):
            m = np.float64(em[row, t, 0])
            for j in range(1, k):
                v = np.float64(em[row, t, j])
                if v > m:
                    m = v
            top[t] = m
            for j in range(k):
                p_em[t, j] = np.exp(np.float64(em[row, t, j]) - m)
        ok = True
        norm = 0.0
        for j in range(k):
            alpha[0, j] = e_start[j] * p_em[0, j]
            norm += alpha[0, j]
        for j in range(k):
            alpha[0, j] /= norm
        log_a[0] = np.log(norm) + top[0] + smax
        for t in range(1, n):
            norm = 0.0
            for j in range(k):
                acc = 0.0
                for i in range(k):
                    acc += alpha[t - 1, i] * e_trans[i, j]
                nxt[j] = acc * p_em[t, j]
                norm += nxt[j]
            if not (norm > 0.0 and np.isfinite(norm)):
                ok = False
                break
            for j in range(k):
                alpha[t, j] = nxt[j] / norm
            log_a[t] = log_a[t - 1] + np.log(norm) + top[t]
        if ok:
            for j in range(k):
                beta[n - 1, j] = e_end[j]
            log_b[n - 1] = emax
            for t in range(n - 2, -1, -1):
                norm = 0.0
                for i in range(k):
                    acc = 0.0
                    for j in range(k):
                        acc += p_em[t + 1, j] * beta[t + 1, j] * e_trans[i, j]
                    nxt[i] = acc
                    if acc > norm:
                        norm = acc
                if not (norm > 0.0 and np.isfinite(norm)):
                    ok = False
                    break
                for i in range(k):
                    beta[t, i] = nxt[i] / norm
                log_b[t] = log_b[t + 1] + np.log(norm) + top[t + 1]
        if ok:
            z = 0.0
            for j in range(k):
                z += alpha[n - 1, j] * e_end[j]
            log_z = np.log(z) + log_a[n - 1] + emax
            for q in range(first, last):
                s = spans[q, 1]
                e = spans[q, 2]
                lab = spans[q, 3]
                if e - s == 1:
                    tag = s_tag[lab]
                    out[q] = np.exp(np.log(alpha[s, tag]) + log_a[s] + np.log(beta[s, tag]) + log_b[s] - log_z)
                    continue
                prev = b_tag[lab]
                score = np.log(alpha[s, prev]) + log_a[s]
                for t in range(s + 1, e):
                    cur = e_tag[lab] if t == e - 1 else i_tag[lab]
                    score += np.float64(trans[prev, cur] + em[row, t, cur])
                    prev = cur
                out[q] = np.exp(min(0.0, score + np.log(beta[e - 1, e_tag[lab]]) + log_b[e - 1] - log_z))
        first = last
    return out


def span_probabilities(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
                       end: np.ndarray, tags: list[str], spans: list[list[tuple[int, int, str]]]) -> list[list[float]]:
    """Marginal probability of each row's spans (``spans[r]``; :func:`.crf.span_probabilities`),
    compiled; rows that underflow in scaled space come back as NaN for the caller to redo."""
    index = {t: i for i, t in enumerate(tags)}
    labels = sorted({t[2:] for t in tags if t != "O"})
    codes = {lab: i for i, lab in enumerate(labels)}

    def tag_of(prefix: str) -> np.ndarray:
        return np.array([index.get(f"{prefix}-{lab}", 0) for lab in labels], dtype=np.int64)

    flat = np.array([(r, s, e, codes[lab]) for r, row in enumerate(spans) for s, e, lab in row], dtype=np.int64)
    if not len(flat):
        return [[] for _ in spans]
    probs = span_marginals(np.ascontiguousarray(emissions), np.asarray(lengths, dtype=np.int64),
                           np.ascontiguousarray(trans), np.ascontiguousarray(start), np.ascontiguousarray(end),
                           flat.reshape(-1, 4), tag_of("B"), tag_of("I"), tag_of("E"), tag_of("S")).tolist()
    out: list[list[float]] = []
    pos = 0
    for row in spans:
        out.append(probs[pos:pos + len(row)])
        pos += len(row)
    return out


@njit(cache=True, nogil=True)
def _input_row(o, t, cids, bids, lex, wids, wwts, char_emb, bigram_emb, word_emb):  # noqa: ANN001, ANN202
    """Character ``t``'s input row into ``o`` (zeroed): see :func:`encoder_inputs`."""
    cd = char_emb.shape[1]
    bd = bigram_emb.shape[1]
    nl = lex.shape[1]
    wd = word_emb.shape[1]
    o[:cd] = char_emb[cids[t]]
    o[cd:cd + bd] = bigram_emb[bids[t]]
    lt = lex[t]
    for j in range(nl):
        if lt[j]:
            o[cd + bd + j] = lt[j]
    for s in range(wids.shape[1]):
        base = cd + bd + nl + s * wd
        for q in range(wids.shape[2]):
            w = wwts[t, s, q]
            if w == 0:
                continue
            e = word_emb[wids[t, s, q]]
            for j in range(wd):
                o[base + j] += w * e[j]


@njit(cache=True, nogil=True)
def encoder_inputs(cids, bids, lex, wids, wwts, char_emb, bigram_emb, word_emb):  # noqa: ANN001, ANN201
    """The encoder's input rows ``(T, D)``: character and bigram embeddings, the lexicon flags and
    each B / M / E word set's weighted sum of word embeddings, written in one pass (no gathered
    ``(T, 3, k, d)`` block). The sums run as :func:`.model.word_set_sums` does (slot by slot, a
    float32 product then an addition; an empty slot, weight 0, adds nothing): the same numbers."""
    n = cids.shape[0]
    width = char_emb.shape[1] + bigram_emb.shape[1] + lex.shape[1] + wids.shape[1] * word_emb.shape[1]
    out = np.zeros((n, width), dtype=np.float32)
    for t in range(n):
        _input_row(out[t], t, cids, bids, lex, wids, wwts, char_emb, bigram_emb, word_emb)
    return out


@njit(cache=True, nogil=True)
def encoder_inputs_placed(cids, bids, lex, wids, wwts, char_emb, bigram_emb, word_emb,  # noqa: ANN001, ANN201
                          dest, rows, lo, hi):
    """:func:`encoder_inputs` written straight into a pinned graph's input block ``(rows, D + 2)``:
    character ``t``'s row at ``dest[t]`` (skipped when negative), every row's last two columns ``lo``
    and ``hi`` (:class:`.onnx_encoder.Plan`); the other rows zero."""
    width = char_emb.shape[1] + bigram_emb.shape[1] + lex.shape[1] + wids.shape[1] * word_emb.shape[1]
    out = np.zeros((rows, width + 2), dtype=np.float32)
    for r in range(rows):
        out[r, width] = lo
        out[r, width + 1] = hi
    for t in range(cids.shape[0]):
        if dest[t] >= 0:
            _input_row(out[dest[t]], t, cids, bids, lex, wids, wwts, char_emb, bigram_emb, word_emb)
    return out


@njit(cache=True, nogil=True)
def lexicon_rows(n, starts, ends, lens, hits, base, weight, to_model, k, n_features, block):  # noqa: ANN001, ANN201
    """:meth:`.lexicon.Lexicon.features` and :meth:`~.lexicon.Lexicon.word_slots` of one text in one
    pass over its dictionary matches: the ``(n, n_features)`` uint8 flags (each class column of a
    word at its B / M / E / S position block) and each character's B / M / E word sets, the ``k``
    heaviest words of two or more characters (weight descending, then word id; kept by insertion,
    which gives the numpy sort's order) with their weights divided by each set's float32 sum."""
    flags = np.zeros((n, n_features), dtype=np.uint8)
    ids = np.zeros((n, 3, k), dtype=np.int64)
    wts = np.zeros((n, 3, k), dtype=np.float32)
    held = np.zeros((n, 3), dtype=np.int64)  # words in each set so far (at most k)
    for m in range(hits.shape[0]):
        s, e, ln, h = starts[m], ends[m], lens[m], hits[m]
        for c in range(base.shape[1]):
            b = base[h, c]
            if b >= n_features:
                continue
            if ln == 1:
                flags[s, b + 3 * block] = 1
                continue
            flags[s, b] = 1
            flags[e, b + 2 * block] = 1
            for r in range(s + 1, e):
                flags[r, b + block] = 1
        wid = to_model[h]
        if ln < 2 or wid <= 0:
            continue
        w = weight[h]
        for r in range(s, e + 1):
            p = 0 if r == s else (2 if r == e else 1)
            j = 0
            while j < held[r, p] and (wts[r, p, j] > w or (wts[r, p, j] == w and ids[r, p, j] <= wid)):
                j += 1
            if j >= k:
                continue
            if held[r, p] < k:
                held[r, p] += 1
            for q in range(held[r, p] - 1, j, -1):
                ids[r, p, q] = ids[r, p, q - 1]
                wts[r, p, q] = wts[r, p, q - 1]
            ids[r, p, j] = wid
            wts[r, p, j] = w
    for r in range(n):
        for p in range(3):
            total = np.float32(0.0)
            for q in range(k):
                total += wts[r, p, q]
            if total > 0:
                for q in range(k):
                    wts[r, p, q] = wts[r, p, q] / total
    return flags, ids, wts
