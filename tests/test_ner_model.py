"""The statistical NER (models/ner-charlstm) on hand-written complaint sentences, and its numpy parts."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from clue_miner.extract.components import EntityRecognizer
from clue_miner.extract.ner.crf import (
    _transition_groups,
    best_spans,
    best_spans_many,
    bioes_tags,
    forward_backward,
    forward_backward_log,
    span_probabilities,
    span_probability,
    spans_from_tags,
    transition_mask,
    viterbi,
    viterbi_dense,
)
from clue_miner.extract.ner.features import Vocab, bigrams, segment
from clue_miner.extract.ner.lexicon import N_FEATURES, get_lexicon
from clue_miner.extract.ner.model import _CASE_CUES, NerModel, _head_order, default_ner
from clue_miner.model_store import models_dir

MODEL_DIR = models_dir() / "ner-charlstm"


@pytest.fixture(scope="module")
def model(shipped_ner: NerModel) -> NerModel:
    return shipped_ner


def _found(model: NerModel, text: str) -> dict[tuple[str, str], dict]:
    ents = model.predict([text])[0]
    for e in ents:
        assert text[e.start:e.end] == e.text and e.source == "ner"
    return {(e.label, e.text): e.attrs for e in ents}


# -- the shipped model --------------------------------------------------------------------------

def test_ner_model_is_an_entity_recognizer(model: NerModel) -> None:
    assert isinstance(model, EntityRecognizer)
    assert model.name == "ner-charlstm" and model.version.startswith("ner-charlstm")
    assert model.predict([]) == [] and model.predict([""]) == [[]]


def test_ner_model_full_names_with_roles(model: NerModel) -> None:
    found = _found(model, "犯罪嫌疑人张三、李四持刀抢劫了受害人王五的现金和一辆电动车。")
    assert found[("PERSON", "张三")]["role"] == "suspect"
    assert found[("PERSON", "李四")]["role"] == "suspect"
    assert found[("PERSON", "王五")]["role"] == "victim"
    assert found[("ITEM", "一辆电动车")]["kind"] == "goods" or found.get(("ITEM", "电动车"), {}).get("kind") == "goods"


def test_ner_model_complainant_from_cue(model: NerModel) -> None:
    found = _found(model, "我叫王小明，住在湖南省长沙市岳麓区麓山南路2号，昨天晚上我的电动车在小区楼下被偷了。")
    assert found[("PERSON", "王小明")]["role"] == "complainant"
    assert ("LOCATION", "湖南省长沙市岳麓区麓山南路2号") in found
    assert found[("ITEM", "电动车")]["kind"] == "goods"


def test_ner_model_partial_names(model: NerModel) -> None:
    found = _found(model, "2024年3月5日晚，张某某在长沙市雨花区某小区盗窃了被害人李某的苹果手机一部。")
    assert found[("PERSON", "张某某")] == {"role": "suspect", "partial": True}
    assert found[("PERSON", "李某")]["role"] == "victim"
    assert any(label == "LOCATION" and text.startswith("长沙市雨花区") for label, text in found)


def test_ner_model_drugs_and_weights(model: NerModel) -> None:
    found = _found(model, "被告人陈某某于2019年5月在广州市白云区贩卖冰毒0.5克给吸毒人员赵某。")
    assert found[("ITEM", "冰毒")]["kind"] == "drug"
    assert ("QUANTITY", "0.5克") in found
    assert found[("PERSON", "陈某某")]["role"] == "suspect"
    assert ("LOCATION", "广州市白云区") in found


def test_ner_model_complaint_profile_gives_money_and_time_spans_the_rules_value(model: NerModel) -> None:
    from clue_miner.extract.pipeline import Pipeline

    text = "2023年6月1日，我在淘宝上被人骗走了人民币5000元。"
    ents = model.predict([text])[0]
    assert {"MONEY", "TIME"} <= {e.label for e in ents}  # the case heads' spans …
    found = {e.label: e for e in Pipeline(ner=model)(text).entities}
    assert found["MONEY"].value == 5000.0 and found["TIME"].value == "2023-06-01"  # … the rules' values


def test_ner_model_in_pipeline_time_follows_the_case_heads_conventions(model: NerModel) -> None:
    from clue_miner.extract.pipeline import Pipeline

    theft = "2018年6月24日8时许，被告人徐某某至合肥市包河区某网咖，盗走被害人陆某某的手机一部，包内有现金人民币500元。"
    ents = {e.label: e for e in Pipeline(ner=model)(theft).entities}
    assert ents["TIME"].text == "2018年6月24日8时许" and ents["TIME"].value.startswith("2018-06-24")
    assert ents["MONEY"].value == 500.0
    drug = "2015年4月3日15时许，被告人江某在重庆市某区某宾馆8103房间内以300元价格卖给陈某1小包冰毒，后被民警抓获。"
    times = [e for e in Pipeline(ner=model)(drug).entities if e.label == "TIME"]
    assert [e.text for e in times] == ["2015年4月3日15时"] and times[0].value.startswith("2015-04-03")


def test_ner_model_corpus_view_normalises_money_and_time(model: NerModel) -> None:
    text = "2017年7月初的一天19时许，被告人黄某某在嵊州市鹿山街道窃得电瓶5只，价值人民币600元。"
    ents = model.for_corpus("cail2021").predict([text])[0]
    money = [e for e in ents if e.label == "MONEY"]
    assert money and money[0].value == 600.0
    assert any(e.label == "PERSON" and e.text == "黄某某" and e.attrs["role"] == "suspect" for e in ents)
    news = model.for_corpus("news").predict(["新华社北京电，国务院总理李鹏今天会见了日本客人。"])[0]
    assert {e.label for e in news} <= {"PERSON", "LOCATION", "ORG"}
    assert ("PERSON", "李鹏") in {(e.label, e.text) for e in news}


def test_ner_model_long_text_offsets(model: NerModel) -> None:
    part = "我叫王小明，住在湖南省长沙市岳麓区麓山南路2号。被告人陈某某贩卖冰毒0.5克。"
    text = "，".join([part] * 12)  # ~450 characters: cut into pieces, offsets must still hold
    ents = model.predict([text])[0]
    assert len([e for e in ents if e.text == "陈某某"]) >= 10
    for e in ents:
        assert text[e.start:e.end] == e.text


def test_ner_model_in_pipeline_keeps_rule_identifiers_and_partial_names(model: NerModel) -> None:
    from clue_miner.extract.pipeline import Pipeline

    text = "本人张伟，身份证号码11010519491231002X，手机13812345678。老王和王经理在村口开设赌场，被邻居赵大勇举报。"
    ext = Pipeline(ner=model)(text)
    labels = {(e.label, e.text) for e in ext.entities}
    assert ("ID_NUMBER", "11010519491231002X") in labels
    assert ("PHONE", "13812345678") in labels
    people = {e.text: e for e in ext.entities if e.label == "PERSON"}
    assert people["老王"].value == "王某" and people["王经理"].value == "王某"
    assert people["张伟"].attrs["role"] == "complainant"
    for e in ext.entities:
        assert text[e.start:e.end] == e.text


def test_ner_model_prose_is_read_with_news_conventions(model: NerModel) -> None:
    text = "国务院总理李鹏今天在北京会见了美国国务卿奥尔布赖特。"
    assert not _CASE_CUES.search(text)
    found = _found(model, text)
    assert {("PERSON", "李鹏"), ("LOCATION", "北京"), ("LOCATION", "美国"), ("ORG", "国务院")} <= set(found)
    assert not any(label == "ITEM" for label, _ in found)  # the case heads' items stay out of prose


def test_ner_model_drug_narrative_keeps_drugs_as_drugs(model: NerModel) -> None:
    found = _found(model, "被告人张某某在昆明市某小区以200元的价格向李某贩卖甲基苯丙胺2克。")
    assert found[("ITEM", "甲基苯丙胺")]["kind"] == "drug"
    assert ("QUANTITY", "2克") in found


def test_ner_model_in_pipeline_title_person_keeps_the_name_span_and_the_linking_value(model: NerModel) -> None:
    from clue_miner.extract.pipeline import Pipeline

    text = "吴先生对记者说，他已经在深圳工作了十年。"
    people = {e.text: e for e in Pipeline(ner=model)(text).entities if e.label == "PERSON"}
    # every corpus marks the name without its title (吴 of 吴先生); the value stays the linking form
    assert set(people) == {"吴"} and people["吴"].value == "吴某" and people["吴"].attrs["title"] == "先生"


def test_ner_model_files_are_small_and_pickle_free() -> None:
    if not (MODEL_DIR / "config.json").exists():
        pytest.skip("models/ner-charlstm is not built")
    total = sum(p.stat().st_size for p in MODEL_DIR.iterdir() if p.is_file())
    assert total <= 30 * 2**20
    with np.load(MODEL_DIR / "weights.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    assert (MODEL_DIR / "MODEL_CARD.md").exists()


def test_ner_model_default_is_none_without_model_dir(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("CLUE_MINER_MODELS", str(tmp_path))
    assert default_ner() is None


def test_ner_model_load_picks_the_shipped_model_or_none(model: NerModel) -> None:
    from clue_miner.api import load

    assert isinstance(load().ner, NerModel)
    assert load(ner_model="none").ner is None
    assert load(ner_model=str(MODEL_DIR)).ner.version == model.version


def test_ner_model_load_rejects_a_directory_of_another_kind() -> None:
    from clue_miner.api import load
    from clue_miner.errors import ModelError

    with pytest.raises(ModelError):
        load(ner_model=str(models_dir() / "offence-linear")).ner.predict(["张三"])


# -- numpy parts, no model needed ---------------------------------------------------------------

def _brute_best(em: np.ndarray, n: int, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """The best tag path of one text's first ``n`` steps, by trying every path."""

    def score(seq: tuple[int, ...]) -> float:
        s = start[seq[0]] + em[0, seq[0]] + end[seq[-1]]
        return float(s + sum(trans[seq[t - 1], seq[t]] + em[t, seq[t]] for t in range(1, len(seq))))

    return list(max(itertools.product(range(len(start)), repeat=n), key=score))


