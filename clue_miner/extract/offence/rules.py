"""Rule/lexicon offence detection (v2): an Aho–Corasick automaton over the taxonomy's cues, plus pattern cues.

Every charge name, alias and cue of ``knowledge/charges.json`` is a key of one automaton, next
to "blockers" (道德绑架, 被打扰, 伤害案例 …) that only hide the cues inside them. A text is
scanned once; phrases nested in a longer matched phrase are dropped (诈骗 inside 合同诈骗).

Scoring per offence: names, aliases and cues are enough alone (0.9 / 0.7), medium cues need
support (0.4), weak cues only support (0.25 each, together capped below the threshold). The
score is the noisy-or of the best weight of each distinct phrase, times the most favourable
clause context among its hits: negation (不是诈骗, 没有被偷, 冇被骗), hypothetical, warning or police-work
reports (防止被骗, 是否涉嫌, 破获…, 不要变相体罚), a question about the word (强买强卖吗？), a risk, a
likeness or a general state (被偷盗的隐患, 和诈骗一样, 盗窃事件频发), earlier convictions (曾因盗窃被判处)
lower but do not zero it.
In a long message an offence resting on one single mention is lowered too.

Pattern cues (``knowledge/offence_patterns.json``) describe how complainants tell a crime without
naming it: a thing taken + 不见了 / 被人推走, money paid + 联系不上 / 拉黑, posing as 客服 / 民警 +
a transfer, a threat + a demand, a person held + a duration … Each is a regex run only when one of
its anchors (literal words, matched by the same automaton) occurs; a hit counts like a cue with
the pattern's weight and the same clause context (怕车被偷 is hypothetical). A pattern may instead
``dampen`` offences (没有上当 lowers 诈骗; an IOU lowers 诈骗), or ``split`` on a captured figure
(a blood-alcohol figure under the line names 饮酒驾驶, not 危险驾驶). An offence supported by a
pattern is a description, not a passing word: the lone-mention factor does not apply to it.
Patterns also read the text with its short bracketed asides taken out (报警人王某（男，电话…）称其停放
在…的电动车（去年新买，购买价约…）于…夜间被盗): an aside is no clause of the story, and its commas
would otherwise cut the clause a pattern has to span (a 110 record then lost its one theft to the
lone-mention factor). A pattern's ``unless`` regex, when it
matches anywhere in the text, switches the pattern off (a lease dampens 合同诈骗 unless a sublet
operator took a year's rent from many tenants).

Then: the criminal and administrative twins of a name merge (赌博); an administrative cause
merges into the criminal charge it escalates to when that was found (殴打他人 + 轻伤 ->
故意伤害); a charge absorbs the lesser or more general ones it implies (合同诈骗 > 诈骗,
强奸 > 猥亵) unless those have clearly more support; offences under ``min_score`` or under
``relative`` times the best are dropped. Amounts and injuries are not looked at here: the
pipeline applies thresholds afterwards and settles criminal vs administrative.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from clue_miner.extract.components import OffenceCandidate
from clue_miner.knowledge.taxonomy import ADMINISTRATIVE, CRIMINAL, Taxonomy, load_taxonomy
from clue_miner.text.charmap import CharMap
from clue_miner.types import Evidence

__all__ = ["LABEL", "PATTERNS_PATH", "OffenceCandidate", "OffenceRules", "load_patterns"]

LABEL = "OFFENCE_CUE"
PATTERNS_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "offence_patterns.json"

# ASCII lower-case and full-width ASCII -> half-width, one char for one char (offsets kept).
_FOLD = {i: i + 32 for i in range(ord("A"), ord("Z") + 1)}
_FOLD.update({i: (i - 0xFEE0) + (32 if 0xFF21 <= i <= 0xFF3A else 0) for i in range(0xFF01, 0xFF5F)})
_FOLDED = CharMap(_FOLD)

_CLAUSE_END = re.compile(r"[。！？!?；;，,\n：:]")
_NEG = re.compile(
    r"(?:不是|并非|并不是|没有|没被|未被|不存在|不属于|不涉及|并无|不构成|谈不上|算不上|排除|否认|不算|未曾|从未|"
    r"唔係|唔系|冇|没|未|无|非)[^，。]{0,2}$"
)
# a yes/no question about the word itself (这算强买强卖吗？), unless it is rhetorical (这不就是诈骗吗？)
_QUESTION = re.compile(r"^[^，,。！？!?；;\n]{0,6}?(?:吗|么)[？?]")
_RHETORIC = re.compile(r"不|没|难道|岂")
# the word names a risk or a likeness, not an event: 被偷盗的隐患, 有被骗的风险, 和诈骗一样
_POST_RISK = re.compile(r"^[^，,。；;]{0,2}?(?:的)?(?:安全)?(?:隐患|风险|可能性)")
# a general state of affairs, not an incident: 盗窃事件频发, 诈骗时有发生
_POST_GENERAL = re.compile(
    r"^(?:事件|案件|现象|行为|活动)?(?:频发|多发|高发|时有发生|屡有发生|屡屡发生|屡禁不止|猖獗|泛滥|成风)"
)
_POST_LIKE = re.compile(r"^(?:犯|分子)?(?:一样|似的|无异|没两样|差不多)")
_PRE_LIKE = re.compile(r"(?:像|如同|好比|好似|犹如|类似于?|堪比|无异于|等同于|跟|和|与)$")
# short bracketed asides (（男，电话…）, (价值约八千元)) that patterns read through
_ASIDE = re.compile(r"（[^（）\n]{1,60}）|\([^()\n]{1,60}\)")
_HYPO = re.compile(
    r"(?:防止|谨防|防范|预防|提防|小心|警惕|以防|以免|免得|避免|防骗|反诈|宣传|提醒|是否|是不是|会不会|算不算|"
    r"如果|假如|万一|若是|担心|(?<!可|不|哪)怕|打击|严打|专项|整治|破获|侦破|捣毁|打掉|识别|远离|举例|比如|什么是|"
    r"如何|怎样|怎么认定|能否构成|构不构成|听说|据说|以为|不要|严禁|禁止|杜绝|不得)"
)
# a figure of speech: the word in scare quotes (“偷走”了医保基金), or a sentence that says it is a
# comparison (打个不恰当的比喻，…贩毒最赚钱)
_QUOTES = {"“": "”", "‘": "’", '"': '"', "「": "」"}
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_FIGURE = re.compile(r"比喻|打个比方|打比方|好比说|举个例子|举例来说|比如说")
# a question about someone's intent (他是想毒死我们么？): the clause ends in 吗/么？
_INTENT_PRE = re.compile(r"想|打算|要(?!求)|企图")
_CLAUSE_QUESTION = re.compile(r"[^，,。！!；;\n？?]{0,24}?(?:吗|么|嘛)[？?]")
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
    patterns: path of the pattern cues (default ``PATTERNS_PATH``); ``use_patterns=False`` turns
        them off (the v1 lexicon alone).
    max_pattern_hits: at most this many matches of one pattern are looked at per text.
    inherit: a specialised charge found on its own (合同诈骗) adds this share of its parent's
        score (诈骗), so that it can absorb the parent.
    """

    name = "offence-rules"
    version = "offence-rules-v2"

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        min_score: float = 0.6,
        relative: float = 0.7,
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
        patterns: str | Path | None = None,
        use_patterns: bool = True,
        max_pattern_hits: int = 3,
        inherit: float = 0.5,
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
        self.patterns = patterns
        self.use_patterns = use_patterns
        self.max_pattern_hits = max_pattern_hits
        self.inherit = inherit
        self._compiled: _Compiled | None = None

    def get_params(self) -> dict[str, Any]:
        keys = ("taxonomy", "min_score", "relative", "max_offences", "name_weight", "cue_weight",
                "medium_weight", "weak_weight", "weak_cap", "absorb_margin", "long_text", "lone_factor",
                "negation", "hypothetical", "prior", "patterns", "use_patterns", "max_pattern_hits", "inherit")
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
            specs = load_patterns(self.patterns) if self.use_patterns else ()
            self._compiled = _Compiled(self.taxonomy or load_taxonomy(), self, specs)
        return self._compiled

    # ------------------------------------------------------------------ predict
    def predict(self, texts: list[str]) -> list[list[OffenceCandidate]]:
        """Offences per text, best first (possibly none)."""
        comp = self._compile()
        self._check_cache(comp)
        return [self._predict_one(comp, t) if t else [] for t in texts]

    def predict_scores(self, texts: list[str]) -> list[dict[str, float]]:
        """All offence scores per text (before thresholds), for tuning and calibration."""
        comp = self._compile()
        self._check_cache(comp)
        out: list[dict[str, float]] = []
        for t in texts:
            scores: dict[str, float] = {}
            for i, (s, _) in (self._scored(comp, t) if t else {}).items():
                name = comp.entries[i][0]
                scores[name] = max(s, scores.get(name, 0.0))
            out.append(scores)
        return out

    # The offence model asks for a batch's rule scores (``predict_scores``) and then the rules'
    # offences with evidence (``predict``) of the same texts: the scores of the last texts are kept
    # (read-only), for as long as the parameters stay as they were.
    _CACHE_SIZE = 1024

    def _check_cache(self, comp: _Compiled) -> None:
        token = (id(comp), tuple(self.get_params().values()))
        if getattr(self, "_cache_token", None) != token:
            self._cache: dict[str, dict[int, tuple[float, list[tuple[int, int, str]]]]] = {}
            self._cache_token = token

    def _scored(self, comp: _Compiled, text: str) -> dict[int, tuple[float, list[tuple[int, int, str]]]]:
        found = self._cache.get(text)
        if found is None:
            if len(self._cache) >= self._CACHE_SIZE:
                self._cache.clear()
            found = self._cache[text] = self._score(comp, text)
        return found

    def _score(self, comp: _Compiled, text: str) -> dict[int, tuple[float, list[tuple[int, int, str]]]]:
        folded = _FOLDED(text)
        hits: list[tuple[int, int, tuple[tuple[int, float, bool], ...]]] = []
        anchored: set[int] = set()
        for end, (n, val, pids) in comp.matches(folded):
            if pids:
                anchored.update(pids)
            if val is not None:
                hits.append((end - n + 1, end + 1, val))
        if not hits and not anchored:
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
        patterned: set[int] = set()
        damp: dict[str, float] = {}
        views = _views(folded) if anchored else ()
        for pid in sorted(anchored):
            self._match_pattern(comp.patterns[pid], views, text, best, factors, spans, patterned, damp)
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
            if len(spans[idx]) == 1 and idx not in patterned and len(text) > self.long_text:
                score *= self.lone_factor  # one passing mention in a long message
            if damp:
                score *= damp.get(comp.entries[idx][0], 1.0)
            result[idx] = (score, spans[idx])
        return result

    def _match_pattern(
        self,
        pat: _PatternCue,
        views: tuple[tuple[str, _Offsets | None], ...],
        text: str,
        best: dict[int, dict[str, tuple[float, bool]]],
        factors: dict[int, list[float]],
        spans: dict[int, list[tuple[int, int, str]]],
        patterned: set[int],
        damp: dict[str, float],
    ) -> None:
        """Add the hits of one pattern cue to the per-offence evidence (in place).

        ``views``: the folded text, then (when it has bracketed asides) the same text without them
        and the map of its positions back to the original; a hit is reported in original offsets.
        """
        if pat.unless is not None and pat.unless.search(views[0][0]):
            return
        seen: set[tuple[int, int]] = set()
        for view, where in views:
            for n, m in enumerate(pat.regex.finditer(view)):
                if n >= self.max_pattern_hits:
                    break
                start, end = m.span()
                if end <= start:
                    continue
                factor = self._context(view, start, end)
                if where is not None:
                    start, end = where[start], where[end - 1] + 1
                if (start, end) in seen:
                    continue
                seen.add((start, end))
                self._add_pattern_hit(pat, m, start, end, factor, text, best, factors, spans, patterned, damp)

    def _add_pattern_hit(
        self,
        pat: _PatternCue,
        m: re.Match[str],
        start: int,
        end: int,
        factor: float,
        text: str,
        best: dict[int, dict[str, tuple[float, bool]]],
        factors: dict[int, list[float]],
        spans: dict[int, list[tuple[int, int, str]]],
        patterned: set[int],
        damp: dict[str, float],
    ) -> None:
        """Record one pattern match (in original offsets) as evidence, or its dampening."""
        target, weight, dampen = pat.target, pat.weight, pat.dampen
        if pat.split is not None:
            value = next((m.group(g) for g in pat.split.groups if m.group(g)), None)
            if value is not None and float(value) < pat.split.at:
                target, weight, dampen = pat.split.below, pat.split.weight, pat.split.dampen
        for name, f in dampen:
            damp[name] = min(f, damp.get(name, 1.0))
        if target is None or not weight:
            return
        key = "~" + pat.pid  # one phrase per pattern: repeated hits do not add up
        per = best.setdefault(target, {})
        if weight > per.get(key, (0.0, False))[0]:
            per[key] = (weight, False)
        fac = factors.setdefault(target, [0.0, 0.0])
        fac[0] = max(fac[0], factor)
        sp = spans.setdefault(target, [])
        if len(sp) < 6:
            sp.append((start, end, text[start:end]))
        if factor >= 1.0:
            patterned.add(target)

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
        if factor == 1.0 and start > 0 and _QUOTES.get(text[start - 1]) == text[end:end + 1]:
            factor *= self.hypothetical
        if factor == 1.0:
            sentence = text[max(0, start - 40):start]
            cut = None
            for cut in _SENTENCE_END.finditer(sentence):  # noqa: B007 - keep the last sentence end
                pass
            if _FIGURE.search(sentence[cut.end():] if cut is not None else sentence):
                factor *= self.hypothetical
            elif _INTENT_PRE.search(pre) and not _RHETORIC.search(pre) and _CLAUSE_QUESTION.match(text, end):
                factor *= self.hypothetical
        if factor == 1.0:
            post = text[end:end + 8]
            if (
                (_QUESTION.match(post) and not _RHETORIC.search(pre))
                or _POST_RISK.match(post)
                or _POST_GENERAL.match(post)
                or (_POST_LIKE.match(post) and _PRE_LIKE.search(pre))
            ):
                factor *= self.hypothetical
        return factor

    def _predict_one(self, comp: _Compiled, text: str) -> list[OffenceCandidate]:
        found = self._scored(comp, text)
        if not found:
            return []
        # one record per name: the criminal and administrative twins of a name (赌博) merge, the
        # kind of the better supported twin wins, the criminal one when it is enough alone (the
        # pipeline demotes it by the facts later; an administrative kind is never promoted)
        merged: dict[str, list[Any]] = {}
        for idx, (score, spans) in found.items():
            name, kind = comp.entries[idx]
            rec = merged.get(name)
            if rec is None:
                merged[name] = [score, kind, list(spans), score]
            else:
                crim_score = score if kind == CRIMINAL else rec[3]
                if crim_score >= self.min_score or score > rec[3] or (score == rec[3] and kind == CRIMINAL):
                    if kind == CRIMINAL or crim_score < self.min_score:
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
        # a specialised charge that is supported on its own shares the support of its parent: a
        # contract fraud told as "paid, then they vanished" is still a fraud (合同诈骗 < 诈骗)
        for name, rec in merged.items():
            info = tax.get(name, rec[1])
            parent = merged.get(info.parent) if info is not None and info.parent else None
            if parent is not None and rec[0] >= self.min_score and parent[0] > rec[0]:
                rec[0] = 1.0 - (1.0 - rec[0]) * (1.0 - self.inherit * parent[0])
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


