"""JSON / JSON lines writers."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from clue_miner.io import JsonlWriter, write_json, write_jsonl
from clue_miner.types import Rejected


def test_io_writers_jsonl_roundtrip(tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    path = tmp_path / "deep" / "dir" / "out.jsonl"
    with JsonlWriter(path) as writer:
        writer.write({"id": "A1", "text": "中文不转义", "at": datetime(2024, 5, 12, 9, 32), "d": date(2024, 5, 12)})
        writer.write(Rejected("complaints", 3, None, "missing_text", "缺少内容"))
        writer.write({"n": np.int64(3), "f": np.float32(0.5), "arr": np.array([1, 2]), "nan": float("nan"),
                      "ts": pd.Timestamp("2024-05-12"), "nat": pd.NaT, "s": {"b", "a"}})
        assert writer.count == 3
    raw = path.read_text(encoding="utf-8")
    assert "中文不转义" in raw and raw.count("\n") == 3
    first, second, third = (json.loads(line) for line in raw.splitlines())
    assert first == {"id": "A1", "text": "中文不转义", "at": "2024-05-12T09:32:00", "d": "2024-05-12"}
    assert second["reason"] == "missing_text" and second["row"] == 3
    assert third == {"n": 3, "f": 0.5, "arr": [1, 2], "nan": None, "ts": "2024-05-12T00:00:00",
                     "nat": None, "s": ["a", "b"]}


def test_io_writers_write_jsonl_and_append(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    assert write_jsonl(path, [{"i": i} for i in range(3)]) == 3
    with JsonlWriter(path, append=True) as writer:
        writer.write_many([{"i": 3}])
    assert [json.loads(x)["i"] for x in path.read_text(encoding="utf-8").splitlines()] == [0, 1, 2, 3]


def test_io_writers_write_json(tmp_path: Path) -> None:
    path = tmp_path / "out" / "summary.json"
    write_json(path, {"rows_in": 2, "as_of": date(2024, 5, 12), "clues": {"UNFILED": 1}, "说明": "中文"})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("{\n  ") and "中文" in text and text.endswith("}\n")
    assert json.loads(text)["as_of"] == "2024-05-12"
    assert [p.name for p in path.parent.iterdir()] == ["summary.json"]
