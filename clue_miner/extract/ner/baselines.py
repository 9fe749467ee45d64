"""Baseline entity recognisers to measure the NER model against (``clue-miner evaluate ner --model rules|jieba``)."""

from __future__ import annotations

from clue_miner.types import Entity

__all__ = ["BASELINES", "JiebaRecognizer", "RulesRecognizer"]


class RulesRecognizer:
    """The rule layer's entities as a recogniser."""

    name = "rules"

    def __init__(self) -> None:
        from clue_miner.extract.pipeline import default_rule_finders

        self.finders = default_rule_finders()

    def predict(self, texts: list[str]) -> list[list[Entity]]:
        from clue_miner.extract.rules.base import RuleContext

        return [[e for f in self.finders for e in f(t, RuleContext())] for t in texts]


class JiebaRecognizer:
    """jieba.posseg: nr/nrfg/nrt -> PERSON, ns -> LOCATION, nt -> ORG."""

    name = "jieba-pos"
    _MAP = {"nr": "PERSON", "nrfg": "PERSON", "nrt": "PERSON", "ns": "LOCATION", "nt": "ORG"}

    def predict(self, texts: list[str]) -> list[list[Entity]]:
        import jieba.posseg as pseg

        out = []
        for t in texts:
            ents, pos = [], 0
            for w in pseg.cut(t):
                label = self._MAP.get(w.flag)
                if label:
                    ents.append(Entity(label, pos, pos + len(w.word), w.word, attrs={"role": "other"}, source="jieba"))
                pos += len(w.word)
            out.append(ents)
        return out


BASELINES = {"rules": RulesRecognizer, "jieba": JiebaRecognizer}
