"""clue_miner inside spaCy: a tokenizer (jieba with the legal dictionary) and one pipeline component
that runs the same :class:`~clue_miner.extract.pipeline.Pipeline` as ``extract()`` and writes its
result onto the ``Doc`` (one source of truth: no second implementation).

    nlp = clue_miner.spacy_pipeline()          # spacy.blank("zh") + our tokenizer + "clue_miner"
    doc = nlp("我叫王芳，电话13812345678 …")
    doc.ents, doc.spans["clue_miner"], doc._.extraction, doc._.offences, doc.cats
    doc.ents[0]._.role, doc.ents[0]._.value

What the component sets:

- ``doc._.extraction``: the :class:`~clue_miner.types.Extraction` (kept in ``doc.user_data``; a
  srsly msgpack encoder writes it with the lossless codec of ``clue_miner.io.spool``, so docs
  survive ``DocBin``, ``to_bytes`` and ``nlp.pipe(n_process=2)`` field for field);
- ``doc.spans["clue_miner"]``: every entity as a token-aligned span (``alignment_mode="expand"``),
  overlapping ones included; ``doc.ents``: the ones that do not overlap (identifiers and persons
  first, then longer spans), after the entities already on the doc (a user's ``EntityRuler``
  before us) unless ``overwrite_ents``; ``doc.spans["clue_miner_offences"]``: the offence cues,
  labelled by offence;
- ``span._.role`` (persons), ``span._.value`` (normalised values);
- ``doc._.offences``: the offence names, best first; ``doc.cats``: category scores summing to one
  (:meth:`~clue_miner.types.Category.distribution`).

With ``split_tokens`` (default) a token that an entity boundary cuts is split there first, so the
spans sit on exactly the characters ``extract()`` gives. Settings live in the pipeline config
(model paths or shipped model names, province, thresholds), so ``nlp.to_disk(d)`` and
``spacy.load(d)`` rebuild it in a fresh process: the factories are registered through the
``spacy_factories`` and ``spacy_tokenizers`` entry points, and nothing is pickled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import registry

from clue_miner.types import Extraction

FACTORY = "clue_miner"
TOKENIZER = "clue_miner.jieba_legal.v1"
SPANS_KEY = "clue_miner"
OFFENCES_KEY = "clue_miner_offences"
_DATA_KEY = ("clue_miner", "extraction")


_MARK = "__clue_miner_extraction__"


def _extraction_of(doc: Doc) -> Extraction | None:
    data = doc.user_data.get(_DATA_KEY)
    if data is None or isinstance(data, Extraction):
        return data
    return _decode(data)  # a doc read back where the decoder below was not registered


def _offences_of(doc: Doc) -> list[str]:
    ext = _extraction_of(doc)
    return [] if ext is None else [o.name for o in ext.offences]


def _encode(obj: Any, chain: Any = None) -> Any:
    """srsly msgpack encoder: an Extraction in ``doc.user_data`` travels as its JSON form (DocBin,
    ``Doc.to_bytes``, the documents ``nlp.pipe(n_process=…)`` sends back)."""
    if isinstance(obj, Extraction):
        from clue_miner.io.spool import encode

        return {_MARK: encode(obj), "text": obj.text}
    return chain(obj) if chain is not None else obj


def _decode(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, dict) and _MARK in obj:
        from clue_miner.io.spool import decode

        return decode(obj[_MARK], obj["text"])
    return chain(obj) if chain is not None else obj


def _register_serialisation() -> None:
    import srsly

    if "clue_miner.extraction" not in srsly.msgpack_encoders.get_all():
        srsly.msgpack_encoders.register("clue_miner.extraction", func=_encode)
        srsly.msgpack_decoders.register("clue_miner.extraction", func=_decode)


_register_serialisation()


def _register_extensions() -> None:
    if not Doc.has_extension("extraction"):
        Doc.set_extension("extraction", getter=_extraction_of)
    if not Doc.has_extension("offences"):
        Doc.set_extension("offences", getter=_offences_of)
    if not Doc.has_extension("received_at"):
        Doc.set_extension("received_at", default=None)  # optional anchor for relative dates (ISO string)
    for name in ("role", "value"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


_register_extensions()


class LegalJiebaTokenizer:
    """jieba with clue_miner's legal dictionary (``clue_miner.text.segment``); whitespace is a token.

    ``hmm`` runs jieba's HMM over words in no dictionary (jieba's own default). Off by default: such
    words then fall into shorter pieces (our entities still come whole, the component splits tokens
    at their edges) and the tokenizer takes a fifth less time — ``nlp.pipe`` costs about 8 % more
    than ``extract_many`` without it, 14–15 % with it (``benchmarks/spacy_overhead.py``).
    """

    def __init__(self, vocab: Any, hmm: bool = False) -> None:
        self.vocab = vocab
        self.hmm = hmm

    def __call__(self, text: str) -> Doc:
        from clue_miner.text.segment import get_segmenter

        # jieba's pieces cover the text in order; whitespace stays a token of its own (no trailing
        # spaces), so that every character offset extract() gives is a token boundary after splitting
        words = [w for w in get_segmenter().tokenizer.cut(text, HMM=self.hmm) if w]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # nothing to save: the dictionary ships with the package
    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> LegalJiebaTokenizer:
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> LegalJiebaTokenizer:
        return self


@registry.tokenizers(TOKENIZER)
def create_tokenizer(hmm: bool = False) -> Callable[[Language], LegalJiebaTokenizer]:
    def make(nlp: Language) -> LegalJiebaTokenizer:
        return LegalJiebaTokenizer(nlp.vocab, hmm=hmm)

    return make


class ClueMinerComponent:
    """Runs clue_miner's extraction pipeline on each doc and writes the result onto it."""

    def __init__(self, nlp: Language, name: str, *, ner_model: str | None, offence_model: str | None,
                 category_model: str | None, province: str | None, thresholds: str | None, batch_size: int,
                 overwrite_ents: bool, split_tokens: bool) -> None:
        self.name = name
        self.options = {"ner_model": ner_model, "offence_model": offence_model, "category_model": category_model,
                        "province": province, "thresholds": thresholds}
        self.batch_size = batch_size
        self.overwrite_ents = overwrite_ents
        self.split_tokens = split_tokens
        self._pipeline: Any = None

    @property
    def pipeline(self) -> Any:
        """The extraction pipeline, loaded on first use (the shared default one without options)."""
        if self._pipeline is None:
            from clue_miner.api import _pipeline, load

            opts = {k: v for k, v in self.options.items() if v is not None}
            self._pipeline = load(**opts, batch_size=self.batch_size) if opts else _pipeline()
        return self._pipeline

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        size = batch_size or self.batch_size
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= size:
                yield from self._annotate(batch)
                batch = []
        if batch:
            yield from self._annotate(batch)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        extractions = self.pipeline.pipe([d.text for d in docs], [d._.received_at for d in docs],
                                         batch_size=len(docs))
        return [self.set_annotations(doc, ext) for doc, ext in zip(docs, extractions, strict=True)]

    def set_annotations(self, doc: Doc, ext: Extraction) -> Doc:
        if self.split_tokens:
            doc = _split_at(doc, {b for e in ext.entities for b in (e.start, e.end)}
                            | {b for o in ext.offences for ev in o.evidence for b in (ev.start, ev.end)})
        doc.user_data[_DATA_KEY] = ext
        spans: list[Span] = []
        for ent in ext.entities:
            span = doc.char_span(ent.start, ent.end, label=ent.label, alignment_mode="expand")
            if span is None:  # an empty or out-of-range span: cannot happen for extract()'s entities
                continue
            span._.role = ent.attrs.get("role")
            span._.value = ent.value
            spans.append(span)
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=spans)
        cues = []
        for off in ext.offences:
            for ev in off.evidence:
                span = doc.char_span(ev.start, ev.end, label=off.name, alignment_mode="expand")
                if span is not None:
                    cues.append(span)
        doc.spans[OFFENCES_KEY] = SpanGroup(doc, name=OFFENCES_KEY, spans=cues)
        kept = [] if self.overwrite_ents else list(doc.ents)
        # the chosen spans share role and value with ours (spaCy keys a span's extension values by
        # its characters and label)
        doc.ents = _without_overlaps(kept, spans)
        doc.cats = ext.category.distribution()
        return doc

    # the component keeps no state of its own: its settings are in the config
    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> ClueMinerComponent:
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> ClueMinerComponent:
        return self


