"""The labelled-text format: validation, canonical labels, seeded splits, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clue_miner.errors import InputError
from clue_miner.train.labels import assign_split, canonical_labels, parse_rows, read_labelled_file


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_train_labels_offence_names_are_canonicalised() -> None:
    assert canonical_labels("offence", "诈骗罪") == (("诈骗",), None)
    assert canonical_labels("offence", ["电信诈骗", "盗窃", "诈骗"]) == (("诈骗", "盗窃"), None)
    assert canonical_labels("offence", "[走私、贩卖、运输、制造]毒品")[0] == ("走私、贩卖、运输、制造毒品",)
    assert canonical_labels("offence", "none") == ((), None)
    assert canonical_labels("offence", []) == ((), None)
    labels, error = canonical_labels("offence", "外星人入侵")
    assert labels == () and error and "外星人入侵" in error


def test_train_labels_clue_and_category_label_spaces() -> None:
    assert canonical_labels("clue", ["有案不立", "REFUSED"]) == (("UNFILED", "REFUSED"), None)
    assert canonical_labels("clue", "none") == ((), None)
    assert canonical_labels("category", "crime") == (("crime",), None)
    assert canonical_labels("category", "民事") == (("civil",), None)
    assert canonical_labels("category", ["crime", "civil"])[1] is not None  # single-label task
    assert canonical_labels("category", [])[1] is not None
    assert canonical_labels("clue", "SOMETHING")[1] is not None


def test_train_labels_seeded_split_is_stable() -> None:
    splits = [assign_split(f"id{i}", 13, 0.2) for i in range(2000)]
    assert splits == [assign_split(f"id{i}", 13, 0.2) for i in range(2000)]
    assert 0.15 < splits.count("dev") / 2000 < 0.25
    assert splits != [assign_split(f"id{i}", 14, 0.2) for i in range(2000)]


def test_train_labels_reads_a_good_file(tmp_path: Path) -> None:
    rows = [{"id": f"r{i}", "text": f"我的电动车被偷了{i}", "labels": "盗窃罪"} for i in range(10)]
    rows += [{"text": "小区路灯坏了", "labels": [], "split": "dev"}, {"text": "有人骗我钱", "labels": ["诈骗"], "split": "test"}]
    data = read_labelled_file(_write(tmp_path / "l.jsonl", rows), "offence", dev_fraction=0.3)
    assert len(data.rows) == 12 and not data.problems
    assert {r.labels for r in data.rows} == {("盗窃",), (), ("诈骗",)}
    assert data.rows[10].id == "row11" and data.rows[10].split == "dev"
    assert data.split("test")[0].labels == ("诈骗",)
    assert data.summary()["no_label_rows"] == 1


def test_train_labels_bad_file_is_rejected_with_line_numbers(tmp_path: Path) -> None:
    rows: list[object] = [
        {"id": "a", "text": "我被骗了", "labels": "诈骗"},
        "{not json",
        {"id": "b", "labels": "诈骗"},
        {"id": "c", "text": "被打了", "labels": "打人游戏罪名不存在"},
        {"id": "a", "text": "又被骗了", "labels": "诈骗"},
        {"id": "d", "text": "被偷了", "labels": "盗窃", "split": "validation"},
        {"id": "e", "text": "被偷了"},
        {"id": "f", "text": "被偷了", "labels": 5},
    ]
    path = _write(tmp_path / "bad.jsonl", rows)
    with pytest.raises(InputError) as info:
        read_labelled_file(path, "offence")
    err = info.value
    assert err.code == "bad_labels"
    message = str(err)
    assert "7 bad row(s) of 8" in message
    for expected in ("line 2: [malformed_json]", "line 3: [missing_text]", "line 4: [bad_label]",
                     "line 5: [duplicate_id]", "line 6: [bad_split]", "line 7: [missing_labels]", "line 8: [bad_label]"):
        assert expected in message


def test_train_labels_skip_bad_keeps_the_problems_apart(tmp_path: Path) -> None:
    rows = [{"id": f"r{i}", "text": f"被骗了{i}", "labels": "诈骗"} for i in range(20)] + ["oops"]
    data = read_labelled_file(_write(tmp_path / "l.jsonl", rows), "offence", skip_bad=True, dev_fraction=0.3)
    assert len(data.rows) == 20 and [p.line for p in data.problems] == [21]


def test_train_labels_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_labelled_file(tmp_path / "missing.jsonl", "offence")
    only_dev = _write(tmp_path / "d.jsonl", [{"text": "被骗了", "labels": "诈骗", "split": "dev"}])
    with pytest.raises(InputError, match="no rows in the train split"):
        read_labelled_file(only_dev, "offence")
    no_labels = _write(tmp_path / "n.jsonl", [{"text": f"路灯坏了{i}", "labels": []} for i in range(20)])
    with pytest.raises(InputError, match="no labels at all"):
        read_labelled_file(no_labels, "offence", dev_fraction=0.3)
    with pytest.raises(InputError, match="unknown task"):
        parse_rows([], "sentiment")