@dataclass(frozen=True, slots=True)
class _Split:
    """Choose the offence by a figure a pattern captures (blood alcohol under the line)."""

    groups: tuple[str, ...]
    at: float
    below: int | None
    weight: float | None
    dampen: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class _PatternCue:
    pid: str
    regex: re.Pattern[str]
    target: int | None  # entry index of the offence it supports (None: dampens only)
    weight: float | None
    dampen: tuple[tuple[str, float], ...]
    split: _Split | None
    unless: re.Pattern[str] | None = None


def _views(folded: str) -> tuple[tuple[str, _Offsets | None], ...]:
    """The folded text, and (when it has short bracketed asides) the text without them + offsets."""
    if "（" not in folded and "(" not in folded:
        return ((folded, None),)
    pieces: list[str] = []
    starts: list[int] = []  # per kept piece: its start in the aside-free text …
    origins: list[int] = []  # … and in the original text
    last = size = 0
    for m in _ASIDE.finditer(folded):
        if m.start() > last:
            starts.append(size)
            origins.append(last)
            pieces.append(folded[last:m.start()])
            size += m.start() - last
        last = m.end()
    if not last:
        return ((folded, None),)
    starts.append(size)
    origins.append(last)
    pieces.append(folded[last:])
    return ((folded, None), ("".join(pieces), _Offsets(starts, origins)))


