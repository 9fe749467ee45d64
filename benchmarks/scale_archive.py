"""Archives of any size made from the independently written ones (``../shared/data/e2e_dev``).

    python benchmarks/scale_archive.py --data ../shared/data --n 100000 --out bench_out/e2e_100000

The two archives (120 complaints, 171 cases written by people who never saw this project) are
tiled: copy ``k`` of every complaint and case gets its own ids, its people renamed (each full
name on a case record keeps its surname and gets another given name, in the complaints too), its
phones, ID numbers (checksum recomputed) and plates changed, and every date moved back by the same
number of days (ISO dates, 2023年5月6日, 5月6号, 2023年5月), so that a copy links to its own cases
and the archive has the density of a real one (about N/6 years of incidents a day) rather than
N/120 identical stories on one day. Gold (``gold.jsonl``) carries each copy's case id, so link
accuracy can be scored at any size. Each copy holds as many cases as complaints: the 67 cases
the complaints are about and distractors taken in turn; clue types of copies whose dates moved across the stall
limit differ from the originals' and are not scored here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from corpora.synth.ids import id_check_char  # noqa: E402

ARCHIVES = ("beijing", "sichuan")
SPREAD_DAYS = 2190  # copies spread over six years before the originals' dates
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
          "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "斌", "宇", "浩", "凯", "秀兰", "鹏", "辉", "玲",
          "建国", "婷", "海燕", "欣", "晨", "志强", "雪", "琳", "子涵", "宏", "丹", "俊", "亮", "鑫", "飞")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)([\s-]?)(\d{4})([\s-]?)(\d{4})(?!\d)")
_ID = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3})[\dXx](?![\dA-Za-z])")
_PLATE = re.compile(r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z]·?)([A-Z0-9]{2})([A-Z0-9]{3,4})")
_FULL = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})([日号])")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_YM = re.compile(r"(\d{4})年(\d{1,2})月(?!\d)")
_MD = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})([日号])")
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _h(*parts: object) -> int:
    return int(hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).hexdigest(), 16)


def _safe_day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


class Copy:
    """The rewrites of copy ``k`` (k = 0 is the original, unchanged)."""

    def __init__(self, k: int, names: list[str]) -> None:
        self.k = k
        self.shift = timedelta(days=-(_h("days", k) % SPREAD_DAYS)) if k else timedelta(0)
        self.names = {} if not k else {n: n[0] + _GIVEN[_h("name", n, k) % len(_GIVEN)] for n in names}
        self._names_re = re.compile("|".join(map(re.escape, sorted(self.names, key=len, reverse=True)))) \
            if self.names else None

    def _date(self, y: int, m: int, d: int) -> date | None:
        day = _safe_day(y, m, d)
        return day + self.shift if day else None

    def text(self, text: str, year: int) -> str:
        if not self.k:
            return text
        if self._names_re is not None:
            text = self._names_re.sub(lambda m: self.names[m.group()], text)
        text = _MOBILE.sub(self._mobile, text)
        text = _ID.sub(self._id, text)
        text = _PLATE.sub(lambda m: m.group(1) + m.group(2) + self._alnum(m.group(3)), text)
        text = _FULL.sub(lambda m: self._sub(m, lambda d: f"{d.year}年{d.month}月{d.day}{m.group(4)}"), text)
        text = _ISO.sub(lambda m: self._sub(m, lambda d: d.isoformat()), text)
        text = _YM.sub(self._ym, text)
        return _MD.sub(lambda m: self._md(m, year), text)

    def _sub(self, m: re.Match[str], fmt: Callable[[date], str]) -> str:
        day = self._date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return fmt(day) if day else m.group()

    def _ym(self, m: re.Match[str]) -> str:
        day = self._date(int(m.group(1)), int(m.group(2)), 15)
        return f"{day.year}年{day.month}月" if day else m.group()

    def _md(self, m: re.Match[str], year: int) -> str:
        day = self._date(year, int(m.group(1)), int(m.group(2)))
        return f"{day.month}月{day.day}{m.group(3)}" if day else m.group()

    def _mobile(self, m: re.Match[str]) -> str:
        tail = f"{(int(m.group(5)) + _h('tel', m.group(1), m.group(3), self.k)) % 10000:04d}"
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(4)}{tail}"

    def _id(self, m: re.Match[str]) -> str:
        body = m.group(1) + m.group(2) + f"{(int(m.group(3)) + self.k) % 1000:03d}"
        return body + id_check_char(body)

    def _alnum(self, tail: str) -> str:
        return "".join(_ALNUM[(_ALNUM.index(ch) + _h("plate", tail, self.k)) % len(_ALNUM)] if ch in _ALNUM else ch
                       for ch in tail)

    def iso(self, value: str | None) -> str | None:
        if not value or not self.k:
            return value
        day = date.fromisoformat(str(value)[:10]) + self.shift
        return day.isoformat() + str(value)[10:]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _year(value: str | None) -> int:
    return int(str(value)[:4]) if value else 2024


def _cases_of_copy(cases: list[dict[str, Any]], gold: dict[str, dict[str, Any]], size: int, k: int
                   ) -> list[dict[str, Any]]:
    """As many cases as complaints: every case a complaint is about, and distractors taken in
    turn (a different subset in each copy)."""
    linked = {g["case_id"] for g in gold.values() if g.get("case_id")}
    others = [c for c in cases if c["case_id"] not in linked]
    room = max(0, size - len(linked))
    start = (k * room) % len(others) if others else 0
    chosen = {c["case_id"] for c in (others[start:] + others[:start])[:room]}
    return [c for c in cases if c["case_id"] in linked or c["case_id"] in chosen]


def build(data: Path, n: int, out: Path) -> dict[str, Any]:
    """Write ``complaints.jsonl``, ``cases.jsonl`` and ``gold.jsonl`` of ``n`` complaints (and the
    cases of as many copies) under ``out``; returns the manifest."""
    sources = []
    for name in ARCHIVES:
        folder = data / "e2e_dev" / name
        sources.append((name, _jsonl(folder / "complaints.jsonl"), _jsonl(folder / "cases.jsonl"),
                        {g["id"]: g for g in _jsonl(folder / "gold.jsonl")}))
    per_copy = sum(len(s[1]) for s in sources)
    names = sorted({p for _, _, cases, _ in sources for c in cases for f in ("suspects", "victims")
                    for p in str(c.get(f) or "").split(";") if 2 <= len(p.strip()) <= 4}, key=len, reverse=True)
    out.mkdir(parents=True, exist_ok=True)
    written = cases_written = 0
    k = 0
    with (out / "complaints.jsonl").open("w", encoding="utf-8") as fc, \
            (out / "cases.jsonl").open("w", encoding="utf-8") as fk, \
            (out / "gold.jsonl").open("w", encoding="utf-8") as fg:
        while written < n:
            cp = Copy(k, names)
            for _, complaints, cases, gold in sources:
                for case in _cases_of_copy(cases, gold, len(complaints), k):
                    row = dict(case)
                    row["case_id"] = f"{case['case_id']}-{k}"
                    for f in ("accepted_at", "filed_at", "status_at"):
                        row[f] = cp.iso(case.get(f))
                    year = _year(case.get("accepted_at"))
                    for f in ("suspects", "victims", "suspect_phones", "victim_phones", "suspect_ids", "summary",
                              "location"):
                        if row.get(f):
                            row[f] = cp.text(str(row[f]), year)
                    fk.write(json.dumps(row, ensure_ascii=False) + "\n")
                    cases_written += 1
                for comp in complaints:
                    if written >= n:
                        break
                    row = {**comp, "id": f"{comp['id']}-{k}", "received_at": cp.iso(comp.get("received_at")),
                           "text": cp.text(comp["text"], _year(comp.get("received_at")))}
                    fc.write(json.dumps(row, ensure_ascii=False) + "\n")
                    g = dict(gold[comp["id"]])
                    g["id"] = row["id"]
                    g["case_id"] = f"{g['case_id']}-{k}" if g.get("case_id") else None
                    fg.write(json.dumps(g, ensure_ascii=False) + "\n")
                    written += 1
            k += 1
    manifest = {"complaints": written, "cases": cases_written, "copies": k, "per_copy": per_copy,
                "as_of": "2024-06-30", "source": "e2e_dev (" + ", ".join(ARCHIVES) + ")"}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--n", type=int, required=True, help="complaints")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    print(json.dumps(build(args.data, args.n, args.out), ensure_ascii=False))


if __name__ == "__main__":
    main()
