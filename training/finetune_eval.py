"""Compare offence classifiers on the CAIL2018 dev sample, none of which has seen it.

    .venv/bin/python training/finetune_eval.py --data ../shared/data --work /tmp/fte \\
        --mlm models-local/mlm-small --threads 2 [--minutes 35] [--only a b c]

(a) ``clue-miner train --base small`` (from scratch), (b) ``--base MLM`` (from the domain-pretrained
checkpoint of ``training/pretrain_mlm.py``, which by default never read the dev facts), (c) the
shipped recipe's TF-IDF model retrained without dev (``training/train_offence.py --exclude dev``).

Protocol: (a) and (b) train on the CAIL2018 train sample + the LawBench facts; a seeded 10% of
those is their dev split (early stopping, threshold and rules combination); the CAIL2018 dev sample
is the ``test`` split, used for nothing but the final scores. All three are then scored on it by
the same function, ``clue_miner.evaluate.offences.evaluate_offences`` (set-F1, top-1, macro-F1,
micro-F1), one thread for inference. The labelled file is written under ``--work`` (never into
the repository). Prints a table and writes ``WORK/comparison.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

log = logging.getLogger("finetune_eval")

TRAIN = ("charges/cail2018_sample_train.jsonl", "charges/lawbench_cail2018_facts.jsonl")
DEV = "charges/cail2018_sample_dev.jsonl"


def _charges(row: dict[str, Any]) -> list[str]:
    return list((row.get("meta") or {}).get("accusation") or row.get("charges") or [])


def write_labelled(data: Path, out: Path) -> dict[str, int]:
    """CAIL train + LawBench (split left to the trainer's seeded dev share), CAIL dev as ``test``.
    Charges the taxonomy does not know are dropped from a row's labels (counted)."""
    from clue_miner.knowledge.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    counts = {"train_rows": 0, "test_rows": 0, "unknown_charges": 0}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for rel, split in [*[(r, None) for r in TRAIN], (DEV, "test")]:
            for n, line in enumerate((data / rel).read_text(encoding="utf-8").splitlines()):
                row = json.loads(line)
                names = [taxonomy.canonical(c) for c in _charges(row)]
                counts["unknown_charges"] += sum(1 for c in names if c is None)
                names = [c for c in names if c]
                if not names or not row.get("fact"):
                    continue
                rec = {"id": f"{Path(rel).stem}:{n}", "text": row["fact"], "labels": names}
                if split:
                    rec["split"] = split
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                counts["test_rows" if split else "train_rows"] += 1
    return counts


def headline(result: dict[str, Any]) -> dict[str, Any]:
    keys = ("cases", "set_f1", "top1_acc", "macro_f1", "micro_f1", "micro_p", "micro_r", "coverage", "facts_per_second")
    return {k: round(result[k], 4) if isinstance(result[k], float) else result[k] for k in keys}


def fine_tune(name: str, base: str, labelled: Path, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    from clue_miner.evaluate.offences import evaluate_offences
    from clue_miner.train.detector import TransformerOffenceDetector
    from clue_miner.train.fit import TrainParams, train

    params = TrainParams(task="offence", base=base, threads=args.threads, seed=args.seed, max_minutes=args.minutes,
                         epochs=args.epochs, quiet=args.quiet, dev_fraction=0.1)
    tick = time.perf_counter()
    result = train(labelled, out, params)
    seconds = time.perf_counter() - tick
    detector = TransformerOffenceDetector(out, threads=1).fit()
    scores = evaluate_offences(args.data / DEV, detector)
    model_only = evaluate_offences(args.data / DEV, TransformerOffenceDetector(out, threads=1, combine="model").fit())
    return {"name": name, "base": base, "train_seconds": round(seconds, 1), "epochs_run": result.metrics["epochs_run"],
            "decision": result.config["decision"], "inner_dev_row_f1": round(result.metrics["dev"]["row_f1"], 4),
            "cail_dev": headline(scores), "cail_dev_model_only": headline(model_only)}


def linear(args: argparse.Namespace) -> dict[str, Any]:
    from clue_miner.evaluate.offences import evaluate_offences
    from clue_miner.extract.offence.model import load_offence_model

    out = args.work / "linear-nodev"
    tick = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "train_offence.py"), "--data", str(args.data), "--out", str(out),
                    "--exclude", "dev", "--seed", "13", "--quiet"], check=True)
    seconds = time.perf_counter() - tick
    scores = evaluate_offences(args.data / DEV, load_offence_model(out))
    return {"name": "c", "base": "tf-idf (train_offence.py --exclude dev)", "train_seconds": round(seconds, 1),
            "cail_dev": headline(scores)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--work", type=Path, default=Path("/tmp/finetune_eval"))
    ap.add_argument("--mlm", type=Path, default=ROOT / "models-local" / "mlm-small")
    ap.add_argument("--scratch", default="small", help="from-scratch configuration for (a)")
    ap.add_argument("--only", nargs="*", default=["a", "b", "c"], choices=["a", "b", "c"])
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--epochs", type=float, default=None)
    ap.add_argument("--minutes", type=float, default=None, help="time box of each fine-tuning run")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args.work.mkdir(parents=True, exist_ok=True)
    labelled = args.work / "cail_offence_labels.jsonl"
    report: dict[str, Any] = {"data": write_labelled(args.data, labelled), "runs": []}
    summary_path = args.work / "comparison.json"
    if summary_path.exists():  # keep runs done earlier (e.g. --only b after a and c)
        report["runs"] = [r for r in json.loads(summary_path.read_text(encoding="utf-8")).get("runs", [])
                          if r["name"] not in args.only]
    for name in args.only:
        if name == "a":
            report["runs"].append(fine_tune("a", args.scratch, labelled, args.work / "ft-scratch", args))
        elif name == "b":
            report["runs"].append(fine_tune("b", str(args.mlm), labelled, args.work / "ft-mlm", args))
        else:
            report["runs"].append(linear(args))
        summary_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    report["runs"].sort(key=lambda r: r["name"])
    summary_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"CAIL2018 dev ({report['runs'][0]['cail_dev']['cases'] if report['runs'] else 0} facts), never trained on:")
    print("| run | base | set-F1 | top-1 | macro-F1 | micro-F1 | train s | facts/s (1 thread) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in report["runs"]:
        d = r["cail_dev"]
        print(f"| {r['name']} | {r['base']} | {d['set_f1']:.3f} | {d['top1_acc']:.3f} | {d['macro_f1']:.3f} | "
              f"{d['micro_f1']:.3f} | {r['train_seconds']:.0f} | {d['facts_per_second']:.0f} |")
        if "cail_dev_model_only" in r:
            m = r["cail_dev_model_only"]
            print(f"| {r['name']} model only | | {m['set_f1']:.3f} | {m['top1_acc']:.3f} | {m['macro_f1']:.3f} | "
                  f"{m['micro_f1']:.3f} | | {m['facts_per_second']:.0f} |")
    return report


if __name__ == "__main__":
    main()
