"""Score a ``mine`` output directory against gold labels (one JSON line per complaint).

Gold lines: ``id``, ``case_id`` (or null), ``clue_type`` (or null), ``category``, ``offence``,
``group`` — the generator's format — or the independently written archives' format (``SPEC.md``
of the shared ``e2e_dev``): ``clue`` (``NONE`` for none), ``offences`` (a list, the first counts as
the offence), ``criminal``. Link accuracy counts a complaint right when the best predicted case is the gold case
(no case predicted and none in gold is right too). Clue precision and recall are per complaint:
a complaint is predicted as type T when it is in a clue of type T.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from clue_miner.io.jsonl import read_jsonl
from clue_miner.types import CLUE_TYPES


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.tp + self.fn, "predicted": self.tp + self.fp}


@dataclass
class MineScores:
    n: int
    link_accuracy: float
    link_pairs: PRF
    per_type: dict[str, PRF] = field(default_factory=dict)
    micro: PRF = field(default_factory=PRF)
    category_accuracy: float | None = None
    offence_accuracy: float | None = None
    grouping: PRF = field(default_factory=PRF)

    @property
    def macro_f1(self) -> float:
        scored = [v.f1 for k, v in self.per_type.items() if v.tp + v.fn > 0]
        return sum(scored) / len(scored) if scored else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "complaints": self.n,
            "link_accuracy": round(self.link_accuracy, 4),
            "link_pairs": self.link_pairs.to_dict(),
            "clues": {k: v.to_dict() for k, v in self.per_type.items()},
            "clues_micro": self.micro.to_dict(),
            "clues_macro_f1": round(self.macro_f1, 4),
            "false_clues_per_100": round(100 * self.micro.fp / self.n, 2) if self.n else 0.0,
            "grouping_pairs": self.grouping.to_dict(),
            "category_accuracy": None if self.category_accuracy is None else round(self.category_accuracy, 4),
            "offence_accuracy": None if self.offence_accuracy is None else round(self.offence_accuracy, 4),
        }


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for g in groups:
        out.update(combinations(sorted(set(g)), 2))
    return out


def _gold_line(g: dict[str, Any]) -> dict[str, Any]:
    """One gold line in the generator's format (the e2e ``clue`` / ``offences`` fields mapped)."""
    if "clue_type" not in g and "clue" in g:
        g = {**g, "clue_type": None if g["clue"] in (None, "NONE") else g["clue"]}
    if "offence" not in g and g.get("offences"):
        from clue_miner.knowledge.taxonomy import load_taxonomy

        first = g["offences"][0]
        g = {**g, "offence": load_taxonomy().canonical(first) or first}
    return g


def score_mine(gold_path: str | Path, out_dir: str | Path) -> MineScores:
    gold = {str(g["id"]): _gold_line(g) for g in read_jsonl(gold_path)}
    out = Path(out_dir)
    matches = read_jsonl(out / "matches.jsonl")
    clues = read_jsonl(out / "clues.jsonl")
    extractions = {str(e["id"]): e for e in read_jsonl(out / "extractions.jsonl")}

    best: dict[str, tuple[float, str]] = {}
    pred_pairs: set[tuple[str, str]] = set()
    for m in matches:
        cid = str(m["complaint_id"])
        pred_pairs.add((cid, str(m["case_id"])))
        if cid not in best or m["score"] > best[cid][0]:
            best[cid] = (float(m["score"]), str(m["case_id"]))
    right = 0
    gold_pairs = {(k, str(g["case_id"])) for k, g in gold.items() if g.get("case_id")}
    for cid, g in gold.items():
        predicted = best.get(cid, (0.0, None))[1]
        if predicted == (str(g["case_id"]) if g.get("case_id") else None):
            right += 1
    pairs = PRF(len(pred_pairs & gold_pairs), len(pred_pairs - gold_pairs), len(gold_pairs - pred_pairs))

    predicted_type: dict[str, tuple[float, str]] = {}
    for c in clues:
        for cid in c["complaint_ids"]:
            cid = str(cid)
            if cid not in predicted_type or c["score"] > predicted_type[cid][0]:
                predicted_type[cid] = (float(c["score"]), c["clue_type"])
    per_type = {t: PRF() for t in CLUE_TYPES}
    micro = PRF()
    for cid, g in gold.items():
        gt = g.get("clue_type")
        pt = predicted_type.get(cid, (0.0, None))[1]
        if gt and pt == gt:
            per_type[gt].tp += 1
            micro.tp += 1
            continue
        if pt:
            per_type.setdefault(pt, PRF()).fp += 1
            micro.fp += 1
        if gt:
            per_type.setdefault(gt, PRF()).fn += 1
            micro.fn += 1

    gold_groups: dict[str, list[str]] = {}
    for cid, g in gold.items():
        if g.get("group") and g.get("clue_type"):
            gold_groups.setdefault(str(g["group"]), []).append(cid)
    gp = _pairs(gold_groups.values())
    pp = _pairs([[str(x) for x in c["complaint_ids"]] for c in clues])
    grouping = PRF(len(gp & pp), len(pp - gp), len(gp - pp))

    cat_right = sum(1 for cid, g in gold.items()
                    if g.get("category") and extractions.get(cid, {}).get("category", {}).get("label") == g["category"])
    cat_n = sum(1 for g in gold.values() if g.get("category"))
    off_right = off_n = 0
    for cid, g in gold.items():
        if not g.get("offence"):
            continue
        off_n += 1
        offs = extractions.get(cid, {}).get("offences") or []
        if offs and offs[0]["name"] == g["offence"]:
            off_right += 1
    return MineScores(
        n=len(gold),
        link_accuracy=right / len(gold) if gold else 0.0,
        link_pairs=pairs,
        per_type=per_type,
        micro=micro,
        category_accuracy=cat_right / cat_n if cat_n else None,
        offence_accuracy=off_right / off_n if off_n else None,
        grouping=grouping,
    )
