from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from clue_miner.link import case_tables, complaint_tables, link_frames
from clue_miner.link import taxonomy as tax
from clue_miner.link.taxonomy import canonical_offence, offence_family
from clue_miner.types import Complaint, Entity, Extraction, Facts, Offence


def _items(table) -> set[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    d = table.items.to_pydict()
    return set(zip(d["_id"], d["kind"], d["value"], strict=True))


def _names(table) -> set[tuple[int, str, str, bool, str]]:  # type: ignore[no-untyped-def]
    d = table.names.to_pydict()
    return set(zip(d["_id"], d["role"], d["name"], d["partial"], d["surname"], strict=True))


def test_link_features_complaint_roles_and_items() -> None:
    ents = (
        Entity("PERSON", 0, 2, "张某", "张某", {"role": "suspect", "partial": True, "surname": "张"}),
        Entity("PERSON", 0, 2, "王五", "王五", {"role": "other"}),
        Entity("PERSON", 0, 2, "赵警官", "赵警官", {"role": "officer"}),
        Entity("PHONE", 0, 11, "13800138000", "13800138000"),
        Entity("PLATE", 0, 8, "浙A·12345", "浙A12345"),
        Entity("LOCATION", 0, 5, "文三路8号", "文三路8号"),
    )
    comp = Complaint("C1", "…", datetime(2024, 6, 1, 9, 30), complainant="李四", complainant_phone="13900000001",
                     region="西湖区")
    ex = Extraction("…", ents, (Offence("诈骗", "criminal", 0.9),), facts=Facts(amount=5000.0))
    t = complaint_tables([comp], [ex])
    main = t.main.to_pylist()[0]
    assert main["ext_id"] == "C1" and main["amount"] == 5000.0 and main["region"] == "西湖区"
    assert main["rday"] == (date(2024, 6, 1) - date(1970, 1, 1)).days and main["iday"] is None
    assert main["location"] == "文三路8号"
    items = _items(t)
    assert {(0, "phone", "13800138000"), (0, "phone", "13900000001"), (0, "plate", "浙A12345"),
            (0, "offence", "诈骗"), (0, "area", "西湖区"), (0, "street", "文三路")} <= items
    names = _names(t)
    assert (0, "s", "张某", True, "张") in names
    assert (0, "s", "王五", False, "王") in names and (0, "v", "王五", False, "王") in names
    assert (0, "v", "李四", False, "李") in names
    assert not any(n[2] == "赵警官" for n in names)


def test_link_features_incident_and_received_dates() -> None:
    comp = Complaint("C1", "…", datetime(2024, 6, 1))
    ex = Extraction("…", facts=Facts(incident_date=date(2024, 5, 1)))
    main = complaint_tables([comp], [ex]).main.to_pylist()[0]
    assert main["iday"] == (date(2024, 5, 1) - date(1970, 1, 1)).days
    assert main["rday"] == (date(2024, 6, 1) - date(1970, 1, 1)).days


def test_link_features_case_frame_is_forgiving() -> None:
    frame = pd.DataFrame({
        "case_id": [101, 102],
        "offence": ["盗窃案", None],
        "accepted_at": [None, None],
        "filed_at": ["2024-05-02", None],
        "status_at": pd.to_datetime(["2024-06-01", "2024-06-02"]).tz_localize("Asia/Shanghai"),
        "suspects": ["张三;李某", None],
        "suspect_phones": [["138 0013 8000"], float("nan")],
        "victims": [["王芳"], []],
        "region": ["西湖区", None],
        "amount": ["5000", None],
    })
    t = case_tables(frame)
    main = t.main.to_pylist()
    assert [m["ext_id"] for m in main] == ["101", "102"]
    assert main[0]["iday"] == (date(2024, 5, 2) - date(1970, 1, 1)).days
    assert main[1]["iday"] == (date(2024, 6, 2) - date(1970, 1, 1)).days
    assert main[0]["rday"] is None
    assert main[0]["amount"] == 5000.0 and main[1]["amount"] is None
    items = _items(t)
    assert (0, "phone", "13800138000") in items and (0, "offence", "盗窃") in items
    names = _names(t)
    assert (0, "s", "张三", False, "张") in names and (0, "s", "李某", True, "李") in names
    assert (0, "v", "王芳", False, "王") in names


def test_link_features_taxonomy_fallback() -> None:
    tax.reset_cache()
    assert canonical_offence("涉嫌诈骗案") == "诈骗"
    assert canonical_offence("【盗窃罪】") == "盗窃"
    assert canonical_offence("盗窃案件") == "盗窃"
    assert canonical_offence("  ") is None
    assert offence_family("诈骗") in {"诈骗", "fraud"}


def test_link_features_taxonomy_family_level(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fake:
        def canonical(self, text: str) -> str | None:
            return {"合同诈骗罪": "合同诈骗", "诈骗案": "诈骗"}.get(text, text.rstrip("罪案"))

        def family(self, name: str) -> str:
            return "fraud" if "诈骗" in name else name

    tax.reset_cache()
    monkeypatch.setattr(tax, "_taxonomy", lambda: Fake())
    try:
        frame = pd.DataFrame({"case_id": ["K1"], "offence": ["诈骗案"], "accepted_at": ["2024-05-12"],
                              "suspects": [["张伟"]]})
        comp = Complaint("C1", "…")
        ex = Extraction("…", (Entity("PERSON", 0, 2, "张伟", "张伟", {"role": "suspect"}),),
                        (Offence("合同诈骗罪", "criminal", 0.9),), facts=Facts(incident_date=date(2024, 5, 12)))
        result = link_frames([comp], [ex], frame)
        assert result.matches[0].comparisons["offence"] == "family"
    finally:
        monkeypatch.undo()
        tax.reset_cache()


def test_link_features_cases_from_path_and_case_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    io_cases = pytest.importorskip("clue_miner.io.cases")
    path = tmp_path / "cases.csv"
    path.write_text("案件编号,案件类别,案件状态,案由,受案时间,嫌疑人\nK1,刑事,立案,诈骗案,2024-05-12,张伟;李某\n",
                    encoding="utf-8")
    from_path = case_tables(str(path))
    from_table = case_tables(io_cases.read_cases(path))
    assert from_path.main.to_pylist() == from_table.main.to_pylist()
    assert from_path.main.to_pylist()[0]["ext_id"] == "K1"
    assert (0, "s", "李某", True, "李") in _names(from_path)
