"""Economic crimes: 合同诈骗, 非法吸收公众存款, 组织、领导传销活动, 职务侵占, 拒不支付劳动报酬."""

from __future__ import annotations

import random

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.legal import crime_amount, nice
from corpora.synth.numerals import cn_count, cn_int
from corpora.synth.places import firm
from corpora.synth.sc_fraud import accounts


def _build_contract(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "合同诈骗", hi_factor=25)
    inc.slots["firm"] = firm(rng, inc.place)
    inc.slots["deal"] = pick(rng, ("装修合同", "采购一批建材的合同", "代理加盟合同", "购买一批化肥的合同", "定制家具合同", "工程分包合同"))
    inc.slots["trick"] = pick(rng, ("收了预付款之后就再没动工", "拿了定金就把公司注销了", "用假的营业执照和公章签的合同",
                                     "收款后整个公司人去楼空", "交了货款一直不发货，后来发现仓库是租来的空房子"))
    accounts(rng, inc, p_card=0.3, p_chat=0.1)


CONTRACT = Scenario(
    key="contract_fraud", offence="合同诈骗", admin_cause=None,
    police=("合同诈骗", "合同诈骗案"), police_admin=(),
    build=_build_contract,
    narr={
        "crime": (
            "{when}{I}和{firm}签了一份{deal}，负责人是{sus}{phone}，按合同付了{amt}。结果对方{trick}，{my}钱血本无归。我们怀疑这是有预谋的诈骗，请公安机关立案。",
            "尊敬的领导：{I}是{where}的业主，{when}与{firm}签订{deal}，先后支付{amt}。该公司{trick}，老板{sus}至今躲着不见{acct}。和我一样的受害者还有很多。",
            "反映{firm}合同诈骗的问题。{when}{I}与其签了{deal}，付了{amt}，对方{trick}。{me}多次找到公司，{sus}都说过几天处理，现在电话也关机了。",
        ),
    },
    terse={
        "crime": ("{rep}称其与{firm}签订{deal}并支付{amt}后，对方{trick}。", "{rep}反映{firm}负责人{sus}{phone}以签订{deal}为名收取其{amt}后失联。"),
    },
    acts={
        "crime": ("{s}以{firm}名义与{v}签订{deal}，收取款项{amt}后{trick}", "其与{firm}签订{deal}并支付{amt}，对方收款后逃匿"),
    },
    titles=("{firm}收钱后跑路", "签合同被骗请求立案", "举报{firm}合同诈骗"),
    anon=("公司负责人",), susp_known=0.85, susp_title="总", group=True, weight=0.7,
)


def _build_deposit(rng: random.Random, inc: Incident) -> None:
    inc.amount = nice(rng, rng.uniform(20000, 600000))
    people = rng.randrange(180, 3000)
    total = nice(rng, people * rng.uniform(40000, 150000))
    inc.facts["depositors"] = people
    inc.facts["total"] = total
    inc.slots["people"] = pick(rng, (f"{people // 10 * 10}多", f"{cn_int(people // 100 * 100)}多", "几百" if people < 1000 else "上千"))
    inc.slots["total"] = pick(rng, (f"{total // 10000}多万", f"{max(1, total // 100000000)}个多亿" if total >= 10**8 else f"{total // 10000}多万",
                                     f"{cn_int(total // 10000)}多万"))
    inc.slots["firm"] = firm(rng, inc.place)
    inc.slots["rate"] = pick(rng, ("年化12%", "月息2分", "每个月返1.5%的利息", "年收益18%", "保本保息年化10%"))
    inc.notes.append("非法吸收公众存款: reaches 150 depositors / 1,000,000 yuan in total")


DEPOSIT = Scenario(
    key="illegal_deposit", offence="非法吸收公众存款", admin_cause=None,
    police=("非法吸收公众存款", "非法吸收公众存款案", "非法集资"), police_admin=(),
    build=_build_deposit,
    narr={
        "crime": (
            "{I}是{firm}的投资人之一。{when}该公司业务员上门宣传，说是国家支持的项目，{rate}，保本保息。{me}前后投了{amt}，签的是“借款协议”。现在公司老板{sus}联系不上，门店关了，据说被骗的有{people}人，涉及资金{total}。",
            "尊敬的领导：{firm}以理财为名向社会公开吸收资金，{rate}，发动员工拉亲戚朋友投资，受害群众有{people}人，金额{total}。{I}{when}投了{amt}，是{my}全部的养老钱。{sus}现在躲起来了，请求公安机关尽快立案，追赃挽损。",
            "{firm}暴雷了！这家公司在{where}开了好几个门店，发传单、送鸡蛋拉老年人投资，{rate}。{I}{when}投了{amt}，听说一共吸收了{people}人的{total}。",
        ),
    },
    terse={
        "crime": ("{rep}称{firm}以高息（{rate}）为诱饵吸收公众资金，其投资{amt}无法兑付，涉及群众{people}人、资金{total}。",
                  "{rep}反映{firm}老板{sus}失联，公司此前以{rate}向社会公开揽储，受害人{people}人，其本人投入{amt}。"),
    },
    acts={
        "crime": ("{s}以{firm}名义，以{rate}的高额回报为诱饵向社会不特定公众吸收资金，{v}投资{amt}未能兑付",),
    },
    titles=("{firm}非法集资暴雷", "请求对{firm}立案侦查", "理财公司老板跑路"),
    anon=("公司老板",), susp_known=0.8, susp_title="总", group=True, weight=0.6,
)


