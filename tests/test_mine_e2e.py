"""End to end: a generated archive through ``mine``, scored against the generator's gold."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from clue_miner.evaluate.mine_eval import score_mine
from clue_miner.mine import mine

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpora.generate import main as generate

    out = tmp_path_factory.mktemp("archive")
    generate(["--complaints", "600", "--cases", "500", "--seed", "31", "--out", str(out)])
    return out


@pytest.fixture(scope="module")
def mined(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    out = tmp_path_factory.mktemp("out")
    mine(archive / "complaints.csv", archive / "cases.csv", out,
         as_of=date.fromisoformat(manifest["as_of"]), workers=2)
    return out


def test_mine_writes_every_output_file(mined: Path) -> None:
    for name in ("clues.jsonl", "matches.jsonl", "extractions.jsonl", "rejected.jsonl", "summary.json"):
        assert (mined / name).exists(), name


def test_mine_summary_counts_add_up(mined: Path) -> None:
    s = json.loads((mined / "summary.json").read_text(encoding="utf-8"))
    assert s["rows_in"] == s["rows_extracted"] + s["rows_rejected"] == 600
    assert s["cases_in"] == s["cases_loaded"] + s["cases_rejected"]
    assert sum(s["clues"].values()) == s["clues_total"]
    lines = (mined / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == s["rows_extracted"]
    assert s["as_of"] and s["stall_days"] == 365 and set(s["seconds"]) >= {"read", "extract", "link", "clues"}


def test_mine_clue_records_follow_the_contract(mined: Path, archive: Path) -> None:
    import pandas as pd

    texts = dict(pd.read_csv(archive / "complaints.csv", dtype=str)[["id", "text"]].values)
    clues = [json.loads(x) for x in (mined / "clues.jsonl").read_text(encoding="utf-8").splitlines()]
    assert clues
    for c in clues:
        assert set(c) >= {"clue_id", "clue_type", "score", "complaint_ids", "case_ids", "offence", "reasons", "evidence"}
        assert 0 <= c["score"] <= 1 and c["reasons"]
        if c["clue_type"] == "UNFILED":
            assert c["case_ids"] == []
        elif not c["case_ids"]:  # typed from the complainant's own account: says so
            assert any("未能关联" in r for r in c["reasons"])
        for ev in c["evidence"]:
            assert texts[ev["complaint_id"]][ev["start"]:ev["end"]] == ev["text"]


def test_mine_quality_against_gold(mined: Path, archive: Path) -> None:
    scores = score_mine(archive / "gold.jsonl", mined)
    assert scores.link_accuracy >= 0.85, scores.to_dict()
    assert scores.micro.precision >= 0.75, scores.to_dict()
    assert scores.micro.recall >= 0.7, scores.to_dict()
    for kind, prf in scores.per_type.items():
        assert prf.tp + prf.fn == 0 or prf.f1 >= 0.5, (kind, scores.to_dict())


def test_new_user_flow_store_users_report(mined: Path, tmp_path: Path) -> None:
    """What the README tells a new user: import the run, add a user, import again, write the report."""
    from typer.testing import CliRunner

    from clue_miner.cli import app

    runner = CliRunner()
    db = str(tmp_path / "clues.sqlite")
    first = runner.invoke(app, ["store", "import", str(mined), "--db", db])
    assert first.exit_code == 0, first.output
    n_clues = sum(1 for _ in (mined / "clues.jsonl").open(encoding="utf-8"))
    assert f"{n_clues} new clues" in first.output
    assert "nothing changed" in runner.invoke(app, ["store", "import", str(mined), "--db", db]).output
    added = runner.invoke(app, ["users", "add", "zhang", "--role", "supervisor", "--db", db], input="long-password\n")
    assert added.exit_code == 0, added.output
    weak = runner.invoke(app, ["users", "add", "li", "--db", db], input="short\n")
    assert weak.exit_code == 2 and "weak_password" in weak.output
    labels = tmp_path / "labels.jsonl"
    exported = runner.invoke(app, ["store", "export-labels", "--out", str(labels), "--db", db])
    assert exported.exit_code == 0 and "0 labelled rows" in exported.output and labels.read_text() == ""
    stats = json.loads(runner.invoke(app, ["store", "stats", "--db", db]).output)
    assert stats["total"] == n_clues and stats["by_state"] == {"new": n_clues}
    html = tmp_path / "report.html"
    done = runner.invoke(app, ["report", str(mined), "--html", str(html), "--limit", "20"])
    assert done.exit_code == 0, done.output
    page = html.read_text(encoding="utf-8")
    assert page.count('<section class="clue"') == min(20, n_clues) and "<mark" in page and "<script" not in page
    with (mined / "matches.jsonl").open(encoding="utf-8") as fh:
        first_match = json.loads(fh.readline())
    assert set(first_match["weights"]) == set(first_match["comparisons"])  # why: each level's bits
