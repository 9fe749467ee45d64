"""Incident segmentation: where a complaint that tells several incidents changes incident.

A letter may tell several incidents: a fraud in March and an assault in August, two grievances
announced as such (反映两个问题：一、… 二、…), a theft and "另外" a threat by someone else. This
module finds where each incident starts, over the *normalised* text, from cheap signals:

1. candidate boundaries: items 2.. of an enumeration (一是/二是, 第一/第二, 1、2、, 一、二、,
   （一）（二）, ①②; lists introduced by 诉求/建议 … are skipped), discourse markers at a clause
   start (另外, 此外, 还有一次, 后来又, 同年 …), sentences that open with a date of month or day
   precision, and paragraph breaks (a sentence end followed by white space);
2. the pieces between candidates are profiled: dates, suspects (PERSON entities with role
   ``suspect``), offences (the detector's candidates whose evidence falls in the piece) and the
   piece's character bigrams;
3. walking left to right, a piece opens a new incident when it differs from the incident so far:
   in offences or in suspects (both known and disjoint); by being an item of a list announced as
   several matters; at a new date (more than ``date_gap_days`` away) only when it tells an offence
   again (又, 再次 … near its start); at an enumeration item, a discourse marker or a paragraph
   break when the two share almost no content (bigram overlap under ``sim_*``). Requests and
   closings (恳请…, 以上…, 此致…), accounts of the handling (回复, 信访 …) and pieces shorter than
   ``min_piece`` never open an incident.

Dates alone do not split: a single incident's account moves through dates too (reported on the
5th, answered on the 20th). The result always covers the whole text with contiguous spans: the
first incident takes the preamble, the last the closing. A text shorter than ``min_text``
characters, or one with no boundary that survives, is one incident: ``[(0, len(text))]``; the
pipeline attaches ``incidents`` to an Extraction only when there are two or more (DESIGN.md).

The thresholds were tuned by reading half A of ``corpora/incidents/long_letters.jsonl``;
``benchmarks/incident_agreement.py`` prints the agreement on both halves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from clue_miner.extract.components import OffenceCandidate
from clue_miner.types import Entity

__all__ = ["SegmentParams", "segment_incidents"]

_CN = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(_CN)}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_START = r"(?:(?<=^)|(?<=[。！？!?；;，,：:\s…”\"]))"  # a clause start
# (family, pattern): group "n" is the item number (digits, Chinese numeral or circled digit).
_ENUMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("shi", re.compile(_START + rf"(?P<n>[{_CN}])是")),
    ("di", re.compile(_START + rf"(?:其)?第(?P<n>[{_CN}])(?:[、，,：:.]|个|点|条|项|件|方面|是)")),
    ("cn", re.compile(_START + rf"(?P<n>[{_CN}])[、.，,](?![{_CN}0-9])")),
    ("pcn", re.compile(rf"[（(](?P<n>[{_CN}])[）)]")),
    ("pnum", re.compile(r"[（(](?P<n>[1-9][0-9]?)[）)]")),
    ("num", re.compile(_START + r"(?P<n>[1-9][0-9]?)(?:[、，,:：）)]|\.(?![0-9]))")),
    ("circ", re.compile(rf"(?P<n>[{_CIRCLED}])")),
)
_MARKER = re.compile(
    _START + r"(?:另外|此外|另有|还有一次|还有一件|还有一起|再有|再者|后来又|之后又|随后又|"
    r"同年|次年|第二年|又有一次|又一次|另一件|另一起)")
# A list announced as several matters (反映两个问题, 存在以下几个问题 …): its items are incidents.
_ANNOUNCE = re.compile(r"(?:两|二|三|四|五|六|几|多|很多|诸多|以下|如下)(?:个|点|件|方面的?)?(?:问题|事情|事项)|问题如下|以下事实")
# A list introduced by these asks for things (诉求：1、… 建议：1、…).
_ASKS = re.compile(r"诉求|建议|请求|恳请|要求|呼吁|希望")
# A piece opening like this reports how the matter was handled, not a new incident.
_HANDLING = re.compile(r"维权渠道|投诉渠道|回复|答复|信访|上访|12345|市长热线|处理结果")
# A new date with one of these near the start of its clause tells a new act (8月又…, 再次被骗).
_REPEAT = re.compile(r"又|再次|再一次|再度|第二次|另")
_PARA = re.compile(r"(?<=[。！？!?…])\s+(?=\S)")
_SENT_END = re.compile(r"[。！？!?；;\s]")
_REQUEST = re.compile(
    r"^\s*(?:[0-9一二三四五六七八九十]+[、.，,]\s*)?(?:恳请|恳求|请求|请您|请你|请领导|请相关|请有关|请政府|请各|希望|建议|诉求|"
    r"强烈要求|强烈建议|要求|以上|综上|总之|此致|谢谢|感谢|望|盼|特此|鉴于此|为此|所以|因此)")
_CJK = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class SegmentParams:
    """The segmenter's knobs (defaults tuned on half A of the incident sample)."""

    min_text: int = 150  # never split a shorter text
    min_piece: int = 40  # a shorter piece never opens an incident
    date_gap_days: int = 60  # dates further apart than this are different incidents
    head: int = 25  # a repeat cue (又, 再次 …) counts within this many characters of a piece's start
    sim_enum: float = 0.05  # bigram overlap under which an enumeration item is a new matter
    sim_marker: float = 0.12  # … a piece after a discourse marker
    sim_para: float = 0.05  # … a piece after a paragraph break
    kinds: tuple[str, ...] = field(default=("enum", "marker", "date", "para"))


