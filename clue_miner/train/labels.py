"""The labelled-text format for fine-tuning: JSONL, one labelled text a line.

    {"id": "GD2024000123", "text": "我在网上刷单被骗了五万元……", "labels": ["诈骗"], "split": "train"}

- ``text`` (required): the text as given (a complaint, a case fact).
- ``labels`` (required): one label (a string) or several (a list). ``[]`` or ``"none"`` says that
  no label applies (a complaint that describes no offence, a clue that was rejected).
  Per task:

  - ``offence``: charge or administrative-cause names, canonicalised through the taxonomy
    (``诈骗罪``, ``电信诈骗`` -> ``诈骗``; ``[走私、贩卖、运输、制造]毒品`` -> its canonical form);
  - ``clue``: clue types (``UNFILED`` … or 有案不立 …); ``none`` for not a clue;
  - ``category``: exactly one of ``crime``, ``administrative``, ``civil``, ``civic``.
- ``id`` (optional): unique string; ``row<N>`` when absent.
- ``split`` (optional): ``train``, ``dev`` or ``test``. Rows without one get a seeded split
  (``dev_fraction`` of them to dev, chosen by a hash of the seed and the id: stable when rows are
  added). ``test`` rows are never trained on or tuned on: they are only scored at the end.

A row that breaks these rules is reported with its line number; ``read_labelled_file`` raises an
``InputError`` (code ``bad_labels``) listing the problems unless ``skip_bad`` is set, in which case
the bad rows are returned apart (never dropped silently).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clue_miner.errors import InputError

__all__ = [
    "SPLITS", "TASKS", "LabelledRow", "LabelledSet", "Problem", "assign_split", "canonical_labels",
    "read_labelled_file", "write_labelled",
]

TASKS = ("offence", "clue", "category")
SPLITS = ("train", "dev", "test")
NONE = {"none", "无", "否", "null", ""}
MAX_SHOWN = 10


@dataclass(frozen=True, slots=True)
class LabelledRow:
    id: str
    text: str
    labels: tuple[str, ...]
    split: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "labels": list(self.labels), "split": self.split}


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    reason: str  # short English code
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "message": self.message}


@dataclass
class LabelledSet:
    task: str
    rows: list[LabelledRow]
    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    def split(self, name: str) -> list[LabelledRow]:
        return [r for r in self.rows if r.split == name]

    @property
    def label_counts(self) -> Counter[str]:
        return Counter(label for r in self.rows if r.split == "train" for label in r.labels)

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source, "task": self.task, "rows": len(self.rows), "bad_rows": len(self.problems),
            "splits": {s: len(self.split(s)) for s in SPLITS},
            "no_label_rows": sum(1 for r in self.rows if not r.labels),
            "labels": len(self.label_counts),
        }


def _label_space(task: str) -> tuple[dict[str, str], bool]:
    """(written form -> label, single-label?) for the closed tasks; offence uses the taxonomy."""
    from clue_miner.types import CATEGORY_LABELS, CLUE_TYPE_ZH, CLUE_TYPES

    if task == "clue":
        forms = {t: t for t in CLUE_TYPES} | {t.lower(): t for t in CLUE_TYPES} | {zh: t for t, zh in CLUE_TYPE_ZH.items()}
        return forms, False
    if task == "category":
        zh = {"刑事": "crime", "犯罪": "crime", "治安": "administrative", "行政": "administrative",
              "民事": "civil", "民生": "civic", "其他": "civic"}
        return {c: c for c in CATEGORY_LABELS} | zh, True
    return {}, False


def canonical_labels(task: str, value: Any) -> tuple[tuple[str, ...], str | None]:
    """(canonical labels, error message or None) for a ``labels`` value of ``task``."""
    if task not in TASKS:
        raise InputError(f"unknown task {task!r}: use one of {', '.join(TASKS)}", code="bad_task")
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        return (), f"`labels` must be a string or a list of strings, got {json.dumps(value, ensure_ascii=False)[:60]}"
    items = [v.strip() for v in items if v.strip().lower() not in NONE]
    out: list[str] = []
    if task == "offence":
        from clue_miner.knowledge.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
        for v in items:
            name = taxonomy.canonical(v)
            if name is None:
                return (), f"unknown offence {v!r}: not a charge or administrative cause of the taxonomy"
            out.append(name)
    else:
        forms, single = _label_space(task)
        for v in items:
            name = forms.get(v) or forms.get(v.lower())
            if name is None:
                return (), f"unknown {task} label {v!r}: use one of {', '.join(sorted(set(forms.values())))}"
            out.append(name)
        if single and len(set(out)) != 1:
            return (), f"a {task} row needs exactly one label, got {len(set(out))}"
    return tuple(dict.fromkeys(out)), None


def assign_split(row_id: str, seed: int, dev_fraction: float) -> str:
    """``dev`` for a stable, seeded ``dev_fraction`` of ids, else ``train``."""
    digest = hashlib.sha1(f"{seed}:{row_id}".encode()).digest()
    return "dev" if int.from_bytes(digest[:8], "big") / 2**64 < dev_fraction else "train"


def parse_rows(lines: Iterable[str], task: str, seed: int = 13, dev_fraction: float = 0.1,
               source: str = "") -> LabelledSet:
    """Validate labelled JSONL lines; every bad line becomes a ``Problem``."""
    rows: list[LabelledRow] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    canonical_labels(task, [])  # checks the task name
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(Problem(n, "malformed_json", f"not JSON ({err.msg})"))
            continue
        if not isinstance(raw, dict):
            problems.append(Problem(n, "malformed_json", "a line must be a JSON object"))
            continue
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(n, "missing_text", "`text` is missing or empty"))
            continue
        if "labels" not in raw:
            problems.append(Problem(n, "missing_labels", "`labels` is missing (use [] or \"none\" for no label)"))
            continue
        labels, error = canonical_labels(task, raw["labels"])
        if error:
            problems.append(Problem(n, "bad_label", error))
            continue
        row_id = raw.get("id")
        row_id = f"row{n}" if row_id is None or row_id == "" else str(row_id)
        if row_id in seen:
            problems.append(Problem(n, "duplicate_id", f"id {row_id!r} appears twice"))
            continue
        split = raw.get("split")
        if split in (None, ""):
            split = assign_split(row_id, seed, dev_fraction)
        elif split not in SPLITS:
            problems.append(Problem(n, "bad_split", f"`split` must be one of {', '.join(SPLITS)}, got {split!r}"))
            continue
        seen.add(row_id)
        rows.append(LabelledRow(row_id, text, labels, str(split)))
    return LabelledSet(task, rows, problems, source)


def read_labelled_file(path: str | Path, task: str, *, seed: int = 13, dev_fraction: float = 0.1,
                       skip_bad: bool = False, require_train: bool = True) -> LabelledSet:
    """Read and validate a labelled JSONL file (see the module docstring)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"labelled data not found: {p}", code="missing_file")
    try:
        with p.open(encoding="utf-8-sig") as fh:
            data = parse_rows(fh, task, seed, dev_fraction, source=str(p))
    except UnicodeDecodeError as err:
        raise InputError(f"{p}: not UTF-8 text (a labelled file is UTF-8 JSONL)", code="bad_encoding") from err
    if data.problems and not skip_bad:
        shown = "\n".join(f"  line {q.line}: [{q.reason}] {q.message}" for q in data.problems[:MAX_SHOWN])
        more = f"\n  … and {len(data.problems) - MAX_SHOWN} more" if len(data.problems) > MAX_SHOWN else ""
        raise InputError(f"{p}: {len(data.problems)} bad row(s) of {len(data.problems) + len(data.rows)} "
                         f"for task {task!r}:\n{shown}{more}", code="bad_labels")
    if require_train:
        _check_trainable(data, p)
    return data


def _check_trainable(data: LabelledSet, path: Path) -> None:
    train = data.split("train")
    if not train:
        raise InputError(f"{path}: no rows in the train split ({len(data.rows)} usable rows)", code="bad_labels")
    if not data.split("dev"):
        raise InputError(f"{path}: no rows in the dev split; mark some rows \"split\": \"dev\" or leave `split` "
                         "out so that a seeded share goes to dev", code="bad_labels")
    if not data.label_counts:
        raise InputError(f"{path}: the train split has no labels at all: nothing to learn", code="bad_labels")


def write_labelled(rows: Sequence[LabelledRow], path: str | Path) -> int:
    """Write rows as labelled JSONL; returns the count."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    return len(rows)
