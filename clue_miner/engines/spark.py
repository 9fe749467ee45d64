"""The Spark engine: ``mine --engine spark [--spark-master URL] [--partitions N]``.

The complaints (read and checked on the driver by the same readers as the local engine, so rejected
rows are the same) become a Spark DataFrame of (row index, text, received_at as ISO text); each
executor's Python worker builds the extraction pipeline once (models load lazily, once per
process) and runs it over Arrow batches in ``mapInPandas``; the results, encoded with the spool's
lossless codec, are written to Parquet from partitions that each hold a contiguous range of rows
in order, then read back in row order into the run's extraction chunks. The same session then
runs Splink's candidate pairs and scores (``clue_miner.link.spark_backend``; the per-record link
features are built on the driver). Chunks, clue rules and output files are the local engine's, so
the two engines give the same output.

Executors need clue_miner (and its models) installed in the Python that ``spark.pyspark.python``
names, and Splink's jar of similarity functions (``spark.jars``, set here; on a cluster pass it
to spark-submit); see the README's "Spark" section.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from clue_miner.io.chunks import ExtractionChunks
    from clue_miner.types import Complaint

log = logging.getLogger(__name__)

_PIPELINES: dict[tuple[Any, ...], Any] = {}  # one pipeline per executor Python worker and settings


def _pipeline(options: tuple[Any, ...]) -> Any:
    if options not in _PIPELINES:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
        from clue_miner.mine import _build_pipeline  # the local engine's workers build the same

        _PIPELINES[options] = _build_pipeline(*options)
    return _PIPELINES[options]


def extract_batches(options: tuple[Any, ...]) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The ``mapInPandas`` function: (idx, text, received_at) batches in, (idx, record) batches out."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from datetime import datetime

        import pandas as pd

        from clue_miner.io.spool import encode

        pipeline = _pipeline(options)
        for frame in batches:
            anchors = [datetime.fromisoformat(a) if isinstance(a, str) and a else None for a in frame["received_at"]]
            extractions = pipeline.pipe(frame["text"].tolist(), anchors)
            yield pd.DataFrame({"idx": frame["idx"].to_numpy(), "record": [encode(e) for e in extractions]})

    return run


def _shutdown_jvm() -> None:
    """End the local JVM that pyspark started for this run (spark.stop() leaves it running, holding
    most of a gigabyte through the link stage); a later session starts a new one."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:
        return
    proc = getattr(gateway, "proc", None)
    try:
        gateway.shutdown()
    finally:
        SparkContext._gateway = None
        SparkContext._jvm = None
        if proc is not None:
            proc.stdin.close() if proc.stdin else None
            try:
                proc.wait(timeout=30)
            except Exception:  # noqa: BLE001 - a JVM that does not end is killed
                proc.kill()


def spark_session(master: str | None, partitions: int | None) -> tuple[Any, bool]:
    """A session on ``master`` (default ``local[*]``) whose Python workers run this interpreter,
    and whether it was made here (an active session of the caller's is used as it is)."""
    import warnings

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pyspark.sql import SparkSession

    from clue_miner.link.spark_backend import similarity_jar

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    builder = (SparkSession.builder.appName("clue_miner mine")
               .master(master or "local[*]")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "256")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.executorEnv.OMP_NUM_THREADS", "1")
               .config("spark.jars", similarity_jar()))  # Splink's jaro_winkler & co. for the link
    local = (master or "local").startswith("local")
    if local:  # the workers are this machine's: this interpreter; the JVM holds Splink's joins
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = (builder.config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
                   .config("spark.driver.memory", os.environ.get("CLUE_MINER_SPARK_DRIVER_MEMORY", "4g")))
    if partitions or local:  # Splink's many small stages: 200 shuffle partitions cost more than they give
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions or 8))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session, True


def stop_session(spark: Any, made_here: bool) -> None:
    """Stop a session this run made and end its JVM (one the caller made is left alone)."""
    if made_here:
        spark.stop()
        _shutdown_jvm()


def extract_on_spark(rows: list[Complaint], done: int, chunks: ExtractionChunks, options: tuple[Any, ...],
                     bump: Callable[[int], None], spark: Any, *, partitions: int | None = None) -> None:
    """Extract ``rows[done:]`` on the session ``spark`` and write them, in row order, to ``chunks``."""
    import pandas as pd
    import pyarrow.parquet as pq

    from clue_miner.io.spool import decode

    todo = rows[done:]
    bump(done)
    if not todo:
        return
    t0 = time.perf_counter()
    n_parts = partitions or max(2, spark.sparkContext.defaultParallelism)
    frame = pd.DataFrame({"idx": range(done, len(rows)), "text": [c.text for c in todo],
                          "received_at": [c.received_at.isoformat() if c.received_at else None for c in todo]})
    # contiguous row ranges, sorted, before the extraction: mapInPandas keeps each partition's order,
    # so partition i's file holds range i in row order (range-partitioning the output instead would
    # run the extraction twice: once to sample the bounds)
    df = (spark.createDataFrame(frame, schema="idx long, text string, received_at string")
          .repartitionByRange(n_parts, "idx").sortWithinPartitions("idx"))
    out = df.mapInPandas(extract_batches(options), schema="idx long, record string")
    tmp = Path(tempfile.mkdtemp(prefix="spark_extract_", dir=chunks.work))
    try:
        out.write.mode("overwrite").parquet(str(tmp / "out"))
        log.info("spark extracted %d complaints in %.0f s on %s", len(todo), time.perf_counter() - t0,
                 spark.sparkContext.master)
        expected = done

        def in_order() -> Iterator[tuple[str, Any]]:
            nonlocal expected
            for part in sorted((tmp / "out").glob("part-*.parquet")):  # row ranges, in order
                for batch in pq.ParquetFile(str(part)).iter_batches(batch_size=2048):
                    for idx, record in zip(batch.column("idx").to_pylist(), batch.column("record").to_pylist(),
                                           strict=True):
                        if idx != expected:
                            raise RuntimeError(f"spark output out of order at row {idx} (expected {expected})")
                        expected += 1
                        yield rows[idx].id, decode(record, rows[idx].text)

        chunks.write_all(done, in_order(), on_chunk=bump)
        if expected != len(rows):
            raise RuntimeError(f"spark returned {expected - done} of {len(todo)} extractions")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
