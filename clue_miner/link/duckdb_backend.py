"""One linking run on DuckDB: our feature and key tables, then Splink (DuckDB backend) on the same
in-memory connection."""

from __future__ import annotations

import contextlib
import logging
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clue_miner.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    from clue_miner.link.features import SideTables
    from clue_miner.link.splink_model import SplinkModel
    from clue_miner.link.sql import LinkSQL
    from clue_miner.link.textsim import TextScorer

logger = logging.getLogger(__name__)

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

    def register_pairs(self, name: str, cid: np.ndarray, kid: np.ndarray) -> None:
        """Register (cid, kid) as table ``name`` (a pair-table rule's candidates)."""
        import numpy as np
        import pyarrow as pa

        self.con.register(name, pa.table({"cid": pa.array(np.asarray(cid, np.int32)),
                                          "kid": pa.array(np.asarray(kid, np.int32))}))

    def register_text(self, scorer: TextScorer | None, pair_table: str) -> int:
        """The text evidence: the nearest cases as ``pair_table``, the complaints' best and
        second-best cosines as ``c_text``, and ``clue_text_sim(cid, kid)`` (the pair's cosine,
        NULL when a side has no text; always NULL without a scorer). Returns the pairs listed."""
        import duckdb
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute  # noqa: F401  (pa.compute)

        from clue_miner.link.splink_model import TEXT_SIM_FUNCTION

        if scorer is None:
            empty = np.zeros(0, np.int32)
            self.register_pairs(pair_table, empty, empty)
            self.con.register("c_text", pa.table({"_id": pa.array(empty), "text_best": pa.array([], pa.float32()),
                                                  "text_second": pa.array([], pa.float32()),
                                                  "text_best_kid": pa.array(empty)}))
        else:
            near = scorer.neighbours
            self.register_pairs(pair_table, near.cid, near.kid)
            self.con.register("c_text", pa.table({
                "_id": pa.array(np.arange(len(near.best), dtype=np.int32)),
                "text_best": pa.array(np.asarray(near.best, np.float32)),
                "text_second": pa.array(np.asarray(near.second, np.float32)),
                "text_best_kid": pa.array(np.asarray(near.best_kid, np.int32))}))

        self.text_cache = _PairCosines(scorer)
        cache = self.text_cache

        # no annotations: DuckDB evaluates them, and pyarrow is imported locally
        def text_sim(cid, kid):  # noqa: ANN001, ANN202
            valid = np.asarray(pa.compute.and_(pa.compute.is_valid(cid), pa.compute.is_valid(kid)))
            sim = np.full(len(cid), np.nan, np.float32)
            if valid.any():
                c = np.asarray(cid.fill_null(0).to_numpy(zero_copy_only=False))[valid]
                k = np.asarray(kid.fill_null(0).to_numpy(zero_copy_only=False))[valid]
                sim[valid] = cache(c, k)
            return pa.array(sim, mask=np.isnan(sim))

        with contextlib.suppress(Exception):  # a second run on this connection replaces it
            self.con.remove_function(TEXT_SIM_FUNCTION)
        self.con.create_function(TEXT_SIM_FUNCTION, text_sim, [duckdb.sqltype("BIGINT")] * 2,
                                 duckdb.sqltype("FLOAT"), type="arrow", null_handling="special",
                                 side_effects=False)
        return 0 if scorer is None else len(scorer.neighbours.cid)

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.sql(sql).fetchall()

    def prepare(self, plan: LinkSQL, rows: int | None = None) -> None:
        """``plan.prepare`` (``c_feat`` / ``k_feat``); a side of more than ``rows`` records a range
        of ``_id`` at a time: the list aggregations keep their state in memory and do not spill,
        so at 10^6 records under a 512MB limit they ran out of memory in one go."""
        from clue_miner.link.sql import prepare_sql

        for side, statement in zip(("c", "k"), plan.prepare, strict=True):
            self._ranged(f"{side}_main", statement, lambda ids, create, side=side: prepare_sql(side, ids, create), rows)

    def _ranged(self, source: str, whole: str, part: Callable[[tuple[int, int], bool], str],
                rows: int | None = None) -> None:
        """Run ``whole``, or, when ``source`` holds more than ``rows`` records, ``part(ids, create)``
        for each range of ``_id`` (the first creating the table, the rest appending to it)."""
        rows = rows or PREPARE_ROWS
        n, lo, hi = self.rows(f"SELECT count(*), min(_id), max(_id) FROM {source}")[0]
        if n <= rows:
            self.execute(whole)
            return
        for start in range(int(lo), int(hi) + 1, rows):
            self.execute(part((start, start + rows), start == int(lo)))

    def linker(self, model: SplinkModel) -> Any:
        """A Splink ``Linker`` over ``c_in`` and ``k_in`` on this connection (complaints on the
        left: Splink orders the two inputs by name)."""
        from splink import DuckDBAPI, Linker

        db_api = DuckDBAPI(self.con)
        complaints = db_api.register("c_in", table_name="a_complaints")
        cases = db_api.register("k_in", table_name="b_cases")
        # our settings are generated and tested: validating them again costs ~0.5 s a run
        return Linker([complaints, cases], model.settings(), log_level=None, validate_settings=False)

    def splink_inputs(self, plan: LinkSQL, model: SplinkModel) -> tuple[list[tuple[Any, ...]], int]:
        """Key tables, caps, derived columns and Splink's inputs ``c_in`` / ``k_in`` (the features
        must be prepared); returns the blocking stats and the number of pairs the keys promise."""
        for statement in plan.blocking_statements():
            self.execute(statement)
        self._splink_inputs(plan)
        block_stats = self.rows(plan.block_stats)
        promised = sum(int(row[2] or 0) - int(row[4] or 0) for row in block_stats)
        for rule_id in model.pair_table_rules():
            promised += int(self.rows(f"SELECT coalesce(sum(len(bk_{rule_id})), 0) FROM c_in")[0][0])
        for statement in plan.cleanup:
            self.execute(statement)
        return block_stats, promised

    def _splink_inputs(self, plan: LinkSQL, rows: int | None = None) -> None:
        """``plan.splink_inputs``; a side of more than ``rows`` records a range of ``_id`` at a time
        (the per-record key lists are list aggregations, which do not spill)."""
        from clue_miner.link.sql import splink_input_sql

        for side, statement in zip(("c", "k"), plan.splink_inputs, strict=True):
            self._ranged(f"{side}_feat", statement,
                         lambda ids, create, side=side: splink_input_sql(side, plan.rules, ids, create), rows)

    def _prime_text(self, blocked_pairs: str) -> None:
        """Compute the text cosine of every candidate pair of Splink's blocked-pairs table at once
        (one sparse product) for ``clue_text_sim`` to look up: its levels would otherwise compute a
        pair's cosine once per level they test."""
        cache = getattr(self, "text_cache", None)
        if cache is None or cache.scorer is None:
            return
        try:
            from splink.internals.unique_id_concat import CONCAT_SEPARATOR
        except ImportError:  # pragma: no cover - Splink moved it: the function computes as it goes
            return
        ids = self.con.sql(
            f"SELECT CAST(split_part(join_key_l, '{CONCAT_SEPARATOR}', 2) AS INTEGER) AS cid, "
            f"CAST(split_part(join_key_r, '{CONCAT_SEPARATOR}', 2) AS INTEGER) AS kid FROM {blocked_pairs}"
        ).fetchnumpy()
        cache.prime(ids["cid"], ids["kid"])

    def run(self, plan: LinkSQL, model: SplinkModel, threshold_weight: float,
            chunk_pairs: int = 2_000_000) -> RunOutput:
        """Execute a plan: feature tables and key lists (ours), then Splink's blocking and
        prediction, a chunk of complaints at a time when the keys promise more than
        ``chunk_pairs`` pairs, and the accepted matches of each chunk. The text evidence
        (``register_text``) must be registered first."""
        import pyarrow as pa

        seconds: dict[str, float] = {}
        t0 = time.perf_counter()
        self.prepare(plan)
        t1 = time.perf_counter()
        block_stats, promised = self.splink_inputs(plan, model)
        t2 = time.perf_counter()
        linker = self.linker(model)
        n_chunks = max(1, -(-promised // max(1, chunk_pairs)))
        pair_counts: dict[str, int] = {}
        tables, blocking, scoring = [], 0.0, 0.0
        for i in range(1, n_chunks + 1):
            chunk = ((i, n_chunks), (1, 1))
            ta = time.perf_counter()
            pairs = linker.inference.compute_blocked_pairs_for_predict_chunk(*chunk)
            for key, n in self.rows(f"SELECT match_key, count(*) FROM {pairs.physical_name} GROUP BY match_key"):
                pair_counts[str(key)] = pair_counts.get(str(key), 0) + int(n)
            self._prime_text(pairs.physical_name)
            tb = time.perf_counter()
            predictions = linker.inference.predict_chunk(*chunk, threshold_match_weight=threshold_weight)
            tables.append(self.query(plan.accept_from(predictions.physical_name)))
            predictions.drop_table_from_database_and_remove_from_cache()
            pairs.drop_table_from_database_and_remove_from_cache()
            blocking += tb - ta
            scoring += time.perf_counter() - tb
        seconds.update(prepare=t1 - t0, blocking=t2 - t1 + blocking, scoring=scoring)
        # Splink's chunks split the complaints by a hash of their id: back to id order
        matches = pa.concat_tables(tables).sort_by([("cid", "ascending"), ("match_rank", "ascending")]) \
            if tables else None
        return RunOutput(matches, seconds, block_stats, pair_counts, n_chunks)


class _PairCosines:
    """The pairs' text cosines for ``clue_text_sim``: looked up among the pairs computed at once
    (``prime``), computed on the spot for any other pair (random pairs of u estimation)."""

    def __init__(self, scorer: TextScorer | None) -> None:
        import numpy as np

        self.scorer = scorer
        self.keys = np.zeros(0, np.uint64)
        self.values = np.zeros(0, np.float32)

    @staticmethod
    def _key(cid: np.ndarray, kid: np.ndarray) -> np.ndarray:
        import numpy as np

        return (np.asarray(cid, np.uint64) << np.uint64(32)) | np.asarray(kid, np.uint64)

    def prime(self, cid: np.ndarray, kid: np.ndarray) -> None:
        import numpy as np

        if self.scorer is None:
            return
        keys = np.sort(self._key(cid, kid))  # Splink's blocked pairs are distinct
        self.keys = keys
        self.values = self.scorer.index.pair_sims((keys >> np.uint64(32)).astype(np.int64),
                                                  (keys & np.uint64(0xFFFFFFFF)).astype(np.int64))

    def __call__(self, cid: np.ndarray, kid: np.ndarray) -> np.ndarray:
        import numpy as np

        out = np.full(len(cid), np.nan, np.float32)
        if self.scorer is None or len(cid) == 0:
            return out
        keys = self._key(cid, kid)
        pos = np.searchsorted(self.keys, keys)
        hit = pos < len(self.keys)
        hit[hit] = self.keys[pos[hit]] == keys[hit]
        out[hit] = self.values[pos[hit]]
        if not hit.all():
            out[~hit] = self.scorer.index.pair_sims(np.asarray(cid)[~hit], np.asarray(kid)[~hit])
        return out


@dataclass(frozen=True)
class RunOutput:
    matches: pa.Table | None
    seconds: dict[str, float]
    block_stats: list[tuple[Any, ...]]
    pair_counts: dict[str, int]  # candidate pairs per Splink match_key (each pair once, see LinkResult)
    chunks: int
