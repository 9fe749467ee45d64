"""Synthetic complaints, extractions and case records with known links (tests and benchmarks).

Cases: one offence, a date over two years, a victim with a phone, a suspect (sometimes unknown,
sometimes recorded as 张某), a district and street, an amount, a summary. A tenth of the suspects
are serial offenders with several cases (one fraudster, several victims, one story). A fraction of
the complaints are about a case and copy its facts with realistic noise (partial names, relatives
complaining, shifted dates, rounded amounts, a digit typo in a phone) and retell its story
(``synthetic_text``); the rest describe unrelated incidents drawn from the same distributions, so
chance agreements on offence, date and place abound; a tenth of those come from a victim of an
existing case (same name and phone) about a new incident (repeat complainants, whose old case
must not be linked). Texts come from a second random stream: the other fields do not depend on
them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from clue_miner.link.synthetic_text import complaint_text, story, summary_text
from clue_miner.types import Complaint, Entity, Extraction, Facts, Offence

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
SURNAME_WEIGHTS = [max(1.0, 8.0 - i * 0.5) for i in range(len(SURNAMES))]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红文辉鹏飞斌宇浩凯健俊帆"
OFFENCES = ["诈骗", "盗窃", "故意伤害", "寻衅滋事", "抢劫", "敲诈勒索", "诈骗", "盗窃", "诈骗", "盗窃"]
DISTRICTS = ["西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区"]
ROADS = "文三 文二 学院 古墩 莫干山 延安 解放 凤起 体育场 庆春 江南 滨盛 市心 人民 南大 金城 东湖 临平 迎宾 科技".split()
START = date(2023, 1, 1)


@dataclass(frozen=True)
class SyntheticData:
    complaints: list[Complaint]
    extractions: list[Extraction]
    cases: Any  # pandas DataFrame in io.read_cases' canonical schema
    truth: dict[str, str | None]  # complaint id -> case id it is about (None: no case)


def _name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _typo(rng: random.Random, phone: str) -> str:
    i = rng.randrange(3, 11)
    return phone[:i] + rng.choice([d for d in "0123456789" if d != phone[i]]) + phone[i + 1:]


def _person(name: str, role: str, partial: bool = False) -> Entity:
    attrs: dict[str, Any] = {"role": role}
    if partial:
        attrs.update(partial=True, surname=name[0])
    return Entity("PERSON", 0, len(name), name, name, attrs)


def _incident(rng: random.Random) -> dict[str, Any]:
    district = rng.choice(DISTRICTS)
    offence = rng.choice(OFFENCES)
    return {
        "offence": offence,
        "day": START + timedelta(days=rng.randrange(730)),
        "district": district,
        "location": f"杭州市{district}{rng.choice(ROADS)}路{rng.randrange(1, 300)}号",
        "amount": float(rng.choice((500, 1000, 2000, 3000, 5000, 10000, 20000)) * rng.choice((1, 1, 1.37, 2.6)))
        if offence in ("诈骗", "盗窃", "抢劫", "敲诈勒索") else None,
        "victim": _name(rng),
        "victim_phone": _phone(rng),
    }


def _complaint(rng: random.Random, cid: str, inc: dict[str, Any], suspect: str | None,
               suspect_phone: str | None, trng: random.Random, st: dict[str, Any]) -> tuple[Complaint, Extraction]:
    ents: list[Entity] = []
    if suspect and rng.random() < 0.75:
        partial = rng.random() < 0.45
        ents.append(_person(suspect[0] + "某" if partial else suspect, "suspect", partial))
    if suspect_phone and rng.random() < 0.6:
        p = _typo(rng, suspect_phone) if rng.random() < 0.05 else suspect_phone
        ents.append(Entity("PHONE", 0, 11, p, p))
    if rng.random() < 0.5:
        loc = inc["location"][3:] if rng.random() < 0.7 else inc["district"] + rng.choice(ROADS) + "路"
        ents.append(Entity("LOCATION", 0, len(loc), loc, loc))
    r = rng.random()
    offences = (Offence(inc["offence"], "criminal", 0.9),) if r < 0.8 else (
        (Offence(rng.choice(OFFENCES), "criminal", 0.6),) if r < 0.9 else ())
    incident = inc["day"] - timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 4))) if rng.random() < 0.8 else None
    received = datetime.combine(inc["day"] + timedelta(days=rng.randrange(0, 40)), datetime.min.time())
    amount = inc["amount"]
    if amount is not None and rng.random() < 0.3:
        amount = None if rng.random() < 0.5 else round(amount * rng.uniform(0.85, 1.1), -2)
    relative = rng.random() < 0.2
    text, placed = complaint_text(trng, {**inc, "amount": amount}, st, ents)
    complaint = Complaint(
        cid, text, received, channel="12345热线",
        complainant=_name(rng) if relative else inc["victim"],
        complainant_phone=_phone(rng) if relative or rng.random() < 0.2 else inc["victim_phone"],
        region=inc["district"] if rng.random() < 0.9 else rng.choice(DISTRICTS),
    )
    facts = Facts(amount=amount, incident_date=incident)
    return complaint, Extraction(text, placed, offences, facts=facts, received_at=received)


def synthesise(n_complaints: int, n_cases: int, match_fraction: float = 0.5, seed: int = 0) -> SyntheticData:
    """Complaints of which ``match_fraction`` are about one of the cases (the truth)."""
    import pandas as pd

    rng = random.Random(seed)
    trng = random.Random(seed + 1_000_003)  # texts: the other fields do not depend on them
    cases: list[dict[str, Any]] = []
    suspects: list[tuple[str | None, str | None]] = []
    serial: list[tuple[str, str | None, str, dict[str, Any]]] = []
    for i in range(n_cases):
        inc = _incident(rng)
        st = story(trng, inc["offence"])
        if serial and rng.random() < 0.15:  # another victim of a serial offender, told in the same words
            s_name, s_phone, inc["offence"], st = rng.choice(serial)
        elif rng.random() < 0.7:
            s_name = _name(rng)
            s_phone = _phone(rng) if rng.random() < 0.5 else None
            if rng.random() < 0.05:
                serial.append((s_name, s_phone, inc["offence"], st))
        else:
            s_name, s_phone = None, None
        inc["story"] = st
        recorded = s_name[0] + "某" if s_name and rng.random() < 0.1 else s_name
        day = pd.Timestamp(inc["day"])
        cases.append({
            "case_id": f"K{i:07d}", "case_kind": "刑事", "status": rng.choice(("受案", "立案", "不予立案", "撤案")),
            "offence": inc["offence"] + rng.choice(("", "案", "罪")),
            "accepted_at": day if rng.random() < 0.9 else pd.NaT, "filed_at": day + pd.Timedelta(days=3),
            "status_at": day + pd.Timedelta(days=30),
            "suspects": [recorded] if recorded else [], "suspect_phones": [s_phone] if s_phone else [],
            "suspect_ids": [], "victims": [inc["victim"]],
            "victim_phones": [inc["victim_phone"]] if rng.random() < 0.8 else [],
            "location": inc["location"] if rng.random() < 0.9 else None, "injury": None, "penalty": None,
            "summary": summary_text(trng, inc, st, recorded), "region": inc["district"], "amount": inc["amount"], "row": i + 1, "extra": {},
            "_inc": inc,
        })
        suspects.append((s_name, s_phone))
    complaints, extractions, truth = [], [], {}
    for j in range(n_complaints):
        cid = f"C{j:07d}"
        if cases and rng.random() < match_fraction:
            k = rng.randrange(len(cases))
            comp, ex = _complaint(rng, cid, cases[k]["_inc"], *suspects[k], trng, cases[k]["_inc"]["story"])
            truth[cid] = cases[k]["case_id"]
        else:
            s_name = _name(rng) if rng.random() < 0.6 else None
            inc = _incident(rng)
            if cases and rng.random() < 0.1:
                old = cases[rng.randrange(len(cases))]["_inc"]
                inc.update(victim=old["victim"], victim_phone=old["victim_phone"], district=old["district"])
            comp, ex = _complaint(rng, cid, inc, s_name, _phone(rng) if s_name else None, trng,
                                  story(trng, inc["offence"]))
            truth[cid] = None
        complaints.append(comp)
        extractions.append(ex)
    frame = pd.DataFrame([{k: v for k, v in c.items() if k != "_inc"} for c in cases])
    return SyntheticData(complaints, extractions, frame, truth)
