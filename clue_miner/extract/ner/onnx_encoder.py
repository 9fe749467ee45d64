"""The NER's BiLSTM run by onnxruntime, its weights quantised to int8.

The numpy :class:`~clue_miner.extract.ner.bilstm.BiLSTM` steps through the characters in Python;
onnxruntime's ``DynamicQuantizeLSTM`` runs the same layer in C++ with int8 weights, about 3x faster
on one core (``benchmarks/speed.py``). The graph is built once from ``weights.npz`` by
``training/export_ner_onnx.py`` and shipped as ``encoder.int8.onnx`` beside it (a protobuf, no
pickle); :class:`OnnxBiLSTM` has the numpy layer's call signature.

**Pinned ranges.** The kernel quantises its activations (the input rows of a step, the hidden
states of a step) with a range taken from every row of the call, so rows run together would
depend on one another. The exported graph pins both ranges: each input row carries two extra
columns holding the bounds no feature leaves (:func:`input_bounds`; zero weights), and two extra
hidden units sit at exactly +1 and -1 from their initial state on (zero weights out, saturated
gates), so every range is the same fixed one whatever else is in the call. A piece's states are
then the same bit for bit alone or batched with others, and :class:`OnnxBiLSTM` runs a few rows per
call (``rows_per_call``), which the kernel does faster than one at a time. A graph exported
without pins (older exports, a bottleneck model) runs each row on its own.

Which runtime a model uses: ``NerModel(runtime=...)`` or ``$CLUE_MINER_NER_RUNTIME`` —
``onnx`` (required; an error when onnxruntime or the file is missing), ``numpy`` (the reference
implementation), ``auto`` (default: onnx when both are there, else numpy, logged).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from clue_miner.errors import ModelError
from clue_miner.extract.ner.features import padded

log = logging.getLogger(__name__)

RUNTIME_ENV = "CLUE_MINER_NER_RUNTIME"
RUNTIMES = ("auto", "onnx", "numpy")
ONNX_FILE = "encoder.int8.onnx"
PIN_KEY = "clue_miner.pin"  # the graph's metadata: {"lo", "hi", "inputs", "units"} of a pinned export
PIN_INPUTS = 2  # input columns holding the bounds (lo, hi), appended after the features
PIN_UNITS = 2  # hidden units at +1 and -1, appended after the real ones in each direction
ROWS_PER_CALL = 4  # rows batched into one call of a pinned graph (4 ran as fast as 6 or 8, 1 thread)


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


@dataclass(frozen=True)
class Plan:
    """Where each character's input row goes when pieces of ``sizes`` characters run a few to a call:
    call ``g`` reads rows ``offsets[g]`` to ``offsets[g] + steps[g] * counts[g]`` of one flat block,
    time-major ``(steps, count, width)``; ``dest[j]`` is the flat row of character ``j`` of the
    pieces joined by one end mark (``-1`` for the marks)."""

    sizes: np.ndarray
    counts: np.ndarray
    steps: np.ndarray
    offsets: np.ndarray
    dest: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.offsets[-1]) if len(self.offsets) else 0


def plan(sizes: Sequence[int], per_call: int, spread: float = 1.25) -> Plan:
    """The :class:`Plan` of pieces of ``sizes`` characters: up to ``per_call`` consecutive pieces a
    call, as long as the call's longest piece is at most ``spread`` times its shortest plus 8
    characters (padding wastes the kernel's time; callers pass the pieces by length)."""
    n = np.asarray(sizes, dtype=np.int64)
    k = len(n)
    starts_of: list[int] = []
    lo = hi = 0
    for j, size in enumerate(n.tolist()):
        if starts_of and j - starts_of[-1] < per_call and max(hi, size) <= min(lo, size) * spread + 8:
            lo, hi = min(lo, size), max(hi, size)
            continue
        starts_of.append(j)
        lo = hi = size
    first = np.array(starts_of, dtype=np.int64)
    counts = np.diff(np.r_[first, k]).astype(np.int64)
    steps = np.maximum.reduceat(n, first) if k else np.zeros(0, np.int64)
    offsets = np.r_[0, np.cumsum(steps * counts)].astype(np.int64)
    group = np.repeat(np.arange(len(first)), counts)  # each piece's call
    row = np.arange(k) - np.repeat(first, counts)  # its row within the call
    starts = np.r_[0, np.cumsum(n + 1)[:-1]] if k else np.zeros(0, np.int64)  # in the joined string
    dest = np.full(int((n + 1).sum()) - 1 if k else 0, -1, dtype=np.int64)
    t = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)  # each character's step
    piece = np.repeat(np.arange(k), n)
    dest[np.repeat(starts, n) + t] = offsets[group[piece]] + t * counts[group[piece]] + row[piece]
    return Plan(n, counts, steps, offsets, dest)


