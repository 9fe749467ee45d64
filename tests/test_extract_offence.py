from __future__ import annotations

import re

import pytest

from clue_miner.extract.offence import LABEL, OffenceCandidate, OffenceRules, load_patterns


@pytest.fixture(scope="module")
def rules() -> OffenceRules:
    return OffenceRules()


def _names(rules: OffenceRules, text: str) -> list[str]:
    return [o.name for o in rules.predict([text])[0]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我在网上被人骗了5万块", "诈骗"),
        ("电动车被偷了", "盗窃"),
        ("被人打成轻伤", "故意伤害"),
        ("他喝醉了还开车", "危险驾驶"),
        ("有人在小区里开设赌场", "开设赌场"),
        ("老板拖欠工资跑路", "拒不支付劳动报酬"),
        ("被人关在屋里两天不让走", "非法拘禁"),
        ("对方冒充客服让我把钱转到安全账户", "诈骗"),
        ("网恋对象拉我进投资理财平台，充值后无法提现", "诈骗"),
        ("我家昨晚失窃，小偷撬锁进屋偷走了金项链", "盗窃"),
        ("两个人骑摩托车飞车抢走了我的手机", "抢夺"),
        ("三个人持刀抢劫了路边的便利店", "抢劫"),
        ("有人威胁要曝光我的不雅视频，不给钱就发到网上", "敲诈勒索"),
        ("村里有人组织传销，拉人头发展下线", "组织、领导传销活动"),
        ("这家P2P平台爆雷了，非法集资好几千万", "非法吸收公众存款"),
        ("有人在微信群里卖冰毒", "走私、贩卖、运输、制造毒品"),
        ("他开车撞人后逃逸了", "交通肇事"),
        ("我的车被人划了好几道", "故意毁坏财物"),
        ("有人出租银行卡给电诈团伙跑分", "帮助信息网络犯罪活动"),
        ("小区保安泄露业主个人信息，还贩卖个人信息", "侵犯公民个人信息"),
        ("一伙人在村口聚众斗殴，持械互殴", "聚众斗殴"),
        ("网上有赌博网站，很多人在上面下注", "开设赌场"),
        ("他在公交车上摸我，对我猥亵", "强制猥亵、侮辱妇女"),
        ("晚上在街上被人强奸了", "强奸"),
        ("邻居打了我一巴掌，没有受伤", "殴打他人"),
        ("我老公吸毒", "吸毒"),
        ("小区附近有卖淫嫖娼", "卖淫嫖娼"),
        ("他经常在朋友圈造谣诽谤我", "诽谤"),
    ],
)
def test_extract_offence_top_offence(rules: OffenceRules, text: str, expected: str) -> None:
    found = rules.predict([text])[0]
    assert found, text
    assert found[0].name == expected, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "我不是被骗只是咨询",
        "没有被偷，只是放错地方了",
        "提醒大家谨防诈骗",
        "请问这种情况是否涉嫌诈骗",
        "公安破获一起特大电信诈骗案",
        "小区噪音扰民",
        "对方借钱不还",
        "建议在学校门口修一座人行天桥",
        "",
    ],
)
def test_extract_offence_nothing(rules: OffenceRules, text: str) -> None:
    assert rules.predict([text])[0] == []


def test_extract_offence_kinds(rules: OffenceRules) -> None:
    (crime,), (admin,) = rules.predict(["电动车被偷了", "我老公吸毒"])
    assert crime.kind == "criminal"
    assert admin.kind == "administrative"
    # an administrative cause merges into the criminal charge found alongside
    found = rules.predict(["他把我打了一顿，鉴定为轻伤二级"])[0]
    assert [o.name for o in found] == ["故意伤害"]
    assert found[0].kind == "criminal"


def test_extract_offence_several_offences(rules: OffenceRules) -> None:
    names = _names(rules, "被人关在屋里两天不让走，还被打伤了")
    assert {"非法拘禁", "故意伤害"} <= set(names)
    found = rules.predict(["我被人打了，鼻骨骨折，被关了一天"])[0]
    assert [o.score for o in found] == sorted((o.score for o in found), reverse=True)


def test_extract_offence_negation_lowers(rules: OffenceRules) -> None:
    plain, negated = rules.predict_scores(["我被骗了", "我不是被骗了"])
    assert negated["诈骗"] < plain["诈骗"]
    assert negated["诈骗"] > 0  # lowered, not removed


def test_extract_offence_evidence_offsets(rules: OffenceRules) -> None:
    text = "ＡＢ公司老板拖欠工资跑路，我还被骗走２万元"
    found = rules.predict([text])[0]
    assert found
    for off in found:
        assert isinstance(off, OffenceCandidate)
        assert off.evidence
        for ev in off.evidence:
            assert ev.label == LABEL
            assert text[ev.start:ev.end] == ev.text


