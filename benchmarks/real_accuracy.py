"""Accuracy on text other people wrote: real labelled board messages and independently written archives.

    .venv/bin/python benchmarks/real_accuracy.py --data ../shared/data [--json out.json]

1. ``clue-miner evaluate real`` on ``complaints/gov_board_labelled_dev.jsonl`` (600 real messages,
   LABELLING.md scoring: clue P/R/F1, crime detection, category accuracy, offence set-F1);
2. ``clue-miner mine`` + ``evaluate mine --gold`` on each archive of ``e2e_dev/`` (as of 2024-06-30,
   stall 365 days, as the data README says): link accuracy, clue P/R/F1, false clues per 100.

Both are development sets: held-back sets of the same kinds judge the product, so read the
figures as estimates. ``--labels`` adds the project's own labelled messages (training data of
the category model: optimistic there, shown for reference only).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def real(path: Path) -> dict:
    from clue_miner.evaluate.real import evaluate_real

    tick = time.perf_counter()
    d = evaluate_real(path).to_dict()
    d.pop("category_confusion", None)
    d["seconds"] = round(time.perf_counter() - tick, 1)
    return d


def archive(folder: Path, workers: int) -> dict:
    from clue_miner.evaluate.mine_eval import score_mine
    from clue_miner.mine import mine

    with tempfile.TemporaryDirectory() as tmp:
        tick = time.perf_counter()
        mine(folder / "complaints.jsonl", folder / "cases.jsonl", tmp, as_of=date(2024, 6, 30), stall_days=365,
             workers=workers)
        d = score_mine(folder / "gold.jsonl", tmp).to_dict()
        d["seconds"] = round(time.perf_counter() - tick, 1)
    return d


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--labels", type=Path, nargs="*", default=[], help="more labelled files (reference only)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    dev = args.data / "complaints" / "gov_board_labelled_dev.jsonl"
    if not dev.exists():
        print(f"no {dev}: pass --data (the shared data folder)", file=sys.stderr)
        return 2
    out: dict = {"real": {"gov_board_labelled_dev": real(dev)}, "archives": {}}
    for extra in args.labels:
        out["real"][extra.stem] = real(extra)
    for folder in sorted(p for p in (args.data / "e2e_dev").iterdir() if (p / "gold.jsonl").exists()):
        out["archives"][folder.name] = archive(folder, args.workers)

    print("real labelled messages (no case table)")
    print(f"  {'set':<28} {'clue P':>7} {'R':>6} {'F1':>6} {'crime F1':>9} {'category':>9} {'offence F1':>11}")
    for name, d in out["real"].items():
        c = d["clue"]
        print(f"  {name:<28} {c['precision']:>7.3f} {c['recall']:>6.3f} {c['f1']:>6.3f} "
              f"{d['crime_detection']['f1']:>9.3f} {d['category_accuracy']:>9.3f} {d['offence_set_f1']:>11.3f}")
    print("independently written archives (with case tables)")
    print(f"  {'archive':<28} {'link':>7} {'clue P':>7} {'R':>6} {'F1':>6} {'false/100':>10}")
    for name, d in out["archives"].items():
        m = d["clues_micro"]
        print(f"  {name:<28} {d['link_accuracy']:>7.3f} {m['precision']:>7.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} "
              f"{d['false_clues_per_100']:>10.1f}")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
