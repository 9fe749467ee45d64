"""Readers for the labelled NER corpora and the map from each corpus's labels onto ours.

Formats (``fmt``):

* ``cail2021`` — JSONL, ``context`` + ``entities: [{label, span: ["start;end", …]}]`` (end
  exclusive); labels NHCS suspect, NHVI victim, NCSM/NCGV/NCSP money, NASI stolen item, NATS tool,
  NT time, NS place, NO organisation;
* ``cail2022`` — JSONL, ``sentText`` + ``entityMentions: [{start, end, label}]`` (end exclusive);
  Nh person, Ns place, NT time, NDR drug, NW weight;
* ``cluener`` — JSONL, ``text`` + ``label: {type: {mention: [[start, end_inclusive]]}}``;
* ``tsv`` — MSRA / People's Daily: header ``text\\tlabel``, characters separated by spaces, label a
  Python-literal list of ``(TYPE, start, end_inclusive)``; TYPE NR/NS/NT or PER/LOC/ORG;
* ``conll`` — one token a line, ``token TAG`` (BIO or BIOES), blank lines between sentences;
  Weibo's tokens carry a trailing digit (stripped); the address corpus has multi-character tokens.

Each reader returns a :class:`NerCorpus`: the documents with their *native* labels, and the scheme
that maps them onto DESIGN's labels as evaluation keys (``PERSON:suspect``, ``ITEM:drug``,
``LOCATION`` …). Native labels a scheme leaves out (CLUENER's book/game/movie, Weibo's nominal
mentions) are not scored.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from clue_miner.errors import InputError
from clue_miner.io.jsonl import iter_jsonl

__all__ = ["FORMATS", "SCHEMES", "NerCorpus", "NerDoc", "iob_spans", "read_ner"]

FORMATS = ("cail2021", "cail2022", "cluener", "tsv", "conll")

# native label -> evaluation key (DESIGN label, with the role / kind where the corpus tells them)
SCHEMES: dict[str, dict[str, str]] = {
    "cail2021": {"NHCS": "PERSON:suspect", "NHVI": "PERSON:victim", "NCSM": "MONEY", "NCGV": "MONEY",
                 "NCSP": "MONEY", "NASI": "ITEM:goods", "NATS": "ITEM:tool", "NT": "TIME", "NS": "LOCATION",
                 "NO": "ORG"},
    "cail2022": {"Nh": "PERSON", "Ns": "LOCATION", "NT": "TIME", "NDR": "ITEM:drug", "NW": "QUANTITY"},
    "cluener": {"name": "PERSON", "address": "LOCATION", "organization": "ORG", "company": "ORG",
                "government": "ORG"},
    "news": {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORG"},
    "weibo": {"PER.NAM": "PERSON", "LOC.NAM": "LOCATION", "GPE.NAM": "LOCATION", "ORG.NAM": "ORG"},
    "address": {},  # component labels (prov, city, road …); whole addresses are read as ADDRESS
    "generic": {"PER": "PERSON", "PERSON": "PERSON", "NR": "PERSON", "LOC": "LOCATION", "GPE": "LOCATION",
                "NS": "LOCATION", "LOCATION": "LOCATION", "ORG": "ORG", "NT": "ORG", "TIME": "TIME",
                "MONEY": "MONEY", "QUANTITY": "QUANTITY", "ITEM": "ITEM"},
}
_NEWS = {"NR": "PER", "NS": "LOC", "NT": "ORG", "PER": "PER", "LOC": "LOC", "ORG": "ORG"}
_TRAILING_DIGIT = re.compile(r"^(.+?)\d$")


@dataclass(frozen=True, slots=True)
class NerDoc:
    """One sentence and its spans ``(start, end_exclusive, native_label)``."""

    text: str
    spans: tuple[tuple[int, int, str], ...] = ()


@dataclass
class NerCorpus:
    """Documents of one corpus and the scheme that maps their labels onto ours."""

    scheme: str
    docs: list[NerDoc] = field(default_factory=list)

    @property
    def label_map(self) -> dict[str, str]:
        return SCHEMES[self.scheme]

    @property
    def keys(self) -> frozenset[str]:
        """The evaluation keys this corpus annotates."""
        return frozenset(self.label_map.values())

    def gold(self) -> list[set[tuple[int, int, str]]]:
        """Per document, the set of ``(start, end, key)`` over the labels the scheme maps."""
        m = self.label_map
        return [{(s, e, m[lab]) for s, e, lab in d.spans if lab in m} for d in self.docs]

    def native_labels(self) -> list[str]:
        return sorted({lab for d in self.docs for _, _, lab in d.spans})


def _open_lines(path: Path) -> Iterator[tuple[int, str]]:
    if not path.exists():
        raise InputError(f"file not found: {path}", code="missing_file")
    with path.open(encoding="utf-8-sig") as fh:
        yield from enumerate(fh, start=1)


def _checked(text: str, spans: list[tuple[int, int, str]]) -> NerDoc:
    ok = sorted({(s, e, lab) for s, e, lab in spans if 0 <= s < e <= len(text)})
    return NerDoc(text, tuple(ok))


def _read_cail2021(path: Path) -> list[NerDoc]:
    docs = []
    for row in iter_jsonl(path):
        spans = []
        for ent in row.get("entities", []):
            for sp in ent.get("span", []):
                a, _, b = str(sp).partition(";")
                spans.append((int(a), int(b), ent["label"]))
        docs.append(_checked(row["context"], spans))
    return docs


def _read_cail2022(path: Path) -> list[NerDoc]:
    return [_checked(row["sentText"], [(int(m["start"]), int(m["end"]), m["label"])
                                       for m in row.get("entityMentions", [])])
            for row in iter_jsonl(path)]


def _read_cluener(path: Path) -> list[NerDoc]:
    docs = []
    for row in iter_jsonl(path):
        spans = [(int(s), int(e) + 1, typ) for typ, mentions in (row.get("label") or {}).items()
                 for positions in mentions.values() for s, e in positions]
        docs.append(_checked(row["text"], spans))
    return docs


def _read_tsv(path: Path) -> list[NerDoc]:
    docs = []
    for n, line in _open_lines(path):
        line = line.rstrip("\r\n")
        if n == 1 and line.startswith("text\t"):
            continue
        if not line.strip():
            continue
        text_part, _, label_part = line.partition("\t")
        tokens = text_part.split(" ")
        starts, pos = [], 0
        for tok in tokens:  # one character a token; a longer token keeps its characters together
            starts.append(pos)
            pos += len(tok)
        starts.append(pos)
        try:
            raw = ast.literal_eval(label_part.strip() or "[]")
        except (ValueError, SyntaxError) as err:
            raise InputError(f"{path} line {n}: bad label list", code="malformed_tsv") from err
        spans = []
        for typ, s, e in raw:
            if 0 <= s <= e < len(tokens):
                spans.append((starts[s], starts[e + 1], _NEWS.get(str(typ), str(typ))))
        docs.append(_checked("".join(tokens), spans))
    return docs


def iob_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans ``(start, end_exclusive, label)`` of a BIO / BIOES tag sequence over tokens."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, lab = tag.partition("-")
        prefix = prefix.upper()
        if label is not None and (prefix in ("O", "B", "S") or lab != label):
            spans.append((start, i, label))
            start, label = -1, None
        if prefix in ("B", "S") or (prefix in ("I", "M", "E") and label is None and lab):
            start, label = i, lab
        if prefix in ("E", "S") and label is not None:
            spans.append((start, i + 1, label))
            start, label = -1, None
    return spans


def _read_conll(path: Path) -> tuple[list[NerDoc], bool]:
    sentences: list[list[tuple[str, str]]] = [[]]
    for n, line in _open_lines(path):
        line = line.rstrip("\r\n")
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        parts = line.split("\t") if "\t" in line else line.split(" ")
        if len(parts) < 2:
            raise InputError(f"{path} line {n}: expected 'token TAG'", code="malformed_conll")
        tok, tag = (parts[0] or " "), parts[-1].strip()
        sentences[-1].append((tok, tag))
    sentences = [s for s in sentences if s]
    toks = [t for s in sentences for t, _ in s]
    weibo = bool(toks) and all(len(t) >= 2 and t[-1].isdigit() for t in toks[:200])
    docs = []
    for sent in sentences:
        tokens = [_TRAILING_DIGIT.sub(r"\1", t) if weibo else t for t, _ in sent]
        starts = [0]
        for tok in tokens:
            starts.append(starts[-1] + len(tok))
        spans = [(starts[s], starts[e], lab) for s, e, lab in iob_spans([t for _, t in sent])]
        docs.append(_checked("".join(tokens), spans))
    return docs, weibo


_ADDRESS_LABELS = frozenset({"prov", "city", "district", "devzone", "town", "community", "road", "subroad",
                             "roadno", "subroadno", "poi", "subpoi", "houseno", "cellno", "floorno", "roomno"})


def read_ner(path: str | Path, fmt: str) -> NerCorpus:
    """A labelled corpus in one of :data:`FORMATS`, with its native labels and scheme."""
    p = Path(path)
    if fmt == "cail2021":
        return NerCorpus("cail2021", _read_cail2021(p))
    if fmt == "cail2022":
        return NerCorpus("cail2022", _read_cail2022(p))
    if fmt == "cluener":
        return NerCorpus("cluener", _read_cluener(p))
    if fmt == "tsv":
        docs = _read_tsv(p)
        labels = {lab for d in docs for *_, lab in d.spans}
        return NerCorpus("news" if labels <= set(_NEWS.values()) else "generic", docs)
    if fmt == "conll":
        docs, weibo = _read_conll(p)
        labels = {lab for d in docs for *_, lab in d.spans}
        if weibo or labels & set(SCHEMES["weibo"]) or any(lab.endswith(".NOM") for lab in labels):
            return NerCorpus("weibo", docs)
        if labels and labels <= _ADDRESS_LABELS | {"country", "person", "assist", "redundant", "otherinfo"}:
            return NerCorpus("address", docs)
        return NerCorpus("generic", docs)
    raise InputError(f"unknown NER format {fmt!r}; expected one of {', '.join(FORMATS)}", code="bad_format")