def test_extract_offence_ascii_case_folded(rules: OffenceRules) -> None:
    assert "非法吸收公众存款" in _names(rules, "p2p平台爆雷")
    assert "非法吸收公众存款" in _names(rules, "Ｐ２Ｐ平台爆雷")


def test_extract_offence_specialised_absorbs_general(rules: OffenceRules) -> None:
    names = _names(rules, "对方签订合同后收取货款逃匿，合同诈骗")
    assert names[0] == "合同诈骗"
    assert "诈骗" not in names


def test_extract_offence_sklearn_like(rules: OffenceRules) -> None:
    fresh = OffenceRules(min_score=0.7)
    assert fresh.get_params()["min_score"] == 0.7
    assert fresh._compiled is None  # the automaton is built lazily
    assert fresh.fit() is fresh
    assert fresh._compiled is not None
    strict = OffenceRules(min_score=0.99)
    assert strict.predict(["我被骗了"]) == [[]]
    assert rules.predict([]) == []


def test_extract_offence_prior_conviction_lowers(rules: OffenceRules) -> None:
    assert _names(rules, "他曾因盗窃被判处有期徒刑一年") == []


# ---------------------------------------------------------------- pattern cues: crimes told, not named
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的电瓶车昨晚锁在车棚里，早上去取发现车不见了，锁也被剪断了", "盗窃"),
        ("下班回来发现放在门口的快递被人顺走了", "盗窃"),
        ("监控里看到一个戴口罩的人凌晨把我的三轮车骑走了，车到现在也没找到", "盗窃"),
        ("我在地铁上被人扒了钱包，包也被划开了一道口子", "盗窃"),
        ("出差回来发现家里进了贼，抽屉全被翻开，首饰盒没了", "盗窃"),
        ("在二手平台上买了一台相机，付了3200元后卖家就把我拉黑了", "诈骗"),
        ("微信上有人说自己是我表哥，换了新号，说急用钱让我先转过去，我转了5000元", "诈骗"),
        ("一个自称银行客服的人打电话，让我下载软件开了屏幕共享，卡里两万块被转走了", "诈骗"),
        ("一个人说认识学校领导，能帮孩子转学，收了我三万元，到现在没办成也不退钱", "诈骗"),
        ("中介带我租了间房，交了半年房租一万二，后来这个人就失联了", "诈骗"),
        ("我在路边等车时一个男的骑电动车从身后冲过来，拽走我的包就跑了", "抢夺"),
        ("晚上回家路上两个人拿着刀拦住我，逼我交出手机和现金", "抢劫"),
        ("前男友威胁我说要把聊天记录发给我单位领导，让我给他转一万块钱", "敲诈勒索"),
        ("讨债的人把我关在宾馆房间里，扣了三十多个小时才放我走", "非法拘禁"),
        ("我丈夫这些年一喝酒就打我，还用衣架抽我", "虐待"),
        ("这家投资公司承诺每月返2%的利息，向社会公开吸收资金，投资人有三百多名", "非法吸收公众存款"),
        ("老板欠了我们十几个工人半年的工资，现在人躲起来了，电话也打不通", "拒不支付劳动报酬"),
        ("对方喝了酒开车，交警测出酒精含量每百毫升150毫克", "危险驾驶"),
        ("撞我的司机喝了酒，测出来酒精含量每百毫升35毫克", "饮酒驾驶"),
        ("楼下车库被人开成了赌场，每一局都抽头，还有人在门口望风", "开设赌场"),
        ("那个人在我店里吃完饭不给钱，还说记账，已经好几次了", "寻衅滋事"),
        ("托朋友保管的五万元现金，他现在拒不归还", "侵占"),
        ("有人在业主群里造谣说我偷东西，还发了我的照片", "诽谤"),
    ],
)
def test_extract_offence_pattern_cues(rules: OffenceRules, text: str, expected: str) -> None:
    found = rules.predict([text])[0]
    assert found, text
    assert found[0].name == expected, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "物业说怕电动车被偷，不让在楼下充电",
        "希望小区多装几个摄像头，以防车被人推走",
        "我的车没有被偷，是停到别的地方忘了",
        "担心付了定金以后对方跑路，想问问怎么办",
        "接到冒充客服的电话说要退款，我没有上当，一分钱都没转",
        "听说最近有人冒充领导借钱，大家要小心",
        "朋友借了我两万块钱，打了借条，到现在还没还",
        "房东拒不退还押金两千元，想问问怎么维权",
        "想咨询一下这个理财平台说年化收益15%，有没有资质",
        "电梯又坏了，有个老人被困在电梯里一个多小时",
        "邻居家的狗把我孩子咬伤了，打了狂犬疫苗",
        "城管把我的三轮车拿走了，说是占道经营",
        "河边的小作坊晚上偷排污水，臭得很",
        "公司拖欠工资两个月了，老板说下个月发",
    ],
)
def test_extract_offence_pattern_cues_not_a_crime(rules: OffenceRules, text: str) -> None:
    assert [o for o in rules.predict([text])[0] if o.kind == "criminal"] == [], text


