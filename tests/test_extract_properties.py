"""Property tests: ``extract`` / ``extract_many`` never raise on a string and keep their offsets.

For every text: each entity, offence-evidence and facts-evidence span lies inside the text and
``text[start:end] == span.text``; ``to_dict()`` is JSON (no NaN/inf, no non-JSON types); the
category is one of the four labels with a score in [0, 1]. Deterministic: ``derandomize=True``
and no example database.
"""

from __future__ import annotations

import json
import math
import time
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clue_miner
from clue_miner.types import CATEGORY_LABELS, Extraction

# ``clue_miner.extract`` builds its default pipeline once per process (the NER model loads once)
# and every test here goes through it, so the models load a single time.

COMMON = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- strategies ---------------------------------------------------------------------------------

# Every code point, lone surrogates (category Cs) included: the contract is "any str". Surrogates
# are rare among all code points, so they get a branch of their own.
any_char = st.characters(categories=("L", "M", "N", "P", "S", "Z", "C")) | st.characters(categories=("Cs",))
any_text = st.text(any_char, max_size=80)

CONTROL = [
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\r", "\n", "\r\n", "\t", "\v", "\f", "\u2028",
    "\u2029", "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u3000", "\xa0", "\u202e", "\u202d",
    "\ufffd", "\ufe0f", "\U000e0001", "\ud800", "\udfff", "\ud83d", "\U0001f600", " ",
]
control_text = st.lists(st.sampled_from(CONTROL) | st.text(max_size=3), max_size=30).map("".join)

MIXED = [
    "张三", "李四", "被骗", "五万块", "派出所", "立案", "報案", "詐騙", "臺灣", "錢", "萬元",
    "hello", "Police", "ID", "mg", "元", "¥", "￥", "＄", "ＲＭＢ", "１２３４５", "０", "９", "．", "％",
    "مرحبا", "الشرطة", "١٢٣", "۴۵۶", "😀", "👨‍👩‍👧", "🇨🇳", "①", "Ⅻ", "〇", "零", "壹万", "貳仟",
    "가나다", "ありがとう", "ｶﾀｶﾅ", "α", "Ω", "ß", "ﬁ", "İ", "\u0301", "\u0338", "𠀀", "𪚥",
]
mixed_text = st.lists(st.sampled_from(MIXED) | st.text(any_char, max_size=2), max_size=25).map("".join)

FRAGMENTS = [
    "我叫张三", "我是李四的母亲", "王某某", "欧阳娜娜", "嫌疑人刘某（男，35岁）", "民警陈警官",
    "电话138 1234 5678", "手机号：139-8765-4321", "联系电话０２１－６２３４５６７８", "13800138000",
    "身份证号110101199003071234", "身份证：11010119900307123X", "银行卡号6222 0202 0000 1234 567",
    "车牌号京A·12345", "浙B12345", "微信号abc_123", "QQ 12345678",
    "被骗五万块", "损失人民币3.5万元", "共计￥12,000.00元", "骗走了两千多块钱", "约1万余元", "五十万",
    "上个月15号", "2023年5月1日晚上8点", "前天晚上", "去年春节前后", "3月份", "昨天下午三点左右",
    "2024-02-30", "13月45日", "十二月三十二号", "99999年1月1日",
    "在北京市朝阳区建国路88号", "在XX县XX镇XX村", "某某小区3栋2单元",
    "派出所不给立案", "至今没有答复", "公安局不予立案", "已经撤案了", "罚款500元了事", "一直拖着不办",
    "被打成轻伤二级", "鉴定为轻微伤", "头部缝了8针", "酒驾，血液酒精含量150mg/100ml", "拘留了48小时",
    "入户盗窃", "多次", "扒窃", "携带凶器", "电信网络诈骗", "赌博", "吸毒",
]
SEPARATORS = ["", "，", "。", ",", " ", "\n", "\r\n", "；", "！", "……", "、", "\u3000", "\t", "——", "：", "？", "|"]
noise = st.text(any_char, max_size=4)
fragment_text = st.lists(
    st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS), st.just("") | noise),
    min_size=1, max_size=12,
).map(lambda parts: "".join(f + s + n for f, s, n in parts))

