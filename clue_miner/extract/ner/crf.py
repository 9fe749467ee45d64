"""The NER's CRF heads in numpy: Viterbi decoding and forward-backward (the marginal probability
of a decoded span, a head's confidence in it). These are the reference; :func:`best_spans`,
:func:`best_spans_many` and :func:`span_probabilities` (what the model calls) run the compiled
kernels of :mod:`.kernels` instead when :mod:`clue_miner.extract.jit` says so, with the same results.

Tag scheme: BIOES per head, ``O`` first, then ``B-X, I-X, E-X, S-X`` for each label X. The CRF
decodes under hard constraints (no ``I-X`` after ``O`` …): :func:`transition_mask` is shared with
training so both sides score the same lattice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from clue_miner.extract.jit import kernels

__all__ = ["allowed_predecessors", "best_spans", "best_spans_many", "bioes_tags", "forward_backward",
           "span_probabilities", "span_probability", "spans_from_tags", "transition_mask", "viterbi", "viterbi_many"]

NEG = -1e4


def bioes_tags(labels: Sequence[str]) -> list[str]:
    return ["O"] + [f"{p}-{lab}" for lab in labels for p in "BIES"]


def transition_mask(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(trans, start, end)`` additive masks: 0 where allowed, ``NEG`` where BIOES forbids it."""
    k = len(tags)
    trans = np.zeros((k, k), dtype=np.float32)
    start = np.zeros(k, dtype=np.float32)
    end = np.zeros(k, dtype=np.float32)
    parts = [(t[0], t[2:]) for t in tags]
    for i, (p, lab) in enumerate(parts):
        if p in "IE":
            start[i] = NEG
        if p in "BI":
            end[i] = NEG
        for j, (q, lab2) in enumerate(parts):
            inside = p in "BI"
            ok = (q in "IE" and lab2 == lab) if inside else q in "OBS"
            if not ok:
                trans[i, j] = NEG
    return trans, start, end


# A transition at or below this is forbidden (the CRF heads store -10000 for the BIOES moves that
# cannot happen, I-X after O and the like): no best path takes one while an allowed path exists.
_FORBIDDEN = -1e3


def allowed_predecessors(trans: np.ndarray) -> list[np.ndarray]:
    """Each tag's allowed predecessors, ascending; a tag nothing may precede gets every tag (all
    compete, as in the dense step). Shared by the grouped step and the compiled decoder."""
    allowed = trans > _FORBIDDEN
    k = trans.shape[0]
    return [p if len(p := np.flatnonzero(allowed[:, to])) else np.arange(k) for to in range(k)]