def _build_mlm(rng: random.Random, inc: Incident) -> None:
    inc.amount = nice(rng, rng.uniform(3000, 120000))
    levels = rng.randrange(3, 9)
    members = rng.randrange(40, 800)
    inc.facts["levels"] = levels
    inc.facts["members"] = members
    inc.slots["levels"] = cn_count(levels)
    inc.slots["members"] = pick(rng, (f"{members // 10 * 10}多", "几十" if members < 100 else "几百", f"{cn_int(members // 10 * 10)}多"))
    inc.slots["product"] = pick(rng, ("保健品", "“纳米富氢水杯”", "所谓的区块链积分", "化妆品", "“资本运作”项目"))
    inc.notes.append("传销: entry fee, recruiting, 3+ levels, 30+ members")


MLM = Scenario(
    key="pyramid", offence="组织、领导传销活动", admin_cause=None,
    police=("组织、领导传销活动", "传销", "组织领导传销活动案"), police_admin=(),
    build=_build_mlm,
    narr={
        "crime": (
            "{when}{I}被老乡骗到{where}，说是介绍工作，去了才知道是搞传销的，每人要交{amt}买{product}当“入门费”，然后拉人头，拉够人就能升级拿提成。上线{sus}{phone}组织了{levels}级下线，有{members}人。{me}好不容易才跑出来。",
            "举报{where}的一个传销窝点，头目是{sus}，打着卖{product}的幌子，要求新人交{amt}入会，再发展下线，层级有{levels}层，人数{members}人。{my}亲戚也被骗进去了，怎么劝都不回来。",
            "我家{I}{when}被拉进了一个传销组织，交了{amt}，天天上课洗脑。这个组织以{product}为名，发展了{levels}级，{members}人，领头的叫{sus}。请公安机关打掉这个窝点！",
        ),
    },
    terse={
        "crime": ("{rep}称{where}有传销窝点，组织者{sus}以{product}为名收取入门费，其交纳{amt}，组织层级{levels}级、人员{members}人。",
                  "{rep}举报{sus}组织传销，以{product}为幌子拉人头、交入门费，其被骗交了{amt}，该组织有{members}人。"),
    },
    acts={
        "crime": ("{s}在{loc}以销售{product}为名组织传销活动，要求参加者缴纳入门费并发展下线，{v}缴纳{amt}",),
    },
    titles=("举报传销窝点", "家人陷入传销组织", "{district}有人搞传销"),
    anon=("上线",), susp_known=0.85, susp_title="老师", group=True, weight=0.5,
)


def _build_embezzle(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "职务侵占", hi_factor=20)
    inc.slots["firm"] = firm(rng, inc.place)
    inc.victim_org = inc.slots["firm"]
    inc.slots["post"] = pick(rng, ("出纳", "会计", "仓库保管员", "销售经理", "门店店长", "采购主管"))
    inc.slots["way"] = pick(rng, ("把收到的货款转到自己的个人账户", "虚开报销单据", "私自把仓库的货拉出去卖", "截留客户的回款",
                                   "做假账把公司的钱转走"))


