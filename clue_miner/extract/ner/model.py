"""The shipped statistical NER (``models/ner-charlstm``): a char BiLSTM-CRF with lexicon features.

One shared encoder (character + bigram embeddings + soft-lexicon flags and word-set embeddings from
jieba's dictionary, :mod:`clue_miner.extract.ner.lexicon`) feeds one CRF head per corpus family (news = MSRA/People's
Daily, CAIL2021 persons, CAIL2021 rest, CAIL2022, CLUENER, Weibo). Each head speaks its corpus's
native labels; ``config.json`` maps them onto DESIGN's labels. A *profile* says which heads speak:

* ``complaint`` (the default inside ``extract()``): the CAIL2021 person head (suspect / victim),
  then the CAIL2021, CAIL2022 and news heads; overlaps go to the earlier head, then to persons,
  then to the longer span (a place or item around a person keeps both, nested); the labels kept
  are PERSON, LOCATION, ORG, ITEM and QUANTITY, plus the case heads' TIME and MONEY spans
  (``_SPAN_ONLY``: the merge keeps the rule layer's normalised value on the head's span; a MONEY
  span that reads no amount, a weight the theft head takes for a value, is none; identifiers stay
  with the rules). A text where the drug head is sure of a drug is a drug narrative: that head then
  speaks before the theft head. A text with no word of a case narrative (``_CASE_CUES``: no crime, police, complaint or court word)
  is general prose and is read by the news head, its unsure persons confirmed by the CLUENER head
  (the heads' conventions disagree: CAIL marks whole crime scenes, news marks toponyms);
* one profile per corpus (``news``, ``cail2021``, ``cail2022``, ``cluener``, ``weibo``): that
  corpus's heads only, every mapped label; used by ``evaluate_ner`` to score a corpus on its own
  conventions (:meth:`NerModel.for_corpus`).

Roles: a cue right before the name decides (``knowledge/rules_role_cues.json``: 我叫 / 举报人 ->
complainant, 被告人 -> suspect, 民警 -> officer …); else the CAIL2021 person head's suspect / victim;
else the role of another mention with the same text; else ``other``. Spans that run across a
clause mark (，。；) are dropped: the corpora almost never label one.

No torch at inference: the BiLSTM runs on onnxruntime (int8, :mod:`.onnx_encoder`) or in numpy
(:mod:`.bilstm`), the CRF heads in numpy (:mod:`.crf`) or as numba-compiled loops (:mod:`.kernels`,
:mod:`clue_miner.extract.jit` says when; same entities); weights load from ``weights.npz`` without pickle.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from clue_miner.errors import ModelError
from clue_miner.extract.ner.bilstm import BiLSTM
from clue_miner.extract.ner.crf import (
    best_spans,
    best_spans_many,
    bioes_tags,
    span_probabilities,
    transition_mask,
)
from clue_miner.extract.ner.features import _END, Vocab, padded, segment
from clue_miner.extract.rules.persons import role_in_context
from clue_miner.types import Entity

log = logging.getLogger(__name__)

_T = TypeVar("_T")

__all__ = ["DEFAULT_MODEL", "NerModel", "default_ner", "load_ner_model"]

DEFAULT_MODEL = "ner-charlstm"
_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
_CLAUSE = re.compile(r"[，。；！？,;!?]")

# Which heads read a text under the ``complaint`` profile. The heads speak their corpora's conventions,
# and these disagree: CAIL marks a whole crime scene (上海市**区**路**号被害人印某某家中) and the items
# and persons of a case, the news head toponyms, organisations and full names. A text that reads as a
# case narrative (a complaint, a report, a judgment: any word below) keeps the profile's heads; any other
# text (general prose: news, notices, a matter told without any of these words) is read by the
# general-prose heads: the news head speaks for PERSON, LOCATION and ORG, and a person it is unsure of
# (span probability below ``min_prob``) stays only when the CLUENER head marks the same span.
_CASE_CUES = re.compile(
    r"被告人|被害人|受害人|嫌疑人|公诉|审理|判处|刑事|犯罪|作案|涉案|案发|破案|本案|该案|赃|供述|鉴定|价格认证"
    r"|盗|窃|(?<!偷)偷(?!偷)|抢|骗|毒|殴打|打伤|砍|伤害|杀|强奸|猥亵|赌|传销|(?<!筹)集资|敲诈|勒索|威胁|恐吓|逃"
    r"|报警|报案|立案|派出所|公安|民警|警察|警方|110"
    r"|投诉|举报|反映|诉求|求助|信访|来电|来信|业主|本人|恳请|请求|维权"
    r"|[\u4e00-\u9fff]某[某甲乙丙丁\d]|[\u4e00-\u9fff][*×Ｘ]{1,3}|价值(?:人民币)?\d"
)
_GENERAL: dict[str, Any] = {"heads": ("news", "cluener"), "speaks": "news", "labels": ("PER",), "confirm": "cluener",
                            "min_prob": 0.9}
_DRUG_HEAD = ("cail2022", "NDR", "cail2021")  # (head, its drug label, the head it then speaks before)
# Labels a profile leaves to the rules (their values are normalised there) whose spans the case heads
# still give: a case narrative's TIME and MONEY follow the speaking head's conventions (CAIL2021 keeps
# 许 in 9时许 and 现金 in 现金人民币200元, CAIL2022 drops 许, both read 2018年8月份的一天 whole). The
# merge (:mod:`clue_miner.extract.merge`) puts the rule's value on the model's span.
_SPAN_ONLY = frozenset({"TIME", "MONEY"})
# A code inside a name, place or organisation span (皖K*****, 渝FDQ**, 62284804785****, A1822371****,
# 沪HZXXXX): names are written in words, and a plate, card or account number is the rules' to find and
# verify; the profiles that speak for ``extract()`` drop such spans (the per-corpus views keep them).
_CODE = re.compile(r"[A-Za-z][*×＊]{2,}|[*×＊]{2,}[A-Za-z]|\d{3,}[*×＊]{2,}|[*×＊]{2,}\d{3,}|[A-WYZ]X{2,}|\d{5,}")
_NAMED = frozenset({"PERSON", "LOCATION", "ORG"})
# Batches of at most this many pieces decode all their heads together (best_spans_many; in numpy one
# Viterbi loop, viterbi_many):
# measured faster up to ~4 rows a head, slower from ~10 (padded tags cost arithmetic).
_DECODE_TOGETHER = 4
PROSE = "prose"  # attrs mark of a model entity read on general prose (dropped by the merge)


@dataclass(frozen=True, slots=True)
class _Head:
    name: str
    tags: list[str]
    label_map: dict[str, str]
    w: np.ndarray
    b: np.ndarray
    trans: np.ndarray
    start: np.ndarray
    end: np.ndarray


def _project(hidden: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``hidden (..., H) @ w + b`` as one 2-d product (numpy runs a 3-d ``@`` as B small ones:
    about a quarter slower here; each row's sums are the same)."""
    em = hidden.reshape(-1, hidden.shape[-1]) @ w
    em += b
    return em.reshape(*hidden.shape[:-1], w.shape[1])


