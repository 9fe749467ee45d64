"""The hand-written sample archive (corpora/handwritten): formats and wording the generator never made."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from clue_miner.mine import mine

HERE = Path(__file__).resolve().parents[1] / "corpora" / "handwritten"
EXPECTED = {
    "H001": ("UNFILED", ()),
    "H002": ("REFUSED", ("K-1001",)),
    "H003": ("PENALTY_INSTEAD", ("K-1002",)),
    "H006": ("STALLED", ("K-1003",)),
    # shares only the offence and a place with K-1004 ("去年", no name): not enough to link
    # (LinkSettings.min_corroboration); the complainant's own account types the clue
    "H007": ("WITHDRAWN", ()),
    "H008": ("UNFILED", ()),
}


def test_mine_handwritten_archive_gives_the_expected_clues(tmp_path: Path) -> None:
    result = mine(HERE / "complaints.jsonl", HERE / "cases.csv", tmp_path, as_of=date(2024, 9, 1), workers=1)
    got = {}
    for clue in result.clues:
        for cid in clue.complaint_ids:
            got[cid] = (clue.clue_type, clue.case_ids)
    assert got == EXPECTED
    s = result.summary
    assert s["rows_in"] == s["rows_extracted"] == 8 and s["cases_loaded"] == 6
    matches = [json.loads(x) for x in (tmp_path / "matches.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {m["complaint_id"]: m["case_id"] for m in matches} == {
        "H002": "K-1001", "H003": "K-1002", "H006": "K-1003"}


def test_mine_logs_no_phone_or_id_numbers(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    import logging
    import re

    with caplog.at_level(logging.DEBUG):
        mine(HERE / "complaints.jsonl", HERE / "cases.csv", tmp_path, as_of=date(2024, 9, 1), workers=1)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not re.search(r"1[3-9]\d{9}", logged)
    assert not re.search(r"\d{17}[\dXx]", logged)
