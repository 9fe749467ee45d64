"""Turn an Incident into complaint text: first person, a relative writing for the victim, a terse
110 call record or a 12345 work order; with openers, what the police did, demands, closers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.dates import date_text, time_of_day
from corpora.synth.ids import phone_text, typo_phone
from corpora.synth.legal import band
from corpora.synth.names import Person, masked, pronoun, refer
from corpora.synth.numerals import fullwidth_digits, money_text, to_traditional
from corpora.synth.places import station, where_text

OPENERS = ("尊敬的领导：您好！", "尊敬的领导，", "领导您好！", "您好，", "尊敬的公安局领导：", "尊敬的市长：", "各位领导：", "", "", "")
CLOSERS = ("谢谢！", "恳请领导重视！", "望尽快处理，谢谢。", "我们老百姓挣点钱不容易啊！！", "盼复。", "", "", "")
INTRO = ("我叫{cname}，", "本人{cname}，家住{home}。", "我是{district}的一名普通市民，", "我是外地来{city}打工的，", "", "", "")
INTRO_3RD = ("我是{vname}的{wrole}，替{pron}反映一件事。", "我是受害人{vname}的家属。", "{vrel}年纪大了不会上网，我代{pron}反映。",
             "我替{vrel}反映一个情况：")
AFTER = {
    "unfiled": ("{me}当时就打了110，民警来做了个登记就走了，之后再没人联系过{me}。", "{me}去{station}报过案，接警的民警说先回去等消息，到现在连个回执都没有。",
                "报警以后派出所一直说在调查，可是连个案件编号都没有。", "不知道该找哪个部门，只能在这里反映。", "", "", ""),
    "refused": ("{me}去{station}报案，派出所出具了《不予立案通知书》，说没有犯罪事实，{me}不服。", "派出所说够不上立案标准，不予立案，可是损失这么大，怎么会够不上？",
                "报案后派出所说这是经济纠纷，不予立案，让{me}自己去法院起诉。"),
    "withdrawn": ("当初{station}立了案，可是前段时间突然通知说案子撤了，问原因也不说。", "案子立了又撤，对方现在到处说自己没事了。",
                  "{station}去年就立案了，今年却告诉{me}撤案了，理由是证据不足。"),
    "penalty": ("派出所最后只是对{he}{penalty}，就这么放了。这么大的事就这样处理？", "处理结果是给了{he}{penalty}的处罚，{me}觉得太轻了，这应该是犯罪。",
                "对方只被{penalty}，现在照样在外面晃。"),
    "stalled": ("{station}早就立了案，可是一年多过去了，一点进展都没有，每次打电话都说在侦查。", "案子立了快两年了，嫌疑人明明知道在哪，就是不去抓。",
                "立案之后就石沉大海，办案民警都换了两个了。"),
    "filed": ("目前派出所已经立案了，希望能加快侦办进度。", "{station}已经受理立案，{me}想了解一下案子进展到哪一步了。", ""),
    "prosecuted": ("现在案子已经移送检察院了，但是{my}的钱一分都没追回来。", "嫌疑人已经抓了，案子也移送起诉了，{me}想问退赃什么时候能到位。"),
    "closed": ("案子已经判了，可是赔偿到现在还没执行到位。", "虽然案子已经结了，{me}还是想问问损失还能不能追回来。"),
    "admin_done": ("派出所给了{he}{penalty}，但是{my}的损失没人赔。", "派出所处理过了，对{he}{penalty}，可是该赔的钱到现在没着落。"),
    "admin_pending": ("已经报了警，派出所说会处理。", "", ""),
    "admin_closed": ("派出所调解过一次，对方当面答应赔偿，事后又不认账。", "民警组织双方调解了，但是对方一直拖着。"),
    "private_refused": ("派出所说这种情况要{me}自己去法院起诉，不予立案。", "派出所不管，说属于自诉案件。", ""),
    "none": ("", ""),
}
AFTER_TERSE = {
    "unfiled": ("其称此前已报警，未见处理结果。", "", ""),
    "refused": ("其称派出所已作出不予立案决定，其不服。", "其称报案后派出所不予立案。"),
    "withdrawn": ("其称该案已被撤销，要求说明理由。",),
    "penalty": ("其称对方仅被{penalty}，认为处理过轻。",),
    "stalled": ("其称案件立案后长期无进展。", "其称案件立案一年多未破。"),
    "filed": ("其称派出所已立案，要求加快办理。", ""),
    "prosecuted": ("其称案件已移送起诉，要求追赃挽损。",),
    "closed": ("其称案件已审结，赔偿未到位。",),
    "admin_done": ("其称对方已被{penalty}，但损失未获赔偿。",),
    "admin_pending": ("",), "admin_closed": ("其称经调解后对方未履行。",),
    "private_refused": ("其称派出所告知其可向法院自诉。", ""), "none": ("",),
}
DEMANDS = {
    "crime": ("请求公安机关依法立案侦查！", "恳请领导督促有关部门严肃处理，还我一个公道。", "希望有关部门依法追究{he}的刑事责任。",
              "请检察院监督一下这个案子。", "请领导帮帮我们老百姓！"),
    "money": ("请求公安机关依法立案侦查，追回损失！", "希望尽快破案，把{my}的钱追回来。"),
    "admin": ("希望派出所依法处理，让对方赔偿损失。", "请有关部门管一管。", "希望依法处理。"),
    "civil": ("请问这种情况该怎么办？", "希望有关部门帮忙协调。", "请给出个主意。"),
    "civic": ("",),
}
DEMANDS_TERSE = {"crime": ("诉求：要求公安机关立案侦查。", "诉求：要求依法追究对方责任。"), "admin": ("诉求：要求依法处理。",),
                 "money": ("诉求：要求依法处理并追回损失。", "诉求：要求立案侦查，追回被骗（被盗）款物。"),
                 "civil": ("诉求：要求协调处理。",), "civic": ("诉求：要求相关部门核实处理。", "诉求：请尽快处理。")}
REPEAT_PREFIX = ("再次反映：", "我之前反映过这件事，一直没有回音。", "第二次来电，", "上次反映的问题至今没有处理，")
INJ = ("经鉴定为{x}", "法医鉴定是{x}", "伤情鉴定{x}", "验伤结果是{x}", "鉴定构成{x}")


@dataclass(slots=True)
class Rendered:
    text: str
    title: str
    complainant: str
    complainant_phone: str
    meta: dict[str, object]


def _format(template: str, slots: dict[str, str]) -> str:
    out = template.format_map(slots)
    if "{" in out:
        out = out.format_map(slots)
    return out


def voice(rng: random.Random, style: str, victim: Person | None, rel: str | None) -> dict[str, str]:
    if style in ("call", "workorder"):
        return {"I": "其", "me": "其", "my": "其", "vrel": "其", "pron": "其"}
    if style == "third" and victim is not None and rel:
        p = pronoun(victim)
        return {"I": rel, "me": p, "my": p, "vrel": rel, "pron": p}
    return {"I": "我", "me": "我", "my": "我", "vrel": "我", "pron": "我"}


def render(rng: random.Random, sc: Scenario, inc: Incident, style: str, received: datetime, situation: str,
           complainant: Person, rel: tuple[str, str] | None = None, penalty: str = "", repeat: bool = False,
           show_phone: bool = False, phone_typo: bool = False) -> Rendered:
    """Render one complaint. ``rel`` is (what the writer calls the victim, writer's role) for 'third'."""
    if style == "third" and (inc.victim is None or rel is None):
        style = "first"
    slots: dict[str, str] = dict(inc.slots)
    slots.update(voice(rng, style, inc.victim, rel[0] if rel else None))
    meta: dict[str, object] = {"style": style}
    dtext, exact = date_text(rng, inc.date, received, rel_share=0.5 if style in ("call", "workorder") else 0.35)
    meta["date_text"], meta["date_exact"] = dtext, exact
    slots["when"] = dtext
    slots["where"] = where_text(rng, inc.place, sc.where)
    slots["station"] = station(rng, inc.place)
    slots["district"], slots["city"], slots["estate"] = inc.place.district, inc.place.city, inc.place.estate
    home = inc.home or inc.place
    slots["home"] = home.home() if rng.random() < 0.5 else home.estate
    slots["penalty"] = penalty or "罚款500元"
    sus = inc.suspect
    if sus is not None and inc.named:
        slots["sus"] = refer(rng, sus, sc.susp_title)
        slots["he"] = pronoun(sus)
    else:
        slots["sus"] = pick(rng, sc.anon)
        slots["he"] = pronoun(sus) if sus is not None and rng.random() < 0.5 else "对方"
    meta["suspect_text"] = slots["sus"]
    phone_clause = ""
    if show_phone and sus is not None:
        shown = typo_phone(rng, sus.phone) if phone_typo else sus.phone
        ptxt = phone_text(rng, shown)
        phone_clause = pick(rng, ("（{p}）", "（电话{p}）", "（手机号{p}）", "（手机：{p}）")).format(p=ptxt)
        meta["phone_text"] = ptxt
        meta["phone_typo"] = phone_typo
    slots["phone"] = phone_clause
    if inc.amount is not None:
        amt, approx = money_text(rng, inc.amount, band(inc.offence))
        slots["amt"] = amt
        meta["amount_text"], meta["amount_approx"] = amt, approx
    if inc.injury:
        slots["inj"] = pick(rng, INJ).format(x=inc.injury)
        slots["injury"] = inc.injury
    slots["cname"] = complainant.name
    if inc.victim is not None:
        slots["vname"] = inc.victim.name
    slots["wrole"] = rel[1] if rel else "家属"

    level = inc.level
    if style in ("call", "workorder"):
        slots["rep"] = _reporter(rng, style, complainant)
        terse = sc.terse[_tlevel(sc, inc)]
        tidx = rng.randrange(len(terse))
        body = _format(_timed(rng, terse[tidx], slots), slots)
        idx = len(sc.narr[_tlevel(sc, inc)]) + tidx
        after = _format(pick(rng, AFTER_TERSE[situation]), slots)
        parts = [body, after]
        if style == "workorder":
            parts.append(_format(pick(rng, DEMANDS_TERSE[_demand(rng, level, inc)]), slots))
            if repeat:
                parts.insert(0, "来电人再次反映：")
        else:
            parts.append(pick(rng, ("请求处警。", "民警已到场处置。", "", "")))
        text = "".join(parts)
    else:
        opener = pick(rng, OPENERS)
        intro = _format(pick(rng, INTRO_3RD if style == "third" else INTRO), slots)
        templates = sc.narr[_tlevel(sc, inc)]
        idx = rng.randrange(len(templates))
        body = _format(_timed(rng, templates[idx], slots), slots)
        after = _format(pick(rng, AFTER[situation]), slots)
        demand = _format(pick(rng, DEMANDS[_demand(rng, level, inc)]), slots)
        closer = pick(rng, CLOSERS)
        head = pick(rng, REPEAT_PREFIX) if repeat else ""
        for salutation in ("尊敬的领导：", "尊敬的领导，"):
            if body.startswith(salutation) and (opener or head or intro):  # the template has its own
                body = body[len(salutation):]
        sep = "\n" if rng.random() < 0.08 else ""
        text = "".join((opener, sep, head, intro, body, after, sep, demand, closer))
    if style == "call":
        title = ""
    elif level == "civic":  # civic titles are paired with their texts: narratives, then terse texts
        title = _format(sc.titles[idx], slots)
    else:
        title = _format(pick(rng, sc.titles), slots)
    if repeat and title:
        title = "再次反映" + title
    if rng.random() < 0.03:
        text, meta["variant"] = to_traditional(text), "traditional"
    elif rng.random() < 0.03:
        text, meta["variant"] = fullwidth_digits(text), "fullwidth"
    cname, cphone = _complainant_fields(rng, style, complainant, sc.victimless)
    return Rendered(text, title, cname, cphone, meta)


_TIME_WORDS = ("晚上", "半夜", "下午", "上午", "凌晨", "早上", "中午", "白天", "傍晚", "夜里", "，", "。")


def _timed(rng: random.Random, template: str, slots: dict[str, str]) -> str:
    """Sometimes add a time of day after the date, unless the template already says one."""
    at = template.find("{when}")
    if at >= 0 and rng.random() < 0.4 and not template[at + 6:at + 8].startswith(_TIME_WORDS):
        return template.replace("{when}", "{when}" + time_of_day(rng), 1)
    return template


def _demand(rng: random.Random, level: str, inc: Incident) -> str:
    return "money" if level == "crime" and inc.amount is not None and rng.random() < 0.5 else level


def _tlevel(sc: Scenario, inc: Incident) -> str:
    level = str(inc.facts.get("text_level") or inc.level)
    return level if level in sc.narr else inc.level


def _reporter(rng: random.Random, style: str, who: Person) -> str:
    if style == "call":
        return pick(rng, ("报警人", "报警人", f"报警人{who.name}", f"事主{who.name}", f"报警人{who.surname}某（{'男' if who.male else '女'}）"))
    return pick(rng, ("来电人", "市民", f"来电人{masked(rng, who)}", "来电人"))


def _complainant_fields(rng: random.Random, style: str, who: Person, victimless: bool) -> tuple[str, str]:
    r = rng.random()
    if victimless and r < 0.35:
        return "匿名", ""
    if r < 0.45:
        name = who.name
    elif r < 0.7:
        name = masked(rng, who)
    elif r < 0.75:
        name = "匿名"
    elif r < 0.87 and style in ("first", "third"):
        name = f"A000{rng.randrange(10000, 999999)}"
    else:
        name = ""
    r = rng.random()
    if r < 0.72:
        phone = who.phone
    elif r < 0.82:
        phone = who.phone[:3] + "****" + who.phone[7:]
    else:
        phone = ""
    return name, phone