FIRST = ("PHONE", "ID_NUMBER", "BANK_CARD", "PLATE", "ACCOUNT", "PERSON")


def _without_overlaps(kept: list[Span], ours: list[Span]) -> list[Span]:
    """``kept`` (entities already on the doc) where ours do not take their place, and ours: identifiers
    and persons first (a person inside a place or an item: 王某某家中, 被害人张某的手机), then longer
    spans, then earlier ones; a span overlapping one already chosen is left out of ``doc.ents``
    (it stays in ``doc.spans``)."""
    rank = {label: i for i, label in enumerate(FIRST)}
    order = sorted(ours, key=lambda s: (rank.get(s.label_, len(FIRST)), -(s.end - s.start), s.start))
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in [*kept, *order]:
        tokens = set(range(span.start, span.end))
        if not tokens & taken:
            chosen.append(span)
            taken |= tokens
    return sorted(chosen, key=lambda s: s.start)


def _split_at(doc: Doc, bounds: set[int]) -> Doc:
    """Split tokens at the character offsets in ``bounds`` that fall inside them."""
    from bisect import bisect_right

    from spacy.attrs import IDX

    if not bounds or not len(doc):
        return doc
    starts = doc.to_array(IDX).tolist()
    inner: dict[int, list[int]] = {}
    for b in bounds:
        i = bisect_right(starts, b) - 1
        if i >= 0 and starts[i] < b < starts[i] + len(doc[i].text):
            inner.setdefault(i, []).append(b - starts[i])
    if inner:
        with doc.retokenize() as retok:
            for i, cuts in inner.items():
                tok = doc[i]
                edges = [0, *sorted(cuts), len(tok.text)]
                parts = [tok.text[a:b] for a, b in zip(edges, edges[1:], strict=False)]
                retok.split(tok, parts, heads=[(tok, j) for j in range(len(parts))])
    return doc


