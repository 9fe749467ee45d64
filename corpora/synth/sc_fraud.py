"""Fraud (诈骗) as people meet it: 刷单, fake customer service, 杀猪盘, second-hand deals, paying
someone to "arrange" things, impersonated acquaintances, absconding sub-landlords, 套路贷."""

from __future__ import annotations

import random

from corpora.synth.base import Incident, Scenario, pick
from corpora.synth.ids import card_text, make_bank_card, make_qq, make_wechat
from corpora.synth.legal import admin_amount, crime_amount
from corpora.synth.names import NICKNAMES
from corpora.synth.numerals import cn_count

_PLATFORMS = ("抖音", "QQ群", "微信群", "探探", "陌陌", "一个叫“优选商城”的APP", "淘宝", "快手", "小红书", "闲鱼")
_PAY = ("微信转账", "支付宝转账", "银行卡转账", "扫对方发的二维码", "手机银行")


def accounts(rng: random.Random, inc: Incident, p_card: float = 0.35, p_chat: float = 0.5) -> None:
    """Attach the suspect's accounts to the facts and an optional clause to the text."""
    parts = []
    if rng.random() < p_chat:
        if rng.random() < 0.65:
            wx = make_wechat(rng)
            inc.facts["wechat"] = wx
            parts.append(pick(rng, (f"对方微信号是{wx}", f"微信号：{wx}", f"加的微信号{wx}")))
        else:
            qq = make_qq(rng)
            inc.facts["qq"] = qq
            parts.append(pick(rng, (f"对方QQ号{qq}", f"QQ：{qq}", f"他的QQ是{qq}")))
    if rng.random() < p_card:
        card = make_bank_card(rng)
        inc.facts["bank_card"] = card
        parts.append(pick(rng, (f"收款银行卡号{card_text(rng, card)}", f"钱转到了卡号为{card_text(rng, card)}的账户",
                                f"对方账户{card}")))
    inc.slots["acct"] = ("，" + "，".join(parts)) if parts else ""
    inc.slots["pay"] = pick(rng, _PAY)


def _fraud_amount(rng: random.Random, inc: Incident, hi: float, lo_admin: float = 100) -> None:
    inc.amount = crime_amount(rng, "诈骗", hi_factor=hi) if inc.level == "crime" else admin_amount(rng, "诈骗", lo=lo_admin)


def _build_brushing(rng: random.Random, inc: Incident) -> None:
    _fraud_amount(rng, inc, hi=60)
    accounts(rng, inc)
    inc.slots["plat"] = pick(rng, _PLATFORMS)
    inc.slots["nick"] = pick(rng, ("刷单导师", "客服小美", "任务专员", "派单员阿杰", "财务李姐", "兼职主管"))
    inc.slots["bait"] = pick(rng, ("一开始做了两单，返了我几十块佣金", "前几单都按时返了本金和佣金", "第一单赚了18块钱",
                                    "说是给商家刷好评，一单赚5%"))


BRUSHING = Scenario(
    key="fraud_brushing", offence="诈骗", admin_cause="诈骗",
    police=("电信网络诈骗", "诈骗", "电信诈骗案", "诈骗案"), police_admin=("诈骗",),
    build=_build_brushing,
    narr={
        "crime": (
            "{when}{I}在{plat}上看到招兼职刷单的，说在家动动手指就能赚钱。{bait}，后来说要做“联单任务”，必须连续充值才能提现，{me}前前后后通过{pay}转了{amt}，最后对方说操作失误要再交钱解冻，{me}才知道被骗了{acct}。",
            "尊敬的领导，{I}被刷单诈骗了{amt}，这是{my}攒了好久的钱。{when}有个自称“{nick}”的人拉{me}进了一个群，{bait}，之后越充越多，现在群解散了，人也拉黑了{acct}。",
            "{I}{when}被网上的刷单返利骗了，一共{amt}，都是通过{pay}转过去的{acct}。{me}当天就去{station}报案了，希望能帮我追回来。",
        ),
        "admin": (
            "{when}{I}在{plat}上做刷单兼职，{bait}，后面转了{amt}就没回音了{acct}。钱不多，但是想问问能不能追回来。",
            "{I}被网上刷单骗了{amt}，{when}的事，通过{pay}转给对方的{acct}。想提醒大家不要上当。",
        ),
    },
    terse={
        "crime": ("{rep}称其{when}在{plat}上遭遇刷单返利诈骗，通过{pay}被骗{amt}{acct}。", "{rep}报称其被网络刷单诈骗，损失{amt}{acct}。"),
        "admin": ("{rep}称其在网上刷单被骗{amt}{acct}。",),
    },
    acts={
        "crime": ("其在{plat}上被他人以刷单返利为由骗取人民币{amt}", "不明身份人员以网络刷单返利为诱饵，骗取{v}人民币{amt}"),
        "admin": ("其在网上被人以刷单为名骗取{amt}",),
    },
    titles=("被刷单诈骗", "网络兼职刷单被骗求助", "刷单被骗了怎么办"),
    anon=("一个客服", "一个叫“导师”的人", "一个陌生人"), susp_known=0.2, group=True, subsum=True, weight=1.1,
)


