"""Score an offence detector on labelled facts (CAIL2018-style JSONL).

Each line holds ``fact`` (or ``text``) and the gold charges in ``charges`` or ``meta.accusation``
(or ``offence``/``offences``). Names are canonicalised through the taxonomy, the old bracket forms
(``[走私、贩卖、运输、制造]毒品``) too; a name the taxonomy does not know is kept with its brackets
stripped, so it counts as a miss.

Metrics:
- set-F1: mean over cases of the F1 between the gold and the predicted set (an empty prediction
  scores 0);
- top-1 accuracy: the best predicted offence is one of the gold charges;
- micro P/R/F1 over all (case, charge) decisions; macro-F1: mean per-charge F1 over the charges
  that occur in the gold labels;
- per charge: support, tp, fp, fn, precision, recall, F1 (the weak spots).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["evaluate_offences", "format_report", "read_labelled", "score_sets"]

_BRACKETS = re.compile(r"[\[\]]")


def _gold_names(row: dict[str, Any]) -> list[str]:
    meta = row.get("meta") or {}
    for value in (row.get("charges"), meta.get("accusation"), row.get("accusation"), row.get("offences"), row.get("offence")):
        if value:
            return [value] if isinstance(value, str) else [str(v) for v in value]
    return []


def read_labelled(path: str | Path, limit: int | None = None) -> tuple[list[str], list[set[str]]]:
    """(texts, canonical gold sets) of a JSONL file; rows without text or gold are skipped."""
    from clue_miner.io.jsonl import iter_jsonl
    from clue_miner.knowledge.taxonomy import load_taxonomy

    tax = load_taxonomy()
    texts: list[str] = []
    gold: list[set[str]] = []
    for row in iter_jsonl(path):
        text = row.get("fact") or row.get("text")
        names = _gold_names(row)
        if not text or not names:
            continue
        texts.append(str(text))
        gold.append({tax.canonical(a) or _BRACKETS.sub("", a).strip() for a in names})
        if limit and len(texts) >= limit:
            break
    return texts, gold


def score_sets(gold: Sequence[set[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Set-F1, top-1, micro/macro F1 and per-charge counts of ranked predictions against gold sets."""
    set_f1 = top1 = covered = 0.0
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        ps = set(p)
        if ps:
            covered += 1
            set_f1 += 2 * len(g & ps) / (len(g) + len(ps))
            top1 += p[0] in g
        support.update(g)
        tp.update(ps & g)
        fp.update(ps - g)
        fn.update(g - ps)
    n = len(gold) or 1
    stp, sfp, sfn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p = stp / (stp + sfp) if stp + sfp else 0.0
    micro_r = stp / (stp + sfn) if stp + sfn else 0.0
    per_charge: dict[str, dict[str, float]] = {}
    for name in sorted(set(support) | set(fp)):
        t, f_p, f_n = tp[name], fp[name], fn[name]
        prec = t / (t + f_p) if t + f_p else 0.0
        rec = t / (t + f_n) if t + f_n else 0.0
        per_charge[name] = {"support": support[name], "tp": t, "fp": f_p, "fn": f_n, "precision": prec, "recall": rec,
                            "f1": 2 * t / (2 * t + f_p + f_n) if t + f_p + f_n else 0.0}
    macro = [per_charge[name]["f1"] for name in support]
    return {
        "cases": len(gold),
        "set_f1": set_f1 / n,
        "top1_acc": top1 / n,
        "micro_p": micro_p,
        "micro_r": micro_r,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "macro_f1": sum(macro) / len(macro) if macro else 0.0,
        "coverage": covered / n,
        "charges": len(support),
        "per_charge": per_charge,
    }


def evaluate_offences(data_path: str | Path, detector: Any = None, *, limit: int | None = None,
                      normalise: bool = True, batch_size: int = 256) -> dict[str, Any]:
    """Metrics of ``detector`` (an ``OffenceDetector``; default: the shipped offence model) on a JSONL file."""
    if detector is None:
        from clue_miner.extract.offence.model import load_offence_model

        detector = load_offence_model()
    texts, gold = read_labelled(data_path, limit)
    if normalise:
        from clue_miner.text.normalize import normalize

        texts = [normalize(t).text for t in texts]
    t0 = time.perf_counter()
    pred: list[list[str]] = []
    for i in range(0, len(texts), batch_size):
        pred += [[o.name for o in offs] for offs in detector.predict(texts[i:i + batch_size])]
    seconds = time.perf_counter() - t0
    result = score_sets(gold, pred)
    result.update({
        "data": str(data_path),
        "detector": str(getattr(detector, "version", getattr(detector, "name", type(detector).__name__))),
        "seconds": seconds,
        "facts_per_second": len(texts) / seconds if seconds > 0 else 0.0,
    })
    return result


def format_report(result: dict[str, Any], weak: int = 15, min_support: int = 3) -> str:
    """A short text report: the headline metrics and the weakest charges (by F1, support ≥ min_support)."""
    lines = [
        f"offence evaluation: {result.get('data', '')}  detector {result.get('detector', '')}",
        f"cases {result['cases']}  charges {result['charges']}  coverage {result['coverage']:.3f}",
        f"set-F1 {result['set_f1']:.4f}  top-1 acc {result['top1_acc']:.4f}  macro-F1 {result['macro_f1']:.4f}  "
        f"micro-F1 {result['micro_f1']:.4f} (P {result['micro_p']:.4f}, R {result['micro_r']:.4f})",
    ]
    if result.get("facts_per_second"):
        lines.append(f"speed {result['facts_per_second']:.0f} facts/s")
    rows = [(name, r) for name, r in result["per_charge"].items() if r["support"] >= min_support]
    rows.sort(key=lambda kv: (kv[1]["f1"], -kv[1]["support"], kv[0]))
    if rows and weak:
        lines.append(f"weakest charges (support >= {min_support}):")
        lines.append(f"  {'charge':<30} {'sup':>4} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}")
        for name, r in rows[:weak]:
            lines.append(f"  {name:<30} {r['support']:>4} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} "
                         f"{r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f}")
    return "\n".join(lines)
