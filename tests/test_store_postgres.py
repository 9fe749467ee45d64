"""The clue store on PostgreSQL: a throwaway server (initdb + pg_ctl in a temporary folder, as the
``postgres`` user when the tests run as root) takes the same schema, import, verdicts and queries.
Skipped with a reason when PostgreSQL's server programs are not installed (CI installs them)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_support import make_run

PG_BINS = [Path(p) for p in ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((str(d / name) for d in PG_BINS if (d / name).exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    pytest.importorskip("psycopg")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) not installed: apt-get install postgresql")
    root = os.geteuid() == 0
    if root and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
    tmp = Path(tempfile.mkdtemp(prefix="clue_miner_pg_"))
    data, port = tmp / "data", _free_port()

    def run(*cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if root else list(cmd)
        subprocess.run(full, check=True, capture_output=True, timeout=120)

    if root:
        shutil.chown(tmp, "postgres")
    run(initdb, "-D", str(data), "-U", "clue", "--auth=trust", "-E", "UTF8", "--locale=C")
    run(pg_ctl, "-D", str(data), "-l", str(tmp / "log"), "-w", "-t", "60", "-o",
        f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1", "start")
    try:
        subprocess.run([_pg_bin("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "clue", "clues"],
                       check=True, capture_output=True, timeout=60)
        yield f"postgresql://clue@127.0.0.1:{port}/clues"
    finally:
        run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(tmp, ignore_errors=True)


def test_store_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from sqlalchemy import select, text

    from clue_miner.store import Store
    from clue_miner.store.actions import apply_action, record_verdict
    from clue_miner.store.auth import add_user, authenticate
    from clue_miner.store.importer import import_run
    from clue_miner.store.queries import ClueFilter, clue_detail, counts, list_clues

    store = Store(pg_url)
    assert store.engine.dialect.name == "postgresql"
    out = make_run(tmp_path / "data")
    with store.session() as db:
        assert not import_run(db, out).already_imported
        add_user(db, "sup", "supervisor", "supervisor-pass")
    with store.session() as db:
        assert import_run(db, out).already_imported
        assert db.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        user = authenticate(db, "sup", "supervisor-pass", "127.0.0.1").user
        assert user is not None
        record_verdict(db, user, "REFUSED-aaaaaaaaaaaa", "confirmed", note="核实")
        apply_action(db, user, "REFUSED-aaaaaaaaaaaa", "request_reasons")
        assert list_clues(db, ClueFilter(q="电动车"))["items"][0]["clue_id"] == "PENALTY_INSTEAD-bbbbbbbbbbbb"
        assert list_clues(db, ClueFilter(q="'; DROP TABLE clues; --"))["total"] == 0
        assert counts(db)["by_state"]["reason_requested"] == 1
        assert clue_detail(db, "REFUSED-aaaaaaaaaaaa")["steps"][-1]["due"] is not None
    Store(pg_url).dispose()  # a second open finds the schema current
    from clue_miner.store.models import ClueRow

    with store.session() as db:
        assert len(db.scalars(select(ClueRow)).all()) == 3
    store.dispose()
