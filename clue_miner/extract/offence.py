"""Rule/lexicon offence detection (v1): an Aho–Corasick automaton over the taxonomy's cues.

Every charge name, alias and cue of ``knowledge/charges.json`` is a key of one automaton, next
to "blockers" (道德绑架, 被打扰, 伤害案例 …) that only hide the cues inside them. A text is
scanned once; phrases nested in a longer matched phrase are dropped (诈骗 inside 合同诈骗).

Scoring per offence: names, aliases and cues are enough alone (0.9 / 0.7), medium cues need
support (0.4), weak cues only support (0.25 each, together capped below the threshold). The
score is the noisy-or of the best weight of each distinct phrase, times the most favourable
clause context among its hits: negation (不是诈骗, 没有被偷), hypothetical, warning or police-work
reports (防止被骗, 是否涉嫌, 破获…), earlier convictions (曾因盗窃被判处) lower but do not zero it.
In a long message an offence resting on one single mention is lowered too.

Then: the criminal and administrative twins of a name merge (赌博); an administrative cause
merges into the criminal charge it escalates to when that was found (殴打他人 + 轻伤 ->
故意伤害); a charge absorbs the lesser or more general ones it implies (合同诈骗 > 诈骗,
强奸 > 猥亵) unless those have clearly more support; offences under ``min_score`` or under
``relative`` times the best are dropped. Amounts and injuries are not looked at here: the
pipeline applies thresholds afterwards and settles criminal vs administrative.
"""

from __future__ import annotations

import re
from typing import Any

from clue_miner.extract.components import OffenceCandidate
from clue_miner.knowledge.taxonomy import ADMINISTRATIVE, CRIMINAL, Taxonomy, load_taxonomy
from clue_miner.types import Evidence

__all__ = ["LABEL", "OffenceCandidate", "OffenceRules"]

LABEL = "OFFENCE_CUE"

# ASCII lower-case and full-width ASCII -> half-width, one char for one char (offsets kept).
_FOLD = {i: i + 32 for i in range(ord("A"), ord("Z") + 1)}
_FOLD.update({i: (i - 0xFEE0) + (32 if 0xFF21 <= i <= 0xFF3A else 0) for i in range(0xFF01, 0xFF5F)})

_CLAUSE_END = re.compile(r"[。！？!?；;，,\n：:]")
_NEG = re.compile(r"(?:不是|并非|并不是|没有|没被|未被|不存在|不属于|不涉及|并无|不构成|谈不上|算不上|排除|否认|不算|未曾|从未|没|未|无|非)[^，。]{0,2}$")
_HYPO = re.compile(
    r"(?:防止|谨防|防范|预防|提防|小心|警惕|以防|避免|防骗|反诈|宣传|提醒|是否|是不是|会不会|算不算|"
    r"如果|假如|万一|若是|担心|害怕|怕被|打击|严打|专项|整治|破获|侦破|捣毁|打掉|识别|远离|举例|比如|什么是|"
    r"如何|怎样|怎么认定|认定为|构成)"
)
_PRIOR_PRE = re.compile(r"(?:曾因|曾经因|曾犯|因犯|曾以|前科|刑满释放|又因)")
_PRIOR_POST = re.compile(r"^[^，。；]{0,8}?(?:被判处|被判|判处|被劳动教养|被行政拘留|被处以|刑满|罪于|罪被)")


