"""Engines and migrations: a SQLite file by default, PostgreSQL (or any SQLAlchemy URL) for a team.

``open_engine(db)`` takes a path (``clues.sqlite``) or a URL (``postgresql+psycopg://u@h/db``),
brings the schema to the newest Alembic revision and returns the engine. Every query the store
runs is built with SQLAlchemy expressions (bound parameters), never by formatting SQL strings.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from clue_miner.errors import InputError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL for ``db``: a URL as given, else a SQLite file path."""
    text = str(db)
    if "://" in text:
        if text.startswith("postgresql://"):  # the psycopg 3 driver is the one we install
            text = "postgresql+psycopg://" + text[len("postgresql://"):]
        return text
    path = Path(text).expanduser()
    if path.parent and not path.parent.exists():
        raise InputError(f"folder of the store does not exist: {path.parent}", code="missing_folder")
    return f"sqlite:///{path}"


def _alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision (a no-op when it is current)."""
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_engine(db: str | Path, *, upgrade: bool = True) -> Engine:
    url = database_url(db)
    engine = create_engine(url, future=True)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()
    if upgrade:
        migrate(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
