"""Does ``extract()`` keep what its own NER knows? Per dev corpus: the model's head vs ``extract_many``.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_through_extract.py --data ../shared/data/ner \\
        [--limit 1500] [--breakdown] [--corpus msra --corpus cluener] [--out bench_out/ner_through_extract.json]

Held-out sentences are the NER recipe's own (``training/ner_data.py``, seed 7, as the model card):
MSRA dev, People's Daily dev (every PD dev sentence was dropped from the news training set), the
seeded CAIL2021 / CLUENER 10 % and the CAIL2022 article hold-out. ``--limit`` keeps the first N
sentences of each (default 1500: MSRA and PD dev hold ~4.6k each).

For each corpus it prints exact-span P / R / F1 of

* ``head`` — the model's per-corpus view (``NerModel.for_corpus``), as ``clue-miner evaluate ner``;
* ``profile`` — the model's ``complaint`` profile alone (``--profile complaint``);
* ``extract`` — ``clue_miner.extract_many(sentences)`` entities, keyed with the same map evaluate_ner
  uses (:func:`clue_miner.evaluate.ner.entity_key`: only the keys a corpus annotates are scored;
  PERSON carries its role on CAIL2021).

CLUENER is also reported on its ``PERSON`` key alone (``cluener:PERSON``), the figure issue 9 tracks,
and CAIL2021 / CAIL2022 without TIME and MONEY (``cail2021-TM``): extract() takes those two from the
rule layer, whose spans follow no corpus's conventions (CAIL2021 keeps 许 in 9时许, CAIL2022 drops
it), so the ``-TM`` rows show how much of what the model owns extract() keeps.
``--breakdown`` prints, per corpus, what the extract() misses and extras are made of: for a missed
gold span, whether the head / the profile had it and what extract() put there instead (nothing, a
wrong role, a wrong label, other boundaries, a span of another label over it, and that span's
source); for an extra span, its source (rules / ner) and how it relates to the gold spans.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT))

CORPORA = ("msra", "peoples-daily", "cail2021", "cail2022", "cluener")
RULE_KEYS = frozenset({"TIME", "MONEY"})  # extract() takes these from the rules (their values are normalised)
Key = tuple[int, int, str]


def dev_sets(data: Path, seed: int, limit: int | None, want: set[str]) -> dict[str, Any]:
    """``{name: NerCorpus}`` of the recipe's held-out sentences (first ``limit`` of each)."""
    from ner_data import load_splits

    from clue_miner.evaluate.ner_corpora import NerCorpus, read_ner

    splits = load_splits(data, seed)
    out: dict[str, Any] = {}
    for name in CORPORA:
        if name not in want:
            continue
        if name == "msra":
            docs, scheme = splits["news"][1], "news"
        elif name == "peoples-daily":
            path = data / "peoples-daily_dev.tsv"
            if not path.exists():
                continue
            docs, scheme = read_ner(path, "tsv").docs, "news"
        else:
            docs, scheme = splits[name][1], name
        out[name] = NerCorpus(scheme, list(docs[:limit] if limit else docs))
    return out


def extract_entities(texts: list[str]) -> tuple[list[list[Any]], float]:
    """``clue_miner.extract_many`` entities per text (offsets into the text as given), and seconds."""
    import clue_miner

    t0 = time.perf_counter()
    ents = [list(x.entities) for x in clue_miner.extract_many(texts)]
    return ents, time.perf_counter() - t0


def keyed(ents_per_doc: list[list[Any]], keys: frozenset[str]) -> list[set[Key]]:
    from clue_miner.evaluate.ner import entity_key

    out = []
    for ents in ents_per_doc:
        found = set()
        for e in ents:
            k = entity_key(e, keys)
            if k is not None:
                found.add((e.start, e.end, k))
        out.append(found)
    return out


def only(sets: list[set[Key]], key: str) -> list[set[Key]]:
    return [{x for x in s if x[2] == key} for s in sets]


def without(sets: list[set[Key]], keys: frozenset[str]) -> list[set[Key]]:
    return [{x for x in s if x[2] not in keys} for s in sets]


def _base(key: str) -> str:
    return key.partition(":")[0]


def _ent_key(e: Any) -> str:
    if e.label == "PERSON":
        return f"PERSON:{e.attrs.get('role') or 'other'}"
    if e.label == "ITEM":
        return f"ITEM:{e.attrs.get('kind') or 'goods'}"
    return e.label


