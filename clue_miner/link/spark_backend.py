"""Splink's blocking and scoring on Spark (the Spark engine's link stage).

The per-record work stays with ``DuckDBBackend`` on the driver: feature lists, blocking keys and
their caps, Splink's input tables (linear in the archive, prepared a range of records at a time).
The pairwise work, which grows with the pairs, runs on the Spark session: the two input tables
become Spark DataFrames (Arrow), Splink's Spark backend explodes the key lists, joins them into
candidate pairs and evaluates the comparisons (the same levels, transpiled to Spark SQL by
``splink_model.spark_sql``; Jaro-Winkler from Splink's Spark jar), and the pair's text cosine is a
pandas UDF over the text index, broadcast to the executors. Only the pairs at or above the
threshold come back; the per-complaint acceptance runs on them in DuckDB, as on one machine.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clue_miner.link.duckdb_backend import DuckDBBackend, RunOutput
    from clue_miner.link.splink_model import SplinkModel
    from clue_miner.link.sql import LinkSQL
    from clue_miner.link.textsim import TextScorer

logger = logging.getLogger(__name__)


def similarity_jar() -> str:
    """Splink's jar of Spark SQL similarity functions (jaro_winkler …) for ``spark.jars``."""
    from splink.internals.spark.jar_location import similarity_jar_location

    return similarity_jar_location()


def register_text_udf(spark: Any, scorer: TextScorer | None) -> Any:
    """``clue_text_sim(cid, kid)`` on ``spark``: the pair's cosine (NULL when a side has no
    text, always NULL without a scorer); the index travels to the executors once, broadcast.
    Returns the broadcast (None without a scorer) for the caller to destroy after the run."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    from clue_miner.link.splink_model import TEXT_SIM_FUNCTION

    index = spark.sparkContext.broadcast(scorer.index) if scorer is not None else None

    def text_sim(cid: pd.Series, kid: pd.Series) -> pd.Series:
        import numpy as np

        sim = np.full(len(cid), np.nan, np.float32)
        valid = (cid.notna() & kid.notna()).to_numpy()
        if index is not None and valid.any():
            sim[valid] = index.value.pair_sims(cid[valid].to_numpy(np.int64), kid[valid].to_numpy(np.int64))
        return pd.Series(sim).where(~np.isnan(sim), None)

    # pyspark reads the type hints to tell a Series -> Series UDF; this module's are strings
    text_sim.__annotations__ = {"cid": pd.Series, "kid": pd.Series, "return": pd.Series}
    spark.udf.register(TEXT_SIM_FUNCTION, pandas_udf(text_sim, "float"))
    return index


def run_on_spark(backend: DuckDBBackend, plan: LinkSQL, model: SplinkModel, threshold_weight: float,
                 spark: Any, scorer: TextScorer | None) -> RunOutput:
    """``DuckDBBackend.run`` with Splink's Spark backend doing the pairs (``backend`` must hold
    the loaded tables and the text evidence, ``register_text``)."""
    from splink import Linker, SparkAPI

    from clue_miner.link.duckdb_backend import RunOutput

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    backend.prepare(plan)
    t1 = time.perf_counter()
    block_stats, _ = backend.splink_inputs(plan, model)
    c_in, k_in = backend.query("SELECT * FROM c_in"), backend.query("SELECT * FROM k_in")
    backend.execute("DROP TABLE c_in")
    backend.execute("DROP TABLE k_in")
    index = register_text_udf(spark, scorer)
    db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
    run = uuid.uuid4().hex[:8]  # a session links several times (the incident pass): fresh names
    complaints = db_api.register(spark.createDataFrame(c_in), table_name=f"a_complaints_{run}")
    cases = db_api.register(spark.createDataFrame(k_in), table_name=f"b_cases_{run}")
    del c_in, k_in
    linker = Linker([complaints, cases], model.settings("spark"), log_level=None, validate_settings=False)
    pairs = linker.inference.compute_blocked_pairs_for_predict()
    pair_counts = {str(r["match_key"]): int(r["count"])
                   for r in pairs.as_spark_dataframe().groupBy("match_key").count().collect()}
    t3 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_weight=threshold_weight)
    cols = ["_id_l", "_id_r", "match_weight", "match_probability", "match_key"]
    cols += [f"{p}_{c.name}" for c in model.comparisons for p in ("gamma", "mw")]
    above = predictions.as_spark_dataframe().select(*cols).toArrow()
    predictions.drop_table_from_database_and_remove_from_cache()
    pairs.drop_table_from_database_and_remove_from_cache()
    for view in (complaints, cases):
        view.drop_table_from_database_and_remove_from_cache()
    if index is not None:
        index.destroy()
    backend.con.register("spark_predictions", above)
    matches = backend.query(plan.accept_from("spark_predictions"))
    backend.con.unregister("spark_predictions")
    t4 = time.perf_counter()
    seconds.update(prepare=t1 - t0, blocking=t3 - t1, scoring=t4 - t3)
    logger.info("spark link: %d candidate pairs, %d above the threshold", sum(pair_counts.values()), above.num_rows)
    return RunOutput(matches, seconds, block_stats, pair_counts, 1)
