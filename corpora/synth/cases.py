"""Police case records: consistent timelines per outcome, police-style summaries, distractors."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.dates import police_date
from corpora.synth.legal import STALL_DAYS, admin_penalty
from corpora.synth.names import Person, make_person

# outcome kind -> (case_kind, status)
KINDS: dict[str, tuple[str, str]] = {
    "REFUSED": ("刑事", "不予立案"), "WITHDRAWN": ("刑事", "撤案"), "STALLED": ("刑事", "立案"),
    "PENALTY": ("行政", "行政处罚"), "FILED": ("刑事", "立案"), "PROSECUTED": ("刑事", "移送起诉"),
    "CLOSED": ("刑事", "结案"), "ADMIN_PENALTY": ("行政", "行政处罚"), "ADMIN_ACCEPTED": ("行政", "受案"),
    "ADMIN_CLOSED": ("行政", "结案"), "REFUSED_OK": ("刑事", "不予立案"), "PRIVATE_REFUSED": ("刑事", "不予立案"),
    "PRIVATE_WITHDRAWN": ("刑事", "撤案"), "ACCEPTED": ("刑事", "受案"),
}
SITUATION = {
    None: "unfiled", "REFUSED": "refused", "WITHDRAWN": "withdrawn", "STALLED": "stalled", "PENALTY": "penalty",
    "FILED": "filed", "PROSECUTED": "prosecuted", "CLOSED": "closed", "ADMIN_PENALTY": "admin_done",
    "ADMIN_ACCEPTED": "admin_pending", "ADMIN_CLOSED": "admin_closed", "REFUSED_OK": "refused",
    "PRIVATE_REFUSED": "private_refused", "PRIVATE_WITHDRAWN": "private_refused", "ACCEPTED": "unfiled",
}
_ECONOMIC = frozenset({"诈骗", "合同诈骗", "职务侵占", "拒不支付劳动报酬", "非法吸收公众存款", ""})
_LAW_ARTICLE = {"殴打他人": "第四十三条", "盗窃": "第四十九条", "诈骗": "第四十九条", "抢夺": "第四十九条", "敲诈勒索": "第四十九条",
                "故意损毁财物": "第四十九条", "赌博": "第七十条", "吸毒": "第七十二条", "寻衅滋事": "第二十六条",
                "非法限制人身自由": "第四十条"}


@dataclass(slots=True)
class Timeline:
    incident: date
    accepted: date | None
    filed: date | None
    status_at: date | None
    recv_lo: date
    recv_hi: date


def _between(rng: random.Random, lo: date, hi: date) -> date:
    span = (hi - lo).days
    return lo if span <= 0 else lo + timedelta(days=rng.randrange(span + 1))


def incident_window(kind: str | None, start: date, as_of: date) -> tuple[date, date]:
    """Where the incident may fall so that the outcome is unambiguous on ``as_of``."""
    back = {None: 3, "REFUSED": 60, "REFUSED_OK": 60, "PRIVATE_REFUSED": 60, "WITHDRAWN": 120, "PRIVATE_WITHDRAWN": 120,
            "STALLED": STALL_DAYS + 105, "PROSECUTED": 150, "CLOSED": 400, "PENALTY": 40, "ADMIN_PENALTY": 40,
            "ADMIN_CLOSED": 40, "ACCEPTED": 3}
    if kind == "FILED":
        return as_of - timedelta(days=300), as_of - timedelta(days=40)
    if kind == "ADMIN_ACCEPTED":
        return as_of - timedelta(days=60), as_of - timedelta(days=3)
    return start, as_of - timedelta(days=back[kind])


def timeline(rng: random.Random, kind: str | None, d: date, as_of: date, call: bool = False, civil: bool = False) -> Timeline:
    """Dates of a case of this outcome for an incident on day d (all on or before as_of)."""
    one = timedelta(days=1)
    if kind is None:
        if civil:  # a debt or a deposit: people complain once it is overdue
            lo = min(d + timedelta(days=30), as_of)
            return Timeline(d, None, None, None, lo, min(d + timedelta(days=rng.randrange(60, 400)), as_of))
        hi = d + timedelta(days=1 if call else (rng.randrange(0, 8) if rng.random() < 0.6 else rng.randrange(8, 120)))
        return Timeline(d, None, None, None, d, min(hi, as_of))
    acc = min(d + timedelta(days=rng.randrange(0, 4)), as_of)
    filed = st = None
    lo = acc
    if kind in ("REFUSED", "REFUSED_OK", "PRIVATE_REFUSED"):
        st = acc + timedelta(days=rng.randrange(3, 31))
        lo = st + one
    elif kind in ("PENALTY", "ADMIN_PENALTY", "ADMIN_CLOSED"):
        st = acc + timedelta(days=rng.randrange(1, 31))
        lo = st + one
    elif kind in ("ADMIN_ACCEPTED", "ACCEPTED"):
        st = acc
    else:
        filed = acc + timedelta(days=rng.randrange(1, 21))
        room = (as_of - filed).days - 1
        if kind in ("STALLED", "FILED"):
            st = filed
            lo = filed + timedelta(days=200 if kind == "STALLED" else 1)
        elif kind in ("WITHDRAWN", "PRIVATE_WITHDRAWN"):
            st = filed + timedelta(days=rng.randrange(30, max(31, min(400, room))))
            lo = st + one
        elif kind == "PROSECUTED":
            st = filed + timedelta(days=rng.randrange(40, max(41, min(300, room))))
            lo = filed + one
        else:  # CLOSED
            st = filed + timedelta(days=rng.randrange(180, max(181, min(700, room))))
            lo = st + one
    assert st is not None and st <= as_of, (kind, d, st)
    hi = as_of if kind in ("STALLED", "FILED", "PROSECUTED") else min(lo + timedelta(days=240), as_of)
    return Timeline(d, acc, filed, st, min(lo, as_of), hi)


def police_money(rng: random.Random, v: int) -> str:
    if v >= 10000 and v % 1000 == 0 and rng.random() < 0.5:
        return f"{v / 10000:g}万元"
    return f"{v}元"


def case_amount(rng: random.Random, v: int | None) -> int | None:
    """The case's figure: usually the same, sometimes rounded (never across a threshold band)."""
    if v is None:
        return None
    if v >= 2000 and v % 100 and rng.random() < 0.4:
        return int(round(v / 100.0)) * 100
    return v


