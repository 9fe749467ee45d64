"""CLI commands of the clue store and review service: ``store``, ``users``, ``serve``, ``report``."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from clue_miner.errors import ClueMinerError

DEFAULT_DB = "clues.sqlite"
DbOption = Annotated[str, typer.Option("--db", help="SQLite file or database URL (postgresql://user@host/db).")]

store_app = typer.Typer(help="The clue store: import `mine` outputs, show counts.", no_args_is_help=True)
users_app = typer.Typer(help="Users of the review app.", no_args_is_help=True)


def _fail(err: ClueMinerError) -> None:
    typer.secho(f"error [{err.code}]: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


def _store(db: str):  # type: ignore[no-untyped-def]
    from clue_miner.store import Store

    try:
        return Store(db)
    except ClueMinerError as err:
        _fail(err)


@store_app.command("import")
def store_import(
    out: Annotated[Path, typer.Argument(help="A folder written by `clue-miner mine`.")],
    db: DbOption = DEFAULT_DB,
    complaints: Annotated[Path | None, typer.Option(help="The complaint archive (default: as summary.json names it).")] = None,
    cases: Annotated[Path | None, typer.Option(help="The case table (default: as summary.json names it).")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="Column mapping canonical=header.")] = None,
) -> None:
    """Load a `mine` output into the store (idempotent: a run imported twice changes nothing)."""
    from clue_miner.io import parse_map_option
    from clue_miner.store.importer import import_run

    store = _store(db)
    try:
        with store.session() as session:
            result = import_run(session, out, complaints=complaints, cases=cases,
                                mapping=parse_map_option(map_ or []), user=getpass.getuser())
    except ClueMinerError as err:
        _fail(err)
        return
    if result.already_imported:
        typer.echo(f"{out} was imported before (run {result.run_id}): nothing changed")
        return
    c = result.counts
    typer.echo(f"run {result.run_id}: {c['clues_new']} new clues, {c['clues_updated']} updated, {c['outcomes']} "
               f"outcomes recorded; {c['complaints']} complaints, {c['cases']} case records, {c['matches']} matches "
               f"stored -> {store.url}")
    if c.get("complaints_missing"):
        typer.secho(f"{c['complaints_missing']} complaint(s) of the clues are not in the archive", err=True,
                    fg=typer.colors.YELLOW)


@store_app.command("stats")
def store_stats(db: DbOption = DEFAULT_DB) -> None:
    """Counts per state, type, offence and police unit; overdue answers; filed after supervision."""
    import json

    from clue_miner.store.queries import counts

    with _store(db).session() as session:
        typer.echo(json.dumps(counts(session), ensure_ascii=False, indent=2))


@store_app.command("export-labels")
def store_export_labels(
    out: Annotated[Path, typer.Option(help="Labelled JSONL to write (the `train` format).")],
    task: Annotated[str, typer.Option(help="offence, clue or category.")] = "offence",
    db: DbOption = DEFAULT_DB,
) -> None:
    """The reviewers' verdicts in the store as fine-tuning rows (the same code as `export-labels`)."""
    from clue_miner.store.actions import audit
    from clue_miner.store.queries import export_labels

    if task not in ("offence", "clue", "category"):
        typer.secho("task must be offence, clue or category", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2)
    with _store(db).session() as session:
        body, stats = export_labels(session, task)
        audit(session, None, "export_labels", task, by="cli", **stats)
    out.write_text(body, encoding="utf-8")
    typer.echo(f"{stats.get('rows', 0)} labelled rows written to {out} (train {stats.get('train', 0)}, "
               f"dev {stats.get('dev', 0)})")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="reviewer or supervisor.")] = "reviewer",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add a user; the password is read from stdin (asked twice on a terminal)."""
    from clue_miner.store.actions import audit
    from clue_miner.store.auth import add_user

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            typer.secho("passwords differ", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=2)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        with _store(db).session() as session:
            user = add_user(session, name, role, password)
            audit(session, None, "user_add", user.name, role=user.role, by="cli")
    except ClueMinerError as err:
        _fail(err)
        return
    typer.echo(f"user {name} ({role}) added")


def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to bind (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8765,
    secure_cookies: Annotated[bool, typer.Option(help="Mark cookies Secure (behind HTTPS).")] = False,
) -> None:
    """The review web app: log in, filter and review clues, record verdicts and supervision steps."""
    import uvicorn

    from clue_miner.review.app import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.secho(f"warning: serving on {host}, reachable from other machines; put it behind HTTPS and use "
                    "--secure-cookies", fg=typer.colors.YELLOW, err=True)
    app = create_app(_store(db), secure_cookies=secure_cookies)
    typer.echo(f"serving {db} on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def report(
    out: Annotated[Path, typer.Argument(help="A folder written by `clue-miner mine`.")],
    html: Annotated[Path, typer.Option("--html", help="The HTML file to write.")],
    complaints: Annotated[Path | None, typer.Option(help="The complaint archive (default: from summary.json).")] = None,
    cases: Annotated[Path | None, typer.Option(help="The case table (default: from summary.json).")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the N best clues.")] = None,
) -> None:
    """One self-contained HTML file of a `mine` output (the clue pages, no server), for sharing by mail."""
    from clue_miner.review.report import write_report

    try:
        n = write_report(out, html, complaints=complaints, cases=cases, limit=limit)
    except ClueMinerError as err:
        _fail(err)
        return
    typer.echo(f"{n} clues written to {html}")


def register(app: typer.Typer) -> None:
    app.add_typer(store_app, name="store")
    app.add_typer(users_app, name="users")
    app.command("serve")(serve)
    app.command("report")(report)
