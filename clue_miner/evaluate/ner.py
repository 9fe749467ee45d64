"""Score an entity recogniser on a labelled corpus: exact-span precision, recall and F1.

``evaluate_ner(path, fmt, recognizer)`` reads the corpus (:func:`read_ner`, formats cail2021,
cail2022, cluener, tsv, conll), maps its labels onto ours (:data:`SCHEMES`), normalises each text
like ``extract()`` does, runs the recogniser, maps the spans back and counts a prediction right
when start, end and key all match a gold span. Scoring goes through spaCy: the gold and predicted
spans become ``Example``s (:func:`ner_examples`) scored by ``Scorer.score_spans``. Keys carry the role or kind where the corpus tells
them: ``PERSON:suspect`` / ``PERSON:victim`` on CAIL2021, ``ITEM:goods`` / ``ITEM:tool`` /
``ITEM:drug``; elsewhere a PERSON is just ``PERSON``.

Only the keys a corpus annotates are scored: a QUANTITY predicted on MSRA, or a PERSON with role
``other`` on CAIL2021 (which labels suspects and victims only), is neither right nor wrong.

A recogniser with ``for_corpus(scheme)`` (the shipped :class:`~clue_miner.extract.ner.model.NerModel`)
is asked for the view that speaks the corpus's conventions (its per-corpus heads); pass
``profile="complaint"`` to score the profile ``extract()`` uses instead.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clue_miner.evaluate.ner_corpora import FORMATS, SCHEMES, NerCorpus, NerDoc, read_ner
from clue_miner.types import Entity

__all__ = ["FORMATS", "SCHEMES", "NerCorpus", "NerDoc", "entity_key", "evaluate_corpus", "evaluate_ner",
           "format_report", "ner_examples", "read_ner", "score_examples", "score_spans"]


def entity_key(ent: Entity, keys: frozenset[str]) -> str | None:
    """The evaluation key of a predicted entity under a corpus's keys, or None when not scored."""
    label = ent.label
    if label == "PERSON" and any(k.startswith("PERSON:") for k in keys):
        key = f"PERSON:{ent.attrs.get('role') or 'other'}"
    elif label == "ITEM" and any(k.startswith("ITEM:") for k in keys):
        key = f"ITEM:{ent.attrs.get('kind') or 'goods'}"
    else:
        key = label
    return key if key in keys else None


SPANS_KEY = "ner_eval"


def ner_examples(texts: Sequence[str], gold: Sequence[set[tuple[int, int, str]]],
                 pred: Sequence[set[tuple[int, int, str]]]) -> list[Any]:
    """spaCy ``Example``s (predicted, reference) of the ``(start, end, key)`` sets.

    Each character is a token, so every span aligns exactly; the spans go to
    ``doc.spans[SPANS_KEY]`` (a span group), where nested ones (CAIL2021's persons inside items)
    may overlap.
    """
    from spacy.tokens import Doc, Span, SpanGroup
    from spacy.training import Example
    from spacy.vocab import Vocab

    vocab = Vocab()

    def doc(text: str, spans: set[tuple[int, int, str]]) -> Any:
        d = Doc(vocab, words=list(text), spaces=[False] * len(text))
        d.spans[SPANS_KEY] = SpanGroup(d, name=SPANS_KEY, spans=[Span(d, s, e, label=k) for s, e, k in sorted(spans)])
        return d

    return [Example(doc(t, p), doc(t, g)) for t, g, p in zip(texts, gold, pred, strict=True)]


def score_examples(examples: Sequence[Any]) -> dict[str, Any]:
    """Per-key and micro (overall) exact-span P/R/F1 by spaCy's ``Scorer.score_spans`` (overlaps
    allowed), with the counts behind them (support, predicted, true positives)."""
    from spacy.scorer import Scorer

    scored = Scorer.score_spans(examples, SPANS_KEY, getter=lambda doc, attr: doc.spans[attr], allow_overlap=True)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for eg in examples:
        g = {(s.start, s.end, s.label_) for s in eg.reference.spans[SPANS_KEY]}
        p = {(s.start, s.end, s.label_) for s in eg.predicted.spans[SPANS_KEY]}
        for bucket, spans in ((tp, g & p), (fp, p - g), (fn, g - p)):
            bucket.update(k for _, _, k in spans)

    def prf(scores: dict[str, float] | None, t: int, f_p: int, f_n: int) -> dict[str, Any]:
        scores = scores or {"p": 0.0, "r": 0.0, "f": 0.0}
        return {"precision": scores["p"], "recall": scores["r"], "f1": scores["f"], "support": t + f_n,
                "predicted": t + f_p, "tp": t}

    per_type = scored.get(f"{SPANS_KEY}_per_type") or {}
    per = {k: prf(per_type.get(k), tp[k], fp[k], fn[k]) for k in sorted(set(tp) | set(fp) | set(fn))}
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    overall = {"p": scored[f"{SPANS_KEY}_p"] or 0.0, "r": scored[f"{SPANS_KEY}_r"] or 0.0,
               "f": scored[f"{SPANS_KEY}_f"] or 0.0}
    return {"per_label": per, "overall": prf(overall, t, f_p, f_n), "sentences": len(examples)}


