"""``mine --engine spark`` on Spark local[2]: the same clues, matches and extractions as the default
engine. Skipped with a reason when pyspark or Java is missing (CI installs the test extra, which
holds pyspark; Java 17 is on the machines)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from clue_miner.mine import mine

pytest.importorskip("pyspark", reason="pyspark not installed (pip install -e '.[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17) on the PATH", allow_module_level=True)


def test_spark_engine_gives_the_default_engines_output(tmp_path: Path) -> None:
    from corpora.generate import main as generate

    archive = tmp_path / "archive"
    generate(["--complaints", "240", "--cases", "200", "--seed", "23", "--out", str(archive)])
    as_of = date.fromisoformat(json.loads((archive / "manifest.json").read_text(encoding="utf-8"))["as_of"])
    local = mine(archive / "complaints.csv", archive / "cases.csv", tmp_path / "local", as_of=as_of, workers=1,
                 chunk_rows=64)
    spark = mine(archive / "complaints.csv", archive / "cases.csv", tmp_path / "spark", as_of=as_of,
                 engine="spark", spark_master="local[2]", partitions=3, chunk_rows=64)
    assert spark.summary["engine"] == "spark (local[2])" and local.summary["rows_extracted"] == 240
    for name in ("clues.jsonl", "matches.jsonl", "extractions.jsonl", "rejected.jsonl"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert not (tmp_path / "spark" / ".work").exists()
    from pyspark import SparkContext

    assert SparkContext._gateway is None  # the run's JVM is gone; a second run starts its own
    again = mine(archive / "complaints.csv", archive / "cases.csv", tmp_path / "again", as_of=as_of,
                 engine="spark", spark_master="local[1]", chunk_rows=500)
    assert (tmp_path / "again" / "clues.jsonl").read_bytes() == (tmp_path / "local" / "clues.jsonl").read_bytes()
    assert again.summary["engine"] == "spark (local[1])"


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    from clue_miner.errors import ConfigError

    with pytest.raises(ConfigError, match="engine"):
        mine(tmp_path / "c.csv", tmp_path / "k.csv", tmp_path / "out", engine="hadoop")