def build_case(rng: random.Random, sc: Scenario, kind: str, incs: list[Incident], tl: Timeline,
               victims: list[Person], reporter_phone: str | None = None) -> dict[str, object]:
    """One case row about ``incs`` (several when victims of one suspect were joined)."""
    case_kind, status = KINDS[kind]
    inc = incs[0]
    admin = case_kind == "行政"
    if admin:
        offence = pick(rng, sc.police_admin) if sc.police_admin else (sc.admin_cause or "")
    else:
        offence = pick(rng, sc.police) if sc.police else ""
    total = sum(i.amount for i in incs if i.amount is not None) if any(i.amount is not None for i in incs) else None
    amount = case_amount(rng, total)
    sus = inc.suspect
    listed = sus is not None and (inc.named or rng.random() < 0.5 or kind in ("PENALTY", "ADMIN_PENALTY", "PROSECUTED", "CLOSED"))
    suspects = sus.name if listed and sus is not None else ""
    ids = sus.id_number(rng) if listed and sus is not None and rng.random() < 0.85 else ""
    phones = sus.phone if sus is not None and (listed or rng.random() < 0.7) and rng.random() < 0.8 else ""
    if listed and rng.random() < 0.08:
        extra = make_person(rng, age=(18, 50))
        suspects += ";" + extra.name
        ids = (ids + ";" if ids else "") + extra.id_number(rng)
    if inc.victim_org:
        vnames = [inc.victim_org]
    else:
        vnames = [v.name for v in victims]
    vphones = [v.phone for v in victims]
    if reporter_phone and vphones and rng.random() < 0.3:
        vphones[0] = reporter_phone
    penalty = admin_penalty(rng, sc.admin_cause or offence) if status == "行政处罚" else ""
    if status == "结案" and admin:
        penalty = pick(rng, ("调解结案", "调解处理", ""))
    summary = police_summary(rng, sc, incs, case_kind, status, amount, suspects.split(";")[0], vnames, penalty, offence)
    return {
        "case_id": "", "case_kind": case_kind, "status": status, "offence": offence,
        "accepted_at": _iso(tl.accepted), "filed_at": _iso(tl.filed), "status_at": _iso(tl.status_at),
        "suspects": suspects, "suspect_phones": phones, "suspect_ids": ids,
        "victims": ";".join(vnames), "victim_phones": ";".join(vphones), "location": inc.place.police_location(),
        "amount": amount, "injury": inc.injury or "", "penalty": penalty, "summary": summary,
    }


def _iso(d: date | None) -> str:
    return d.isoformat() if d is not None else ""


