"""Run the generated SQL in an in-memory DuckDB connection."""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clue_miner.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from clue_miner.link.features import SideTables
    from clue_miner.link.sql import LinkSQL

logger = logging.getLogger(__name__)

# (complaint ids, case ids) -> {score column: value per pair} (NaN: not comparable), e.g.
# textsim.TextScorer; the columns are sql.PAIR_SCORES
PairScorer = Callable[["np.ndarray", "np.ndarray"], Mapping[str, "np.ndarray"]]

PREPARE_ROWS = 200_000  # records per range when a side's features are prepared in parts
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

    def register_pairs(self, name: str, cid: np.ndarray, kid: np.ndarray,
                       scores: Mapping[str, np.ndarray] | None = None, extra: pa.Table | None = None) -> None:
        """Register (cid, kid, ``PAIR_SCORES`` ...) as table ``name``: scores missing from
        ``scores`` and NaN values become NULL; ``extra`` columns (same rows) go in front."""
        import numpy as np
        import pyarrow as pa

        from clue_miner.link.sql import PAIR_SCORES

        columns: dict[str, Any] = {"cid": pa.array(np.asarray(cid, np.int32)), "kid": pa.array(np.asarray(kid, np.int32))}
        if extra is not None:
            columns.update({c: extra.column(c) for c in extra.column_names if c not in columns})
        for col in PAIR_SCORES:
            given = (scores or {}).get(col)
            values = np.full(len(cid), np.nan, np.float32) if given is None else np.asarray(given, np.float32)
            columns[col] = pa.array(values, mask=np.isnan(values))
        self.con.register(name, pa.table(columns))

    def score_pairs(self, plan: LinkSQL, scorer: PairScorer | None, chunk_pairs: int = 2_000_000) -> None:
        """Add the pair scores to ``pairs`` (NULL without a scorer), ``chunk_pairs`` at a time."""
        if scorer is None:
            self.execute(plan.null_scores)
            return
        create, insert, finish = plan.attach_scores
        self.execute(create)
        for lo, hi in self.chunks(chunk_pairs):
            pairs = self.con.sql("SELECT cid, kid, rules FROM pairs WHERE cid >= $lo AND cid < $hi",
                                 params={"lo": lo, "hi": hi}).to_arrow_table()
            cid, kid = pairs.column("cid").to_numpy(), pairs.column("kid").to_numpy()
            self.register_pairs("pair_scores", cid, kid, scorer(cid, kid), extra=pairs)
            self.execute(insert)
            self.con.unregister("pair_scores")
        for statement in finish:
            self.execute(statement)

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.sql(sql).fetchall()

    def prepare(self, plan: LinkSQL, rows: int | None = None) -> None:
        """``plan.prepare`` (``c_feat`` / ``k_feat``); a side of more than ``rows`` records a range
        of ``_id`` at a time: the list aggregations keep their state in memory and do not spill,
        so at 10^6 records under the default 512MB limit they ran out of memory in one go."""
        from clue_miner.link.sql import prepare_sql

        rows = rows or PREPARE_ROWS
        for side, statement in zip(("c", "k"), plan.prepare, strict=True):
            n, lo, hi = self.rows(f"SELECT count(*), min(_id), max(_id) FROM {side}_main")[0]
            if n <= rows:
                self.execute(statement)
                continue
            for start in range(int(lo), int(hi) + 1, rows):
                self.execute(prepare_sql(side, (start, start + rows), create=start == int(lo)))

    def run(self, plan: LinkSQL, chunk_pairs: int = 2_000_000, scorer: PairScorer | None = None) -> RunOutput:
        """Execute a plan: build pairs, read the blocking stats, add the pair scores (``scorer``),
        score the pairs chunk by chunk. Pair tables named by rules must be registered first."""
        import pyarrow as pa

        seconds: dict[str, float] = {}
        t0 = time.perf_counter()
        self.prepare(plan)
        t1 = time.perf_counter()
        for statement in (*plan.keys, plan.blocks, *plan.prune, *plan.derive, plan.pairs):
            self.execute(statement)
        block_stats = self.rows(plan.block_stats)
        pair_stats = self.rows(plan.pair_stats)[0]
        for statement in plan.cleanup:
            self.execute(statement)
        t_scores = time.perf_counter()
        self.score_pairs(plan, scorer, chunk_pairs)
        t2 = time.perf_counter()
        seconds["pair_scores"] = t2 - t_scores
        bounds = self.chunks(chunk_pairs)
        tables = [self.con.sql(plan.predict, params={"lo": lo, "hi": hi}).to_arrow_table() for lo, hi in bounds]
        t3 = time.perf_counter()
        seconds.update(prepare=t1 - t0, blocking=t_scores - t1, scoring=t3 - t2)
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
