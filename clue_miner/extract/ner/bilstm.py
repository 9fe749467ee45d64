"""The NER's BiLSTM in numpy: the reference runtime (``onnx_encoder`` runs the same layer in
onnxruntime, int8).

No torch at inference: the weights are plain arrays (``weights.npz``, float16 on disk). The BiLSTM
loops over time steps only; every step works on the whole batch. Gate order and bias layout
follow ``torch.nn.LSTM`` (i, f, g, o; ``b = b_ih + b_hh``) so trained weights load unchanged.
A model with a bottleneck (``lstm.proj.{w,b}``: one linear map of the inputs before both
directions) has it folded into the input weights here (the same linear map, one product).
"""

from __future__ import annotations

import numpy as np

__all__ = ["BiLSTM"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class BiLSTM:
    """One bidirectional LSTM layer over right-padded batches.

    Both directions advance in the same loop (one batched matmul a step); the sigmoid gates' rows
    are pre-scaled by 1/2 so a single ``tanh`` over all four gates gives them all
    (``sigmoid(x) = (1 + tanh(x / 2)) / 2``); gates are reordered to (i, f, o, g) at load.
    """

    def __init__(self, w_ih: np.ndarray, w_hh: np.ndarray, b: np.ndarray,
                 w_ih_r: np.ndarray, w_hh_r: np.ndarray, b_r: np.ndarray) -> None:
        h = w_hh.shape[1]
        self.hidden = h
        perm = np.r_[0:2 * h, 3 * h:4 * h, 2 * h:3 * h]  # torch (i, f, g, o) -> (i, f, o, g)
        scale = np.r_[np.full(3 * h, 0.5), np.ones(h)].astype(np.float32)

        def prep(m: np.ndarray) -> np.ndarray:
            return (m[perm].astype(np.float32) * scale[:, None]) if m.ndim == 2 else m[perm].astype(np.float32) * scale

        self.w_in = np.ascontiguousarray(np.concatenate([prep(w_ih), prep(w_ih_r)], axis=0).T)
        self.b_in = np.concatenate([prep(b), prep(b_r)])
        self.u = np.ascontiguousarray(np.stack([prep(w_hh).T, prep(w_hh_r).T]))  # (2, H, 4H)

    @classmethod
    def from_weights(cls, w: dict[str, np.ndarray]) -> BiLSTM:
        """The layer in ``weights.npz``'s ``lstm.*`` arrays (float32), a bottleneck folded in."""
        w_ih, w_ih_r, b, b_r = w["lstm.w_ih"], w["lstm.w_ih_r"], w["lstm.b"], w["lstm.b_r"]
        if "lstm.proj.w" in w:  # W (x P^T + c) + b = x (W P)^T + (W c + b)
            p, c = w["lstm.proj.w"].astype(np.float32), w["lstm.proj.b"].astype(np.float32)
            w_ih, b = w_ih @ p, w_ih @ c + b
            w_ih_r, b_r = w_ih_r @ p, w_ih_r @ c + b_r
        return cls(w_ih, w["lstm.w_hh"], b, w_ih_r, w["lstm.w_hh_r"], b_r)

    def __call__(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """``x`` (B, T, D) -> (B, T, 2H); positions at or past ``lengths`` are zero."""
        bsz, steps, _ = x.shape
        h, h4 = self.hidden, 4 * self.hidden
        gx = (x.reshape(bsz * steps, -1) @ self.w_in + self.b_in).reshape(bsz, steps, 2, h4)
        gates = np.empty((steps, 2, bsz, h4), dtype=np.float32)  # step s: forward t=s, backward t=T-1-s
        gates[:, 0] = gx[:, :, 0].transpose(1, 0, 2)
        gates[:, 1] = gx[:, ::-1, 1].transpose(1, 0, 2)
        live = (np.arange(steps)[::-1, None] < lengths[None, :]).astype(np.float32)[:, :, None]  # backward mask
        out = np.empty((2, steps, bsz, h), dtype=np.float32)
        hs = np.zeros((2, bsz, h), dtype=np.float32)
        cs = np.zeros((2, bsz, h), dtype=np.float32)
        for s in range(steps):
            t = np.tanh(gates[s] + hs @ self.u)
            ifo = t[:, :, : 3 * h]
            ifo *= 0.5
            ifo += 0.5
            cs *= ifo[:, :, h:2 * h]
            cs += ifo[:, :, :h] * t[:, :, 3 * h:]
            hs = ifo[:, :, 2 * h:] * np.tanh(cs)
            cs[1] *= live[s]
            hs[1] *= live[s]
            out[0, s] = hs[0]
            out[1, steps - 1 - s] = hs[1]
        res = np.concatenate([out[0], out[1]], axis=2).transpose(1, 0, 2)
        res *= (np.arange(steps)[None, :] < lengths[:, None])[:, :, None]
        return res