def score_spans(gold: Sequence[set[tuple[int, int, str]]], pred: Sequence[set[tuple[int, int, str]]],
                texts: Sequence[str] | None = None) -> dict[str, Any]:
    """Per-key and micro (overall) exact-span counts and P/R/F1 (spaCy's scorer over :func:`ner_examples`).

    Without ``texts`` the documents are stood in by strings just long enough for their spans.
    """
    if texts is None:
        texts = ["\u3000" * max((e for _, e, _ in g | p), default=0) for g, p in zip(gold, pred, strict=True)]
    return score_examples(ner_examples(texts, gold, pred))


def _view(recognizer: Any, scheme: str, profile: str | None) -> Any:
    if profile is not None and hasattr(recognizer, "with_profile"):
        return recognizer.with_profile(profile)
    if profile is None and hasattr(recognizer, "for_corpus"):
        return recognizer.for_corpus(scheme)
    return recognizer


def predict_keys(recognizer: Any, corpus: NerCorpus, batch_size: int = 256) -> tuple[list[set[tuple[int, int, str]]], float]:
    """Predicted ``(start, end, key)`` sets in the original offsets, and the seconds it took."""
    from clue_miner.text.normalize import normalize

    keys = corpus.keys
    norms = [normalize(d.text) for d in corpus.docs]
    out: list[set[tuple[int, int, str]]] = []
    t0 = time.perf_counter()
    for i in range(0, len(norms), batch_size):
        chunk = norms[i:i + batch_size]
        for norm, ents in zip(chunk, recognizer.predict([n.text for n in chunk]), strict=True):
            found = set()
            for ent in ents:
                key = entity_key(ent, keys)
                if key is not None:
                    s, e = norm.span(ent.start, ent.end)
                    found.add((s, e, key))
            out.append(found)
    return out, time.perf_counter() - t0


def evaluate_corpus(corpus: NerCorpus, recognizer: Any, *, profile: str | None = None,
                    batch_size: int = 256) -> dict[str, Any]:
    """Scores of ``recognizer`` on an already-read corpus."""
    view = _view(recognizer, corpus.scheme, profile)
    pred, seconds = predict_keys(view, corpus, batch_size)
    result = score_spans(corpus.gold(), pred, [d.text for d in corpus.docs])
    chars = sum(len(d.text) for d in corpus.docs)
    result.update({
        "scheme": corpus.scheme,
        "recognizer": str(getattr(view, "version", getattr(view, "name", type(view).__name__))),
        "profile": getattr(view, "profile", None),
        "seconds": seconds,
        "chars_per_second": chars / seconds if seconds > 0 else 0.0,
    })
    return result


def evaluate_ner(path: str | Path, fmt: str, recognizer: Any = None, *, profile: str | None = None,
                 limit: int | None = None, batch_size: int = 256) -> dict[str, Any]:
    """Exact-span P/R/F1 per label and overall of ``recognizer`` (default: the shipped NER model)."""
    if recognizer is None:
        from clue_miner.extract.ner.model import load_ner_model

        recognizer = load_ner_model()
    corpus = read_ner(path, fmt)
    if limit:
        corpus = NerCorpus(corpus.scheme, corpus.docs[:limit])
    result = evaluate_corpus(corpus, recognizer, profile=profile, batch_size=batch_size)
    result.update({"data": str(path), "format": fmt})
    return result


def format_report(result: dict[str, Any]) -> str:
    """A short table: one row per label, then the overall (micro) figures."""
    lines = [
        f"NER evaluation: {result.get('data', '')}  format {result.get('format', '')}  scheme {result.get('scheme', '')}",
        f"recognizer {result.get('recognizer', '')}  profile {result.get('profile')}  sentences {result['sentences']}",
        f"  {'label':<16} {'support':>7} {'pred':>7} {'P':>7} {'R':>7} {'F1':>7}",
    ]
    rows = [*result["per_label"].items(), ("overall", result["overall"])]
    for name, r in rows:
        lines.append(f"  {name:<16} {r['support']:>7} {r['predicted']:>7} {r['precision']:>7.4f} "
                     f"{r['recall']:>7.4f} {r['f1']:>7.4f}")
    if result.get("chars_per_second"):
        lines.append(f"speed {result['chars_per_second']:.0f} chars/s ({result['seconds']:.1f} s)")
    return "\n".join(lines)
