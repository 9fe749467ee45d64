"""``mine``: complaint archive + case table in, the output directory of DESIGN.md out.

read -> extract (all cores) -> link (Splink) -> clue rules -> write. Extractions are streamed, not
held: they go to disk in numbered chunks as they are made (``io.chunks``, Parquet), and are read
back from there, chunk by chunk, by ``extractions.jsonl``, the linker's feature tables and the
clue rules. A killed run keeps its chunks in ``OUT/.work``; ``resume=True`` (``--resume``) starts
after the last finished chunk and writes the same output as an uninterrupted run. Every input row
ends up in exactly one place: extractions.jsonl or rejected.jsonl (complaints), the linker or
rejected.jsonl (cases).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clue_miner import __version__
from clue_miner.types import CLUE_TYPES, Clue, Complaint, Extraction, Match

if TYPE_CHECKING:
    from clue_miner.io.chunks import ExtractionChunks
    from clue_miner.link.incidents import LinkInputs

log = logging.getLogger(__name__)

# Complaints whose link features are built at once as the extractions are read back.
_LINK_CHUNK = 2048
# Complaints per chunk on disk: the unit of --resume.
CHUNK_ROWS = 4096
ENGINES = ("duckdb", "spark")


@dataclass
class MineResult:
    out_dir: Path
    summary: dict[str, Any]
    clues: list[Clue] = field(default_factory=list)


def _build_pipeline(province: str | None, thresholds: str | None, offence_model: str | None,
                    ner_model: str | None = None, category_model: str | None = None):  # noqa: ANN202
    """Picklable factory: each worker process builds its own pipeline once."""
    from clue_miner.api import load

    return load(province=province, thresholds=thresholds, offence_model=offence_model, ner_model=ner_model,
                category_model=category_model)


def _summary_extractor(texts: list[str]) -> list[Extraction]:
    """Identifiers and names in case summaries (简要案情), for blocking and comparisons."""
    from clue_miner.extract.light import entities_only

    return entities_only(texts)


def mine(
    complaints: str | Path,
    cases: str | Path,
    out: str | Path,
    *,
    as_of: date | None = None,
    stall_days: int = 365,
    workers: int | None = None,
    complaint_map: Mapping[str, str] | None = None,
    case_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    thresholds: str | Path | None = None,
    province: str | None = None,
    link_threshold: float | None = None,
    offence_model: str | Path | None = None,
    ner_model: str | Path | None = None,
    category_model: str | Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    resume: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    engine: str = "duckdb",
    spark_master: str | None = None,
    partitions: int | None = None,
) -> MineResult:
    """Run the whole job and write ``out``. ``progress(stage, done, total)`` is called as it goes.

    ``resume``: continue a run into the same ``out`` that was killed, from the extraction chunks it
    finished (same archive and options; otherwise it starts afresh). ``chunk_rows``: complaints per
    chunk. ``engine``: ``duckdb`` (extraction on this machine's ``workers`` processes) or ``spark``
    (extraction on ``spark_master``, default ``local[*]``, in ``partitions`` partitions, and
    Splink's pairs and scores on the same session; the per-record link features and the clue rules
    run here either way). With ``workers`` > 1 the extraction workers start from a fresh
    interpreter (multiprocessing's forkserver), so a script that calls ``mine`` guards its entry
    point with ``if __name__ == "__main__":``, as any multiprocessing program must."""
    from clue_miner.clues.decide import ClueSettings
    from clue_miner.clues.engine import find_clues
    from clue_miner.extract.parallel import default_workers
    from clue_miner.io import JsonlWriter, read_cases, read_complaints, write_json
    from clue_miner.io.chunks import ExtractionChunks, file_fingerprint
    from clue_miner.knowledge.thresholds import Thresholds

    if engine not in ENGINES:
        from clue_miner.errors import ConfigError

        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    as_of = as_of or date.today()
    workers = workers or default_workers()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = Thresholds.load(thresholds)  # fail early on a bad override
    seconds: dict[str, float] = {}
    tick = time.perf_counter()

    comp = read_complaints(complaints, mapping=dict(complaint_map or {}), encoding=encoding)
    case_table = read_cases(cases, mapping=dict(case_map or {}), encoding=encoding)
    seconds["read"] = time.perf_counter() - tick
    rows = comp.rows
    log.info("read %d complaints (%d rejected), %d cases (%d rejected)",
             len(rows), len(comp.rejected), len(case_table.frame), len(case_table.rejected))

    tick = time.perf_counter()
    future = sum(1 for c in rows if c.received_at is not None and c.received_at.date() > as_of)
    options = (province, str(thresholds) if thresholds else None, str(offence_model) if offence_model else None,
               str(ner_model) if ner_model else None, str(category_model) if category_model else None)
    factory = partial(_build_pipeline, *options)
    from clue_miner.model_store import read_config, resolve

    if offence_model and str(offence_model) != "rules":
        read_config(resolve(offence_model))  # a bad model directory fails here, not in a worker
    if ner_model and str(ner_model) not in ("none", "rules"):
        read_config(resolve(ner_model), kind="ner")
    if category_model and str(category_model) != "rules":
        read_config(resolve(category_model))  # a bad model directory fails here, not in a worker
    done = 0

    def bump(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("extract", done, len(rows))

    link_seconds: dict[str, float] = {}
    link_stats: dict[str, Any] = {}
    chunks = ExtractionChunks(out_dir, chunk_rows)
    versions = {"clue_miner": __version__, **_model_versions(offence_model, ner_model, category_model)}
    state = {"complaints": file_fingerprint(complaints), "map": dict(complaint_map or {}), "encoding": encoding,
             "thresholds": file_fingerprint(thresholds) if thresholds else None, "province": province,
             "models": versions,
             "rows": len(rows)}
    resumed = chunks.open(state, resume)
    spark, spark_made_here = None, False
    try:
        if engine == "spark":
            from clue_miner.engines.spark import extract_on_spark, spark_session

            spark, spark_made_here = spark_session(spark_master, partitions)
            extract_on_spark(rows, resumed, chunks, options, bump, spark, partitions=partitions)
        else:
            _extract(rows, factory, workers, bump, chunks, resumed)
        seconds["extract"] = time.perf_counter() - tick

        tick = time.perf_counter()
        inputs, categories = _read_back(rows, chunks, out_dir / "extractions.jsonl", link_seconds)
        matches = _link(inputs, case_table.frame, workers, link_threshold, link_seconds, spark, link_stats)
        del inputs
    finally:
        if spark is not None:
            from clue_miner.engines.spark import stop_session

            stop_session(spark, spark_made_here)
    by_complaint: dict[str, list[Match]] = {}
    with JsonlWriter(out_dir / "matches.jsonl") as writer:
        for m in matches:
            by_complaint.setdefault(m.complaint_id, []).append(m)
            writer.write(m)
    if progress:
        progress("link", 1, 1)
    seconds["link"] = time.perf_counter() - tick

    tick = time.perf_counter()
    wanted = {m.case_id for ms in by_complaint.values() for m in ms}  # each incident's best among them
    cases_by_id = _case_rows(case_table.frame, wanted)
    settings = ClueSettings(as_of=as_of, stall_days=stall_days)
    extractions = chunks.read((c.id, c.text) for c in rows)
    clues = find_clues(rows, extractions, by_complaint, cases_by_id, table, settings, province)
    with JsonlWriter(out_dir / "clues.jsonl") as writer:
        for clue in clues:
            writer.write(clue)
    seconds["clues"] = time.perf_counter() - tick

    with JsonlWriter(out_dir / "rejected.jsonl") as writer:
        for r in list(comp.rejected) + list(case_table.rejected):
            writer.write(r)

    counts = Counter(c.clue_type for c in clues)
    summary = {
        "rows_in": comp.rows_in,
        "rows_extracted": sum(categories.values()),
        "rows_rejected": len(comp.rejected),
        "cases_in": case_table.rows_in,
        "cases_loaded": len(case_table.frame),
        "cases_rejected": len(case_table.rejected),
        "matches": len(matches),
        "complaints_linked": len(by_complaint),
        "clues": {t: counts.get(t, 0) for t in CLUE_TYPES},
        "clues_total": len(clues),
        "complaints_in_clues": sum(len(c.complaint_ids) for c in clues),
        "categories": dict(categories),
        "warnings": {
            "received_at_in_future": future,
            **{f"complaints.{k}": v for k, v in comp.warnings.items()},
            **{f"cases.{k}": v for k, v in case_table.warnings.items()},
        },
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "link_seconds": {k: round(v, 3) for k, v in link_seconds.items()},
        "link": link_stats,
        "as_of": as_of.isoformat(),
        "stall_days": stall_days,
        "workers": workers,
        "resumed_rows": resumed,
        "engine": engine if engine != "spark" else f"spark ({spark_master or 'local[*]'})",
        "versions": versions,
        "inputs": {"complaints": str(complaints), "cases": str(cases),
                   "thresholds": str(thresholds) if thresholds else "shipped"},
    }
    write_json(out_dir / "summary.json", summary)
    chunks.close()  # the run is complete: nothing left to resume
    return MineResult(out_dir, summary, clues)


def _extract(rows: list[Complaint], factory: Callable[[], Any], workers: int, bump: Callable[[int], None],
             chunks: ExtractionChunks, done: int) -> None:
    """Extract the rows from ``done`` on and write them to disk a chunk at a time (none kept)."""
    from clue_miner.extract.parallel import run_parallel
    from clue_miner.io.spool import encode

    todo = rows[done:]
    bump(done)
    t0 = time.perf_counter()
    # the workers hand back spool records: the parent writes them and never unpickles an extraction
    made = run_parallel(factory, [c.text for c in todo], [c.received_at for c in todo], workers, on_progress=bump,
                        encode=encode)
    chunks.write_all(done, ((c.id, ext) for c, ext in zip(todo, made, strict=True)),
                     on_chunk=lambda at: _log_rate(at, done, len(rows), time.perf_counter() - t0))


def _log_rate(at: int, began: int, total: int, seconds: float) -> None:
    rate = (at - began) / seconds if seconds > 0 else 0.0
    eta = (total - at) / rate if rate > 0 else float("nan")
    log.info("extracted %d/%d complaints, %.0f rows/s, ETA %s", at, total, rate,
             f"{eta / 60:.1f} min" if eta == eta else "?")


def _read_back(rows: list[Complaint], chunks: ExtractionChunks, jsonl: Path,
               link_seconds: dict[str, float]) -> tuple[LinkInputs, Counter[str]]:
    """The chunks in order into ``extractions.jsonl`` and, a slice at a time, into the link's
    feature tables (their time in ``link_seconds["complaint_features"]``); none is kept."""
    from clue_miner.io import JsonlWriter
    from clue_miner.link.incidents import LinkInputs

    inputs = LinkInputs()
    categories: Counter[str] = Counter()
    chunk_rows: list[Complaint] = []
    chunk_exts: list[Extraction] = []
    link_seconds["complaint_features"] = 0.0

    def add_chunk() -> None:
        t = time.perf_counter()
        inputs.add(chunk_rows, chunk_exts)
        link_seconds["complaint_features"] += time.perf_counter() - t
        chunk_rows.clear()
        chunk_exts.clear()

    with JsonlWriter(jsonl) as writer:
        for c, ext in zip(rows, chunks.read((c.id, c.text) for c in rows), strict=True):
            writer.write({"id": c.id, **ext.to_dict()})
            categories[ext.category.label] += 1
            chunk_rows.append(c)
            chunk_exts.append(ext)
            if len(chunk_rows) >= _LINK_CHUNK:
                add_chunk()
        add_chunk()
    return inputs, categories


def _link(inputs: LinkInputs, frame, workers: int, threshold: float | None,  # noqa: ANN001
          seconds: dict[str, float], spark: Any = None, stats: dict[str, Any] | None = None) -> list[Match]:
    from clue_miner.link import LinkSettings
    from clue_miner.link.incidents import link_inputs

    settings = LinkSettings(threads=workers, spark_session=spark)
    if threshold is not None:
        settings.threshold = threshold
    return link_inputs(inputs, frame, settings=settings, summary_extractor=_summary_extractor, seconds=seconds,
                       stats=stats)


def _case_rows(frame, wanted: set[str]) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    if not wanted or frame is None or len(frame) == 0:
        return {}
    sub = frame[frame["case_id"].isin(wanted)]
    return {str(r["case_id"]): r for r in sub.to_dict("records")}


def _model_versions(offence_model: str | Path | None, ner_model: str | Path | None = None,
                    category_model: str | Path | None = None) -> dict[str, str]:
    from clue_miner.api import load

    versions = load(offence_model=offence_model, ner_model=ner_model, category_model=category_model).versions
    return {"extract": "rules-v1", **versions, "link": "splink5-fs-v1", "clues": "rules-v1"}


def as_date(value: str | date | datetime | None) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value  # type: ignore[return-value]
    if isinstance(value, datetime):
        return value.date()
    from clue_miner.text.datecells import parse_datetime

    parsed = parse_datetime(value)
    if parsed is None:
        from clue_miner.errors import InputError

        raise InputError(f"cannot read the date {value!r}", code="bad_date")
    return parsed.date()
