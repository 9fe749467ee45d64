"""``mine`` at growing sizes on archives made from the independently written ones.

    python benchmarks/mine_scale.py --data ../shared/data --sizes 10000 100000 [1000000] --workers 2
    python benchmarks/mine_scale.py --data ../shared/data --sizes 10000 100000 1000000 --ner-model none
    python benchmarks/mine_scale.py --source generated --sizes 10000 100000 1000000 --ner-model none
    python benchmarks/mine_scale.py --data ../shared/data --sizes 10000 100000 --engine spark --spark-master 'local[2]'

For each N: builds N complaints x N cases (``scale_archive.py``: the e2e_dev archives tiled, people,
identifiers and dates changed per copy), runs ``clue-miner mine`` as a child process, and prints
wall time, peak memory (largest process and the sum over mine and its workers), the stages'
seconds and shares, the link stage's own steps (complaint features built while extracting, case
features, text index, blocking, pair scores, scoring, the incident pass) with their time per 1,000
complaints (flat across N when the cost grows linearly), and link accuracy against the copies' gold.
``--source generated`` uses corpora/generate.py archives instead (every complaint its own story;
a tiled archive repeats each story N/120 times, which the text index pays for quadratically).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATED_SEED = 2024
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))


def run(data: Path, n: int, work: Path, workers: int | None, ner_model: str | None = None,
        source: str = "e2e", engine: str = "duckdb", spark_master: str | None = None) -> dict:
    from bench import bench_mine, generate
    from scale_archive import build

    if source == "generated":  # corpora/generate.py: every complaint its own story
        archive = work / f"data_{n}_{GENERATED_SEED}"
        manifest = generate(n, GENERATED_SEED, archive)
        ext = "csv"
        print(f"N = {n}: {n} generated complaints x {n} cases (seed {GENERATED_SEED})", flush=True)
    else:
        archive = work / f"e2e_{n}"
        if not (archive / "manifest.json").exists():
            build(data, n, archive)
        manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
        ext = "jsonl"
        print(f"N = {n}: {manifest['complaints']} complaints x {manifest['cases']} cases "
              f"({manifest['copies']} copies of e2e_dev)", flush=True)
    tag = "gen" if source == "generated" else "e2e"
    out = work / (f"{tag}_out_{n}" + (f"_ner-{Path(ner_model).name}" if ner_model else "")
                  + (f"_{engine}" if engine != "duckdb" else ""))
    extra = ["--ner-model", ner_model] if ner_model else []
    if engine != "duckdb":
        extra += ["--engine", engine] + (["--spark-master", spark_master] if spark_master else [])
    result = bench_mine(archive, out, manifest["as_of"], workers, ext=ext, extra=extra)
    s = result["summary"]
    stages = s["seconds"]
    total = sum(stages.values())
    print("  stages: " + ", ".join(f"{k} {v:.1f}s ({v / total:.0%})" for k, v in stages.items()))
    link = s.get("link_seconds", {})
    per_k = {k: v / n * 1000 for k, v in link.items()}
    print("  link steps (s, s per 1,000 complaints): " +
          ", ".join(f"{k} {link[k]:.1f} ({per_k[k]:.3f})" for k in link))
    pairs = s.get("link", {})
    if pairs:
        by_rule = pairs.get("pairs_by_rule", {})
        print(f"  candidate pairs {pairs.get('candidate_pairs', 0):,} ({pairs.get('candidate_pairs', 0) / n:.1f} a complaint): "
              + ", ".join(f"{k} {v:,}" for k, v in by_rule.items()))
    from clue_miner.evaluate.mine_eval import score_mine

    scores = score_mine(archive / "gold.jsonl", out).to_dict()
    print(f"  link accuracy {scores['link_accuracy']:.3f}", flush=True)
    return {"n": n, "engine": engine, "ner_model": ner_model or "default", "wall_s": result["wall"], "peak_mb": result["peak_mb"], "tree_peak_mb": result["tree_peak_mb"],
            "seconds": stages, "link_seconds": link, "link": pairs, "link_accuracy": scores["link_accuracy"]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--work", type=Path, default=REPO / "bench_out")
    ap.add_argument("--ner-model", default=None,
                    help="passed to mine (e.g. none: rule entities only, for a cheap run at 10^6 that still "
                         "measures the link stage)")
    ap.add_argument("--source", choices=("e2e", "generated"), default="e2e",
                    help="e2e: e2e_dev tiled (each story copied N/120 times: the text index's cost grows with "
                         "the square of the copies); generated: corpora/generate.py")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    ap.add_argument("--spark-master", default=None, help="with --engine spark (default local[*])")
    args = ap.parse_args(argv)
    if args.source == "e2e" and not (args.data / "e2e_dev").is_dir():
        raise SystemExit(f"needs {args.data}/e2e_dev (the independently written archives)")
    results = [run(args.data, n, args.work, args.workers, args.ner_model, args.source, args.engine, args.spark_master)
               for n in args.sizes]
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
