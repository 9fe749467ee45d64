"""The CLI writes every format, byte-identically for a seed, readable by pandas; Chinese headers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # corpora/ is not an installed package; plain `pytest` does not add the repo root
    sys.path.insert(0, _ROOT)

from corpora.generate import generate, main  # noqa: E402
from corpora.writers import CASE_COLUMNS, COMPLAINT_COLUMNS, ZH_HEADERS  # noqa: E402


def _read(path, fmt, encoding="utf-8"):
    if fmt == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    if fmt == "jsonl":
        return pd.read_json(path, lines=True, dtype=False, encoding=encoding)
    if fmt == "parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path, dtype=str).fillna("")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_corpora_formats_written_and_readable(tmp_path, fmt):
    out = tmp_path / fmt
    assert main(["--complaints", "60", "--cases", "50", "--seed", "3", "--out", str(out), "--format", fmt]) == 0
    cdf, kdf, gold, _ = generate(60, 50, 3, "2025-06-30")
    complaints = _read(out / f"complaints.{fmt}", fmt)
    cases = _read(out / f"cases.{fmt}", fmt)
    assert list(complaints.columns) == list(COMPLAINT_COLUMNS)
    assert list(cases.columns) == list(CASE_COLUMNS)
    assert complaints["id"].astype(str).tolist() == cdf["id"].tolist()
    assert complaints["text"].tolist() == cdf["text"].tolist()
    assert cases["case_id"].astype(str).tolist() == kdf["case_id"].tolist()
    amounts = pd.to_numeric(cases["amount"].replace("", None), errors="coerce")
    assert amounts.fillna(-1).astype(int).tolist() == kdf["amount"].fillna(-1).astype(int).tolist()
    lines = (out / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == gold
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == fmt and manifest["counts"]["complaints"] == 60


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_corpora_formats_same_bytes(tmp_path, fmt):
    for name in ("a", "b"):
        main(["--complaints", "40", "--cases", "30", "--seed", "5", "--out", str(tmp_path / name), "--format", fmt])
    for f in (f"complaints.{fmt}", f"cases.{fmt}", "gold.jsonl", "manifest.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


@pytest.mark.parametrize("seed", [6, 7])
def test_corpora_formats_chinese_headers_gb18030(tmp_path, seed):
    out = tmp_path / "zh"
    main(["--complaints", "30", "--cases", "25", "--seed", str(seed), "--out", str(out), "--chinese-headers",
          "--encoding", "gb18030"])
    raw = (out / "complaints.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    headers = ZH_HEADERS[seed % len(ZH_HEADERS)]
    complaints = pd.read_csv(out / "complaints.csv", encoding="gb18030", dtype=str, keep_default_na=False)
    cases = pd.read_csv(out / "cases.csv", encoding="gb18030", dtype=str, keep_default_na=False)
    assert list(complaints.columns) == [headers[c] for c in COMPLAINT_COLUMNS]
    assert list(cases.columns) == [headers[c] for c in CASE_COLUMNS]
    cdf, _, _, _ = generate(30, 25, seed, "2025-06-30")
    assert complaints[headers["text"]].tolist() == cdf["text"].tolist()


def test_corpora_formats_shipped_demo_matches_generator():
    demo = Path(__file__).resolve().parent.parent / "corpora" / "demo"
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    cdf, kdf, gold, m = generate(manifest["counts"]["complaints"], manifest["counts"]["cases"], manifest["seed"],
                                 manifest["as_of"])
    shipped = pd.read_csv(demo / "complaints.csv", dtype=str, keep_default_na=False)
    assert shipped["text"].tolist() == cdf["text"].tolist()
    assert manifest["labels"] == m["labels"]
    zh = Path(__file__).resolve().parent.parent / "corpora" / "demo_zh"
    assert (zh / "manifest.json").exists()
