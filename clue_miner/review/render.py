"""HTML for people: the Jinja2 templates (autoescaped) that the review app and the static report
share, and the clue page's data (complaint texts highlighted by :mod:`clue_miner.display`; every
span, shown or not, is also listed in the page's evidence table)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from clue_miner.display import COLOURS, CUE_LABELS, highlight, spans_for

TEMPLATES = Path(__file__).with_name("templates")


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


def waterfall(match: Mapping[str, Any], width: int = 320, row: int = 16) -> dict[str, Any]:
    """A match's waterfall chart (Splink's, drawn as SVG geometry for the template): the prior's
    bits (recovered from the score: score = 2^w / (1 + 2^w)), then each comparison's bits in turn,
    each bar from the running total before it to the one after; the last row is the total."""
    import math

    weights = dict(match.get("weights") or {})
    score = float(match.get("score") or 0.0)
    steps: list[tuple[str, str, float]] = []
    if 0.0 < score < 1.0:
        total = math.log2(score / (1.0 - score))
        steps.append(("prior", "先验", total - sum(weights.values())))
    for name, bits in weights.items():
        steps.append((name, str((match.get("comparisons") or {}).get(name, "")), float(bits)))
    running, bars = 0.0, []
    for name, level, bits in steps:
        bars.append((name, level, bits, running, running + bits))
        running += bits
    # a score of exactly 0 or 1 hides the prior (the float saturates): the total is the evidence's
    bars.append(("total", "合计" if steps and steps[0][0] == "prior" else "证据合计（不含先验）", running, 0.0, running))
    lo = min(0.0, *(min(a, b) for *_, a, b in bars))
    hi = max(0.0, *(max(a, b) for *_, a, b in bars))
    scale = (width - 1) / ((hi - lo) or 1.0)
    rows = [{"name": name, "level": level, "bits": bits, "y": i * row,
             "x": round((min(a, b) - lo) * scale, 1), "w": max(1.0, round(abs(b - a) * scale, 1)),
             "colour": "#4a7bb7" if name == "total" else ("#2e8b57" if bits >= 0 else "#c0392b")}
            for i, (name, level, bits, a, b) in enumerate(bars)]
    return {"rows": rows, "width": width, "height": len(rows) * row, "zero": round(-lo * scale, 1), "row": row}


def clue_page_context(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The clue page's data: each complaint's highlighted HTML and its spans, each match's
    waterfall chart."""
    texts = []
    for c in detail.get("complaints", []):
        spans = spans_for(c["id"], c["text"], c.get("extraction"), detail.get("evidence", []))
        texts.append({**c, "html": highlight(c["text"], spans), "spans": spans})
    charts = [waterfall(m) for m in detail.get("matches", [])]
    return {"clue": detail, "complaints": texts, "waterfalls": charts}
