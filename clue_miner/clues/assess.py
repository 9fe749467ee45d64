"""What crime does a complaint (plus its linked case record) describe, and does it reach the line?

Combines the complaint's extraction with the structured fields of the linked case: the police's
own recorded offence, amount and injury count as facts too (a 行政处罚 record of 盗窃 with
amount 5000 is itself evidence of 以罚代刑).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from clue_miner.extract.settle import BEATING_CHARGE, beating_alternative
from clue_miner.knowledge.thresholds import Assessment, Thresholds, injury_rank
from clue_miner.types import Extraction, Facts, Offence


@dataclass(frozen=True, slots=True)
class CrimeView:
    """The offence a clue is about and the threshold verdict on the combined facts."""

    offence: str | None  # canonical criminal charge
    offence_score: float
    source: str  # "complaint" | "case" | "none"
    facts: Facts
    assessment: Assessment | None
    private: bool  # 告诉才处理: not a supervision clue when refused/withdrawn/unfiled
    evidence_offence: Offence | None = None
    police: bool = True  # investigated by the police (not a 监察委 duty crime)

    @property
    def criminal(self) -> bool | None:
        return None if self.assessment is None else self.assessment.criminal


@lru_cache(maxsize=1)
def _taxonomy():  # noqa: ANN202 - optional dependency inside the package
    try:
        from clue_miner.knowledge.taxonomy import load_taxonomy

        return load_taxonomy()
    except ImportError:
        return None


def canonical_offence(text: str | None) -> str | None:
    """A case record's offence field (盗窃案, 殴打他人, 电信诈骗 …) as a canonical name."""
    if not text or not str(text).strip():
        return None
    tax = _taxonomy()
    raw = str(text).strip()
    if tax is not None:
        name = tax.canonical(raw)
        if name:
            return name
    for suffix in ("案件", "案", "罪"):
        if raw.endswith(suffix) and len(raw) > len(suffix) + 1:
            raw = raw[: -len(suffix)]
    return raw


def criminal_name(name: str | None) -> str | None:
    """The criminal charge behind an offence name (殴打他人 -> 故意伤害; 盗窃 stays 盗窃)."""
    if not name:
        return None
    tax = _taxonomy()
    if tax is not None:
        try:
            if tax.kind(name) == "administrative":
                return tax.escalates_to(name)
            return name
        except (KeyError, AttributeError):
            pass
    from clue_miner.extract.settle import escalation

    return escalation().get(name, name)


def is_private(name: str | None) -> bool:
    tax = _taxonomy()
    if not name or tax is None:
        return name in {"侮辱", "诽谤", "暴力干涉婚姻自由", "虐待", "侵占"}
    return bool(tax.private_prosecution(name))


# Chapters 8 and 9 of the Criminal Law (贪污贿赂罪, 渎职罪: arts. 382–419) are investigated by the
# supervision commissions (监察委员会), not by the police: no police filing to supervise.
_NOT_POLICE_ARTICLES = range(382, 420)


def police_jurisdiction(name: str | None) -> bool:
    """Is the charge one the police investigate (and so one whose filing a procuratorate supervises)?"""
    tax = _taxonomy()
    if not name or tax is None:
        return True
    info = tax.get(name)
    article = getattr(info, "article", None)
    return not (isinstance(article, int) and article in _NOT_POLICE_ARTICLES)


def family(name: str | None) -> str | None:
    tax = _taxonomy()
    if not name:
        return None
    if tax is None:
        return name
    try:
        return tax.family(name)
    except (KeyError, AttributeError):
        return name


def merge_case_facts(facts: Facts, case: Mapping[str, Any] | None) -> Facts:
    """Complaint facts with the case record's amount and injury added (the worse of the two)."""
    if case is None:
        return facts
    amount = facts.amount
    approx = facts.amount_approx
    case_amount = case.get("amount")
    if isinstance(case_amount, int | float) and case_amount == case_amount and case_amount > 0:
        if amount is None or case_amount > amount:
            amount, approx = float(case_amount), False
    injury = facts.injury
    case_injury = case.get("injury")
    if isinstance(case_injury, str) and injury_rank(case_injury.strip()) > injury_rank(injury):
        injury = case_injury.strip()
    return replace(facts, amount=amount, amount_approx=approx, injury=injury)


def _complaint_offences(ext: Extraction) -> list[tuple[str, float, Offence]]:
    """The complaint's offences as criminal charge names, best first."""
    out: list[tuple[str, float, Offence]] = []
    for off in ext.offences:
        name = off.name if off.kind == "criminal" else criminal_name(off.name)
        if name:
            out.append((name, off.score, off))
    out.sort(key=lambda t: -t[1])
    return out


def view_crime(
    ext: Extraction,
    case: Mapping[str, Any] | None,
    thresholds: Thresholds,
    province: str | None = None,
    facts: Facts | None = None,
) -> CrimeView:
    """The crime a complaint describes, checked against the threshold table with case facts added."""
    merged = merge_case_facts(facts or ext.facts, case)
    offences = _complaint_offences(ext)
    case_name = criminal_name(canonical_offence(case.get("offence"))) if case is not None else None
    name: str | None = None
    score = 0.0
    source = "none"
    off: Offence | None = None
    if offences:
        name, score, off = offences[0]
        source = "complaint"
        # the police's own record picks among the complaint's offences, or refines the best one
        # with a related, more specific charge of the same family
        for cand in offences:
            if case_name and cand[0] == case_name:
                name, score, off = cand
                break
        else:
            if case_name and family(case_name) == family(name):
                name = case_name
    elif case_name:
        name, score, source = case_name, 0.5, "case"
    if name is None:
        return CrimeView(None, 0.0, "none", merged, None, False)
    verdict = _verdict(name, off, merged, thresholds, province)
    if verdict.criminal is not True and source == "complaint":
        # another offence the complaint describes about as firmly may reach the line where the
        # first does not (贩卖毒品 beside 吸毒; 寻衅滋事 beside 殴打他人): the clue is about that one
        for cand_name, cand_score, cand_off in offences:
            if cand_name == name or cand_score < RIVAL_SHARE * score:
                continue
            cand_verdict = _verdict(cand_name, cand_off, merged, thresholds, province)
            if cand_verdict.criminal is True:
                name, score, off, verdict = cand_name, cand_score, cand_off, cand_verdict
                break
        beating = beating_alternative(name, merged, thresholds, province) if verdict.criminal is not True else None
        if beating is not None:
            name, verdict = BEATING_CHARGE, beating
    return CrimeView(name, score, source, merged, verdict, is_private(name), off, police_jurisdiction(name))


# A rival offence is considered when its score is at least this share of the best one's.
RIVAL_SHARE = 0.75


def _verdict(name: str, off: Offence | None, facts: Facts, thresholds: Thresholds,
             province: str | None) -> Assessment:
    verdict = thresholds.assess(name, facts, province)
    if off is not None and off.kind == "administrative" and not verdict.has_standard:
        # the extraction named an administrative cause (吸毒 …) and no threshold says more
        verdict = replace(verdict, criminal=False, reasons=off.reasons or ("按治安案件处理的行为",))
    return verdict
