"""Linker benchmark: speed, memory and accuracy on synthetic complaints x cases with known links.

    .venv/bin/python benchmarks/link_bench.py                 # N = 10^4 and 10^5, 2 threads
    .venv/bin/python benchmarks/link_bench.py --n 20000 --threads 2 --thresholds 0.5,0.6,0.8

Each N runs in a fresh subprocess so that peak RSS (ru_maxrss) belongs to that run alone; it
includes the synthetic data held in memory. The synthetic complaints and case summaries carry
story texts (``clue_miner.link.synthetic_text``: 80-250 characters, a long tail of proper names)
so that the text similarity (``textsim``) costs about what it costs on the project corpus;
``--no-text`` switches it off (the linker's setting) for comparison.

Accuracy is over the best match per complaint: precision = correct best matches / complaints
given a match; recall = correct best matches / complaints that have a true case; false links =
complaints without a case that got a match.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def accuracy(matches: list, truth: dict[str, str | None]) -> dict[str, float]:
    best: dict[str, str] = {}
    returned: dict[str, set[str]] = {}
    for m in matches:
        best.setdefault(m.complaint_id, m.case_id)
        returned.setdefault(m.complaint_id, set()).add(m.case_id)
    with_case = [c for c, k in truth.items() if k is not None]
    without = [c for c, k in truth.items() if k is None]
    correct = sum(1 for c, k in best.items() if truth.get(c) == k)
    return {
        "precision": round(correct / max(len(best), 1), 4),
        "recall": round(correct / max(len(with_case), 1), 4),
        "recall_any_returned": round(sum(1 for c in with_case if truth[c] in returned.get(c, ())) / max(len(with_case), 1), 4),
        "false_link_rate": round(sum(1 for c in without if c in best) / max(len(without), 1), 4),
        "matches_per_matched_complaint": round(len(matches) / max(len(best), 1), 3),
    }


def run_one(n: int, threads: int, thresholds: list[float], seed: int, text: bool = True) -> dict:
    from clue_miner.link import LinkSettings, case_tables, complaint_tables, link_tables
    from clue_miner.link.synthetic import synthesise

    t0 = time.perf_counter()
    data = synthesise(n, n, match_fraction=0.5, seed=seed)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    c_tab = complaint_tables(data.complaints, data.extractions)
    t1 = time.perf_counter()
    k_tab = case_tables(data.cases)
    t2 = time.perf_counter()
    out: dict = {"n": n, "threads": threads, "generate_s": round(gen_s, 2),
                 "complaint_features_s": round(t1 - t0, 2), "case_features_s": round(t2 - t1, 2), "runs": []}
    out["rss_before_link_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    base = LinkSettings(threads=threads, text_similarity=text)
    for th in thresholds:
        t3 = time.perf_counter()
        result = link_tables(c_tab, k_tab, replace(base, threshold=th))
        link_s = time.perf_counter() - t3
        out["runs"].append({"threshold": th, "link_s": round(link_s, 2), "stages": result.stats["seconds"],
                            "candidate_pairs": result.candidate_pairs_count,
                            "text_pairs": result.stats.get("text_pairs", 0),
                            "pairs_by_rule": result.stats["pairs_by_rule"],
                            "skipped_keys": {k: v["skipped_keys"] for k, v in result.stats["blocking"].items()},
                            "matches": len(result.matches), **accuracy(result.matches, data.truth)})
    out["end_to_end_s_first_threshold"] = round(t2 - t0 + out["runs"][0]["link_s"], 2)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="complaints = cases = N (repeatable)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--thresholds", default="0.6")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-text", action="store_true", help="switch the text similarity off")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    sizes = args.n or [10_000, 100_000]
    if args.child:
        logging.basicConfig(level=logging.WARNING)
        print(json.dumps(run_one(sizes[0], args.threads, thresholds, args.seed, not args.no_text), ensure_ascii=False))
        return
    for n in sizes:
        cmd = [sys.executable, __file__, "--child", "--n", str(n), "--threads", str(args.threads),
               "--thresholds", args.thresholds, "--seed", str(args.seed)] + (["--no-text"] if args.no_text else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"\nN = {n:,} complaints x {n:,} cases, threads={res['threads']}")
        print(f"  synthetic data {res['generate_s']} s; features: complaints {res['complaint_features_s']} s, "
              f"cases {res['case_features_s']} s; peak RSS {res['peak_rss_mb']} MB "
              f"({res['rss_before_link_mb']} MB before linking: synthetic objects + features)")
        for run in res["runs"]:
            print(f"  threshold {run['threshold']}: link {run['link_s']} s {run['stages']}, "
                  f"{run['candidate_pairs']:,} candidate pairs, {run['matches']:,} matches")
            print(f"    precision {run['precision']}, recall {run['recall']} "
                  f"(any returned {run['recall_any_returned']}), false links {run['false_link_rate']}, "
                  f"{run['matches_per_matched_complaint']} matches per matched complaint")
            print(f"    pairs by rule {run['pairs_by_rule']}; skipped keys {run['skipped_keys']}")
        print(f"  end to end (features + link) {res['end_to_end_s_first_threshold']} s")


if __name__ == "__main__":
    main()