DEFAULT = SegmentParams()


@dataclass
class _Piece:
    start: int
    end: int
    kind: str  # how the piece opens: "start", "enum", "subenum", "marker", "date", "para"
    days: set[int] = field(default_factory=set)
    suspects: set[str] = field(default_factory=set)
    offences: set[str] = field(default_factory=set)
    grams: set[str] = field(default_factory=set)


def _number(token: str) -> int:
    if token in _CN_VALUE:
        return _CN_VALUE[token]
    if token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    return int(token)


def _enum_starts(text: str) -> dict[int, str]:
    """Starts of items 2.. of each enumeration (a run 1, 2, 3 … of one family), by kind: ``list``
    for a list announced as several matters (两个问题：一、…), else ``enum`` for the family that
    starts first and ``subenum`` for lists nested in its items."""
    runs: list[tuple[int, list[int]]] = []  # (position of item 1, starts of items 2..)
    for _family, pattern in _ENUMS:
        expected, first, found = 1, -1, []
        for m in pattern.finditer(text):
            n = _number(m.group("n"))
            if n == 1:  # a new run of this family
                if found:
                    runs.append((first, found))
                expected, first, found = 2, m.start(), []
            elif n == expected and first >= 0:
                found.append(m.start())
                expected += 1
        if found:
            runs.append((first, found))
    if not runs:
        return {}
    top = min(first for first, _ in runs)
    out: dict[int, str] = {}
    for first, found in runs:
        before = max(0, first - 60)
        if _ANNOUNCE.search(text, before, first):
            kind = "list"
        elif _ASKS.search(text, before, first):  # a list of requests (诉求：1、… 2、…) tells nothing new
            continue
        else:
            kind = "enum" if first == top else "subenum"
        for pos in found:
            out.setdefault(pos, kind)
    return out


def _sentence_start(text: str, pos: int) -> int:
    """Start of the sentence holding ``pos`` (after the last 。！？； or white space)."""
    lo = max(0, pos - 12)
    cut = [m.end() for m in _SENT_END.finditer(text, lo, pos)]
    return cut[-1] if cut else -1


def _day(value: object) -> int | None:
    """Day ordinal of a TIME value of month or day precision (mid-month for a month)."""
    if not isinstance(value, str) or len(value) < 7 or value[4] != "-":
        return None
    try:
        if len(value) >= 10:
            return date.fromisoformat(value[:10]).toordinal()
        return date(int(value[:4]), int(value[5:7]), 15).toordinal()
    except ValueError:
        return None


