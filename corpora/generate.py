"""Seeded generator of synthetic complaint archives, police case tables and gold labels.

    python corpora/generate.py --complaints 300 --cases 250 --seed 7 --out DIR [--format csv|jsonl|parquet|xlsx]
        [--encoding utf-8|utf-8-sig|gb18030] [--as-of 2025-06-30] [--chinese-headers]

or, from Python, ``corpora.generate.generate(n_complaints, n_cases, seed, as_of)``. Same arguments, same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from corpora import __version__  # noqa: E402
from corpora.synth.legal import STALL_DAYS, THRESHOLDS  # noqa: E402
from corpora.synth.plan import DEFAULT_MIX, Chunk, Context, make_chunk  # noqa: E402
from corpora.writers import CASE_COLUMNS, COMPLAINT_COLUMNS, FORMATS, ZH_HEADERS, TableWriter, write_jsonl  # noqa: E402

CHUNK = 10_000
DEFAULT_AS_OF = date(2025, 6, 30)
HISTORY_DAYS = 2190  # incidents fall in the six years before as_of


def _as_date(value: date | str | None) -> date:
    if value is None:
        return DEFAULT_AS_OF
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def iter_chunks(n_complaints: int, n_cases: int, seed: int, as_of: date | str | None = None,
                mix: dict[str, float] | None = None) -> Iterator[Chunk]:
    """Yield the archive in chunks of CHUNK complaints (cases apportioned to chunks)."""
    day = _as_date(as_of)
    ctx = Context(as_of=day, start=day - timedelta(days=HISTORY_DAYS), mix=dict(mix or DEFAULT_MIX))
    rng = random.Random(seed)
    sizes = [min(CHUNK, n_complaints - i) for i in range(0, n_complaints, CHUNK)] or [0]
    total = max(1, n_complaints)
    done = 0
    for size in sizes:
        cases_before = round(n_cases * done / total) if n_complaints else 0
        done += size
        cases_after = round(n_cases * done / total) if n_complaints else n_cases
        yield make_chunk(rng, ctx, size, cases_after - cases_before)


class Tally:
    """Label distribution and counts for the manifest, accumulated chunk by chunk."""

    def __init__(self) -> None:
        self.c: dict[str, Counter[str]] = {k: Counter() for k in ("category", "clue_type", "offence", "bucket", "unit",
                                                                  "style", "channel", "scenario", "case_kind", "case_status")}
        self.complaints = self.cases = 0
        self.linked: set[str] = set()
        self.groups: set[str] = set()
        self.grouped = 0

    def add(self, chunk: Chunk) -> None:
        self.complaints += len(chunk.complaints)
        self.cases += len(chunk.cases)
        for row, g in zip(chunk.complaints, chunk.gold, strict=True):
            for key in ("category", "clue_type", "offence", "bucket", "unit", "style", "scenario"):
                self.c[key][str(g[key]) if g[key] is not None else "null"] += 1
            self.c["channel"][str(row["channel"])] += 1
            if g["case_id"]:
                self.linked.add(str(g["case_id"]))
            if g["group"]:
                self.groups.add(str(g["group"]))
                self.grouped += 1
        for case in chunk.cases:
            self.c["case_kind"][str(case["case_kind"])] += 1
            self.c["case_status"][str(case["status"])] += 1

    def manifest(self, seed: int, as_of: date, mix: dict[str, float] | None, **extra: Any) -> dict[str, Any]:
        return {
            "generator": "corpora.generate", "version": __version__, "seed": seed, "as_of": as_of.isoformat(),
            "stall_days": STALL_DAYS, "history_start": (as_of - timedelta(days=HISTORY_DAYS)).isoformat(),
            "counts": {"complaints": self.complaints, "cases": self.cases, "linked_cases": len(self.linked),
                       "distractor_cases": self.cases - len(self.linked), "groups": len(self.groups),
                       "grouped_complaints": self.grouped},
            "labels": {k: dict(sorted(v.items())) for k, v in self.c.items()},
            "mix": dict(mix or DEFAULT_MIX),
            "thresholds": {k: v[0] for k, v in THRESHOLDS.items()},
            **extra,
        }


def generate(n_complaints: int, n_cases: int, seed: int, as_of: date | str | None = None,
             mix: dict[str, float] | None = None) -> tuple[Any, Any, list[dict[str, Any]], dict[str, Any]]:
    """Return (complaints_df, cases_df, gold_records, manifest) for an archive held in memory."""
    import pandas as pd

    day = _as_date(as_of)
    tally = Tally()
    complaints: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    gold: list[dict[str, Any]] = []
    for chunk in iter_chunks(n_complaints, n_cases, seed, day, mix):
        tally.add(chunk)
        complaints.extend(chunk.complaints)
        cases.extend(chunk.cases)
        gold.extend(chunk.gold)
    cdf = pd.DataFrame(complaints, columns=list(COMPLAINT_COLUMNS))
    kdf = pd.DataFrame(cases, columns=list(CASE_COLUMNS))
    kdf["amount"] = kdf["amount"].astype("Int64")
    return cdf, kdf, gold, tally.manifest(seed, day, mix)


def write_archive(out: Path, n_complaints: int, n_cases: int, seed: int, as_of: date | str | None = None,
                  fmt: str = "csv", encoding: str = "utf-8", chinese_headers: bool = False,
                  mix: dict[str, float] | None = None) -> dict[str, Any]:
    """Stream an archive to ``out`` (complaints.<fmt>, cases.<fmt>, gold.jsonl, manifest.json)."""
    day = _as_date(as_of)
    out.mkdir(parents=True, exist_ok=True)
    headers = ZH_HEADERS[seed % len(ZH_HEADERS)] if chinese_headers else None
    cw = TableWriter(out / f"complaints.{fmt}", COMPLAINT_COLUMNS, fmt, encoding, headers)
    kw = TableWriter(out / f"cases.{fmt}", CASE_COLUMNS, fmt, encoding, headers)
    gold_path = out / "gold.jsonl"
    gold_path.write_text("", encoding="utf-8")
    tally = Tally()
    for chunk in iter_chunks(n_complaints, n_cases, seed, day, mix):
        tally.add(chunk)
        cw.write(chunk.complaints)
        kw.write(chunk.cases)
        write_jsonl(gold_path, chunk.gold, mode="a")
    cw.close()
    kw.close()
    files = [f"complaints.{fmt}", f"cases.{fmt}", "gold.jsonl", "manifest.json"]
    manifest = tally.manifest(seed, day, mix, format=fmt, encoding=encoding if fmt in ("csv", "jsonl") else None,
                              chinese_headers=chinese_headers, headers=headers, files=files)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="corpora/generate.py", description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, required=True, help="number of complaints")
    ap.add_argument("--cases", type=int, required=True, help="number of case records (at least the linked ones)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--format", choices=FORMATS, default="csv")
    ap.add_argument("--encoding", choices=("utf-8", "utf-8-sig", "gb18030"), default="utf-8",
                    help="text encoding of CSV/JSONL tables (gold.jsonl and manifest.json are always UTF-8)")
    ap.add_argument("--as-of", default=DEFAULT_AS_OF.isoformat(), help="the day clue types are judged on (ISO date)")
    ap.add_argument("--chinese-headers", action="store_true", help="write Chinese column headers (编号, 内容, 受理时间 …)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    m = write_archive(args.out, args.complaints, args.cases, args.seed, args.as_of, args.format, args.encoding,
                      args.chinese_headers)
    secs = time.perf_counter() - t0
    counts = m["counts"]
    print(f"wrote {counts['complaints']} complaints, {counts['cases']} cases ({counts['linked_cases']} linked, "
          f"{counts['distractor_cases']} distractors) to {args.out} in {secs:.1f}s")
    print("clue_type: " + ", ".join(f"{k}={v}" for k, v in m["labels"]["clue_type"].items()))
    print("category:  " + ", ".join(f"{k}={v}" for k, v in m["labels"]["category"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