def _random_head(rng: np.random.Generator, labels: int):  # noqa: ANN202
    """A BIOES head of ``labels`` labels: tags, random transitions / start / end with BIOES's masks."""
    tags = bioes_tags([f"L{i}" for i in range(labels)])
    mt, ms, me = transition_mask(tags)
    k = len(tags)
    return (tags, rng.normal(size=(k, k)).astype(np.float32) + mt,
            rng.normal(size=k).astype(np.float32) + ms, rng.normal(size=k).astype(np.float32) + me)


def test_ner_model_viterbi_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    tags, trans, start, end = _random_head(rng, 2)
    em = rng.normal(size=(2, 4, len(tags))).astype(np.float32)
    lengths = np.array([4, 3])
    paths = viterbi(em, lengths, trans, start, end)
    for b in range(2):
        assert paths[b] == _brute_best(em[b], int(lengths[b]), trans, start, end)


def test_ner_model_grouped_viterbi_matches_brute_force_and_the_dense_step() -> None:
    """Heads with many tags decode over each tag's allowed predecessors only (``viterbi``); the
    paths are the brute-force best and those of the dense step, also with extreme emissions."""
    rng = np.random.default_rng(2)
    tags, trans, start, end = _random_head(rng, 4)  # 17 tags: the grouped step
    k = len(tags)
    assert _transition_groups(trans) is not None
    em = rng.normal(size=(9, 3, k)).astype(np.float32) * 2
    lengths = np.array([1, 2, 2, 3, 3, 3, 3, 3, 3])
    paths = viterbi(em, lengths, trans, start, end)
    assert paths == viterbi_dense(em, lengths, trans, start, end)
    for b in range(len(lengths)):
        assert paths[b] == _brute_best(em[b], int(lengths[b]), trans, start, end)
    big = bioes_tags([f"L{i}" for i in range(8)])
    mt, ms, me = transition_mask(big)
    for scale in (1.0, 30.0, 300.0):
        trans = rng.normal(size=(len(big), len(big))).astype(np.float32) + mt
        em = (rng.normal(size=(20, 60, len(big))) * scale).astype(np.float32)
        lengths = np.sort(rng.integers(1, 61, size=20))
        assert viterbi(em, lengths, trans, ms, me) == viterbi_dense(em, lengths, trans, ms, me)


