"""Train the statistical NER (``models/ner-charlstm``) from ../shared/data/ner in one command.

    .venv/bin/python training/train_ner.py --data ../shared/data/ner --out models/ner-charlstm --seed 7
    .venv/bin/python training/train_ner.py --no-lexicon --out /tmp/ner-nolex     # the alternative
    .venv/bin/python training/train_ner.py --limit 300 --epochs 1 --out /tmp/tiny # a tiny slice (tests)

Needs torch (``pip install -e .[train]``); the result runs without it.

Steps:
1. splits (``ner_data.py``): news = MSRA + People's Daily train minus every MSRA/PD dev sentence;
   CAIL2021 and CLUENER with a seeded 10 % held out; CAIL2022 with ~15 % of its articles held
   out; Weibo's own dev. Texts get the pipeline's 1:1 normalisation;
2. vocabularies over the training texts (characters seen twice, bigrams seen three times, at most
   ``--max-bigrams``) and the soft-lexicon flags (``clue_miner/extract/ner/lexicon.py``);
3. a shared BiLSTM encoder (``--encoder cnn``: dilated convolutions instead, usually distilled with
   ``--teacher``; a static-int8 ONNX graph is calibrated on 200 training sentences of each corpus)
   with one CRF head per corpus family, trained with Adam on batches that
   each come from one corpus and train only that corpus's heads (``REPEATS`` sets how often the
   small corpora come round), character/bigram dropout to UNK, gradient clipping;
4. export to ``weights.npz`` (float16) + ``vocab.json`` + ``config.json``, then the dev sets are
   scored by the numpy inference code itself (``clue_miner.extract.ner.model``) and written to
   ``training_report.json``.

Deterministic given ``--seed`` and ``--threads``: seeded Python/numpy/torch generators,
``torch.use_deterministic_algorithms(True)``, a fixed thread count (same data -> same bytes).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from ner_data import (  # noqa: E402
    CORPUS_HEADS,
    HEADS,
    REPEATS,
    Example,
    featurise,
    load_splits,
    normalise,
    word_vocab,
)

from clue_miner.evaluate.ner_corpora import SCHEMES, NerCorpus  # noqa: E402
from clue_miner.extract.ner.features import Vocab  # noqa: E402
from clue_miner.extract.ner.lexicon import Lexicon, get_lexicon  # noqa: E402

log = logging.getLogger("train_ner")
VERSION = "ner-charlstm-1"
COMPLAINT_HEADS = ["cail2021_person", "cail2021", "cail2022", "news"]
COMPLAINT_LABELS = ["PERSON", "LOCATION", "ORG", "ITEM", "QUANTITY"]
HEAD_SCHEME = {"news": "news", "cail2021_person": "cail2021", "cail2021": "cail2021", "cail2022": "cail2022",
               "cluener": "cluener", "weibo": "weibo"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "ner-charlstm")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--limit", type=int, default=None, help="train sentences per corpus (tiny runs)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--lr-decay", type=float, default=0.9, help="multiplied into the rate after each epoch")
    ap.add_argument("--hidden", type=int, default=150)
    ap.add_argument("--proj", type=int, default=0,
                    help="bilstm: a linear bottleneck of this many columns before the LSTMs (0: none)")
    ap.add_argument("--encoder", choices=("bilstm", "cnn"), default="bilstm",
                    help="cnn: dilated depthwise-separable convolutions (--width, --dilations)")
    ap.add_argument("--width", type=int, default=192, help="channels of the cnn encoder")
    ap.add_argument("--dilations", type=str, default="1,2,4,8", help="one cnn block per dilation")
    ap.add_argument("--block", choices=("separable", "full"), default="separable",
                    help="cnn blocks: depthwise + pointwise, or full convolutions")
    ap.add_argument("--char-dim", type=int, default=100)
    ap.add_argument("--bigram-dim", type=int, default=50, help="0: no bigram embeddings")
    ap.add_argument("--max-bigrams", type=int, default=80000)
    ap.add_argument("--no-lexicon", action="store_true", help="the char+bigram alternative")
    ap.add_argument("--word-dim", type=int, default=50, help="SoftLexicon word embeddings (0: flags only)")
    ap.add_argument("--word-k", type=int, default=4, help="words kept per character and B/M/E set")
    ap.add_argument("--min-word", type=int, default=3)
    ap.add_argument("--max-words", type=int, default=60000)
    ap.add_argument("--unk-char", type=float, default=0.02)
    ap.add_argument("--unk-bigram", type=float, default=0.05)
    ap.add_argument("--ema", type=float, default=0.0, help="export an exponential moving average of the weights "
                    "with this decay (0: the last weights)")
    ap.add_argument("--pretrain", action="store_true",
                    help="initialise the embeddings with PPMI-SVD vectors from unlabelled text (ner_pretrain.py)")
    ap.add_argument("--average-from", type=int, default=0,
                    help="export the mean of the exported weights of epochs N..last (checkpoint averaging; 0: off)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-every", type=int, default=0, help="score the dev sets every N epochs (0: at the end)")
    ap.add_argument("--snapshots", action="store_true",
                    help="with --eval-every, also keep each scored model in OUT.epochN (the model --epochs N gives)")
    ap.add_argument("--teacher", type=Path, default=None,
                    help="distil from this trained model (same vocabulary): its embeddings and CRF transitions "
                         "start the student, and every head's emission scores on every batch (all corpora) "
                         "are a second loss beside the gold tags of the batch's own heads")
    ap.add_argument("--kd-weight", type=float, default=1.0,
                    help="weight of the distillation loss (squared emission differences, per character and tag)")
    return ap.parse_args(argv)


def batches(examples: dict[str, list[Example]], size: int, rng: random.Random) -> list[tuple[str, list[Example]]]:
    """One epoch of single-corpus batches, lengths bucketed, order shuffled."""
    out: list[tuple[str, list[Example]]] = []
    for corpus, exs in examples.items():
        for _ in range(REPEATS.get(corpus, 1)):
            idx = list(range(len(exs)))
            rng.shuffle(idx)
            for c in range(0, len(idx), size * 50):
                chunk = sorted(idx[c:c + size * 50], key=lambda i: len(exs[i].cids))
                out += [(corpus, [exs[i] for i in chunk[b:b + size]]) for b in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def config(args: argparse.Namespace, vocab: Vocab, lexicon: Lexicon | None) -> dict[str, Any]:
    heads = {h: {"labels": labs, "map": {k: v for k, v in SCHEMES[HEAD_SCHEME[h]].items() if k in labs}}
             for h, labs in HEADS.items()}
    profiles: dict[str, Any] = {c: {"heads": hs, "labels": [], "resolve": False} for c, hs in CORPUS_HEADS.items()}
    profiles["complaint"] = {"heads": COMPLAINT_HEADS, "labels": COMPLAINT_LABELS, "resolve": True}
    return {
        "kind": "ner", "name": "ner-charlstm", "version": VERSION, "created_by": "training/train_ner.py",
        "encoder": {"type": args.encoder, "char_dim": args.char_dim, "bigram_dim": args.bigram_dim,
                    **({"hidden": args.hidden, **({"proj": args.proj} if args.proj else {})}
                       if args.encoder == "bilstm" else
                       {"width": args.width, "dilations": dilations(args), "kernel": 3, "block": args.block}),
                    "n_lex": 0 if lexicon is None else lexicon.info()["n_features"], "chars": len(vocab.chars),
                    "bigrams": len(vocab.bigrams) if args.bigram_dim else 0,
                    "word_dim": args.word_dim if vocab.words else 0, "word_k": args.word_k if vocab.words else 0,
                    "words": len(vocab.words)},
        "segment": {"max_len": 160, "hard_len": 250},
        "heads": heads, "corpus_heads": CORPUS_HEADS, "profiles": profiles, "default_profile": "complaint",
        "lexicon": lexicon.info() if lexicon is not None else None,
        "training": {"seed": args.seed, "epochs": args.epochs, "lr": args.lr, "lr_decay": args.lr_decay,
                     "batch_size": args.batch_size, "ema": args.ema, "pretrain": args.pretrain,
                     "unk_char": args.unk_char, "unk_bigram": args.unk_bigram, "limit": args.limit,
                     "threads": args.threads, "repeats": REPEATS, "average_from": args.average_from,
                     "teacher": str(args.teacher) if args.teacher else None, "kd_weight": args.kd_weight},
    }


class Averager:
    """Running mean of the exported (float16) weights of several epochs: checkpoint averaging."""

    def __init__(self) -> None:
        self.sums: dict[str, np.ndarray] = {}
        self.count = 0

    def add(self, arrays: dict[str, np.ndarray]) -> None:
        for k, v in arrays.items():
            self.sums[k] = self.sums.get(k, 0.0) + v.astype(np.float32)
        self.count += 1

    def mean(self) -> dict[str, np.ndarray]:
        return {k: (v / self.count).astype(np.float16) for k, v in self.sums.items()}


def calibration_texts(splits: dict[str, Any], per_corpus: int = 200) -> list[str]:
    """Training sentences that calibrate a convolutional encoder's int8 scales: the first
    ``per_corpus`` of each corpus's (seeded) training split."""
    return [normalise(d.text) for tr, _ in splits.values() for d in tr[:per_corpus]]


