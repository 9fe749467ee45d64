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


def clue_page_context(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The clue page's data: each complaint's highlighted HTML and its spans."""
    texts = []
    for c in detail.get("complaints", []):
        spans = spans_for(c["id"], c["text"], c.get("extraction"), detail.get("evidence", []))
        texts.append({**c, "html": highlight(c["text"], spans), "spans": spans})
    return {"clue": detail, "complaints": texts}