def _transition_groups(trans: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None:
    """The allowed predecessors of each tag, grouped by how many there are: per group the tags
    ``to`` (n,), their predecessors ``preds`` (n, p) ascending, and ``trans[preds, to]`` (n, p).
    BIOES gives two groups (O, B-*, S-* come after O, E-*, S-*; I-X, E-X after B-X, I-X), a third of
    the dense K x K work. None when grouping would not pay (a dense matrix, or many groups)."""
    k = trans.shape[0]
    if k < _GROUPED_FROM or (trans > _FORBIDDEN).sum() > 0.6 * k * k:
        return None
    by_count: dict[int, list[tuple[int, np.ndarray]]] = {}
    for to, preds in enumerate(allowed_predecessors(trans)):
        by_count.setdefault(len(preds), []).append((to, preds))
    if len(by_count) > 3:
        return None
    groups = []
    for _, items in sorted(by_count.items()):
        tos = np.array([t for t, _ in items])
        preds = np.stack([p for _, p in items])
        groups.append((tos, preds, trans[preds, tos[:, None]]))
    return groups


def viterbi(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
            end: np.ndarray) -> list[list[int]]:
    """Best tag paths of a batch: ``emissions`` (B, T, K), transitions (K, K) from -> to.

    Each step weighs only the allowed predecessors of each tag (``_transition_groups``) when the
    transitions forbid most moves, else all of them (:func:`viterbi_dense`); the paths and scores
    are the same (a forbidden move is 10,000 below any allowed one)."""
    groups = _transition_groups(trans) if emissions.shape[0] > _DENSE_BELOW else None
    if groups is None:
        return viterbi_dense(emissions, lengths, trans, start, end)
    bsz, steps, k = emissions.shape
    score = start[None, :] + emissions[:, 0]
    back = np.zeros((steps, bsz, k), dtype=np.int16)
    keep = np.arange(k)[None, :]
    all_live = int(np.min(lengths)) if bsz else 0
    cols = [np.arange(len(tos))[None, :] for tos, _, _ in groups]
    rows = np.arange(bsz)[:, None]
    for t in range(1, steps):
        new = np.empty_like(score)
        best = np.empty((bsz, k), dtype=np.int16)
        for (tos, preds, tr), col in zip(groups, cols, strict=True):
            cand = score[:, preds] + tr  # (B, n, p)
            arg = cand.argmax(axis=2)
            new[:, tos] = cand[rows, col, arg]
            best[:, tos] = preds[col, arg]
        new += emissions[:, t]
        score = _advance(t, all_live, lengths, new, best, score, back, keep)
    return _backtrace(back, score + end[None, :], lengths)


# Batches of fewer rows, and heads of fewer tags, decode densely: the grouped step costs more numpy
# calls, which they do not earn back (measured: news, 13 tags, 1.4x slower grouped; cail2021, 33
# tags, 1.5-2.5x faster; 75 rows of 160 characters).
_DENSE_BELOW = 8
_GROUPED_FROM = 17


def viterbi_dense(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
                  end: np.ndarray) -> list[list[int]]:
    """:func:`viterbi` over every predecessor of every tag (any transition matrix)."""
    bsz, steps, k = emissions.shape
    into = np.ascontiguousarray(trans.T)  # [to, from]: the best predecessor is a reduction over the last axis
    score = start[None, :] + emissions[:, 0]
    back = np.zeros((steps, bsz, k), dtype=np.int16)
    keep = np.arange(k)[None, :]
    rows = np.arange(bsz)[:, None]
    all_live = int(np.min(lengths)) if bsz else 0  # steps every row still runs (rows come sorted by length)
    for t in range(1, steps):
        cand = score[:, None, :] + into[None, :, :]
        best = cand.argmax(axis=2)
        new = cand[rows, keep, best] + emissions[:, t]
        score = _advance(t, all_live, lengths, new, best, score, back, keep)
    return _backtrace(back, score + end[None, :], lengths)


def _advance(t: int, all_live: int, lengths: np.ndarray, new: np.ndarray, best: np.ndarray, score: np.ndarray,
             back: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Step ``t`` of a Viterbi loop: the new scores and back-pointers where a row still runs, the
    old score and the identity past its end (no mask while every row runs, ``t < all_live``)."""
    if t < all_live:
        back[t] = best
        return new
    live = (t < lengths)[:, None]
    back[t] = np.where(live, best, keep)
    return np.where(live, new, score)


def _backtrace(back: np.ndarray, final: np.ndarray, lengths: np.ndarray) -> list[list[int]]:
    """Best paths from the back-pointers ``back`` (T, B, K) and the final scores (B, K)."""
    steps, bsz, _ = back.shape
    cur = final.argmax(axis=1)
    flat = np.arange(bsz)
    paths = np.zeros((bsz, steps), dtype=np.int64)
    all_live = int(np.min(lengths)) if bsz else 0
    for t in range(steps - 1, -1, -1):
        paths[:, t] = cur
        if t <= 0:
            continue
        cur = back[t, flat, cur] if t < all_live else np.where(t < lengths, back[t, flat, cur], cur)
    return [paths[b, : int(lengths[b])].tolist() for b in range(bsz)]


_PAD = -1e9  # emission and transitions of the tags a head lacks in viterbi_many: never on a best path


def viterbi_many(jobs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]) -> list[list[list[int]]]:
    """:func:`viterbi` of several heads over one batch in a single loop over the steps: ``jobs``
    holds ``(emissions (B_h, T, K_h), lengths (B_h,), trans, start, end)`` per head. Tag sets are
    padded to the largest with tags no path can take and each row keeps its head's transitions, so
    the paths are those :func:`viterbi` gives each head alone. Cheaper than one call per head when
    the batch is small (one text: the per-step overhead dominates); dearer for large batches (the
    padded tags cost arithmetic), where :func:`viterbi` per head is used."""
    if len(jobs) == 1:
        return [viterbi(*jobs[0])]
    k = max(job[0].shape[2] for job in jobs)
    steps = max(job[0].shape[1] for job in jobs)
    sizes = [job[0].shape[0] for job in jobs]
    bsz = sum(sizes)
    ems = np.full((bsz, steps, k), _PAD, dtype=np.float32)
    into = np.full((len(jobs), k, k), _PAD, dtype=np.float32)  # [head, to, from]
    start = np.full((len(jobs), k), _PAD, dtype=np.float32)
    end = np.full((len(jobs), k), _PAD, dtype=np.float32)
    row = 0
    for h, (em, _, trans, st, en) in enumerate(jobs):
        kh = em.shape[2]
        ems[row:row + em.shape[0], : em.shape[1], :kh] = em
        into[h, :kh, :kh], start[h, :kh], end[h, :kh] = trans.T, st, en
        row += em.shape[0]
    head = np.repeat(np.arange(len(jobs)), sizes)
    lengths = np.concatenate([np.asarray(job[1]) for job in jobs])
    row_into = into[head]
    score = start[head] + ems[:, 0]
    back = np.zeros((steps, bsz, k), dtype=np.int16)
    keep = np.arange(k)[None, :]
    rows = np.arange(bsz)[:, None]
    all_live = int(np.min(lengths))  # steps every row still runs
    for t in range(1, steps):
        cand = score[:, None, :] + row_into
        best = cand.argmax(axis=2)
        new = cand[rows, keep, best] + ems[:, t]
        score = _advance(t, all_live, lengths, new, best, score, back, keep)
    paths = _backtrace(back, score + end[head], lengths)
    bounds = np.cumsum([0, *sizes])
    return [paths[bounds[i]:bounds[i + 1]] for i in range(len(sizes))]


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return np.squeeze(top, axis) + np.log(np.exp(x - top).sum(axis=axis))


def forward_backward(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
                     end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log forward and backward scores ``(B, T, K)`` and the log partition ``(B,)`` of a batch.

    ``alpha[b, t, k]``: all paths over steps ``0..t`` that end in tag ``k``; ``beta[b, t, k]``: all
    paths from tag ``k`` at ``t`` to the end of text ``b`` (its ``end`` score included).

    Computed in scaled probability space (each step a (B, K) x (K, K) product, renormalised, the
    scales summed in logs) rather than with a log-sum-exp over (B, K, K): the same values to about
    1e-12 (:func:`forward_backward_log` is the reference), a forbidden transition gives -inf where
    the log version gives about -10000, and either is probability 0."""
    bsz, steps, k = emissions.shape
    em = emissions.astype(np.float64)
    if steps == 0 or bsz == 0:
        return forward_backward_log(emissions, lengths, trans, start, end)
    live = np.arange(steps)[None, :] < lengths[:, None]  # (B, T)
    with np.errstate(divide="ignore", invalid="ignore"):  # an underflow is caught below
        e_trans = np.exp(trans.astype(np.float64))
        # scaled emissions: exp(em - max over tags) per step, the max kept in logs
        top = em.max(axis=2)  # (B, T)
        p_em = np.exp(em - top[:, :, None])
        alpha = np.empty((bsz, steps, k))
        log_a = np.empty((bsz, steps))  # log of the scale of alpha at each step
        first = np.exp(start.astype(np.float64) - start.max())[None, :] * p_em[:, 0]
        norm = first.sum(axis=1)
        alpha[:, 0] = first / norm[:, None]
        log_a[:, 0] = np.log(norm) + top[:, 0] + float(start.max())
        for t in range(1, steps):
            nxt = (alpha[:, t - 1] @ e_trans) * p_em[:, t]
            norm = nxt.sum(axis=1)
            go = live[:, t]
            safe = np.where(go, norm, 1.0)
            alpha[:, t] = np.where(go[:, None], nxt / safe[:, None], alpha[:, t - 1])
            log_a[:, t] = np.where(go, log_a[:, t - 1] + np.log(safe) + top[:, t], log_a[:, t - 1])
        beta = np.empty((bsz, steps, k))
        log_b = np.empty((bsz, steps))
        e_end = np.exp(end.astype(np.float64) - end.max())
        beta[:, steps - 1] = e_end[None, :]
        log_b[:, steps - 1] = float(end.max())
        for t in range(steps - 2, -1, -1):
            nxt = (p_em[:, t + 1] * beta[:, t + 1]) @ e_trans.T
            norm = nxt.max(axis=1)
            go = live[:, t + 1]
            safe = np.where(go, norm, 1.0)
            beta[:, t] = np.where(go[:, None], nxt / safe[:, None], e_end[None, :])
            log_b[:, t] = np.where(go, log_b[:, t + 1] + np.log(safe) + top[:, t + 1], float(end.max()))
    if not (np.isfinite(log_a).all() and np.isfinite(log_b).all()):  # a step underflowed to nothing
        return forward_backward_log(emissions, lengths, trans, start, end)
    with np.errstate(divide="ignore"):
        log_alpha = np.log(alpha) + log_a[:, :, None]
        log_beta = np.log(beta) + log_b[:, :, None]
    last = np.maximum(lengths - 1, 0)
    rows = np.arange(bsz)
    log_z = np.log((alpha[rows, last] * e_end[None, :]).sum(axis=1)) + log_a[rows, last] + float(end.max())
    return log_alpha, log_beta, log_z


def forward_backward_log(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
                         end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`forward_backward` with a log-sum-exp at every step (the reference)."""
    bsz, steps, k = emissions.shape
    em = emissions.astype(np.float64)
    alpha = np.empty((bsz, steps, k))
    beta = np.empty((bsz, steps, k))
    alpha[:, 0] = start[None, :] + em[:, 0]
    for t in range(1, steps):
        nxt = _logsumexp(alpha[:, t - 1, :, None] + trans[None, :, :], axis=1) + em[:, t]
        alpha[:, t] = np.where((t < lengths)[:, None], nxt, alpha[:, t - 1])
    beta[:, steps - 1] = end[None, :]
    for t in range(steps - 2, -1, -1):
        nxt = _logsumexp(trans[None, :, :] + (em[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
        beta[:, t] = np.where((t + 1 < lengths)[:, None], nxt, end[None, :])
    last = np.maximum(lengths - 1, 0)
    log_z = _logsumexp(alpha[np.arange(bsz), last] + end[None, :], axis=1)
    return alpha, beta, log_z


def span_probability(emissions: np.ndarray, alpha: np.ndarray, beta: np.ndarray, log_z: float,
                     trans: np.ndarray, tags: Sequence[str], start: int, end: int, label: str) -> float:
    """Marginal probability that one text's BIOES path tags exactly ``[start, end)`` as ``label``
    (``emissions``, ``alpha``, ``beta`` of that text: ``(T, K)``)."""
    index = {t: i for i, t in enumerate(tags)}
    if end - start == 1:
        s = index[f"S-{label}"]
        return float(np.exp(alpha[start, s] + beta[start, s] - log_z))
    prev = index[f"B-{label}"]
    inside, last = index[f"I-{label}"], index[f"E-{label}"]
    score = float(alpha[start, prev])
    for t in range(start + 1, end):
        cur = last if t == end - 1 else inside
        score += float(trans[prev, cur] + emissions[t, cur])
        prev = cur
    return float(np.exp(min(0.0, score + float(beta[end - 1, last]) - log_z)))


def spans_from_tags(path: Sequence[int], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end_exclusive, label)`` of a BIOES path (a stray I/E opens a span, as in BIO)."""
    spans: list[tuple[int, int, str]] = []
    open_at, label = -1, ""
    for i, k in enumerate(path):
        tag = tags[k]
        p, lab = tag[0], tag[2:]
        if p == "O":
            open_at, label = -1, ""
        elif p == "S":
            spans.append((i, i + 1, lab))
            open_at, label = -1, ""
        elif p == "B" or lab != label:
            open_at, label = i, lab
        if p == "E" and open_at >= 0:
            spans.append((open_at, i + 1, lab))
            open_at, label = -1, ""
    return spans


def best_spans(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray,
               tags: Sequence[str], kernels_choice: str | None = None) -> list[list[tuple[int, int, str]]]:
    """The spans of each row's best path (:func:`viterbi`, then :func:`spans_from_tags`), by the
    compiled kernels (:mod:`.kernels`; :mod:`clue_miner.extract.jit` says when) or by the numpy reference: the same spans."""
    jit = kernels(kernels_choice, emissions.shape[0] * emissions.shape[1])
    if jit is not None:
        return jit.best_spans(emissions, lengths, trans, start, end, list(tags))
    return [spans_from_tags(path, tags) for path in viterbi(emissions, lengths, trans, start, end)]


def best_spans_many(jobs: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, Sequence[str]]],
                    kernels_choice: str | None = None) -> list[list[list[tuple[int, int, str]]]]:
    """:func:`best_spans` of several heads over one small batch: compiled, head by head; in numpy,
    in one loop over the steps (:func:`viterbi_many`), where per-step overhead dominates."""
    jit = kernels(kernels_choice, sum(job[0].shape[0] * job[0].shape[1] for job in jobs))
    if jit is not None:
        return [jit.best_spans(em, lens, trans, start, end, list(tags)) for em, lens, trans, start, end, tags in jobs]
    decoded = viterbi_many([job[:5] for job in jobs])
    return [[spans_from_tags(path, job[5]) for path in paths] for job, paths in zip(jobs, decoded, strict=True)]


def span_probabilities(emissions: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray,
                       end: np.ndarray, tags: Sequence[str], spans: Sequence[Sequence[tuple[int, int, str]]],
                       kernels_choice: str | None = None) -> list[list[float]]:
    """The marginal probability of each span of ``spans[r]`` under row ``r``'s CRF (``emissions``
    (B, T, K)): :func:`forward_backward`, then :func:`span_probability`; by the compiled kernels when
    they run (:mod:`.kernels`, the same values to ~1e-9), with this numpy path for rows that underflow."""
    jit = kernels(kernels_choice)
    out: list[list[float]] | None = None
    redo = list(range(len(spans)))
    if jit is not None:
        out = jit.span_probabilities(emissions, lengths, trans, start, end, list(tags), [list(r) for r in spans])
        redo = [r for r, probs in enumerate(out) if any(p != p for p in probs)]  # NaN: underflowed
        if not redo:
            return out
    alpha, beta, log_z = forward_backward(emissions[redo], np.asarray(lengths)[redo], trans, start, end)
    again = [[span_probability(emissions[r], alpha[n], beta[n], float(log_z[n]), trans, tags, s, e, lab)
              for s, e, lab in spans[r]] for n, r in enumerate(redo)]
    if out is None:
        return again
    for n, r in enumerate(redo):
        out[r] = again[n]
    return out