EMBEZZLE = Scenario(
    key="embezzlement", offence="职务侵占", admin_cause=None,
    police=("职务侵占", "职务侵占案"), police_admin=(),
    build=_build_embezzle,
    narr={
        "crime": (
            "{I}是{firm}的负责人，公司原{post}{sus}利用职务之便{way}，从{when}前后被查出来的就有{amt}。{me}去派出所报案，材料都交了。",
            "反映{firm}员工职务侵占问题：{sus}在公司担任{post}期间，{way}，合计{amt}，事情败露后{he}辞职跑了{phone}。",
            "{I}在{where}开了一家小公司，{when}对账发现{post}{sus}{way}，金额{amt}。这是我们小企业的血汗钱。",
        ),
    },
    terse={
        "crime": ("{rep}称其公司{post}{sus}利用职务便利{way}，金额{amt}。", "{rep}反映{firm}员工{sus}侵占公司款项{amt}后离职，要求立案。"),
    },
    acts={
        "crime": ("{s}在担任{firm}{post}期间，利用职务便利{way}，侵占公司财物{amt}",),
    },
    titles=("员工侵占公司财产", "{firm}财务卷款", "请求对职务侵占立案"),
    anon=("公司员工",), susp_known=1.0, weight=0.5, victim_age=(32, 62),
)


def _build_wages(rng: random.Random, inc: Incident) -> None:
    many = rng.random() < 0.5
    inc.slots["firm"] = firm(rng, inc.place)
    inc.slots["site"] = pick(rng, ("工地", "厂里", "项目上", "装修队"))
    if inc.level == "crime":
        months = rng.randrange(3, 13)
        workers = rng.randrange(12, 80) if many else 1
        per = crime_amount(rng, "拒不支付劳动报酬", hi_factor=12)
        inc.amount = per
        inc.facts.update(months=months, workers=workers, ordered=True)
        if workers >= 10:
            inc.facts["total"] = per * workers
        inc.slots["order"] = pick(rng, ("劳动监察大队已经下了《限期改正指令书》", "人社局责令他限期支付", "劳动监察部门下达了责令支付通知书",
                                         "人社部门发了整改通知"))
        inc.notes.append("拒不支付劳动报酬: ordered to pay by labour inspection and still refuses")
    else:
        months = rng.randrange(1, 3)
        workers = 1
        inc.amount = nice(rng, rng.uniform(1500, 4400))
        inc.facts.update(months=months, workers=workers, ordered=False)
        inc.slots["order"] = pick(rng, ("还没去劳动监察投诉", "只是口头答应过几天给", "说等甲方结了款再说"))
    inc.slots["months"] = cn_count(months)
    inc.slots["crew"] = f"，一起干活的{cn_count(workers)}个工友也都没拿到钱" if workers > 1 else ""
    inc.slots["workers"] = f"{cn_count(workers)}名工人" if workers > 1 else "工人"


WAGES = Scenario(
    key="unpaid_wages", offence="拒不支付劳动报酬", admin_cause=None,
    police=("拒不支付劳动报酬", "拒不支付劳动报酬案"), police_admin=(),
    build=_build_wages,
    narr={
        "crime": (
            "{I}在{firm}的{site}干活，老板{sus}{phone}已经拖欠了{months}个月的工资，{my}一个人就被欠了{amt}{crew}。{order}，他还是一分不给，人也躲起来了。",
            "尊敬的领导：{sus}承包{firm}的{site}，拖欠{workers}{months}个月工资，{I}被欠{amt}。{order}，逾期后仍拒不支付，还把手机号换了。快过年了，求政府给农民工做主！",
            "反映{sus}恶意欠薪：{I}从{when}开始在{site}上班，{months}个月工资{amt}一直不发。{order}，{he}照样不给，还说有本事去告。",
        ),
        "civil": (
            "{I}在{firm}{site}打工，老板{sus}欠了{months}个月工资{amt}没发，{order}。想问问应该去哪里投诉。",
            "{when}{I}从{firm}离职，最后{months}个月的工资{amt}到现在没结，{sus}{order}。",
        ),
    },
    terse={
        "crime": ("{rep}称{firm}负责人{sus}拖欠{workers}{months}个月工资，其本人被欠{amt}，{order}后仍拒不支付。",
                  "{rep}反映包工头{sus}{phone}欠薪{months}个月共{amt}，{order}，对方仍不支付并失联。"),
        "civil": ("{rep}称{firm}拖欠其{months}个月工资{amt}，{order}。", "{rep}反映离职后{firm}未结清工资{amt}。"),
    },
    acts={
        "crime": ("{s}拖欠{v}等劳动者劳动报酬，经人社部门责令支付后逾期仍不支付，其中拖欠{v}{amt}",),
        "civil": ("{v}报称{s}拖欠其工资{amt}",),
    },
    titles=("农民工讨薪", "老板拖欠工资跑路", "恶意欠薪请求处理", "{firm}拖欠工资"),
    anon=("包工头",), susp_known=0.95, susp_title="老板", group=True, weight=0.8,
)

SCENARIOS = (CONTRACT, DEPOSIT, MLM, EMBEZZLE, WAGES)
