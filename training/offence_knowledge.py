"""Statute-grounded label descriptions for the offence model (training side).

Each criminal charge of the taxonomy gets one description text: its name (three times: the name is
the densest evidence), aliases, cues (strong, medium, weak) and key elements from
``clue_miner/knowledge/charges.json``, the paragraph of its article that best matches the name
(idf-weighted name bigrams), then every paragraph of the articles whose ``【…罪】`` tag names it
(and the taxonomy's article). Charges with no training case are learnable from this text alone:
the model scores a fact by its similarity to every description.

Reads ``statutes/criminal_law.txt`` under the data directory; nothing is copied into the
repository, only the vectors derived from these texts are shipped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

from build_taxonomy import ARTICLE_RE, cn_to_int, split_tag

from clue_miner.knowledge.taxonomy import CRIMINAL, Taxonomy

__all__ = ["label_documents", "read_articles"]

_HEAD = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(之[一二三四五六七八九十]+)?[\s\u3000]*(【[^】]*】)?")


def read_articles(path: Path) -> tuple[dict[int, list[str]], dict[str, list[int]]]:
    """(article number -> paragraphs without the heading, charge name -> articles tagging it)."""
    paragraphs: dict[int, list[str]] = {}
    tagged: dict[str, list[int]] = {}
    current: int | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        head = _HEAD.match(line)
        if head:
            current = cn_to_int(head.group(1))
            paragraphs.setdefault(current, [])
            tag = ARTICLE_RE.match(line)
            if tag:
                for name in split_tag(tag.group(3)):
                    tagged.setdefault(name, []).append(current)
            line = line[head.end():]
        if current is not None and line:
            paragraphs[current].append(line)
    return paragraphs, tagged


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if "、" not in text[i:i + 2]}


def label_documents(taxonomy: Taxonomy, statute: Path) -> dict[str, str]:
    """Charge name -> description text, for every criminal charge of the taxonomy (sorted)."""
    paragraphs, tagged = read_articles(statute)
    every = [p for ps in paragraphs.values() for p in ps]
    df = Counter(b for p in every for b in _bigrams(p))
    docs: dict[str, str] = {}
    for info in taxonomy.entries(CRIMINAL):
        name = info.name
        numbers = set(tagged.get(name, ()))
        if info.article:
            numbers.add(int(info.article))
        paras = [p for a in sorted(numbers) for p in paragraphs.get(a, ())]
        weights = {b: math.log(len(every) / (1 + df.get(b, 0))) for b in _bigrams(name)}
        best = max(paras, key=lambda p: sum(w for b, w in weights.items() if b in p), default="")
        parts = [name] * 3 + [*info.aliases, *info.cues, *info.medium_cues, *info.elements, *info.weak_cues]
        parts += [best, *paras]
        docs[name] = "。".join(p for p in parts if p)
    return docs