def write_model(out: Path, model: Any, vocab: Vocab, cfg: dict[str, Any],
                arrays: dict[str, np.ndarray] | None = None, calibration: list[str] | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    arrays = dict(arrays) if arrays is not None else model.export()
    if not cfg["encoder"]["bigrams"]:
        arrays.pop("bigram_emb", None)
    np.savez_compressed(out / "weights.npz", **arrays)
    bigrams = vocab.bigrams if cfg["encoder"]["bigrams"] else ["<pad>", "<unk>"]
    (out / "vocab.json").write_text(json.dumps({"chars": vocab.chars, "bigrams": bigrams, "words": vocab.words},
                                               ensure_ascii=False),
                                    encoding="utf-8")
    (out / "config.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    export_onnx(out, calibration)


def export_onnx(out: Path, calibration: list[str] | None = None) -> None:
    """``encoder.int8.onnx`` beside the weights (the runtime ``extract()`` prefers); a stale one is
    removed first, so a build without onnx leaves the numpy runtime, never an old encoder. A
    convolutional encoder's activation scales are calibrated on ``calibration`` (training texts)."""
    from clue_miner.extract.ner import cnn
    from clue_miner.extract.ner.model import NerModel
    from clue_miner.extract.ner.onnx_encoder import ONNX_FILE, export_int8

    (out / ONNX_FILE).unlink(missing_ok=True)
    try:
        import onnx  # noqa: F401
        import onnxruntime.quantization  # noqa: F401
    except ImportError:
        log.warning("onnx / onnxruntime not installed: %s not written (the numpy encoder will run)", ONNX_FILE)
        return
    if json.loads((out / "config.json").read_text(encoding="utf-8"))["encoder"]["type"] != "cnn":
        export_int8(out)
    elif calibration:
        cnn.export_int8(out, NerModel(out, runtime="numpy")._features_many(calibration))
    else:
        log.warning("no calibration texts: %s not written (the numpy encoder will run)", ONNX_FILE)


def init_embeddings(model: Any, texts: list[str], vocab: Vocab, lexicon: Lexicon | None,
                    args: argparse.Namespace) -> None:
    """PPMI-SVD vectors (training texts + unlabelled ../shared/data text) for the rows seen enough."""
    import torch
    from ner_pretrain import pretrain_vectors, unlabelled_texts

    t0 = time.time()
    extra = [normalise(t) for t in unlabelled_texts(args.data.parent)]
    dims = (args.char_dim, args.bigram_dim, args.word_dim if model.word_emb is not None else 0)
    vecs = pretrain_vectors([*texts, *extra], vocab, lexicon, dims, args.seed)
    for name, emb in (("char", model.char_emb), ("bigram", model.bigram_emb), ("word", model.word_emb)):
        if emb is None or name not in vecs:
            continue
        vec, seen = vecs[name]
        with torch.no_grad():
            rows = torch.from_numpy(np.flatnonzero(seen))
            emb.weight[rows] = torch.from_numpy(vec[seen])
    log.info("pretrained embeddings from %d texts (%d unlabelled) in %.0f s", len(texts) + len(extra), len(extra),
             time.time() - t0)


def dilations(args: argparse.Namespace) -> list[int]:
    return [int(d) for d in str(args.dilations).split(",") if d.strip()]


def new_tagger(vocab: Vocab, n_lex: int, char_dim: int, bigram_dim: int, word_dim: int, hidden: int,
               encoder: str = "bilstm", width: int = 192, dils: list[int] | None = None, block: str = "separable",
               proj: int = 0) -> Any:
    """A fresh torch Tagger over ``vocab`` with every head of :data:`HEADS`."""
    from ner_torch import Tagger

    return Tagger(len(vocab.chars), len(vocab.bigrams) if bigram_dim else 0, n_lex, HEADS, char_dim=char_dim,
                  bigram_dim=bigram_dim, hidden=hidden, n_words=len(vocab.words), word_dim=word_dim,
                  encoder=encoder, width=width, dilations=dils or [1, 2, 4, 8], block=block, proj=proj)


def load_teacher(path: Path, vocab: Vocab, n_lex: int, args: argparse.Namespace) -> Any:
    """The teacher as a torch Tagger in eval mode; its vocabulary must be the student's."""
    cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
    voc = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    if voc["chars"] != vocab.chars or voc["bigrams"] != vocab.bigrams or voc.get("words", []) != vocab.words:
        raise SystemExit(f"{path}: the teacher's vocabulary differs from this run's (same data and options needed)")
    enc = cfg["encoder"]
    if (enc["char_dim"], enc["bigram_dim"], enc["word_dim"], enc["n_lex"]) != (
            args.char_dim, args.bigram_dim, args.word_dim, n_lex):
        raise SystemExit(f"{path}: the teacher's embedding sizes differ from this run's")
    teacher = new_tagger(vocab, n_lex, enc["char_dim"], enc["bigram_dim"], enc["word_dim"], enc.get("hidden", 0),
                         enc.get("type", "bilstm"), enc.get("width", 0), enc.get("dilations"),
                         enc.get("block", "separable"), int(enc.get("proj") or 0))
    with np.load(path / "weights.npz", allow_pickle=False) as z:
        teacher.load_exported({k: z[k] for k in z.files})
    teacher.eval()
    log.info("distilling from %s (%s encoder)", path, enc.get("type", "bilstm"))
    return teacher


def distil_loss(model: Any, teacher: Any, batch: dict[str, Any], heads: list[str], weight: float) -> Any:
    """The gold CRF loss of the batch's own heads plus ``weight`` x the squared difference of every
    head's emission scores from the teacher's (summed over tags, over the batch's characters)."""
    import torch

    with torch.no_grad():
        want = teacher.emissions(teacher.encode(batch))
    h = model.encode(batch)
    got = model.emissions(h)
    total = h.new_zeros(())
    for name in heads:
        total = total + model.crfs[name].nll(got[name], batch[f"tags.{name}"], batch["mask"], batch["lengths"])
    mask = batch["mask"].unsqueeze(2).to(h.dtype)
    for name, em in got.items():
        total = total + weight * (((em - want[name]) ** 2) * mask).sum() / em.shape[2]
    return total


def check_parity(model: Any, out: Path, examples: list[Example], n_lex: int, word_k: int) -> float:
    """Largest difference between torch's encoder and the exported numpy encoder (float16 weights)."""
    import torch
    from ner_torch import collate

    from clue_miner.extract.ner.model import NerModel

    batch = collate(examples, [], n_lex, word_k=word_k)
    with torch.no_grad():
        ref = model.encode(batch).numpy()
    got, lengths = NerModel(out)._encode([e.text for e in examples])
    valid = np.arange(got.shape[1])[None, :] < lengths[:, None]  # torch leaves padding non-zero
    diff = float(np.abs(ref - got)[valid].max())
    log.info("numpy vs torch encoder: max |diff| %.4f", diff)
    return diff


def score_dev(out: Path, dev: dict[str, Any]) -> dict[str, Any]:
    """Dev figures with the numpy model just written: each corpus's own profile, and ``complaint``."""
    from clue_miner.evaluate.ner import evaluate_corpus
    from clue_miner.extract.ner.model import NerModel

    model = NerModel(out)
    report: dict[str, Any] = {}
    for corpus, docs in dev.items():
        nc = NerCorpus(corpus, docs)
        own = evaluate_corpus(nc, model)
        report[corpus] = {"overall": own["overall"], "per_label": own["per_label"], "sentences": own["sentences"],
                          "chars_per_second": own["chars_per_second"]}
        if corpus != "weibo":
            comp = evaluate_corpus(nc, model, profile="complaint")
            report[corpus]["complaint_profile"] = {"overall": comp["overall"], "per_label": comp["per_label"]}
        o = own["overall"]
        log.info("dev %-9s P %.4f R %.4f F1 %.4f  (%s)", corpus, o["precision"], o["recall"], o["f1"],
                 ", ".join(f"{k} {v['f1']:.3f}" for k, v in own["per_label"].items()))
    return report


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Train, export and score; returns the training report (also written to the model dir)."""
    import torch
    from ner_torch import EMA, collate

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.utils.deterministic.fill_uninitialized_memory = False  # only matters for uninitialised reads
    t0 = time.time()
    splits = load_splits(args.data, args.seed, args.limit)
    texts = [normalise(d.text) for tr, _ in splits.values() for d in tr]
    vocab = Vocab.build(texts, max_bigrams=args.max_bigrams)
    lexicon = None if args.no_lexicon else get_lexicon()
    n_lex = 0 if lexicon is None else lexicon.info()["n_features"]
    word_k = args.word_k if lexicon is not None and args.word_dim else 0
    if word_k:
        vocab.words = word_vocab(texts, lexicon, args.min_word, args.max_words)
    train = {c: featurise(c, tr, vocab, lexicon, word_k) for c, (tr, _) in splits.items()}
    log.info("vocab: %d chars, %d bigrams, %d words; features ready in %.0f s", len(vocab.chars),
             len(vocab.bigrams), len(vocab.words), time.time() - t0)
    model = new_tagger(vocab, n_lex, args.char_dim, args.bigram_dim, args.word_dim if word_k else 0, args.hidden,
                       args.encoder, args.width, dilations(args), args.block, args.proj)
    teacher = load_teacher(args.teacher, vocab, n_lex, args) if args.teacher else None
    if teacher is not None:  # the student starts from the teacher's embeddings and transitions
        model.load_exported(teacher.export(), parts=("embeddings", "crfs"))
    elif args.pretrain:
        init_embeddings(model, texts, vocab, lexicon, args)
    opts = model.optimizers(args.lr)
    scheds = [torch.optim.lr_scheduler.ExponentialLR(o, gamma=args.lr_decay) for o in opts]
    dense = [p for p in model.parameters() if not any(p is q for q in opts[0].param_groups[0]["params"])]
    ema = EMA(model, args.ema) if args.ema else None
    rng = random.Random(args.seed)
    nrng = np.random.default_rng(args.seed)
    cfg = config(args, vocab, lexicon)
    dev = {c: dv for c, (_, dv) in splits.items()}
    history = []
    averager = Averager() if args.average_from else None
    for epoch in range(1, args.epochs + 1):
        model.train()
        te, total, n = time.time(), 0.0, 0
        plan = batches(train, args.batch_size, rng)
        for step, (corpus, exs) in enumerate(plan, start=1):
            heads = CORPUS_HEADS[corpus]
            batch = collate(exs, heads, n_lex, args.unk_char, args.unk_bigram, nrng, word_k)
            if teacher is None:
                loss = model.loss(batch, heads) / len(exs)
            else:
                loss = distil_loss(model, teacher, batch, heads, args.kd_weight) / len(exs)
            for o in opts:
                o.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(dense, 5.0)
            for o in opts:
                o.step()
            if ema is not None:
                ema.update(model)
            total += float(loss.detach()) * len(exs)
            n += len(exs)
            if step % 500 == 0:
                log.info("epoch %d step %d/%d loss %.3f (%.0f s)", epoch, step, len(plan), total / n, time.time() - te)
        for sc in scheds:
            sc.step()
        history.append({"epoch": epoch, "loss": total / max(n, 1), "seconds": time.time() - te})
        log.info("epoch %d: loss %.4f, %.0f s", epoch, total / max(n, 1), time.time() - te)
        if averager is not None and epoch >= args.average_from:
            if ema is not None:
                ema.swap(model)
            averager.add(model.export())
            if ema is not None:
                ema.swap(model)
        if args.eval_every and epoch % args.eval_every == 0 and epoch < args.epochs:
            model.eval()
            if ema is not None:
                ema.swap(model)
            write_model(args.out, model, vocab, cfg)
            if args.snapshots:
                snap = args.out.with_name(f"{args.out.name}.epoch{epoch}")
                write_model(snap, model, vocab, {**cfg, "training": {**cfg["training"], "epochs": epoch}})
            if ema is not None:
                ema.swap(model)
            score_dev(args.out, dev)
    model.eval()
    if ema is not None:
        ema.swap(model)
    calib = calibration_texts(splits)
    write_model(args.out, model, vocab, cfg, calibration=calib)
    train_seconds = time.time() - t0
    parity = check_parity(model, args.out, [e for exs in train.values() for e in exs[:8]], n_lex, word_k)
    if averager is not None and averager.count > 1:  # after the parity check, which needs the torch weights
        write_model(args.out, model, vocab, cfg, averager.mean(), calibration=calib)
        log.info("exported the mean of epochs %d..%d", args.average_from, args.epochs)
    report = {"version": VERSION, "train_seconds": train_seconds, "history": history, "parity_max_abs": parity,
              "splits": {c: {"train": len(tr), "dev": len(dv)} for c, (tr, dv) in splits.items()},
              "dev": score_dev(args.out, dev), "args": {k: str(v) for k, v in vars(args).items()}}
    (args.out / "training_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
    log.info("done in %.0f s -> %s", time.time() - t0, args.out)
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    report = run(args)
    print(json.dumps({c: round(r["overall"]["f1"], 4) for c, r in report["dev"].items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
