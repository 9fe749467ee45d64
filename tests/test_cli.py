from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clue_miner.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def test_cli_extract_from_argument() -> None:
    result = runner.invoke(app, ["extract", "我在网上被骗了三万元", "--compact"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["offences"][0]["name"] == "诈骗"


def test_cli_extract_from_stdin_with_received_at() -> None:
    result = runner.invoke(app, ["extract", "--received-at", "2024-03-15"], input="昨天晚上电动车被偷了，价值三千元")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    times = [e for e in data["entities"] if e["label"] == "TIME"]
    assert times and times[0]["value"].startswith("2024-03-14")


def test_cli_extract_empty_text_fails_cleanly() -> None:
    result = runner.invoke(app, ["extract"], input="   ")
    assert result.exit_code == 2
    assert "empty" in result.output


def test_cli_mine_demo_prints_counts(tmp_path: Path) -> None:
    demo = REPO / "corpora" / "demo_zh"
    result = runner.invoke(app, ["mine", "--complaints", str(demo / "complaints.csv"), "--cases",
                                 str(demo / "cases.csv"), "--out", str(tmp_path / "o"), "--as-of", "2025-06-30",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "clues written to" in result.output and "UNFILED" in result.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    link = summary["link"]  # the link stage's counts: what its cost grows with
    assert link["candidate_pairs"] == sum(link["pairs_by_rule"].values()) > 0
    assert "seconds" not in link and set(link["blocking"]) <= set(link["pairs_by_rule"])


def test_cli_mine_category_model_option(tmp_path: Path) -> None:
    demo = REPO / "corpora" / "demo_zh"
    args = ["mine", "--complaints", str(demo / "complaints.csv"), "--cases", str(demo / "cases.csv"),
            "--as-of", "2025-06-30", "--workers", "1", "--quiet"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "rules"), "--category-model", "rules"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "rules" / "summary.json").read_text(encoding="utf-8"))
    assert summary["versions"]["CategoryRules"].startswith("category-rules")
    bad = runner.invoke(app, [*args, "--out", str(tmp_path / "bad"), "--category-model", str(tmp_path)])
    assert bad.exit_code == 2 and "config.json" in bad.output


def test_cli_mine_missing_file_exit_code(tmp_path: Path) -> None:
    result = runner.invoke(app, ["mine", "--complaints", str(tmp_path / "nope.csv"), "--cases",
                                 str(tmp_path / "nope2.csv"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "error [" in result.output


def test_cli_mine_bad_map_option(tmp_path: Path) -> None:
    demo = REPO / "corpora" / "demo_zh"
    result = runner.invoke(app, ["mine", "--complaints", str(demo / "complaints.csv"), "--cases",
                                 str(demo / "cases.csv"), "--out", str(tmp_path / "o"), "--map", "nonsense"])
    assert result.exit_code == 2


def test_cli_thresholds_lists_rows() -> None:
    result = runner.invoke(app, ["thresholds", "盗窃"])
    assert result.exit_code == 0
    assert "入户" in result.output and "1000" in result.output


def test_cli_evaluate_offences_on_a_small_file(tmp_path: Path) -> None:
    data = tmp_path / "facts.jsonl"
    rows = [
        {"fact": "被告人张某秘密窃取被害人李某电动车一辆，价值人民币3000元。", "meta": {"accusation": ["盗窃"]}},
        {"fact": "被告人王某虚构事实，骗取被害人人民币五万元。", "charges": ["诈骗"]},
        {"fact": "被告人醉酒驾驶机动车，血液酒精含量为150mg/100ml。", "charges": ["危险驾驶罪"]},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    for model in (None, "rules"):
        args = ["evaluate", "offences", "--data", str(data)] + (["--model", model] if model else [])
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "set-F1" in result.output and "top-1" in result.output


def test_cli_evaluate_offences_missing_model(tmp_path: Path) -> None:
    data = tmp_path / "facts.jsonl"
    data.write_text(json.dumps({"fact": "x", "charges": ["盗窃"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "offences", "--data", str(data), "--model", str(tmp_path / "none")])
    assert result.exit_code == 2 and "missing_model" in result.output