class _Offsets:
    """Maps a position of the aside-free text back to the original text."""

    __slots__ = ("origins", "starts")

    def __init__(self, starts: list[int], origins: list[int]) -> None:
        self.starts = starts
        self.origins = origins

    def __getitem__(self, i: int) -> int:
        k = bisect_right(self.starts, i) - 1
        return self.origins[k] + i - self.starts[k]


_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")


def expand_macros(regex: str, defs: dict[str, str]) -> str:
    """Replace ``{NAME}`` by ``defs[NAME]`` (recursively); quantifiers such as ``{0,12}`` stay."""
    for _ in range(8):
        new = _MACRO.sub(lambda m: defs[m.group(1)], regex)
        if new == regex:
            return new
        regex = new
    raise ValueError(f"macro expansion does not terminate: {regex[:80]!r}")


@lru_cache(maxsize=4)
def _load_patterns(path: str) -> tuple[dict[str, Any], ...]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    defs = data.get("defs", {})
    out = []
    for spec in data.get("patterns", ()):
        spec = dict(spec)
        spec["regex"] = expand_macros(spec["regex"], defs)
        if spec.get("unless"):
            spec["unless"] = expand_macros(spec["unless"], defs)
        out.append(spec)
    return tuple(out)


def load_patterns(path: str | Path | None = None) -> tuple[dict[str, Any], ...]:
    """The pattern cues (macros expanded), loaded once per process and path."""
    return _load_patterns(str(Path(path) if path else PATTERNS_PATH))


