"""A lossless on-disk spool of extractions, written as they are made and read back in order.

``mine`` writes each extraction here (and to ``extractions.jsonl``) as the workers return it, so
the archive's extractions never sit in memory together: linking keeps only its feature tables and
the clue rules read the extractions back one by one. ``extractions.jsonl`` is the output contract
and rounds scores; the spool keeps every field exactly (floats as ``repr``, dates as ISO), so what
is read back equals what was written, field for field.

The spool is a Parquet file (columns ``id`` and ``record``, one JSON object per extraction; a row
group per chunk, zstd). The complaint's text is not stored: the reader is given it again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from clue_miner.types import Category, Entity, Evidence, Extraction, Facts, Incident, Offence

_FORMAT = "clue_miner.spool/1"


def _entity(e: Entity) -> list[Any]:
    return [e.label, e.start, e.end, e.text, e.value, e.attrs, e.source]


def _evidence(items: Sequence[Evidence]) -> list[list[Any]]:
    return [[e.label, e.text, e.start, e.end] for e in items]


def _offence(o: Offence) -> list[Any]:
    return [o.name, o.kind, o.score, _evidence(o.evidence), o.criminal, list(o.reasons)]


def _facts(f: Facts) -> list[Any]:
    return [f.amount, f.amount_approx, f.injury, f.times, list(f.flags), f.blood_alcohol, f.detention_hours,
            f.people, f.records, f.stated_status, f.incident_date.isoformat() if f.incident_date else None,
            _evidence(f.evidence)]


def encode(ext: Extraction) -> str:
    """One extraction as a JSON string, every field kept exactly (not the text)."""
    record = {
        "received_at": ext.received_at.isoformat() if ext.received_at else None,
        "category": [ext.category.label, ext.category.score, [list(p) for p in ext.category.scores]],
        "entities": [_entity(e) for e in ext.entities],
        "offences": [_offence(o) for o in ext.offences],
        "facts": _facts(ext.facts),
        "incidents": [[i.start, i.end, [_entity(e) for e in i.entities], [_offence(o) for o in i.offences],
                       _facts(i.facts)] for i in ext.incidents],
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _read_entity(r: list[Any]) -> Entity:
    return Entity(r[0], r[1], r[2], r[3], r[4], r[5], r[6])


def _read_evidence(rows: list[list[Any]]) -> tuple[Evidence, ...]:
    return tuple(Evidence(r[0], r[1], r[2], r[3]) for r in rows)


def _read_offence(r: list[Any]) -> Offence:
    return Offence(r[0], r[1], r[2], _read_evidence(r[3]), r[4], tuple(r[5]))


def _read_facts(r: list[Any]) -> Facts:
    return Facts(amount=r[0], amount_approx=r[1], injury=r[2], times=r[3], flags=tuple(r[4]), blood_alcohol=r[5],
                 detention_hours=r[6], people=r[7], records=r[8], stated_status=r[9],
                 incident_date=date.fromisoformat(r[10]) if r[10] else None, evidence=_read_evidence(r[11]))


def decode(data: str, text: str) -> Extraction:
    """The extraction ``encode`` wrote, with its ``text`` given back."""
    r = json.loads(data)
    incidents = tuple(Incident(start, end, text[start:end], tuple(_read_entity(e) for e in ents),
                               tuple(_read_offence(o) for o in offs), _read_facts(facts))
                      for start, end, ents, offs, facts in r["incidents"])
    return Extraction(
        text=text,
        entities=tuple(_read_entity(e) for e in r["entities"]),
        offences=tuple(_read_offence(o) for o in r["offences"]),
        category=Category(r["category"][0], r["category"][1],
                          tuple((k, v) for k, v in r["category"][2]) if len(r["category"]) > 2 else ()),
        facts=_read_facts(r["facts"]),
        received_at=datetime.fromisoformat(r["received_at"]) if r["received_at"] else None,
        incidents=incidents,
    )


class SpoolWriter:
    """Append extractions to a spool file; ``flush`` (and ``close``) write a row group."""

    def __init__(self, path: str | Path, *, row_group: int = 4096) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._schema = pa.schema([("id", pa.string()), ("record", pa.string())],
                                 metadata={"format": _FORMAT})
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(str(self.path), self._schema, compression="zstd")
        self._row_group = row_group
        self._ids: list[str] = []
        self._records: list[str] = []
        self.count = 0

    def write(self, complaint_id: str, ext: Extraction | str) -> None:
        """Add one extraction, or the record ``encode`` made of it (e.g. in a worker process)."""
        self._ids.append(complaint_id)
        self._records.append(ext if isinstance(ext, str) else encode(ext))
        self.count += 1
        if len(self._ids) >= self._row_group:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self._ids and self._writer is not None:
            self._writer.write_table(pa.Table.from_pydict({"id": self._ids, "record": self._records},
                                                          schema=self._schema))
            self._ids, self._records = [], []

    def close(self) -> None:
        if self._writer is None:
            return
        self.flush()
        self._writer.close()
        self._writer = None

    def __enter__(self) -> SpoolWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def read_spool(path: str | Path, texts: Iterable[tuple[str, str]]) -> Iterator[Extraction]:
    """The spool's extractions in order; ``texts`` yields (complaint id, text) in the same order
    (a mismatch is an error, not a silent misalignment)."""
    import pyarrow.parquet as pq

    from clue_miner.errors import InputError

    source = iter(texts)
    file = pq.ParquetFile(str(path))
    if (file.schema_arrow.metadata or {}).get(b"format") != _FORMAT.encode():
        raise InputError(f"{path} is not an extraction spool", code="bad_spool")
    for batch in file.iter_batches(batch_size=2048):
        for complaint_id, data in zip(batch.column("id").to_pylist(), batch.column("record").to_pylist(),
                                      strict=True):
            given = next(source, None)
            if given is None or given[0] != complaint_id:
                raise InputError(f"spool {path} is out of step with the complaints at {complaint_id!r}",
                                 code="bad_spool")
            yield decode(data, given[1])
    if next(source, None) is not None:
        raise InputError(f"spool {path} holds fewer extractions than there are complaints", code="bad_spool")