class OffenceRules:
    """Lexicon offence detector with a scikit-learn-like interface.

    Parameters
    ----------
    taxonomy: the charge taxonomy (default: the shipped ``charges.json``).
    min_score: an offence is reported when its score reaches this value.
    relative: … and when it reaches ``relative`` times the best offence's score.
    max_offences: at most this many offences per text.
    name_weight, cue_weight, medium_weight, weak_weight: weights of a charge name or alias, a cue
        (enough alone), a medium cue (needs support), a weak cue (supports only).
    weak_cap: weak cues together contribute at most this much (a weak-only offence stays low).
    absorb_margin: an implied offence survives its absorber only when this much stronger.
    long_text, lone_factor: in a text longer than ``long_text`` characters, an offence resting on
        one single mention is multiplied by ``lone_factor`` (a passing word in a long message).
    negation, hypothetical, prior: factors applied to a hit in such a context.
    """

    name = "offence-rules"
    version = "offence-rules-v1"

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        min_score: float = 0.6,
        relative: float = 0.75,
        max_offences: int = 3,
        name_weight: float = 0.9,
        cue_weight: float = 0.7,
        medium_weight: float = 0.4,
        weak_weight: float = 0.25,
        weak_cap: float = 0.45,
        absorb_margin: float = 0.15,
        long_text: int = 150,
        lone_factor: float = 0.7,
        negation: float = 0.3,
        hypothetical: float = 0.4,
        prior: float = 0.25,
    ) -> None:
        self.taxonomy = taxonomy
        self.min_score = min_score
        self.relative = relative
        self.max_offences = max_offences
        self.name_weight = name_weight
        self.cue_weight = cue_weight
        self.medium_weight = medium_weight
        self.weak_weight = weak_weight
        self.weak_cap = weak_cap
        self.absorb_margin = absorb_margin
        self.long_text = long_text
        self.lone_factor = lone_factor
        self.negation = negation
        self.hypothetical = hypothetical
        self.prior = prior
        self._compiled: _Compiled | None = None

    def get_params(self) -> dict[str, Any]:
        keys = ("taxonomy", "min_score", "relative", "max_offences", "name_weight", "cue_weight",
                "medium_weight", "weak_weight", "weak_cap", "absorb_margin", "long_text", "lone_factor",
                "negation", "hypothetical", "prior")
        return {k: getattr(self, k) for k in keys}

    def set_params(self, **params: Any) -> OffenceRules:
        for k, v in params.items():
            setattr(self, k, v)
        self._compiled = None
        return self

    def fit(self, texts: Any = None, y: Any = None) -> OffenceRules:
        """Nothing to learn; builds the automaton so that later calls are fast."""
        self._compile()
        return self

    # ------------------------------------------------------------------ compile
    def _compile(self) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self.taxonomy or load_taxonomy(), self)
        return self._compiled

    # ------------------------------------------------------------------ predict
    def predict(self, texts: list[str]) -> list[list[OffenceCandidate]]:
        """Offences per text, best first (possibly none)."""
        comp = self._compile()
        return [self._predict_one(comp, t) if t else [] for t in texts]

    def predict_scores(self, texts: list[str]) -> list[dict[str, float]]:
        """All offence scores per text (before thresholds), for tuning and calibration."""
        comp = self._compile()
        out: list[dict[str, float]] = []
        for t in texts:
            scores: dict[str, float] = {}
            for i, (s, _) in (self._score(comp, t) if t else {}).items():
                name = comp.entries[i][0]
                scores[name] = max(s, scores.get(name, 0.0))
            out.append(scores)
        return out

    def _score(self, comp: _Compiled, text: str) -> dict[int, tuple[float, list[tuple[int, int, str]]]]:
        folded = text.translate(_FOLD)
        hits = [(end - n + 1, end + 1, val) for end, (n, val) in comp.automaton.iter(folded)]
        if not hits:
            return {}
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))
        # per offence: best weight per phrase, and the most favourable context factor of its
        # strong hits (of its weak hits when it has no strong one)
        best: dict[int, dict[str, tuple[float, bool]]] = {}
        factors: dict[int, list[float]] = {}
        spans: dict[int, list[tuple[int, int, str]]] = {}
        cover = -1
        for start, end, val in hits:
            if end <= cover:
                continue  # nested in a longer phrase already kept
            cover = end
            factor = self._context(folded, start, end)
            phrase = text[start:end]
            for idx, weight, weak in val:
                per = best.setdefault(idx, {})
                if weight > per.get(phrase, (0.0, weak))[0]:
                    per[phrase] = (weight, weak)
                fac = factors.setdefault(idx, [0.0, 0.0])
                slot = 1 if weak else 0
                fac[slot] = max(fac[slot], factor)
                sp = spans.setdefault(idx, [])
                if len(sp) < 6 and not (weak and factor < 1.0):
                    sp.append((start, end, phrase))
        result: dict[int, tuple[float, list[tuple[int, int, str]]]] = {}
        for idx, per in best.items():
            miss_strong = miss_weak = 1.0
            for w, weak in per.values():
                if weak:
                    miss_weak *= 1.0 - w
                else:
                    miss_strong *= 1.0 - w
            weak_part = min(1.0 - miss_weak, self.weak_cap)
            score = 1.0 - miss_strong * (1.0 - weak_part)
            strong_factor, weak_factor = factors[idx]
            score *= strong_factor if miss_strong < 1.0 else weak_factor
            if len(spans[idx]) == 1 and len(text) > self.long_text:
                score *= self.lone_factor  # one passing mention in a long message
            result[idx] = (score, spans[idx])
        return result

    def _context(self, text: str, start: int, end: int) -> float:
        pre = text[max(0, start - 12):start]
        last = None
        for last in _CLAUSE_END.finditer(pre):  # noqa: B007 - keep the last clause boundary
            pass
        if last is not None:
            pre = pre[last.end():]
        factor = 1.0
        if pre:
            if _NEG.search(pre[-6:]):
                factor *= self.negation
            elif _HYPO.search(pre):
                factor *= self.hypothetical
            if _PRIOR_PRE.search(pre) or (pre[-1:] == "因" and _PRIOR_POST.match(text, end)):
                factor *= self.prior
        return factor

    def _predict_one(self, comp: _Compiled, text: str) -> list[OffenceCandidate]:
        found = self._score(comp, text)
        if not found:
            return []
        # one record per name: the criminal and administrative twins of a name (赌博) merge, the
        # kind of the better supported twin wins
        merged: dict[str, list[Any]] = {}
        for idx, (score, spans) in found.items():
            name, kind = comp.entries[idx]
            rec = merged.get(name)
            if rec is None:
                merged[name] = [score, kind, list(spans), score]
            else:
                if score > rec[3] or (score == rec[3] and kind == CRIMINAL):
                    rec[1], rec[3] = kind, score
                rec[0] = 1.0 - (1.0 - rec[0]) * (1.0 - score)
                rec[2].extend(spans)
        tax = comp.taxonomy
        # administrative causes escalate into a criminal charge found alongside
        for name in [n for n, r in merged.items() if r[1] == ADMINISTRATIVE]:
            for target in tax.escalations(name):
                tgt = merged.get(target)
                if tgt is not None and tgt[1] == CRIMINAL and tgt[0] >= self.min_score:
                    rec = merged.pop(name)
                    tgt[0] = 1.0 - (1.0 - tgt[0]) * (1.0 - 0.5 * rec[0])
                    tgt[2].extend(rec[2])
                    break
        # a charge absorbs the lesser or more general ones it implies (合同诈骗 > 诈骗, 强奸 > 猥亵)
        # unless those have clearly more support of their own
        for name in sorted(merged, key=lambda n: -merged[n][0]):
            rec = merged.get(name)
            if rec is None or rec[0] < self.min_score:
                continue
            for other in comp.absorbs.get(name, ()):
                if other in merged and merged[other][0] < rec[0] + self.absorb_margin:
                    rec[2].extend(merged.pop(other)[2])
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1][0], kv[0]))
        top = ranked[0][1][0]
        out: list[OffenceCandidate] = []
        for name, (score, kind, spans, _) in ranked[: self.max_offences]:
            if score < self.min_score or score < self.relative * top:
                break
            seen: set[tuple[int, int]] = set()
            ev = []
            for s, e, phrase in sorted(spans):
                if (s, e) not in seen:
                    seen.add((s, e))
                    ev.append(Evidence(LABEL, phrase, s, e))
            out.append(OffenceCandidate(name, kind, round(score, 4), tuple(ev)))
        return out


