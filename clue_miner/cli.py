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
    ner_model: Annotated[str | None, typer.Option(
        help="NER model directory (default: the shipped one; 'none' for the rule entities alone).")] = None,
    category_model: Annotated[str | None, typer.Option(
        help="Category model directory (default: the shipped one; 'rules' for the lexicon rules).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue a killed run into the same OUT from the "
                                         "extraction chunks it finished (same archive and options).")] = False,
    chunk_rows: Annotated[int, typer.Option(help="Complaints per extraction chunk on disk (the unit of --resume).",
                                            min=1)] = 4096,
    engine: Annotated[str, typer.Option(help="duckdb (this machine) or spark (extraction on a Spark cluster).")]
    = "duckdb",
    spark_master: Annotated[str | None, typer.Option(help="Spark master URL (default local[*]); with --engine spark.")]
    = None,
    partitions: Annotated[int | None, typer.Option(help="Spark partitions of the complaints (default: the "
                                                   "cluster's parallelism); with --engine spark.", min=1)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Score an archive: extractions, matches, clues, rejected rows and a summary in OUT."""
    _setup_logging(verbose)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table
    from rich.text import Text

    from clue_miner.io import parse_map_option
    from clue_miner.mine import mine as run_mine

    console = Console(stderr=True)
    try:
        cmap = parse_map_option(map_ or [])
        kmap = parse_map_option(case_map or [])
        show = not quiet and console.is_terminal

        class RateColumn(ProgressColumn):
            """Rows per second since the stage began (workers report in bursts: rich's own speed jumps)."""

            def render(self, task):  # type: ignore[no-untyped-def]
                done = task.completed - task.fields.get("start_at", 0)
                return Text(f"{done / task.elapsed:,.0f} rows/s" if task.elapsed and done > 0 else "")

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                      TextColumn("ETA"), TimeRemainingColumn(), console=console, disable=not show,
                      transient=True) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:  # a resumed run starts at its first row left: no burst of speed
                    tasks[stage] = bar.add_task(stage, total=total, completed=done, start_at=done)
                bar.update(tasks[stage], completed=done, total=total)

            result = run_mine(complaints, cases, out, as_of=_parse_date(as_of), stall_days=stall_days,
                              workers=workers, complaint_map=cmap, case_map=kmap, encoding=encoding,
                              thresholds=thresholds, province=province, offence_model=offence_model,
                              ner_model=ner_model, category_model=category_model, progress=progress,
                              resume=resume, chunk_rows=chunk_rows, engine=engine, spark_master=spark_master,
                              partitions=partitions)
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
    console.print(f"false clues per 100 complaints {data['false_clues_per_100']:.1f}")
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


@evaluate_app.command("ner")
def evaluate_ner_cmd(
    data: Annotated[Path, typer.Option(help="Labelled NER corpus.")],
    format_: Annotated[str, typer.Option("--format", help="cail2021, cail2022, cluener, tsv (MSRA / People's Daily) or conll.")],
    model: Annotated[str | None, typer.Option(help="NER model directory (default: shipped); 'rules' or 'jieba' for a baseline.")] = None,
    profile: Annotated[str | None, typer.Option(
        help="Score this profile of the model (e.g. 'complaint', the one extract() uses) instead of the corpus's own heads.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N sentences.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Exact-span precision, recall and F1 per label and overall of an entity recogniser."""
    from clue_miner.evaluate.ner import evaluate_ner, format_report

    try:
        if model in ("rules", "jieba"):
            from clue_miner.extract.ner.baselines import BASELINES

            recognizer = BASELINES[model]()
        else:
            from clue_miner.extract.ner.model import load_ner_model

            recognizer = load_ner_model(model)
        result = evaluate_ner(data, format_, recognizer, profile=profile, limit=limit)
    except ClueMinerError as err:
        _fail(err)
        return
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_report(result))


@evaluate_app.command("real")
def evaluate_real_cmd(
    data: Annotated[Path, typer.Option(help="Labelled real messages (LABELLING.md): id, text, criminal, offences, category, clue.")],
    offence_model: Annotated[str | None, typer.Option(help="Offence model directory or 'rules' (default: shipped).")] = None,
    ner_model: Annotated[str | None, typer.Option(help="NER model directory or 'none' (default: shipped).")] = None,
    errors: Annotated[Path | None, typer.Option(help="Write the wrongly flagged and missed messages here (JSONL).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Clue P/R/F1, crime detection, category accuracy and offence set-F1 on labelled real messages."""
    from clue_miner.api import load
    from clue_miner.evaluate.real import evaluate_real
    from clue_miner.io import JsonlWriter

    try:
        scores = evaluate_real(data, load(offence_model=offence_model, ner_model=ner_model))
    except ClueMinerError as err:
        _fail(err)
        return
    if errors is not None:
        with JsonlWriter(errors) as writer:
            for e in scores.errors:
                writer.write(e)
    d = scores.to_dict()
    if as_json:
        typer.echo(json.dumps(d, ensure_ascii=False, indent=2))
        return
    c, f, k = d["clue"], d["clue_flag"], d["crime_detection"]
    typer.echo(f"messages {d['messages']}")
    typer.echo(f"clue            P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}  "
               f"(gold {c['support']}, flagged {c['predicted']})")
    typer.echo(f"clue, any type  P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}")
    typer.echo(f"crime detection P {k['precision']:.3f}  R {k['recall']:.3f}  F1 {k['f1']:.3f}")
    typer.echo(f"category accuracy {d['category_accuracy']:.3f}   offence set-F1 on crimes {d['offence_set_f1']:.3f}")
    for gold, row in d["category_confusion"].items():
        typer.echo(f"  gold {gold:<15} -> " + ", ".join(f"{k} {v}" for k, v in sorted(row.items())))


@app.command("export-labels")
def export_labels_cmd(
    clues: Annotated[Path, typer.Option(help="A reviewed clues.jsonl (each line with a `verdict`).")],
    complaints: Annotated[Path, typer.Option(help="The complaint archive the clues came from.")],
    out: Annotated[Path, typer.Option(help="Labelled JSONL to write (text, labels, id, split).")],
    task: Annotated[str, typer.Option(help="offence, clue or category: which labels to write.")] = "offence",
    dev_fraction: Annotated[float, typer.Option(help="Share of clues whose complaints go to dev.")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev split.")] = 13,
    map_: Annotated[list[str] | None, typer.Option("--map", help="Complaint column mapping canonical=header.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Force the archive's encoding (default: detect).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Labelled rows for `train` from clues that prosecutors reviewed (confirmed / rejected / offence_corrected)."""
    _setup_logging(verbose)
    from clue_miner.io import parse_map_option
    from clue_miner.train.export import export_labels

    try:
        result = export_labels(clues, complaints, out, task, seed=seed, dev_fraction=dev_fraction,
                               mapping=parse_map_option(map_ or []), encoding=encoding)
    except ClueMinerError as err:
        _fail(err)
        return
    c = result.counts
    verdicts = ", ".join(f"{k[8:]} {v}" for k, v in sorted(c.items()) if k.startswith("verdict_"))
    typer.echo(f"{c.get('rows', 0)} labelled rows written to {out} (train {c.get('train', 0)}, dev {c.get('dev', 0)}, "
               f"{c.get('no_label_rows', 0)} with no label); clues read {c.get('clues_read', 0)}, "
               f"unreviewed {c.get('unreviewed', 0)}; verdicts: {verdicts or 'none'}")
    if result.rejected:
        typer.secho(f"{len(result.rejected)} line(s) rejected, see {c.get('rejected_file')}; first: line "
                    f"{result.rejected[0]['line']} [{result.rejected[0]['reason']}] {result.rejected[0]['message']}",
                    fg=typer.colors.YELLOW, err=True)


@app.command("train")
def train_cmd(
    data: Annotated[Path, typer.Option(help="Labelled JSONL: text, labels, optional id and split.")],
    out: Annotated[Path, typer.Option(help="Model directory to write.")],
    task: Annotated[str, typer.Option(help="offence, clue or category.")] = "offence",
    base: Annotated[str, typer.Option(help="A local checkpoint directory or a configuration of training/configs (tiny, small).")] = "small",
    epochs: Annotated[float | None, typer.Option(help="Most epochs (early stopping on dev may stop sooner).")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Texts per step.")] = None,
    lr: Annotated[float | None, typer.Option("--lr", help="Peak learning rate.")] = None,
    max_length: Annotated[int | None, typer.Option(help="Tokens (≈ characters) read per text.")] = None,
    patience: Annotated[int | None, typer.Option(help="Evaluations without a better dev score before stopping.")] = None,
    class_weight: Annotated[str, typer.Option(help="sqrt, balanced or none: up-weighting of rare labels.")] = "sqrt",
    combine: Annotated[str, typer.Option(help="Offence task: auto, model, union or rules_first (with the rule detector).")] = "auto",
    dev_fraction: Annotated[float, typer.Option(help="Share of rows without a split that go to dev.")] = 0.1,
    threads: Annotated[int | None, typer.Option(help="torch threads (default: all cores).")] = None,
    seed: Annotated[int, typer.Option(help="Seed: same data, options and threads give the same model.")] = 13,
    resume: Annotated[bool, typer.Option(help="Continue from the last checkpoint in OUT/checkpoints.")] = False,
    keep_checkpoints: Annotated[bool, typer.Option(help="Keep OUT/checkpoints after training.")] = False,
    max_minutes: Annotated[float | None, typer.Option(help="Stop training after this many minutes.")] = None,
    eval_steps: Annotated[int | None, typer.Option(help="Evaluate every N steps instead of every epoch.")] = None,
    skip_bad: Annotated[bool, typer.Option(help="Train on the good rows of a file with bad ones (reported).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Fine-tune an encoder on labelled texts; OUT loads with --offence-model (offence task)."""
    _setup_logging(verbose)
    from clue_miner.train.fit import TrainParams, train
    from clue_miner.train.metrics import format_metrics

    params = TrainParams(task=task, base=base, epochs=epochs, batch_size=batch_size, learning_rate=lr,
                         max_length=max_length, patience=patience, class_weight=class_weight, combine=combine,
                         threads=threads, seed=seed, dev_fraction=dev_fraction, resume=resume,
                         keep_checkpoints=keep_checkpoints, max_minutes=max_minutes, eval_steps=eval_steps,
                         skip_bad=skip_bad, quiet=quiet)
    try:
        result = train(data, out, params)
    except ClueMinerError as err:
        _fail(err)
        return
    m = result.metrics
    typer.echo(f"model written to {result.out_dir} ({len(result.config['labels'])} labels, "
               f"{m['train_seconds']:.0f} s, {m['epochs_run']} epochs; decision {result.config['decision']})")
    for split in ("dev", "test"):
        if m.get(split):
            typer.echo(format_metrics(split, m[split]))
    if m.get("dev_by_combine"):
        typer.echo("dev row-F1 per combination with the rules: " +
                   ", ".join(f"{k} {v:.4f}" for k, v in m["dev_by_combine"].items()))
    typer.echo(f"inference {m['inference_texts_per_second']:.0f} texts/s; metrics in {result.out_dir / 'metrics.json'}")


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


def _register_store_commands() -> None:
    from clue_miner.cli_store import register

    register(app)


_register_store_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
