"""Agreement of the incident segmenter with a hand-labelled sample of long board messages.

    python benchmarks/incident_agreement.py --data ../shared/data

Reads ``corpora/incidents/long_letters.jsonl`` (ids and hand-marked start offsets of incidents
2..n; see ``corpora/incidents/README.md``), takes each message's text from
``DATA/complaints/<source_file>``, runs ``clue_miner``'s pipeline (``Pipeline.pipe``, the
same code as ``extract_many``) and compares the ``incidents`` of each Extraction with the labels.

Printed per half of the sample (the segmenter was tuned on half A; half B was not looked at while
tuning) and per stratum (``title``: drawn for titles that name several matters; ``random``: a
plain random draw, where multi-incident letters are rare):
- ``n_acc``: share of messages whose number of incidents is right;
- ``multi_acc``: share whose single-vs-several call is right;
- boundary precision / recall / F1, a predicted boundary matching at most one gold boundary,
  within ±20 characters or ±1 sentence (``tol``), and within ±20 characters only (``strict``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpora" / "incidents" / "long_letters.jsonl"
_SENT = re.compile(r"[。！？!?；;]+")
CHARS = 20


def sentence_index(text: str, pos: int) -> int:
    """Index of the sentence that holds ``pos`` (sentences end at 。！？；)."""
    return sum(1 for m in _SENT.finditer(text, 0, max(0, pos)) if m.end() <= pos)


def match_boundaries(text: str, gold: Sequence[int], pred: Sequence[int], sentences: bool = True) -> int:
    """Number of predicted boundaries matched one-to-one to a gold boundary (nearest first)."""
    pairs = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            near = abs(g - p) <= CHARS
            if not near and sentences:
                near = abs(sentence_index(text, g) - sentence_index(text, p)) <= 1
            if near:
                pairs.append((abs(g - p), i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    hits = 0
    for _, i, j in sorted(pairs):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            hits += 1
    return hits


def score(items: Iterable[tuple[str, Sequence[int], Sequence[int]]]) -> dict[str, float]:
    """Agreement over ``(text, gold boundaries, predicted boundaries)`` triples."""
    n = n_ok = multi_ok = 0
    tp = {"tol": 0, "strict": 0}
    n_gold = n_pred = 0
    for text, gold, pred in items:
        n += 1
        n_ok += len(gold) == len(pred)
        multi_ok += bool(gold) == bool(pred)
        n_gold += len(gold)
        n_pred += len(pred)
        tp["tol"] += match_boundaries(text, gold, pred, sentences=True)
        tp["strict"] += match_boundaries(text, gold, pred, sentences=False)
    out: dict[str, float] = {"n": n, "n_acc": n_ok / n if n else 0.0, "multi_acc": multi_ok / n if n else 0.0,
                             "gold_boundaries": n_gold, "pred_boundaries": n_pred}
    for key, hits in tp.items():
        p = hits / n_pred if n_pred else 1.0
        r = hits / n_gold if n_gold else 1.0
        out[f"{key}_p"], out[f"{key}_r"] = p, r
        out[f"{key}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return out


def load_sample(data: Path, sample: Path = SAMPLE) -> list[dict]:
    """The labelled records, each with its ``text`` and ``time`` read from ``data``."""
    records = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts: dict[tuple[str, str], dict] = {}
    for name in sorted({r["source_file"] for r in records}):
        for line in (data / "complaints" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts[(name, str(row["id"]))] = row
    for rec in records:
        row = texts[(rec["source_file"], rec["id"])]
        rec["text"], rec["time"] = row["text"], row.get("time")
    return records


def predict(records: Sequence[dict]) -> list[list[int]]:
    """Predicted boundaries (starts of incidents 2..n, offsets into the text) per record."""
    sys.path.insert(0, str(REPO))
    import clue_miner

    pipeline = clue_miner.load()
    exts = pipeline.pipe([r["text"] for r in records], [r["time"] for r in records])
    return [[inc.start for inc in ext.incidents[1:]] for ext in exts]


def report(records: Sequence[dict], preds: Sequence[Sequence[int]], tuned: str = "A") -> list[str]:
    lines = []
    header = f"{'subset':<28}{'n':>4}{'n_acc':>7}{'multi':>7}{'gold':>6}{'pred':>6}" \
             f"{'P':>7}{'R':>7}{'F1':>7}{'P20':>7}{'R20':>7}{'F1_20':>7}"
    lines.append(header)
    for half in ("A", "B"):
        tag = "tuned on" if half == tuned else "held out"
        for stratum in ("title", "random", None):
            rows = [(r["text"], r["boundaries"], p) for r, p in zip(records, preds, strict=True)
                    if r["half"] == half and (stratum is None or r["stratum"] == stratum)]
            s = score(rows)
            name = f"{half} ({tag}) {stratum or 'all'}"
            lines.append(f"{name:<28}{s['n']:>4}{s['n_acc']:>7.2f}{s['multi_acc']:>7.2f}{s['gold_boundaries']:>6}"
                         f"{s['pred_boundaries']:>6}{s['tol_p']:>7.2f}{s['tol_r']:>7.2f}{s['tol_f1']:>7.2f}"
                         f"{s['strict_p']:>7.2f}{s['strict_r']:>7.2f}{s['strict_f1']:>7.2f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--sample", type=Path, default=SAMPLE)
    ap.add_argument("--show", action="store_true", help="print gold vs predicted boundaries per message")
    args = ap.parse_args(argv)
    records = load_sample(args.data, args.sample)
    preds = predict(records)
    if args.show:
        for r, p in zip(records, preds, strict=True):
            print(r["half"], r["stratum"], r["id"], "gold", r["boundaries"], "pred", p)
    n_multi = sum(1 for r in records if r["boundaries"])
    print(f"{len(records)} messages, {n_multi} with several incidents; tuned on half A")
    print("\n".join(report(records, preds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