def breakdown(gold: list[set[Key]], head: list[set[Key]], prof: list[set[Key]], ext: list[set[Key]],
              raw: list[list[Any]]) -> tuple[Counter[str], Counter[str]]:
    """Counts of the causes of extract()'s misses and extras."""
    miss: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for g, h, p, x, ents in zip(gold, head, prof, ext, raw, strict=True):
        spans = [(e.start, e.end, _ent_key(e), e.source) for e in ents]
        for s, e, k in g - x:
            had = ("head+prof" if (s, e, k) in h and (s, e, k) in p else "head" if (s, e, k) in h
                   else "prof" if (s, e, k) in p else "neither")
            same = [y for y in spans if y[0] == s and y[1] == e]
            over = [y for y in spans if y[0] < e and s < y[1]]
            if same and _base(same[0][2]) == _base(k):
                cause = f"role {same[0][2]} ({same[0][3]})"
            elif same:
                cause = f"label {same[0][2]} ({same[0][3]})"
            elif any(_base(y[2]) == _base(k) for y in over):
                y = next(y for y in over if _base(y[2]) == _base(k))
                cause = f"boundary ({y[3]})"
            elif over:
                cause = f"under {_base(over[0][2])} ({over[0][3]})"
            else:
                cause = "missed"
            miss[f"{_base(k):<8} had:{had:<9} {cause}"] += 1
        for s, e, k in x - g:
            src = next((y[3] for y in spans if y[0] == s and y[1] == e and _base(y[2]) == _base(k)), "?")
            same = [y for y in g if y[0] == s and y[1] == e]
            over = [y for y in g if y[0] < e and s < y[1]]
            if same:
                cause = "role" if _base(same[0][2]) == _base(k) else f"label (gold {same[0][2]})"
            elif any(_base(y[2]) == _base(k) for y in over):
                cause = "boundary"
            elif over:
                cause = f"over gold {_base(over[0][2])}"
            else:
                cause = "spurious"
            extra[f"{_base(k):<8} src:{src:<5} in_head:{'y' if (s, e, k) in h else 'n'} {cause}"] += 1
    return miss, extra


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    ap.add_argument("--seed", type=int, default=7, help="the recipe's seed (same held-out slices)")
    ap.add_argument("--limit", type=int, default=1500, help="first N held-out sentences per corpus (0: all)")
    ap.add_argument("--corpus", action="append", choices=CORPORA, help="only these corpora (repeatable)")
    ap.add_argument("--breakdown", action="store_true", help="print the causes of misses and extras")
    ap.add_argument("--top", type=int, default=25, help="breakdown rows per table")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    from clue_miner.evaluate.ner import predict_keys, score_spans
    from clue_miner.extract.ner.model import load_ner_model

    model = load_ner_model()
    sets = dev_sets(args.data, args.seed, args.limit or None, set(args.corpus or CORPORA))
    report: dict[str, Any] = {"limit": args.limit or None, "seed": args.seed}
    print(f"{'corpus':<16} {'view':<8} {'sent':>5} {'P':>7} {'R':>7} {'F1':>7}   seconds")
    for name, corpus in sets.items():
        gold = corpus.gold()
        head, head_s = predict_keys(model.for_corpus(corpus.scheme), corpus)
        prof, prof_s = predict_keys(model.with_profile("complaint"), corpus)
        raw, ext_s = extract_entities([d.text for d in corpus.docs])
        ext = keyed(raw, corpus.keys)
        views = {"head": (head, head_s), "profile": (prof, prof_s), "extract": (ext, ext_s)}
        rows = [(name, gold, views)]
        if corpus.scheme == "cluener":
            rows.append((f"{name}:PERSON", only(gold, "PERSON"),
                         {v: (only(p, "PERSON"), s) for v, (p, s) in views.items()}))
        if RULE_KEYS & corpus.keys:
            rows.append((f"{name}-TM", without(gold, RULE_KEYS),
                         {v: (without(p, RULE_KEYS), s) for v, (p, s) in views.items()}))
        for label, g, vs in rows:
            report[label] = {}
            for view, (pred, secs) in vs.items():
                r = score_spans(g, pred)
                o = r["overall"]
                report[label][view] = {"overall": o, "per_label": r["per_label"], "seconds": round(secs, 1)}
                print(f"{label:<16} {view:<8} {len(g):>5} {o['precision']:>7.4f} {o['recall']:>7.4f} {o['f1']:>7.4f}"
                      f"   {secs:5.1f}  " + " ".join(f"{k} {v['f1']:.3f}" for k, v in r["per_label"].items()),
                      flush=True)
        if args.breakdown:
            miss, extra = breakdown(gold, head, prof, ext, raw)
            print(f"-- {name}: extract() misses {sum(miss.values())} (by label, who had it, what extract put there)")
            for k, n in miss.most_common(args.top):
                print(f"   {n:>5}  {k}")
            print(f"-- {name}: extract() extras {sum(extra.values())} (by label, source, in head, relation to gold)")
            for k, n in extra.most_common(args.top):
                print(f"   {n:>5}  {k}")
            report[name]["breakdown"] = {"misses": dict(miss), "extras": dict(extra)}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
