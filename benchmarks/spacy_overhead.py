"""What clue_miner costs inside spaCy: ``nlp.pipe`` of :func:`clue_miner.spacy_pipeline` beside
``extract_many`` on the same real board messages, one process, same models.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/spacy_overhead.py --data ../shared/data [--n 1000] [--rounds 3] [--hmm]

The two are timed in alternation (``--rounds`` each, the best kept) after one warm-up pass, so that
both see warm caches and compiled kernels. The overhead is the spaCy pipeline's time over
``extract_many``'s: the tokenizer (jieba with the legal dictionary), token splitting at entity
boundaries, span groups and ``doc.ents``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import load_messages  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--hmm", action="store_true", help="the tokenizer with jieba's HMM (off by default)")
    args = ap.parse_args(argv)

    import clue_miner

    texts = [m["text"] for m in load_messages(args.data, args.n)]
    nlp = clue_miner.spacy_pipeline(batch_size=args.batch_size, hmm=args.hmm)
    chars = sum(map(len, texts))

    def run_extract() -> float:
        t0 = time.perf_counter()
        for _ in clue_miner.extract_many(texts, batch_size=args.batch_size):
            pass
        return time.perf_counter() - t0

    def run_spacy() -> float:
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=args.batch_size):
            pass
        return time.perf_counter() - t0

    run_extract(), run_spacy()  # warm-up: models, dictionaries, compiled kernels
    ex, sp = [], []
    for _ in range(args.rounds):
        ex.append(run_extract())
        sp.append(run_spacy())
    best_ex, best_sp = min(ex), min(sp)
    print(f"{len(texts)} real messages, {chars / len(texts):.0f} characters on average, one process, "
          f"tokenizer HMM {'on' if args.hmm else 'off'}")
    print(f"extract_many : {best_ex:7.2f} s  {len(texts) / best_ex:7.1f} msg/s  (rounds: {', '.join(f'{x:.2f}' for x in ex)})")
    print(f"nlp.pipe     : {best_sp:7.2f} s  {len(texts) / best_sp:7.1f} msg/s  (rounds: {', '.join(f'{x:.2f}' for x in sp)})")
    print(f"spaCy overhead: {100 * (best_sp / best_ex - 1):+.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
