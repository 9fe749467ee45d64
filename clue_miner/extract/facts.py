"""Legally relevant facts of one complaint, derived from its entities and cue phrases.

The threshold table is applied to these: the amount involved, the worst injury, how many acts,
aggravating circumstances (入户, 扒窃, 携带凶器 …), blood alcohol, hours of detention, number of
victims, and the date of the incident.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from clue_miner.knowledge.thresholds import injury_rank
from clue_miner.text.numerals import parse_number
from clue_miner.types import Entity, Evidence, Facts

# Circumstance flags: name -> pattern over the normalised text.
_FLAG_PATTERNS: dict[str, re.Pattern[str]] = {
    "入户": re.compile(
        r"入户|入室|(?:撬|砸|翻|爬)(?:开|坏|了)?(?:门|锁|窗|阳台)(?:进|入|翻)?|(?:进|闯|溜|钻)(?:入|进)?(?:我|他|她|我们)?(?:家|屋|房间|宿舍|住处)"
        r"|(?:家里|家中|屋里|宿舍里?|房间里|店里|店铺里?)(?:的[^，。]{0,12})?(?:被盗|被偷|失窃|遭窃|进了?(?:小偷|贼|人))"
        r"|(?:撬|打开|弄开|技术开锁|开锁)[^，。]{0,6}(?:门|锁)[^，。]{0,8}(?:偷|盗|拿走|没了|不见)"),
    "扒窃": re.compile(r"扒窃|扒手|掏包|掏兜|(?:包|口袋|兜|衣兜|裤兜)里的[^，。]{0,10}(?:被偷|被扒|不见了|被掏)"
                      r"|(?:公交|地铁|车上|人群中|人多)[^，。]{0,12}(?:被偷|被扒|偷走)"),
    "携带凶器": re.compile(r"(?:持|拿着?|带着?|携带|掏出|亮出)(?:一把|把)?(?:刀|匕首|砍刀|菜刀|水果刀|凶器|枪|铁棍|钢管|棍棒)"),
    "醉驾": re.compile(r"醉驾|醉酒驾驶|醉酒(?:后)?开车|喝(?:醉|多)了?(?:酒)?(?:还)?(?:开车|驾车|驾驶)|酒后驾驶|酒驾"),
    "电信网络": re.compile(r"网上|网络|微信|QQ|qq|APP|app|App|平台|网站|链接|二维码|电话(?:里|中)?(?:说|称|冒充)|短信|刷单|杀猪盘|网恋|直播"),
    "殴打": re.compile(r"殴打|打了(?![0-9一二三四五六七八九十]|电话|个电话|110|120|招呼)|打我|被打|拳打脚踢|暴打|毒打|打伤|打成"),
    "抽头渔利": re.compile(r"抽头|抽水|抽成|收台费|台费"),
    "聚众": re.compile(r"聚众|纠集|一伙人|一帮人|十几个人|几十个人"),
    # 污染环境 per se (两高 2023 解释 art. 1): hidden discharge, heavy metals three times the standard
    "暗管排放": re.compile(r"暗管|渗井|渗坑|(?:偷偷|私自|夜间|半夜)[^，。；]{0,6}(?:灌注|注入)(?:地下|井)"),
    # 寻衅滋事 情节恶劣 (两高 2013 解释 art. 2): a beating with a weapon (拿砖头砸头, 持刀砍), or a
    # beating by a gang (纠集七名保安殴打, 一群人围殴, 五六个人把我打了)
    "持械殴打": re.compile(
        r"(?:拿|用|持|手持|手拿|手里拿着|手中带着|带着|抄起|操起|举起|抡起|掏出)(?:着|了|起)?(?:一把|一根|一块|把|根|块)?"
        r"(?:砖头|板砖|砖块|石头|石块|刀|菜刀|砍刀|匕首|水果刀|棍子?|棒子?|木棍|铁棍|钢管|铁锹|锄头|椅子|凳子|酒瓶|啤酒瓶|扳手|锤子|铁锤)"
        r"[^，。；！？]{0,16}?(?:砸|打|砍|捅|刺|戳|殴打|抡|拍|击中|击打)"
        # told from the victim's side: 头部被砖头砸伤, 被人用铁棍打断了腿
        r"|被(?:人|他|她|对方|其|他们)?(?:用|拿)?(?:砖头|板砖|砖块|石头|石块|刀|菜刀|砍刀|匕首|水果刀|木棍|铁棍|钢管|铁锹|锄头|酒瓶|啤酒瓶|扳手|锤子|铁锤)"
        r"(?:砸|打|砍|捅|刺)(?:伤|破|断|中|了|成)"),
    "聚众殴打": re.compile(
        r"聚众殴打|群殴|围殴|(?:纠集|招集|召集|叫来|喊来|带领|带着|伙同)[^，。；]{0,12}?(?:[0-9]{1,3}|[两三四五六七八九十几数]{1,3})(?:多|余)?(?:个|名|位)?"
        r"(?:人|保安|打手|社会人员|闲散人员|混混|青年|男子|员工)[^。；]{0,24}?(?:殴打|打伤|打了|暴打|毒打|围攻|拳打脚踢)"
        r"|(?:一群|一伙|一帮|[两三四五六七八九十几]{2,3}个|[0-9]{1,2}多?个)(?:人|保安|打手|社会人员|混混|男子|员工)[^，。；]{0,10}?"
        r"(?:殴打|围攻|打伤|打了|暴打|毒打|拳打脚踢)"
        r"|被(?:物业|保安|对方)?[^，。；]{0,8}?(?:一群人|一伙人|一帮人|多人|几个人|[五六七八九十]{1,2}个人)[^，。；]{0,6}?(?:殴打|围殴|打)"),
    # 污染环境: untreated waste water or chemicals let straight into ponds, rivers or fields, killing
    # fish or stock or fouling drinking water (两高 2023 解释 art. 1: 致使饮用水水源…, 生态环境严重损害;
    # the damage needs appraisal)
    "污染致损": re.compile(
        r"(?:废水|污水|废液|废料|化学|化工|酸|毒|未作?(?:任何)?处理|未经处理|直排|直接排放|偷排|乱排)"
        r"[^。！？]{0,60}?(?:(?:鱼|虾|鸡|鸭|鹅|牲畜|家禽|庄稼|禾苗|秧苗|农作物|树木)[^，。；]{0,6}?(?:大量|成片|全部|都)?(?:死亡|死光|死绝|死掉|死了|枯死|绝收)"
        r"|颗粒无收|(?:饮用水|井水|水源|自来水源)[^，。；]{0,8}?(?:严重)?(?:受到)?(?:污染|不能(?:再)?(?:饮用|喝|用)))"),
    "超标三倍": re.compile(r"超(?:过)?(?:国家|排放|地方)?标(?:准)?(?:[3-9]|[1-9][0-9]+|[三四五六七八九]|[一二三四五六七八九]?十[一二三四五六七八九]?|几十|数十|上百)(?:多)?倍"),
}
# Characters one of which every match of a pattern holds (checked in tests/test_facts_prefilter.py): a text
# without any is not scanned with it (the facts regexes try every position; most texts hold none).
_FLAG_NEEDS = {"扒窃": "扒掏偷见", "持械殴打": "砸打砍捅刺戳抡拍击", "聚众殴打": "殴打攻"}
_STATUS_NEEDS = {"penalised": "罚拘警"}
_TIMES_NEEDS = "次"
_RECORDS_NEEDS = "条"


def _holds(text: str, needs: str) -> bool:
    return any(c in text for c in needs)


# a driver who hit someone and fled (肇事逃逸, 撞了人就跑, 司机下车看了一眼就开车跑了)
_HIT_AND_RUN = re.compile(
    r"(?:肇事|驾车|驾驶|开车)?逃逸|逃离(?:事故)?现场|(?:撞|碾|刮)(?:倒|伤|了)?(?:人|我|他|她)?[^。；]{0,24}?(?:开车|驾车|驾驶)?(?:跑了|逃跑|逃走|溜了|扬长而去)"
    r"|(?:开车|驾车)(?:跑了|逃跑|逃走|溜了|离开|扬长而去)")
_TIMES_WORD = re.compile(r"多次|屡次|好几次|数次|反复|经常|三番五次|一而再")
_TIMES_NUM = re.compile(r"(?:先后|前后|共|累计|总共|已经|已)?([0-9]{1,3}|[一二两三四五六七八九十]{1,3})次")
_BAC = re.compile(
    r"([0-9]{2,3}(?:\.[0-9]+)?)\s*(?:mg|毫克)\s*(?:/|每)\s*100\s*(?:ml|mL|毫升)"
    r"|每(?:百|100)\s*(?:ml|mL|毫升)[^0-9，。]{0,4}([0-9]{2,3}(?:\.[0-9]+)?)\s*(?:mg|毫克)")
_INJURED_COUNT = re.compile(r"(?:打伤|致伤|致使|造成|导致)了?([0-9]|[一二两三四五六七八九十])(?:个|名|位)?人")
_HOURS = re.compile(r"(?:关|拘禁|扣|限制|锁|控制|囚禁|堵|困|看管)[^，。；]{0,12}?([0-9]{1,3}|[一二两三四五六七八九十]{1,3})"
                    r"(?:个)?(?:多)?(?:个)?(小时|天|日|夜)")
_PEOPLE_WORD = r"(?:投资人|受害人|被害人|受害群众|群众|老人|业主|储户|会员|客户|职工|工人|人)"
_PEOPLE = re.compile(
    r"([0-9]{2,6}|[一二两三四五六七八九十百千]{2,5})(?:多|余)?(?:名|个|位|户)?" + _PEOPLE_WORD
    + r"(?:被骗|受骗|受害|投资|参与|集资|上当|入股|存款)"
    r"|(?:投资人|受害人|被害人|受害群众|储户|会员|集资参与人)(?:有|达|多达|超过|约|共)?"
    r"([0-9]{2,6}|[一二两三四五六七八九十百千]{2,5}|上百|上千|上万|数百|数千|几百|几千)(?:多|余)?(?:名|个|位|户|人)")
# 5600名受害人, 2000多户家庭, 6000受害人: a count of victims named as such, no verb needed
_PEOPLE_NAMED = re.compile(
    r"([0-9]{2,6}|[一二两三四五六七八九十百千]{2,5}|上百|上千|上万|数百|数千|几百|几千)(?:多|余)?(?:名|位|户|个)?"
    r"(?:受害人|受害者|被害人|投资人|投资者|出借人|储户|集资参与人|会员|家庭|户家庭|老人|受骗群众)")
# 四万多条客户姓名电话, 几十万条公民信息: records of personal information (侵犯公民个人信息)
_RECORDS = re.compile(r"((?:[0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十百千万几数上]+)(?:多|余)?万?)条"
                      r"[^，。；]{0,12}?(?:信息|数据|资料|记录|电话|手机号|号码)")
# records counted by what was done with them, the kind told elsewhere (导出面单信息…卖了四万多条)
_RECORDS_TRADED = re.compile(r"(?:卖|出售|贩卖|售卖|倒卖|导出|泄露|提供|买)(?:了|出|给)?[^，。；0-9一二两三四五六七八九十百千万几数上]{0,6}?"
                             r"((?:[0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十百千万几数上]+)(?:多|余)?万?)(?:多|余)?条")
_RECORD_KIND = re.compile(r"信息|数据|资料|面单|记录|号码|手机号")
_VAGUE_COUNT = {"上百": 100, "上千": 1000, "上万": 10000, "数百": 300, "数千": 3000, "几百": 300, "几千": 3000}
_TOTAL_CUE = re.compile(r"(?:共计|合计|总共|累计|一共|总计|共|总额|总金额|总计金额|损失)(?:被骗|损失|转账|转了|被盗)?(?:人民币|金额)?(?:达|为|约)?$")
_PENALTY_CUE = re.compile(r"(?:罚款|罚了|罚金|处罚|奖励|悬赏|赔偿了|退还了?|退了)(?:人民币)?$")
# What the complainant says became of their report, most telling first. Generic wording, not
# phrases of one archive: express refusals (不予立案), withdrawals (撤案),
# penalties (罚款, 行政拘留), no filing (不给立案, 不受理, 说是经济纠纷, 让我去法院起诉), stalls
# (立案…一年多没进展), prosecution (移送起诉, 判了, 抓了), filing.
_STATUS_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("withdrawn", re.compile(r"撤案|撤销(?:了)?(?:案件|此案|该案|立案)|案子?(?:又|被|给)?撤(?:了|销)|(?:案|案件|该案|此案)(?:已经?)?被撤销"
                             r"|立了又撤")),
    # an express decision only: 不予立案(决定/通知书), 决定不立案 (DESIGN: "did not file" is UNFILED)
    ("refused", re.compile(r"不予立案|(?:决定|作出)不(?:予)?立案|不立案(?:决定|通知)")),
    ("penalised", re.compile(r"(?:只|仅|就|才)?(?:被|给|对)?[^，。]{0,8}(?:罚款|罚了|处以罚|行政拘留|拘留了?[0-9一二两三四五六七八九十]+[日天]|给(?:予|了)?[^，。]{0,6}警告)")),
    # reported and nothing filed: 不给立案, 不受理, 说是经济纠纷, 让我去法院起诉, 只做了笔录, 没给回执
    ("not_filed", re.compile(r"不(?:给|肯|愿意?)(?:我们?|他们?|她)?立案|没有?(?:给|予)?(?:我们?)?立案|拒绝立案|拒不立案|不予受理|不受理"
                             r"|够不上立案|达不到立案|不够立案|不符合立案|(?:说|认为|称|定性为?)(?:这|此|该)?(?:是|属于?|为)?(?:经济|民事|合同)纠纷"
                             r"|(?:让|叫|要)(?:我|我们|他|她|其)?(?:自己)?(?:去)?(?:向)?法院(?:起诉|告)|(?:只|就|仅)(?:是)?(?:做|作)了?(?:个)?笔录"
                             r"|(?:没|未)(?:有)?(?:给|出具|开具?)(?:我们?)?(?:任何)?(?:受案)?回执|推诿|踢皮球|不予理睬|不管不问|没有?(?:给我们?)?登记")),
    ("stalled", re.compile(r"(?:立案|立了案|案子?立了|已立案)(?:以来|之后|后)?[，,]?[^，。；]{0,12}(?:[0-9一二两三四五六七八九十半多]+(?:个)?(?:多)?(?:年|月)|很久|多年|至今|迟迟"
                           r"|没有?(?:任何)?进展|无进展|毫无进展|未破|没破|石沉大海|不了了之|没动静|没有?下文|没有?结果)"
                           r"|立而不侦|立案不侦|久侦不结|(?:一直|长期)(?:在)?侦查")),
    ("prosecuted", re.compile(r"移送(?:审查)?起诉|移送(?:到)?检察院|(?:已经?|已被|被)判(?:了|决|刑|处)|判决(?:了|生效)|结案|(?:案子?|案件)(?:已经?)?结了"
                              r"|(?:嫌疑人|对方|他|她|骗子|小偷)(?:已经?)?(?:被)?(?:抓(?:了|获|到|住)|到案|落网)")),
    ("filed", re.compile(r"已经?立案|立了案|已经立了|(?:派出所|公安|警方|分局)[^，。]{0,8}立案了|(?:就|早就|早已)立案|(?:目前|现在)[^，。]{0,8}立案了")),
    ("reported", re.compile(r"报警|报案|打了?110|报过案|去派出所")),
)
# A filing told with a complaint about progress elsewhere in the text (以非吸立案 … 至今已大半年,
# 光立案却没行动): filed and then left, however the two halves are worded.
_FILED_MENTION = re.compile(r"(?<![没未不拒要请申督予促求])(?:立案侦[查察]|立了案|已经?立案|立案以来|以[^，。；不没未]{1,8}立案"
                            r"|被[^，。；不没未拒要请予]{1,10}立案|(?:派出所|分局|公安局?|经侦|警方|打非办)[^，。；不没未拒要请予]{0,16}立案(?!吧|啊|呢|[？?]))")
_NO_PROGRESS = re.compile(r"至今(?:已|已经)?[^，。；]{0,6}(?:年|个月|月|天)|没有?(?:任何)?(?:进展|行动|动静|下文|结果)|毫无进展|无进展|进展(?:缓慢|不明)"
                          r"|迟迟(?:没有?|未|不)|没有?(?:抓|控制|冻结|追回)|未(?:抓|控制|冻结|追回)|光立案|只立案|立案不侦|不作为|拖延")
# the writer says in so many words that no case has been filed yet (到现在还没有立案, 迟迟不立案)
_NOT_YET_FILED = re.compile(r"(?:还|仍|仍然|至今|迟迟|一直|始终|到现在)(?:都)?(?:没有?|未|不|不予)(?:给)?(?:予)?立案")
_ASKED = re.compile(r"(?:要求|请求|恳请|督促|希望|申请|请|应当|应该|尽快|依法|予以|是否|能否|就能|才能|便能|可以|将会|马上|答应|承诺)"
                    r"[^，。；！？]{0,8}$")
# a request anywhere earlier in the same sentence (二、请公安机关对某公司及其法定代表人涉嫌犯罪问题立案侦查)
_ASKED_SENTENCE = re.compile(r"(?:^|[。；！？\n、])[一二三四五六七八九十0-9]*[、.．]?\s*(?:请求?|恳请|要求|强烈要求|希望|建议|督促|申请)[^。；！？\n]*$")


# Those who complained (we, the victims, protesters) as the ones detained or fined: 我们去省政府
# 递交联名信…之后又被公安局拘留10日 is the police acting against the petitioners, not a penalty
# given to the suspect instead of a filing.
_COMPLAINANTS = re.compile(r"我们|我|俺|咱们|受害人|受害者|投资人|出借人|维权|诉求|上访|信访|递交|请愿")
_OTHER_SUBJECT = re.compile(r"对方|他|她|嫌疑人|该|老板|公司|医院|企业|此人|这人|打人者|肇事|骗子|小偷|犯罪")


def _penalty_on_complainants(text: str, m: re.Match[str]) -> bool:
    """The penalty falls on the writer's side: a complainant word before it in the window, then
    被 with no other party named in between."""
    before = text[max(0, m.start() - 80):m.start()]
    last = None
    for last in _COMPLAINANTS.finditer(before):  # noqa: B007 - keep the nearest one
        pass
    if last is None:
        return False
    gap = before[last.end():] + m.group(0)
    return "被" in gap and not _OTHER_SUBJECT.search(gap)


def _filed_told(text: str) -> bool:
    """A filing the writer reports as done (not one they ask for: 恳请督促公安机关依法立案侦查)."""
    return any(
        not _ASKED.search(text[max(0, m.start() - 12):m.start()])
        and not _ASKED_SENTENCE.search(text[max(0, m.start() - 150):m.start()])
        for m in _FILED_MENTION.finditer(text)
    )


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _small_number(text: str) -> int | None:
    """1–999 from digits or simple Chinese numerals (三, 十二, 二十五)."""
    if text.isdigit():
        return int(text)
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if len(text) == 2 and all(ch in _CN_DIGITS for ch in text) and _CN_DIGITS[text[0]] < _CN_DIGITS[text[1]]:
        return _CN_DIGITS[text[0]]  # 七八次, 两三个: a range, read as its lower bound
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _CN_DIGITS.get(head, 1) if head else 1
        ones = _CN_DIGITS.get(tail, 0) if tail else 0
        return tens * 10 + ones
    try:
        import cn2an

        return int(cn2an.cn2an(text, "smart"))
    except Exception:  # noqa: BLE001 - an odd numeral is simply not a count
        return None


def _incident_date(times: Sequence[Entity], received: date | None) -> tuple[date | None, Entity | None]:
    """The earliest day-precise date that is not after the day the complaint was received."""
    best: tuple[date, Entity] | None = None
    for ent in times:
        value = ent.value
        if not isinstance(value, str) or len(value) < 10:
            continue
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            continue
        if received is not None and day > received:
            continue
        if best is None or day < best[0]:
            best = (day, ent)
    return (best[0], best[1]) if best else (None, None)


def _amount(text: str, money: Sequence[Entity]) -> tuple[float | None, bool, list[Entity]]:
    """The amount involved: a total when one is stated, else the largest loss-like amount."""
    usable: list[Entity] = []
    for ent in money:
        if not isinstance(ent.value, int | float) or ent.value <= 0:
            continue
        before = text[max(0, ent.start - 8):ent.start]
        if _PENALTY_CUE.search(before):
            continue
        usable.append(ent)
    if not usable:
        return None, False, []
    totals = [e for e in usable if _TOTAL_CUE.search(text[max(0, e.start - 8):e.start])]
    pick = max(totals or usable, key=lambda e: float(e.value))
    return float(pick.value), bool(pick.attrs.get("approx")), [pick]


# No appraised grade: what the injuries described usually amount to under the 人体损伤程度鉴定标准
# (肋骨骨折二处以上, 四肢长骨骨折, 颅骨骨折, 牙齿脱落二枚以上, 脏器破裂, 颅内出血, a stab or cut
# wound from a knife: 轻伤二级 or worse;
# 挫伤, 擦伤, 红肿, 淤青: 轻微伤). A clue built on it says the grade is presumed and needs appraisal.
PRESUMED_INJURY = "伤情推定"
_SERIOUS_DESC = re.compile(r"骨折|骨裂|脾破裂|肝破裂|内脏破裂|颅内出血|脑出血|伤残|致残|残疾|断了|打断|砍伤|捅伤|刺伤")
_MINOR_BONE = re.compile(r"^(?:[指趾鼻]骨)?(?:线性)?骨(?:折|裂)$")
_MINOR_DESC = frozenset({"软组织挫伤", "软组织损伤", "挫伤", "擦伤", "划伤", "抓伤", "淤青", "红肿"})


def _presumed_injury(entities: Sequence[Entity]) -> tuple[str | None, list[Entity]]:
    serious: list[Entity] = []
    minor: list[Entity] = []
    for ent in entities:
        if ent.label != "INJURY" or ent.value or ent.attrs.get("negated") or ent.attrs.get("uncertain"):
            continue
        if _SERIOUS_DESC.search(ent.text) and not _MINOR_BONE.match(ent.text):
            serious.append(ent)
        elif _MINOR_BONE.match(ent.text) or ent.text in _MINOR_DESC or ent.attrs.get("description") in _MINOR_DESC:
            minor.append(ent)
    if serious:
        return "轻伤二级", serious
    if minor:
        return "轻微伤", minor
    return None, []


def build_facts(text: str, entities: Sequence[Entity], received_at: datetime | None = None) -> Facts:
    """Facts from a normalised text and the entities found in it (offsets into that text)."""
    evidence: list[Evidence] = []
    money = [e for e in entities if e.label == "MONEY"]
    amount, approx, used = _amount(text, money)
    evidence.extend(Evidence("MONEY", e.text, e.start, e.end) for e in used)

    injury: str | None = None
    for ent in entities:
        if ent.label != "INJURY" or ent.attrs.get("negated") or not ent.value:
            continue
        if injury_rank(ent.value) > injury_rank(injury):
            injury = ent.value
            evidence.append(Evidence("INJURY", ent.text, ent.start, ent.end))

    flags: list[str] = []
    if injury is None:
        injury, described = _presumed_injury(entities)
        if injury is not None:
            flags.append(PRESUMED_INJURY)
            evidence.extend(Evidence("INJURY", e.text, e.start, e.end) for e in described)
    if injury is not None and injury.startswith("重伤"):
        m = _HIT_AND_RUN.search(text)
        if m:  # 交通肇事: 重伤 with full or main liability and flight from the scene (2000 解释 art. 2(2)(6))
            flags.append("重伤逃逸")
            evidence.append(Evidence("FLAG", m.group(0), m.start(), m.end()))
    if injury == "轻微伤":
        hurt = [_small_number(m.group(1)) for m in _INJURED_COUNT.finditer(text)]
        if any(n is not None and n >= 2 for n in hurt):
            flags.append("多人轻微伤")
    for name, pattern in _FLAG_PATTERNS.items():
        needs = _FLAG_NEEDS.get(name)
        m = pattern.search(text) if needs is None or _holds(text, needs) else None
        if m:
            flags.append(name)
            if name not in ("电信网络", "殴打"):
                evidence.append(Evidence("FLAG", m.group(0), m.start(), m.end()))

    times: int | None = None
    for m in _TIMES_NUM.finditer(text) if _TIMES_NEEDS in text else ():
        n = _small_number(m.group(1))
        if n is not None and 1 < n < 1000 and (times is None or n > times):
            times = n
    if times is None and _TIMES_WORD.search(text):
        times = 3
    if times is not None and times >= 3:
        flags.append("多次")

    bac: float | None = None
    m = _BAC.search(text)
    if m:
        bac = float(m.group(1) or m.group(2))
        evidence.append(Evidence("BAC", m.group(0), m.start(), m.end()))

    hours: float | None = None
    for m in _HOURS.finditer(text):
        n = _small_number(m.group(1))
        if n is None:
            continue
        h = float(n) * (1 if m.group(2) == "小时" else 24)
        hours = max(hours or 0.0, h)

    people: int | None = None
    for m in (*_PEOPLE.finditer(text), *_PEOPLE_NAMED.finditer(text)):
        token = m.group(1) or (m.group(2) if m.re is _PEOPLE else None)
        n = _VAGUE_COUNT.get(token) or _small_number(token)
        if n is not None and n > 1:
            people = max(people or 0, n)

    records: int | None = None
    counted = _RECORDS_NEEDS in text
    traded = _RECORDS_TRADED.finditer(text) if counted and _RECORD_KIND.search(text) else ()
    for m in (*(_RECORDS.finditer(text) if counted else ()), *traded):
        n = parse_number(m.group(1).replace("多", "").replace("余", ""))
        if n is not None and n.value >= 1:
            records = max(records or 0, int(n.value))

    stated: str | None = None
    for status, pattern in _STATUS_PATTERNS:
        if status in _STATUS_NEEDS and not _holds(text, _STATUS_NEEDS[status]):
            continue
        found = pattern.finditer(text)
        m = next((x for x in found if not (status == "penalised" and _penalty_on_complainants(text, x))), None)
        if m:
            stated = status
            if status != "reported":
                evidence.append(Evidence("STATUS", m.group(0), m.start(), m.end()))
            break

    if stated in (None, "reported", "filed", "not_filed") and not _NOT_YET_FILED.search(text) and _filed_told(text):
        m = _NO_PROGRESS.search(text)
        if m:
            stated = "stalled"
            evidence.append(Evidence("STATUS", m.group(0), m.start(), m.end()))

    received = received_at.date() if received_at else None
    day, day_ent = _incident_date([e for e in entities if e.label == "TIME"], received)
    if day_ent is not None:
        evidence.append(Evidence("TIME", day_ent.text, day_ent.start, day_ent.end))

    return Facts(
        amount=amount,
        amount_approx=approx,
        injury=injury,
        times=times,
        flags=tuple(flags),
        blood_alcohol=bac,
        detention_hours=hours,
        people=people,
        records=records,
        stated_status=stated,
        incident_date=day,
        evidence=tuple(evidence),
    )
