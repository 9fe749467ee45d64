"""Vectorised lookups equal the dict lookups they replace: n-gram counts (integer keys, one
searchsorted per n-gram length for a whole batch) and the NER vocabulary's character and bigram ids."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clue_miner.extract.textfeatures import NgramVectorizer, Rows

TRAIN = ["我的电动车被偷了，价值4500元", "他骗走了我五万块钱", "小区路灯坏了", "ＡＢＣ１２３被打伤", "被偷被骗被打",
         "电动车电动车", "a\x00b", "\ud800孤立代理"]


def _same(a: Rows, b: Rows) -> None:
    assert a.indptr.tolist() == b.indptr.tolist()
    assert a.indices.tolist() == b.indices.tolist() and a.indices.dtype == b.indices.dtype
    assert a.data.tolist() == b.data.tolist() and a.data.dtype == b.data.dtype


def _vectorizer(max_n: int = 3, max_chars: int = 3000) -> NgramVectorizer:
    return NgramVectorizer(max_n=max_n, min_df=1, max_chars=max_chars).fit(TRAIN, extra=["abc", "被"])


def _routes() -> list[str]:
    """The numpy lookups, and the compiled loop where numba is installed."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return ["numpy"]
    return ["numpy", "numba"]


@pytest.mark.parametrize("max_n", [1, 2, 3])
def test_counts_equal_the_dict_lookup_on_edge_cases(max_n: int) -> None:
    vec = _vectorizer(max_n=max_n, max_chars=12)
    texts = [*TRAIN, "", None, "被", "电动车" * 20, "ＡＢＣ９９９", "\x00\x00a", "只有生字"]
    for route in _routes():
        _same(vec.counts(texts, kernels_choice=route), vec._counts_by_dict(texts))
        for text in texts:
            _same(vec.counts([text], kernels_choice=route), vec._counts_by_dict([text]))
        assert vec.counts([], kernels_choice=route).n_rows == 0


def test_counts_fold_digits_and_width() -> None:
    vec = _vectorizer()
    a, b = vec.counts(["价值4500元"]), vec.counts(["价值９９９９元"])
    _same(a, b)
    assert np.all(a.data >= 1)


def test_longer_n_grams_fall_back_to_the_dict() -> None:
    vec = _vectorizer(max_n=4)
    texts = ["我的电动车被偷了", "被偷被骗被打"]
    _same(vec.counts(texts), vec._counts_by_dict(texts))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("电动车被偷骗打了我的元0１ＡaB \x00")), max_size=40), max_size=6))
def test_counts_equal_the_dict_lookup(texts: list[str]) -> None:
    vec = _vectorizer()
    for route in _routes():
        _same(vec.counts(texts, kernels_choice=route), vec._counts_by_dict(texts))


def test_ner_vocab_encode_equals_the_dict_lookup() -> None:
    from clue_miner.extract.ner.features import Vocab

    vocab = Vocab(["<pad>", "<unk>", "我", "被", "骗", "0", "a", "\U00020000"],
                  ["<pad>", "<unk>", "我被", "被骗", "00", "0元", "a0", "骗\x03", "0\x03"])
    for text in ["", "我", "我被骗了500元", "ab12", "\U00020000我", "\ud800被骗", "被骗\x03", "ＡＢ"]:
        a, b = vocab.encode(text), vocab.encode_by_dict(text)
        assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist(), text
        assert a[0].dtype == b[0].dtype == np.int64


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("我被骗了元0123aZ\x03\U00020000 ")), max_size=30))
def test_ner_vocab_encode_property(text: str) -> None:
    from clue_miner.extract.ner.features import Vocab

    vocab = Vocab(["<pad>", "<unk>", "我", "被", "骗", "0", "a"], ["<pad>", "<unk>", "我被", "被骗", "00", "0元", "a0"])
    a, b = vocab.encode(text), vocab.encode_by_dict(text)
    assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()


@pytest.mark.parametrize("n_rows", [0, 1, 7])
def test_feature_matrix_dot_same_by_every_route(n_rows: int) -> None:
    """The compiled product, scipy's and the numpy one give the same dense rows (empty rows,
    features with no entries and a batch of one included)."""
    pytest.importorskip("numba")
    from clue_miner.extract.textfeatures import FeatureMatrix, Rows, feature_dot

    rng = np.random.default_rng(n_rows)
    n_feat, n_out = 40, 6
    per_feat = rng.integers(0, 4, n_feat)
    per_feat[::5] = 0
    m_ptr = np.concatenate([[0], np.cumsum(per_feat)]).astype(np.int64)
    m_idx = np.concatenate([np.sort(rng.choice(n_out, k, replace=False)) for k in per_feat]).astype(np.int64)
    m_val = rng.normal(size=len(m_idx)).astype(np.float32)
    per_row = rng.integers(0, 9, n_rows)
    if n_rows:
        per_row[0] = 0
    r_ptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int64)
    r_idx = np.concatenate([np.sort(rng.choice(n_feat, k, replace=False)) for k in per_row] or [np.zeros(0)]).astype(np.int64)
    rows = Rows(r_ptr, r_idx, rng.random(len(r_idx)).astype(np.float32))
    mat = FeatureMatrix(m_ptr, m_idx, m_val, n_out)
    want = feature_dot(rows, m_ptr, m_idx, m_val, n_out)
    assert want.shape == (n_rows, n_out)
    np.testing.assert_allclose(mat.dot(rows, kernels_choice="numba"), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mat.dot(rows, kernels_choice="numpy"), want, rtol=1e-5, atol=1e-6)


def test_hash_table_finds_each_key_and_nothing_else() -> None:
    pytest.importorskip("numba")
    from clue_miner.text.kernels import NO_KEY, _hashed, hash_table

    rng = np.random.default_rng(7)
    keys = np.unique(rng.integers(0, 2**63 - 1, size=5000, dtype=np.int64).astype(np.uint64))
    keys = np.concatenate([keys, np.arange(1, 200, dtype=np.uint64)])  # small keys: neighbouring slots
    keys = np.unique(keys)
    ids = rng.permutation(len(keys)).astype(np.int64)
    slots, values, shift = hash_table(keys, ids)
    assert len(slots) >= 2 * len(keys) and len(slots) & (len(slots) - 1) == 0
    assert int((slots != NO_KEY).sum()) == len(keys)
    assert [_hashed(slots, values, shift, k) for k in keys] == ids.tolist()
    absent = np.setdiff1d(rng.integers(0, 2**63 - 1, size=2000, dtype=np.int64).astype(np.uint64), keys)
    assert all(_hashed(slots, values, shift, k) == -1 for k in absent)
    empty = hash_table(np.zeros(0, np.uint64), np.zeros(0, np.int64))
    assert len(empty[0]) == 16 and _hashed(*empty, np.uint64(5)) == -1
