"""``run_parallel``: extraction on worker processes, order kept, the same result as one process."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from clue_miner.api import load
from clue_miner.extract.parallel import run_parallel
from clue_miner.io.spool import decode, encode

TEXTS = [
    "2024年3月5日我在万达广场被人偷了手机，价值5000元，报警后派出所一直没有立案。",
    "邻居张三经常在楼道堆放杂物，物业不管。",
    "我被网络刷单诈骗了3万元，对方微信号abc123，报警三个月没消息。",
    "",
    "李四酒后驾车撞伤行人，血液酒精含量120mg/100ml，交警只罚了款。",
]
ANCHORS = [datetime(2024, 6, 1), None, datetime(2024, 6, 2), None, datetime(2024, 6, 3)]
FACTORY = partial(load, ner_model="none", offence_model="rules", category_model="rules")


def test_run_parallel_workers_equal_one_process_with_and_without_encode() -> None:
    alone = list(run_parallel(FACTORY, TEXTS, ANCHORS, workers=1, chunk_size=2))
    assert [e.text for e in alone] == TEXTS
    pooled = list(run_parallel(FACTORY, TEXTS, ANCHORS, workers=2, chunk_size=2))
    assert pooled == alone  # texts re-attached in order
    records = list(run_parallel(FACTORY, TEXTS, ANCHORS, workers=2, chunk_size=2, encode=encode))
    assert all(isinstance(r, str) for r in records)
    assert records == [encode(e) for e in alone]
    assert [decode(r, t) for r, t in zip(records, TEXTS, strict=True)] == alone
    seen: list[int] = []
    assert list(run_parallel(FACTORY, TEXTS, ANCHORS, workers=1, chunk_size=2, encode=encode,
                             on_progress=seen.append)) == records
    assert seen == [2, 2, 1]


def test_run_parallel_workers_see_the_environment_of_the_call(monkeypatch) -> None:  # noqa: ANN001
    """Workers start from the forkserver, which keeps the environment it started with: each pool
    hands its workers the parent's environment of the moment (``CLUE_MINER_MODELS`` and the like
    set between two runs in one process count)."""
    import os

    list(run_parallel(FACTORY, TEXTS, ANCHORS, workers=2, chunk_size=2))  # the forkserver is up
    monkeypatch.setenv("CLUE_MINER_PROBE", "seen")
    probe = partial(os.getenv, "CLUE_MINER_PROBE")  # called in the worker: its value, else the extraction
    assert list(run_parallel(FACTORY, TEXTS, ANCHORS, workers=2, chunk_size=2, encode=probe)) == ["seen"] * 5
    monkeypatch.delenv("CLUE_MINER_PROBE")
    assert all(not isinstance(r, str) for r in run_parallel(FACTORY, TEXTS, ANCHORS, workers=2, chunk_size=2,
                                                            encode=probe))