def test_ner_model_span_probability_matches_brute_force() -> None:
    tags = bioes_tags(["A", "B"])
    k = len(tags)
    rng = np.random.default_rng(1)
    mt, ms, me = transition_mask(tags)
    trans = rng.normal(size=(k, k)).astype(np.float32) + mt
    start = rng.normal(size=k).astype(np.float32) + ms
    end = rng.normal(size=k).astype(np.float32) + me
    em = rng.normal(size=(2, 4, k)).astype(np.float32)
    lengths = np.array([4, 3])  # the second text is padded
    alpha, beta, log_z = forward_backward(em, lengths, trans, start, end)
    for b in range(2):
        n = int(lengths[b])
        total, mass = 0.0, {}
        for seq in itertools.product(range(k), repeat=n):
            s = start[seq[0]] + em[b, 0, seq[0]] + end[seq[-1]]
            w = float(np.exp(s + sum(trans[seq[t - 1], seq[t]] + em[b, t, seq[t]] for t in range(1, n))))
            total += w
            for span in spans_from_tags(seq, tags):
                mass[span] = mass.get(span, 0.0) + w
        assert np.isclose(float(log_z[b]), np.log(total), atol=1e-4)
        for (s0, e0, lab), w in mass.items():
            got = span_probability(em[b], alpha[b], beta[b], float(log_z[b]), trans, tags, s0, e0, lab)
            assert np.isclose(got, w / total, atol=1e-5)


