"""displaCy for clue_miner: an :class:`~clue_miner.types.Extraction` (entities, offence cues, roles)
or a clue's evidence rendered as HTML by ``spacy.displacy.render(…, style="ent", manual=True)`` in
our colours. The review pages and the static report use it; so can a notebook:

    from clue_miner import extract
    from clue_miner.display import render_extraction
    html = render_extraction(extract(text))

displaCy escapes the text it is given; labels are ours and escaped here too. Overlapping spans are
shown once (clue evidence first, then offence cues, then entities, longer before shorter); the
review pages list every span beside the highlighted text. A person's role shows in the label
(``PERSON·suspect``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from clue_miner.types import Extraction

__all__ = ["COLOURS", "CUE_LABELS", "highlight", "render_extraction", "shown_spans", "spans_for"]

# entities cool colours, offence cues and police-status words warm ones
COLOURS = {
    "PERSON": "#b3d9ff", "ORG": "#c6e2ff", "LOCATION": "#c8f0d8", "TIME": "#e0e0e0", "MONEY": "#ffe9a8",
    "PHONE": "#d9ccff", "ID_NUMBER": "#d9ccff", "BANK_CARD": "#d9ccff", "PLATE": "#d9ccff", "ACCOUNT": "#d9ccff",
    "ITEM": "#d4f4f4", "QUANTITY": "#e8f0c8", "INJURY": "#ffd0d0",
    "SUSPECT": "#8cbcf2",  # a clue's suspect (a PERSON whose role is suspect)
    "OFFENCE": "#ff9e80", "OFFENCE_CUE": "#ffb38a", "STATUS": "#f5a3d1", "THRESHOLD": "#ffd27f", "FLAG": "#ffc48a",
}
CUE_LABELS = frozenset({"OFFENCE", "OFFENCE_CUE", "STATUS", "THRESHOLD", "FLAG"})


def spans_for(complaint_id: str, text: str, extraction: Mapping[str, Any] | None,
              evidence: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Every span to show on ``text``: clue evidence, offence cues, entities; (start, end) checked."""
    out: list[dict[str, Any]] = []

    def add(label: Any, start: Any, end: Any, source: str, rank: int) -> None:
        try:
            s, e = int(start), int(end)
        except (TypeError, ValueError):
            return
        if 0 <= s < e <= len(text):
            out.append({"label": str(label), "start": s, "end": e, "text": text[s:e], "source": source, "rank": rank})

    for ev in evidence:
        if str(ev.get("complaint_id")) == complaint_id:
            add(ev.get("label"), ev.get("start"), ev.get("end"), "clue", 0)
    ext = extraction or {}
    for off in ext.get("offences") or []:
        for ev in off.get("evidence") or []:
            add(ev.get("label") or "OFFENCE_CUE", ev.get("start"), ev.get("end"), f"offence:{off.get('name')}", 1)
    for ent in ext.get("entities") or []:
        role = (ent.get("attrs") or {}).get("role")
        label = f"{ent.get('label')}·{role}" if ent.get("label") == "PERSON" and role else ent.get("label")
        add(label, ent.get("start"), ent.get("end"), "entity", 2)
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for sp in sorted(out, key=lambda s: (s["start"], s["end"], s["rank"])):
        key = (sp["label"], sp["start"], sp["end"])
        if key not in seen:
            seen.add(key)
            unique.append(sp)
    return unique


def shown_spans(spans: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """A non-overlapping subset for highlighting: by rank, then longer first."""
    taken: list[tuple[int, int]] = []
    keep = []
    for sp in sorted(spans, key=lambda s: (s["rank"], -(s["end"] - s["start"]), s["start"])):
        if all(sp["end"] <= a or sp["start"] >= b for a, b in taken):
            taken.append((sp["start"], sp["end"]))
            keep.append(sp)
    return sorted(keep, key=lambda s: s["start"])


def highlight(text: str, spans: Sequence[Mapping[str, Any]]) -> str:
    """displaCy entity markup of ``text`` (escaped) with ``spans`` marked in our colours."""
    from spacy import displacy

    ents = [{"start": s["start"], "end": s["end"], "label": html.escape(s["label"])} for s in shown_spans(spans)]
    colours = {html.escape(k): v for k, v in COLOURS.items()}
    colours.update({e["label"]: COLOURS["PERSON"] for e in ents if e["label"].startswith("PERSON·")})
    labels = sorted({e["label"] for e in ents})
    return displacy.render({"text": text, "ents": ents, "title": None}, style="ent", manual=True, page=False,
                           jupyter=False, options={"colors": colours, "ents": labels})




def render_extraction(extraction: Extraction, evidence: Iterable[Mapping[str, Any]] = (), *,
                      complaint_id: str = "") -> str:
    """HTML of ``extraction.text`` with its entities (persons with their role) and offence cues."""
    spans = spans_for(complaint_id, extraction.text, extraction.to_dict(),
                      [{**e, "complaint_id": complaint_id} for e in evidence])
    return highlight(extraction.text, spans)
