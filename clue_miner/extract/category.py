"""Rule/lexicon category of a complaint: crime, administrative (治安), civil dispute, civic matter.

The offences found by ``OffenceRules`` carry most of the crime / administrative signal; small
lexicons add what offences do not say: civil disputes (借钱不还, 押金不退, 合同纠纷, 离婚 …),
civic matters (道路, 学位, 户口, 噪音扰民 …), administrative (治安) hints (没受伤, 打牌赌钱 …) and
crime-report hints (报案, 嫌疑人, 追究刑事责任 …). Per-label evidence becomes logits with hand-set
weights and a softmax, so the four scores sum to 1. The pipeline may later move a complaint
between crime and administrative once thresholds (amount, injury) are applied: it reads
``predict_scores``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from clue_miner.extract.components import OffenceCandidate
from clue_miner.types import CATEGORY_LABELS, Category, Offence

CIVIL = {
    "欠款不还": 0.8, "借钱不还": 0.8, "欠钱不还": 0.8, "借款不还": 0.8, "不还钱": 0.6, "还钱": 0.4, "欠款": 0.4,
    "借款": 0.4, "借条": 0.4, "欠条": 0.5, "债务": 0.4, "合同纠纷": 0.8, "违约": 0.5, "违约金": 0.6,
    "退费": 0.6, "退款": 0.5, "退钱": 0.5, "押金不退": 0.8, "不退押金": 0.8, "押金": 0.4, "定金": 0.4,
    "拖欠工资": 0.6, "欠薪": 0.5, "工资": 0.2, "劳动合同": 0.6, "劳动仲裁": 0.7, "工伤": 0.5, "加班费": 0.5,
    "物业纠纷": 0.8, "物业费": 0.4, "房屋质量": 0.7, "质量问题": 0.5, "漏水": 0.4, "开裂": 0.4, "装修": 0.4, "离婚": 0.8, "抚养权": 0.7, "抚养费": 0.7, "继承": 0.7, "遗产": 0.7, "赡养": 0.5,
    "彩礼": 0.6, "消费纠纷": 0.8, "消费者": 0.4, "退货": 0.6, "售后": 0.5, "霸王条款": 0.5, "赔偿": 0.3,
    "租金": 0.5, "房东": 0.5, "租房": 0.4, "中介": 0.3, "邻里纠纷": 0.8, "宅基地纠纷": 0.8, "土地纠纷": 0.7,
    "民事纠纷": 0.9, "经济纠纷": 0.8, "纠纷": 0.3, "起诉": 0.4, "仲裁": 0.5, "调解": 0.4, "维权": 0.3,
    "违约责任": 0.6, "合同": 0.3, "购房合同": 0.5,
    # partnerships, second-hand goods, prepaid cards, final pay, private loans
    "合伙": 0.6, "合伙经营": 0.7, "合伙做生意": 0.7, "出资": 0.4, "对账": 0.5, "账目": 0.4, "二手车": 0.4,
    "泡水车": 0.6, "事故车": 0.5, "退车": 0.6, "不给退": 0.6, "拒绝退": 0.5, "不肯退": 0.5, "预付卡": 0.6,
    "充值卡": 0.5, "储值卡": 0.5, "会员卡": 0.4, "办了一张卡": 0.5, "余额": 0.3, "结清": 0.5, "未结清": 0.6,
    "没结": 0.4, "离职": 0.4, "拖欠": 0.4, "口头答应": 0.3, "民间借贷": 0.8, "借贷纠纷": 0.8, "打了借条": 0.6, "不认账": 0.5,
}
CIVIC = {
    "道路": 0.3, "修路": 0.5, "路面": 0.4, "路灯": 0.6, "公交": 0.5, "地铁": 0.4, "交通拥堵": 0.7, "拥堵": 0.5,
    "堵车": 0.6, "红绿灯": 0.6, "斑马线": 0.6, "人行天桥": 0.6, "停车": 0.4, "停车位": 0.5, "垃圾": 0.4,
    "绿化": 0.5, "规划": 0.4, "拆迁": 0.4, "征收": 0.3, "违建": 0.6, "违章建筑": 0.6, "学校": 0.3, "学位": 0.6,
    "入学": 0.6, "招生": 0.4, "教育": 0.4, "幼儿园": 0.4, "社保": 0.6, "医保": 0.6, "养老保险": 0.6,
    "公积金": 0.6, "户籍": 0.7, "户口": 0.6, "落户": 0.7, "证件办理": 0.7, "办理": 0.3, "办证": 0.5,
    "供水": 0.5, "停水": 0.6, "停电": 0.6, "供电": 0.5, "燃气": 0.4, "噪音扰民": 0.7, "噪声扰民": 0.7,
    "噪音": 0.5, "噪声": 0.5, "扰民": 0.5, "油烟": 0.5, "环境": 0.3, "污染": 0.3, "建议": 0.5, "咨询": 0.5,
    "政策": 0.4, "补贴": 0.4, "审批": 0.3, "申请": 0.3, "何时": 0.4, "什么时候": 0.4, "能否": 0.3,
    "小区": 0.2, "物业": 0.3, "电梯": 0.4, "下水道": 0.5, "信号": 0.3, "城管": 0.4, "摊贩": 0.5,
    "占道经营": 0.6, "广场舞": 0.6, "人才": 0.4, "公租房": 0.6, "廉租房": 0.6, "扶贫": 0.4, "低保": 0.5,
    # housing delivery and title deeds are for the housing authority to push (civic), not a private suit
    "延期交房": 0.7, "逾期交房": 0.7, "交房": 0.4, "办不了证": 0.5, "办证难": 0.6, "房产证": 0.4, "不动产证": 0.4,
    "停工": 0.4, "复工": 0.5, "烂尾": 0.6,
    "看病": 0.4, "医院": 0.3, "市政": 0.5, "公厕": 0.6, "排水": 0.5, "积水": 0.5, "施工": 0.3, "整改": 0.3,
}
ADMIN = {
    "没受伤": 0.6, "没有受伤": 0.6, "未受伤": 0.6, "轻微伤": 0.7, "打架": 0.5, "吸毒": 0.8, "打牌赌钱": 0.7,
    "打麻将赌钱": 0.7, "小赌": 0.7, "赌钱": 0.5, "卖淫嫖娼": 0.8, "嫖娼": 0.8, "治安": 0.4, "行政拘留": 0.7,
    "治安处罚": 0.8, "罚款": 0.3, "故意制造噪音": 0.7, "恶意制造噪音": 0.7, "酒驾": 0.7, "饮酒驾驶": 0.7,
    "辱骂": 0.5, "骂人": 0.5, "推搡": 0.5, "偷窥": 0.6, "醉酒闹事": 0.6, "管制刀具": 0.6, "扇了": 0.4,
}
REPORT = {
    "报警": 0.3, "报案": 0.5, "立案": 0.4, "刑事": 0.5, "犯罪": 0.4, "嫌疑人": 0.5, "犯罪嫌疑人": 0.6,
    "受害人": 0.4, "被害人": 0.5, "追究刑事责任": 0.7, "刑事责任": 0.5, "经侦": 0.5, "刑警": 0.5,
    "不予立案": 0.5, "追赃": 0.6, "挽回损失": 0.4, "作案": 0.5, "团伙": 0.4, "受害者": 0.4, "涉嫌": 0.3,
}
_LEXICONS = {"civil": CIVIL, "civic": CIVIC, "administrative": ADMIN, "report": REPORT}


class CategoryRules:
    """Four-way category from offences and lexicons.

    Parameters
    ----------
    weights: optional overrides of the logit weights (see ``DEFAULT_WEIGHTS``).
    """

    name = "category-rules"
    version = "category-rules-v2"

    DEFAULT_WEIGHTS: dict[str, float] = {
        "crime_offence": 3.4, "crime_report": 1.0, "crime_bias": -1.7, "crime_civil": -1.2,
        "admin_offence": 3.4, "admin_lexicon": 2.0, "admin_bias": -1.7,
        "civil_lexicon": 2.6, "civil_bias": -1.0, "civil_crime": -1.5,
        "civic_lexicon": 2.0, "civic_bias": -0.3,
    }

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        self.weights = weights
        self._automaton: Any = None

    def _compile(self) -> Any:
        if self._automaton is None:
            import ahocorasick  # lazy C extension

            automaton = ahocorasick.Automaton()
            table: dict[str, list[tuple[str, float]]] = {}
            for label, lex in _LEXICONS.items():
                for phrase, w in lex.items():
                    table.setdefault(phrase, []).append((label, w))
            for phrase, vals in table.items():
                automaton.add_word(phrase, (len(phrase), tuple(vals)))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def _lexicon_evidence(self, text: str) -> dict[str, float]:
        automaton = self._compile()
        best: dict[tuple[str, str], float] = {}
        hits = sorted(((end - n + 1, end + 1, vals) for end, (n, vals) in automaton.iter(text)),
                      key=lambda h: (h[0], h[0] - h[1]))
        cover = -1
        for start, end, vals in hits:
            if end <= cover:
                continue  # nested in a longer phrase (没有受伤 hides 受伤)
            cover = end
            phrase = text[start:end]
            for label, w in vals:
                best[(label, phrase)] = max(w, best.get((label, phrase), 0.0))
        miss = dict.fromkeys(_LEXICONS, 1.0)
        for (label, _), w in best.items():
            miss[label] *= 1.0 - w
        return {label: 1.0 - m for label, m in miss.items()}

    def predict_scores(
        self, texts: Sequence[str], offences: Sequence[Sequence[Offence | OffenceCandidate]] | None = None
    ) -> list[dict[str, float]]:
        """Per text, a score for each of crime / administrative / civil / civic (summing to 1)."""
        if offences is None:
            from clue_miner.extract.offence import OffenceRules

            offences = OffenceRules().predict(list(texts))
        w = {**self.DEFAULT_WEIGHTS, **(self.weights or {})}
        out: list[dict[str, float]] = []
        for text, offs in zip(texts, offences, strict=True):
            ev = self._lexicon_evidence(text or "")
            crime = max((o.score for o in offs if o.kind == "criminal"), default=0.0)
            admin = max((o.score for o in offs if o.kind != "criminal"), default=0.0)
            report = ev["report"] if crime > 0 else 0.3 * ev["report"]
            logits = {
                "crime": w["crime_offence"] * crime + w["crime_report"] * report + w["crime_bias"]
                + w["crime_civil"] * ev["civil"] * (1.0 - crime),
                "administrative": w["admin_offence"] * admin + w["admin_lexicon"] * ev["administrative"]
                + w["admin_bias"],
                "civil": w["civil_lexicon"] * ev["civil"] + w["civil_bias"] + w["civil_crime"] * crime,
                "civic": w["civic_lexicon"] * ev["civic"] + w["civic_bias"],
            }
            top = max(logits.values())
            exp = {k: math.exp(v - top) for k, v in logits.items()}
            total = sum(exp.values())
            out.append({k: exp[k] / total for k in CATEGORY_LABELS})
        return out

    def predict(
        self, texts: Sequence[str], offences: Sequence[Sequence[Offence | OffenceCandidate]] | None = None
    ) -> list[Category]:
        """The best category per text with its score."""
        result = []
        for scores in self.predict_scores(texts, offences):
            label = max(CATEGORY_LABELS, key=lambda k: scores[k])
            result.append(Category(label, round(scores[label], 4), tuple((k, scores[k]) for k in CATEGORY_LABELS)))
        return result
