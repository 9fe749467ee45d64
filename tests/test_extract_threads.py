"""Extraction on several threads of one process: the same extractions as one thread, errors and
early stops handled, and the thread settings (``parallel.extraction_threads``, ``fine_switching``)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

import pytest
from test_parallel import TEXTS as PARALLEL_TEXTS

from clue_miner.api import load
from clue_miner.extract import parallel
from clue_miner.extract.ner.model import NerModel
from clue_miner.extract.parallel import extraction_threads, fine_switching
from clue_miner.types import Entity

TEXTS = [
    *PARALLEL_TEXTS,
    "2023年8月，王某某伙同刘某在成都市武侯区某小区内盗窃电动自行车两辆，价值共计人民币4800元。"
    "案发后，被害人陈某向成都市公安局武侯区分局报案，民警出警后称证据不足不予立案，至今没有下文。"
    "我多次到派出所询问，民警让我自己找监控，我认为公安机关应当立案而不立案，请检察院监督。",
    "赵六在菜市场持刀威胁摊主，抢走现金800元。",
] * 3
ANCHORS = [datetime(2024, 6, 1) if i % 2 else None for i in range(len(TEXTS))]


def test_extraction_threads_follow_the_argument_the_environment_then_the_cores(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv(parallel.THREADS_ENV, raising=False)
    assert extraction_threads(3) == 3
    assert extraction_threads(0) == 1
    assert extraction_threads(64) == parallel.MAX_EXTRACTION_THREADS
    assert extraction_threads() == min(parallel.default_workers(), parallel.MAX_EXTRACTION_THREADS)
    monkeypatch.setenv(parallel.THREADS_ENV, "1")
    assert extraction_threads() == 1
    assert extraction_threads(2) == 2  # the argument wins


def test_fine_switching_lowers_the_interval_and_the_last_user_restores_it() -> None:
    before = sys.getswitchinterval()
    with fine_switching():
        inside = sys.getswitchinterval()
        assert inside < before
        with fine_switching():
            assert sys.getswitchinterval() == inside
        assert sys.getswitchinterval() == inside  # an inner user leaving keeps it for the outer one
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError), fine_switching():
        raise RuntimeError("boom")
    assert sys.getswitchinterval() == before


def test_shared_setting_comes_back_however_users_interleave() -> None:
    value = ["before"]
    applied: list[str] = []

    def apply(v: str) -> Callable[[], None]:
        old = value[0]
        value[0] = v
        applied.append(v)
        return lambda: value.__setitem__(0, old)

    setting = parallel.SharedSetting(apply)
    a, b = setting.held("a"), setting.held("b")
    a.__enter__()
    b.__enter__()  # a second user while the first holds it: the first's value stays
    assert value == ["a"]
    a.__exit__(None, None, None)  # the first leaves before the second
    assert value == ["a"]
    b.__exit__(None, None, None)
    assert value == ["before"] and applied == ["a"]
    with pytest.raises(RuntimeError), setting.held("c"):
        raise RuntimeError("boom")
    assert value == ["before"]


_BLAS_CHECK = """
import threadpoolctl
from clue_miner.extract import parallel
ctl = parallel._blas_controller()
blas = ctl.select(user_api="blas")
def now():
    return sorted({c.num_threads for c in blas.lib_controllers})
if not blas.lib_controllers:
    print("no blas")
    raise SystemExit(0)
with ctl.limit(limits=2, user_api="blas"):
    before = now()
    first, second = parallel.blas_threads(1), parallel.blas_threads(1)
    first.__enter__()
    second.__enter__()
    inside = now()
    first.__exit__(None, None, None)
    between = now()
    second.__exit__(None, None, None)
    print(before, inside, between, now())
"""


def test_blas_threads_restored_after_overlapping_users() -> None:
    # in a process of its own: in the test process another thread (a service test's) may be
    # extracting, and so holding the setting, at the same moment
    import subprocess

    pytest.importorskip("threadpoolctl")
    done = subprocess.run([sys.executable, "-c", _BLAS_CHECK], capture_output=True, text=True, timeout=120,
                          check=True)
    if done.stdout.strip() == "no blas":
        pytest.skip("no BLAS library loaded")
    assert done.stdout.split("\n")[0] == "[2] [1] [1] [2]"


class _CountingNer:
    """A NER that tags every 李四 and records the thread it runs on; ``fail_on``: the call that raises."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.calls = 0
        self.threads: set[str] = set()
        self.fail_on = fail_on

    def predict(self, texts: Sequence[str]) -> list[list[Entity]]:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        if self.fail_on is not None and self.calls == self.fail_on:
            raise ValueError("the NER failed on this batch")
        return [[Entity("PERSON", t.index("李四"), t.index("李四") + 2, "李四", source="ner")] if "李四" in t else []
                for t in texts]