def test_ner_model_scaled_forward_backward_equals_the_log_version() -> None:
    """The scaled forward-backward gives the log version's partition and span marginals, padded
    rows and one-step texts included, and falls back to it where a step underflows."""
    tags = bioes_tags([f"L{i}" for i in range(8)])
    mt, ms, me = transition_mask(tags)
    rng = np.random.default_rng(4)
    trans = rng.normal(size=(len(tags), len(tags))).astype(np.float32) + mt
    for scale, steps in ((1.0, 50), (30.0, 50), (3.0, 1)):
        em = (rng.normal(size=(6, steps, len(tags))) * scale).astype(np.float32)
        lengths = np.sort(rng.integers(1, steps + 1, size=6))
        a1, b1, z1 = forward_backward(em, lengths, trans, ms, me)
        a0, b0, z0 = forward_backward_log(em, lengths, trans, ms, me)
        assert np.allclose(z1, z0, rtol=1e-10, atol=1e-8)
        for b, path in enumerate(viterbi_dense(em, lengths, trans, ms, me)):
            for s0, e0, lab in spans_from_tags(path, tags):
                p1 = span_probability(em[b], a1[b], b1[b], float(z1[b]), trans, tags, s0, e0, lab)
                p0 = span_probability(em[b], a0[b], b0[b], float(z0[b]), trans, tags, s0, e0, lab)
                assert abs(p1 - p0) < 1e-9
    em = np.zeros((1, 3, len(tags)), np.float32)
    em[0, 1, :] = -2000.0  # every tag of step 1 underflows in probability space
    em[0, 1, 0] = 0.0
    blocked = np.full_like(trans, -1e4)  # ... and nothing may reach tag 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning escapes
        got = forward_backward(em, np.array([3]), blocked, ms, me)
    assert np.allclose(got[2], forward_backward_log(em, np.array([3]), blocked, ms, me)[2])


