"""How fast is ``extract_many`` next to a plain jieba tagger, and where does its time go?

    OMP_NUM_THREADS=1 python benchmarks/speed.py --data ../shared/data [--n 3000] [--rounds 3] [--chunk 0] [--profile FILE]

On the first ``--n`` real board messages (``complaints/gov_board_messages_with_votes.jsonl``), one
process, in the same run:

* the baseline: a plain ``jieba.posseg`` + regex tagger (nr / ns / nt words as PERSON / LOCATION /
  ORG, phones, ID numbers, amounts and dates by regex), jieba's dictionary loaded before timing; it
  runs on one thread (jieba is pure Python);
* ``clue_miner.extract_many`` with every default model (rules, NER, offence model, category model),
  after a warm-up that loads them, timed in ``--rounds`` rounds of the tagger then ``extract_many``
  over all the messages in one call (the issue's measure); ``--chunk N`` makes them take turns on
  chunks of N messages instead, times summed (this 2-core machine's speed drifts by 10-20 % within
  minutes: finer turns put a slow spell on both; each read-ahead then starts afresh per chunk);
  each round's ratio and their median are printed: as a user gets it (the extraction threads of
  ``parallel.extraction_threads``: ``$CLUE_MINER_THREADS``, else the usable cores, at most 4) and
  on one thread (``threads=1``), each with its ratio to the tagger (issue 10 asks for >= 2.0);
* each stage's share of ``extract_many``'s time on one thread (rules, NER encoder, NER decoding,
  merge, facts, offences, category, incidents, settling), timed by wrapping the pipeline's parts
  (with several threads the stages overlap and their wall times do not add up);
* ``extract()`` called in a loop on the first 300 messages, per text, against ``extract_many``'s
  per-text cost, with the default threads and with one;
* the cold start of ``clue-miner extract "…"`` (a new process: imports and model loads), best of 3.

The NER's memo of decoded pieces (:mod:`clue_miner.extract.ner.memo`) is emptied before each timed
run: a run gains only from the pieces repeated within it, as a user's first run over an archive does.

``--profile FILE`` also writes a cProfile of ``extract_many`` over the messages, on one thread (read it with
``python -m pstats FILE``); the same as
``python -m cProfile -o FILE -m clue_miner.cli extract-many …`` would give for a one-off run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MONEY = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|万|元|块)")
_DATE = re.compile(r"\d{2,4}年\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}月\d{1,2}[日号]")
_POS = {"nr": "PERSON", "ns": "LOCATION", "nt": "ORG"}


def jieba_tagger() -> Callable[[str], list[tuple[str, int, int]]]:
    """The baseline: jieba.posseg words tagged nr / ns / nt, plus regex identifiers, amounts, dates."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    jieba.initialize()
    list(pseg.cut("初始化词典"))

    def tag(text: str) -> list[tuple[str, int, int]]:
        out, pos = [], 0
        for word, flag in pseg.cut(text):
            label = _POS.get(flag)
            if label:
                out.append((label, pos, pos + len(word)))
            pos += len(word)
        for label, rx in (("PHONE", _PHONE), ("ID_NUMBER", _ID), ("MONEY", _MONEY), ("TIME", _DATE)):
            out += [(label, m.start(), m.end()) for m in rx.finditer(text)]
        return out

    return tag


def load_messages(data: Path, n: int) -> list[dict[str, Any]]:
    path = data / "complaints" / "gov_board_messages_with_votes.jsonl"
    if not path.exists():
        raise SystemExit(f"{path} not found: pass --data (the shared data folder)")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if isinstance(r.get("text"), str) and r["text"].strip():
                rows.append(r)
            if len(rows) >= n:
                break
    return rows


