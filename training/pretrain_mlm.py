"""Domain masked-language-model pretraining of a small Chinese character encoder, time-boxed.

    .venv/bin/python training/pretrain_mlm.py --data ../shared/data --out models-local/mlm-small --minutes 45
    .venv/bin/python training/pretrain_mlm.py --minutes 1 --out /tmp/mlm-smoke          # a 1-minute smoke run
    .venv/bin/python training/pretrain_mlm.py --minutes 20 --batch-size 256 --out ...    # on a GPU (found by itself)

Unlabelled text of ../shared/data: CAIL2018 facts (train sample + LawBench; the dev sample is left
out unless ``--include-dev``, so that fine-tuning figures on it stay honest), drug-case sentences
(CAIL2022, 10,000 unlabelled + 1,400 labelled ones, labels ignored), theft-judgment sentences
(CAIL2021, labels ignored) and the government-board messages (title + text). Texts get the same
normalisation as at fine-tuning (``clue_miner.train.detector.prepare``), a character vocabulary is
built from them (``training/configs/<config>.json``: ``vocab``), documents are packed into blocks of
``--seq-len`` tokens and 1% of the blocks (at most 512) are held out.

The run is sized by the clock: a few timed steps estimate the step time, the linear learning-rate
schedule is laid over the steps that fit in ``--minutes``, and a callback stops at the limit
whatever happens. The same script runs on a GPU when one is present (bf16 where supported; raise
``--batch-size``). The output directory is a Hugging Face checkpoint (BertForMaskedLM, safetensors,
tokenizer) plus ``pretrain_report.json``: ``clue-miner train --base DIR`` fine-tunes from it.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

log = logging.getLogger("pretrain_mlm")

SOURCES = {
    "cail_train": ("charges/cail2018_sample_train.jsonl", "fact"),
    "cail_lawbench": ("charges/lawbench_cail2018_facts.jsonl", "fact"),
    "cail_dev": ("charges/cail2018_sample_dev.jsonl", "fact"),
    "drug_unlabelled": ("ner/cail2022_drug_unlabelled.txt", None),
    "drug_sentences": ("ner/cail2022_drug_train.jsonl", "sentText"),
    "theft_sentences": ("ner/cail2021_theft_train.jsonl", "context"),
    "board_votes": ("complaints/gov_board_messages_with_votes.jsonl", "title+text"),
    "board_replies": ("complaints/gov_board_messages_with_official_replies.jsonl", "title+text"),
}


def read_texts(data: Path, include_dev: bool) -> tuple[list[str], dict[str, int]]:
    """Unique non-empty texts of the sources, and how many each gave."""
    seen: set[str] = set()
    texts: list[str] = []
    counts: dict[str, int] = {}
    for name, (rel, field) in SOURCES.items():
        if name == "cail_dev" and not include_dev:
            continue
        path = data / rel
        if not path.exists():
            log.warning("missing %s: skipped", path)
            continue
        n = 0
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if field is None:
                    text = line.strip()
                else:
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if field == "title+text":
                        text = "。".join(str(row.get(k) or "").strip() for k in ("title", "text") if row.get(k))
                    else:
                        text = str(row.get(field) or "").strip()
                if len(text) >= 8 and text not in seen:
                    seen.add(text)
                    texts.append(text)
                    n += 1
        counts[name] = n
    return texts, counts


def pack(texts: list[str], tokenizer: Any, seq_len: int) -> list[list[int]]:
    """Documents tokenized, joined with [SEP], cut into blocks of ``seq_len`` ([CLS] … [SEP])."""
    body = seq_len - 2
    blocks: list[list[int]] = []
    buf: list[int] = []
    sep, cls = tokenizer.sep_token_id, tokenizer.cls_token_id
    for start in range(0, len(texts), 2000):
        for ids in tokenizer(texts[start:start + 2000], add_special_tokens=False)["input_ids"]:
            buf.extend(ids)
            buf.append(sep)
            while len(buf) >= body:
                blocks.append([cls, *buf[:body], sep])
                buf = buf[body:]
    if len(buf) > body // 4:
        blocks.append([cls, *buf, sep])
    return blocks


def masked_only(model: Any) -> Any:
    """Make ``model`` (BertForMaskedLM) apply its vocabulary head to the masked positions only: the
    same loss, without a (tokens x vocabulary) projection of every position (a quarter of a small
    model's step). The weights, and so the saved checkpoint, stay those of BertForMaskedLM."""
    import torch

    def forward(input_ids: Any = None, attention_mask: Any = None, token_type_ids: Any = None,
                labels: Any = None, **kwargs: Any) -> Any:
        from transformers.modeling_outputs import MaskedLMOutput

        hidden = model.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        if labels is None:
            return MaskedLMOutput(logits=model.cls(hidden))
        keep = labels != -100
        logits = model.cls(hidden[keep])
        loss = torch.nn.functional.cross_entropy(logits.float(), labels[keep])
        return MaskedLMOutput(loss=loss, logits=logits)

    model.forward = forward
    return model


def step_seconds(model: Any, collator: Any, blocks: list[list[int]], batch_size: int, steps: int = 4) -> float:
    """Seconds per optimiser step, measured (forward + backward + AdamW) on a throw-away copy."""
    import copy

    import torch

    probe = masked_only(copy.deepcopy(model))
    probe.train()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    probe.to(device)
    opt = torch.optim.AdamW(probe.parameters(), lr=1e-4)
    times = []
    for i in range(steps + 1):
        batch = collator([{"input_ids": b} for b in blocks[i * batch_size:(i + 1) * batch_size]])
        batch = {k: v.to(device) for k, v in batch.items()}
        tick = time.perf_counter()
        loss = probe(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        if device == "cuda":
            torch.cuda.synchronize()
        if i:
            times.append(time.perf_counter() - tick)
    del probe, opt
    return sorted(times)[len(times) // 2]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "models-local" / "mlm-small")
    ap.add_argument("--config", default="small", help="a name in training/configs/ or a JSON file")
    ap.add_argument("--minutes", type=float, default=45.0, help="wall-clock budget of the training loop")
    ap.add_argument("--seq-len", type=int, default=256, help="block length: train every position fine-tuning reads")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--mask", type=float, default=0.15)
    ap.add_argument("--threads", type=int, default=None, help="torch threads on a CPU (default: all)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--include-dev", action="store_true", help="also read the CAIL2018 dev sample's facts")
    ap.add_argument("--max-texts", type=int, default=None, help="only the first N texts (smoke runs)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    import torch
    from transformers import (
        BertConfig,
        BertForMaskedLM,
        DataCollatorForLanguageModeling,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from clue_miner.train.detector import prepare
    from clue_miner.train.encoder import resolve_base
    from clue_miner.train.hf import TimeBox
    from clue_miner.train.vocab import build_char_vocab, char_tokenizer

    if args.threads:
        torch.set_num_threads(args.threads)
    wall = time.perf_counter()
    base = resolve_base(args.config)
    if base.kind != "config":
        raise SystemExit("--config must name a from-scratch configuration, not a checkpoint")
    raw, counts = read_texts(args.data, args.include_dev)
    if args.max_texts:
        raw = raw[: args.max_texts]
    texts = [prepare(t) for t in raw]
    vocab = build_char_vocab(texts, int(base.vocab.get("min_count", 3)), int(base.vocab.get("max_size", 8000)))
    tokenizer = char_tokenizer(vocab, 10**9)  # whole documents are tokenized, then packed
    blocks = pack(texts, tokenizer, args.seq_len)
    tokenizer.model_max_length = args.seq_len
    set_seed(args.seed)
    import random

    rng = random.Random(args.seed)
    rng.shuffle(blocks)
    n_eval = min(512, max(8, len(blocks) // 100))
    eval_blocks, train_blocks = blocks[:n_eval], blocks[n_eval:]
    log.info("%d texts (%s), %d characters, vocabulary %d, %d blocks of %d (%d held out)", len(texts), counts,
             sum(map(len, texts)), len(vocab), len(blocks), args.seq_len, n_eval)

    encoder = dict(base.encoder, max_position_embeddings=max(args.seq_len, int(base.encoder.get("max_position_embeddings", 512))))
    config = BertConfig(vocab_size=len(vocab), pad_token_id=0, **encoder)
    model = masked_only(BertForMaskedLM(config))
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=args.mask, seed=args.seed)
    per_step = step_seconds(model, collator, train_blocks, args.batch_size)
    steps = max(10, int(args.minutes * 60 * 0.97 / per_step))
    log.info("%.3f s a step on %s: %d steps (%.2f epochs) fit in %.1f minutes", per_step,
             "cuda" if torch.cuda.is_available() else f"cpu x{torch.get_num_threads()}", steps,
             steps * args.batch_size / max(1, len(train_blocks)), args.minutes)

    cuda = torch.cuda.is_available()
    targs = TrainingArguments(
        output_dir=str(args.out / "checkpoints"), max_steps=steps, per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size, learning_rate=args.lr, weight_decay=0.01,
        warmup_steps=0.06, lr_scheduler_type="linear", eval_strategy="no", save_strategy="steps",
        save_steps=max(50, steps // 4), save_total_limit=1, logging_steps=max(10, steps // 40), seed=args.seed,
        report_to="none", disable_tqdm=args.quiet, dataloader_num_workers=0, use_cpu=not cuda,
        bf16=bool(cuda and torch.cuda.is_bf16_supported()), log_level="warning",
    )
    train_ds = [{"input_ids": b} for b in train_blocks]
    eval_ds = [{"input_ids": b} for b in eval_blocks]
    # the masked-only forward takes only these inputs; the Trainer must not drop `labels` from its view
    targs.remove_unused_columns = False
    trainer = Trainer(model=model, args=targs, train_dataset=train_ds, eval_dataset=eval_ds, data_collator=collator,
                      processing_class=tokenizer, callbacks=[TimeBox(args.minutes)])
    tick = time.perf_counter()
    trainer.train()
    train_seconds = time.perf_counter() - tick
    ev = trainer.evaluate()
    args.out.mkdir(parents=True, exist_ok=True)
    trainer.model.save_pretrained(str(args.out))
    tokenizer.save_pretrained(str(args.out))
    import shutil

    shutil.rmtree(args.out / "checkpoints", ignore_errors=True)
    report = {
        "config": str(args.config), "encoder": encoder, "vocab_size": len(vocab), "texts": len(texts),
        "sources": counts, "include_dev": args.include_dev, "characters": sum(map(len, texts)),
        "blocks": len(blocks), "held_out_blocks": n_eval, "seq_len": args.seq_len, "batch_size": args.batch_size,
        "lr": args.lr, "mask": args.mask, "seed": args.seed, "device": "cuda" if cuda else "cpu",
        "threads": torch.get_num_threads(), "planned_steps": steps, "steps": trainer.state.global_step,
        "epochs": round(trainer.state.global_step * args.batch_size / max(1, len(train_blocks)), 3),
        "tokens_seen": trainer.state.global_step * args.batch_size * args.seq_len,
        "train_seconds": round(train_seconds, 1), "wall_seconds": round(time.perf_counter() - wall, 1),
        "held_out_mlm_loss": round(float(ev["eval_loss"]), 4),
        "held_out_perplexity": round(math.exp(min(20.0, float(ev["eval_loss"]))), 2),
        "parameters": model.num_parameters(),
    }
    (args.out / "pretrain_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


if __name__ == "__main__":
    main()
