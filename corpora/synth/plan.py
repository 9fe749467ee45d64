"""Assemble an archive chunk by chunk: label quotas, units (single, duplicate call, group of victims
of one suspect), incidents, complaint texts, linked cases, distractor cases and gold labels."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from corpora.synth import civic, civil, sc_econ, sc_fraud, sc_order, sc_private, sc_theft, sc_violence
from corpora.synth.base import Incident, Scenario
from corpora.synth.cases import SITUATION, Timeline, build_case, distractor_kind, incident_window, timeline
from corpora.synth.dates import received_stamp
from corpora.synth.legal import THRESHOLDS, nice
from corpora.synth.names import RELATIVES_OF_VICTIM, Person, make_person
from corpora.synth.places import make_place
from corpora.synth.style import render

CRIME = sc_theft.SCENARIOS + sc_fraud.SCENARIOS + sc_econ.SCENARIOS + sc_violence.SCENARIOS + sc_order.SCENARIOS
ALL_SCENARIOS = CRIME + sc_private.SCENARIOS + civic.TOPICS + civil.TOPICS
BY_KEY = {sc.key: sc for sc in ALL_SCENARIOS}

DEFAULT_MIX: dict[str, float] = {
    "civic": 0.37, "civil": 0.08, "admin": 0.15, "UNFILED": 0.075, "REFUSED": 0.06, "PENALTY_INSTEAD": 0.055,
    "WITHDRAWN": 0.055, "STALLED": 0.055, "handled": 0.085, "private": 0.015,
}
CLUE_BUCKETS = ("UNFILED", "REFUSED", "PENALTY_INSTEAD", "WITHDRAWN", "STALLED")
CHANNELS_FIRST = ("网上举报", "网上举报", "12345热线", "市长信箱", "信访来信")
CHANNELS_THIRD = ("网上举报", "信访来信", "12345热线")


class Pool:
    """Weighted choice among scenarios at a given text level."""

    def __init__(self, items: list[tuple[Scenario, str]]) -> None:
        self.items = items
        total = 0.0
        self.cum: list[float] = []
        for sc, _ in items:
            total += sc.weight
            self.cum.append(total)

    def pick(self, rng: random.Random) -> tuple[Scenario, str]:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def _pool(scs: tuple[Scenario, ...], level: str, cond: Callable[[Scenario], bool] = lambda sc: True) -> Pool:
    return Pool([(sc, level) for sc in scs if level in sc.narr and cond(sc)])


POOLS = {
    "crime": _pool(CRIME, "crime"),
    "penalty": _pool(CRIME, "crime", lambda sc: bool(sc.police_admin) and sc.admin_cause is not None),
    "admin": _pool(CRIME, "admin"),
    "group": _pool(CRIME, "crime", lambda sc: sc.group),
    "subsum": _pool(CRIME, "admin", lambda sc: sc.subsum),
    "private": _pool(sc_private.SCENARIOS, "crime"),
    "civic": _pool(civic.TOPICS, "civic"),
    "civil": Pool([(sc, "civil") for sc in civil.TOPICS] + [(sc_econ.WAGES, "civil")]),
}


@dataclass(slots=True)
class Context:
    as_of: date
    start: date
    mix: dict[str, float]
    seq_complaint: int = 0
    seq_case: int = 0
    seq_group: int = 0


@dataclass(slots=True)
class Member:
    row: dict[str, object]
    gold: dict[str, object]
    case: dict[str, object] | None


@dataclass(slots=True)
class Chunk:
    complaints: list[dict[str, object]] = field(default_factory=list)
    cases: list[dict[str, object]] = field(default_factory=list)
    gold: list[dict[str, object]] = field(default_factory=list)


def quotas(n: int, mix: dict[str, float]) -> dict[str, int]:
    """Largest-remainder apportionment of n complaints to label buckets."""
    total = sum(mix.values())
    raw = {k: n * v / total for k, v in mix.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = n - sum(out.values())
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], list(mix).index(k)))[:rest]:
        out[k] += 1
    return out


def _outcome(rng: random.Random, bucket: str) -> str | None:
    if bucket in ("REFUSED", "WITHDRAWN", "STALLED"):
        return bucket
    if bucket == "PENALTY_INSTEAD":
        return "PENALTY"
    if bucket == "handled":
        return rng.choice(("FILED", "PROSECUTED", "CLOSED"))
    if bucket == "private":
        r = rng.random()
        return "PRIVATE_REFUSED" if r < 0.5 else "PRIVATE_WITHDRAWN" if r < 0.65 else None
    if bucket == "admin":
        r = rng.random()
        for kind, p in (("ADMIN_PENALTY", 0.4), ("ADMIN_ACCEPTED", 0.08), ("ADMIN_CLOSED", 0.1), ("REFUSED_OK", 0.07)):
            if r < p:
                return kind
            r -= p
        return None
    if bucket == "civil":
        return "REFUSED_OK" if rng.random() < 0.15 else None
    return None


def _units(rng: random.Random, q: dict[str, int]) -> list[tuple[str, str, int]]:
    """(bucket, unit type, size) covering each quota exactly."""
    units: list[tuple[str, str, int]] = []
    for bucket, n in q.items():
        left = n
        if bucket == "UNFILED" and n >= 4 and POOLS["subsum"].items:  # every chunk has a sub-threshold fraud group
            k = rng.randrange(2, 5)
            units.append((bucket, "subsum", k))
            left -= k
        while left > 0:
            r = rng.random()
            if bucket in ("UNFILED", "REFUSED", "WITHDRAWN", "STALLED", "handled") and r < 0.22 and left >= 2:
                k = min(left, rng.randrange(2, 7))
                kind = "subsum" if bucket == "UNFILED" and rng.random() < 0.4 and POOLS["subsum"].items else "group"
                units.append((bucket, kind, k))
                left -= k
            elif bucket in CLUE_BUCKETS + ("handled", "admin") and r > 0.93 and left >= 2:
                units.append((bucket, "dup", 2))
                left -= 2
            else:
                units.append((bucket, "single", 1))
                left -= 1
    return units


def _style(rng: random.Random, sc: Scenario, level: str) -> str:
    if level == "civic":
        return "first" if rng.random() < 0.68 else "workorder"
    r = rng.random()
    if sc.victimless:
        return "first" if r < 0.6 else "call" if r < 0.75 else "workorder"
    return "call" if r < 0.2 else "workorder" if r < 0.42 else "third" if r < 0.57 else "first"


def _people(rng: random.Random, sc: Scenario, style: str) -> tuple[str, Person | None, Person, tuple[str, str] | None]:
    """(style, victim, complainant, relation) for one complaint."""
    if sc.victimless or not sc.narr or "civic" in sc.narr:
        reporter = make_person(rng, age=(25, 70))
        return ("first" if style == "third" else style), None, reporter, None
    lo, hi = sc.victim_age
    if style == "third":
        fits = [r for r in RELATIVES_OF_VICTIM
                if (sc.victim_male is None or r[1] == sc.victim_male) and r[2][0] <= hi and r[2][1] >= lo]
        if fits:
            label, male, (a, b), role = fits[rng.randrange(len(fits))]
            victim = make_person(rng, male=male, age=(max(a, lo), min(b, hi)))
            writer = make_person(rng, male=role in ("儿子", "丈夫", "父亲", "孙子", "哥哥", "女婿"), age=(20, 60))
            if role in ("儿子", "女儿", "父亲", "母亲", "孙子", "哥哥", "妹妹") and len(writer.surname) == 1:
                writer.name = victim.surname + writer.name[len(writer.surname):]
                writer.surname = victim.surname
            return style, victim, writer, (label, role)
        style = "first"
    victim = make_person(rng, male=sc.victim_male, age=(lo, hi))
    return style, victim, victim, None


def _channel(rng: random.Random, style: str) -> str:
    if style == "call":
        return "110接处警"
    if style == "workorder":
        return "12345热线"
    seq = CHANNELS_THIRD if style == "third" else CHANNELS_FIRST
    return seq[rng.randrange(len(seq))]


def _pick_scenario(rng: random.Random, bucket: str, utype: str) -> tuple[Scenario, str, str]:
    """(scenario, text level, gold level)."""
    if utype == "subsum":
        sc, _ = POOLS["subsum"].pick(rng)
        return sc, "admin", "crime"
    if utype == "group":
        sc, lv = POOLS["group"].pick(rng)
        return sc, lv, lv
    key = {"civic": "civic", "civil": "civil", "admin": "admin", "private": "private", "PENALTY_INSTEAD": "penalty"}.get(bucket, "crime")
    sc, lv = POOLS[key].pick(rng)
    return sc, lv, lv


def _subsum_amounts(rng: random.Random, k: int) -> list[int]:
    t = THRESHOLDS["诈骗"][0]
    while True:
        amounts = [nice(rng, rng.uniform(t * 0.25, t * 0.88)) for _ in range(k)]
        if all(a <= t * 0.9 for a in amounts) and sum(amounts) >= t * 1.1:
            return amounts


def _gold_offence(sc: Scenario, level: str) -> str | None:
    if level == "crime":
        return sc.offence
    if level == "admin":
        return sc.admin_cause
    return None


def build_unit(rng: random.Random, ctx: Context, bucket: str, utype: str, k: int) -> tuple[list[Member], list[Incident]]:
    sc, text_level, level = _pick_scenario(rng, bucket, utype)
    kind = _outcome(rng, bucket)
    lo, hi = incident_window(kind, ctx.start, ctx.as_of)
    d = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days + 1)))
    place = make_place(rng)
    suspect = None if level == "civic" else make_person(rng, age=(18, 62))
    named = rng.random() < sc.susp_known
    styles = [_style(rng, sc, level) for _ in range(k)]
    tl = timeline(rng, kind, d, ctx.as_of, call=styles[0] == "call", civil=level == "civil")
    n_incidents = 1 if utype in ("single", "dup") else k
    amounts = _subsum_amounts(rng, k) if utype == "subsum" else None
    incs: list[Incident] = []
    people: list[tuple[str, Person | None, Person, tuple[str, str] | None]] = []
    for i in range(n_incidents):
        style, victim, writer, rel = _people(rng, sc, styles[i])
        di = d if i == 0 else max(ctx.start, d - timedelta(days=rng.randrange(0, 60)))
        inc = Incident(sc.key, text_level, _gold_offence(sc, level), di, place, victim, suspect, named)
        sc.build(rng, inc)
        if i > 0:  # victims of one scheme: same platform, firm, accounts, venue; own homes
            inc.slots = dict(incs[0].slots)
            inc.facts = dict(incs[0].facts)
            inc.home = make_place(rng, place.city, place.district)
        if amounts is not None:
            inc.amount = amounts[i]
            inc.level = "crime"
            inc.facts["text_level"] = "admin"
            inc.notes.append(f"诈骗数额累计计算: {k} victims, {sum(amounts)} yuan in total reaches the threshold")
        incs.append(inc)
        people.append((style, victim, writer, rel))
    if utype == "dup":
        style2 = _style(rng, sc, level)
        if people[0][3] is not None:
            style2 = "workorder" if style2 in ("first", "call") else style2
        elif style2 == "third":
            style2 = "first"
        people.append((style2, people[0][1], people[0][2], people[0][3]))
        incs.append(incs[0])
    case = None
    if kind is not None:
        victims = [p[1] for p in people[:n_incidents] if p[1] is not None]
        if not victims and rng.random() < 0.4:
            victims = [people[0][2]]
        reporter_phone = people[0][2].phone if people[0][3] else None
        case = build_case(rng, sc, kind, incs[:n_incidents], tl, victims, reporter_phone)
    group = None
    if utype != "single":
        ctx.seq_group += 1
        group = f"G{ctx.seq_group:06d}"
    clue = bucket if bucket in CLUE_BUCKETS else None
    show_p = (0.85 if not named else 0.6) if utype in ("group", "subsum") else 0.3
    members: list[Member] = []
    prev: datetime | None = None
    for i, (style, _victim, writer, rel) in enumerate(people):
        inc = incs[i]
        if utype == "dup" and i == 1 and prev is not None:
            day = min(prev.date() + timedelta(days=rng.randrange(2, 41)), ctx.as_of)
        elif style == "call" and kind is None and level != "civil":
            day = min(inc.date + timedelta(days=rng.randrange(0, 2)), ctx.as_of)
        else:
            day = _recv_day(rng, tl, inc.date)
        received = received_stamp(rng, day)
        if prev is not None and utype == "dup" and received <= prev:
            received = prev + timedelta(hours=rng.randrange(1, 48))
        prev = received
        show = level != "civic" and inc.suspect is not None and rng.random() < show_p
        out = render(rng, sc, inc, style, received, SITUATION[kind] if level not in ("civic",) else "none", writer, rel,
                     penalty=str(case["penalty"]) if case else "", repeat=(utype == "dup" and i == 1),
                     show_phone=show, phone_typo=show and rng.random() < 0.25)
        row = {"id": "", "text": out.text, "received_at": received.strftime("%Y-%m-%d %H:%M:%S"), "channel": _channel(rng, style),
               "title": out.title, "complainant": out.complainant, "complainant_phone": out.complainant_phone,
               "region": inc.place.region if rng.random() < 0.7 else inc.place.district}
        gold = _gold(sc, inc, level, clue, group, out.meta, bucket, utype)
        members.append(Member(row, gold, case))
    return members, incs[:n_incidents]


def _recv_day(rng: random.Random, tl: Timeline, d: date) -> date:
    lo = max(tl.recv_lo, d)
    span = (tl.recv_hi - lo).days
    if span <= 0:
        return lo
    return lo + timedelta(days=int(rng.random() ** 2 * span) if tl.accepted is None else rng.randrange(span + 1))


def _gold(sc: Scenario, inc: Incident, level: str, clue: str | None, group: str | None, meta: dict[str, object],
          bucket: str, utype: str) -> dict[str, object]:
    facts = {k: v for k, v in inc.facts.items() if k != "text_level"}
    return {
        "id": "", "category": inc.category, "offence": _gold_offence(sc, level), "case_id": None, "clue_type": clue,
        "group": group, "amount": inc.amount if level != "civic" else None,
        "amount_text": meta.get("amount_text"), "amount_approx": meta.get("amount_approx"),
        "injury": inc.injury, "incident_date": inc.date.isoformat() if level != "civic" else None,
        "date_text": meta.get("date_text") if level != "civic" else None, "date_exact": meta.get("date_exact"),
        "suspect": inc.suspect.name if inc.suspect is not None and level != "civic" else None,
        "suspect_phone": inc.suspect.phone if inc.suspect is not None and level != "civic" else None,
        "suspect_text": meta.get("suspect_text") if level != "civic" else None,
        "phone_text": meta.get("phone_text"), "phone_typo": meta.get("phone_typo"),
        "scenario": sc.key, "bucket": bucket, "unit": utype, "style": meta.get("style"), "variant": meta.get("variant"),
        "facts": facts or None, "notes": "; ".join(inc.notes) or None,
    }


def distractor(rng: random.Random, ctx: Context, source: Incident | None) -> dict[str, object]:
    """A case record about some other incident (often the same offence and nearly the same day)."""
    if source is not None:
        sc = BY_KEY[source.scenario]
        level = source.level if source.level in sc.narr else next(iter(sc.narr))
        d = source.date + timedelta(days=rng.randrange(-10, 11))
        place = make_place(rng, source.place.city, source.place.district)
    else:
        sc, level = POOLS["crime" if rng.random() < 0.6 else "admin"].pick(rng)
        lo, hi = incident_window(None, ctx.start, ctx.as_of)
        d = lo + timedelta(days=rng.randrange((hi - lo).days + 1))
        place = make_place(rng)
    d = min(max(d, ctx.start), ctx.as_of - timedelta(days=3))
    kind = distractor_kind(rng, sc, level, d, ctx.start, ctx.as_of)
    victim = make_person(rng, male=sc.victim_male, age=sc.victim_age)
    inc = Incident(sc.key, level, _gold_offence(sc, level), d, place, None if sc.victimless else victim,
                   make_person(rng, age=(18, 62)), rng.random() < sc.susp_known)
    sc.build(rng, inc)
    tl = timeline(rng, kind, d, ctx.as_of)
    return build_case(rng, sc, kind, [inc], tl, [] if sc.victimless else [victim])


def make_chunk(rng: random.Random, ctx: Context, n: int, n_cases: int) -> Chunk:
    chunk = Chunk()
    units = _units(rng, quotas(n, ctx.mix))
    rng.shuffle(units)
    members: list[Member] = []
    linked: list[dict[str, object]] = []
    sources: list[Incident] = []
    for bucket, utype, k in units:
        ms, incs = build_unit(rng, ctx, bucket, utype, k)
        members.extend(ms)
        if ms[0].case is not None:
            linked.append(ms[0].case)
        if ms[0].gold["category"] in ("crime", "administrative"):
            sources.extend(incs)
    cases = list(linked)
    for _ in range(max(0, n_cases - len(linked))):
        src = sources[rng.randrange(len(sources))] if sources and rng.random() < 0.5 else None
        cases.append(distractor(rng, ctx, src))
    rng.shuffle(cases)
    for case in cases:
        perm = (ctx.seq_case * 48271 + 7919) % 10**8
        ctx.seq_case += 1
        year = str(case["accepted_at"])[:4] or str(ctx.as_of.year)
        case["case_id"] = f"A{year}{perm:08d}"
    rng.shuffle(members)
    for m in members:
        ctx.seq_complaint += 1
        m.row["id"] = f"GD{str(m.row['received_at'])[:10].replace('-', '')}{ctx.seq_complaint:07d}"
        m.gold["id"] = m.row["id"]
        m.gold["case_id"] = m.case["case_id"] if m.case is not None else None
        chunk.complaints.append(m.row)
        chunk.gold.append(m.gold)
    chunk.cases = cases
    return chunk
