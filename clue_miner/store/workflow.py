"""Supervision workflow: the states a clue moves through, who may move it, and when answers fall due.

``LEGAL_NOTES.md`` ("Supervision steps"): the police answer a 要求说明不立案理由通知书 within 7 days
and file within 15 days of a 通知立案书. Due dates here count calendar days from the date the
notice was sent (the law counts from receipt: record the receipt date as the step's date when it
is known).

    new -> reviewing -> supported | not_supported
    supported -> reason_requested (要求说明不立案理由, due +7) -> reply_received
    supported | reply_received -> filing_notice_sent (通知立案书, due +15) -> filed | not_filed
    reason_requested | reply_received -> filed (the police filed once asked)
    filed | not_filed -> followed_up (跟踪监督)
"""

from __future__ import annotations

from dataclasses import dataclass

STATES: dict[str, str] = {
    "new": "待审查",
    "reviewing": "审查中",
    "supported": "线索成立",
    "not_supported": "线索不成立",
    "reason_requested": "已要求说明不立案理由",
    "reply_received": "已收到说明",
    "filing_notice_sent": "已通知立案",
    "filed": "已立案",
    "not_filed": "未立案",
    "followed_up": "已跟踪监督",
}


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    due_days: int | None = None  # the answer this step waits for falls due after so many days
    supervisor_only: bool = False  # notices go out under a supervisor's name
    answers: str | None = None  # the earlier step whose due answer this one records


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("start_review", "开始审查", ("new",), "reviewing"),
    Action("support", "认定线索成立", ("new", "reviewing"), "supported"),
    Action("not_support", "认定线索不成立", ("new", "reviewing"), "not_supported"),
    Action("request_reasons", "发出《要求说明不立案理由通知书》", ("supported",), "reason_requested", due_days=7,
           supervisor_only=True),
    Action("reply_received", "收到公安机关不立案理由说明", ("reason_requested",), "reply_received",
           answers="request_reasons"),
    Action("filing_notice", "发出《通知立案书》", ("supported", "reply_received"), "filing_notice_sent",
           due_days=15, supervisor_only=True),
    Action("filed", "公安机关已立案", ("reason_requested", "reply_received", "filing_notice_sent"), "filed",
           answers="filing_notice"),
    Action("not_filed", "期满未立案", ("filing_notice_sent",), "not_filed", answers="filing_notice"),
    Action("follow_up", "跟踪监督（含《纠正违法通知书》）", ("filed", "not_filed"), "followed_up",
           supervisor_only=True),
)}

VERDICT_STATE = {"confirmed": "supported", "offence_corrected": "supported", "rejected": "not_supported"}
VERDICT_LABELS = {"confirmed": "确认线索", "rejected": "驳回线索", "offence_corrected": "更正罪名"}
OPEN_STATES = ("reason_requested", "filing_notice_sent")  # waiting for the police


class WorkflowError(ValueError):
    """A step that the clue's state or the user's role does not allow."""


def check(action_name: str, state: str, role: str) -> Action:
    action = ACTIONS.get(action_name)
    if action is None:
        raise WorkflowError(f"unknown action {action_name!r}")
    if action.supervisor_only and role != "supervisor":
        raise WorkflowError(f"only a supervisor may {action.label}")
    if state not in action.sources:
        raise WorkflowError(f"{action.label}: not allowed in state {STATES.get(state, state)}")
    return action


def allowed_actions(state: str, role: str) -> list[Action]:
    return [a for a in ACTIONS.values() if state in a.sources and (role == "supervisor" or not a.supervisor_only)]
