"""``clue-miner``: a thin Typer app over the same functions the API exposes."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from clue_miner.errors import ClueMinerError

app = typer.Typer(
    name="clue-miner",
    help="立案监督线索挖掘：从群众投诉和公安案件记录中发现有案不立、以罚代刑等监督线索。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(help="Score outputs or models against gold labels.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


def _fail(err: ClueMinerError) -> None:
    typer.secho(f"error [{err.code}]: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    from clue_miner.mine import as_date

    return as_date(value)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@app.command()
def mine(
    complaints: Annotated[Path, typer.Option(help="Complaint archive: CSV, TSV, JSONL, Parquet or XLSX.")],
    cases: Annotated[Path, typer.Option(help="Police case table in the same formats.")],
    out: Annotated[Path, typer.Option(help="Output directory (created).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Reference date, default today.")] = None,
    stall_days: Annotated[int, typer.Option(help="Days at 立案 before a case counts as stalled.")] = 365,
    workers: Annotated[int | None, typer.Option(help="Processes for extraction (default: all cores).")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="Complaint column mapping canonical=header, repeatable.")] = None,
    case_map: Annotated[list[str] | None, typer.Option("--case-map", help="Case column mapping canonical=header.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Force an input encoding (default: detect).")] = None,
    thresholds: Annotated[Path | None, typer.Option(help="CSV overriding rows of the threshold table.")] = None,
    province: Annotated[str | None, typer.Option(help="Province whose thresholds apply (default: from region).")] = None,
    offence_model: Annotated[str | None, typer.Option(
        help="Offence model directory (default: the shipped one; 'rules' for the rule detector).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Score an archive: extractions, matches, clues, rejected rows and a summary in OUT."""
    _setup_logging(verbose)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from clue_miner.io import parse_map_option
    from clue_miner.mine import mine as run_mine

    console = Console(stderr=True)
    try:
        cmap = parse_map_option(map_ or [])
        kmap = parse_map_option(case_map or [])
        show = not quiet and console.is_terminal
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console, disable=not show, transient=True) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            result = run_mine(complaints, cases, out, as_of=_parse_date(as_of), stall_days=stall_days,
                              workers=workers, complaint_map=cmap, case_map=kmap, encoding=encoding,
                              thresholds=thresholds, province=province, offence_model=offence_model,
                              progress=progress)
    except ClueMinerError as err:
        _fail(err)
        return
    s = result.summary
    out_console = Console()
    out_console.print(f"clues written to {result.out_dir / 'clues.jsonl'}")
    if quiet:
        return
    table = Table(title=f"clues (as of {s['as_of']}, stall {s['stall_days']} days)")
    table.add_column("clue_type")
    table.add_column("中文")
    table.add_column("count", justify="right")
    from clue_miner.types import CLUE_TYPE_ZH

    for kind, n in s["clues"].items():
        table.add_row(kind, CLUE_TYPE_ZH[kind], str(n))
    table.add_row("total", "合计", str(s["clues_total"]))
    out_console.print(table)
    out_console.print(
        f"complaints: {s['rows_in']} in, {s['rows_extracted']} extracted, {s['rows_rejected']} rejected; "
        f"cases: {s['cases_in']} in, {s['cases_loaded']} loaded, {s['cases_rejected']} rejected; "
        f"matches: {s['matches']}; seconds: {sum(s['seconds'].values()):.1f}"
    )


@app.command()
def extract(
    text: Annotated[str | None, typer.Argument(help="Complaint text; read from stdin when omitted.")] = None,
    received_at: Annotated[str | None, typer.Option(help="When the complaint was received (anchors 昨天 …).")] = None,
    compact: Annotated[bool, typer.Option(help="One-line JSON.")] = False,
) -> None:
    """Print the extract() result of one text as JSON."""
    from clue_miner.api import extract as run_extract

    if text is None:
        if sys.stdin.isatty():
            typer.secho("give a text or pipe one on stdin", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=2)
        text = sys.stdin.read()
    if not text.strip():
        typer.secho("error [empty_text]: the text is empty", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2)
    try:
        when = _parse_date(received_at)
        result = run_extract(text, when)
    except ClueMinerError as err:
        _fail(err)
        return
    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=None if compact else 2))


@evaluate_app.command("mine")
def evaluate_mine(
    gold: Annotated[Path, typer.Option(help="gold.jsonl: id, case_id, clue_type, category, offence, group.")],
    out: Annotated[Path, typer.Option(help="A directory written by `clue-miner mine`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Link accuracy and clue precision/recall per type of a mine output."""
    from clue_miner.evaluate.mine_eval import score_mine

    try:
        scores = score_mine(gold, out)
    except ClueMinerError as err:
        _fail(err)
        return
    data = scores.to_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"complaints {data['complaints']}  link accuracy {data['link_accuracy']:.3f}  "
                  f"link pairs P {data['link_pairs']['precision']:.3f} R {data['link_pairs']['recall']:.3f}")
    table = Table(title="clues per type (complaint level)")
    for col in ("type", "precision", "recall", "f1", "support", "predicted"):
        table.add_column(col, justify="right" if col != "type" else "left")
    for kind, v in data["clues"].items():
        table.add_row(kind, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}",
                      str(v["support"]), str(v["predicted"]))
    m = data["clues_micro"]
    table.add_row("micro", f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}",
                  str(m["support"]), str(m["predicted"]))
    console.print(table)
    console.print(f"macro F1 {data['clues_macro_f1']:.3f}  grouping pairs F1 {data['grouping_pairs']['f1']:.3f}  "
                  f"category acc {data['category_accuracy']}  top offence acc {data['offence_accuracy']}")


@evaluate_app.command("offences")
def evaluate_offences_cmd(
    data: Annotated[Path, typer.Option(help="JSONL with `fact` (or `text`) and `charges` or `meta.accusation`.")],
    model: Annotated[str | None, typer.Option(help="Offence model directory (default: shipped); 'rules' for rules.")] = None,
) -> None:
    """Set-F1, top-1 accuracy, macro-F1 and micro-F1 of an offence detector on labelled facts."""
    from clue_miner.api import _offence_detector
    from clue_miner.evaluate.offences import evaluate_offences, format_report

    try:
        result = evaluate_offences(data, _offence_detector(model))
    except ClueMinerError as err:
        _fail(err)
        return
    typer.echo(format_report(result))


@app.command("thresholds")
def show_thresholds(
    offence: Annotated[str | None, typer.Argument(help="Only this offence.")] = None,
    override: Annotated[Path | None, typer.Option("--thresholds", help="CSV overriding rows.")] = None,
) -> None:
    """Print the criminal threshold table in force (with an override applied)."""
    from clue_miner.knowledge.thresholds import Thresholds

    try:
        table = Thresholds.load(override)
    except ClueMinerError as err:
        _fail(err)
        return
    for row in table.rows:
        if offence and row.offence != offence:
            continue
        typer.echo(f"{row.offence}\t{row.measure}\t{row.level}\t{row.province or '全国'}\t{row.value}\t{row.source}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