def _build_csr(rng: random.Random, inc: Incident) -> None:
    _fraud_amount(rng, inc, hi=120)
    accounts(rng, inc, p_card=0.6, p_chat=0.2)
    inc.slots["role"] = pick(rng, ("淘宝客服", "快递理赔客服", "京东金融客服", "银保监会工作人员", "公安局民警", "检察院的人", "支付宝客服"))
    inc.slots["pretext"] = pick(rng, ("说购买的东西有质量问题要给退款", "说“百万保障”要到期了，不关闭每个月都会扣钱",
                                       "说名下的银行卡涉嫌洗钱，要把钱转到“安全账户”核查", "说以前的学生贷款没注销会影响征信",
                                       "说快递丢了要办理赔"))


CSR = Scenario(
    key="fraud_csr", offence="诈骗", admin_cause="诈骗",
    police=("电信网络诈骗", "诈骗", "电信诈骗案", "冒充客服诈骗"), police_admin=("诈骗",),
    build=_build_csr,
    narr={
        "crime": (
            "{when}{I}接到一个自称{role}的电话{phone}，{pretext}，让{me}下载了一个会议软件共享屏幕，一步步操作，结果{my}卡里{amt}全被转走了{acct}。",
            "{I}年纪大了，{when}有人打电话说是{role}，{pretext}。{me}信以为真，按对方说的去银行转了{amt}{acct}。后来打回去电话已经关机了。",
            "{when}{I}被冒充{role}的骗子骗了{amt}。对方{pretext}，说得有鼻子有眼的，还知道{my}身份证号{acct}。",
        ),
        "admin": (
            "{when}{I}接到冒充{role}的电话{phone}，{pretext}，被骗了{amt}{acct}，后来反应过来就没再转了。",
        ),
    },
    terse={
        "crime": ("{rep}称其接到冒充{role}电话{phone}，对方{pretext}，其通过{pay}被骗{amt}{acct}。",
                  "{rep}报称{when}被自称{role}的人以“{pretext}”为由诱导转账，共计被骗{amt}{acct}。"),
        "admin": ("{rep}称其接到自称{role}的电话，被骗{amt}{acct}。",),
    },
    acts={
        "crime": ("其接到冒充{role}的电话，对方{pretext}，骗取其人民币{amt}", "不明身份人员冒充{role}骗取{v}人民币{amt}"),
        "admin": ("其接到冒充{role}的电话被骗人民币{amt}",),
    },
    titles=("接到冒充客服电话被骗", "被冒充公检法诈骗", "老人被电信诈骗"),
    anon=("一个陌生号码", "对方"), susp_known=0.05, group=True, weight=1.0,
)


def _build_romance(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "诈骗", hi_factor=300, lo=20000)
    accounts(rng, inc, p_card=0.5, p_chat=0.8)
    inc.slots["plat"] = pick(rng, ("探探", "陌陌", "世纪佳缘", "微信摇一摇", "一个交友APP", "抖音"))
    inc.slots["nick"] = pick(rng, NICKNAMES)
    inc.slots["site"] = pick(rng, ("一个博彩网站", "一个叫“恒信国际”的投资平台", "一个数字货币平台", "一个外汇APP"))