def test_extract_offence_pattern_hypothetical_lowers(rules: OffenceRules) -> None:
    told, feared = rules.predict_scores(["我的电动车被人推走了", "我怕电动车被人推走"])
    assert feared["盗窃"] < told["盗窃"]


def test_extract_offence_pattern_evidence_offsets(rules: OffenceRules) -> None:
    text = "ＡＢ：在闲鱼上买了部手机，付了１８００元，对方就把我拉黑了"
    (found,) = rules.predict([text])
    assert found and found[0].name == "诈骗"
    assert any("拉黑" in ev.text for ev in found[0].evidence)
    for ev in found[0].evidence:
        assert text[ev.start:ev.end] == ev.text


def test_extract_offence_pattern_split_by_blood_alcohol(rules: OffenceRules) -> None:
    (low,), (high,) = rules.predict(["他酒后开车，酒精含量每百毫升52毫克", "他酒后开车，血液酒精含量为120mg/100ml"])
    assert (low.name, low.kind) == ("饮酒驾驶", "administrative")
    assert (high.name, high.kind) == ("危险驾驶", "criminal")


def test_extract_offence_pattern_dampen(rules: OffenceRules) -> None:
    plain, averted = rules.predict_scores(["有人冒充公安让我转账，我转了八千元", "有人冒充公安让我转账，我识破了没有转"])
    assert averted.get("诈骗", 0.0) < 0.5 * plain["诈骗"]


def test_extract_offence_patterns_can_be_turned_off() -> None:
    text = "在二手平台上买了一台相机，付了3200元后卖家就把我拉黑了"
    assert OffenceRules(use_patterns=False).predict([text]) == [[]]
    assert OffenceRules().predict([text])[0][0].name == "诈骗"
    assert OffenceRules(use_patterns=False).get_params()["use_patterns"] is False


def test_extract_offence_pattern_file_is_consistent() -> None:
    """Every pattern compiles, names a known offence and finds its own examples (anchors included)."""
    import re

    from clue_miner.extract.offence import load_patterns
    from clue_miner.knowledge.taxonomy import load_taxonomy

    tax = load_taxonomy()
    specs = load_patterns()
    assert len(specs) >= 40
    assert len({s["id"] for s in specs}) == len(specs)
    for spec in specs:
        regex = re.compile(spec["regex"])
        if spec.get("weight"):
            assert tax.get(spec["offence"], spec.get("kind", "criminal")) is not None, spec["id"]
        for name in spec.get("dampen", {}):
            assert name in tax, spec["id"]
        for example in spec.get("examples", []):
            assert regex.search(example), (spec["id"], example)
            assert any(a in example for a in spec["anchors"]), (spec["id"], example)
        for counter in spec.get("counter", []):
            assert not regex.search(counter), (spec["id"], counter)


def test_extract_offence_admin_twin_keeps_its_cues(rules: OffenceRules) -> None:
    (found,) = rules.predict(["楼下几个人天天打麻将赌钱"])
    assert [(o.name, o.kind) for o in found] == [("赌博", "administrative")]
    (found,) = rules.predict(["有人在家里组织聚众赌博，抽头渔利"])
    assert found[0].name in ("赌博", "开设赌场") and found[0].kind == "criminal"


def test_extract_offence_specialised_inherits_parent(rules: OffenceRules) -> None:
    names = _names(rules, "我和一家公司签了加盟合同，付了八万元加盟费，之后对方公司就人去楼空了")
    assert names[0] == "合同诈骗"
    assert "诈骗" not in names


