"""End to end: does the NER inside ``extract()`` change link accuracy or clue F1?

    .venv/bin/python corpora/generate.py --complaints 3000 --cases 2500 --seed 77 --out /tmp/ner77
    .venv/bin/python benchmarks/ner_e2e.py --archive corpora/demo --archive /tmp/ner77 --model models/ner-charlstm

Runs ``clue_miner.mine.mine`` twice per archive (``ner_model="none"``: rule entities alone; then
``ner_model=MODEL``) with one worker, scores both against the archive's ``gold.jsonl``
(``clue_miner.evaluate.mine_eval.score_mine``) and prints link accuracy, clue micro-F1 and the
extraction time. An archive directory holds complaints.csv, cases.csv, gold.jsonl and
manifest.json (as_of, stall_days).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run(archive: Path, model: str) -> dict[str, Any]:
    """Mine ``archive`` with ``ner_model=model`` (``"none"``: rule entities alone) and score it."""
    from clue_miner.evaluate.mine_eval import score_mine
    from clue_miner.mine import mine

    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = mine(archive / "complaints.csv", archive / "cases.csv", tmp,
                   as_of=date.fromisoformat(manifest["as_of"]),
                   stall_days=int(manifest.get("stall_days", 365)), workers=1, ner_model=model)
        seconds = time.perf_counter() - t0
        scores = score_mine(archive / "gold.jsonl", tmp).to_dict()
    return {"link_accuracy": scores["link_accuracy"], "clues_micro_f1": scores["clues_micro"]["f1"],
            "clues_macro_f1": scores["clues_macro_f1"], "grouping_f1": scores["grouping_pairs"]["f1"],
            "extract_seconds": round(res.summary["seconds"].get("extract", 0.0), 1), "seconds": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", type=Path, action="append", required=True)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "ner-charlstm")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    report: dict[str, Any] = {}
    for archive in args.archive:
        report[str(archive)] = {"rules_only": run(archive, "none"), "with_ner": run(archive, str(args.model))}
        print(archive, json.dumps(report[str(archive)]), flush=True)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
