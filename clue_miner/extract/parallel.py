"""Run the extraction pipeline over many texts on several processes, order kept.

Each worker builds its pipeline once (models load lazily, once per process). Texts travel to the
workers in chunks; results come back without their text (the parent re-attaches it), which
halves what crosses the process boundary — or, with ``encode``, as what the caller stores (``mine``:
the spool's JSON records), made in the workers, so the parent only writes them.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from clue_miner.types import Extraction

log = logging.getLogger(__name__)

_WORKER_PIPELINE: Any = None
_WORKER_ENCODE: Callable[[Extraction], Any] | None = None
THREADS_ENV = "CLUE_MINER_THREADS"


def inference_threads(threads: int | None = None) -> int:
    """Threads one process may use for model inference: ``threads``, else ``$CLUE_MINER_THREADS``, else 1
    (``mine --workers`` sets the processes; each stays on one core unless told otherwise)."""
    return max(1, int(threads or os.environ.get(THREADS_ENV) or 1))


MAX_EXTRACTION_THREADS = 4
_SWITCH = 5e-5  # seconds: CPython's GIL hand-over interval while extraction runs on several threads


class SharedSetting:
    """A process-wide setting that its first user applies and its last user undoes: nested and
    concurrent users (the pipeline's NER calls on two threads, a service's callers) share it, and the
    value from before comes back however their entries and exits interleave (a setting that each
    user saved and restored on its own would be left at a user's value by an early leaver).
    ``apply(value)`` sets it and returns the function that undoes it; the first user's value holds
    until the last one leaves."""

    def __init__(self, apply: Callable[[Any], Callable[[], None]]) -> None:
        self._apply = apply
        self._lock = threading.Lock()
        self._users = 0
        self._undo: Callable[[], None] | None = None

    @contextmanager
    def held(self, value: Any = None) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._undo = self._apply(value)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and self._undo is not None:
                    undo, self._undo = self._undo, None
                    undo()


def _switch_interval(_: Any) -> Callable[[], None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(_SWITCH, before))
    return lambda: sys.setswitchinterval(before)


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    """threadpoolctl's view of the loaded libraries, made once (it lists every loaded library)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _blas_threads(threads: int) -> Callable[[], None]:
    limiter = _blas_controller().limit(limits=threads, user_api="blas")
    return limiter.restore_original_limits


_SWITCHING = SharedSetting(_switch_interval)
_BLAS = SharedSetting(_blas_threads)


def blas_threads(threads: int) -> Any:
    """A context in which the BLAS libraries (numpy's OpenBLAS …) run on ``threads`` threads, the
    previous counts restored when the last concurrent user leaves (:class:`SharedSetting`)."""
    return _BLAS.held(threads)


def extraction_threads(threads: int | None = None) -> int:
    """Threads one process's extraction may keep busy at once (the pipeline's NER beside its other
    passes, the NER encoder's rows on several threads): ``threads``, else ``$CLUE_MINER_THREADS``,
    else the usable cores, at most :data:`MAX_EXTRACTION_THREADS`. 1: everything on the calling
    thread. ``mine --workers N`` sets 1 in each worker process (the processes share the cores)."""
    if threads is None and os.environ.get(THREADS_ENV):
        threads = int(os.environ[THREADS_ENV])
    if threads is None:
        threads = default_workers()
    return max(1, min(int(threads), MAX_EXTRACTION_THREADS))


def fine_switching() -> Any:
    """While extraction runs on several threads, CPython hands the GIL over every 0.05 ms instead of
    its default 5 ms: the threads that come back from onnxruntime or a compiled kernel get it soon
    instead of queueing behind the Python passes. 3,000 board messages on 2 threads: 11.7 s at
    0.05 ms, 11.8 at 0.1, 12.3 at 0.5, 12.9 at 1 ms (one thread: 19.4 s); with the default 5 ms a
    first version (the NER beside the other passes, no encoder pool) took 20.9 s, slower than one
    thread. Process-wide: nested and concurrent users share one setting (:class:`SharedSetting`),
    and the last to leave restores the one before."""
    return _SWITCHING.held()


_T = TypeVar("_T")
_R = TypeVar("_R")


class ThreadPools:
    """Thread pools made on first use and kept (an ``extract()`` call would otherwise pay for
    starting threads), one per size and name and per process: a copy forked after they ran (spaCy's
    ``n_process``, a multiprocessing pool) has pools without threads, and makes its own."""

    def __init__(self) -> None:
        self._pools: dict[tuple[int, int, str], Any] = {}
        self._lock = threading.Lock()  # callers on several threads (a web service) share one pool

    def get(self, threads: int, name: str) -> Any:
        from concurrent.futures import ThreadPoolExecutor

        key = (os.getpid(), threads, name)
        with self._lock:
            if key not in self._pools:
                self._pools[key] = ThreadPoolExecutor(threads, thread_name_prefix=name)
            return self._pools[key]


def read_ahead(pool: Any, jobs: Iterable[tuple[_T, Callable[[], _R]]], depth: int) -> Iterator[tuple[_T, Any]]:
    """Each job's tag and the future of its call on ``pool``, in order, with ``depth`` more calls
    submitted ahead of the one handed out; what is still queued when the caller stops early or
    fails is cancelled."""
    queued: deque[tuple[_T, Any]] = deque()
    try:
        for tag, call in jobs:
            queued.append((tag, pool.submit(call)))
            if len(queued) > depth:
                yield queued.popleft()
        while queued:
            yield queued.popleft()
    finally:
        for _, job in queued:
            job.cancel()


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker(factory: Callable[[], Any], encode: Callable[[Extraction], Any] | None = None,
                 env: dict[str, str] | None = None) -> None:
    global _WORKER_PIPELINE, _WORKER_ENCODE
    if env is not None:  # the parent's environment now, not the one the forkserver started with
        for key in [k for k in os.environ if k.startswith("CLUE_MINER_") and k not in env]:
            del os.environ[key]
        os.environ.update(env)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault(THREADS_ENV, "1")  # the worker processes share the cores: one thread each
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # BLAS pools started while unpickling the factory ignore OMP_NUM_THREADS
    _WORKER_PIPELINE = factory()
    _WORKER_ENCODE = encode


def _run_chunk(chunk: tuple[list[str], list[datetime | None]]) -> list[Any]:
    texts, anchors = chunk
    out = list(_WORKER_PIPELINE.pipe(texts, anchors))
    if _WORKER_ENCODE is not None:
        return [_WORKER_ENCODE(e) for e in out]
    return [replace(e, text="") for e in out]


def run_parallel(
    factory: Callable[[], Any],
    texts: Sequence[str],
    anchors: Sequence[datetime | None],
    workers: int,
    chunk_size: int = 256,
    on_progress: Callable[[int], None] | None = None,
    encode: Callable[[Extraction], Any] | None = None,
) -> Iterator[Any]:
    """Yield one Extraction per text, in order. ``factory`` builds a pipeline (picklable).
    ``encode`` (picklable, e.g. a module-level function): yield ``encode(extraction)`` instead,
    computed where the extraction is made (in the workers)."""
    n = len(texts)
    if workers <= 1 or n <= chunk_size:
        pipeline = factory()
        since = 0  # one pipe over every text: a threaded pipeline reads ahead across chunk bounds
        for ext in pipeline.pipe(texts, anchors):
            yield ext if encode is None else encode(ext)
            since += 1
            if since == chunk_size:
                if on_progress:
                    on_progress(since)
                since = 0
        if since and on_progress:
            on_progress(since)
        return
    chunks = ((list(texts[i:i + chunk_size]), list(anchors[i:i + chunk_size])) for i in range(0, n, chunk_size))
    # workers start from a fresh interpreter (the forkserver's), not as copies of this process: a
    # copy inherits this process's state (numba's JIT, the locks of DuckDB's and onnxruntime's
    # thread pools); once the link's compiled hashing had run in a process, a second ``mine`` there
    # crashed its forked workers (a segfault in the garbage collector)
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(processes=workers, initializer=_init_worker, initargs=(factory, encode, dict(os.environ))) as pool:
        offset = 0
        for result in pool.imap(_run_chunk, chunks, chunksize=1):
            if encode is None:
                yield from (replace(ext, text=texts[offset + j]) for j, ext in enumerate(result))
            else:
                yield from result
            offset += len(result)
            if on_progress:
                on_progress(len(result))