def test_ner_model_case_cues_route_complaints_not_prose() -> None:
    for text in ("我家电动车昨晚在小区被偷了", "被告人李某某于2019年5月窃得手机一部", "经鉴定，该车价值4636元",
                 "来电人反映楼下烧烤店噪音扰民"):
        assert _CASE_CUES.search(text), text
    for text in ("国务院总理李鹏今天在北京会见了美国客人", "复旦大学将于明年九月开设新专业"):
        assert not _CASE_CUES.search(text), text


def test_ner_model_drug_head_speaks_first_only_when_sure() -> None:
    heads = ["cail2021_person", "cail2021", "cail2022", "news"]
    per_head = {h: [] for h in heads} | {"cail2022": [(0, 3, "NDR"), (5, 7, "NW")]}
    assert _head_order(heads, per_head, {"cail2022": [0.97, 1.0]}) == ["cail2021_person", "cail2022", "cail2021", "news"]
    assert _head_order(heads, per_head, {"cail2022": [0.6, 1.0]}) == heads  # 茅台酒 in a theft case
    assert _head_order(heads, {h: [] for h in heads}, {"cail2022": []}) == heads


def test_ner_model_compiled_decoder_gives_the_reference_spans() -> None:
    """The numba decoder (``ner.kernels``) and the numpy reference (viterbi, then spans_from_tags) give
    the same spans: heads of 9 to 41 tags, ragged batches, extreme emissions, unconstrained and
    random transitions (stray I / E tags), ties (integer emissions), rows of length 0 and 1."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(11)
    for labels, rows, steps, scale, masked in [(2, 1, 1, 1.0, True), (3, 5, 40, 1.0, True), (8, 30, 160, 3.0, True),
                                               (8, 12, 50, 300.0, True), (10, 7, 30, 1.0, True), (4, 9, 25, 1.0, False)]:
        tags, trans, start, end = _random_head(rng, labels)
        if not masked:  # no BIOES constraints: every move allowed, stray I-X / E-X paths appear
            trans, start, end = (rng.normal(size=trans.shape).astype(np.float32), rng.normal(size=len(tags)).astype(np.float32),
                                 rng.normal(size=len(tags)).astype(np.float32))
        em = (rng.normal(size=(rows, steps, len(tags))) * scale).astype(np.float32)
        lengths = np.sort(rng.integers(0 if rows > 3 else 1, steps + 1, size=rows))
        want = best_spans(em, lengths, trans, start, end, tags, kernels_choice="numpy")
        assert best_spans(em, lengths, trans, start, end, tags, kernels_choice="numba") == want
        ties = np.round(em).astype(np.float32)  # many equal scores: the first best predecessor wins in both
        trans_ties = np.round(trans).astype(np.float32)
        assert (best_spans(ties, lengths, trans_ties, np.round(start), np.round(end), tags, kernels_choice="numba")
                == best_spans(ties, lengths, trans_ties, np.round(start), np.round(end), tags, kernels_choice="numpy"))
    jobs = [(em[:3], lengths[:3], trans, start, end, tags)]
    assert best_spans_many(jobs, kernels_choice="numba") == best_spans_many(jobs, kernels_choice="numpy")


def test_ner_model_compiled_span_probabilities_equal_the_reference() -> None:
    """Span marginals from the compiled forward-backward equal the numpy ones (to 1e-9), on spans
    of every length; a row whose scaled pass underflows (a sure B-A, then a sure O: no allowed move
    carries any mass) is redone by the numpy path, whose log-space fallback gives a finite answer."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(5)
    for labels, rows, steps, scale in [(2, 4, 12, 1.0), (8, 10, 80, 3.0), (5, 6, 30, 20.0)]:
        tags, trans, start, end = _random_head(rng, labels)
        em = (rng.normal(size=(rows, steps, len(tags))) * scale).astype(np.float32)
        lengths = np.sort(rng.integers(1, steps + 1, size=rows))
        spans = best_spans(em, lengths, trans, start, end, tags, kernels_choice="numpy")
        assert sum(map(len, spans)) > 0
        want = span_probabilities(em, lengths, trans, start, end, tags, spans, kernels_choice="numpy")
        got = span_probabilities(em, lengths, trans, start, end, tags, spans, kernels_choice="numba")
        assert [len(r) for r in got] == [len(r) for r in want]
        assert np.allclose(np.concatenate([*got, [0.0]]), np.concatenate([*want, [0.0]]), rtol=1e-9, atol=1e-12)
    tags, trans, start, end = _random_head(rng, 2)
    em = np.zeros((1, 3, len(tags)), dtype=np.float32)
    em[0, 0, :] = -2000.0
    em[0, 0, tags.index("B-L0")] = 0.0
    em[0, 1, :] = -2000.0
    em[0, 1, tags.index("O")] = 0.0
    spans = [[(0, 1, "L0")]]
    want = span_probabilities(em, np.array([3]), trans, start, end, tags, spans, kernels_choice="numpy")
    got = span_probabilities(em, np.array([3]), trans, start, end, tags, spans, kernels_choice="numba")
    assert got == want and np.isfinite(got[0][0])


