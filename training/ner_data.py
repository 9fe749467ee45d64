"""Corpora for the NER recipe: splits, heads, tags and features.

Splits (never train on a dev sentence):

* ``news`` = MSRA train + the People's Daily train sentences MSRA does not already hold (the two
  share ~13k sentences, and PD's dev overlaps MSRA's train, so PD dev is not used); every
  sentence that also occurs in MSRA dev or PD dev is dropped from training. Dev: MSRA dev.
* ``cail2021``, ``cluener``: only a train file here: duplicates removed, then a fixed seeded 10 %
  held out as dev. ``cail2022``: whole articles held out (seeded, ~15 % of ``articleId``s), so
  sentences of one judgment never sit on both sides.
* ``weibo``: its train / dev files.

Heads (one CRF per corpus family over its *native* labels, on a shared encoder): a corpus only
trains its own heads, so corpora never contradict each other's boundaries or scope. CAIL2021 nests
persons inside items and places (``被害人张某某的手机``), so it gets two heads: ``cail2021_person``
(NHCS, NHVI) and ``cail2021`` (the rest); each is flat.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clue_miner.evaluate.ner_corpora import NerDoc, read_ner
from clue_miner.extract.ner.crf import bioes_tags
from clue_miner.extract.ner.features import Vocab, segment
from clue_miner.extract.ner.lexicon import Lexicon
from clue_miner.text.normalize import translation_table

log = logging.getLogger(__name__)

HEADS: dict[str, list[str]] = {
    "news": ["PER", "LOC", "ORG"],
    "cail2021_person": ["NHCS", "NHVI"],
    "cail2021": ["NCSM", "NCGV", "NCSP", "NASI", "NATS", "NT", "NS", "NO"],
    "cail2022": ["Nh", "Ns", "NT", "NDR", "NW"],
    "cluener": ["name", "address", "organization", "company", "government", "position", "book", "game",
                "movie", "scene"],
    "weibo": ["PER.NAM", "PER.NOM", "LOC.NAM", "LOC.NOM", "GPE.NAM", "GPE.NOM", "ORG.NAM", "ORG.NOM"],
}
CORPUS_HEADS: dict[str, list[str]] = {
    "news": ["news"], "cail2021": ["cail2021_person", "cail2021"], "cail2022": ["cail2022"],
    "cluener": ["cluener"], "weibo": ["weibo"],
}
# How many times a corpus's batches come round per epoch (small, in-domain corpora more often).
REPEATS = {"news": 1, "cail2021": 3, "cail2022": 3, "cluener": 1, "weibo": 2}


@dataclass
class Example:
    corpus: str
    text: str
    cids: np.ndarray
    bids: np.ndarray
    lex: np.ndarray  # (T, F) uint8
    tags: dict[str, np.ndarray]
    wids: np.ndarray | None = None  # (T, 3, K) int32 lexicon-word ids for B / M / E
    wwts: np.ndarray | None = None  # (T, 3, K) float16 weights


def _texts(path: Path) -> set[str]:
    return {d.text for d in read_ner(path, "tsv").docs}


def _dedupe(docs: Sequence[NerDoc]) -> list[NerDoc]:
    seen: set[str] = set()
    out = []
    for d in docs:
        if d.text not in seen and d.text.strip():
            seen.add(d.text)
            out.append(d)
    return out


def _holdout(docs: list[NerDoc], frac: float, seed: int) -> tuple[list[NerDoc], list[NerDoc]]:
    idx = list(range(len(docs)))
    random.Random(seed).shuffle(idx)
    cut = int(round(len(docs) * frac))
    dev = set(idx[:cut])
    return [d for i, d in enumerate(docs) if i not in dev], [d for i, d in enumerate(docs) if i in dev]


def _cail2022_split(path: Path, frac: float, seed: int) -> tuple[list[NerDoc], list[NerDoc]]:
    docs = read_ner(path, "cail2022").docs
    with path.open(encoding="utf-8-sig") as fh:
        arts = [json.loads(line).get("articleId") for line in fh if line.strip()]
    ids = sorted({a for a in arts}, key=str)
    random.Random(seed).shuffle(ids)
    held = set(ids[: max(1, int(round(len(ids) * frac)))])
    train = [d for d, a in zip(docs, arts, strict=True) if a not in held]
    dev = [d for d, a in zip(docs, arts, strict=True) if a in held]
    dev_texts = {d.text for d in dev}
    return _dedupe([d for d in train if d.text not in dev_texts]), _dedupe(dev)


def load_splits(data: Path, seed: int, limit: int | None = None) -> dict[str, tuple[list[NerDoc], list[NerDoc]]]:
    """``{corpus: (train_docs, dev_docs)}``; ``limit`` caps the train sentences of each corpus."""
    msra = read_ner(data / "msra_train.tsv", "tsv").docs
    msra_dev = read_ner(data / "msra_dev.tsv", "tsv").docs
    pd_train = read_ner(data / "peoples-daily_train.tsv", "tsv").docs
    banned = {d.text for d in msra_dev} | _texts(data / "peoples-daily_dev.tsv")
    news = [d for d in _dedupe([*msra, *pd_train]) if d.text not in banned]
    splits = {"news": (news, msra_dev)}
    c21 = _dedupe(read_ner(data / "cail2021_theft_train.jsonl", "cail2021").docs)
    splits["cail2021"] = _holdout(c21, 0.10, seed)
    splits["cail2022"] = _cail2022_split(data / "cail2022_drug_train.jsonl", 0.15, seed)
    clu = _dedupe(read_ner(data / "cluener2020_train.jsonl", "cluener").docs)
    splits["cluener"] = _holdout(clu, 0.10, seed)
    weibo_dev = read_ner(data / "weibo_dev.conll", "conll").docs
    wd = {d.text for d in weibo_dev}
    splits["weibo"] = ([d for d in _dedupe(read_ner(data / "weibo_train.conll", "conll").docs) if d.text not in wd],
                       weibo_dev)
    if limit:
        rng = random.Random(seed)
        for name, (train, dev) in list(splits.items()):
            pick = sorted(rng.sample(range(len(train)), min(limit, len(train))))
            splits[name] = ([train[i] for i in pick], dev[: max(20, limit // 5)])
    for name, (train, dev) in splits.items():
        log.info("%-9s train %6d  dev %5d", name, len(train), len(dev))
    return splits


def flat(spans: Sequence[tuple[int, int, str]], labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans of the given labels: earlier first, then longer."""
    keep = set(labels)
    out: list[tuple[int, int, str]] = []
    for s, e, lab in sorted((x for x in spans if x[2] in keep), key=lambda x: (x[0], -(x[1] - x[0]))):
        if out and s < out[-1][1]:
            continue
        out.append((s, e, lab))
    return out


