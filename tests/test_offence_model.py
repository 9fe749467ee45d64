"""The shipped offence model (models/offence-linear): loads, predicts obvious cases, stays quiet on civic texts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from clue_miner.extract.components import OffenceDetector
from clue_miner.extract.offence.model import OffenceModel, load_offence_model
from clue_miner.model_store import models_dir

if not (models_dir() / "offence-linear" / "config.json").exists():
    pytest.skip("models/offence-linear is not built (training/train_offence.py)", allow_module_level=True)

OBVIOUS = {
    "盗窃": "我家楼下停的电动车昨天夜里被人偷走了，价值三千多元，小偷撬开了车锁。",
    "诈骗": "对方冒充淘宝客服说我的快递丢了要理赔，让我下载软件转账，我被骗了两万元，现在对方把我拉黑了。",
    "故意伤害": "邻居因为琐事拿刀把我砍伤了，医院鉴定为轻伤二级，打人的人到现在还没被处理。",
    "危险驾驶": "有个司机喝醉了酒还开车，撞上了路边的护栏，测出血液酒精含量150mg/100ml，属于醉驾。",
    "开设赌场": "举报小区旁边有人开了个赌场，摆了好几台赌博机，天天有人去赌钱，老板抽水。",
}
CIVIC = [
    "小区门口的路灯坏了好几个月了，晚上出行很不方便，希望有关部门尽快修复。",
    "建议在我们小区附近增加一条公交线路，现在上班要走很远才能坐车。",
    "孩子今年上小学，请问学位申请需要准备哪些材料，什么时候开始报名？",
    "楼上邻居每天晚上装修到十一点，噪音太大影响休息，请相关部门管一管。",
]


@pytest.fixture(scope="module")
def model() -> OffenceModel:
    return load_offence_model()


@pytest.fixture(scope="module")
def fact_model() -> OffenceModel:
    return load_offence_model(mode="fact")


def test_offence_model_loads_from_json_and_npz(model: OffenceModel) -> None:
    cfg_path = models_dir() / "offence-linear" / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    assert cfg["kind"] == "offence"
    assert isinstance(model, OffenceDetector)
    assert model.version == cfg["version"]
    assert len(model.labels) >= 474  # the whole statute taxonomy
    with np.load(cfg_path.parent / "weights.npz", allow_pickle=False) as npz:  # no pickled objects inside
        assert "idf" in npz.files
    size = sum(p.stat().st_size for p in cfg_path.parent.iterdir())
    assert size <= 30 * 2**20


@pytest.mark.parametrize("charge", sorted(OBVIOUS))
def test_offence_model_obvious_complaints(model: OffenceModel, fact_model: OffenceModel, charge: str) -> None:
    text = OBVIOUS[charge]
    offs = model.predict([text])[0]  # complaint reading: rules + model
    assert offs and offs[0].name == charge
    statistical = fact_model.predict([text])[0]  # the model's own top charge
    assert statistical and statistical[0].name == charge
    for o in offs + statistical:
        assert 0.0 <= o.score <= 1.0
        for e in o.evidence:
            assert text[e.start:e.end] == e.text


def test_offence_model_court_fact_multi_label(model: OffenceModel) -> None:
    fact = ("公诉机关指控：一、盗窃。2016年3月5日晚，被告人张某在某小区内秘密窃取被害人李某停放的电动车一辆，价值人民币3200元。"
            "二、故意伤害。同年4月2日，被告人张某因琐事与被害人王某发生争执，持水果刀将王某腹部刺伤，经鉴定，王某的损伤程度为轻伤二级。")
    assert model.is_court_text(fact)
    names = [o.name for o in model.predict([fact])[0]]
    assert {"盗窃", "故意伤害"} <= set(names)


def test_offence_model_court_fact_always_names_a_charge(model: OffenceModel) -> None:
    fact = "公诉机关指控：被告人赵某于2017年在某县禁猎区内使用禁用的工具猎捕野生动物，被当场查获。"
    offs = model.predict([fact])[0]
    assert offs and offs[0].kind == "criminal"
    assert offs[0].name == "非法狩猎"


def test_offence_model_no_offence_for_civic_texts(model: OffenceModel) -> None:
    for text, offs in zip(CIVIC, model.predict(CIVIC), strict=True):
        assert [o for o in offs if o.kind == "criminal"] == [], text


def test_offence_model_proba_is_calibrated_range(model: OffenceModel) -> None:
    texts = [OBVIOUS["诈骗"], CIVIC[0], ""]
    proba = model.predict_proba(texts)
    assert proba.shape == (3, len(model.labels))
    assert float(proba.min()) >= 0.0 and float(proba.max()) <= 1.0
    assert proba[0].argmax() == model.labels.index("诈骗")
    assert model.predict([""]) == [[]]


def test_offence_model_in_pipeline() -> None:
    from clue_miner.extract.pipeline import Pipeline

    pipe = Pipeline(offence=load_offence_model())
    ext = pipe("我在网上被人以刷单返利为名骗了五万块，对方电话13812345678，现在联系不上了。", "2024-04-01")
    assert ext.offences and ext.offences[0].name == "诈骗"
    assert ext.category.label == "crime"
    quiet = pipe(CIVIC[0])
    assert not [o for o in quiet.offences if o.kind == "criminal"]


def test_offence_model_evaluate_report(tmp_path, model: OffenceModel) -> None:  # noqa: ANN001
    from clue_miner.evaluate.offences import evaluate_offences, format_report

    rows = [
        {"fact": "公诉机关指控，被告人李某多次在超市内秘密窃取他人手机，价值共计人民币5000元。", "meta": {"accusation": ["盗窃"]}},
        {"fact": "公诉机关指控，被告人王某贩卖甲基苯丙胺（冰毒）0.5克给吸毒人员，获利200元。",
         "meta": {"accusation": ["[走私、贩卖、运输、制造]毒品"]}},
        {"fact": "公诉机关指控，被告人陈某醉酒后驾驶小型轿车在道路上行驶，经检测血液酒精含量为180mg/100ml。", "charges": ["危险驾驶"]},
    ]
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    res = evaluate_offences(path, model)
    assert res["cases"] == 3
    assert "走私、贩卖、运输、制造毒品" in res["per_charge"]  # brackets canonicalised
    assert res["set_f1"] >= 2 / 3 and res["top1_acc"] >= 2 / 3
    for key in ("set_f1", "top1_acc", "macro_f1", "micro_f1"):
        assert 0.0 <= res[key] <= 1.0
    assert "set-F1" in format_report(res)


def test_offence_model_numpy_path_matches_scipy(model: OffenceModel) -> None:
    from clue_miner.extract.offence.scorer import OffenceScorer

    scorer = model._load()["scorer"]
    plain = OffenceScorer(scorer.vectorizer, scorer.labels, scorer.arrays, rules=None, use_scipy=False)
    texts = [*OBVIOUS.values(), CIVIC[0]]
    zeros = np.zeros((len(texts), len(scorer.labels)), np.float32)
    fast, slow = scorer.raw(texts, rule_scores=zeros), plain.raw(texts, rule_scores=zeros)
    for key in ("svm", "cen", "desc", "ncov"):
        np.testing.assert_allclose(fast[key], slow[key], atol=1e-4)
