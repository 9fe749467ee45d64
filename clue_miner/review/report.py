"""``clue-miner report OUT --html FILE``: one self-contained HTML file of a `mine` output.

The same clue sections as the review app's clue pages (highlighted complaint texts, linked case
records, why they were linked, reasons), with no server, no script and no outside asset: the file
can be sent by mail. Complaint texts and case records are read from the archives that
``summary.json`` names (or ``complaints`` / ``cases``). Texts are shown whole: treat the file as
the case files it quotes.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

from clue_miner.review.render import clue_page_context, render


def write_report(out_dir: str | Path, html_path: str | Path, *, complaints: Path | None = None,
                 cases: Path | None = None, mapping: dict[str, str] | None = None, limit: int | None = None) -> int:
    """Write the report; returns the number of clues in it."""
    from sqlalchemy import select

    from clue_miner.store import Store
    from clue_miner.store.importer import import_run
    from clue_miner.store.models import ClueRow
    from clue_miner.store.queries import clue_detail

    out = Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:  # the store's importer reads the run; a throwaway SQLite
        store = Store(Path(tmp) / "report.sqlite")
        try:
            with store.session() as db:
                import_run(db, out, complaints=complaints, cases=cases, mapping=mapping)
                ids = db.scalars(select(ClueRow.clue_id).order_by(ClueRow.score.desc(), ClueRow.clue_id)).all()
                sections = [clue_page_context(clue_detail(db, i)) for i in ids[:limit]]  # type: ignore[arg-type]
        finally:
            store.dispose()
    summary_path = out / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    page = render("report.html", clues=sections, title=str(out.name), as_of=summary.get("as_of"),
                  generated=datetime.now().strftime("%Y-%m-%d %H:%M"))
    Path(html_path).write_text(page, encoding="utf-8")
    return len(sections)