class StageTimer:
    """Wraps the parts of a Pipeline so that each call's wall time is added to its stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, obj: Any, attr: str, stage: str) -> None:
        fn = getattr(obj, attr)

        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.seconds[stage] += time.perf_counter() - t

        setattr(obj, attr, timed)


def instrument(pipe: Any) -> StageTimer:
    import importlib

    pl = importlib.import_module("clue_miner.extract.pipeline")  # clue_miner.extract is also a function name
    nm = importlib.import_module("clue_miner.extract.ner.model")
    timer = StageTimer()
    timer.wrap(pipe, "_rules", "rules")
    timer.wrap(pipe, "_incidents", "incidents")
    if pipe.ner is not None:
        timer.wrap(pipe.ner, "predict", "ner (all)")
        timer.wrap(pipe.ner, "_encode_rows", "ner encoder")
        timer.wrap(nm, "best_spans", "ner viterbi")
        timer.wrap(nm, "best_spans_many", "ner viterbi")
        timer.wrap(nm, "span_probabilities", "ner forward-backward")
    timer.wrap(pipe.offence, "predict", "offences")
    timer.wrap(pipe.category, "predict", "category")
    timer.wrap(pl, "merge_entities", "merge")
    timer.wrap(pl, "build_facts", "facts")
    timer.wrap(pl, "settle_offences", "settle")
    timer.wrap(pl, "_to_original", "map back")
    return timer


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--loop-n", type=int, default=300, help="messages for the extract() loop")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the tagger / extract_many timings")
    ap.add_argument("--chunk", type=int, default=0,
                    help="messages timed in turn by each method within a round (0: all of them, one extract_many call)")
    ap.add_argument("--profile", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    rows = load_messages(args.data, args.n)
    texts = [r["text"] for r in rows]
    anchors = [r.get("time") for r in rows]
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} real board messages, {chars / len(texts):.0f} characters on average, one process")

    tag = jieba_tagger()

    def tagger_seconds(some: list[str]) -> float:
        t = time.perf_counter()
        for text in some:
            tag(text)
        return time.perf_counter() - t

    import clue_miner
    from clue_miner.api import _pipeline
    from clue_miner.extract.parallel import extraction_threads

    pipe = _pipeline()
    list(clue_miner.extract_many(texts[:32], anchors[:32]))  # load every model
    threads = extraction_threads(pipe.threads)

    def forget() -> None:
        """Empty the NER's memo of decoded pieces: a timed run sees only its own repeats."""
        memo = getattr(pipe.ner, "piece_memo", None)
        if memo is not None:
            memo.clear()

    def use_threads(n_threads: int | None) -> None:
        """The pipeline's and the NER encoder's threads (None: the environment or the cores)."""
        pipe.threads = n_threads
        if pipe.ner is not None:
            pipe.ner.encoder_threads = n_threads

    def run(n_threads: int | None, some: list[str], when: list[Any]) -> float:
        use_threads(n_threads)
        forget()
        t = time.perf_counter()
        for _ in clue_miner.extract_many(some, when):
            pass
        return time.perf_counter() - t

    rates: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {}
    bases: list[float] = []
    modes = ((f"{threads} extraction thread(s), the default here", None), ("1 thread", 1))
    for rnd in range(1, args.rounds + 1):
        # the tagger and each mode in turn on chunks of --chunk messages, times summed per method:
        # a slow spell of the machine falls on all of them alike
        base, ours = 0.0, dict.fromkeys(range(len(modes)), 0.0)
        size = args.chunk or len(texts)
        for at in range(0, len(texts), size):
            some, when = texts[at:at + size], anchors[at:at + size]
            base += tagger_seconds(some)
            for i, (_, n_threads) in enumerate(modes):
                ours[i] += run(n_threads, some, when)
        bases.append(len(texts) / base)
        print(f"  round {rnd}: jieba.posseg + regex tagger: {len(texts) / base:7.1f} messages/s "
              f"({chars / base / 1000:.1f}k chars/s)")
        for i, (label, n_threads) in enumerate(modes):
            key = f"{n_threads or threads}"
            rates.setdefault(key, []).append(len(texts) / ours[i])
            ratios.setdefault(key, []).append(base / ours[i])
            print(f"  round {rnd}: extract_many, default models, {label}: {len(texts) / ours[i]:7.1f} messages/s "
                  f"({chars / ours[i] / 1000:.1f}k chars/s); ratio to the jieba tagger: {base / ours[i]:.2f} "
                  "(issue 10: >= 2.0)")
    for key, values in ratios.items():
        print(f"  ratio on {key} thread(s), median of {len(values)} rounds: {statistics.median(values):.2f} "
              f"({', '.join(f'{v:.2f}' for v in values)})")

    loops: dict[str, tuple[float, float]] = {}
    loop_texts, loop_when = texts[: args.loop_n], anchors[: args.loop_n]
    for label, n_threads in ((f"{threads} thread(s)", None), ("1 thread", 1)):
        batch_per = run(n_threads, loop_texts, loop_when) / len(loop_texts)
        forget()
        t = time.perf_counter()
        for text, when in zip(loop_texts, loop_when, strict=True):
            clue_miner.extract(text, when)
        loop_per = (time.perf_counter() - t) / len(loop_texts)
        loops[f"{n_threads or threads}"] = (1000 * loop_per, 1000 * batch_per)
        print(f"  extract() in a loop, {label}: {1000 * loop_per:.1f} ms/text vs extract_many {1000 * batch_per:.1f} "
              f"ms/text ({loop_per / batch_per:.2f}x; issue 10: <= 1.5x)")
    use_threads(1)
    timer = instrument(pipe)
    forget()
    t = time.perf_counter()
    list(clue_miner.extract_many(texts, anchors))
    total = time.perf_counter() - t
    print(f"  stages (a third, instrumented pass on 1 thread: {total:.1f}s; nested stages overlap: 'ner (all)' "
          "holds the encoder and the decoding, 'incidents' its own facts):")
    for stage, sec in sorted(timer.seconds.items(), key=lambda kv: -kv[1]):
        print(f"    {stage:22s} {sec:7.2f}s  {100 * sec / total:5.1f}%")

    use_threads(None)

    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "clue_miner.cli", "extract", "我的电动车昨晚在小区被偷了，价值三千元"],
                       cwd=REPO, check=True, capture_output=True)
        cold.append(time.perf_counter() - t)
    print(f"  cold start of clue-miner extract (import + model load + one text): best {min(cold):.2f}s "
          f"of {', '.join(f'{c:.2f}' for c in cold)} (issue 10: < 2 s)")

    if args.profile:  # on one thread: cProfile sees the calling thread only
        import cProfile

        use_threads(1)
        forget()
        cProfile.runctx("list(clue_miner.extract_many(texts, anchors))", globals(),
                        {"clue_miner": clue_miner, "texts": texts, "anchors": anchors}, str(args.profile))
        print(f"  cProfile written to {args.profile} (python -m pstats {args.profile})")
    if args.json:
        args.json.write_text(json.dumps({
            "messages": len(texts), "mean_chars": chars / len(texts), "jieba_per_s": bases,
            "threads": threads, "extract_many_per_s": rates, "ratio": ratios,
            "stages_s": dict(timer.seconds), "instrumented_total_s": total,
            "extract_loop_and_many_ms": loops, "cold_start_s": min(cold),
        }, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