def _candidates(text: str, entities: Sequence[Entity], kinds: Sequence[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    if "enum" in kinds:
        found.update(_enum_starts(text))
    if "marker" in kinds:
        for m in _MARKER.finditer(text):
            found.setdefault(m.start(), "marker")
    if "date" in kinds:
        for ent in entities:
            if ent.label == "TIME" and _day(ent.value) is not None:
                start = _sentence_start(text, ent.start)
                if start >= 0 and ent.start - start <= 6 and "，" not in text[start:ent.start]:
                    found.setdefault(start, "date")
    if "para" in kinds:
        for m in _PARA.finditer(text):
            found.setdefault(m.end(), "para")
    found.pop(0, None)
    return found


def _profile(piece: _Piece, text: str, entities: Sequence[Entity], offences: Sequence[OffenceCandidate]) -> None:
    for ent in entities:
        if piece.start <= ent.start < piece.end:
            if ent.label == "TIME":
                day = _day(ent.value)
                if day is not None:
                    piece.days.add(day)
            elif ent.label == "PERSON" and ent.attrs.get("role") == "suspect":
                piece.suspects.add(str(ent.value or ent.text))
    for off in offences:
        if any(piece.start <= ev.start < piece.end for ev in off.evidence):
            piece.offences.add(off.name)
    for run in _CJK.findall(text, piece.start, piece.end):
        piece.grams.update(run[i:i + 2] for i in range(len(run) - 1))


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 1.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _differs(inc: _Piece, piece: _Piece, text: str, params: SegmentParams) -> bool:
    """Whether ``piece`` tells another incident than ``inc`` (the incident so far)."""
    if inc.offences and piece.offences and not inc.offences & piece.offences:
        return True
    if inc.suspects and piece.suspects and not inc.suspects & piece.suspects:
        return True
    if piece.kind == "list":
        return True
    if piece.kind == "date":  # a new date with an offence told again (8月又被骗 …)
        far = bool(inc.days and piece.days) and min(
            abs(a - b) for a in inc.days for b in piece.days) > params.date_gap_days
        head = text[piece.start:min(piece.end, piece.start + params.head)]
        return far and bool(piece.offences) and bool(_REPEAT.search(head))
    threshold = {"enum": params.sim_enum, "marker": params.sim_marker,
                 "para": params.sim_para}.get(piece.kind, 0.0)
    return _similarity(inc.grams, piece.grams) < threshold


def segment_incidents(
    text: str,
    entities: Sequence[Entity] = (),
    offences: Sequence[OffenceCandidate] = (),
    params: SegmentParams = DEFAULT,
) -> list[tuple[int, int]]:
    """Contiguous ``(start, end)`` spans of ``text``, one per incident, covering all of it.

    ``entities`` and the offences' evidence have offsets into ``text`` (the normalised text, as
    the pipeline's components see it). A single incident gives ``[(0, len(text))]``.
    """
    n = len(text)
    if n < params.min_text:
        return [(0, n)]
    cands = _candidates(text, entities, params.kinds)
    if not cands:
        return [(0, n)]
    starts = sorted(cands)
    pieces = [_Piece(0, starts[0], "start")]
    pieces += [_Piece(s, e, cands[s]) for s, e in zip(starts, [*starts[1:], n], strict=True)]
    for piece in pieces:
        _profile(piece, text, entities, offences)
    incidents: list[_Piece] = [pieces[0]]
    for piece in pieces[1:]:
        inc = incidents[-1]
        opens = (piece.end - piece.start >= params.min_piece and inc.end - inc.start >= params.min_piece
                 and not _REQUEST.match(text, piece.start)
                 and not _HANDLING.search(text, piece.start, min(piece.end, piece.start + 12))
                 and _differs(inc, piece, text, params))
        if opens:
            incidents.append(piece)
        else:
            inc.end = piece.end
            inc.days |= piece.days
            inc.suspects |= piece.suspects
            inc.offences |= piece.offences
            inc.grams |= piece.grams
    return [(p.start, p.end) for p in incidents]