def _pipeline(ner: object, threads: int) -> object:
    pipe = load(ner_model="none", offence_model="rules", category_model="rules")
    pipe.ner = ner
    pipe.threads = threads
    return pipe


def test_threaded_pipe_gives_one_threads_extractions_with_the_ner_on_another_thread() -> None:
    one, two = _CountingNer(), _CountingNer()
    alone = list(_pipeline(one, 1).pipe(TEXTS, ANCHORS, batch_size=2))
    together = list(_pipeline(two, 2).pipe(TEXTS, ANCHORS, batch_size=2))
    assert together == alone
    assert [e.text for e in together] == TEXTS
    assert any(e.entities and e.entities[0].source == "ner" for e in together if "李四" in e.text)
    assert one.threads == {threading.current_thread().name}
    assert two.threads and threading.current_thread().name not in two.threads
    assert two.calls == one.calls == -(-len(TEXTS) // 2)


class _OverlapNer(_CountingNer):
    """Its first call waits (at most 10 s) for a second call to start: records the most calls seen at once."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.active = self.most = self.started = 0
        self.second = threading.Event()

    def predict(self, texts: Sequence[str]) -> list[list[Entity]]:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
            self.started += 1
            first = self.started == 1
            if not first:
                self.second.set()
        try:
            if first:
                self.second.wait(10)
            return super().predict(texts)
        finally:
            with self.lock:
                self.active -= 1


def test_threaded_pipe_runs_the_ner_of_two_batches_at_once() -> None:
    # a call's last encoder batch would otherwise run alone on the encoder pool (pipeline._NER_CALLS)
    ner = _OverlapNer()
    together = list(_pipeline(ner, 2).pipe(TEXTS, ANCHORS, batch_size=2))
    assert ner.most == 2
    assert together == list(_pipeline(_CountingNer(), 1).pipe(TEXTS, ANCHORS, batch_size=2))


def test_threaded_pipe_raises_the_ners_error_and_stops_early_without_hanging() -> None:
    pipe = _pipeline(_CountingNer(fail_on=3), 2)
    out = []
    with pytest.raises(ValueError, match="failed on this batch"):
        for ext in pipe.pipe(TEXTS, ANCHORS, batch_size=2):
            out.append(ext)
    assert len(out) == 4  # the two batches before the failing one
    ner = _CountingNer()
    stream = _pipeline(ner, 2).pipe(TEXTS, ANCHORS, batch_size=2)
    first = next(stream)
    stream.close()  # the read-ahead batches are dropped; nothing waits on them
    assert first.text == TEXTS[0]
    assert ner.calls <= 4


def test_threaded_pipe_rejects_a_bad_text_as_one_thread_does() -> None:
    from clue_miner.errors import InputError

    with pytest.raises(InputError, match="needs str"):
        list(_pipeline(_CountingNer(), 2).pipe(["ok", 3], batch_size=1))  # type: ignore[list-item]


def test_ner_encoder_pool_gives_one_threads_entities(shipped_ner: NerModel) -> None:
    """Small batches of pieces (``batch_chars``) make many encoder batches per call: on a pool of
    three threads they give the entities of one thread, text for text."""
    alone = NerModel(shipped_ner.path, batch_chars=200, encoder_threads=1)
    pooled = NerModel(shipped_ner.path, batch_chars=200, encoder_threads=3)
    texts = [t for t in TEXTS if t]
    expected = alone.predict(texts)
    assert any(expected)
    assert pooled.predict(texts) == expected
    assert pooled.with_profile("news").predict(texts) == alone.with_profile("news").predict(texts)
    made = pooled._pools._pools
    assert made and all(p._max_workers == 3 for p in made.values())


def test_default_pipeline_threaded_equals_one_thread(shipped_ner: NerModel) -> None:
    pipe = load()
    if pipe.ner is None:
        pytest.skip("the default pipeline has no NER")
    pipe.threads = 1
    pipe.ner.encoder_threads = 1
    alone = list(pipe.pipe(TEXTS, ANCHORS, batch_size=4))
    pipe.threads = 2
    pipe.ner.encoder_threads = 2
    assert list(pipe.pipe(TEXTS, ANCHORS, batch_size=4)) == alone


def test_mine_workers_run_on_one_thread_each_unless_told(monkeypatch) -> None:  # noqa: ANN001
    import os

    monkeypatch.delenv(parallel.THREADS_ENV, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", "1"))
    monkeypatch.setattr("threadpoolctl.threadpool_limits", lambda *a, **k: None)  # no process-wide BLAS change
    monkeypatch.setattr(parallel, "_WORKER_PIPELINE", None)
    env = dict(os.environ)  # what run_parallel hands its workers
    parallel._init_worker(dict, None, env)
    assert extraction_threads() == 1
    monkeypatch.setenv(parallel.THREADS_ENV, "2")
    parallel._init_worker(dict, None, dict(os.environ))
    assert extraction_threads() == 2


_FORKED: dict[str, object] = {}


def _extract_in_child() -> list[str]:
    pipe = _FORKED["pipe"]
    return [e.text for e in pipe.pipe(TEXTS[:6], batch_size=2)]  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_threaded_pipe_works_in_a_process_forked_after_it_ran() -> None:
    """A forked copy of a pipeline that has run threaded holds thread pools without threads: it
    makes its own instead of waiting on them forever (spaCy's ``n_process``, multiprocessing)."""
    import multiprocessing as mp

    pipe = _pipeline(_CountingNer(), 2)
    assert len(list(pipe.pipe(TEXTS[:6], batch_size=2))) == 6  # the NER thread exists here
    _FORKED["pipe"] = pipe
    try:
        with mp.get_context("fork").Pool(1) as pool:
            assert pool.apply_async(_extract_in_child).get(timeout=120) == TEXTS[:6]
    finally:
        _FORKED.clear()


def test_load_threads_reach_the_pipeline_and_the_ner(shipped_ner: NerModel) -> None:
    pipe = load(threads=1)
    assert pipe.threads == 1
    assert pipe.ner is not None and pipe.ner.encoder_threads == 1
    assert load().threads is None  # the environment or the cores decide
    assert load(ner_model="none", threads=3).threads == 3


def test_threaded_pipeline_shared_by_callers_on_several_threads() -> None:
    """A service calling one pipeline from several request threads: each gets its own texts' results."""
    from concurrent.futures import ThreadPoolExecutor

    before = sys.getswitchinterval()
    pipe = _pipeline(_CountingNer(), 2)
    expected = list(_pipeline(_CountingNer(), 1).pipe(TEXTS, ANCHORS, batch_size=2))
    with ThreadPoolExecutor(4) as callers:
        runs = [callers.submit(lambda: list(pipe.pipe(TEXTS, ANCHORS, batch_size=2))) for _ in range(4)]
        assert all(run.result(timeout=120) == expected for run in runs)
    assert sys.getswitchinterval() == before  # the last caller to finish restored it


def test_read_ahead_keeps_depth_calls_queued_in_order_and_cancels_the_rest_on_a_stop() -> None:
    from concurrent.futures import ThreadPoolExecutor

    started: list[int] = []
    gate = threading.Event()

    def call(i: int) -> int:
        started.append(i)
        gate.wait(5)
        return i * i

    with ThreadPoolExecutor(1) as pool:
        stream = parallel.read_ahead(pool, ((i, lambda i=i: call(i)) for i in range(6)), depth=2)
        tag, job = next(stream)  # three submitted: the one handed out and two ahead
        assert tag == 0
        gate.set()
        assert job.result() == 0
        stream.close()  # the two queued are cancelled or already done; nothing more is submitted
    assert set(started) <= {0, 1, 2}
    with ThreadPoolExecutor(2) as pool:
        assert [(t, j.result()) for t, j in parallel.read_ahead(pool, ((i, lambda i=i: i + 1) for i in range(5)), 1)] \
            == [(i, i + 1) for i in range(5)]
