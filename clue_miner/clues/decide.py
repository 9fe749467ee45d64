"""The five clue rules, applied to one complaint and (if any) the case record linked to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from clue_miner.clues.assess import CrimeView

# statuses as readers normalise them
ACCEPTED = "受案"
FILED = "立案"
# statuses that mean "filed and under investigation" when a table spells them out
FILED_LIKE = (FILED, "已立案", "侦查", "侦查中", "在侦", "立案侦查", "办理中")
REFUSED = "不予立案"
WITHDRAWN = "撤案"
PENALTY = "行政处罚"
CLOSED = "结案"
CRIMINAL_KINDS = ("刑事",)
ADMIN_KINDS = ("行政", "治安")


# A clue type read from the complainant's own account when no case record links.
_STATED_CLUE = {
    "refused": ("REFUSED", "公安机关不予立案"),
    "withdrawn": ("WITHDRAWN", "案件已被撤销"),
    "penalised": ("PENALTY_INSTEAD", "对方仅受到行政处罚"),
    "stalled": ("STALLED", "案件立案后长期没有进展"),
}
STATED_FACTOR = 0.75


@dataclass(frozen=True, slots=True)
class ClueSettings:
    as_of: date
    stall_days: int = 365
    filing_days: int = 30  # a report left at 受案 longer than this is, in effect, not filed
    min_offence_score: float = 0.3
    min_category_score: float = 0.0


@dataclass(frozen=True, slots=True)
class Decision:
    """One complaint's clue before grouping."""

    clue_type: str
    score: float
    reasons: tuple[str, ...]
    case_id: str | None  # the linked case the clue is about (None for UNFILED)
    offence: str | None


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:  # pandas Timestamp / NaT
        if value != value:  # NaT and NaN are not equal to themselves
            return None
        return value.to_pydatetime().date()
    except AttributeError:
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _crime_strength(view: CrimeView) -> float:
    """How firmly the facts reach the line: 1.0 well past it, lower near it or without a standard."""
    a = view.assessment
    if a is None or a.criminal is not True:
        return 0.0
    if not a.has_standard:
        return 0.6
    if a.ratio >= 1.5:
        return 1.0
    return 0.85


def _crime_reasons(view: CrimeView) -> list[str]:
    reasons = [f"反映的行为涉嫌{view.offence}罪"] if view.offence else []
    if view.assessment is not None:
        reasons.extend(view.assessment.reasons)
    return reasons


def decide(
    view: CrimeView,
    category: str,
    category_score: float,
    case: Mapping[str, Any] | None,
    match_score: float,
    settings: ClueSettings,
) -> Decision | None:
    """The clue (if any) for one complaint. ``case`` is the best linked case record or None."""
    crime = (
        view.criminal is True
        and not view.private
        and view.police
        and view.offence_score >= settings.min_offence_score
    )
    base = 0.45 * view.offence_score + 0.25 * category_score + 0.30 * _crime_strength(view)

    if case is None:
        stated = view.facts.stated_status
        # the complainant says the police filed the case (and then left or withdrew it): the police
        # found the facts enough to file, so an offence the facts do not contradict suffices
        filed_by_police = stated in ("stalled", "withdrawn") and view.criminal is not False
        if filed_by_police and not crime:
            crime = (not view.private and view.police and view.offence is not None
                     and view.offence_score >= settings.min_offence_score)
        if not (crime and category in ("crime", "administrative")):
            return None
        if stated in _STATED_CLUE:
            # the complainant says what the police did, but no case record could be linked:
            # the clue type follows their account, at a lower score, for a prosecutor to verify
            kind, said = _STATED_CLUE[stated]
            reasons = _crime_reasons(view) + [f"投诉人称{said}", "未能关联到对应的案件记录，需调取核实"]
            return Decision(kind, base * STATED_FACTOR, tuple(reasons), None, view.offence)
        if stated in ("prosecuted", "filed"):
            return None  # a case exists and is being handled, we just could not find its record
        reasons = _crime_reasons(view) + ["未找到与该投诉对应的公安机关案件记录"]
        if stated == "not_filed":
            reasons.append("投诉人称报案后公安机关未立案")
        return Decision("UNFILED", base, tuple(reasons), None, view.offence)

    case_id = str(case.get("case_id"))
    kind = _text(case.get("case_kind"))
    status = _text(case.get("status"))
    last = _day(case.get("status_at")) or _day(case.get("filed_at")) or _day(case.get("accepted_at"))
    link = f"关联案件{case_id}（{kind or '类别不明'}，{status or '状态不明'}"
    link += f"，{last.isoformat()}）" if last else "）"

    if status in FILED_LIKE and kind in CRIMINAL_KINDS:
        filed = _day(case.get("filed_at")) or last
        since = _day(case.get("status_at")) or filed
        if since is not None:
            days = (settings.as_of - since).days
            if days > settings.stall_days:
                score = (0.6 + 0.4 * min(1.0, days / (2 * settings.stall_days))) * match_score
                reasons = (
                    link,
                    f"案件自{since.isoformat()}起停留在立案状态，至{settings.as_of.isoformat()}已{days}天，"
                    f"超过{settings.stall_days}天未侦结",
                )
                return Decision("STALLED", score, reasons, case_id, view.offence)
        return None
    if not crime:
        return None
    # Refusals and withdrawals are questioned on what the complainant describes: a civil dispute
    # that the police happened to record under a charge name is not a clue by itself.
    complaint_backed = view.source == "complaint" or category in ("crime", "administrative")
    if status in (REFUSED, WITHDRAWN, ACCEPTED) and not complaint_backed:
        return None
    if status == REFUSED:
        reasons = [link, "公安机关决定不予立案"] + _crime_reasons(view) + ["不予立案理由存疑，建议要求说明不立案理由"]
        return Decision("REFUSED", base * match_score, tuple(reasons), case_id, view.offence)
    if status == WITHDRAWN and kind in CRIMINAL_KINDS:
        reasons = [link, "刑事案件已撤销"] + _crime_reasons(view) + ["撤案理由存疑"]
        return Decision("WITHDRAWN", base * match_score, tuple(reasons), case_id, view.offence)
    if status == PENALTY or (kind in ADMIN_KINDS and (status == CLOSED or _text(case.get("penalty")))):
        penalty = _text(case.get("penalty"))
        handled = f"按行政案件处理（{penalty}）" if penalty else "按行政案件处理"
        reasons = [link, handled] + _crime_reasons(view) + ["事实已达刑事立案标准，涉嫌以罚代刑"]
        return Decision("PENALTY_INSTEAD", base * match_score, tuple(reasons), case_id, view.offence)
    if status == ACCEPTED:
        accepted = _day(case.get("accepted_at")) or last
        if accepted is not None and (settings.as_of - accepted).days > settings.filing_days:
            days = (settings.as_of - accepted).days
            reasons = _crime_reasons(view) + [
                f"{link}，受案后{days}天仍未作出立案决定（一般应在3日、最长30日内决定），实际未立案",
            ]
            return Decision("UNFILED", base * match_score, tuple(reasons), None, view.offence)
    return None