ROMANCE = Scenario(
    key="fraud_romance", offence="诈骗", admin_cause="诈骗",
    police=("电信网络诈骗", "诈骗", "网络诈骗案"), police_admin=("诈骗",),
    build=_build_romance,
    narr={
        "crime": (
            "{when}{I}在{plat}上认识了一个网名叫“{nick}”的人，聊了一个多月，天天嘘寒问暖，后来说他有内部渠道，带{me}在{site}上投资。开始小赚了一点，后面越投越多，一共投进去{amt}，现在平台打不开了，人也联系不上{acct}。这就是人家说的杀猪盘！",
            "实在没办法了才写这封信。{I}被网上认识的“{nick}”骗了{amt}，对方说是{sus}，在{site}上带着投资，钱都是{pay}转出去的{acct}。{me}现在天天哭，家里的积蓄全没了。",
            "{I}被杀猪盘骗了{amt}。{when}在{plat}认识“{nick}”，{he}说自己做投资很多年，让{me}在{site}充值，提现的时候又说要交税、交保证金{acct}。",
        ),
    },
    terse={
        "crime": ("{rep}称其在{plat}结识网友“{nick}”，被诱导在{site}投资，共被骗{amt}{acct}。",
                  "{rep}报警称被网恋对象“{nick}”以投资为名骗走{amt}，平台现已无法登录{acct}。"),
    },
    acts={
        "crime": ("其通过{plat}结识网友“{nick}”，被诱导在{site}投资，被骗人民币{amt}", "{s}以恋爱交友为名诱导{v}投资，骗取人民币{amt}"),
    },
    titles=("网恋被骗杀猪盘", "被网友诱导投资骗光积蓄", "求助：杀猪盘诈骗"),
    anon=("对方",), susp_known=0.1, group=True, weight=0.9,
)


def _build_secondhand(rng: random.Random, inc: Incident) -> None:
    _fraud_amount(rng, inc, hi=15, lo_admin=150)
    accounts(rng, inc, p_card=0.2)
    inc.slots["plat"] = pick(rng, ("闲鱼", "转转", "朋友圈", "一个二手群", "58同城"))
    inc.slots["goods"] = pick(rng, ("二手苹果手机", "演唱会门票", "二手笔记本电脑", "游戏账号", "宠物狗", "iPad", "二手摩托车"))


SECONDHAND = Scenario(
    key="fraud_secondhand", offence="诈骗", admin_cause="诈骗",
    police=("诈骗", "网络诈骗", "诈骗案"), police_admin=("诈骗",),
    build=_build_secondhand,
    narr={
        "crime": (
            "{when}{I}在{plat}上看中一个{goods}，{sus}说东西在外地，让{me}先付款再发货，{me}通过{pay}付了{amt}，结果对方一直不发货，后来直接把{me}拉黑了{acct}。",
            "{I}{when}在{plat}买{goods}被骗了{amt}，对方{phone}发的快递单号是假的{acct}。后来在群里发现还有好几个人被同一个人骗了。",
            "{when}{I}想买个{goods}，在{plat}上联系了{sus}，对方发来的照片和视频都很正规，{me}通过{pay}付了{amt}，之后就再也联系不上了{acct}。",
        ),
        "admin": (
            "{I}{when}在{plat}上买{goods}，付了{amt}对方就不回消息了{acct}。钱不多但是很气人。",
            "{when}{I}在{plat}上被卖{goods}的骗了{amt}，通过{pay}付的{acct}。",
        ),
    },
    terse={
        "crime": ("{rep}称其在{plat}购买{goods}，付款{amt}后对方失联{acct}。", "{rep}报称{when}在{plat}交易{goods}被骗{amt}，{sus}已将其拉黑{acct}。"),
        "admin": ("{rep}称其在{plat}购买{goods}被骗{amt}{acct}。",),
    },
    acts={
        "crime": ("{s}在{plat}以出售{goods}为名，骗取{v}人民币{amt}",),
        "admin": ("{s}在{plat}以出售{goods}为名骗取{v}{amt}",),
    },
    titles=("网上买东西被骗", "二手平台交易被骗"),
    anon=("卖家", "一个卖家", "卖东西的人"), susp_known=0.4, group=True, subsum=True, weight=0.8,
)


