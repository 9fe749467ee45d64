"""Initial character, bigram and lexicon-word vectors from unlabelled text (PPMI + truncated SVD).

No pretrained vectors come from outside: the recipe counts, over the NER training texts and the
other unlabelled Chinese text under ../shared/data (citizen messages, CAIL2018 facts, the Criminal
Law, CAIL2019 judgments), which characters occur at offsets -2, -1, +1, +2 around each character,
bigram and dictionary word, weights the counts by positive pointwise mutual information and keeps
the top singular vectors (Levy & Goldberg 2014: SVD of PPMI ~ skip-gram). Dev sentences are never
read here. The vectors only initialise the embeddings; training moves them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from clue_miner.extract.ner.features import Vocab
from clue_miner.extract.ner.lexicon import Lexicon

log = logging.getLogger(__name__)

OFFSETS = (-2, -1, 1, 2)
_FIELDS = ("text", "fact", "A", "B", "C")


def unlabelled_texts(shared: Path, limit_chars: int = 12_000_000) -> list[str]:
    """Texts of ../shared/data other than the NER corpora (messages, facts, statute, judgments)."""
    out: list[str] = []
    total = 0
    files = [*sorted((shared / "complaints").glob("*.jsonl")), *sorted((shared / "charges").glob("*.jsonl")),
             *sorted((shared / "matching").glob("*.jsonl"))]
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                for key in _FIELDS:
                    if isinstance(row.get(key), str):
                        out.append(row[key])
                        total += len(row[key])
        if total >= limit_chars:
            break
    law = shared / "statutes" / "criminal_law.txt"
    if law.exists():
        out += [x for x in law.read_text(encoding="utf-8").splitlines() if x.strip()]
    return out


def _ppmi_svd(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int, dim: int, seed: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds

    m = coo_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n_rows, n_cols)).tocsr()
    m.sum_duplicates()
    total = m.sum()
    rs = np.asarray(m.sum(axis=1)).ravel()
    cs = np.asarray(m.sum(axis=0)).ravel() ** 0.75  # context distribution smoothing
    cs = cs / cs.sum() * total
    m = m.tocoo()
    pmi = np.log(m.data * total / (rs[m.row] * cs[m.col]))
    keep = pmi > 0
    p = coo_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape).tocsr()
    k = min(dim, min(p.shape) - 1)
    u, s, _ = svds(p, k=k, random_state=seed)
    vec = u * np.sqrt(s)[None, :]
    out = np.zeros((n_rows, dim), dtype=np.float32)
    out[:, :k] = vec
    return out


def _scale(vec: np.ndarray, seen: np.ndarray, dim: int) -> np.ndarray:
    """Rows seen in the counts, scaled to the spread of the default init (std 1/sqrt(dim))."""
    if seen.any():
        sd = vec[seen].std()
        if sd > 0:
            vec = vec * (1.0 / np.sqrt(dim) / sd)
    return vec.astype(np.float32)


def pretrain_vectors(texts: Iterable[str], vocab: Vocab, lexicon: Lexicon | None, dims: Sequence[int],
                     seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{"char"|"bigram"|"word": (vectors, seen_mask)}`` for the rows of ``vocab``."""
    char_dim, bigram_dim, word_dim = dims
    nc = len(vocab.chars)
    to_model = vocab.word_map(lexicon.words) if lexicon is not None and len(vocab.words) > 1 else None
    pairs: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {"char": ([], []), "bigram": ([], []), "word": ([], [])}
    for text in texts:
        cids, bids = vocab.encode(text)
        n = len(text)
        if n < 2:
            continue
        for j, off in enumerate(OFFSETS):
            lo, hi = max(0, -off), min(n, n - off)
            if hi <= lo:
                continue
            ctx = cids[lo + off:hi + off] + j * nc
            pairs["char"][0].append(cids[lo:hi])
            pairs["char"][1].append(ctx)
            if bigram_dim:  # a bigram at i spans i, i+1: its right context starts at i+2
                shift = off + 1 if off > 0 else off
                lo2, hi2 = max(0, -shift), min(n, n - shift)
                if hi2 > lo2:
                    pairs["bigram"][0].append(bids[lo2:hi2])
                    pairs["bigram"][1].append(cids[lo2 + shift:hi2 + shift] + j * nc)
        if to_model is not None and word_dim:
            starts, ends, lens, hits = lexicon.matches(text)
            wid = to_model[hits]
            ok = (lens >= 2) & (wid > 0)
            for j, off in enumerate(OFFSETS):
                pos = (starts[ok] + off) if off < 0 else (ends[ok] + off)
                inside = (pos >= 0) & (pos < n)
                pairs["word"][0].append(wid[ok][inside])
                pairs["word"][1].append(cids[pos[inside]] + j * nc)
    sizes = {"char": (nc, char_dim), "bigram": (len(vocab.bigrams), bigram_dim), "word": (len(vocab.words), word_dim)}
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, (rows_l, cols_l) in pairs.items():
        n_rows, dim = sizes[name]
        if not rows_l or not dim:
            continue
        rows = np.concatenate(rows_l)
        cols = np.concatenate(cols_l)
        keep = (rows > 1) & (cols % nc > 1)  # padding/unknown rows and contexts carry no meaning
        rows, cols = rows[keep], cols[keep]
        seen = np.bincount(rows, minlength=n_rows) >= 3
        vec = _ppmi_svd(rows, cols, n_rows, len(OFFSETS) * nc, dim, seed)
        out[name] = (_scale(vec, seen, dim), seen)
        log.info("pretrained %s vectors: %d of %d rows seen", name, int(seen.sum()), n_rows)
    return out