def tag_ids(n: int, spans: Sequence[tuple[int, int, str]], labels: Sequence[str]) -> np.ndarray:
    index = {t: i for i, t in enumerate(bioes_tags(labels))}
    out = np.zeros(n, dtype=np.int64)
    for s, e, lab in flat(spans, labels):
        if e - s == 1:
            out[s] = index[f"S-{lab}"]
        else:
            out[s] = index[f"B-{lab}"]
            out[s + 1:e - 1] = index[f"I-{lab}"]
            out[e - 1] = index[f"E-{lab}"]
    return out


def normalise(text: str) -> str:
    """The pipeline's 1:1 normalisation (width, whitespace, traditional -> simplified)."""
    return text.translate(translation_table())


def pieces(docs: Sequence[NerDoc], max_len: int = 160, hard_len: int = 250) -> list[NerDoc]:
    """Documents cut the way inference cuts texts (:func:`clue_miner.extract.ner.features.segment`);
    a span across a cut (rare: cuts fall at sentence ends) is dropped."""
    out = []
    for d in docs:
        for s, e in segment(d.text, max_len, hard_len):
            spans = tuple((a - s, b - s, lab) for a, b, lab in d.spans if s <= a and b <= e)
            if d.text[s:e].strip():
                out.append(NerDoc(d.text[s:e], spans))
    return out


def word_vocab(texts: Sequence[str], lexicon: Lexicon, min_count: int, max_words: int) -> list[str]:
    """Lexicon words seen at least ``min_count`` times in the training texts (most frequent first)."""
    counts = lexicon.word_counts(list(texts))
    idx = np.flatnonzero(counts >= min_count)
    idx = idx[np.lexsort((idx, -counts[idx]))][:max_words]
    return ["<none>", *(lexicon.words[i] for i in idx)]


def featurise(corpus: str, docs: Sequence[NerDoc], vocab: Vocab, lexicon: Lexicon | None,
              word_k: int = 0) -> list[Example]:
    out = []
    to_model = vocab.word_map(lexicon.words) if lexicon is not None and word_k else None
    for d in pieces(docs):
        text = normalise(d.text)
        cids, bids = vocab.encode(text)
        tags = {h: tag_ids(len(text), d.spans, HEADS[h]) for h in CORPUS_HEADS[corpus]}
        if lexicon is None:
            out.append(Example(corpus, text, cids, bids, np.zeros((len(text), 0), dtype=np.uint8), tags))
            continue
        found = lexicon.matches(text)
        ex = Example(corpus, text, cids, bids, lexicon.features(text, found), tags)
        if to_model is not None:
            wids, wwts = lexicon.word_slots(text, to_model, word_k, found)
            ex.wids, ex.wwts = wids.astype(np.int32), wwts.astype(np.float16)
        out.append(ex)
    return out
