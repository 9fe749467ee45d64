"""Alembic environment: runs on the connection the store hands over (``config.attributes["connection"]``)."""

from __future__ import annotations

from alembic import context

from clue_miner.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the store drives these migrations
    raise RuntimeError("clue_miner's migrations run through clue_miner.store.db.migrate(engine)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
