from __future__ import annotations

import random

import pytest

from clue_miner.text.normalize import ZERO_WIDTH, normalize, translation_table


def test_normalize_fullwidth_digits_and_letters_become_ascii():
    n = normalize("ＡＢｃ１２３．５％")
    assert n.text == "ABc123.5%"


def test_normalize_keeps_chinese_punctuation():
    n = normalize("你好，我：是；谁！？（真的）。“引号”")
    assert n.text == "你好，我：是；谁！？（真的）。“引号”"


def test_normalize_whitespace_runs_become_one_space():
    n = normalize("报案\r\n\r\n  时间\u3000\u3000地点\t\t人物\xa0！")
    assert n.text == "报案 时间 地点 人物 ！"


def test_normalize_single_ideographic_space_keeps_length():
    n = normalize("张三\u3000李四")
    assert n.text == "张三 李四"
    assert not n.changed_length
    assert n.span(3, 5) == (3, 5)


def test_normalize_zero_width_removed():
    n = normalize("张\u200b三\ufeff被骗\u200d5万元")
    assert n.text == "张三被骗5万元"
    start = n.text.index("5万元")
    assert n.original[slice(*n.span(start, start + 3))] == "5万元"


def test_normalize_traditional_to_simplified():
    n = normalize("臺灣詐騙集團騙了我錢")
    assert n.text == "台湾诈骗集团骗了我钱"


def test_normalize_leaves_simplified_text_alone():
    s = "我于2019年5月12日在派出所报案，被骗人民币5万元。"
    assert normalize(s).text == s


def test_normalize_span_maps_back_over_collapsed_whitespace():
    original = "被骗\r\n\r\n五万元"
    n = normalize(original)
    assert n.text == "被骗 五万元"
    assert n.span(2, 3) == (2, 6)  # the one space covers the whole run
    s, e = n.span(3, 6)
    assert original[s:e] == "五万元"
    assert n.span(0, len(n.text)) == (0, len(original))


def test_normalize_span_empty_and_out_of_range():
    n = normalize("a\u200b\u200bb")
    assert n.text == "ab"
    assert n.span(1, 1) == (3, 3)
    assert n.span(5, 9) == (4, 4)
    assert n.offset(2) == 4


def test_normalize_non_string_input():
    assert normalize(None).text == ""  # type: ignore[arg-type]
    assert normalize(123).text == "123"  # type: ignore[arg-type]


_ALPHABET = (
    list("abcXYZ019 ，。：；！？（）、“”")
    + list("ＡＢｃ０１９％．－（）")
    + list("臺灣詐騙錢後裡乾瞭著诈骗钱")
    + ["\u3000", "\xa0", "\t", "\r", "\n", "\u2028", "\u2003"]
    + list(ZERO_WIDTH)
)


def _is_space_or_zw(ch: str) -> bool:
    return ch.isspace() or ch in ZERO_WIDTH


@pytest.mark.parametrize("seed", range(20))
def test_normalize_random_every_char_maps_back_to_its_source(seed):
    rng = random.Random(seed)
    table = translation_table()
    for _ in range(50):
        original = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40)))
        n = normalize(original)
        covered = []
        for i, ch in enumerate(n.text):
            s, e = n.span(i, i + 1)
            assert 0 <= s < e <= len(original)
            source = original[s:e]
            if ch == " " and (e - s > 1 or _is_space_or_zw(source)):
                assert all(_is_space_or_zw(c) for c in source)
                assert any(c.isspace() for c in source)
            else:
                assert e - s == 1
                assert chr(table.get(ord(source), ord(source))) == ch
            covered.extend(range(s, e))
        # every original char is used at most once, and every kept char is covered
        assert len(covered) == len(set(covered))
        for j, c in enumerate(original):
            if not _is_space_or_zw(c):
                assert j in covered
        assert "  " not in n.text
        assert not any(z in n.text for z in ZERO_WIDTH)
