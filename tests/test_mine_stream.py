"""``mine`` streams its extractions: the spool gives back exactly what was written, the link
tables built chunk by chunk equal those built at once, and the outputs do not depend on the chunk."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_incident_judging import AS_OF, CASES, COMPLAINTS, _distractors, _write

import clue_miner
from clue_miner.errors import InputError
from clue_miner.io.spool import SpoolWriter, decode, encode, read_spool
from clue_miner.link.features import SideTables, complaint_tables
from clue_miner.link.incidents import LinkInputs
from clue_miner.types import Complaint

TEXTS = [c["text"] for c in COMPLAINTS] + [
    "我叫刘科连，上个月15号在网上被人以刷单为名骗了五万块，对方电话138 1234 5678，身份证号110101199003074477",
    "小区路灯坏了三个月没人修。",
    "2023年5月被张某打成轻微伤，赔了两千多，车牌川A·5K7R2的车主也在场。",
]
RECEIVED = ["2024-09-01", "2024-08-15", "2024-05-01", "2024-06-10", "2024-06-01", None, "2024-01-02"]


@pytest.fixture(scope="module")
def extractions() -> list:
    return list(clue_miner.extract_many(TEXTS, RECEIVED))


def test_spool_round_trip_keeps_every_field(extractions: list, tmp_path: Path) -> None:
    assert any(len(e.incidents) > 1 for e in extractions)  # several-incident letters are covered
    for ext in extractions:
        assert decode(encode(ext), ext.text) == ext
        assert decode(encode(ext), ext.text).category.scores == ext.category.scores  # not compared by ==
    assert any(e.category.scores for e in extractions)
    path = tmp_path / "spool.parquet"
    with SpoolWriter(path, row_group=3) as spool:
        for i, ext in enumerate(extractions):
            spool.write(f"C{i}", ext)
    back = list(read_spool(path, ((f"C{i}", e.text) for i, e in enumerate(extractions))))
    assert back == extractions


def test_spool_out_of_step_is_an_error(extractions: list, tmp_path: Path) -> None:
    path = tmp_path / "spool.parquet"
    with SpoolWriter(path) as spool:
        spool.write("C0", extractions[0])
        spool.write("C1", extractions[1])
    with pytest.raises(InputError, match="out of step"):
        list(read_spool(path, [("C1", TEXTS[1]), ("C0", TEXTS[0])]))
    with pytest.raises(InputError, match="fewer"):
        list(read_spool(path, [("C0", TEXTS[0]), ("C1", TEXTS[1]), ("C2", TEXTS[2])]))
    (tmp_path / "other.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(Exception):  # noqa: B017 - pyarrow's own error for a file that is no Parquet
        list(read_spool(tmp_path / "other.parquet", []))


def test_link_inputs_in_chunks_equal_at_once(extractions: list) -> None:
    complaints = [Complaint(id=f"C{i}", text=t) for i, t in enumerate(TEXTS)]
    whole = LinkInputs()
    whole.add(complaints, extractions)
    chunked = LinkInputs()
    for i in range(0, len(complaints), 2):
        chunked.add(complaints[i:i + 2], extractions[i:i + 2])
    for a, b in ((SideTables.concat(whole.whole), SideTables.concat(chunked.whole)),
                 (SideTables.concat(whole.units), SideTables.concat(chunked.units))):
        assert a.main.equals(b.main) and a.items.equals(b.items) and a.names.equals(b.names)
    assert SideTables.concat(whole.whole).main.equals(complaint_tables(complaints, extractions).main)
    assert whole.unit_keys == chunked.unit_keys and whole.background() == chunked.background()
    assert whole.several == chunked.several and whole.several_rows == chunked.several_rows
    assert whole.n_units > 0 and whole.n_rows == chunked.n_rows == len(complaints)
    # the background is the masked text of every complaint that tells one incident, in order
    from clue_miner.link.features import masked_text

    assert whole.background() == [masked_text(c.text, e.entities) for i, (c, e) in
                                  enumerate(zip(complaints, extractions, strict=True)) if i not in whole.several_rows]


def test_mine_outputs_do_not_depend_on_the_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clue_miner import mine as mine_module

    complaints = COMPLAINTS + [replace_id(c, f"{c['id']}b") for c in COMPLAINTS]
    src = _write(tmp_path / "complaints.jsonl", complaints)
    cases = _write(tmp_path / "cases.jsonl", CASES + _distractors())
    outputs = []
    for chunk in (2048, 3):
        monkeypatch.setattr(mine_module, "_LINK_CHUNK", chunk)
        out = tmp_path / f"out{chunk}"
        mine_module.mine(src, cases, out, as_of=AS_OF, workers=1)
        assert not [p for p in out.iterdir() if p.name.startswith(".work")]  # the spool is gone
        outputs.append({name: (out / name).read_bytes() for name in ("clues.jsonl", "matches.jsonl",
                                                                    "extractions.jsonl")})
    assert outputs[0] == outputs[1]
    assert b"UNFILED" in outputs[0]["clues.jsonl"]


def replace_id(row: dict, new: str) -> dict:
    return {**row, "id": new}


def test_find_clues_adds_up_unlinked_complaints_against_one_suspect_from_a_stream() -> None:
    """Three thefts below the line by one phone number, no case: 多次盗窃, one UNFILED clue over all
    three (the items wait for the whole stream); a fourth victim of another phone stays alone."""
    from clue_miner.clues.decide import ClueSettings
    from clue_miner.clues.engine import find_clues
    from clue_miner.knowledge.thresholds import default_thresholds

    theft = "{d}我放在楼下的电动车电瓶被人偷了，价值800元，小偷留下的电话是{p}，报警后派出所一直没有立案。"
    texts = [theft.format(d=d, p="13912345678") for d in ("3月2日", "4月9日", "5月20日")]
    texts.append(theft.format(d="6月1日", p="13698765432"))
    complaints = [Complaint(id=f"T{i}", text=t) for i, t in enumerate(texts)]
    exts = list(clue_miner.extract_many(texts, ["2024-06-10"] * len(texts)))
    clues = find_clues(iter(complaints), iter(exts), {}, {}, default_thresholds(), ClueSettings(as_of=AS_OF))
    grouped = [c for c in clues if c.complaint_ids == ("T0", "T1", "T2")]
    assert len(grouped) == 1 and grouped[0].clue_type == "UNFILED"
    assert any("同一嫌疑人涉及3件投诉" in r for r in grouped[0].reasons)
    assert not any("T3" in c.complaint_ids for c in clues)  # 800 yuan once is below the line
