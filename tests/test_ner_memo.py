"""The NER's memo of decoded pieces (``ner/memo.py``): a bounded LRU map, and a model that uses it
gives what a model without it gives, for repeated texts, repeated pieces and other profiles."""

from __future__ import annotations

import threading

import pytest

from clue_miner.errors import ModelError
from clue_miner.extract.ner.features import segment
from clue_miner.extract.ner.memo import DEFAULT_PIECES, MEMO_ENV, PieceMemo
from clue_miner.extract.ner.model import NerModel

LETTER = ("2023年8月，王某某伙同刘某在成都市武侯区某小区内盗窃电动自行车两辆，价值共计人民币4800元。"
          "案发后，被害人陈某向成都市公安局武侯区分局报案，民警出警后称证据不足不予立案，至今没有下文。"
          "我多次到派出所询问，民警让我自己找监控，我认为公安机关应当立案而不立案，请检察院监督。")
OTHER = ("2022年3月5日晚，李四在南京市鼓楼区湖南路一家酒吧门口与张三发生争执，李四持啤酒瓶将张三头部打伤，"
         "经鉴定为轻伤二级。张三报警后，鼓楼派出所民警以双方系互殴为由调解结案，李四至今未被追究刑事责任。")
TEXTS = [
    LETTER,
    OTHER + LETTER,  # the letter again, after another story: its pieces at other offsets
    "您好！" + LETTER + "谢谢！",
    OTHER,
    "赵六在菜市场持刀威胁摊主，抢走现金800元。",
    "",
    LETTER,  # the same letter posted twice
    "市领导您好，我们小区门口的道路坑洼不平，下雨天积水严重，希望有关部门尽快修缮。" * 4,  # prose, a piece repeated inside
]


def test_memo_drops_the_least_recently_used_and_size_zero_keeps_nothing() -> None:
    memo: PieceMemo[int] = PieceMemo(size=2)
    memo.keep([("a", 1), ("b", 2)])
    assert memo.found(["a", "x"]) == {"a": 1}  # "a" is now the most recently used
    memo.keep([("c", 3)])
    assert memo.found(["a", "b", "c"]) == {"a": 1, "c": 3}
    assert (memo.hits, memo.misses) == (3, 2)
    assert len(memo) == 2
    memo.clear()
    assert len(memo) == 0 and memo.hits == memo.misses == 0
    off: PieceMemo[int] = PieceMemo(size=0)
    off.keep([("a", 1)])
    assert off.found(["a"]) == {}
    with pytest.raises(ModelError, match=">= 0"):
        PieceMemo(size=-1)


def test_memo_size_from_the_environment(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv(MEMO_ENV, raising=False)
    assert PieceMemo().size == DEFAULT_PIECES
    monkeypatch.setenv(MEMO_ENV, "0")
    assert PieceMemo().size == 0
    assert PieceMemo(size=7).size == 7  # the argument wins
    monkeypatch.setenv(MEMO_ENV, "lots")
    with pytest.raises(ModelError, match=MEMO_ENV):
        PieceMemo()
    monkeypatch.setenv(MEMO_ENV, "-3")
    with pytest.raises(ModelError, match=">= 0"):
        PieceMemo()


def test_memo_shared_by_threads_stays_bounded_and_consistent() -> None:
    memo: PieceMemo[str] = PieceMemo(size=50)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(300):
                key = f"k{(i * 7 + n) % 120}"
                memo.keep([(key, key.upper())])
                for k, v in memo.found([key, f"k{i % 120}"]).items():
                    assert v == k.upper()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(memo) <= 50


def test_texts_have_repeated_pieces(shipped_ner: NerModel) -> None:
    seg = shipped_ner.config.get("segment", {})
    pieces = [t[s:e] for t in TEXTS for s, e in segment(t, seg.get("max_len", 160), seg.get("hard_len", 250))]
    assert len(set(pieces)) < len(pieces)  # what the memo is for; else the tests below test nothing


def test_model_with_memo_gives_what_it_gives_without(shipped_ner: NerModel) -> None:
    with_memo = NerModel(shipped_ner.path, encoder_threads=1)
    without = NerModel(shipped_ner.path, encoder_threads=1)
    without.piece_memo.size = 0
    expected = without.predict(TEXTS)
    assert with_memo.predict(TEXTS) == expected
    remembered, misses = len(with_memo.piece_memo), with_memo.piece_memo.misses
    assert 0 < remembered < misses  # a piece repeated within the call is decoded once
    assert with_memo.predict(TEXTS) == expected  # every piece remembered now
    assert with_memo.piece_memo.misses == misses and with_memo.piece_memo.hits >= remembered
    assert [with_memo.predict([t])[0] for t in TEXTS] == expected  # one text at a time
    assert without.piece_memo.hits == 0 and len(without.piece_memo) == 0


def test_memo_keeps_heads_and_profiles_apart(shipped_ner: NerModel) -> None:
    shared = NerModel(shipped_ner.path, encoder_threads=1)
    plain = NerModel(shipped_ner.path, encoder_threads=1)
    plain.piece_memo.size = 0
    for heads in (["news"], ["cail2021_person", "cail2021"], ["cail2022", "news"]):
        got = shared.predict_native(TEXTS, heads)  # the same pieces, other heads: decoded again
        assert got == plain.predict_native(TEXTS, heads)
        assert any(spans for per_head in got for spans in per_head.values())
    shared.predict(TEXTS)
    view = shared.with_profile("news")
    assert view.piece_memo is shared.piece_memo
    fresh = plain.with_profile("news")
    assert view.predict(TEXTS) == fresh.predict(TEXTS)


def test_a_texts_spans_come_piece_by_piece_shortest_first(shipped_ner: NerModel) -> None:
    """The order of one batch of all the pieces (sorted by length, ties in text order), whether a
    piece was decoded in this call or remembered."""
    seg = shipped_ner.config.get("segment", {})
    heads = ["cail2021_person", "cail2021", "news"]
    memo = NerModel(shipped_ner.path, encoder_threads=1)
    memo.predict_native(TEXTS[3:], heads)  # some pieces remembered, some not
    got = memo.predict_native(TEXTS, heads)
    lone = NerModel(shipped_ner.path, encoder_threads=1)
    for text, per_head in zip(TEXTS, got, strict=True):
        cut = segment(text, seg.get("max_len", 160), seg.get("hard_len", 250))
        expected: dict[str, list[tuple[int, int, str]]] = {h: [] for h in heads}
        for s, e in sorted(cut, key=lambda c: c[1] - c[0]):
            for h, spans in lone.predict_native([text[s:e]], heads)[0].items():
                expected[h] += [(a + s, b + s, lab) for a, b, lab in spans]
        assert per_head == expected
    assert any(len(segment(t, seg.get("max_len", 160), seg.get("hard_len", 250))) > 1 for t in TEXTS)
