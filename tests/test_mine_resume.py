"""``mine --resume``: a run killed part-way continues from the extraction chunks it finished and
writes byte-identical clues, matches and extractions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from clue_miner.io.chunks import WORK_DIR
from clue_miner.mine import mine

OUTPUTS = ("clues.jsonl", "matches.jsonl", "extractions.jsonl", "rejected.jsonl")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpora.generate import main as generate

    out = tmp_path_factory.mktemp("archive")
    generate(["--complaints", "800", "--cases", "600", "--seed", "17", "--out", str(out)])
    return out


def _as_of(archive: Path) -> str:
    return json.loads((archive / "manifest.json").read_text(encoding="utf-8"))["as_of"]


def test_killed_run_resumes_to_identical_output(archive: Path, tmp_path: Path) -> None:
    as_of = _as_of(archive)
    whole = tmp_path / "whole"
    mine(archive / "complaints.csv", archive / "cases.csv", whole, as_of=date.fromisoformat(as_of), workers=1,
         chunk_rows=50)
    assert not (whole / WORK_DIR).exists()  # a finished run leaves nothing to resume

    killed = tmp_path / "killed"
    cmd = [sys.executable, "-c", "from clue_miner.cli import main; main()", "mine",
           "--complaints", str(archive / "complaints.csv"), "--cases", str(archive / "cases.csv"),
           "--out", str(killed), "--as-of", as_of, "--workers", "1", "--chunk-rows", "50", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    chunk_dir = killed / WORK_DIR / "extract"
    deadline = time.time() + 240
    try:
        while time.time() < deadline and proc.poll() is None:
            if len(list(chunk_dir.glob("chunk-*.parquet"))) >= 3:
                break
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finished = sorted(chunk_dir.glob("chunk-*.parquet"))
    assert 3 <= len(finished) < 16, f"the run was not caught part-way ({len(finished)} chunks)"
    assert not (killed / "clues.jsonl").exists()

    result = mine(archive / "complaints.csv", archive / "cases.csv", killed, as_of=date.fromisoformat(as_of),
                  workers=1, chunk_rows=50, resume=True)
    assert result.summary["resumed_rows"] >= 150
    for name in OUTPUTS:
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
    assert not (killed / WORK_DIR).exists()


def test_resume_with_other_options_starts_afresh(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    from clue_miner.io.chunks import ExtractionChunks, file_fingerprint

    chunks = ExtractionChunks(out, 50)  # a killed run's work folder, made with another province
    assert chunks.open({"complaints": file_fingerprint(archive / "complaints.csv"), "province": "浙江"}, False) == 0
    (chunks.folder / "chunk-000000.parquet").write_bytes(b"not a chunk")
    result = mine(archive / "complaints.csv", archive / "cases.csv", out, as_of=date.fromisoformat(_as_of(archive)),
                  workers=1, chunk_rows=400, resume=True, ner_model="none")
    assert result.summary["resumed_rows"] == 0 and result.summary["rows_extracted"] == 800