texts = st.one_of(any_text, control_text, mixed_text, fragment_text)

anchors = st.one_of(
    st.none(),
    st.dates(),
    st.datetimes(),
    st.sampled_from([date(1, 1, 1), date(9999, 12, 31), datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59)]),
)

# -- the invariants -----------------------------------------------------------------------------


def _check_span(text: str, span, what: str) -> None:
    assert isinstance(span.start, int) and isinstance(span.end, int), (what, span)
    assert 0 <= span.start <= span.end <= len(text), (what, span, len(text))
    assert text[span.start:span.end] == span.text, (what, span, text[span.start:span.end])


def _finite_json(value, path: str = "$") -> None:
    """Only JSON types, no NaN/inf anywhere."""
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, float):
        assert math.isfinite(value), (path, value)
        return
    if isinstance(value, list):
        for i, v in enumerate(value):
            _finite_json(v, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), (path, k)
            _finite_json(v, f"{path}.{k}")
        return
    raise AssertionError(f"{path}: {type(value).__name__} is not a JSON type: {value!r}")


def check_extraction(text: str, ext: Extraction) -> None:
    assert isinstance(ext, Extraction)
    assert ext.text == text
    for e in ext.entities:
        _check_span(text, e, "entity")
    for o in ext.offences:
        assert 0.0 <= o.score <= 1.0, o
        for ev in o.evidence:
            _check_span(text, ev, f"offence {o.name}")
    for ev in ext.facts.evidence:
        _check_span(text, ev, "facts")
    assert ext.category.label in CATEGORY_LABELS, ext.category
    assert 0.0 <= ext.category.score <= 1.0, ext.category
    d = ext.to_dict()
    _finite_json(d)
    json.dumps(d, ensure_ascii=False, allow_nan=False)


# -- the tests ----------------------------------------------------------------------------------


@settings(max_examples=300, **COMMON)
@given(text=texts)
def test_extract_never_raises_and_offsets_hold(text):
    check_extraction(text, clue_miner.extract(text))


@settings(max_examples=60, **COMMON)
@given(batch=st.lists(st.tuples(texts, anchors), max_size=6), batch_size=st.integers(1, 4))
def test_extract_many_never_raises_and_matches_extract(batch, batch_size):
    items = [t for t, _ in batch]
    when = [a for _, a in batch]
    out = list(clue_miner.extract_many(items, when, batch_size=batch_size))
    assert len(out) == len(items)
    for text, anchor, ext in zip(items, when, out, strict=True):
        check_extraction(text, ext)
        # batching changes nothing: the same text alone gives the same result
        assert ext.to_dict() == clue_miner.extract(text, anchor).to_dict()


@settings(max_examples=150, **COMMON)
@given(text=fragment_text, anchor=anchors)
def test_extract_with_any_anchor(text, anchor):
    check_extraction(text, clue_miner.extract(text, anchor))


def test_extract_huge_text():
    """~200k characters, built by repetition: no crash, offsets hold, in seconds not minutes."""
    unit = "我叫张三，电话138 1234 5678，上个月15号在北京市朝阳区被骗五万块，\r\n派出所不给立案\u200b。"
    text = (unit * (200_000 // len(unit) + 1))[:200_000]
    t0 = time.perf_counter()
    ext = clue_miner.extract(text, date(2024, 3, 1))
    elapsed = time.perf_counter() - t0
    check_extraction(text, ext)
    assert ext.entities
    # ~10 s here is the NER model, linear in the length; the bound catches quadratic blow-ups
    # (a 200k digit run once took minutes), not ordinary machine speed.
    assert elapsed < 90, f"200k characters took {elapsed:.1f}s"