# ---------------------------------------------------------------- everyday words, slang and dialect
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("分手后他偷偷配了我家钥匙，趁我上班进了我屋里，我让他走他不走", "非法侵入住宅"),
        ("前夫半夜撬锁进来，坐在我床边，赶都赶不走", "非法侵入住宅"),
        ("店里的员工把五万多条会员姓名电话住址卖给了做推销的人", "侵犯公民个人信息"),
        ("有人在群里倒卖公民信息，一条几毛钱", "侵犯公民个人信息"),
        ("网上认识的女的约我裸聊，录了屏，说不给钱就把视频发给你通讯录里的人", "敲诈勒索"),
        ("村口那个作坊拿铜包铝线冒充纯铜线，批发给周边的五金店，一年卖了几十万", "生产、销售伪劣产品"),
        ("那家电镀厂在后墙埋了暗管偷排废水，检测六价铬超过排放标准三十多倍", "污染环境"),
        ("家里请的保姆经常打我奶奶，还用绳子把老人绑在床上", "虐待被监护、看护人"),
        ("午托班的老师动不动就用尺子打孩子，还把孩子关在厕所里", "虐待被监护、看护人"),
        ("那个二房东收了我们押一付十二的房租，一直没给房东交房租，房东来收房时他已经跑路了", "合同诈骗"),
        ("那几个人隔三差五到菜市场拿东西不给钱，谁不给就掀摊子打人", "寻衅滋事"),
        ("借了几个网贷口子，都是7天一期的，催收上门在我家门上喷漆，堵门威胁我", "催收非法债务"),
        ("店里的出纳把公司的营业款转到自己账上，前后二十多万", "职务侵占"),
        ("他说认识教育局的人能帮孩子办入学，收了我五万块，到现在也没办成", "诈骗"),
        ("导游说不买就不让下车，逼着我们在玉器店消费", "强迫交易"),
        ("楼上那家人把我家的车窗玻璃砸碎了，还把轮胎扎了", "故意毁坏财物"),
        ("讨债的把我关在屋里不让走，关了十几个小时", "非法拘禁"),
        ("这家足浴店有十几个小姐卖淫，明码标价", "组织卖淫"),
        ("那家宾馆里有小姐拉客，就在店里卖淫", "引诱、容留、介绍卖淫"),
        ("村里有人私屠滥宰，没有检疫就拉到集市上卖", "非法经营"),
        ("佢呃咗我三万蚊", "诈骗"),
        ("俺家的电动车被人偷走了", "盗窃"),
        ("杀猪盘，网上认识的男的带我投资，vx转了3w就提不了现", "诈骗"),
    ],
)
def test_extract_offence_everyday_descriptions(rules: OffenceRules, text: str, expected: str) -> None:
    found = rules.predict([text])[0]
    assert found, text
    assert found[0].name == expected, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "这算强买强卖吗？",
        "请问倒卖客户信息犯法吗？",
        "提醒广大市民谨防裸聊敲诈",
        "警方破获一起侵犯公民个人信息案",
        "商家虚假宣传，我买的鞋是假货，找客服要求退款不给退",
        "冇被骗，只系想问下",
        "小区车棚没有监控，存在电动车被偷盗的隐患",
        "这种做法和诈骗一样，坑老百姓",
        "小区盗窃事件频发，希望加强巡逻",
        "军训可以严格，但不要变相体罚",
        "开发商捆绑销售车位，我们不同意",
        "房东到期收房，押金不退",
        "幼儿园老师多次打电话让我交费",
        "我们店的员工多次把钱转到公司账上",
        "净水机出来的水铅含量超出自来水15倍",
        "我没有被人关起来，只是手机没电了",
        "物业催收物业费，说再不交就停水",
        "银行信用卡逾期了，利息利滚利越来越多",
    ],
)
def test_extract_offence_rhetoric_and_negation_not_a_crime(rules: OffenceRules, text: str) -> None:
    assert [o for o in rules.predict([text])[0] if o.kind == "criminal"] == [], text


def test_extract_offence_question_lowers(rules: OffenceRules) -> None:
    told, asked = rules.predict_scores(["他们强买强卖", "他们这算强买强卖吗？"])
    assert asked["强迫交易"] < told["强迫交易"]
    # a rhetorical question still reports the offence
    assert _names(rules, "他把我的钱骗走了，这不就是诈骗吗？")[0] == "诈骗"


# a 110 record: the theft is told once, in a long text, around bracketed asides with commas inside
_RECORD_110 = (
    "2024年3月2日8时20分许，报警人王某某（女，电话139 0000 1111）称其停放在某小区地下车库的一辆电动自行车"
    "（前年购买，购买价约四千二百元）于3月1日夜间被盗，今日在附近一家废品收购站发现该车已被拆开，车架、电瓶"
    "分开堆放。收购站老板承认3月2日凌晨以二百元价格从一名男子处收购，对方称车是“顺来的”，未出示任何购车手续。"
    "民警到场后对现场进行了查看，告知报警人等候处理。"
)