class _Compiled:
    """The automaton and entry table built from a taxonomy (internal)."""

    def __init__(self, taxonomy: Taxonomy, params: OffenceRules) -> None:
        import ahocorasick  # lazy: C extension, only needed once rules run

        self.taxonomy = taxonomy
        self.entries: list[tuple[str, str]] = []
        self.absorbs: dict[str, tuple[str, ...]] = {}
        table: dict[str, dict[int, tuple[float, bool]]] = {}
        for info in taxonomy.entries():
            twin = taxonomy.get(info.name, CRIMINAL) if info.kind == ADMINISTRATIVE else None
            taken = {info.name, *twin.aliases, *twin.cues, *twin.weak_cues} if twin else set()
            idx = len(self.entries)
            self.entries.append((info.name, info.kind))
            if info.absorbs:
                self.absorbs[info.name] = info.absorbs
            weak = set(info.weak_cues)
            medium = set(info.medium_cues)
            cues = set(info.cues)
            phrases = {info.name, *info.aliases, *cues, *medium, *weak} - taken
            for phrase in phrases:
                key = phrase.translate(_FOLD)
                if len(key) < 2:
                    continue
                if phrase in weak:
                    entry = (params.weak_weight, True)
                elif phrase in cues:
                    entry = (params.cue_weight, False)
                elif phrase in medium:
                    entry = (params.medium_weight, False)
                else:
                    entry = (params.name_weight, False)
                slot = table.setdefault(key, {})
                if entry[0] > slot.get(idx, (0.0, True))[0]:
                    slot[idx] = entry
        automaton = ahocorasick.Automaton()
        blockers = set(taxonomy.blockers)
        blockers |= {key + "例" for key in table if key.endswith("案")}  # 伤害案例 is no 伤害案
        for blocker in sorted(blockers):
            key = blocker.translate(_FOLD)
            if key not in table:  # a longer phrase that only hides the cues inside it
                automaton.add_word(key, (len(key), ()))
        for key, slot in table.items():
            value = tuple((idx, w, weak) for idx, (w, weak) in sorted(slot.items()))
            automaton.add_word(key, (len(key), value))
        automaton.make_automaton()
        self.automaton = automaton