class _Compiled:
    """The automaton, entry table and pattern cues built from a taxonomy (internal)."""

    def __init__(self, taxonomy: Taxonomy, params: OffenceRules, specs: tuple[dict[str, Any], ...] = ()) -> None:
        import ahocorasick  # lazy: C extension, only needed once rules run

        self.taxonomy = taxonomy
        self.entries: list[tuple[str, str]] = []
        self.absorbs: dict[str, tuple[str, ...]] = {}
        table: dict[str, dict[int, tuple[float, bool]]] = {}
        for info in taxonomy.entries():
            twin = taxonomy.get(info.name, CRIMINAL) if info.kind == ADMINISTRATIVE else None
            # the criminal twin keeps the phrases it holds as name, alias or (medium) cue; a weak
            # cue of the criminal charge (赌钱) stays a cue of the administrative cause, and so does
            # the shared name when the criminal charge only counts it as support (赌博)
            taken = set()
            if twin is not None:
                taken = {*twin.aliases, *twin.cues, *twin.medium_cues}
                if info.name not in twin.weak_cues:
                    taken.add(info.name)
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
        self.patterns: list[_PatternCue] = []
        anchors: dict[str, list[int]] = {}
        index = {entry: i for i, entry in enumerate(self.entries)}
        for spec in specs:
            pid = len(self.patterns)
            self.patterns.append(self._pattern(spec, index))
            for word in spec["anchors"]:
                key = word.translate(_FOLD)
                if key and pid not in anchors.setdefault(key, []):
                    anchors[key].append(pid)
        automaton = ahocorasick.Automaton()
        blockers = set(taxonomy.blockers)
        blockers |= {key + "例" for key in table if key.endswith("案")}  # 伤害案例 is no 伤害案
        for blocker in sorted(blockers):
            key = blocker.translate(_FOLD)
            if key not in table:  # a longer phrase that only hides the cues inside it
                automaton.add_word(key, (len(key), (), tuple(anchors.get(key, ()))))
        for key, slot in table.items():
            value = tuple((idx, w, weak) for idx, (w, weak) in sorted(slot.items()))
            automaton.add_word(key, (len(key), value, tuple(anchors.get(key, ()))))
        for key, pids in anchors.items():
            if key not in table and key not in blockers:  # an anchor only: wakes patterns up
                automaton.add_word(key, (len(key), None, tuple(pids)))
        automaton.make_automaton()
        self.automaton = automaton
        self._trie: tuple[Any, ...] | None = None

    def matches(self, folded: str) -> Any:
        """``(end_inclusive, (length, value, pattern ids))`` of every key in ``folded``: the compiled
        trie walk once :mod:`clue_miner.extract.jit` says so (several times faster than iterating
        pyahocorasick's automaton over Chinese text, whose nodes search their many edges), else
        the automaton; the same matches (their order may differ; the caller sorts them)."""
        from clue_miner.extract.jit import kernels

        jit = kernels(None, len(folded)) if folded else None
        if jit is None:
            return self.automaton.iter(folded)
        import numpy as np

        from clue_miner.extract.textfeatures import code_points
        from clue_miner.text.trie import build_trie

        if self._trie is None:  # built once, the first time the kernels run
            keys = list(self.automaton.keys())
            longest = max((len(k) for k in keys), default=1)
            self._trie = (build_trie(keys, longest), [self.automaton.get(k) for k in keys], longest)
        trie, values, longest = self._trie
        pairs = jit.trie_matches(code_points(folded).astype(np.int64), *trie, longest)
        return [(end, values[w]) for end, w in pairs.tolist()]

    @staticmethod
    def _pattern(spec: dict[str, Any], index: dict[tuple[str, str], int]) -> _PatternCue:
        pid = spec["id"]

        def entry(name: str, kind: str) -> int:
            if (name, kind) not in index:
                raise ValueError(f"pattern {pid}: unknown offence {name!r} ({kind})")
            return index[(name, kind)]

        def dampen(d: dict[str, float] | None) -> tuple[tuple[str, float], ...]:
            names = {n for n, _ in index}
            for name in d or {}:
                if name not in names:
                    raise ValueError(f"pattern {pid}: dampens unknown offence {name!r}")
            return tuple(sorted((d or {}).items()))

        if not spec.get("anchors"):
            raise ValueError(f"pattern {pid}: needs anchors")
        try:
            regex = re.compile(spec["regex"])
            unless = re.compile(spec["unless"]) if spec.get("unless") else None
        except re.error as exc:
            raise ValueError(f"pattern {pid}: bad regex: {exc}") from exc
        weight = spec.get("weight")
        target = entry(spec["offence"], spec.get("kind", CRIMINAL)) if weight else None
        split = None
        if spec.get("split"):
            sp = spec["split"]
            below = sp["below"]
            split = _Split(tuple(sp["groups"]), float(sp["at"]),
                           entry(below["offence"], below.get("kind", CRIMINAL)),
                           float(below.get("weight", weight or 0.0)), dampen(below.get("dampen")))
            for g in split.groups:
                if g not in regex.groupindex:
                    raise ValueError(f"pattern {pid}: split group {g!r} not in regex")
        return _PatternCue(pid, regex, target, float(weight) if weight else None, dampen(spec.get("dampen")), split, unless)