def test_ner_model_kernels_choice(monkeypatch) -> None:  # noqa: ANN001
    """``$CLUE_MINER_NER_KERNELS``: a bad value is an error; ``auto`` runs the reference code until
    the process has handled JIT_AFTER characters (a one-text cold start never loads numba), then
    the compiled kernels."""
    from clue_miner.errors import ModelError
    from clue_miner.extract import jit

    with pytest.raises(ModelError, match="CLUE_MINER_NER_KERNELS"):
        jit.kernels("fortran")
    monkeypatch.setenv(jit.KERNELS_ENV, "fortran")
    with pytest.raises(ModelError):
        jit.kernels()
    monkeypatch.delenv(jit.KERNELS_ENV)
    assert jit.kernels("numpy") is None
    monkeypatch.setattr(jit, "_loaded", {})
    monkeypatch.setattr(jit, "_seen", [0])
    assert jit.kernels("auto", jit.JIT_AFTER - 1) is None
    assert jit._loaded == {}
    jit.kernels("auto", 1)  # the count reached the bar: the next call loads the kernels
    loaded = jit.kernels("auto", 1)
    try:
        import numba  # noqa: F401
    except ImportError:
        assert loaded is None
    else:
        assert loaded is not None and loaded.__name__.endswith("ner.kernels")


def test_ner_model_features_of_joined_pieces_equal_each_piece_alone(model: NerModel) -> None:
    """One pass over pieces joined by the end mark gives each piece the rows it gets alone (words
    never span two pieces; a piece's last bigram ends in the mark), also for pieces that hold the
    mark, digits and letters at their edges, or a single character."""
    pieces = ["我叫张三，住在北京市朝阳区。", "李四", "a", "2023年5月被盗手机一部价值3000元", "\x03中华人民共和国\x03",
              "派出所民警王五说不予立案ABC", "人"]
    joined = model._features_many(pieces)
    for p, x in zip(pieces, joined, strict=True):
        alone = model._features_many([p])[0]
        assert x.shape == alone.shape == (len(p), alone.shape[1])
        assert np.array_equal(x, alone)