class OnnxBiLSTM:
    """``(x (B, T, D) float32, lengths (B,)) -> (B, T, 2H)``, zero at and past each length.

    A pinned graph (:data:`PIN_KEY` in its metadata) runs :attr:`rows_per_call` rows a call, each
    row's states the same as alone (see the module's note); an unpinned one runs each row on its own
    (its activation scales would come from every row of a call)."""

    def __init__(self, path: Path, hidden: int, threads: int = 1, rows_per_call: int = ROWS_PER_CALL) -> None:
        self.session = session(path, threads)
        self.hidden = hidden
        meta = self.session.get_modelmeta().custom_metadata_map
        pin = json.loads(meta[PIN_KEY]) if PIN_KEY in meta else None
        self.pin: tuple[np.float32, np.float32] | None = (
            (np.float32(pin["lo"]), np.float32(pin["hi"])) if pin else None)
        self.rows_per_call = rows_per_call if pin else 1
        self.width = int(self.session.get_inputs()[0].shape[2])  # the graph's input columns (pins included)

    def __call__(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        return self.rows([x[i, :int(n)] for i, n in enumerate(lengths)], x.shape[1])

    def rows(self, xs: list[np.ndarray], steps: int) -> np.ndarray:
        """Each ``(T_i, D)`` input into one ``(B, steps, 2H)`` output (zero past T_i)."""
        sizes = np.array([len(xi) for xi in xs], dtype=np.int64)
        return padded(self.joined(xs), sizes, steps)

    def joined(self, xs: list[np.ndarray]) -> np.ndarray:
        """The ``(T_i, D)`` inputs' states end to end, ``(sum T_i, 2H)`` (no padded block to fill:
        callers that build each row's features alone pass them here)."""
        if self.pin is None:
            return self._alone(xs)
        layout = plan([len(xi) for xi in xs], self.rows_per_call)
        chars = np.concatenate(xs) if xs else np.zeros((0, self.width - PIN_INPUTS), np.float32)
        return self.run_planned(self.input_block(layout, chars), layout)

    def input_block(self, layout: Plan, chars: np.ndarray) -> np.ndarray:
        """The input block of ``layout`` ``(rows, width)``: ``chars`` (the pieces' input rows end to
        end, no end marks) where the plan puts them, zero padding, every row's pin columns set."""
        assert self.pin is not None
        block = np.zeros((layout.rows, self.width), dtype=np.float32)
        block[:, -PIN_INPUTS] = self.pin[0]
        block[:, -PIN_INPUTS + 1] = self.pin[1]
        block[layout.dest[layout.dest >= 0], :-PIN_INPUTS] = chars
        return block

    def run_planned(self, block: np.ndarray, layout: Plan) -> np.ndarray:
        """The states of the pieces laid out in ``block`` by ``layout``, end to end ``(sum T_i, 2H)``."""
        h = self.hidden
        out = np.empty((int(layout.sizes.sum()), 2 * h), dtype=np.float32)
        at = 0
        piece = 0
        for count, steps, offset in zip(layout.counts.tolist(), layout.steps.tolist(), layout.offsets[:-1].tolist(),
                                        strict=True):
            x = block[offset:offset + steps * count].reshape(steps, count, self.width)
            sizes = layout.sizes[piece:piece + count]
            y = self.session.run(None, {"X": x, "L": sizes.astype(np.int32)})[0]  # (steps, 2, count, H + pins)
            for r, n in enumerate(sizes.tolist()):
                out[at:at + n].reshape(n, 2, h)[...] = y[:n, :, r, :h]
                at += n
            piece += count
        return out

    def _alone(self, xs: list[np.ndarray]) -> np.ndarray:
        """Each row on its own call (an unpinned graph)."""
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


def input_bounds(weights: dict[str, np.ndarray]) -> tuple[float, float]:
    """Bounds no encoder input value leaves, widened by 1e-3: the extremes of the character, bigram
    and word embedding tables (a word set is a weighted mean of word vectors, weights summing to
    one) and the lexicon flags' 0 and 1."""
    tables = [np.asarray(weights[k], dtype=np.float32) for k in ("char_emb", "bigram_emb", "word_emb") if k in weights]
    lo = min([0.0, *(float(t.min()) for t in tables)]) - 1e-3
    hi = max([1.0, *(float(t.max()) for t in tables)]) + 1e-3
    return float(np.float32(lo)), float(np.float32(hi))


def _pinned(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The ``lstm.*`` arrays grown by :data:`PIN_INPUTS` zero input columns and :data:`PIN_UNITS`
    hidden units per gate block (torch order i, f, g, o) that read and feed nothing: input gate
    shut, forget and output gates open, no candidate — a unit keeps its initial cell (set at +-1e4
    by the graph), so its state is tanh(+-1e4) = +-1 at every step."""
    out = dict(weights)
    hidden = int(weights["lstm.w_hh"].shape[1])

    def grow(m: np.ndarray, fill: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)) -> np.ndarray:
        """Each gate block of ``m`` followed by PIN_UNITS rows of ``fill[gate]``."""
        blocks = []
        for g in range(4):
            blocks += [m[g * hidden:(g + 1) * hidden], np.full((PIN_UNITS, *m.shape[1:]), fill[g], np.float32)]
        return np.concatenate(blocks, axis=0).astype(np.float32)

    for sfx in ("", "_r"):
        w_ih = grow(weights["lstm.w_ih" + sfx])
        out["lstm.w_ih" + sfx] = np.concatenate([w_ih, np.zeros((len(w_ih), PIN_INPUTS), np.float32)], axis=1)
        w_hh = grow(weights["lstm.w_hh" + sfx])
        out["lstm.w_hh" + sfx] = np.concatenate([w_hh, np.zeros((len(w_hh), PIN_UNITS), np.float32)], axis=1)
        out["lstm.b" + sfx] = grow(weights["lstm.b" + sfx][:, None], fill=(-30.0, 30.0, 0.0, 30.0))[:, 0]  # i f g o
    return out


def lstm_graph(weights: dict[str, np.ndarray], pin: tuple[float, float] | None = None) -> Any:
    """The float32 ONNX model of the BiLSTM in ``weights`` (``weights.npz``'s ``lstm.*`` arrays,
    torch gate order i, f, g, o; ONNX wants i, o, f, c), after its bottleneck product when the
    model has one (``lstm.proj.{w,b}``). ``pin``: the input bounds (:func:`input_bounds`) for a
    pinned graph (see the module's note; not with a bottleneck). Needs the ``onnx`` package
    (training)."""
    from onnx import TensorProto, helper, numpy_helper

    proj = "lstm.proj.w" in weights
    if pin is not None and proj:
        raise ValueError("a bottleneck model's LSTM inputs have no fixed bounds: export it unpinned")
    real_hidden = int(weights["lstm.w_hh"].shape[1])
    if pin is not None:
        weights = _pinned(weights)
    hidden = int(weights["lstm.w_hh"].shape[1])
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
    lstm_in = ["XB" if proj else "X", "W", "R", "B", "L"]
    if pin is not None:  # initial state (2, B, hidden): zero, but the pinned units' h = +-1 and c = +-1e4
        h0 = np.zeros((2, 1, hidden), np.float32)
        c0 = np.zeros((2, 1, hidden), np.float32)
        h0[:, :, real_hidden], h0[:, :, real_hidden + 1] = 1.0, -1.0
        c0[:, :, real_hidden], c0[:, :, real_hidden + 1] = 1e4, -1e4
        inits += [numpy_helper.from_array(h0, "H0_one"), numpy_helper.from_array(c0, "C0_one"),
                  numpy_helper.from_array(np.array([2], np.int64), "directions"),
                  numpy_helper.from_array(np.array([hidden], np.int64), "hidden")]
        nodes += [helper.make_node("Shape", ["L"], ["batch"]),
                  helper.make_node("Concat", ["directions", "batch", "hidden"], ["state_shape"], axis=0),
                  helper.make_node("Expand", ["H0_one", "state_shape"], ["H0"]),
                  helper.make_node("Expand", ["C0_one", "state_shape"], ["C0"])]
        lstm_in += ["H0", "C0"]
    nodes.append(helper.make_node("LSTM", lstm_in, ["Y"], direction="bidirectional", hidden_size=hidden))
    graph = helper.make_graph(
        nodes, "ner_bilstm",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", "B", d_in]),
         helper.make_tensor_value_info("L", TensorProto.INT32, ["B"])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["T", 2, "B", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="clue_miner")
    model.ir_version = 8
    if pin is not None:
        helper.set_model_props(model, {PIN_KEY: json.dumps({"lo": pin[0], "hi": pin[1], "inputs": PIN_INPUTS,
                                                            "units": PIN_UNITS})})
    return model


def export_int8(model_dir: Path, out: Path | None = None) -> Path:
    """Write ``encoder.int8.onnx`` for the NER model in ``model_dir`` (float32 graph, pinned unless
    the model has a bottleneck, then onnxruntime's dynamic int8 quantisation of the LSTM). Needs
    ``onnx`` and onnxruntime."""
    import tempfile

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with np.load(model_dir / "weights.npz", allow_pickle=False) as z:
        weights = {k: z[k] for k in z.files if k.startswith("lstm.") or k.endswith("_emb")}
    pin = None if "lstm.proj.w" in weights else input_bounds(weights)
    target = out or model_dir / ONNX_FILE
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "encoder.fp32.onnx"
        onnx.save(lstm_graph({k: v for k, v in weights.items() if k.startswith("lstm.")}, pin), str(fp32))
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["LSTM"])
    return target
