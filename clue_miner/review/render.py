"""HTML for people: complaint texts with their evidence highlighted (spaCy's displaCy, entity style,
manual mode) and the Jinja2 templates (autoescaped) that the review app and the static report share.

displaCy escapes the text it is given; labels are ours and escaped here too. Overlapping spans are
shown once (clue evidence first, then offence cues, then entities, longer before shorter); every
span, shown or not, is also listed in the evidence table of the page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")

# entities cool colours, offence cues and police-status words warm ones
COLOURS = {
    "PERSON": "#b3d9ff", "ORG": "#c6e2ff", "LOCATION": "#c8f0d8", "TIME": "#e0e0e0", "MONEY": "#ffe9a8",
    "PHONE": "#d9ccff", "ID_NUMBER": "#d9ccff", "BANK_CARD": "#d9ccff", "PLATE": "#d9ccff", "ACCOUNT": "#d9ccff",
    "ITEM": "#d4f4f4", "QUANTITY": "#e8f0c8", "INJURY": "#ffd0d0",
    "OFFENCE": "#ff9e80", "OFFENCE_CUE": "#ffb38a", "STATUS": "#f5a3d1", "THRESHOLD": "#ffd27f",
}
CUE_LABELS = frozenset({"OFFENCE", "OFFENCE_CUE", "STATUS", "THRESHOLD"})


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
        add(ent.get("label"), ent.get("start"), ent.get("end"), "entity", 2)
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
    labels = sorted({e["label"] for e in ents})
    return displacy.render({"text": text, "ents": ents, "title": None}, style="ent", manual=True, page=False,
                           jupyter=False, options={"colors": colours, "ents": labels})


@lru_cache(maxsize=1)
def environment():  # type: ignore[no-untyped-def]
    """The Jinja2 environment: autoescape on for every template."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from clue_miner.store.privacy import mask
    from clue_miner.store.workflow import STATES

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["mask"] = mask
    env.filters["day"] = lambda v: str(v).removesuffix("T00:00:00") if v else ""
    env.globals["STATES"] = STATES
    env.globals["COLOURS"] = COLOURS
    env.globals["CUE_LABELS"] = CUE_LABELS
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def clue_page_context(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The clue page's data: each complaint's highlighted HTML and its spans."""
    texts = []
    for c in detail.get("complaints", []):
        spans = spans_for(c["id"], c["text"], c.get("extraction"), detail.get("evidence", []))
        texts.append({**c, "html": highlight(c["text"], spans), "spans": spans})
    return {"clue": detail, "complaints": texts}
