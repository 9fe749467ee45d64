"""The new user's scenario: label 200 complaints, fine-tune, score another archive with the new model.

    .venv/bin/python benchmarks/finetune_bench.py --work /tmp/ftb [--mlm models-local/mlm-small] [--threads 2]

1. Generate a 600-complaint archive (seed 91) and mine it with the shipped model.
2. A simulated prosecutor reviews every clue against the generator's gold (same offence:
   ``confirmed``; another offence: ``offence_corrected``; no clue in gold: ``rejected`` with the
   gold offence, if any, as ``corrected_offence``) until ~100 complaints are covered, and labels
   complaints outside the reviewed clues directly (their gold offence, or none) until 200
   complaints carry labels. ``clue-miner
   export-labels`` turns the reviewed clues into labelled rows; the direct labels are appended.
3. ``clue-miner train`` fine-tunes from scratch (``small``) and, when ``--mlm`` exists, from the
   domain-pretrained checkpoint; 20% of the 200 rows (seeded, per clue) are dev.
4. Both, and the shipped model, score the dev rows (set-F1 etc.) and a fresh 2,000-complaint
   archive (seed 92) with ``clue-miner mine --offence-model DIR``: offences of every complaint
   against gold (row-F1 over all complaints, set-F1 over those with an offence), clue P/R/F1 and
   category accuracy (``clue-miner evaluate mine``). Prints a table; writes ``WORK/scenario.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CLI = [sys.executable, "-m", "clue_miner.cli"]


def sh(args: list[str]) -> float:
    tick = time.perf_counter()
    subprocess.run(args, check=True, cwd=REPO)
    return time.perf_counter() - tick


def generate(n: int, cases: int, seed: int, out: Path) -> None:
    if not (out / "gold.jsonl").exists():
        sh([sys.executable, "corpora/generate.py", "--complaints", str(n), "--cases", str(cases), "--seed", str(seed),
            "--out", str(out)])


def gold_of(path: Path) -> dict[str, dict[str, Any]]:
    return {g["id"]: g for g in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def review(clues: Path, gold: dict[str, dict[str, Any]], out: Path, budget: int) -> Counter[str]:
    """Write the clues with verdicts from gold (majority over the clue's complaints) for the first
    clues covering ``budget`` complaints; the others stay unreviewed."""
    counts: Counter[str] = Counter()
    lines = []
    covered = 0
    for clue in map(json.loads, clues.read_text(encoding="utf-8").splitlines()):
        if covered >= budget:
            lines.append(json.dumps(clue, ensure_ascii=False))
            continue
        covered += len(clue["complaint_ids"])
        golds = [gold[c] for c in clue["complaint_ids"] if c in gold]
        real = [g for g in golds if g.get("clue_type")]
        if len(real) * 2 >= len(golds) and real:
            offence = Counter(g["offence"] for g in real).most_common(1)[0][0]
            if offence == clue["offence"]:
                clue["verdict"] = "confirmed"
            else:
                clue.update(verdict="offence_corrected", corrected_offence=offence)
        else:
            offences = [g["offence"] for g in golds if g.get("offence")]
            clue.update(verdict="rejected", corrected_offence=Counter(offences).most_common(1)[0][0] if offences else [],
                        corrected_category=Counter(g["category"] for g in golds).most_common(1)[0][0])
        counts[clue["verdict"]] += 1
        lines.append(json.dumps(clue, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return counts


def offence_scores(extractions: Path, gold: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from clue_miner.train.metrics import score_rows

    golds, preds = [], []
    for row in map(json.loads, extractions.read_text(encoding="utf-8").splitlines()):
        g = gold.get(row["id"])
        if g is None:
            continue
        golds.append([g["offence"]] if g.get("offence") else [])
        preds.append([o["name"] for o in row.get("offences", [])])
    m = score_rows(golds, preds)
    return {k: round(m[k], 4) if isinstance(m[k], float) else m[k]
            for k in ("rows", "row_f1", "set_f1", "top1_acc", "macro_f1", "micro_f1", "none_acc")}


def dev_scores(model: str | None, labelled: Path) -> dict[str, Any]:
    """The dev rows of the labelled file, scored with ``model`` (None: the shipped one) as in the pipeline."""
    from clue_miner.api import _offence_detector
    from clue_miner.extract.offence.model import load_offence_model
    from clue_miner.text.normalize import normalize
    from clue_miner.train.labels import read_labelled_file
    from clue_miner.train.metrics import score_rows

    rows = read_labelled_file(labelled, "offence", dev_fraction=0.2).split("dev")
    det = _offence_detector(model) if model else load_offence_model()
    texts = [normalize(r.text).text for r in rows]
    tick = time.perf_counter()
    pred = [[o.name for o in offs] for offs in det.predict(texts)]
    seconds = time.perf_counter() - tick
    m = score_rows([list(r.labels) for r in rows], pred)
    out = {k: round(m[k], 4) if isinstance(m[k], float) else m[k]
           for k in ("rows", "row_f1", "set_f1", "top1_acc", "macro_f1", "micro_f1", "none_acc")}
    out["texts_per_second"] = round(len(texts) / seconds, 1)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/finetune_bench"))
    ap.add_argument("--mlm", type=Path, default=REPO / "models-local" / "mlm-small")
    ap.add_argument("--labels", type=int, default=200)
    ap.add_argument("--from-clues", type=int, default=100, help="complaints whose clues are reviewed (the rest labelled directly)")
    ap.add_argument("--scratch", default="small", help="from-scratch configuration (tiny for a smoke run)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    w = args.work
    w.mkdir(parents=True, exist_ok=True)
    generate(600, 500, 91, w / "g91")
    generate(2000, 1700, 92, w / "g92")
    sh([*CLI, "mine", "--complaints", str(w / "g91/complaints.csv"), "--cases", str(w / "g91/cases.csv"),
        "--out", str(w / "g91/mined"), "--as-of", "2025-06-30", "-q", "--workers", "1"])
    gold91 = gold_of(w / "g91/gold.jsonl")
    verdicts = review(w / "g91/mined/clues.jsonl", gold91, w / "reviewed_clues.jsonl", args.from_clues)
    labelled = w / "labels.jsonl"
    sh([*CLI, "export-labels", "--clues", str(w / "reviewed_clues.jsonl"), "--complaints", str(w / "g91/complaints.csv"),
        "--out", str(labelled), "--task", "offence", "--seed", str(args.seed)])
    exported = [json.loads(line) for line in labelled.read_text(encoding="utf-8").splitlines()]
    taken = {r["id"] for r in exported}
    rest = [g for cid, g in sorted(gold91.items()) if cid not in taken]
    random.Random(args.seed).shuffle(rest)
    texts = {json.loads(line)["id"]: json.loads(line)["text"]
             for line in (w / "g91/complaints.jsonl").read_text(encoding="utf-8").splitlines()} \
        if (w / "g91/complaints.jsonl").exists() else _texts(w / "g91/complaints.csv")
    direct = [{"id": g["id"], "text": texts[g["id"]], "labels": [g["offence"]] if g.get("offence") else []}
              for g in rest[: max(0, args.labels - len(exported))]]
    with labelled.open("a", encoding="utf-8") as fh:
        for r in direct:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    report: dict[str, Any] = {"verdicts": dict(verdicts), "exported_rows": len(exported), "direct_rows": len(direct),
                              "runs": {}}
    models = {"shipped": None, "small": w / "ft-small"}
    if (args.mlm / "config.json").exists():
        models["mlm"] = w / "ft-mlm"
    for name, out in models.items():
        run: dict[str, Any] = {}
        if out is not None:
            base = args.scratch if name == "small" else str(args.mlm)
            run["train_seconds"] = round(sh([*CLI, "train", "--task", "offence", "--data", str(labelled), "--base", base,
                                             "--out", str(out), "--threads", str(args.threads), "--seed", str(args.seed),
                                             "--dev-fraction", "0.2", "-q"]), 1)
            metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
            cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
            run.update(decision=cfg["decision"], dev_by_combine=metrics["dev_by_combine"],
                       dev_model_only=metrics["dev"].get("model_only"))
        run["dev"] = dev_scores(str(out) if out else None, labelled)
        mined = w / f"g92-{name}"
        cmd = [*CLI, "mine", "--complaints", str(w / "g92/complaints.csv"), "--cases", str(w / "g92/cases.csv"),
               "--out", str(mined), "--as-of", "2025-06-30", "-q", "--workers", "1"]
        run["mine_seconds"] = round(sh(cmd + (["--offence-model", str(out)] if out else [])), 1)
        from clue_miner.evaluate.mine_eval import score_mine

        scores = score_mine(w / "g92/gold.jsonl", mined).to_dict()
        run["g92_offences"] = offence_scores(mined / "extractions.jsonl", gold_of(w / "g92/gold.jsonl"))
        run["g92_clues"] = {"micro": scores["clues_micro"], "macro_f1": scores["clues_macro_f1"],
                            "category_accuracy": scores["category_accuracy"], "offence_accuracy": scores["offence_accuracy"]}
        report["runs"][name] = run
        (w / "scenario.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"labelled rows: {len(exported)} exported from reviewed clues ({dict(verdicts)}) + {len(direct)} direct")
    print("| model | dev row-F1 | dev set-F1 | dev top-1 | g92 offence row-F1 | g92 set-F1 | g92 clue P/R/F1 | "
          "category acc | train s | mine s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in report["runs"].items():
        d, o, c = r["dev"], r["g92_offences"], r["g92_clues"]["micro"]
        print(f"| {name} | {d['row_f1']:.3f} | {d['set_f1']:.3f} | {d['top1_acc']:.3f} | {o['row_f1']:.3f} | "
              f"{o['set_f1']:.3f} | {c['precision']:.3f}/{c['recall']:.3f}/{c['f1']:.3f} | "
              f"{r['g92_clues']['category_accuracy']} | {r.get('train_seconds', '–')} | {r['mine_seconds']} |")
    return report


def _texts(path: Path) -> dict[str, str]:
    from clue_miner.io import read_complaints

    return {c.id: c.text for c in read_complaints(path).rows}


if __name__ == "__main__":
    main()