def _build_favor(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "诈骗", hi_factor=60, lo=8000)
    inc.slots["favor"] = pick(rng, ("帮{my}儿子安排进事业单位", "帮孩子办进重点小学", "帮忙办拆迁安置指标", "帮{me}办低保",
                                     "帮忙把驾照分消掉", "帮{my}女儿进国企", "疏通关系让{my}家亲戚取保候审"))
    inc.slots["claim"] = pick(rng, ("在市里有关系", "是某局领导的亲戚", "在省里有人", "认识学校的校长", "在法院有熟人"))


FAVOR = Scenario(
    key="fraud_favor", offence="诈骗", admin_cause=None,
    police=("诈骗", "诈骗案"), police_admin=("诈骗",),
    build=_build_favor,
    narr={
        "crime": (
            "{when}，{sus}{phone}找到{I}，说{he}{claim}，能{favor}，前后收了{me}{amt}，还打了收条。结果两年过去了事情没办成，钱也不退，现在电话都不接了。",
            "{I}被{sus}骗了{amt}。{he}说自己{claim}，可以{favor}，{when}{me}把钱给了{he}。后来才知道{he}根本就没这个本事，专门骗人钱。",
            "举报{sus}以帮人办事为名诈骗。{he}声称{claim}，{when}收了{my}家{amt}，承诺{favor}，至今没有任何结果，钱也拒不退还。",
        ),
    },
    terse={
        "crime": ("{rep}称{sus}以能{favor}为由，收取其{amt}后未办成也不退还。", "{rep}反映{sus}{phone}自称{claim}，收取其{amt}承诺{favor}，至今未办也不退钱。"),
    },
    acts={
        "crime": ("{s}谎称能{favor}，骗取{v}人民币{amt}",),
    },
    titles=("以办事为名骗钱", "托人办事被骗", "举报{district}有人以帮忙办事为名诈骗"),
    anon=("一个中间人",), susp_known=0.9, susp_title="某", group=True, weight=0.7,
)


def _build_acquaint(rng: random.Random, inc: Incident) -> None:
    _fraud_amount(rng, inc, hi=30, lo_admin=300)
    accounts(rng, inc, p_card=0.6, p_chat=0.6)
    inc.slots["who"] = pick(rng, ("单位领导", "老同学", "表弟", "儿子", "公司老板", "村里的书记"))


ACQUAINT = Scenario(
    key="fraud_acquaint", offence="诈骗", admin_cause="诈骗",
    police=("电信网络诈骗", "诈骗", "冒充熟人诈骗"), police_admin=("诈骗",),
    build=_build_acquaint,
    narr={
        "crime": (
            "{when}{I}收到一个QQ消息，头像和名字都是{my}{who}的，说急用钱让{me}先转{amt}过去，{me}没多想就转了{acct}。后来打电话一问，{who}根本没发过消息。",
            "{I}{when}被冒充{who}的人骗了{amt}。对方用的是{who}的照片，说话语气也很像，让{me}通过{pay}转账{acct}。",
            "{when}有人加了{I}微信，说自己是{my}{who}，换了新号，{my}{who}出了点事急需用钱。{me}前后转了{amt}{acct}，第二天见到{who}本人才知道被骗。",
        ),
        "admin": (
            "{when}有人冒充{my}{who}找{I}借钱，{me}转了{amt}才发现不对{acct}，想问问怎么追回。",
        ),
    },
    terse={
        "crime": ("{rep}称有人冒充其{who}，以急需用钱为由骗取其{amt}{acct}。", "{rep}报称被冒充{who}的人通过{pay}骗走{amt}{acct}。"),
        "admin": ("{rep}称被冒充{who}的人骗走{amt}{acct}。",),
    },
    acts={
        "crime": ("不明身份人员冒充{v}的{who}，以借钱为由骗取人民币{amt}",),
        "admin": ("不明身份人员冒充{v}的{who}骗取人民币{amt}",),
    },
    titles=("被冒充熟人诈骗", "QQ冒充领导骗钱"),
    anon=("一个陌生人",), susp_known=0.05, weight=0.6,
)


def _build_sublet(rng: random.Random, inc: Incident) -> None:
    _fraud_amount(rng, inc, hi=8, lo_admin=600)
    inc.slots["months"] = cn_count(rng.choice((3, 6, 6, 12)))
    accounts(rng, inc, p_card=0.3, p_chat=0.3)


