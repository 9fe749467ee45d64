"""Offences prosecuted on complaint only (告诉才处理): 侮辱, 诽谤, 虐待, 侵占, 暴力干涉婚姻自由.

The facts are criminal, but a police refusal or withdrawal is no supervision clue.
"""

from __future__ import annotations

import random

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.legal import crime_amount


def _note(inc: Incident) -> None:
    inc.notes.append(f"{inc.offence}: 告诉才处理, police refusal is not a clue")


def _build_insult(rng: random.Random, inc: Incident) -> None:
    inc.slots["how"] = pick(rng, ("在业主群里发{my}的裸照，配上侮辱性的话", "当着全村人的面扒{my}衣服，往{my}身上泼粪",
                                   "在抖音上直播辱骂{me}，说{me}是“破鞋”", "把{my}照片P成遗照贴在小区门口"))
    _note(inc)


INSULT = Scenario(
    key="insult", offence="侮辱", admin_cause=None,
    police=("侮辱", "侮辱案"), police_admin=("侮辱",),
    build=_build_insult,
    narr={"crime": (
        "{when}，{sus}{how}，看到的人有好几百。{I}现在出门都抬不起头，{my}孩子在学校也被人指指点点。",
        "{I}被{sus}严重侮辱：{he}{how}。{me}去派出所，民警说这种要自己去法院告。",
        "{sus}{phone}因为一点矛盾，{when}{how}。{I}一个人在家哭了好几天，想问问法律怎么保护我们。",
    )},
    terse={"crime": ("{rep}称{sus}{how}，要求追究其责任。",)},
    acts={"crime": ("{s}{how}，公然侮辱{v}",)},
    titles=("被人公开侮辱", "网上被人恶意侮辱"),
    anon=("一个邻居",), susp_known=0.95, private=True, weight=0.35,
)


def _build_libel(rng: random.Random, inc: Incident) -> None:
    inc.slots["rumour"] = pick(rng, ("说{me}是小三、破坏别人家庭", "说{me}开的店卖假货、吃死过人", "说{me}有艾滋病",
                                      "说{me}贪污了村里的征地款"))
    inc.slots["plat"] = pick(rng, ("微信群", "抖音", "快手", "贴吧", "朋友圈"))
    _note(inc)


LIBEL = Scenario(
    key="libel", offence="诽谤", admin_cause=None,
    police=("诽谤", "诽谤案"), police_admin=("诽谤",),
    build=_build_libel,
    narr={"crime": (
        "{when}开始，{sus}在{plat}上到处造谣，{rumour}，转发了几千次，点击量好几万。{I}的名声全毁了，生意也做不下去了。",
        "{sus}{phone}捏造事实诽谤{I}，在{plat}发帖{rumour}。{me}找{he}理论，{he}说有本事去告。",
        "{when}有人截图告诉{I}，{sus}在{plat}上{rumour}，下面几百条评论骂{me}。这些全是编的。",
    )},
    terse={"crime": ("{rep}称{sus}在{plat}捏造事实，{rumour}，造成恶劣影响。",)},
    acts={"crime": ("{s}在{plat}捏造并散布{v}的虚假信息，{rumour}",)},
    titles=("被人在网上造谣诽谤", "恶意诽谤谁来管"),
    anon=("一个网友",), susp_known=0.9, private=True, weight=0.35,
)


def _build_abuse(rng: random.Random, inc: Incident) -> None:
    male = inc.suspect is None or inc.suspect.male
    inc.slots["rel"] = pick(rng, ("丈夫", "继父", "儿子") if male else ("儿媳", "妻子", "继母"))
    inc.slots["abuse"] = pick(rng, ("长期不给饭吃，冬天把{me}关在门外", "三天两头打骂，用皮带抽", "把{me}锁在杂屋里不让出门，有病也不给治"))
    _note(inc)


ABUSE = Scenario(
    key="family_abuse", offence="虐待", admin_cause=None,
    police=("虐待", "虐待案"), police_admin=("虐待",),
    build=_build_abuse,
    narr={"crime": (
        "{I}的{rel}{sus}这几年{abuse}。村里干部调解过好几次，{he}照样如此。{when}又发生了一次，{me}实在忍不下去了。",
        "{I}被{rel}{sus}虐待好几年了，{abuse}。{when}{he}又动手了，邻居都看不下去。",
    )},
    terse={"crime": ("{rep}称其长期遭{rel}{sus}虐待，{abuse}。",)},
    acts={"crime": ("{v}报称其{rel}{s}长期对其{abuse}",)},
    titles=("长期被家人虐待", "家暴虐待求助"),
    anon=("家里人",), susp_known=1.0, private=True, weight=0.3, victim_age=(55, 85),
)


def _build_conversion(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "诈骗", hi_factor=60, lo=10000)
    inc.slots["kept"] = pick(rng, ("托{he}保管的现金", "放在{he}那里的一批货", "{he}捡到的{my}的包和里面的钱", "代{me}收的租金"))
    _note(inc)


CONVERSION = Scenario(
    key="conversion", offence="侵占", admin_cause=None,
    police=("侵占", "侵占案"), police_admin=(),
    build=_build_conversion,
    narr={"crime": (
        "{when}{I}把{amt}交给{sus}代为保管，说好随时可以拿回来。现在{me}要，{he}说钱已经花了，拒不退还，{kept}就这样被{he}占了。",
        "{sus}拒不归还{kept}，价值{amt}，{I}找{he}要了无数次，{he}就是赖着不还。",
    )},
    terse={"crime": ("{rep}称{sus}拒不归还{kept}，价值{amt}。",)},
    acts={"crime": ("{s}将{v}交由其保管的财物{amt}占为己有，拒不退还",)},
    titles=("代为保管的钱被侵占", "拒不归还保管财物"),
    anon=("一个熟人",), susp_known=1.0, private=True, weight=0.25,
)


def _build_marriage(rng: random.Random, inc: Incident) -> None:
    inc.slots["force"] = pick(rng, ("把{me}锁在家里，还打了{me}几次，不准{me}和男朋友结婚", "收了别人家的彩礼，逼{me}嫁人，{me}不从就动手打",
                                     "打断了{me}男朋友的腿，说只要他活着就别想结婚"))
    inc.slots["rel"] = pick(rng, ("父亲", "哥哥") if inc.suspect is None or inc.suspect.male else ("母亲", "姐姐"))
    _note(inc)


MARRIAGE = Scenario(
    key="marriage_interference", offence="暴力干涉婚姻自由", admin_cause=None,
    police=("暴力干涉婚姻自由",), police_admin=(),
    build=_build_marriage,
    narr={"crime": (
        "{I}今年二十多岁，{when}开始{my}{rel}{sus}{force}。{me}已经成年，婚姻自由难道不受法律保护吗？",
        "{I}的{rel}{sus}{force}，{me}现在躲在外面不敢回家，{when}{he}还带人到{me}打工的地方闹。",
    )},
    terse={"crime": ("{rep}称其{rel}{sus}以暴力干涉其婚姻，{force}。",)},
    acts={"crime": ("{s}以殴打、拘禁等暴力手段干涉{v}婚姻自由",)},
    titles=("家人暴力干涉婚姻", "求助：被逼婚"),
    anon=("家里人",), susp_known=1.0, private=True, weight=0.2, victim_age=(20, 30), victim_male=False,
)

SCENARIOS = (INSULT, LIBEL, ABUSE, CONVERSION, MARRIAGE)
