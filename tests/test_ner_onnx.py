"""The NER's BiLSTM under onnxruntime (int8) against the numpy reference, and how a runtime is chosen."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from clue_miner.errors import ModelError
from clue_miner.extract.ner import onnx_encoder as ner_onnx
from clue_miner.extract.ner.model import NerModel, load_ner_model
from clue_miner.model_store import models_dir

MODEL_DIR = models_dir() / "ner-charlstm"
TEXTS = [
    "2023年5月3日，我在杭州市西湖区文三路的华联超市门口被一个叫张伟的男子骗走了8000元，他的手机号是13800138000。",
    "被告人王某某于2018年3月15日8时30分许，在昆明市盘龙区某小区出租屋内盗窃被害人李某某的苹果手机一部。",
    "我叫刘芳，住在阳光花园小区，楼下的饭店老板赵强经常半夜施工，派出所的民警来过两次也没用。",
]

pytestmark = pytest.mark.skipif(not (MODEL_DIR / "config.json").exists(), reason="models/ner-charlstm is not built")


@pytest.fixture(scope="module")
def runtimes() -> tuple[NerModel, NerModel]:
    if not ner_onnx.available(MODEL_DIR):
        pytest.skip("onnxruntime or models/ner-charlstm/encoder.int8.onnx missing")
    return load_ner_model(runtime="onnx"), load_ner_model(runtime="numpy")


def test_ner_onnx_default_is_onnx_when_shipped(runtimes: tuple[NerModel, NerModel]) -> None:
    assert load_ner_model()._load()["runtime"] == "onnx"
    assert runtimes[1]._load()["runtime"] == "numpy"


def test_ner_onnx_encoder_close_to_the_numpy_reference(runtimes: tuple[NerModel, NerModel]) -> None:
    fast, ref = runtimes
    a, la = fast._encode(TEXTS)
    b, lb = ref._encode(TEXTS)
    np.testing.assert_array_equal(la, lb)
    assert a.shape == b.shape
    diff = np.abs(a - b)
    assert float(diff.mean()) < 0.02 and float(diff.max()) < 0.5  # int8 weights: small, bounded drift
    for i, n in enumerate(la):  # zero past each length, as the numpy layer
        assert not a[i, n:].any()


def test_ner_encode_rows_are_the_padded_states_without_their_padding(runtimes: tuple[NerModel, NerModel]) -> None:
    for model in runtimes:
        rows, lengths = model._encode_rows(TEXTS)
        hidden, padded_lengths = model._encode(TEXTS)
        np.testing.assert_array_equal(lengths, padded_lengths)
        assert rows.shape == (int(lengths.sum()), hidden.shape[2])
        np.testing.assert_array_equal(rows, hidden[np.arange(hidden.shape[1])[None, :] < lengths[:, None]])


def test_ner_onnx_same_entities_as_the_numpy_reference(runtimes: tuple[NerModel, NerModel]) -> None:
    fast, ref = runtimes
    for text, got, want in zip(TEXTS, fast.predict(TEXTS), ref.predict(TEXTS), strict=True):
        assert {(e.label, e.start, e.end) for e in got} == {(e.label, e.start, e.end) for e in want}, text


def test_ner_onnx_one_text_and_a_batch_agree(runtimes: tuple[NerModel, NerModel]) -> None:
    fast = runtimes[0]
    batch = fast.predict(TEXTS)
    for text, ents in zip(TEXTS, batch, strict=True):
        assert fast.predict([text])[0] == ents


def _pieces() -> list[str]:
    from clue_miner.extract.ner.model import segment

    text = "".join(TEXTS) * 2
    return sorted({text[a:b] for a, b in segment(text, 40, 60)} | {"人", "张三", TEXTS[0]}, key=len)


def test_ner_onnx_shipped_graph_is_pinned(runtimes: tuple[NerModel, NerModel]) -> None:
    """The shipped graph pins both activation ranges: its input bounds are the feature tables'
    (every input row of these texts inside), and the two extra units sit at exactly +1 and -1."""
    enc = runtimes[0]._load()["lstm"]
    assert enc.pin is not None and enc.rows_per_call > 1
    with np.load(MODEL_DIR / "weights.npz", allow_pickle=False) as z:
        w = {k: z[k] for k in z.files if k.endswith("_emb")}
    assert (float(enc.pin[0]), float(enc.pin[1])) == ner_onnx.input_bounds(w)
    pieces = _pieces()
    x = np.concatenate(runtimes[0]._features_many(pieces))
    assert enc.width == x.shape[1] + ner_onnx.PIN_INPUTS
    assert enc.pin[0] < x.min() and x.max() < enc.pin[1]
    block = enc.input_block(ner_onnx.plan([len(x)], 1), x)
    assert (block[:, -2] == enc.pin[0]).all() and (block[:, -1] == enc.pin[1]).all()
    y = enc.session.run(None, {"X": block[:, None, :], "L": np.array([len(x)], np.int32)})[0]
    assert (y[:, :, 0, enc.hidden] == 1.0).all() and (y[:, :, 0, enc.hidden + 1] == -1.0).all()


def test_ner_onnx_rows_batched_equal_rows_alone(runtimes: tuple[NerModel, NerModel]) -> None:
    """A piece's states are the same bit for bit alone, a few to a call, or next to other pieces
    in another order (the pinned ranges): extract() and extract_many agree."""
    model = runtimes[0]
    enc = model._load()["lstm"]
    pieces = _pieces()
    alone = [model._encode_rows([p])[0] for p in pieces]
    saved = enc.rows_per_call
    try:
        for per_call in (1, 3, 8):
            enc.rows_per_call = per_call
            rows, lengths = model._encode_rows(pieces)
            np.testing.assert_array_equal(lengths, [len(p) for p in pieces])
            assert np.array_equal(rows, np.concatenate(alone)), per_call
            backwards, _ = model._encode_rows(pieces[::-1])
            assert np.array_equal(backwards, np.concatenate(alone[::-1])), per_call
            assert np.array_equal(enc.joined(model._features_many(pieces)), rows)
    finally:
        enc.rows_per_call = saved


def test_ner_onnx_plan_lays_rows_out_time_major() -> None:
    layout = ner_onnx.plan([3, 1, 2], 2)
    assert layout.counts.tolist() == [2, 1] and layout.steps.tolist() == [3, 2]
    assert layout.offsets.tolist() == [0, 6, 8] and layout.rows == 8
    # "abc|d|ef": call 0 is (3 steps, 2 rows): a b c at rows 0 2 4, d at 1; call 1 (2 steps, 1 row) from 6
    assert layout.dest.tolist() == [0, 2, 4, -1, 1, -1, 6, 7]
    # a call holds pieces of like lengths only (longest <= 1.25 x shortest + 8): little padding
    assert ner_onnx.plan([10, 30, 31, 100, 101, 102], 4).counts.tolist() == [1, 2, 3]
    assert ner_onnx.plan([5, 6, 7, 8, 9], 4).counts.tolist() == [4, 1]
    empty = ner_onnx.plan([], 4)
    assert empty.rows == 0 and empty.dest.size == 0


def test_ner_onnx_pinned_graph_needs_bounded_inputs() -> None:
    pytest.importorskip("onnx")
    with pytest.raises(ValueError, match="bottleneck"):
        ner_onnx.lstm_graph(_bottleneck_weights(), pin=(-1.0, 1.0))


def test_ner_onnx_unpinned_graph_runs_rows_alone(tmp_path: Path) -> None:
    """An export without pins (older files) still runs, one row a call."""
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    import onnx

    w = {k: v for k, v in _bottleneck_weights().items() if "proj" not in k}
    w = {k: (v[:, :4] if k.startswith("lstm.w_ih") else v) for k, v in w.items()}  # inputs of width 4
    onnx.save(ner_onnx.lstm_graph(w), str(tmp_path / "plain.onnx"))
    enc = ner_onnx.OnnxBiLSTM(tmp_path / "plain.onnx", hidden=4)
    assert enc.pin is None and enc.rows_per_call == 1 and enc.width == 4
    xs = [np.random.default_rng(i).normal(0, 1, (n, 4)).astype(np.float32) for i, n in enumerate((5, 2, 0, 3))]
    out = enc.joined(xs)
    assert out.shape == (10, 8)
    np.testing.assert_array_equal(out[5:7], enc.joined([xs[1]]))


def test_ner_onnx_runtime_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError):
        load_ner_model(runtime="gpu")
    monkeypatch.setenv(ner_onnx.RUNTIME_ENV, "numpy")
    assert load_ner_model().runtime == "numpy"
    monkeypatch.delenv(ner_onnx.RUNTIME_ENV)
    # a model directory without the ONNX encoder: auto falls back to numpy, onnx is an error
    bare = tmp_path / "ner-bare"
    bare.mkdir()
    for name in ("config.json", "vocab.json", "weights.npz"):
        os.symlink(MODEL_DIR / name, bare / name)
    assert load_ner_model(bare, runtime="auto")._load()["runtime"] == "numpy"
    with pytest.raises(ModelError, match="onnx"):
        load_ner_model(bare, runtime="onnx")._load()
    # a damaged encoder file is a clear error, not a crash
    (bare / ner_onnx.ONNX_FILE).write_bytes(b"not onnx")
    if ner_onnx.available(bare):
        with pytest.raises(ModelError, match="ONNX"):
            load_ner_model(bare, runtime="onnx")._load()


def test_ner_onnx_export_gives_the_shipped_bytes(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime.quantization")
    if not (MODEL_DIR / ner_onnx.ONNX_FILE).exists():
        pytest.skip("no shipped encoder to compare with")
    out = ner_onnx.export_int8(MODEL_DIR, tmp_path / ner_onnx.ONNX_FILE)
    assert out.read_bytes() == (MODEL_DIR / ner_onnx.ONNX_FILE).read_bytes()


def _bottleneck_weights(d_in: int = 12, proj: int = 5, hidden: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    w = {f"lstm.{k}{s}": rng.normal(0, 0.4, shape).astype(np.float32)
         for s in ("", "_r") for k, shape in (("w_ih", (4 * hidden, proj)), ("w_hh", (4 * hidden, hidden)),
                                               ("b", (4 * hidden,)))}
    w["lstm.proj.w"] = rng.normal(0, 0.4, (proj, d_in)).astype(np.float32)
    w["lstm.proj.b"] = rng.normal(0, 0.4, proj).astype(np.float32)
    return w


def test_ner_bottleneck_folds_into_the_numpy_layer() -> None:
    from clue_miner.extract.ner.bilstm import BiLSTM

    w = _bottleneck_weights()
    x = np.random.default_rng(4).normal(0, 1, (2, 7, 12)).astype(np.float32)
    lengths = np.array([7, 4])
    folded = BiLSTM.from_weights(w)(x, lengths)
    xp = x @ w["lstm.proj.w"].T + w["lstm.proj.b"]
    explicit = BiLSTM(*(w[f"lstm.{k}"] for k in ("w_ih", "w_hh", "b", "w_ih_r", "w_hh_r", "b_r")))(xp, lengths)
    np.testing.assert_allclose(folded, explicit, atol=1e-5)
    assert folded.shape == (2, 7, 8) and not folded[1, 4:].any()
    plain = {k: v for k, v in w.items() if "proj" not in k}  # no bottleneck: the arrays as they are
    np.testing.assert_array_equal(BiLSTM.from_weights(plain)(xp, lengths), explicit)


def test_ner_bottleneck_onnx_graph_matches_numpy() -> None:
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from clue_miner.extract.ner.bilstm import BiLSTM

    w = _bottleneck_weights()
    model = ner_onnx.lstm_graph(w)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(5).normal(0, 1, (9, 12)).astype(np.float32)
    y = sess.run(None, {"X": x[:, None, :], "L": np.array([9], dtype=np.int32)})[0].reshape(9, 8)
    ref = BiLSTM.from_weights(w)(x[None], np.array([9]))[0]
    np.testing.assert_allclose(y, ref, atol=1e-4)
