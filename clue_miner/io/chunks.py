"""Extractions on disk in numbered chunks: what ``mine`` has finished, so that a killed run resumes.

``OUT/.work/`` holds ``run.json`` (what the chunks were made from: the complaint archive's size and
SHA-256, the options that change an extraction, the chunk size) and ``extract/chunk-NNNNNN.parquet``,
each the extractions of rows ``[N * rows, (N + 1) * rows)`` of the archive in the spool's lossless
format (:mod:`clue_miner.io.spool`). A chunk is written to a temporary name and renamed when
complete, so a chunk file on disk is always whole. ``--resume`` keeps the chunks of a run made from
the same archive with the same options and starts after the last one; anything else starts afresh.
The chunk boundaries depend only on the row numbers, so a resumed run writes exactly what an
uninterrupted one writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from clue_miner.types import Extraction

log = logging.getLogger(__name__)

WORK_DIR = ".work"
STATE_FILE = "run.json"
FORMAT = "clue_miner.chunks/1"


def file_fingerprint(path: str | Path) -> dict[str, Any]:
    """Size and SHA-256 of a file (read in 1 MiB blocks)."""
    h = hashlib.sha256()
    p = Path(path)
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"size": p.stat().st_size, "sha256": h.hexdigest()}


class ExtractionChunks:
    """The chunk folder of one ``mine`` output directory."""

    def __init__(self, out_dir: str | Path, rows_per_chunk: int) -> None:
        if rows_per_chunk < 1:
            raise ValueError("rows_per_chunk must be at least 1")
        self.work = Path(out_dir) / WORK_DIR
        self.folder = self.work / "extract"
        self.rows = rows_per_chunk

    def _path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:06d}.parquet"

    def open(self, state: Mapping[str, Any], resume: bool) -> int:
        """Prepare the folder; returns how many rows are already done (0 unless resuming the same run)."""
        state = {"format": FORMAT, "rows_per_chunk": self.rows, **state}
        state_path = self.work / STATE_FILE
        if resume and state_path.is_file():
            try:
                old = json.loads(state_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                old = None
            if old == json.loads(json.dumps(state)):
                done = 0
                while self._path(done).is_file():
                    done += 1
                for stray in self.folder.glob("*.tmp"):
                    stray.unlink()
                for later in self.folder.glob("chunk-*.parquet"):  # only a gapless prefix counts
                    if int(later.stem.split("-")[1]) >= done:
                        later.unlink()
                log.info("resuming: %d finished chunk(s), %d rows", done, done * self.rows)
                return done * self.rows
            log.warning("cannot resume: the archive or the options differ from the killed run; starting afresh")
        elif resume:
            log.warning("nothing to resume in %s; starting afresh", self.work)
        shutil.rmtree(self.work, ignore_errors=True)
        self.folder.mkdir(parents=True)
        state_path.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0

    def write(self, first_row: int, ids: Sequence[str], extractions: Sequence[Extraction | str]) -> Path:
        """Write the chunk that starts at ``first_row`` (a multiple of the chunk size); an
        extraction may come as its spool record (``clue_miner.io.spool.encode``)."""
        from clue_miner.io.spool import SpoolWriter

        if first_row % self.rows:
            raise ValueError(f"a chunk starts at a multiple of {self.rows}, not {first_row}")
        final = self._path(first_row // self.rows)
        tmp = final.with_suffix(".tmp")
        with SpoolWriter(tmp, row_group=max(len(ids), 1)) as spool:
            for cid, ext in zip(ids, extractions, strict=True):
                spool.write(cid, ext)
        os.replace(tmp, final)
        return final

    def write_all(self, first_row: int, items: Iterable[tuple[str, Extraction | str]],
                  on_chunk: Callable[[int], None] | None = None) -> int:
        """Write (complaint id, extraction) pairs from row ``first_row`` on, a chunk at a time;
        ``on_chunk(rows done)`` after each. Returns the row after the last one written."""
        ids: list[str] = []
        exts: list[Extraction | str] = []
        start = first_row

        def flush() -> None:
            nonlocal start, ids, exts
            self.write(start, ids, exts)
            start += len(ids)
            ids, exts = [], []
            if on_chunk is not None:
                on_chunk(start)

        for cid, ext in items:
            ids.append(cid)
            exts.append(ext)
            if len(ids) == self.rows:
                flush()
        if ids:
            flush()
        return start

    def paths(self) -> list[Path]:
        return sorted(self.folder.glob("chunk-*.parquet"))

    def read(self, texts: Iterable[tuple[str, str]]) -> Iterator[Extraction]:
        """Every chunk's extractions in order; ``texts`` gives (id, text) per row, in the same order."""
        from clue_miner.io.spool import read_spool

        source = iter(texts)
        for path in self.paths():
            with_texts = _take(source, _rows_in(path))
            yield from read_spool(path, with_texts)

    def close(self) -> None:
        """Remove the work folder (after a run that finished)."""
        shutil.rmtree(self.work, ignore_errors=True)


def _rows_in(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(str(path)).metadata.num_rows


def _take(source: Iterator[tuple[str, str]], n: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(n):
        item = next(source, None)
        if item is None:
            break
        out.append(item)
    return out
