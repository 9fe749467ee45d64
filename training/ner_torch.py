"""The trainable network (torch): shared char/bigram/lexicon encoder (a BiLSTM, or dilated
convolutions: :class:`ConvEncoder`), one CRF per head.

Only the recipe imports this module; inference runs the exported arrays in numpy
(:mod:`clue_miner.extract.ner.bilstm`, :mod:`clue_miner.extract.ner.crf`). Layout of the exported weights (``weights.npz``):
``char_emb``, ``bigram_emb`` (absent without bigrams), ``lstm.{w_ih,w_hh,b}`` and
``lstm.{w_ih_r,w_hh_r,b_r}`` (torch gate order, biases summed; with a bottleneck, also
``lstm.proj.{w,b}``: one linear map of the inputs that both directions read) or, for the convolutional encoder,
``cnn.in.{w,b}``, ``cnn.dw{i}`` (depthwise kernels, ``(C, k)``), ``cnn.pw{i}.{w,b}`` (separable
blocks) or ``cnn.conv{i}.{w,b}`` (full convolutions, ``(C, C, k)``); and per head ``{head}.w``,
``{head}.b``, ``{head}.trans``, ``{head}.start``, ``{head}.end``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from clue_miner.extract.ner.crf import bioes_tags, transition_mask


class CRF(nn.Module):
    """Linear-chain CRF with BIOES constraints added as constant masks."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__()
        k = len(tags)
        self.trans = nn.Parameter(torch.zeros(k, k))
        self.start = nn.Parameter(torch.zeros(k))
        self.end = nn.Parameter(torch.zeros(k))
        t, s, e = transition_mask(tags)
        self.register_buffer("m_trans", torch.from_numpy(t))
        self.register_buffer("m_start", torch.from_numpy(s))
        self.register_buffer("m_end", torch.from_numpy(e))

    def nll(self, em: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Summed negative log-likelihood of ``tags`` (B, T) under emissions ``em`` (B, T, K)."""
        trans = self.trans + self.m_trans
        start = self.start + self.m_start
        end = self.end + self.m_end
        maskf = mask.to(em.dtype)
        gold = (em.gather(2, tags.unsqueeze(2)).squeeze(2) * maskf).sum(1)
        gold = gold + start[tags[:, 0]]
        gold = gold + (trans[tags[:, :-1], tags[:, 1:]] * maskf[:, 1:]).sum(1)
        last = tags.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)
        gold = gold + end[last]
        # forward algorithm in exp space: one (B, K) @ (K, K) product a step instead of a logsumexp
        # over (B, K, K); forbidden transitions have exp(-1e4) = 0.
        exp_trans = torch.exp(trans - trans.max())
        shift = trans.max()
        steps = em.unbind(1)  # one backward for all steps (em[:, t] would fill a full-size grad each step)
        live = mask.unsqueeze(2).unbind(1)
        alpha = start.unsqueeze(0) + steps[0]
        for t in range(1, len(steps)):
            top = alpha.max(dim=1, keepdim=True).values.detach()
            nxt = torch.log(torch.exp(alpha - top) @ exp_trans + 1e-30) + top + shift + steps[t]
            alpha = torch.where(live[t], nxt, alpha)
        log_z = torch.logsumexp(alpha + end.unsqueeze(0), dim=1)
        return (log_z - gold).sum()


class ConvEncoder(nn.Module):
    """Dilated convolutions with residuals: ``relu(x W_in + b)``, then per dilation
    ``h <- h + relu(conv(h))`` where ``conv`` is a depthwise convolution then a pointwise product
    (``block="separable"``) or a full convolution (``block="full"``); positions past a row's length
    are zeroed after every layer, so a padded batch gives each row what it gives alone (zero
    padding). The runtime twin is :class:`clue_miner.extract.ner.cnn.ConvEncoder` (same layout)."""

    def __init__(self, d_in: int, width: int, dilations: Sequence[int], kernel: int = 3, dropout: float = 0.1,
                 block: str = "separable") -> None:
        super().__init__()
        if kernel % 2 != 1:
            raise ValueError("the kernel width must be odd")
        if block not in ("separable", "full"):
            raise ValueError(f"unknown convolution block {block!r}")
        self.block = block
        self.inp = nn.Linear(d_in, width)
        groups = width if block == "separable" else 1
        self.dw = nn.ModuleList(nn.Conv1d(width, width, kernel, dilation=d, padding=d * (kernel // 2), groups=groups,
                                          bias=block == "full") for d in dilations)
        self.pw = nn.ModuleList(nn.Linear(width, width) if block == "separable" else nn.Identity() for _ in dilations)
        self.drop = nn.Dropout(dropout)
        self.dilations = list(dilations)
        self.kernel = kernel

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.unsqueeze(2).to(x.dtype)
        h = torch.relu(self.inp(x)) * m
        for dw, pw in zip(self.dw, self.pw, strict=True):
            y = dw(h.transpose(1, 2)).transpose(1, 2)
            h = (h + self.drop(torch.relu(pw(y)))) * m
        return h

    def export(self, arr: Any) -> dict[str, np.ndarray]:
        out = {"cnn.in.w": arr(self.inp.weight), "cnn.in.b": arr(self.inp.bias)}
        for i, (dw, pw) in enumerate(zip(self.dw, self.pw, strict=True)):
            if self.block == "full":
                out[f"cnn.conv{i}.w"] = arr(dw.weight)  # (C_out, C_in, k)
                out[f"cnn.conv{i}.b"] = arr(dw.bias)
                continue
            out[f"cnn.dw{i}"] = arr(dw.weight[:, 0, :])  # (C, k)
            out[f"cnn.pw{i}.w"] = arr(pw.weight)
            out[f"cnn.pw{i}.b"] = arr(pw.bias)
        return out

    @torch.no_grad()
    def load(self, t: Any) -> None:
        self.inp.weight.copy_(t("cnn.in.w"))
        self.inp.bias.copy_(t("cnn.in.b"))
        for i, (dw, pw) in enumerate(zip(self.dw, self.pw, strict=True)):
            if self.block == "full":
                dw.weight.copy_(t(f"cnn.conv{i}.w"))
                dw.bias.copy_(t(f"cnn.conv{i}.b"))
                continue
            dw.weight.copy_(t(f"cnn.dw{i}").unsqueeze(1))
            pw.weight.copy_(t(f"cnn.pw{i}.w"))
            pw.bias.copy_(t(f"cnn.pw{i}.b"))


class Tagger(nn.Module):
    def __init__(self, n_chars: int, n_bigrams: int, n_lex: int, heads: dict[str, list[str]], char_dim: int = 100,
                 bigram_dim: int = 50, hidden: int = 150, dropout_in: float = 0.4, dropout_out: float = 0.3,
                 n_words: int = 0, word_dim: int = 0, encoder: str = "bilstm", width: int = 192,
                 dilations: Sequence[int] = (1, 2, 4, 8), block: str = "separable", proj: int = 0) -> None:
        super().__init__()
        self.char_emb = nn.Embedding(n_chars, char_dim, padding_idx=0, sparse=True)
        self.bigram_emb = (nn.Embedding(n_bigrams, bigram_dim, padding_idx=0, sparse=True)
                           if bigram_dim and n_bigrams else None)
        self.word_emb = nn.Embedding(n_words, word_dim, padding_idx=0, sparse=True) if n_words and word_dim else None
        self.n_lex = n_lex
        d_in = char_dim + (bigram_dim if self.bigram_emb is not None else 0) + n_lex
        d_in += 3 * word_dim if self.word_emb is not None else 0
        # two one-way LSTMs over right-padded batches (the backward one reads each sequence reversed
        # in place): packed sequences cost a full-size gradient fill per time step on CPU.
        self.kind = encoder
        # a bottleneck (``proj``): one linear map of the inputs that both directions read, so the
        # LSTMs' input products shrink from d_in to proj columns
        self.proj = nn.Linear(d_in, proj) if encoder == "bilstm" and proj else None
        if encoder == "bilstm":
            self.fwd = nn.LSTM(proj or d_in, hidden, batch_first=True)
            self.bwd = nn.LSTM(proj or d_in, hidden, batch_first=True)
            out_dim = 2 * hidden
        elif encoder == "cnn":
            self.cnn = ConvEncoder(d_in, width, dilations, block=block)
            out_dim = width
        else:
            raise ValueError(f"unknown encoder {encoder!r}")
        self.drop_in = nn.Dropout(dropout_in)
        self.drop_out = nn.Dropout(dropout_out)
        self.heads = nn.ModuleDict({h: nn.Linear(out_dim, len(bioes_tags(labs))) for h, labs in heads.items()})
        self.crfs = nn.ModuleDict({h: CRF(bioes_tags(labs)) for h, labs in heads.items()})
        for emb in (self.char_emb, self.bigram_emb, self.word_emb):
            if emb is not None:
                bound = float(np.sqrt(3.0 / emb.embedding_dim))
                nn.init.uniform_(emb.weight, -bound, bound)
                with torch.no_grad():
                    emb.weight[0].zero_()

    def optimizers(self, lr: float) -> list[torch.optim.Optimizer]:
        """SparseAdam for the embeddings (only the rows a batch touches), Adam for the rest."""
        sparse = [p for e in (self.char_emb, self.bigram_emb, self.word_emb) if e is not None for p in e.parameters()]
        ids = {id(p) for p in sparse}
        dense = [p for p in self.parameters() if id(p) not in ids]
        return [torch.optim.SparseAdam(sparse, lr=lr), torch.optim.Adam(dense, lr=lr)]

    def encode(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        lengths = batch["lengths"]
        parts = [self.char_emb(batch["cids"])]
        if self.bigram_emb is not None:
            parts.append(self.bigram_emb(batch["bids"]))
        if self.n_lex:
            parts.append(batch["lex"])
        if self.word_emb is not None:  # SoftLexicon: weighted mean of the B / M / E word sets
            we = (self.word_emb(batch["wids"]) * batch["wwts"].unsqueeze(-1)).sum(3)
            parts.append(we.flatten(2))
        x = self.drop_in(torch.cat(parts, dim=2))
        if self.kind == "cnn":
            return self.drop_out(self.cnn(x, batch["mask"]))
        if self.proj is not None:
            x = self.proj(x)
        steps = x.shape[1]
        pos = torch.arange(steps).unsqueeze(0)
        rev = torch.where(pos < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - pos, pos)  # an involution
        idx = rev.unsqueeze(2).expand(-1, -1, x.shape[2])
        out_f, _ = self.fwd(x)
        out_b, _ = self.bwd(x.gather(1, idx))
        out_b = out_b.gather(1, rev.unsqueeze(2).expand(-1, -1, out_b.shape[2]))
        return self.drop_out(torch.cat([out_f, out_b], dim=2))

    def loss(self, batch: dict[str, torch.Tensor], heads: Sequence[str]) -> torch.Tensor:
        h = self.encode(batch)
        total = h.new_zeros(())
        for name in heads:
            em = self.heads[name](h)
            total = total + self.crfs[name].nll(em, batch[f"tags.{name}"], batch["mask"], batch["lengths"])
        return total

    @torch.no_grad()
    def load_exported(self, arrays: dict[str, np.ndarray], parts: Sequence[str] = ("embeddings", "lstm", "heads", "crfs")) -> None:
        """Set weights from :meth:`export`'s layout (``weights.npz``): the LSTM's summed bias goes
        to ``bias_ih`` (``bias_hh`` zero). ``parts`` picks which groups to set."""
        def t(name: str) -> torch.Tensor:
            return torch.from_numpy(np.asarray(arrays[name], np.float32))

        if "embeddings" in parts:
            for name, emb in (("char_emb", self.char_emb), ("bigram_emb", self.bigram_emb), ("word_emb", self.word_emb)):
                if emb is not None:
                    emb.weight.copy_(t(name))
        if "lstm" in parts and self.kind == "cnn":
            self.cnn.load(t)
        elif "lstm" in parts:
            if self.proj is not None:
                self.proj.weight.copy_(t("lstm.proj.w"))
                self.proj.bias.copy_(t("lstm.proj.b"))
            for suffix, lstm in (("", self.fwd), ("_r", self.bwd)):
                lstm.weight_ih_l0.copy_(t(f"lstm.w_ih{suffix}"))
                lstm.weight_hh_l0.copy_(t(f"lstm.w_hh{suffix}"))
                lstm.bias_ih_l0.copy_(t(f"lstm.b{suffix}"))
                lstm.bias_hh_l0.zero_()
        for name in self.heads:
            if "heads" in parts:
                self.heads[name].weight.copy_(t(f"{name}.w"))
                self.heads[name].bias.copy_(t(f"{name}.b"))
            if "crfs" in parts:
                self.crfs[name].trans.copy_(t(f"{name}.trans"))
                self.crfs[name].start.copy_(t(f"{name}.start"))
                self.crfs[name].end.copy_(t(f"{name}.end"))

    def emissions(self, h: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every head's emission scores over encoder states ``h`` (B, T, 2H)."""
        return {name: lin(h) for name, lin in self.heads.items()}

    def export(self) -> dict[str, np.ndarray]:
        """The weights as float16 arrays in the layout ``clue_miner.extract.ner`` reads."""
        def arr(t: torch.Tensor) -> np.ndarray:
            return t.detach().cpu().numpy().astype(np.float16)

        out = {"char_emb": arr(self.char_emb.weight)}
        if self.bigram_emb is not None:
            out["bigram_emb"] = arr(self.bigram_emb.weight)
        if self.word_emb is not None:
            out["word_emb"] = arr(self.word_emb.weight)
        if self.kind == "cnn":
            out.update(self.cnn.export(arr))
        else:
            if self.proj is not None:
                out["lstm.proj.w"] = arr(self.proj.weight)  # (proj, d_in)
                out["lstm.proj.b"] = arr(self.proj.bias)
            for suffix, lstm in (("", self.fwd), ("_r", self.bwd)):
                out[f"lstm.w_ih{suffix}"] = arr(lstm.weight_ih_l0)
                out[f"lstm.w_hh{suffix}"] = arr(lstm.weight_hh_l0)
                out[f"lstm.b{suffix}"] = arr(lstm.bias_ih_l0 + lstm.bias_hh_l0)
        for name, lin in self.heads.items():
            crf = self.crfs[name]
            out[f"{name}.w"] = arr(lin.weight)
            out[f"{name}.b"] = arr(lin.bias)
            out[f"{name}.trans"] = arr(crf.trans)
            out[f"{name}.start"] = arr(crf.start)
            out[f"{name}.end"] = arr(crf.end)
        return out


class EMA:
    """An exponential moving average of the weights (Polyak averaging), swapped in for export."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.steps = 0
        self.shadow = [p.detach().clone() for p in model.parameters()]

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.steps += 1
        d = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for e, p in zip(self.shadow, model.parameters(), strict=True):
            e.mul_(d).add_(p.detach(), alpha=1 - d)

    @torch.no_grad()
    def swap(self, model: nn.Module) -> None:
        """Exchange the model's weights and the averages (call twice to undo)."""
        for e, p in zip(self.shadow, model.parameters(), strict=True):
            tmp = p.detach().clone()
            p.copy_(e)
            e.copy_(tmp)


def collate(examples: Sequence, heads: Sequence[str], n_lex: int, unk_char: float = 0.0, unk_bigram: float = 0.0,
            rng: np.random.Generator | None = None, word_k: int = 0) -> dict[str, torch.Tensor]:
    """Right-padded tensors of a batch; ``unk_*`` replace ids by UNK at random (word dropout)."""
    n = len(examples)
    steps = max(len(e.cids) for e in examples)
    cids = np.zeros((n, steps), dtype=np.int64)
    bids = np.zeros((n, steps), dtype=np.int64)
    lex = np.zeros((n, steps, n_lex), dtype=np.float32)
    lengths = np.array([len(e.cids) for e in examples], dtype=np.int64)
    tags = {h: np.zeros((n, steps), dtype=np.int64) for h in heads}
    wids = np.zeros((n, steps, 3, word_k), dtype=np.int64)
    wwts = np.zeros((n, steps, 3, word_k), dtype=np.float32)
    for i, e in enumerate(examples):
        k = len(e.cids)
        cids[i, :k] = e.cids
        bids[i, :k] = e.bids
        if word_k:
            wids[i, :k] = e.wids
            wwts[i, :k] = e.wwts
        if n_lex:
            lex[i, :k] = e.lex
        for h in heads:
            tags[h][i, :k] = e.tags[h]
    if rng is not None and unk_char:
        cids[(rng.random(cids.shape) < unk_char) & (cids > 1)] = 1
    if rng is not None and unk_bigram:
        bids[(rng.random(bids.shape) < unk_bigram) & (bids > 1)] = 1
    mask = np.arange(steps)[None, :] < lengths[:, None]
    out = {"cids": torch.from_numpy(cids), "bids": torch.from_numpy(bids), "lex": torch.from_numpy(lex),
           "lengths": torch.from_numpy(lengths), "mask": torch.from_numpy(mask),
           "wids": torch.from_numpy(wids), "wwts": torch.from_numpy(wwts)}
    out.update({f"tags.{h}": torch.from_numpy(t) for h, t in tags.items()})
    return out
