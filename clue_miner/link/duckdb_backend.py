"""Run the generated SQL in an in-memory DuckDB connection."""

from __future__ import annotations

import logging
import re
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clue_miner.errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

    from clue_miner.link.features import SideTables
    from clue_miner.link.sql import LinkSQL

logger = logging.getLogger(__name__)

_MEMORY = re.compile(r"^\d+(?:\.\d+)?\s*(?:[KMGT]i?B|B)$", re.IGNORECASE)


class DuckDBBackend:
    """An in-memory DuckDB connection holding both sides' tables for one linking run.

    Use as a context manager; ``threads`` and ``memory_limit`` (e.g. "1GB") are DuckDB settings.
    Beyond the memory limit DuckDB spills to a private temporary directory, removed on close.
    """

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self._tmp = tempfile.TemporaryDirectory(prefix="clue_miner_link_")
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET temp_directory = '{self._tmp.name}'")
        if threads is not None:
            if int(threads) < 1:
                raise ConfigError("threads must be >= 1")
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            if not _MEMORY.match(memory_limit.strip()):
                raise ConfigError(f"memory_limit must look like '1GB', got {memory_limit!r}")
            self.con.execute(f"SET memory_limit = '{memory_limit.strip()}'")
        self.con.execute("SET preserve_insertion_order = false")

    def __enter__(self) -> DuckDBBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()
        self._tmp.cleanup()

    def load(self, complaints: SideTables, cases: SideTables) -> None:
        """Register the Arrow feature tables as c_main, c_items, c_names, k_main, k_items, k_names."""
        for prefix, tables in (("c", complaints), ("k", cases)):
            self.con.register(f"{prefix}_main", tables.main)
            self.con.register(f"{prefix}_items", tables.items)
            self.con.register(f"{prefix}_names", tables.names)

    def execute(self, statement: str) -> None:
        self.con.execute(statement)

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.sql(sql).fetchall()

    def run(self, plan: LinkSQL, chunk_pairs: int = 2_000_000) -> RunOutput:
        """Execute a plan: build pairs, read the blocking stats, score the pairs chunk by chunk."""
        import pyarrow as pa

        seconds: dict[str, float] = {}
        t0 = time.perf_counter()
        for statement in plan.prepare:
            self.execute(statement)
        t1 = time.perf_counter()
        for statement in (*plan.keys, plan.blocks, *plan.prune, *plan.derive, plan.pairs):
            self.execute(statement)
        block_stats = self.rows(plan.block_stats)
        pair_stats = self.rows(plan.pair_stats)[0]
        for statement in plan.cleanup:
            self.execute(statement)
        t2 = time.perf_counter()
        bounds = self.chunks(chunk_pairs)
        tables = [self.con.sql(plan.predict, params={"lo": lo, "hi": hi}).to_arrow_table() for lo, hi in bounds]
        t3 = time.perf_counter()
        seconds.update(prepare=t1 - t0, blocking=t2 - t1, scoring=t3 - t2)
        logger.debug("scored %d pairs in %d chunks", pair_stats[0], len(bounds))
        matches = pa.concat_tables(tables) if tables else None
        return RunOutput(matches, seconds, block_stats, pair_stats, len(bounds))

    def chunks(self, chunk_pairs: int) -> list[tuple[int, int]]:
        """[lo, hi) ranges of complaint ids holding about ``chunk_pairs`` candidate pairs each."""
        import numpy as np

        counts = self.con.sql("SELECT cid, count(*) AS n FROM pairs GROUP BY cid ORDER BY cid").fetchnumpy()
        if len(counts["cid"]) == 0:
            return []
        cids = np.asarray(counts["cid"], dtype=np.int64)
        cum = np.cumsum(np.asarray(counts["n"], dtype=np.int64))
        bounds: list[tuple[int, int]] = []
        lo, start = int(cids[0]), 0
        while start < len(cids):
            # last complaint whose cumulative count stays within this chunk's budget (at least one)
            budget = (cum[start - 1] if start else 0) + max(1, chunk_pairs)
            end = max(start + 1, int(np.searchsorted(cum, budget, side="right")))
            hi = int(cids[end]) if end < len(cids) else int(cids[-1]) + 1
            bounds.append((lo, hi))
            lo, start = hi, end
        return bounds


@dataclass(frozen=True)
class RunOutput:
    matches: pa.Table | None
    seconds: dict[str, float]
    block_stats: list[tuple[Any, ...]]
    pair_stats: tuple[Any, ...]
    chunks: int