def test_extract_offence_reads_through_bracketed_asides(rules: OffenceRules) -> None:
    assert len(_RECORD_110) > rules.long_text
    names = _names(rules, _RECORD_110)
    assert "盗窃" in names and "掩饰、隐瞒犯罪所得、犯罪所得收益" in names
    # the same record without the asides reads the same
    plain = _RECORD_110.replace("（女，电话139 0000 1111）", "").replace("（前年购买，购买价约四千二百元）", "")
    assert set(_names(rules, plain)) == set(names)
    for off in rules.predict([_RECORD_110])[0]:
        for ev in off.evidence:
            assert _RECORD_110[ev.start:ev.end] == ev.text


def test_extract_offence_pattern_unless(rules: OffenceRules) -> None:
    # a private lease: a rent taken and the landlord gone is 诈骗 …
    assert _names(rules, "房东收了我半年房租一万二，之后就失联了")[0] == "诈骗"
    # … a sublet operator who took a year's rent ahead and never paid the real landlord: 合同诈骗
    sublet = "通过一家长租公寓租房，押一付十二转了四万八，后来房东上门收房，说公寓已经半年没给他交房租，公寓的人也联系不上了"
    assert _names(rules, sublet)[0] == "合同诈骗"


@pytest.mark.parametrize("pid", ["traffic.fatal_crash", "injury.knife_wound"])
def test_extract_offence_cover_up_accounts_switch_crash_and_wound_patterns_off(pid: str) -> None:
    spec = next(s for s in load_patterns() if s["id"] == pid)
    unless = re.compile(spec["unless"])
    # court facts of 窝藏、包庇 / 帮助毁灭证据 retell the crash or the stabbing of someone else
    for cover in ("被告人李某明知张某交通肇事，仍向民警谎称自己是肇事司机",
                  "被告人钱某明知赵某是犯罪的人，仍将其藏匿，帮助其逃避公安机关追捕",
                  "被告人单某在明知匕首系作案凶器的情况下，将匕首藏匿"):
        assert unless.search(cover), cover
    # a complaint that says the police shield the offender is still the complaint of a crash or a wound
    for complaint in ("我被他用水果刀刺伤，派出所包庇他不立案", "我儿子被车撞死了，司机跑了，交警包庇不查"):
        assert not unless.search(complaint), complaint


def test_extract_offence_fundraising_names_both(rules: OffenceRules) -> None:
    names = _names(rules, "这家p2p平台以年化12%向社会公开吸收资金，停止兑付后实控人卷款跑路，出借人有上千人")
    assert {"集资诈骗", "非法吸收公众存款"} <= set(names)
    assert "诈骗" not in names


@pytest.mark.parametrize(
    "text",
    ["有个家长在网上发帖说我在课上摸女孩子，还配了我的照片，完全是编造的，民警说诽谤属于自诉案件",
     "邻居到处造谣说我偷了他家的钱，纯属无中生有"],
)
def test_offence_false_accusation_of_the_writer_is_not_the_crime_reported(rules: OffenceRules, text: str) -> None:
    names = _names(rules, text)
    assert not {"猥亵儿童", "盗窃"} & set(names), names


def test_offence_the_same_act_told_as_fact_still_counts(rules: OffenceRules) -> None:
    assert "猥亵儿童" in _names(rules, "他在课上摸女孩子，好几个家长都看到了")


def test_extract_offence_compiled_matcher_gives_the_automatons_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cue phrases found by the compiled trie walk score every offence as pyahocorasick's matches
    do (texts with names, aliases, weak cues, blockers, pattern anchors, Latin case and none)."""
    pytest.importorskip("numba")
    from clue_miner.extract import jit
    from clue_miner.extract.offence.rules import _FOLD

    texts = ["有人出租银行卡给电诈团伙跑分", "一伙人在村口聚众斗殴，持械互殴", "他经常在朋友圈造谣诽谤我",
             "他多次盗窃电动车，还持刀抢劫路人，并组织卖淫，伤害案例不算。", "我家的WIFI被人蹭了", "", "今天天气很好",
        "被骗了5万元，对方冒充公检法，是电信诈骗，派出所说是民事纠纷不予立案" * 3]
    monkeypatch.setenv(jit.KERNELS_ENV, "numpy")
    want = OffenceRules().predict_scores(texts)
    comp = OffenceRules()._compile()
    monkeypatch.setenv(jit.KERNELS_ENV, "numba")
    got = OffenceRules().predict_scores(texts)
    assert got == want and any(want)
    for text in texts:  # the same (end, value) pairs, in any order
        folded = text.translate(_FOLD)
        assert sorted(comp.matches(folded), key=repr) == sorted(comp.automaton.iter(folded), key=repr)
