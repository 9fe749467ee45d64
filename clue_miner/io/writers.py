"""JSON writers for the output directory: ``JsonlWriter`` (one object a line) and ``write_json``.

Both write UTF-8 with ``ensure_ascii=False``, create parent directories, and turn values that
``json`` cannot write into JSON: date / datetime (and pandas Timestamps) -> ISO strings, numpy
scalars and arrays -> Python values, sets -> sorted lists, paths -> strings, objects with
``to_dict()`` -> their dict. NaN / infinity / NaT become ``null`` so every line is valid JSON.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import IO, Any


def json_default(obj: Any) -> Any:
    """``default=`` hook for :func:`json.dumps`."""
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict) and not isinstance(obj, type):
        return to_dict()
    if type(obj).__name__ in ("NaTType", "NAType"):
        return None
    if isinstance(obj, datetime | date | time):
        return obj.isoformat()
    module = type(obj).__module__
    if module == "numpy":
        if hasattr(obj, "tolist"):
            return obj.tolist()  # scalars -> Python scalar, arrays -> nested lists
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=str)
    if isinstance(obj, Path):
        return str(obj)
    if type(obj).__name__ == "Decimal":
        return float(obj)
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _finite(obj: Any) -> Any:
    """Replace NaN / infinity (and things that become them) by None, recursively."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    if hasattr(obj, "to_dict") and not isinstance(obj, type):
        return _finite(obj.to_dict())
    if type(obj).__module__ == "numpy" and hasattr(obj, "tolist"):
        return _finite(obj.tolist())
    return obj


def dumps(obj: Any, indent: int | None = None) -> str:
    """``json.dumps`` with the module's conventions (valid JSON, no NaN)."""
    try:
        return json.dumps(obj, ensure_ascii=False, default=json_default, allow_nan=False, indent=indent)
    except ValueError:  # NaN or infinity somewhere: clean and retry
        return json.dumps(
            _finite(obj), ensure_ascii=False, default=json_default, allow_nan=False, indent=indent
        )


class JsonlWriter:
    """Write one JSON object per line::

        with JsonlWriter(out / "clues.jsonl") as writer:
            for clue in clues:
                writer.write(clue)  # a dict or anything with to_dict()

    ``count`` is the number of lines written. ``append=True`` adds to an existing file.
    """

    def __init__(self, path: str | Path, *, append: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self._fh: IO[str] | None = self.path.open("a" if append else "w", encoding="utf-8", newline="\n")

    def write(self, obj: Any) -> None:
        if self._fh is None:
            raise ValueError(f"JsonlWriter for {self.path} is closed")
        to_dict = getattr(obj, "to_dict", None)
        if callable(to_dict) and not isinstance(obj, dict):
            obj = to_dict()
        self._fh.write(dumps(obj))
        self._fh.write("\n")
        self.count += 1

    def write_many(self, objs: Iterable[Any]) -> int:
        """Write every object; returns how many were written by this call."""
        before = self.count
        for obj in objs:
            self.write(obj)
        return self.count - before

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_jsonl(path: str | Path, objs: Iterable[Any]) -> int:
    """Write ``objs`` to ``path`` as JSON lines; returns the number of lines."""
    with JsonlWriter(path) as writer:
        return writer.write_many(objs)


def write_json(path: str | Path, obj: Any) -> None:
    """Write one JSON document (indent 2, ``ensure_ascii=False``), atomically (temp file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(dumps(obj, indent=2))
        fh.write("\n")
    os.replace(tmp, path)
