"""The NER's BiLSTM run by onnxruntime, its weights quantised to int8.

The numpy :class:`~clue_miner.extract.ner.bilstm.BiLSTM` steps through the characters in Python;
onnxruntime's ``DynamicQuantizeLSTM`` runs the same layer in C++ with int8 weights (activations
quantised per call), about 3x faster on one core (``benchmarks/speed.py``). The graph is built
once from ``weights.npz`` by ``training/export_ner_onnx.py`` and shipped as ``encoder.int8.onnx``
beside it (a protobuf, no pickle); :class:`OnnxBiLSTM` has the numpy layer's call signature.

Which runtime a model uses: ``NerModel(runtime=...)`` or ``$CLUE_MINER_NER_RUNTIME`` —
``onnx`` (required; an error when onnxruntime or the file is missing), ``numpy`` (the reference
implementation), ``auto`` (default: onnx when both are there, else numpy, logged).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from clue_miner.errors import ModelError
from clue_miner.extract.ner.features import padded

log = logging.getLogger(__name__)

RUNTIME_ENV = "CLUE_MINER_NER_RUNTIME"
RUNTIMES = ("auto", "onnx", "numpy")
ONNX_FILE = "encoder.int8.onnx"


def chosen_runtime(runtime: str | None) -> str:
    value = (runtime or os.environ.get(RUNTIME_ENV) or "auto").lower()
    if value not in RUNTIMES:
        raise ModelError(f"NER runtime must be one of {', '.join(RUNTIMES)}, got {value!r}", code="bad_option")
    return value


def available(model_dir: Path) -> bool:
    """Whether ``model_dir`` ships the ONNX encoder and onnxruntime imports."""
    if not (model_dir / ONNX_FILE).is_file():
        return False
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def session(path: Path, threads: int = 1) -> Any:
    """An onnxruntime CPU session over ``path`` on ``threads`` threads (a ModelError if unloadable)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(1, threads)
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    try:
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelError(f"{path}: not a loadable ONNX encoder ({exc})", code="bad_model") from exc


class OnnxBiLSTM:
    """``(x (B, T, D) float32, lengths (B,)) -> (B, T, 2H)``, zero at and past each length.

    Each row runs on its own: the int8 kernel quantises its activations with scales taken from the
    whole input of a call, so a batched call would make one text's entities depend on the texts
    batched with it (``extract()`` and ``extract_many`` must agree). One row at a time cost ~15 %
    over a full batch on this kernel when measured (9.7 vs 8.4 us a character; 75 rows of 160)."""

    def __init__(self, path: Path, hidden: int, threads: int = 1) -> None:
        self.session = session(path, threads)
        self.hidden = hidden

    def __call__(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        return self.rows([x[i, :int(n)] for i, n in enumerate(lengths)], x.shape[1])

    def rows(self, xs: list[np.ndarray], steps: int) -> np.ndarray:
        """Each ``(T_i, D)`` input on its own, into one ``(B, steps, 2H)`` output (zero past T_i)."""
        sizes = np.array([len(xi) for xi in xs], dtype=np.int64)
        return padded(self.joined(xs), sizes, steps)

    def joined(self, xs: list[np.ndarray]) -> np.ndarray:
        """Each ``(T_i, D)`` input on its own; their outputs end to end, ``(sum T_i, 2H)`` (no
        padded block to fill: callers that build each row's features alone pass them here)."""
        out = np.empty((sum(len(xi) for xi in xs), 2 * self.hidden), dtype=np.float32)
        at = 0
        for xi in xs:
            n = len(xi)
            if n <= 0:
                continue
            xi = np.ascontiguousarray(xi[:, None, :], dtype=np.float32)  # (T, 1, D)
            y = self.session.run(None, {"X": xi, "L": np.array([n], dtype=np.int32)})[0]  # (T, 2, 1, H)
            out[at:at + n] = y.reshape(n, 2 * self.hidden)
            at += n
        return out


def lstm_graph(weights: dict[str, np.ndarray]) -> Any:
    """The float32 ONNX model of the BiLSTM in ``weights`` (``weights.npz``'s ``lstm.*`` arrays,
    torch gate order i, f, g, o; ONNX wants i, o, f, c), after its bottleneck product when the
    model has one (``lstm.proj.{w,b}``). Needs the ``onnx`` package (training)."""
    from onnx import TensorProto, helper, numpy_helper

    hidden = int(weights["lstm.w_hh"].shape[1])
    proj = "lstm.proj.w" in weights
    d_in = int(weights["lstm.proj.w"].shape[1] if proj else weights["lstm.w_ih"].shape[1])

    def reorder(m: np.ndarray) -> np.ndarray:
        h = hidden
        return np.concatenate([m[0:h], m[3 * h:4 * h], m[h:2 * h], m[2 * h:3 * h]], axis=0).astype(np.float32)

    w = np.stack([reorder(weights["lstm.w_ih"]), reorder(weights["lstm.w_ih_r"])])
    r = np.stack([reorder(weights["lstm.w_hh"]), reorder(weights["lstm.w_hh_r"])])
    zeros = np.zeros(4 * hidden, np.float32)
    b = np.stack([np.concatenate([reorder(weights["lstm.b"]), zeros]),
                  np.concatenate([reorder(weights["lstm.b_r"]), zeros])])
    nodes, inits = [], [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R"),
                        numpy_helper.from_array(b, "B")]
    if proj:  # X (T, B, d_in) @ P^T + c -> (T, B, proj), which the LSTM reads
        nodes += [helper.make_node("MatMul", ["X", "PW"], ["XP"]), helper.make_node("Add", ["XP", "PB"], ["XB"])]
        inits += [numpy_helper.from_array(np.ascontiguousarray(weights["lstm.proj.w"].T, dtype=np.float32), "PW"),
                  numpy_helper.from_array(weights["lstm.proj.b"].astype(np.float32), "PB")]
    nodes.append(helper.make_node("LSTM", ["XB" if proj else "X", "W", "R", "B", "L"], ["Y"],
                                  direction="bidirectional", hidden_size=hidden))
    graph = helper.make_graph(
        nodes, "ner_bilstm",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", "B", d_in]),
         helper.make_tensor_value_info("L", TensorProto.INT32, ["B"])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["T", 2, "B", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="clue_miner")
    model.ir_version = 8
    return model


def export_int8(model_dir: Path, out: Path | None = None) -> Path:
    """Write ``encoder.int8.onnx`` for the NER model in ``model_dir`` (float32 graph, then
    onnxruntime's dynamic int8 quantisation of the LSTM). Needs ``onnx`` and onnxruntime."""
    import tempfile

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with np.load(model_dir / "weights.npz", allow_pickle=False) as z:
        weights = {k: z[k] for k in z.files if k.startswith("lstm.")}
    target = out or model_dir / ONNX_FILE
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "encoder.fp32.onnx"
        onnx.save(lstm_graph(weights), str(fp32))
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["LSTM"])
    return target
