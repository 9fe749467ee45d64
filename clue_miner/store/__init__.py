"""The clue store: clues across runs, their complaints and case records, verdicts, supervision steps,
users and an audit log, on SQLite (a file, the default) or PostgreSQL (a URL).

    from clue_miner.store import Store
    store = Store("clues.sqlite")            # creates / migrates the schema (Alembic)
    with store.session() as db:             # one transaction, committed on success
        import_run(db, "out/demo")

Modules: ``models`` (tables), ``db`` (engines, migrations), ``importer`` (``store import``),
``auth`` (users, argon2 passwords, sessions, login limit), ``workflow`` (supervision states and
due dates), ``actions`` (verdicts, steps, audit), ``queries`` (lists, clue pages, overdue,
counts, exports), ``privacy`` (masking).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["Store"]


class Store:
    """An open store: the engine (schema migrated on open) and a session factory."""

    def __init__(self, db: str | Path, *, upgrade: bool = True) -> None:
        from clue_miner.store.db import database_url, open_engine, session_factory

        self.url = database_url(db)
        self.engine = open_engine(db, upgrade=upgrade)
        self._sessions = session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        db = self._sessions()
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()

    def dispose(self) -> None:
        self.engine.dispose()