def word_set_sums(wids: np.ndarray, wwts: np.ndarray, word_emb: np.ndarray) -> np.ndarray:
    """SoftLexicon: each character's B / M / E word sets as the weighted sums of their words'
    embeddings, ``(T, 3, d)`` float32 — slot by slot, a product then an addition (the order
    :func:`.kernels.encoder_inputs` keeps, so both give the same numbers)."""
    out = np.zeros((*wids.shape[:2], word_emb.shape[1]), dtype=np.float32)
    for q in range(wids.shape[2]):
        out += wwts[:, :, q, None].astype(np.float32) * word_emb[wids[:, :, q]]
    return out


@lru_cache(maxsize=1)
def _cues() -> tuple[re.Pattern[str], dict[str, str]]:
    cues = json.loads((_KNOWLEDGE / "rules_role_cues.json").read_text(encoding="utf-8"))["left_cues"]
    role = {w: r for r, words in cues.items() if r != "other" for w in words}
    alt = "|".join(re.escape(w) for w in sorted(role, key=lambda w: (-len(w), w)))
    return re.compile(f"(?:{alt})[:：]?$"), role


class NerModel:
    """EntityRecognizer over normalised texts: ``predict(texts) -> list[list[Entity]]``."""

    source = "ner"

    def __init__(self, path: str | Path, profile: str | None = None, batch_chars: int = 12000,
                 threads: int | None = None, pad_ratio: float = 1.3, runtime: str | None = None,
                 encoder_threads: int | None = None) -> None:
        from clue_miner.extract.ner.onnx_encoder import chosen_runtime
        from clue_miner.model_store import read_config

        self.path = Path(path)
        self.config: dict[str, Any] = read_config(self.path, kind="ner")
        self.name = str(self.config.get("name", DEFAULT_MODEL))
        self.version = str(self.config.get("version", self.name))
        self.profile = profile or str(self.config.get("default_profile", "complaint"))
        if self.profile not in self.config["profiles"]:
            raise ModelError(f"{self.path}: no NER profile {self.profile!r}", code="bad_model")
        self.batch_chars = batch_chars
        self.threads = threads
        self.pad_ratio = pad_ratio
        self.runtime = chosen_runtime(runtime)  # what was asked: auto, onnx or numpy
        self._state: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self.encoder_threads = encoder_threads  # None: parallel.extraction_threads() decides
        from clue_miner.extract.parallel import ThreadPools

        self._pools = ThreadPools()  # the encoder's, shared by the profile views
        from clue_miner.extract.ner.memo import PieceMemo

        self.piece_memo: PieceMemo[Any] = PieceMemo()  # decoded pieces by text (shared by the views)

    # -- loading ---------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if self._state is not None:
            return self._state
        with self._lock:
            if self._state is None:
                self._state = self._read()
        return self._state

    def _read(self) -> dict[str, Any]:
        cfg = self.config
        vocab_js = json.loads((self.path / "vocab.json").read_text(encoding="utf-8"))
        with np.load(self.path / "weights.npz", allow_pickle=False) as z:
            w = {k: z[k].astype(np.float32) for k in z.files}
        enc = cfg["encoder"]
        lexicon = None
        if enc.get("n_lex"):
            from clue_miner.extract.ner.lexicon import get_lexicon

            lexicon = get_lexicon()
            want = cfg.get("lexicon", {}).get("fingerprint")
            if want and want != lexicon.fingerprint:
                log.warning("NER lexicon differs from training (%s != %s): check the jieba version",
                            lexicon.fingerprint, want)
        heads = {}
        for name, spec in cfg["heads"].items():
            tags = bioes_tags(spec["labels"])
            mt, ms, me = transition_mask(tags)
            heads[name] = _Head(name, tags, dict(spec.get("map", {})), np.ascontiguousarray(w[f"{name}.w"].T),
                                w[f"{name}.b"], w[f"{name}.trans"] + mt, w[f"{name}.start"] + ms, w[f"{name}.end"] + me)
        lstm, runtime = self._encoder(w)
        vocab = Vocab(vocab_js["chars"], vocab_js.get("bigrams", ["<pad>", "<unk>"]), vocab_js.get("words", []))
        word_emb = w.get("word_emb") if lexicon is not None and enc.get("word_k") else None
        to_model = vocab.word_map(lexicon.words) if word_emb is not None and lexicon is not None else None
        return {"vocab": vocab, "char_emb": w["char_emb"], "bigram_emb": w.get("bigram_emb"), "lexicon": lexicon,
                "word_emb": word_emb, "to_model": to_model, "word_k": int(enc.get("word_k") or 0),
                "lstm": lstm, "runtime": runtime, "heads": heads}

    def _encoder(self, w: dict[str, np.ndarray]) -> tuple[Any, str]:
        """The encoder layer: a BiLSTM run by onnxruntime, int8 (:mod:`.onnx_encoder`), or the numpy
        reference; or a convolutional encoder (:mod:`.cnn`), int8 on onnxruntime or numpy."""
        from clue_miner.extract.ner import onnx_encoder as ner_onnx
        from clue_miner.extract.parallel import inference_threads

        enc = self.config["encoder"]
        if enc.get("type", "bilstm") == "cnn":
            from clue_miner.extract.ner import cnn

            if self.runtime != "numpy" and ner_onnx.available(self.path):
                return cnn.OnnxConvEncoder(self.path / ner_onnx.ONNX_FILE, w, enc["dilations"], enc.get("kernel", 3),
                                           inference_threads(self.threads), enc.get("block", "separable")), "onnx"
            if self.runtime == "onnx":
                raise ModelError(f"{self.path}: NER runtime 'onnx' needs onnxruntime and {ner_onnx.ONNX_FILE}",
                                 code="bad_model")
            return cnn.ConvEncoder(w, enc["dilations"], enc.get("kernel", 3), enc.get("block", "separable")), "numpy"
        if enc.get("type", "bilstm") != "bilstm":
            raise ModelError(f"{self.path}: unknown NER encoder type {enc.get('type')!r}", code="bad_model")

        if self.runtime != "numpy":
            if ner_onnx.available(self.path):
                hidden = int(w["lstm.w_hh"].shape[1])
                return ner_onnx.OnnxBiLSTM(self.path / ner_onnx.ONNX_FILE, hidden, inference_threads(self.threads)), "onnx"
            if self.runtime == "onnx":
                raise ModelError(f"{self.path}: NER runtime 'onnx' needs onnxruntime and {ner_onnx.ONNX_FILE}",
                                 code="bad_model")
            log.info("NER: onnxruntime or %s missing, the numpy BiLSTM runs", ner_onnx.ONNX_FILE)
        return BiLSTM.from_weights(w), "numpy"

    # -- views -----------------------------------------------------------------------------
    def with_profile(self, profile: str) -> NerModel:
        """The same weights (shared, loaded once) decoded under another profile."""
        other = NerModel.__new__(NerModel)
        other.__dict__.update(self.__dict__)
        if profile not in self.config["profiles"]:
            raise ModelError(f"{self.path}: no NER profile {profile!r}", code="bad_model")
        other.profile = profile
        other._state = self._load()
        return other

    def for_corpus(self, scheme: str) -> NerModel:
        """The view that speaks a corpus's conventions (``news``, ``cail2021`` …), else ``self``."""
        return self.with_profile(scheme) if scheme in self.config["profiles"] else self

    # -- inference -------------------------------------------------------------------------
    def _encode(self, pieces: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        st = self._load()
        n, steps = len(pieces), max(len(p) for p in pieces)
        lengths = np.array([len(p) for p in pieces], dtype=np.int64)
        if hasattr(st["lstm"], "lay_out"):  # convolutional: every piece in one sequence, gaps between
            return self._encode_laid_out(pieces, steps), lengths
        if hasattr(st["lstm"], "rows"):  # a layer that runs rows alone: no padded batch of inputs
            return st["lstm"].rows(self._features_many(pieces), steps), lengths
        cids = np.zeros((n, steps), dtype=np.int64)
        bids = np.zeros((n, steps), dtype=np.int64)
        lexicon, k = st["lexicon"], st["word_k"]
        lex = np.zeros((n, steps, self.config["encoder"]["n_lex"] if lexicon is not None else 0), dtype=np.float32)
        wids = np.zeros((n, steps, 3, k), dtype=np.int64) if st["word_emb"] is not None else None
        wwts = np.zeros((n, steps, 3, k), dtype=np.float32) if wids is not None else None
        for i, p in enumerate(pieces):
            c, b = st["vocab"].encode(p)
            cids[i, : len(p)] = c
            bids[i, : len(p)] = b
            if lexicon is not None:
                found = lexicon.matches(p)
                lex[i, : len(p)] = lexicon.features(p, found)
                if wids is not None and wwts is not None:
                    wids[i, : len(p)], wwts[i, : len(p)] = lexicon.word_slots(p, st["to_model"], k, found)
        parts = [st["char_emb"][cids]]
        if st["bigram_emb"] is not None:
            parts.append(st["bigram_emb"][bids])
        if lexicon is not None:
            parts.append(lex)
        if wids is not None and wwts is not None:  # SoftLexicon: weighted mean of each B / M / E set
            we = word_set_sums(wids.reshape(n * steps, 3, k), wwts.reshape(n * steps, 3, k), st["word_emb"])
            parts.append(we.reshape(n, steps, -1))
        return st["lstm"](np.concatenate(parts, axis=2), lengths), lengths

    def _encode_rows(self, pieces: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The encoder's states of each piece laid end to end, ``(sum lengths, H)``, and the lengths:
        what :meth:`_encode` gives without its padding (an encoder that runs rows alone fills no
        padded block; the emissions are then one product over real characters only)."""
        enc = self._load()["lstm"]
        if getattr(enc, "pin", None) is not None:  # a pinned onnxruntime graph: rows a few to a call
            from clue_miner.extract.ner.onnx_encoder import plan

            layout = plan([len(p) for p in pieces], enc.rows_per_call)
            return enc.run_planned(self._joined_features(_END.join(pieces), layout), layout), layout.sizes
        if hasattr(enc, "joined") and not hasattr(enc, "lay_out"):
            return enc.joined(self._features_many(pieces)), np.array([len(p) for p in pieces], dtype=np.int64)
        hidden, lengths = self._encode(pieces)
        return hidden[np.arange(hidden.shape[1])[None, :] < lengths[:, None]], lengths

    def _features(self, piece: str) -> np.ndarray:
        """One piece's encoder input ``(T, D)``: what ``_encode`` builds for a padded batch, row by row."""
        return self._features_many([piece])[0]

    def _features_many(self, pieces: Sequence[str]) -> list[np.ndarray]:
        """:meth:`_features` of each piece, computed over the pieces joined by ``\\x03`` (the
        bigram vocabulary's end mark, in no dictionary word): each piece's rows are exactly what it
        gives alone (its last bigram ends in the mark, no word spans two pieces); one pass over the
        lexicon and the vocabularies instead of one per piece."""
        x = self._joined_features(_END.join(pieces))
        bounds = np.cumsum([0, *(len(p) + 1 for p in pieces)])
        return [x[bounds[i]:bounds[i] + len(p)] for i, p in enumerate(pieces)]

    def _encode_laid_out(self, pieces: Sequence[str], steps: int) -> np.ndarray:
        """A convolutional encoder over the pieces joined by ``gap`` end marks (and as many before
        and after): the marks' rows are what :meth:`.cnn.ConvEncoder.run` zeroes, each piece's rows
        what it gives alone (see :meth:`_features_many`); ``(B, steps, C)``."""
        enc = self._load()["lstm"]
        sep = _END * enc.gap
        sizes = [len(p) for p in pieces]
        starts, live = enc.placed(sizes)
        h = enc.run(self._joined_features(sep + sep.join(pieces) + sep), live)
        return enc.gathered(h, starts, sizes, steps)

    def _joined_features(self, joined: str, layout: Any = None) -> np.ndarray:
        """The encoder's input rows ``(len(joined), D)`` of one string (pieces joined by end marks).
        With the compiled kernels (:mod:`clue_miner.extract.jit`) one pass writes them
        (:func:`.kernels.encoder_inputs`); the numpy reference gathers each part: the same numbers.
        ``layout``: a :class:`.onnx_encoder.Plan` for the model's pinned onnxruntime graph — the rows
        are written into that graph's input block instead (the pin columns set)."""
        from clue_miner.extract import jit

        st = self._load()
        c, b = st["vocab"].encode(joined)
        lexicon = st["lexicon"]
        kern = jit.compiled(jit.NER, work=len(joined))
        found = lexicon.matches(joined) if lexicon is not None else None
        lex = slots = None
        if lexicon is not None and found is not None and st["word_emb"] is not None:
            lex, *slots = lexicon.flags_and_slots(joined, st["to_model"], st["word_k"], found, kern)
        elif lexicon is not None:
            lex = lexicon.features(joined, found)
        if kern is not None and st["bigram_emb"] is not None and lex is not None and slots:
            tables = (st["char_emb"], st["bigram_emb"], st["word_emb"])
            if layout is not None:
                return kern.encoder_inputs_placed(c, b, lex, slots[0], slots[1], *tables, layout.dest, layout.rows,
                                                  *st["lstm"].pin)
            return kern.encoder_inputs(c, b, lex, slots[0], slots[1], *tables)
        parts = [st["char_emb"][c]]
        if st["bigram_emb"] is not None:
            parts.append(st["bigram_emb"][b])
        if lex is not None:
            parts.append(np.asarray(lex, dtype=np.float32))
        if slots is not None:
            parts.append(word_set_sums(slots[0], slots[1], st["word_emb"]).reshape(len(joined), -1))
        x = np.concatenate(parts, axis=1)
        if layout is None:
            return x
        return st["lstm"].input_block(layout, x[layout.dest >= 0])

    def predict_native(self, texts: Sequence[str], heads: Sequence[str]) -> list[dict[str, list[tuple[int, int, str]]]]:
        """Per text, per head, the native spans ``(start, end, label)`` (offsets into the text).

        BLAS runs on ``threads`` threads (default ``$CLUE_MINER_THREADS`` or 1): the matrices are
        small, and an OpenBLAS pool wider than the free cores spins and runs 20x slower."""
        return self._native(texts, heads)[0]

    def _native(self, texts: Sequence[str], heads: Sequence[str] | Sequence[Sequence[str]],
                confident: dict[str, frozenset[str]] | None = None,
                confirm: tuple[str, str, float] | None = None) -> tuple[
            list[dict[str, list[tuple[int, int, str]]]], list[dict[str, list[float]]]]:
        """:meth:`predict_native`, with ``heads`` either one list for every text or one list per text,
        plus the marginal probability of each span of the heads in ``confident`` whose label is listed
        there (head -> labels; any other span of that head gets 1.0). ``confirm = (speaks, confirms,
        min_prob)``: the ``confirms`` head is decoded only for pieces where ``speaks`` has a scored span
        below ``min_prob`` (elsewhere it has nothing to confirm)."""
        from clue_miner.extract.parallel import blas_threads, inference_threads

        need = [list(heads)] * len(texts) if not heads or isinstance(heads[0], str) else [list(h) for h in heads]
        with blas_threads(inference_threads(self.threads)):
            return self._predict_native(texts, need, confident or {}, confirm)

    def _predict_native(self, texts: Sequence[str], need: list[list[str]], confident: dict[str, frozenset[str]],
                        confirm: tuple[str, str, float] | None = None) -> tuple[
            list[dict[str, list[tuple[int, int, str]]]], list[dict[str, list[float]]]]:
        """The texts' pieces (:func:`.features.segment`), each decoded once: a piece remembered from
        an earlier call (:attr:`piece_memo`) or repeated in this one is not encoded again. Each
        text's spans come piece by piece, shortest piece first (ties in text order): the order of a
        batch of all the pieces at once (:meth:`_decode_pieces`)."""
        seg = self.config.get("segment", {})
        cuts = [segment(t, seg.get("max_len", 160), seg.get("hard_len", 250)) for t in texts]
        context = (tuple(sorted(confident.items())), confirm)
        keys = [[(t[s:e], tuple(hs), context) for s, e in cut] for t, cut, hs in zip(texts, cuts, need, strict=True)]
        memo = self.piece_memo
        found = memo.found(k for ks in keys for k in ks)
        todo = list(dict.fromkeys(k for ks in keys for k in ks if k not in found))
        if todo:
            spans, marginals = self._decode_pieces([k[0] for k in todo], [list(k[1]) for k in todo], confident, confirm)
            fresh = list(zip(todo, zip(spans, marginals, strict=True), strict=True))
            found.update(fresh)
            memo.keep(fresh)
        out: list[dict[str, list[tuple[int, int, str]]]] = [{h: [] for h in hs} for hs in need]
        probs: list[dict[str, list[float]]] = [{h: [] for h in hs if h in confident} for hs in need]
        for i, (cut, ks) in enumerate(zip(cuts, keys, strict=True)):
            for j in sorted(range(len(cut)), key=lambda j: cut[j][1] - cut[j][0]):
                piece_spans, piece_probs = found[ks[j]]
                off = cut[j][0]
                for name, got in piece_spans.items():
                    out[i][name] += [(s + off, e + off, lab) for s, e, lab in got]
                for name, ps in piece_probs.items():
                    probs[i][name] += ps
        return out, probs

    def _decode_pieces(self, texts: Sequence[str], need: list[list[str]], confident: dict[str, frozenset[str]],
                       confirm: tuple[str, str, float] | None = None) -> tuple[
            list[dict[str, list[tuple[int, int, str]]]], list[dict[str, list[float]]]]:
        """Per piece (no longer than the segmenter makes them), per head, its spans and the
        marginals of the scored ones: the pieces in length order, batched (:attr:`batch_chars`,
        :attr:`pad_ratio`), each encoded alone."""
        st = self._load()
        pieces: list[tuple[int, int, int]] = [(i, 0, len(t)) for i, t in enumerate(texts)]  # (text index, start, end)
        order = sorted(range(len(pieces)), key=lambda k: pieces[k][2] - pieces[k][1])
        out: list[dict[str, list[tuple[int, int, str]]]] = [{h: [] for h in hs} for hs in need]
        probs: list[dict[str, list[float]]] = [{h: [] for h in hs if h in confident} for hs in need]
        every = list(dict.fromkeys(h for hs in need for h in hs))
        if confirm is not None and confirm[0] in every and confirm[1] in every:  # the speaker first
            every.remove(confirm[1])
            every.insert(every.index(confirm[0]) + 1, confirm[1])
        batches: list[list[int]] = []
        pos = 0
        while pos < len(order):  # ascending lengths: the newest piece is the batch's longest
            batch = [order[pos]]
            first = pieces[order[pos]][2] - pieces[order[pos]][1]
            pos += 1
            while pos < len(order):
                size = pieces[order[pos]][2] - pieces[order[pos]][1]
                if size * (len(batch) + 1) > self.batch_chars or size > first * self.pad_ratio + 8:
                    break  # full, or padding would waste more than about 1 - 1/pad_ratio of the steps
                batch.append(order[pos])
                pos += 1
            batches.append(batch)
        strs_of = [[texts[pieces[k][0]][pieces[k][1]:pieces[k][2]] for k in batch] for batch in batches]
        side_by_side = [h for h in every if confirm is None or h != confirm[1]]  # one emissions product

        def emit(hidden: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
            return self._all_emissions(st, side_by_side, hidden, lengths)

        for batch, (hidden, lengths, ems) in zip(batches, self._encoded(strs_of, emit), strict=True):
            unsure: set[int] = set()  # batch rows where the speaking head has a span below min_prob
            # a small batch (one text's pieces) decodes its heads in one Viterbi loop (viterbi_many), a
            # large one head by head; the confirming head always after the speaking one, on its own
            together = len(batch) <= _DECODE_TOGETHER
            jobs: list[tuple[str, list[int], np.ndarray, np.ndarray]] = []
            for name in every:
                confirming = confirm is not None and name == confirm[1]
                if confirming:  # the speaking head's spans decide the rows: decode what is queued first
                    self._flush(jobs, st, batch, pieces, out, probs, confident, confirm, unsure)
                rows = [j for j, k in enumerate(batch) if name in out[pieces[k][0]]]
                if confirming:
                    rows = [j for j in rows if j in unsure]
                if not rows:
                    continue
                hd: _Head = st["heads"][name]
                em, lens = self._emissions(hd, hidden, lengths, rows, ems.get(name))
                if together and not confirming:
                    jobs.append((name, rows, em, lens))
                    continue
                found = best_spans(em, lens, hd.trans, hd.start, hd.end, hd.tags)
                self._collect(hd, name, rows, em, lens, found, batch, pieces, out, probs, confident, confirm, unsure)
            self._flush(jobs, st, batch, pieces, out, probs, confident, confirm, unsure)
        return out, probs

    def _encoded(self, batches: list[list[str]], emit: Callable[[np.ndarray, np.ndarray], _T]
                 ) -> Iterator[tuple[np.ndarray, np.ndarray, _T]]:
        """Per batch of pieces, in order: the encoder's states ``(characters, H)``, the pieces' lengths
        and ``emit(states, lengths)`` (the heads' emissions).

        With several extraction threads (:func:`~clue_miner.extract.parallel.extraction_threads`) and
        several batches, the batches run on a pool of them, a few ahead of the one being decoded (the
        input rows are compiled kernels, the encoder onnxruntime, the emissions a BLAS product: none
        holds the GIL). Each batch's result is what one thread gives, bit for bit. (Splitting one
        batch's pieces among the threads, for one text's call, was measured no faster.)"""

        def whole(strs: list[str]) -> tuple[np.ndarray, np.ndarray, _T]:
            hidden, lengths = self._encode_rows(strs)
            return hidden, lengths, emit(hidden, lengths)

        threads = self._encoder_threads()
        if threads < 2 or len(batches) < 2:
            yield from map(whole, batches)
            return
        from functools import partial

        from clue_miner.extract.parallel import fine_switching, read_ahead

        pool = self._pools.get(threads, "clue-miner-encoder")
        with fine_switching():
            for _, job in read_ahead(pool, ((None, partial(whole, strs)) for strs in batches), threads):
                yield job.result()

    def _encoder_threads(self) -> int:
        from clue_miner.extract.parallel import extraction_threads

        return extraction_threads(self.encoder_threads)

    @staticmethod
    def _all_emissions(st: dict[str, Any], names: list[str], hidden: np.ndarray,
                       lengths: np.ndarray) -> dict[str, np.ndarray]:
        """Emissions of several heads from one product with their weights side by side (one pass
        over the states ``(characters, H)`` instead of one per head); head -> ``(B, T, K_h)``,
        right-padded."""
        if len(names) < 2:
            return {}
        key = ("emit", *names)
        if key not in st:
            heads = [st["heads"][n] for n in names]
            st[key] = (np.ascontiguousarray(np.concatenate([h.w for h in heads], axis=1)),
                       np.concatenate([h.b for h in heads]),
                       np.cumsum([0, *(h.w.shape[1] for h in heads)]))
        w, b, bounds = st[key]
        em = _project(hidden, w, b)
        steps = int(lengths.max())
        return {n: padded(em[:, bounds[i]:bounds[i + 1]], lengths, steps) for i, n in enumerate(names)}

    @staticmethod
    def _emissions(hd: _Head, hidden: np.ndarray, lengths: np.ndarray, rows: list[int],
                   em: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One head's right-padded emissions ``(len(rows), T, K)`` of the batch rows ``rows``
        (``em``: all rows', when already computed), and their lengths."""
        if em is None:
            em = padded(_project(hidden, hd.w, hd.b), lengths, int(lengths.max()))
        if len(rows) < len(em):  # slice the (small) emissions, not the hidden states
            return em[rows], lengths[rows]
        return em, lengths

    def _flush(self, jobs: list[tuple[str, list[int], np.ndarray, np.ndarray]], st: dict[str, Any],
               batch: list[int], pieces: list[tuple[int, int, int]], out: list[dict[str, list[tuple[int, int, str]]]],
               probs: list[dict[str, list[float]]], confident: dict[str, frozenset[str]],
               confirm: tuple[str, str, float] | None, unsure: set[int]) -> None:
        """Decode the heads queued in ``jobs`` together and collect them (``jobs`` is emptied)."""
        if not jobs:
            return
        heads = [st["heads"][name] for name, *_ in jobs]
        decoded = best_spans_many([(em, lens, hd.trans, hd.start, hd.end, hd.tags)
                                   for (_, _, em, lens), hd in zip(jobs, heads, strict=True)])
        for (name, rows, em, lens), hd, found in zip(jobs, heads, decoded, strict=True):
            self._collect(hd, name, rows, em, lens, found, batch, pieces, out, probs, confident, confirm, unsure)
        jobs.clear()

    @staticmethod
    def _collect(hd: _Head, name: str, rows: list[int], em: np.ndarray, lens: np.ndarray,
                 found: list[list[tuple[int, int, str]]],
                 batch: list[int], pieces: list[tuple[int, int, int]], out: list[dict[str, list[tuple[int, int, str]]]],
                 probs: list[dict[str, list[float]]], confident: dict[str, frozenset[str]],
                 confirm: tuple[str, str, float] | None, unsure: set[int]) -> None:
        """One head's decoded spans (per row) into ``out`` and ``probs`` (marginals of scored labels)."""
        scored = confident.get(name)
        sure: dict[int, list[float]] = {}
        if scored:  # forward-backward only over the rows that hold a span to score
            fb_rows = [r for r, spans in enumerate(found) if any(lab in scored for *_, lab in spans)]
            if fb_rows:
                wanted = [[sp for sp in found[r] if sp[2] in scored] for r in fb_rows]
                marginals = span_probabilities(em[fb_rows], lens[fb_rows], hd.trans, hd.start, hd.end, hd.tags, wanted)
                for r, row_probs in zip(fb_rows, marginals, strict=True):
                    them = iter(row_probs)
                    sure[r] = [next(them) if lab in scored else 1.0 for _, _, lab in found[r]]
        for r, (j, spans) in enumerate(zip(rows, found, strict=True)):
            i, off, _ = pieces[batch[j]]
            out[i][name] += [(s + off, e + off, lab) for s, e, lab in spans]
            if scored is not None:
                probs[i][name] += sure.get(r, [1.0] * len(spans))
                if confirm is not None and name == confirm[0] and min(sure.get(r, [1.0])) < confirm[2]:
                    unsure.add(j)

    def _general_route(self) -> dict[str, Any] | None:
        """The general-prose reading of this profile (:data:`_GENERAL`), or None."""
        if self.profile != "complaint" or not self.config["profiles"][self.profile].get("resolve", True):
            return None
        heads = self.config["heads"]
        return _GENERAL if all(h in heads for h in _GENERAL["heads"]) else None

    def reads_as_prose(self, text: str) -> bool:
        """Whether :meth:`predict` reads ``text`` as general prose (no word of a case narrative,
        :data:`_CASE_CUES`): the news head alone speaks for its names, places and organisations, and
        the pipeline's merge drops the rules' guesses of those even where the head found none."""
        return self._general_route() is not None and not _CASE_CUES.search(text)

    def predict(self, texts: Sequence[str]) -> list[list[Entity]]:
        prof = self.config["profiles"][self.profile]
        heads = list(prof["heads"])
        keep = set(prof.get("labels") or [])
        resolve = prof.get("resolve", True)
        st = self._load()
        route = self._general_route()
        general = [self.reads_as_prose(t) for t in texts]
        confident: dict[str, frozenset[str]] = {}
        drug, drug_label, _ = _DRUG_HEAD
        if resolve and drug in heads:
            confident[drug] = frozenset({drug_label})
        if route is not None:
            confident[route["speaks"]] = confident.get(route["speaks"], frozenset()) | frozenset(route["labels"])
        need = [list(route["heads"]) if g and route is not None else heads for g in general]
        confirm = (route["speaks"], route["confirm"], route["min_prob"]) if route is not None else None
        native, probs = self._native(texts, need, confident, confirm) if texts else ([], [])
        results: list[list[Entity]] = []
        for text, g, per_head, p in zip(texts, general, native, probs, strict=True):
            if g and route is not None:
                results.append(_entities(text, _resolve(_prose_candidates(text, per_head, p, route, st, keep)), prose=True))
                continue
            order = _head_order(heads, per_head, p) if drug in confident else heads
            cands: list[tuple[int, int, int, str]] = []  # (start, end, head rank, key)
            for name in heads:
                lmap = st["heads"][name].label_map
                for s, e, lab in per_head[name]:
                    key = lmap.get(lab)
                    if _CLAUSE.search(text, s, e):
                        continue  # gold spans almost never cross a clause mark; these are run-ons
                    if key == "MONEY" and keep and not _reads_amount(text[s:e]):
                        continue  # a weight the theft head reads as a value (3.68克): no amount to carry
                    if keep and key and key.partition(":")[0] in _NAMED and _CODE.search(text, s, e):
                        continue  # a plate or a number (皖K*****, 62284804785****): the rules' to verify
                    if key and (not keep or key.partition(":")[0] in keep or key in _SPAN_ONLY):
                        cands.append((s, e, order.index(name), key))
            if resolve:
                cands = _resolve(cands)
            results.append(_entities(text, cands))
        return results


def _reads_amount(span: str) -> bool:
    """Whether a MONEY span holds an amount of money: the profile keeps a head's MONEY span only to
    carry the rules' value, and a span without one (净重3.68克, 五十克) would only hide the drug head's
    QUANTITY under it."""
    from clue_miner.text.money import find_money, parse_money

    return bool(find_money(span)) or parse_money(span) is not None


def _prose_candidates(text: str, per_head: dict[str, list[tuple[int, int, str]]], probs: dict[str, list[float]],
                      route: dict[str, Any], st: dict[str, Any], keep: set[str]) -> list[tuple[int, int, int, str]]:
    """The general-prose reading: the speaking head's spans; a PERSON it is unsure of stays only when
    the confirming head marks the same span as a person."""
    speaks, confirm = route["speaks"], route["confirm"]
    lmap = st["heads"][speaks].label_map
    cmap = st["heads"][confirm].label_map
    confirmed = {(s, e) for s, e, lab in per_head[confirm] if cmap.get(lab) == "PERSON"}
    cands = []
    for (s, e, lab), prob in zip(per_head[speaks], probs[speaks], strict=True):
        key = lmap.get(lab)
        if not key or (keep and key.partition(":")[0] not in keep) or _CLAUSE.search(text, s, e):
            continue
        if keep and key.partition(":")[0] in _NAMED and _CODE.search(text, s, e):
            continue  # a plate or a number, not a name
        if key == "PERSON" and prob < route["min_prob"] and (s, e) not in confirmed:
            continue  # an unsure name the other prose head does not see
        cands.append((s, e, 0, key))
    return cands


def _head_order(heads: list[str], per_head: dict[str, list[tuple[int, int, str]]],
                probs: dict[str, list[float]]) -> list[str]:
    """Heads in the order they speak for one text: a text where the drug head is sure of a drug
    (span probability at least 0.9; its unsure "drugs" in theft cases are liquor and cigarettes) is a
    drug narrative, so that head speaks before the theft head (places, items and weights of a drug
    case follow its conventions: 海洛因 is a drug, not stolen goods)."""
    head, label, before = _DRUG_HEAD
    if head in heads and before in heads and heads.index(before) < heads.index(head):
        if any(lab == label and p >= 0.9 for (_, _, lab), p in zip(per_head[head], probs.get(head, ()), strict=True)):
            order = [h for h in heads if h != head]
            order.insert(order.index(before), head)
            return order
    return heads


# Labels whose span may hold a person's (a place or a thing told by its owner: 王某某家中, 被害人印某某的
# 出租房, 瞿某某黑色小挎包一只): the owner is a person of the case and the place or thing is an entity of
# its own, so both stay, nested (the CAIL corpora mark both). Any other overlap keeps one entity.
HOSTS = frozenset({"LOCATION", "ITEM"})


def _nests(outer: tuple[int, int, int, str], inner: tuple[int, int, int, str]) -> bool:
    """Whether ``inner`` is a person strictly inside ``outer``, a place or a thing (:data:`HOSTS`)."""
    return (inner[3].startswith("PERSON") and outer[3].partition(":")[0] in HOSTS
            and outer[0] <= inner[0] and inner[1] <= outer[1] and (outer[0], outer[1]) != (inner[0], inner[1]))


def _resolve(cands: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """Earlier heads first, within a head persons first, then longer spans; a PERSON kept inherits an
    overlapping head's role. A place or item around a person (``张某某家中``) stays beside it, nested,
    so the pipeline's merge never loses a person to it; any other overlap keeps one span: a later
    head's guess never cuts an earlier head's span (the news head's 克海 across the drug head's 0.18克
    海洛因)."""
    roles = [(s, e, k) for s, e, _, k in cands if k.startswith("PERSON:")]
    kept: list[tuple[int, int, int, str]] = []
    for c in sorted(cands, key=lambda c: (c[2], not c[3].startswith("PERSON"), -(c[1] - c[0]), c[0])):
        if any(c[0] < k[1] and k[0] < c[1] and not _nests(c, k) and not _nests(k, c) for k in kept):
            continue
        if c[3] == "PERSON":
            role = next((k for s, e, k in roles if s < c[1] and c[0] < e), None)
            c = (c[0], c[1], c[2], role or c[3])
        kept.append(c)
    return sorted(kept)


def _entities(text: str, cands: list[tuple[int, int, int, str]], prose: bool = False) -> list[Entity]:
    """Entities of the resolved candidates; on general prose each carries ``attrs["prose"]`` (the merge
    then lets the model alone speak for names, places and organisations, and drops the mark)."""
    pattern, cue_role = _cues()
    ents: list[Entity] = []
    seen_role: dict[str, str] = {}
    for s, e, _, key in cands:
        label, _, sub = key.partition(":")
        if label == "PERSON" and sub:
            seen_role.setdefault(text[s:e], sub)
    for s, e, _, key in sorted(set(cands)):
        label, _, sub = key.partition(":")
        span = text[s:e]
        attrs: dict[str, Any] = {}
        value: Any = span
        if label == "PERSON":
            m = pattern.search(text, max(0, s - 8), s)  # a cue right before the name wins
            role = (cue_role[m.group().rstrip(":：")] if m else role_in_context(text, s, e)
                    or sub or seen_role.get(span, "other"))
            attrs = {"role": role, "partial": "某" in span or "×" in span or "*" in span}
        elif label == "ITEM":
            attrs = {"kind": sub or "goods"}
        elif label == "MONEY":
            from clue_miner.text.money import parse_money

            mv = parse_money(span)
            value = mv.value if mv is not None else None
        elif label == "TIME":
            from clue_miner.text.dates import find_times

            found = find_times(span)
            value = found[0].value if found else None
        if prose:
            attrs[PROSE] = True
        ents.append(Entity(label, s, e, span, value, attrs, source="ner"))
    return ents


def load_ner_model(path: str | Path | None = None, profile: str | None = None, runtime: str | None = None) -> NerModel:
    """The NER model in ``path`` (default: the shipped ``models/ner-charlstm``); ``runtime``: see
    :mod:`clue_miner.extract.ner.onnx_encoder` (auto, onnx or numpy)."""
    from clue_miner.model_store import resolve

    return NerModel(resolve(path or DEFAULT_MODEL), profile=profile, runtime=runtime)


def default_ner() -> NerModel | None:
    """The shipped NER model, or ``None`` when its directory is missing (rules only)."""
    from clue_miner.model_store import models_dir

    path = models_dir() / DEFAULT_MODEL
    if not (path / "config.json").is_file():
        log.info("no NER model at %s: entities come from the rules alone", path)
        return None
    return NerModel(path)
