"""Settle offence kinds and the category once the facts are known.

A detector proposes 盗窃 or 故意伤害 from the words of a complaint; whether that is a crime or an
administrative (治安) matter depends on the facts: the amount, the injury, the circumstances.
This module applies the threshold table to each proposal and names the administrative cause
when the facts fall short (故意伤害 with 轻微伤 -> 殴打他人, 危险驾驶 under 80 mg -> 饮酒驾驶).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from clue_miner.extract.components import OffenceCandidate
from clue_miner.knowledge.thresholds import Assessment, Thresholds
from clue_miner.types import Category, Facts, Offence

# Criminal charge -> the administrative cause the same conduct is when below the threshold.
_FALLBACK_DEMOTE = {
    "故意伤害": "殴打他人",
    "危险驾驶": "饮酒驾驶",
    "故意毁坏财物": "故意损毁财物",
    "寻衅滋事": "寻衅滋事",
    "盗窃": "盗窃",
    "诈骗": "诈骗",
    "抢夺": "抢夺",
    "敲诈勒索": "敲诈勒索",
    "赌博": "赌博",
    "非法侵入住宅": "非法侵入住宅",
    "非法拘禁": "非法限制人身自由",
}
# Unknown facts lower confidence that a crime is described (theft with no amount …).
UNKNOWN_FACTOR = 0.6


@lru_cache(maxsize=1)
def _demotions() -> dict[str, str]:
    table = dict(_FALLBACK_DEMOTE)
    try:
        from clue_miner.knowledge.taxonomy import load_taxonomy

        tax = load_taxonomy()
        for cause in getattr(tax, "admin_causes", lambda: [])():
            target = tax.escalates_to(cause)
            if target and target not in table:
                table[target] = cause
    except (ImportError, AttributeError):  # the taxonomy may be absent in a partial install
        pass
    return table


@lru_cache(maxsize=1)
def escalation() -> dict[str, str]:
    """Administrative cause -> the criminal charge it becomes past the threshold."""
    return {cause: charge for charge, cause in _demotions().items()}


# A beating that reaches no line as a wounding (no injury graded) is 寻衅滋事 when done with a
# weapon or by a gang (随意殴打, 情节恶劣; 两高 2013 解释 art. 2). Only those circumstances and the
# injury are weighed for it, not an amount or a count told of something else in the complaint.
BEATING_CHARGE = "寻衅滋事"
_BEATINGS = frozenset({"故意伤害", "殴打他人", "寻衅滋事"})
_BEATING_FLAGS = frozenset({"持械殴打", "聚众殴打", "多人轻微伤"})


def beating_alternative(name: str, facts: Facts, thresholds: Thresholds,
                        province: str | None = None) -> Assessment | None:
    """The 寻衅滋事 verdict on a beating's own circumstances, when they reach its line."""
    flags = tuple(f for f in facts.flags if f in _BEATING_FLAGS)
    if name not in _BEATINGS or not flags:
        return None
    own = replace(facts, amount=None, times=None, flags=flags)
    verdict = thresholds.assess(BEATING_CHARGE, own, province)
    return verdict if verdict.criminal is True else None


def settle_offences(
    candidates: Sequence[OffenceCandidate],
    facts: Facts,
    thresholds: Thresholds,
    province: str | None = None,
) -> list[Offence]:
    """Offences with kinds settled by the facts, best first, one entry per name."""
    out: dict[str, Offence] = {}
    for cand in candidates:
        beating = beating_alternative(cand.name, facts, thresholds, province)
        if beating is not None and (cand.kind == "administrative"
                                    or thresholds.assess(cand.name, facts, province).criminal is not True):
            off = Offence(BEATING_CHARGE, "criminal", cand.score, cand.evidence, criminal=True,
                          reasons=beating.reasons)
        elif cand.kind == "administrative":
            off = Offence(cand.name, "administrative", cand.score, cand.evidence, criminal=False)
        else:
            verdict = thresholds.assess(cand.name, facts, province)
            if verdict.criminal is False:
                cause = _demotions().get(cand.name)
                if cause is None:
                    # below the line and no administrative counterpart: not an offence at all
                    # (a civil matter, e.g. 职务侵占 under the amount); keep it, flagged, low.
                    off = Offence(cand.name, "criminal", cand.score * 0.5, cand.evidence,
                                  criminal=False, reasons=verdict.reasons)
                else:
                    off = Offence(cause, "administrative", cand.score, cand.evidence,
                                  criminal=False, reasons=verdict.reasons)
            elif verdict.criminal is None:
                off = Offence(cand.name, "criminal", cand.score * UNKNOWN_FACTOR, cand.evidence,
                              criminal=None, reasons=verdict.reasons)
            else:
                off = Offence(cand.name, "criminal", cand.score, cand.evidence,
                              criminal=True, reasons=verdict.reasons)
        for one in (off, *_concurrent(cand, off, facts, thresholds, province)):
            prev = out.get(one.name)
            if prev is None or one.score > prev.score:
                out[one.name] = one if prev is None else replace(one, evidence=one.evidence + prev.evidence)
    return sorted(out.values(), key=lambda o: -o.score)