@Language.factory(FACTORY, default_config={"ner_model": None, "offence_model": None, "category_model": None,
                                           "province": None, "thresholds": None, "batch_size": 64,
                                           "overwrite_ents": False, "split_tokens": True})
def make_clue_miner(nlp: Language, name: str, ner_model: str | None, offence_model: str | None,
                    category_model: str | None, province: str | None, thresholds: str | None, batch_size: int,
                    overwrite_ents: bool, split_tokens: bool) -> ClueMinerComponent:
    return ClueMinerComponent(nlp, name, ner_model=ner_model, offence_model=offence_model,
                              category_model=category_model, province=province, thresholds=thresholds,
                              batch_size=batch_size, overwrite_ents=overwrite_ents, split_tokens=split_tokens)


def spacy_pipeline(*, ner_model: str | None = None, offence_model: str | None = None,
                   category_model: str | None = None, province: str | None = None, thresholds: str | None = None,
                   batch_size: int = 64, overwrite_ents: bool = False, split_tokens: bool = True,
                   hmm: bool = False) -> Language:
    """``spacy.blank("zh")`` with the legal-dictionary jieba tokenizer and the ``clue_miner`` component.

    The options are those of :func:`clue_miner.load` (model directories or shipped model names,
    ``"none"`` / ``"rules"`` where ``load`` takes them); they are stored in the pipeline config,
    with the tokenizer's ``hmm`` (jieba's HMM for unknown words).
    """
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER, "hmm": hmm}}})
    nlp.add_pipe(FACTORY, config={"ner_model": _path(ner_model), "offence_model": _path(offence_model),
                                  "category_model": _path(category_model), "province": province,
                                  "thresholds": _path(thresholds), "batch_size": batch_size,
                                  "overwrite_ents": overwrite_ents, "split_tokens": split_tokens})
    return nlp


def _path(value: Any) -> str | None:
    """Settings go into the config as strings; a directory is made absolute so a saved pipeline
    loads from anywhere."""
    if value is None:
        return None
    from pathlib import Path

    p = Path(str(value))
    return str(p.resolve()) if p.exists() else str(value)
