"""The NER's convolutional encoder: numpy layers against a plain reference, rows batched or alone,
its ONNX graph (float and static int8) against numpy, and a model folder that declares it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from clue_miner.extract.ner.cnn import ConvEncoder

D, C, DILATIONS = 12, 8, [1, 2, 4]


def _weights(seed: int = 0, d: int = D, c: int = C, n: int = len(DILATIONS), block: str = "separable") -> dict[
        str, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = {"cnn.in.w": rng.normal(0, 0.4, (c, d)), "cnn.in.b": rng.normal(0, 0.1, c)}
    for i in range(n):
        if block == "full":
            w[f"cnn.conv{i}.w"] = rng.normal(0, 0.3, (c, c, 3))
            w[f"cnn.conv{i}.b"] = rng.normal(0, 0.1, c)
            continue
        w[f"cnn.dw{i}"] = rng.normal(0, 0.6, (c, 3))
        w[f"cnn.pw{i}.w"] = rng.normal(0, 0.4, (c, c))
        w[f"cnn.pw{i}.b"] = rng.normal(0, 0.1, c)
    return {k: v.astype(np.float16) for k, v in w.items()}  # as weights.npz stores them


def _reference(w: dict[str, np.ndarray], x: np.ndarray, dilations: list[int], block: str = "separable") -> np.ndarray:
    """One row, written as the definition reads: zero outside the row, taps d apart."""
    f = {k: v.astype(np.float64) for k, v in w.items()}
    h = np.maximum(x @ f["cnn.in.w"].T + f["cnn.in.b"], 0.0)
    n = len(x)
    for i, d in enumerate(dilations):
        y = np.zeros_like(h)
        for t in range(n):
            for j, off in enumerate((-d, 0, d)):
                if 0 <= t + off < n:
                    y[t] += (f[f"cnn.conv{i}.w"][:, :, j] @ h[t + off] if block == "full"
                             else h[t + off] * f[f"cnn.dw{i}"][:, j])
        z = y + f[f"cnn.conv{i}.b"] if block == "full" else y @ f[f"cnn.pw{i}.w"].T + f[f"cnn.pw{i}.b"]
        h = h + np.maximum(z, 0.0)
    return h


def _rows(seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(0, 1, (n, D)).astype(np.float32) for n in (1, 2, 7, 30, 5)]


@pytest.mark.parametrize("block", ["separable", "full"])
def test_cnn_numpy_layers_match_the_definition_row_by_row(block: str) -> None:
    w = _weights(block=block)
    enc = ConvEncoder(w, DILATIONS, block=block)
    xs = _rows()
    out = enc.rows(xs, 31)
    assert out.shape == (len(xs), 31, C)
    for i, x in enumerate(xs):
        np.testing.assert_allclose(out[i, :len(x)], _reference(w, x.astype(np.float64), DILATIONS, block), atol=1e-4,
                                   rtol=1e-4)
        assert not out[i, len(x):].any()
        # a row's output is what it gives alone: neighbours in the batch never leak through the gaps
        np.testing.assert_array_equal(enc.rows([x], len(x))[0], out[i, :len(x)])


def test_cnn_laid_out_rows_sit_between_zero_gaps() -> None:
    enc = ConvEncoder(_weights(), DILATIONS)
    xs = _rows(2)
    x, live, starts = enc.lay_out(xs)
    assert enc.gap == 4 and starts[0] == enc.gap and len(x) == sum(map(len, xs)) + enc.gap * (len(xs) + 1)
    assert int(live.sum()) == sum(map(len, xs)) and not x[live[:, 0] == 0].any()
    for s, xi in zip(starts, xs, strict=True):
        np.testing.assert_array_equal(x[s:s + len(xi)], xi)


@pytest.mark.parametrize("block", ["separable", "full"])
def test_cnn_onnx_graph_float_and_int8(tmp_path: Path, block: str) -> None:
    pytest.importorskip("onnx", reason="the export needs onnx (pip install -e .[train])")
    import onnx
    import onnxruntime as ort

    from clue_miner.extract.ner.cnn import OnnxConvEncoder, cnn_graph, export_int8

    w = _weights(block=block)
    enc = ConvEncoder(w, DILATIONS, block=block)
    xs = _rows(3)
    x, live, _ = enc.lay_out(xs)
    onnx.save(cnn_graph(w, DILATIONS, block=block), str(tmp_path / "f.onnx"))
    sess = ort.InferenceSession(str(tmp_path / "f.onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(sess.run(None, {"X": x, "LIVE": live})[0], enc.run(x, live), atol=1e-4, rtol=1e-5)

    np.savez(tmp_path / "weights.npz", **w)
    (tmp_path / "config.json").write_text(json.dumps({"encoder": {"type": "cnn", "dilations": DILATIONS,
                                                                  "kernel": 3, "block": block}}), encoding="utf-8")
    path = export_int8(tmp_path, _rows(4) + _rows(5))
    q = OnnxConvEncoder(path, w, DILATIONS, block=block)
    got, ref = q.rows(xs, 30), enc.rows(xs, 30)
    scale = np.abs(ref).max()
    # int8 convolutions (random weights, 3 layers, a tiny calibration set): close to float on the whole
    assert np.abs(got - ref).mean() < 0.03 * np.abs(ref).mean() and np.abs(got - ref).max() < 0.2 * scale
    for i, xi in enumerate(xs):  # static scales: alone or batched, the same numbers
        np.testing.assert_array_equal(q.rows([xi], len(xi))[0], got[i, :len(xi)])
    assert export_int8(tmp_path, _rows(4) + _rows(5), tmp_path / "again.onnx").read_bytes() == path.read_bytes()


def _tiny_cnn_model(tmp_path: Path):  # noqa: ANN202 (NerModel, imported lazily)
    """The shipped model's vocabularies, embeddings and heads over a random 16-channel cnn encoder."""
    from clue_miner.extract.ner.model import NerModel
    from clue_miner.model_store import models_dir

    shipped = models_dir() / "ner-charlstm"
    if not (shipped / "config.json").exists():
        pytest.skip("models/ner-charlstm is not built")
    cfg = json.loads((shipped / "config.json").read_text(encoding="utf-8"))
    enc = cfg["encoder"]
    d_in = enc["char_dim"] + enc["bigram_dim"] + enc["n_lex"] + 3 * enc["word_dim"]
    with np.load(shipped / "weights.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if not k.startswith("lstm.")}
    cnn = _weights(7, d=d_in, c=16, n=2)
    arrays.update(cnn)
    for name in cfg["heads"]:  # heads over 16 channels
        arrays[f"{name}.w"] = np.random.default_rng(1).normal(0, 0.3, (arrays[f"{name}.b"].shape[0], 16)).astype(np.float16)
    cfg["encoder"] = {**{k: v for k, v in enc.items() if k != "hidden"}, "type": "cnn", "width": 16,
                      "dilations": [1, 2], "kernel": 3}
    (tmp_path / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    (tmp_path / "vocab.json").write_bytes((shipped / "vocab.json").read_bytes())
    np.savez(tmp_path / "weights.npz", **arrays)
    return NerModel(tmp_path)


def test_cnn_model_folder_loads_and_names_its_runtime(tmp_path: Path) -> None:
    """A model whose config declares a cnn encoder runs it (numpy without the ONNX file)."""
    from clue_miner.errors import ModelError
    from clue_miner.extract.ner.model import NerModel

    model = _tiny_cnn_model(tmp_path)
    cfg = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    text = "被告人张某某盗窃了被害人李某的电动车。"
    ents = model.predict([text])[0]
    assert model._load()["runtime"] == "numpy"
    assert all(text[e.start:e.end] == e.text for e in ents)
    hidden, lengths = model._encode([text, text[:5]])
    assert hidden.shape == (2, len(text), 16) and lengths.tolist() == [len(text), 5]
    np.testing.assert_array_equal(hidden[1, :5], model._encode([text[:5]])[0][0])
    with pytest.raises(ModelError, match="onnx"):
        NerModel(tmp_path, runtime="onnx")._load()
    # a BiLSTM graph beside a convolutional config, missing arrays, bad dilations: clear errors
    from clue_miner.extract.ner.onnx_encoder import ONNX_FILE
    from clue_miner.model_store import models_dir

    lstm_onnx = models_dir() / "ner-charlstm" / ONNX_FILE
    if lstm_onnx.exists():
        (tmp_path / ONNX_FILE).write_bytes(lstm_onnx.read_bytes())
        with pytest.raises(ModelError, match="not a convolutional encoder graph"):
            NerModel(tmp_path)._load()
        (tmp_path / ONNX_FILE).unlink()
    with np.load(tmp_path / "weights.npz") as z:
        arrays = {k: z[k] for k in z.files}
    np.savez(tmp_path / "weights.npz", **{k: v for k, v in arrays.items() if k != "cnn.pw1.b"})
    with pytest.raises(ModelError, match="cnn.pw1.b"):
        NerModel(tmp_path)._load()
    np.savez(tmp_path / "weights.npz", **arrays)
    for bad in ([], [0, 1]):
        (tmp_path / "config.json").write_text(json.dumps({**cfg, "encoder": {**cfg["encoder"], "dilations": bad}}),
                                              encoding="utf-8")
        with pytest.raises(ModelError, match="dilations"):
            NerModel(tmp_path)._load()
    cfg["encoder"]["type"] = "transformer"
    (tmp_path / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(ModelError, match="unknown NER encoder"):
        NerModel(tmp_path)._load()


def test_cnn_laid_out_features_equal_each_piece_alone(tmp_path: Path) -> None:
    """The end marks that separate the pieces change no piece's encoder output."""
    model = _tiny_cnn_model(tmp_path)
    pieces = ["被告人张某某盗窃了被害人李某的电动车。", "我", "北京市朝阳区人民法院", "2019年5月3日"]
    steps = max(map(len, pieces))
    together = model._encode_laid_out(pieces, steps)
    enc = model._load()["lstm"]
    np.testing.assert_array_equal(together, enc.rows(model._features_many(pieces), steps))
    for i, p in enumerate(pieces):
        np.testing.assert_allclose(together[i, :len(p)], enc.rows([model._features(p)], len(p))[0], atol=1e-5)
