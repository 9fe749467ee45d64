from __future__ import annotations

import pytest

from clue_miner.text.segment import LEGAL_DICT, Segmenter, get_segmenter, plain_cut


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return get_segmenter()


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("我遇到了杀猪盘被骗了五万块", "杀猪盘"),
        ("他在网上刷单被骗", "刷单"),
        ("套路贷公司砍头息很高", "套路贷"),
        ("套路贷公司砍头息很高", "砍头息"),
        ("派出所不予立案", "不予立案"),
        ("经侦大队出具了受案回执", "受案回执"),
        ("对方涉嫌非法吸收公众存款罪", "非法吸收公众存款罪"),
        ("鉴定为轻伤二级", "轻伤二级"),
        ("彩票导师让我投资虚拟货币", "彩票导师"),
    ],
)
def test_segment_legal_terms_stay_whole(seg, text, word):
    assert word in seg.cut(text)


def test_segment_tokenize_offsets(seg):
    text = "我遇到杀猪盘，去派出所报案"
    toks = seg.tokenize(text)
    assert "".join(w for w, _, _ in toks) == text
    for w, s, e in toks:
        assert text[s:e] == w


def test_segment_uses_its_own_tokenizer(seg):
    import jieba

    assert seg.tokenizer is not jieba.dt
    assert "杀猪盘" not in jieba.dt.FREQ


def test_segment_shared_instance():
    assert get_segmenter() is get_segmenter()


def test_segment_custom_user_dict(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("蓝鲸跑分群 5000 nz\n", encoding="utf-8")
    seg = Segmenter(path)
    assert "蓝鲸跑分群" in seg.cut("他加入了蓝鲸跑分群")


def test_segment_plain_cut_covers_text():
    text = "我遇到了杀猪盘被骗了五万块"
    assert "".join(plain_cut(text)) == text
    assert plain_cut("") == []


def test_segment_empty_text(seg):
    assert seg.cut("") == []
    assert seg.tokenize("") == []


def test_segment_legal_dict_format():
    lines = LEGAL_DICT.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 300
    for line in lines:
        word, freq, tag = line.split(" ")
        assert word and int(freq) > 0 and tag.isalpha()
    words = {line.split(" ")[0] for line in lines}
    for w in ("诈骗罪", "诈骗", "盗窃罪", "杀猪盘", "派出所", "轻伤二级", "P2P"):
        assert w in words