# A charge named beside another for the same conduct, at this share of its score.
CONCURRENT_SHARE = 0.9
# Organising prostitution in a venue is also housing it: reviewers name both (组织卖淫 with
# 引诱、容留、介绍卖淫), and a supervision clue should let either be checked.
_HOUSED = {"组织卖淫": "引诱、容留、介绍卖淫"}


def _concurrent(cand: OffenceCandidate, off: Offence, facts: Facts, thresholds: Thresholds,
                province: str | None) -> list[Offence]:
    """Charges the same conduct also meets (想象竞合), named beside the settled one.

    A beating with 寻衅滋事's circumstances (a gang, a weapon) that also wounds is both 寻衅滋事
    and 故意伤害: with the wound graded 轻伤 or worse both lines are reached; with the wound told
    but not graded (头部被砖头砸伤) 故意伤害 stays open, to be checked with an appraisal.
    """
    extra: list[Offence] = []
    if off.name == BEATING_CHARGE and off.criminal is True and cand.name in _BEATINGS:
        wound = thresholds.assess("故意伤害", facts, province)
        if wound.criminal is True:
            extra.append(Offence("故意伤害", "criminal", off.score * CONCURRENT_SHARE, off.evidence,
                                 criminal=True, reasons=wound.reasons))
        elif wound.criminal is None and cand.name == "故意伤害":
            extra.append(Offence("故意伤害", "criminal", cand.score * UNKNOWN_FACTOR, cand.evidence,
                                 criminal=None, reasons=wound.reasons))
    elif off.name == "故意伤害" and off.criminal is True:
        beating = beating_alternative(cand.name, facts, thresholds, province)
        if beating is not None:
            extra.append(Offence(BEATING_CHARGE, "criminal", off.score * CONCURRENT_SHARE, off.evidence,
                                 criminal=True, reasons=beating.reasons))
    housed = _HOUSED.get(off.name)
    if housed is not None and off.kind == "criminal" and off.criminal is not False:
        extra.append(replace(off, name=housed, score=off.score * CONCURRENT_SHARE))
    return extra


# Below this the trained model's civil / civic reading yields to an offence that reaches its line.
# Chosen on the project's own 1,500 labelled messages with out-of-fold category probabilities
# (crime-detection F1 0.731 at 0.5, 0.745 at 0.65, 0.732 at 0.7 and above).
UNSURE_CATEGORY = 0.65


def settle_category(offences: Sequence[Offence], proposed: Category, authoritative: bool = False) -> Category:
    """Crime when a criminal offence reaches its threshold; administrative when only 治安 causes.

    ``authoritative``: the proposal comes from a model trained on real messages that saw the
    offences too; its civil / civic readings stand (a refund dispute that says 诈骗 stays civil),
    and only the thresholds move a complaint between crime and administrative.
    """
    if authoritative:
        reached = [o for o in offences if o.kind == "criminal" and o.criminal is True]
        open_crime = [o for o in offences if o.kind == "criminal" and o.criminal is not False]
        admin = [o for o in offences if o.kind == "administrative" or o.criminal is False]
        if reached and (proposed.label == "administrative" or proposed.score < UNSURE_CATEGORY):
            # the line is reached (扒窃, 轻伤, an amount) and the model does not firmly say otherwise
            return Category("crime", max(max(o.score for o in reached), 1.0 - proposed.score))
        if proposed.label == "crime" and not open_crime and admin:
            return Category("administrative", max(max(o.score for o in admin), 0.5))
        return proposed
    criminal = [o for o in offences if o.kind == "criminal" and o.criminal is not False]
    if criminal:
        best = max(criminal, key=lambda o: o.score)
        if best.criminal is True or proposed.label == "crime":
            return Category("crime", max(best.score, proposed.score if proposed.label == "crime" else 0.0))
        return Category("crime", best.score)
    admin = [o for o in offences if o.kind == "administrative" or o.criminal is False]
    if admin and proposed.label in ("crime", "administrative", "civic"):
        best = max(admin, key=lambda o: o.score)
        return Category("administrative", max(best.score, 0.5))
    if proposed.label == "crime":
        # the classifier saw crime words but no offence survived: fall back to civic/civil
        return Category("civic", 1.0 - proposed.score)
    return proposed