def police_summary(rng: random.Random, sc: Scenario, incs: list[Incident], case_kind: str, status: str, amount: int | None,
                   suspect: str, victims: list[str], penalty: str, offence: str) -> str:
    inc = incs[0]
    level = inc.level if inc.level in sc.acts else next(iter(sc.acts))
    d = inc.date + timedelta(days=rng.randrange(-3, 1)) if rng.random() < 0.15 else inc.date
    v = victims[0] if victims else (inc.victim.name if inc.victim else "报案人")
    if len(victims) > 1:
        v = f"{victims[0]}等{len(victims)}人"
    slots = dict(inc.slots)
    slots.update(v=v, s=suspect or pick(rng, ("一男子", "不明身份人员", "嫌疑人")), loc=inc.place.police_location(),
                 amt=police_money(rng, amount) if amount is not None else "", injury=inc.injury or "",
                 me="其", my="其", he="其", I="其", sus=suspect or "嫌疑人")
    act = pick(rng, sc.acts[level])
    act = act.format_map(slots)
    if "{" in act:
        act = act.format_map(slots)
    for anon in ("不明身份人员", "一男子", "嫌疑人"):
        act = act.replace("违法行为人" + anon, anon)
    pd = police_date(rng, d)
    if act.startswith(v):
        head = f"{pd}，{act}。"
    elif act.startswith(slots["s"]) or act.startswith("违法行为人") or act.startswith("不明身份"):
        head = f"经查，{pd}，{act}。" if rng.random() < 0.6 else f"{pd}，{act}。"
    else:
        who = pick(rng, ("报案人", "被害人", "")) if case_kind == "刑事" else pick(rng, ("报案人", ""))
        head = pick(rng, (f"{pd}，{who}{v}报称{act}。", f"{pd}，{who}{v}来所报案称{act}。", f"{pd}，{v}报警称{act}。"))
    tail = ""
    if status == "不予立案":
        tail = pick(rng, ("经审查，认为没有犯罪事实，决定不予立案。", "经审查，不符合刑事立案条件，不予立案。",
                          "经审查，现有证据不足以证明有犯罪事实发生，不予立案。"))
        if inc.level == "civil" or (sc.offence in _ECONOMIC and rng.random() < 0.5):
            tail = pick(rng, ("经审查，系经济纠纷，不予立案。", "经审查，属民事纠纷，建议通过民事诉讼途径解决，不予立案。"))
    elif status == "撤案":
        tail = pick(rng, ("经侦查，因证据不足，决定撤销案件。", "经侦查，不应对犯罪嫌疑人追究刑事责任，撤销案件。"))
    elif status == "立案":
        tail = pick(rng, ("经审查，符合立案条件，已立案侦查。", "已立案侦查。", ""))
    elif status == "移送起诉":
        tail = f"犯罪嫌疑人{suspect or '某某'}已到案，案件已移送检察院审查起诉。"
    elif status == "结案" and case_kind == "刑事":
        tail = "该案已移送起诉并经法院判决，现已结案。"
    elif status == "行政处罚":
        art = _LAW_ARTICLE.get(sc.admin_cause or offence, "")
        law = "《中华人民共和国道路交通安全法》第九十一条" if (sc.admin_cause == "饮酒驾驶") else f"《中华人民共和国治安管理处罚法》{art}"
        tail = f"依据{law}，对{suspect or '违法行为人'}处以{penalty}。"
    elif status == "受案":
        tail = "已受案，正在调查。"
    elif status == "结案":
        tail = "经民警调解，双方达成协议，已结案。"
    return head + tail


def distractor_kind(rng: random.Random, sc: Scenario, level: str, d: date, start: date, as_of: date) -> str:
    """An outcome, valid for an incident on day d, for a case that no complaint is about."""
    if level == "admin" and sc.police_admin:
        options = [("ADMIN_PENALTY", 5), ("ADMIN_ACCEPTED", 1), ("ADMIN_CLOSED", 1), ("REFUSED_OK", 1)]
    elif level == "civil":
        options = [("REFUSED_OK", 1)]
    else:
        options = [("FILED", 22), ("STALLED", 12), ("PROSECUTED", 20), ("CLOSED", 12), ("REFUSED", 12), ("WITHDRAWN", 7),
                   ("ACCEPTED", 2)]
        if sc.police_admin:
            options.append(("PENALTY", 10))
    valid = []
    for kind, w in options:
        lo, hi = incident_window(kind, start, as_of)
        if lo <= d <= hi:
            valid.append((kind, w))
    if not valid:
        return "ACCEPTED"
    return rng.choices([k for k, _ in valid], weights=[w for _, w in valid])[0]