SUBLET = Scenario(
    key="fraud_sublet", offence="诈骗", admin_cause="诈骗",
    police=("诈骗", "诈骗案", "合同诈骗"), police_admin=("诈骗",),
    build=_build_sublet,
    narr={
        "crime": (
            "{I}是{where}的租客，{when}跟二房东{sus}签了合同，一次交了{months}个月房租加押金共{amt}。结果没住多久真正的房东上门说{he}根本没交房租，要我们搬走。{sus}早就跑了{acct}，同一栋楼被骗的不止我一家。",
            "二房东卷款跑路！{sus}{phone}把{where}的房子隔成好几间转租，{when}收了{I}{amt}的房租押金，现在人联系不上了，房东要收房。",
            "{I}{when}通过中介认识了{sus}，{he}说是房东，签了一年的合同，{me}一次交了{months}个月的房租和押金{amt}。后来才发现{he}自己也是租的，已经半年没交房租，人早跑了{acct}。",
        ),
        "admin": (
            "{when}{I}在{where}租房，交给二房东{sus}押金{amt}，后来{he}就不见了{acct}，押金也要不回来。",
        ),
    },
    terse={
        "crime": ("{rep}称二房东{sus}收取其房租押金共{amt}后失联，房屋原房东要求其搬离。", "{rep}报称{sus}冒充房东出租{where}房屋，收取其{amt}后逃匿。"),
        "admin": ("{rep}称二房东{sus}收取其押金{amt}后失联。",),
    },
    acts={
        "crime": ("{s}以转租{loc}房屋为名，收取{v}房租、押金共计{amt}后逃匿",),
        "admin": ("{s}收取{v}押金{amt}后失联",),
    },
    titles=("二房东卷款跑路", "租房被二房东骗了", "{estate}多名租客被二房东骗"),
    anon=("对方",), susp_known=1.0, susp_title="老板", group=True, subsum=True, weight=0.6,
)


def _build_loan(rng: random.Random, inc: Incident) -> None:
    inc.amount = crime_amount(rng, "诈骗", hi_factor=40, lo=8000)
    inc.slots["princ"] = pick(rng, ("借了两万块，到手只有一万四", "借了三万，扣了所谓的服务费和砍头息到手两万", "借了一万，签了五万的借条",
                                     "签了一堆空白合同，说是走流水"))
    inc.slots["co"] = pick(rng, ("一家小额贷款公司", "一个放贷的团伙", "一家叫“速达金融”的公司", "一个网贷APP的线下门店"))
    accounts(rng, inc, p_card=0.4, p_chat=0.2)


LOAN = Scenario(
    key="fraud_loan", offence="诈骗", admin_cause=None,
    police=("诈骗", "套路贷诈骗", "诈骗案"), police_admin=("诈骗",),
    build=_build_loan,
    narr={
        "crime": (
            "{when}{I}因为急用钱在{co}借款，{princ}。之后对方以各种名目说{me}违约，利滚利要{me}还，{me}前后已经还了{amt}，他们还说欠着，这明显是套路贷{acct}。带头的是{sus}{phone}。",
            "举报{co}搞套路贷。{I}{when}{princ}，后来被逼着陆续还了{amt}，对方还天天打电话骚扰{my}家人{acct}。",
            "{when}{I}在{co}办了一笔贷款，{princ}，没过几天对方就说{me}逾期了，各种违约金、服务费加起来，{me}已经被他们拿走{amt}。{sus}还威胁要到{my}单位闹。",
        ),
    },
    terse={
        "crime": ("{rep}称其在{co}借款，{princ}，后被以违约为由索要，已还款{amt}，疑似套路贷{acct}。",
                  "{rep}举报{co}以虚增债务方式向其索要钱款，其已支付{amt}，负责人{sus}。"),
    },
    acts={
        "crime": ("{s}等人以借款为名，通过虚增债务、制造违约等手段骗取{v}人民币{amt}",),
    },
    titles=("举报套路贷", "借钱被套路了"),
    anon=("放贷的人",), susp_known=0.6, susp_title="经理", group=True, weight=0.5,
)

SCENARIOS = (BRUSHING, CSR, ROMANCE, SECONDHAND, FAVOR, ACQUAINT, SUBLET, LOAN)
