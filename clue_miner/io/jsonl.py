"""Strict JSON-lines reading for labelled and evaluation files (archives go through ``load_raw``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clue_miner.errors import InputError

__all__ = ["iter_jsonl", "read_jsonl"]


def iter_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-lines file (UTF-8, BOM allowed, blank lines skipped); a missing file or
    a line that is not JSON raises :class:`InputError` naming the line."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}", code="missing_file")
    with p.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{p} line {n}: not JSON ({err.msg})", code="malformed_json") from err


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    return list(iter_jsonl(path))
