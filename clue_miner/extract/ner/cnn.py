"""The NER's convolutional encoder in numpy (``"type": "cnn"`` in a model's ``config.json``).

``h = relu(x W_in + b_in)``, then one block per dilation ``d``: a depthwise convolution over time
(kernel ``k``, taps ``d`` apart, zero outside the row) and a pointwise product (``"block":
"separable"``) or one full convolution (``"full"``), ``relu``, added to ``h``. Trained by ``training/ner_torch.py`` (``ConvEncoder``, same layout in ``weights.npz``).

Every row of a call goes through the layers together: the rows are laid end to end with ``gap``
zero rows between them (at least the widest tap offset), and the gaps are zeroed again after each
layer, so a row's output is exactly what it gives alone — batching never changes an entity — and
each layer is one matrix product over every character of the call.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ConvEncoder", "OnnxConvEncoder", "cnn_graph", "export_int8"]


class ConvEncoder:
    """``rows(xs, steps) -> (B, steps, C)`` (zero past each row's length), like the BiLSTM runtimes."""

    def __init__(self, weights: dict[str, np.ndarray], dilations: Sequence[int], kernel: int = 3,
                 block: str = "separable") -> None:
        from clue_miner.errors import ModelError

        def f32(name: str) -> np.ndarray:
            if name not in weights:
                raise ModelError(f"convolutional NER encoder: weights lack {name!r} (config and weights.npz disagree)",
                                 code="bad_model")
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        if not dilations or kernel < 1 or kernel % 2 != 1 or any(int(d) < 1 for d in dilations):
            raise ModelError(f"convolutional NER encoder: bad dilations {list(dilations)!r} or kernel {kernel!r}",
                             code="bad_model")
        self.w_in = np.ascontiguousarray(f32("cnn.in.w").T)  # (D, C)
        self.b_in = f32("cnn.in.b")
        self.dilations = [int(d) for d in dilations]
        self.kernel = int(kernel)
        if block not in ("separable", "full"):
            raise ModelError(f"convolutional NER encoder: unknown block {block!r}", code="bad_model")
        self.block = block
        layers = range(len(self.dilations))
        if block == "separable":
            self.dw = [np.ascontiguousarray(f32(f"cnn.dw{i}").T) for i in layers]  # (k, C)
            self.pw = [np.ascontiguousarray(f32(f"cnn.pw{i}.w").T) for i in layers]  # (C, C)
            self.pb = [f32(f"cnn.pw{i}.b") for i in layers]
        else:  # full: the taps' matrices side by side, (C_in, k * C_out); the same bias slot as pb
            self.dw = [np.ascontiguousarray(np.concatenate(list(f32(f"cnn.conv{i}.w").transpose(2, 1, 0)), axis=1))
                       for i in layers]
            self.pw = [np.zeros((0, 0), np.float32) for _ in layers]
            self.pb = [f32(f"cnn.conv{i}.b") for i in layers]
        self.width = int(self.w_in.shape[1])
        self.gap = max([1, *(d * (self.kernel // 2) for d in self.dilations)])

    def placed(self, sizes: Sequence[int]) -> tuple[list[int], np.ndarray]:
        """Where rows of these ``sizes`` start when laid end to end with ``gap`` rows before,
        between and after them, and ``live`` ``(total, 1)``: 1 on the rows, 0 on the gaps."""
        starts = [int(s) for s in np.cumsum([self.gap, *(n + self.gap for n in sizes[:-1])])]
        live = np.zeros((starts[-1] + sizes[-1] + self.gap, 1), dtype=np.float32)
        for s, n in zip(starts, sizes, strict=True):
            live[s:s + n] = 1.0
        return starts, live

    def gathered(self, h: np.ndarray, starts: Sequence[int], sizes: Sequence[int], steps: int) -> np.ndarray:
        """The laid-out states ``h`` back as ``(B, steps, C)`` rows, zero past each row's size."""
        out = np.zeros((len(sizes), steps, h.shape[1]), dtype=np.float32)
        for i, (s, n) in enumerate(zip(starts, sizes, strict=True)):
            out[i, :n] = h[s:s + n]
        return out

    def rows(self, xs: Sequence[np.ndarray], steps: int) -> np.ndarray:
        """Each ``(T_i, D)`` input's states, ``(B, steps, C)``."""
        if not xs:
            return np.zeros((0, steps, self.width), dtype=np.float32)
        x, live, starts = self.lay_out(xs)
        return self.gathered(self.run(x, live), starts, [len(xi) for xi in xs], steps)

    def lay_out(self, xs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """The rows end to end as :meth:`placed` says, zero rows between: ``(x, live, starts)``."""
        starts, live = self.placed([len(xi) for xi in xs])
        x = np.zeros((len(live), self.w_in.shape[0]), dtype=np.float32)
        for s, xi in zip(starts, xs, strict=True):
            x[s:s + len(xi)] = xi
        return x, live, starts

    def run(self, x: np.ndarray, live: np.ndarray) -> np.ndarray:
        """The layers over ``x`` (N, D) laid out as :meth:`rows` does; ``live`` (N, 1) is 1 on
        characters and 0 on the gaps (which must be at least ``gap`` wide, and at both ends)."""
        h = x @ self.w_in
        h += self.b_in
        np.maximum(h, 0.0, out=h)
        h *= live
        half = self.kernel // 2
        c = self.width
        for d, dw, pw, pb in zip(self.dilations, self.dw, self.pw, self.pb, strict=True):
            if self.block == "full":  # z[t] = b + sum_j h[t + (j - half) d] W_j
                taps = h @ dw
                z = taps[:, half * c:(half + 1) * c] + pb
                for j in range(self.kernel):
                    off = (j - half) * d
                    if off < 0:
                        z[-off:] += taps[:off, j * c:(j + 1) * c]
                    elif off > 0:
                        z[:-off] += taps[off:, j * c:(j + 1) * c]
            else:  # depthwise taps, then the pointwise product
                y = h * dw[half]
                for j in range(self.kernel):
                    off = (j - half) * d
                    if off < 0:
                        y[-off:] += h[:off] * dw[j]
                    elif off > 0:
                        y[:-off] += h[off:] * dw[j]
                z = y @ pw
                z += pb
            np.maximum(z, 0.0, out=z)
            h += z
            h *= live
        return h


class OnnxConvEncoder(ConvEncoder):
    """:class:`ConvEncoder` run by onnxruntime from ``encoder.int8.onnx``: the same layers with the
    convolutions in int8 at fixed (calibrated) scales — static quantisation, so a row's output
    never depends on the rows run beside it. Built by :func:`export_int8`."""

    def __init__(self, path: Path, weights: dict[str, np.ndarray], dilations: Sequence[int], kernel: int = 3,
                 threads: int = 1, block: str = "separable") -> None:
        from clue_miner.errors import ModelError
        from clue_miner.extract.ner.onnx_encoder import session

        super().__init__(weights, dilations, kernel, block)
        self.session = session(path, threads)
        names = sorted(i.name for i in self.session.get_inputs())
        if names != ["LIVE", "X"]:
            raise ModelError(f"{path}: not a convolutional encoder graph (inputs {names}); re-export it with "
                             "training/export_ner_onnx.py", code="bad_model")

    def run(self, x: np.ndarray, live: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"X": np.ascontiguousarray(x, dtype=np.float32),
                                       "LIVE": np.ascontiguousarray(live, dtype=np.float32)})[0]


def cnn_graph(weights: dict[str, np.ndarray], dilations: Sequence[int], kernel: int = 3,
              block: str = "separable") -> Any:
    """The float32 ONNX graph of :meth:`ConvEncoder.run`: inputs ``X`` (N, D) and ``LIVE`` (N, 1),
    output ``H`` (N, C). Inside, one ``(1, channels, N)`` sequence: the input product and the
    pointwise products are 1-wide convolutions, the depthwise taps a grouped convolution (one
    operator each, which onnxruntime runs in int8 once quantised). Needs ``onnx``."""
    from onnx import TensorProto, helper, numpy_helper

    enc = ConvEncoder(weights, dilations, kernel, block)
    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, ins: list[str], out: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, ins, [out], **attrs))
        return out

    axis0 = const("axis0", np.array([0], np.int64))
    x = node("Unsqueeze", [node("Transpose", ["X"], "x_t", perm=[1, 0]), axis0], "x_ncw")
    live = node("Unsqueeze", [node("Transpose", ["LIVE"], "live_t", perm=[1, 0]), axis0], "live_ncw")
    h = node("Conv", [x, const("w_in", enc.w_in.T[:, :, None]), const("b_in", enc.b_in)], "in_conv")
    h = node("Mul", [node("Relu", [h], "in_relu"), live], "h0")
    half = enc.kernel // 2
    for i, (d, dw, pw, pb) in enumerate(zip(enc.dilations, enc.dw, enc.pw, enc.pb, strict=True)):
        if block == "full":
            w = np.asarray(weights[f"cnn.conv{i}.w"], np.float32)  # (C_out, C_in, k)
            z = node("Conv", [h, const(f"conv{i}", w), const(f"pb{i}", pb)], f"conv{i}_out", dilations=[d],
                     pads=[half * d, half * d], kernel_shape=[enc.kernel])
            h = node("Mul", [node("Add", [h, node("Relu", [z], f"relu{i}")], f"res{i}"), live], f"h{i + 1}")
            continue
        y = node("Conv", [h, const(f"dw{i}", dw.T[:, None, :])], f"dw{i}_out", group=enc.width, dilations=[d],
                 pads=[half * d, half * d], kernel_shape=[enc.kernel])
        z = node("Conv", [y, const(f"pw{i}", pw.T[:, :, None]), const(f"pb{i}", pb)], f"pw{i}_out")
        h = node("Mul", [node("Add", [h, node("Relu", [z], f"relu{i}")], f"res{i}"), live], f"h{i + 1}")
    h = node("Squeeze", [h, axis0], "h_cn")
    nodes.append(helper.make_node("Transpose", [h], ["H"], perm=[1, 0]))
    graph = helper.make_graph(
        nodes, "ner_cnn",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", int(enc.w_in.shape[0])]),
         helper.make_tensor_value_info("LIVE", TensorProto.FLOAT, ["N", 1])],
        [helper.make_tensor_value_info("H", TensorProto.FLOAT, ["N", enc.width])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="clue_miner")
    model.ir_version = 8
    return model


def export_int8(model_dir: Path, calibration: Sequence[np.ndarray], out: Path | None = None) -> Path:
    """Write ``encoder.int8.onnx`` for the convolutional NER in ``model_dir``: the float32 graph,
    then onnxruntime's static int8 quantisation of its convolutions, the activation scales
    calibrated on ``calibration`` (encoder inputs ``(T_i, D)``, e.g. training sentences')."""
    import tempfile

    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    from clue_miner.extract.ner.onnx_encoder import ONNX_FILE

    if not calibration:
        raise ValueError("static int8 needs calibration inputs (encoder rows of training texts)")
    cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))["encoder"]
    with np.load(model_dir / "weights.npz", allow_pickle=False) as z:
        weights = {k: z[k] for k in z.files if k.startswith("cnn.")}
    enc = ConvEncoder(weights, cfg["dilations"], cfg.get("kernel", 3), cfg.get("block", "separable"))

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            feeds = []
            for c in range(0, len(calibration), 64):
                xs = list(calibration[c:c + 64])
                x, live, _ = enc.lay_out(xs)
                feeds.append({"X": x, "LIVE": live})
            self.feeds = iter(feeds)

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self.feeds, None)

    target = out or model_dir / ONNX_FILE
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "encoder.fp32.onnx"
        onnx.save(cnn_graph(weights, cfg["dilations"], cfg.get("kernel", 3), cfg.get("block", "separable")), str(fp32))
        quantize_static(str(fp32), str(target), Reader(), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        op_types_to_quantize=["Conv"], per_channel=False)
    return target
