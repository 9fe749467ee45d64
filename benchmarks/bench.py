"""Speed and accuracy of clue_miner on generated archives.

    python benchmarks/bench.py                      # N = 10^4 and 10^5
    python benchmarks/bench.py --sizes 2000 --extract-n 2000

Prints, for each N: complaints per second of ``extract_many`` on one core, wall time and peak
memory of ``clue-miner mine`` (N complaints x N cases, run as a child process so its peak RSS is
its own), and link accuracy plus clue precision/recall per type against the generator's gold.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def generate(n: int, seed: int, out: Path) -> dict:
    from corpora.generate import main as gen_main

    out.mkdir(parents=True, exist_ok=True)
    if not (out / "gold.jsonl").exists():
        gen_main(["--complaints", str(n), "--cases", str(n), "--seed", str(seed), "--out", str(out)])
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def bench_extract(path: Path, n: int) -> float:
    """Complaints per second of extract_many on this process (one core), after a warm-up."""
    import os

    original = None
    try:
        original = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(original)})
    except (AttributeError, OSError):
        pass
    try:
        return _time_extract(path, n)
    finally:
        if original is not None:
            os.sched_setaffinity(0, original)  # the mine run that follows gets every core


REAL = REPO.parent / "shared" / "data" / "complaints" / "gov_board_messages_with_votes.jsonl"


def _time_extract(path: Path, n: int) -> float:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str).head(n)
    rate = _rate("generated archive", frame["text"].fillna("").tolist(), frame["received_at"].tolist())
    if REAL.exists():  # real citizen messages are longer than the generated ones
        rows = [json.loads(x) for x in REAL.read_text(encoding="utf-8").splitlines()[:n]]
        _rate("real board messages", [r["text"] for r in rows], [r.get("time") for r in rows])
    return rate


def _rate(label: str, texts: list[str], anchors: list) -> float:
    import clue_miner

    list(clue_miner.extract_many(texts[:64], anchors[:64]))  # load models
    t = time.perf_counter()
    count = sum(1 for _ in clue_miner.extract_many(texts, anchors))
    dt = time.perf_counter() - t
    chars = sum(len(x) for x in texts)
    print(f"  extract_many ({label}): {count} complaints in {dt:.2f}s = {count / dt:.0f} complaints/s, "
          f"{chars / dt / 1000:.0f}k chars/s (mean {chars / max(count, 1):.0f} chars), one core, default models")
    return count / dt


def bench_mine(data: Path, out: Path, as_of: str, workers: int | None, ext: str = "csv",
               extra: list[str] | None = None) -> dict:
    cmd = [sys.executable, "-m", "clue_miner.cli", "mine", "--complaints", str(data / f"complaints.{ext}"),
           "--cases", str(data / f"cases.{ext}"), "--out", str(out), "--as-of", as_of, "--quiet", *(extra or [])]
    if workers:
        cmd += ["--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO)
    tree_peak = 0
    while proc.poll() is None:  # the whole process tree: mine and its extraction workers
        tree_peak = max(tree_peak, _tree_rss_kb(proc.pid))
        time.sleep(0.2)
    if proc.returncode:
        raise SystemExit(f"mine failed with exit code {proc.returncode}")
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    print(f"  mine: wall {wall:.1f}s, peak RSS {max(peak, before) / 1024:.0f} MB (largest process), "
          f"{tree_peak / 1024:.0f} MB (sum over mine and its workers, sampled), stages {summary['seconds']}")
    return {"wall": wall, "peak_mb": max(peak, before) / 1024, "tree_peak_mb": tree_peak / 1024, "summary": summary}


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and its descendants, from /proc (0 where /proc is missing)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def score(data: Path, out: Path) -> dict:
    from clue_miner.evaluate.mine_eval import score_mine

    s = score_mine(data / "gold.jsonl", out).to_dict()
    print(f"  link accuracy {s['link_accuracy']:.3f}; clues micro P {s['clues_micro']['precision']:.3f} "
          f"R {s['clues_micro']['recall']:.3f} F1 {s['clues_micro']['f1']:.3f}; macro F1 {s['clues_macro_f1']:.3f}")
    for kind, v in s["clues"].items():
        print(f"    {kind:16s} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} (support {v['support']})")
    print(f"  category accuracy {s['category_accuracy']}, top offence accuracy {s['offence_accuracy']}")
    return s


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--extract-n", type=int, default=5000, help="complaints timed for extract_many")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--work", type=Path, default=REPO / "bench_out")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    results = {}
    for n in args.sizes:
        print(f"N = {n}")
        data = args.work / f"data_{n}_{args.seed}"
        manifest = generate(n, args.seed, data)
        rate = bench_extract(data / "complaints.csv", min(n, args.extract_n))
        run = bench_mine(data, args.work / f"out_{n}_{args.seed}", manifest["as_of"], args.workers)
        results[n] = {"extract_per_s": rate, "mine_wall_s": run["wall"], "mine_peak_mb": run["peak_mb"],
                      "mine_tree_peak_mb": run["tree_peak_mb"],
                      "scores": score(data, args.work / f"out_{n}_{args.seed}")}
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
