"""Per-corpus dev figures and speed of the NER model, an alternative model and two baselines.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_eval.py --data ../shared/data/ner \\
        --model models/ner-charlstm --alt /tmp/ner-nolex --out bench_out/ner_eval.json

Dev sets are the recipe's own (``training/ner_data.py``: MSRA dev, the seeded CAIL2021 / CLUENER
10 % and CAIL2022 article hold-outs, Weibo dev), so figures compare with the model card.
Recognisers:

* ``model`` — the model's per-corpus view (its heads for that corpus);
* ``complaint`` — the model's ``complaint`` profile, the one ``extract()`` uses;
* ``alt`` — another model directory (e.g. the char+bigram model without lexicon features);
* ``rules`` — the rule layer (persons with roles, places, money, times);
* ``jieba`` — jieba's part-of-speech tags: nr -> PERSON, ns -> LOCATION, nt -> ORG.

Speed: ``predict`` characters per second on real citizen messages (../shared/data/complaints),
and ``extract_many`` messages per second with and without the NER, single-threaded BLAS.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT))

from clue_miner.extract.ner.baselines import JiebaRecognizer, RulesRecognizer  # noqa: E402


def messages(limit: int) -> list[str]:
    path = ROOT.parent / "shared" / "data" / "complaints" / "gov_board_messages_with_votes.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [str(r["text"]) for r in rows if r.get("text")][:limit]


def speed(model_dir: Path, n: int) -> dict[str, float]:
    from clue_miner.extract.ner.model import load_ner_model
    from clue_miner.extract.pipeline import Pipeline
    from clue_miner.text.normalize import normalize

    texts = messages(n)
    chars = sum(len(t) for t in texts)
    ner = load_ner_model(model_dir)
    norm = [normalize(t).text for t in texts]
    ner.predict(norm[:8])  # load weights and lexicon
    t0 = time.perf_counter()
    ner.predict(norm)
    predict_s = time.perf_counter() - t0
    out: dict[str, float] = {"messages": len(texts), "mean_chars": chars / len(texts),
                             "predict_chars_per_s": chars / predict_s}
    for name, pipe in (("rules_only", Pipeline()), ("with_ner", Pipeline(ner=ner))):
        list(pipe.pipe(texts[:16]))
        t0 = time.perf_counter()
        list(pipe.pipe(texts))
        s = time.perf_counter() - t0
        out[f"extract_many_{name}_msgs_per_s"] = len(texts) / s
        out[f"extract_many_{name}_chars_per_s"] = chars / s
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "ner-charlstm")
    ap.add_argument("--alt", type=Path, default=None, help="another model directory to compare")
    ap.add_argument("--seed", type=int, default=7, help="the recipe's seed (same held-out slices)")
    ap.add_argument("--baselines", default="rules,jieba")
    ap.add_argument("--speed-messages", type=int, default=1000, help="messages timed (0: no speed figures)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    from ner_data import load_splits

    from clue_miner.evaluate.ner import evaluate_corpus
    from clue_miner.evaluate.ner_corpora import NerCorpus
    from clue_miner.extract.ner.model import load_ner_model

    model = load_ner_model(args.model)
    recognisers: dict[str, tuple[Any, str | None]] = {"model": (model, None), "complaint": (model, "complaint")}
    if args.alt:
        recognisers["alt"] = (load_ner_model(args.alt), None)
    if "rules" in args.baselines:
        recognisers["rules"] = (RulesRecognizer(), None)
    if "jieba" in args.baselines:
        recognisers["jieba"] = (JiebaRecognizer(), None)
    dev = {c: dv for c, (_, dv) in load_splits(args.data, args.seed).items()}
    results: dict[str, Any] = {}
    for corpus, docs in dev.items():
        nc = NerCorpus(corpus, docs)
        results[corpus] = {}
        for name, (rec, profile) in recognisers.items():
            if name == "complaint" and corpus == "weibo":
                continue
            r = evaluate_corpus(nc, rec, profile=profile)
            results[corpus][name] = {"overall": r["overall"], "per_label": r["per_label"],
                                     "chars_per_second": r["chars_per_second"]}
            o = r["overall"]
            print(f"{corpus:<9} {name:<10} P {o['precision']:.4f} R {o['recall']:.4f} F1 {o['f1']:.4f}  "
                  + "  ".join(f"{k} {v['f1']:.3f}" for k, v in r["per_label"].items()), flush=True)
    if args.speed_messages > 0:  # 0: the dev figures only
        results["speed"] = speed(args.model, args.speed_messages)
        print(json.dumps(results["speed"], indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