def test_ner_model_compiled_encoder_inputs_equal_the_reference(model: NerModel, monkeypatch) -> None:  # noqa: ANN001
    """The one-pass compiled input rows equal the numpy gathers and word-set sums bit for bit
    (texts with and without dictionary words, one character, the end mark, Latin and digits)."""
    pytest.importorskip("numba")
    from clue_miner.extract import jit
    from clue_miner.extract.ner.features import _END

    texts = ["我叫张三，住在北京市朝阳区。2023年5月被盗手机一部价值3000元", "人", "ABC 123", "\x03中华人民共和国\x03",
             "派出所民警王五说不予立案，被告人李某某于2018年3月15日8时30分许在昆明市盘龙区盗窃电动车一辆。" * 3]
    joined = _END.join(texts)
    monkeypatch.setenv(jit.KERNELS_ENV, "numpy")
    want = model._joined_features(joined)
    monkeypatch.setenv(jit.KERNELS_ENV, "numba")
    got = model._joined_features(joined)
    assert got.dtype == want.dtype == np.float32 and got.shape == want.shape == (len(joined), want.shape[1])
    assert np.array_equal(got, want)
    assert np.abs(want[:, -150:]).sum() > 0  # the word sets are not all empty
    enc = model._load()["lstm"]
    if getattr(enc, "pin", None) is not None:  # written straight into a pinned graph's input block: the same
        from clue_miner.extract.ner.onnx_encoder import plan

        layout = plan([len(t) for t in texts], 2)
        monkeypatch.setenv(jit.KERNELS_ENV, "numpy")
        want_block = model._joined_features(joined, layout)
        monkeypatch.setenv(jit.KERNELS_ENV, "numba")
        got_block = model._joined_features(joined, layout)
        assert got_block.shape == (layout.rows, want.shape[1] + 2) and np.array_equal(got_block, want_block)
    # the lexicon flags and word sets from one compiled pass equal the numpy arrays (k=2: sets cut)
    from clue_miner.extract.ner import kernels

    lexicon, to_model = model._load()["lexicon"], model._load()["to_model"]
    for text in [*texts, joined, ""]:
        found = lexicon.matches(text, "numpy")
        for k in (4, 2):
            ref = lexicon.flags_and_slots(text, to_model, k, found)
            fast = lexicon.flags_and_slots(text, to_model, k, found, kernels)
            for a, b in zip(ref, fast, strict=True):
                assert a.dtype == b.dtype and np.array_equal(a, b), (text, k)


def test_ner_model_spans_from_bioes_tags() -> None:
    tags = bioes_tags(["PER", "LOC"])
    idx = {t: i for i, t in enumerate(tags)}
    path = [idx[t] for t in ["B-PER", "E-PER", "O", "S-LOC", "B-LOC", "I-LOC", "E-LOC"]]
    assert spans_from_tags(path, tags) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 7, "LOC")]


def test_ner_model_segment_covers_text_in_order() -> None:
    text = "我叫王小明。" * 40 + "，".join(["很长的一句话没有句号"] * 40)
    pieces = segment(text, max_len=160, hard_len=250)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    assert all(e - s <= 250 for s, e in pieces)
    assert segment("", 160) == [] and segment("短句。", 160) == [(0, 3)]


def test_ner_model_lexicon_and_vocab_features() -> None:
    lex = get_lexicon()
    feats = lex.features("湖南省长沙市")
    assert feats.shape == (6, N_FEATURES) and feats.dtype == np.uint8 and feats.sum() > 0
    ids, wts = lex.word_slots("湖南省长沙市", np.arange(lex.size) + 1, 3)
    assert ids.shape == (6, 3, 3) and np.allclose(wts.sum(axis=2)[ids[:, :, 0] > 0], 1.0)
    assert bigrams("600元") == ["00", "00", "0元", "元\x03"]
    vocab = Vocab.build(["张三偷了手机", "张三"], min_char=2, min_bigram=2)
    cids, bids = vocab.encode("张三偷")
    assert cids[0] > 1 and cids[2] == 1 and bids[0] > 1

