"""clue_miner in a spaCy pipeline beside your own EntityRuler patterns, saved and loaded again.

    .venv/bin/python examples/spacy_pipeline.py
"""

from __future__ import annotations

import tempfile

import spacy
from spacy import displacy

import clue_miner

nlp = clue_miner.spacy_pipeline()  # jieba + legal dictionary, then the "clue_miner" component
ruler = nlp.add_pipe("entity_ruler", before="clue_miner")  # your own patterns run first
ruler.add_patterns([
    {"label": "APP", "pattern": "微信"},
    {"label": "APP", "pattern": "支付宝"},
    {"label": "UNIT", "pattern": [{"TEXT": {"REGEX": ".+派出所$"}}]},
])

text = ("我叫王芳，电话13912345678。2024年6月1日有人在微信上以投资为名骗走我8万元，"
        "我去城东派出所报案，派出所说不予立案。")
doc = nlp(text)
print("tokens  :", " | ".join(t.text for t in doc))
print("ents    :", [(e.text, e.label_, e._.role) for e in doc.ents])  # yours and ours, no overlaps
print("all ours:", [(s.text, s.label_) for s in doc.spans["clue_miner"]])  # every extract() entity
print("offences:", doc._.offences, "cues:", [(s.text, s.label_) for s in doc.spans["clue_miner_offences"]])
print("category:", max(doc.cats, key=doc.cats.get), {k: round(v, 3) for k, v in doc.cats.items()})
print("facts   :", doc._.extraction.facts.amount, doc._.extraction.facts.stated_status)

with tempfile.TemporaryDirectory() as d:  # settings live in the config: nothing pickled
    nlp.to_disk(d)
    again = spacy.load(d)
    assert [(e.text, e.label_) for e in again(text).ents] == [(e.text, e.label_) for e in doc.ents]

html = displacy.render(doc, style="ent", page=True)  # or clue_miner.display.render_extraction(...)
print(f"displaCy: {len(html)} characters of HTML")
