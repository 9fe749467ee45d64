"""Gold consistency of the synthetic corpus: case links, clue rules, identifiers, groups, amounts, dates."""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # corpora/ is not an installed package; plain `pytest` does not add the repo root
    sys.path.insert(0, _ROOT)

from corpora.generate import generate  # noqa: E402
from corpora.synth.ids import is_luhn_valid, is_valid_id  # noqa: E402

AS_OF = date(2025, 6, 30)
PRIVATE = {"侮辱", "诽谤", "虐待", "暴力干涉婚姻自由", "侵占"}
CLUES = ("UNFILED", "REFUSED", "PENALTY_INSTEAD", "WITHDRAWN", "STALLED")


@pytest.fixture(scope="module")
def demo():
    return generate(300, 250, 7, "2025-06-30")


@pytest.fixture(scope="module")
def larger():
    return generate(3000, 2500, 11, AS_OF)


def _cases(kdf: pd.DataFrame) -> dict[str, dict]:
    return {r["case_id"]: r for r in kdf.to_dict("records")}


def test_corpora_generate_deterministic(demo):
    c1, k1, g1, m1 = demo
    c2, k2, g2, m2 = generate(300, 250, 7, "2025-06-30")
    pd.testing.assert_frame_equal(c1, c2)
    pd.testing.assert_frame_equal(k1, k2)
    assert g1 == g2 and m1 == m2
    c3, _, _, _ = generate(300, 250, 8, "2025-06-30")
    assert not c1["text"].equals(c3["text"])


def test_corpora_generate_columns_and_counts(demo):
    cdf, kdf, gold, manifest = demo
    assert list(cdf.columns) == ["id", "text", "received_at", "channel", "title", "complainant", "complainant_phone", "region"]
    assert list(kdf.columns)[:4] == ["case_id", "case_kind", "status", "offence"]
    assert len(cdf) == len(gold) == 300 and len(kdf) == 250
    assert cdf["id"].is_unique and kdf["case_id"].is_unique
    assert [g["id"] for g in gold] == cdf["id"].tolist()
    assert manifest["stall_days"] == 365 and manifest["as_of"] == "2025-06-30" and manifest["seed"] == 7
    assert sum(manifest["labels"]["clue_type"].values()) == 300


def test_corpora_gold_case_ids_exist(demo):
    _, kdf, gold, _ = demo
    ids = set(kdf["case_id"])
    assert all(g["case_id"] in ids for g in gold if g["case_id"])


def _expected_clue(g: dict, case: dict | None) -> str | None:
    """The clue rules, restated from LEGAL_NOTES independently of the generator."""
    if g["category"] != "crime" or g["offence"] in PRIVATE:
        return None
    if case is None:
        return "UNFILED"
    if case["case_kind"] == "刑事" and case["status"] == "不予立案":
        return "REFUSED"
    if case["case_kind"] == "行政" and case["status"] == "行政处罚" and case["penalty"]:
        return "PENALTY_INSTEAD"
    if case["case_kind"] == "刑事" and case["status"] == "撤案":
        return "WITHDRAWN"
    if case["case_kind"] == "刑事" and case["status"] == "立案":
        filed = date.fromisoformat(case["filed_at"])
        return "STALLED" if (AS_OF - filed).days > 365 else None
    return None


@pytest.mark.parametrize("which", ["demo", "larger"])
def test_corpora_gold_clue_rules_follow_case_status(which, request):
    _, kdf, gold, _ = request.getfixturevalue(which)
    cases = _cases(kdf)
    for g in gold:
        case = cases.get(g["case_id"]) if g["case_id"] else None
        assert g["clue_type"] == _expected_clue(g, case), g
        if g["category"] in ("civic", "civil"):
            assert g["offence"] is None
        else:
            assert g["offence"]


def test_corpora_gold_every_clue_type_present(demo):
    _, _, gold, _ = demo
    counts = Counter(g["clue_type"] for g in gold)
    for clue in CLUES:
        assert counts[clue] >= 15, counts  # at least 5% of 300
    cats = Counter(g["category"] for g in gold)
    assert 0.40 <= (cats["civic"] + cats["civil"]) / 300 <= 0.50
    assert 0.12 <= cats["administrative"] / 300 <= 0.18
    assert 0.36 <= cats["crime"] / 300 <= 0.44


def test_corpora_gold_null_clues_cover_hard_cases(larger):
    _, kdf, gold, _ = larger
    cases = _cases(kdf)
    kinds = Counter()
    for g in gold:
        case = cases.get(g["case_id"]) if g["case_id"] else None
        if g["clue_type"] is None and case is not None:
            kinds[(g["category"], case["status"], g["offence"] in PRIVATE)] += 1
    assert kinds[("crime", "不予立案", True)] > 0          # private prosecution refused
    assert kinds[("civil", "不予立案", False)] > 0         # refused, and rightly: not a crime
    assert kinds[("administrative", "行政处罚", False)] > 0  # administrative matter, penalised
    assert kinds[("crime", "移送起诉", False)] > 0 and kinds[("crime", "立案", False)] > 0


def test_corpora_identifiers_checksum_valid(larger):
    _, kdf, gold, _ = larger
    ids = [i for cell in kdf["suspect_ids"] if cell for i in cell.split(";")]
    assert ids and all(is_valid_id(i) for i in ids)
    phones = [p for cell in kdf["suspect_phones"].tolist() + kdf["victim_phones"].tolist() if cell for p in cell.split(";")]
    assert all(re.fullmatch(r"1\d{10}", p) for p in phones)
    cards = [g["facts"]["bank_card"] for g in gold if g["facts"] and "bank_card" in g["facts"]]
    assert cards and all(is_luhn_valid(c) for c in cards)


def test_corpora_case_dates_consistent(larger):
    _, kdf, _, _ = larger
    for r in kdf.to_dict("records"):
        acc = date.fromisoformat(r["accepted_at"])
        st = date.fromisoformat(r["status_at"])
        assert acc <= st <= AS_OF
        if r["filed_at"]:
            filed = date.fromisoformat(r["filed_at"])
            assert acc <= filed <= st and r["case_kind"] == "刑事"
        if r["status"] in ("立案", "撤案", "移送起诉") or (r["status"] == "结案" and r["case_kind"] == "刑事"):
            assert r["filed_at"], r
        if r["status"] in ("不予立案", "受案") or r["case_kind"] == "行政":
            assert not r["filed_at"], r
        assert bool(r["penalty"]) == (r["status"] == "行政处罚") or r["status"] == "结案"


def test_corpora_distractors_share_offences(larger):
    _, kdf, gold, manifest = larger
    linked = {g["case_id"] for g in gold if g["case_id"]}
    distractors = kdf[~kdf["case_id"].isin(linked)]
    assert len(distractors) / len(kdf) >= 0.30
    assert manifest["counts"]["distractor_cases"] == len(distractors)
    linked_offences = set(kdf[kdf["case_id"].isin(linked)]["offence"])
    assert distractors["offence"].isin(linked_offences).mean() > 0.5


def test_corpora_groups_share_suspect_and_clue(larger):
    cdf, kdf, gold, _ = larger
    groups: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        if g["group"]:
            groups[g["group"]].append(g)
    assert len(groups) >= 20
    units = Counter(m[0]["unit"] for m in groups.values())
    assert units["group"] and units["dup"] and units["subsum"]
    for members in groups.values():
        assert 2 <= len(members) <= 6
        assert len({m["clue_type"] for m in members}) == 1
        assert len({m["suspect"] for m in members}) == 1
        assert len({m["case_id"] for m in members}) == 1
        if members[0]["unit"] == "subsum":
            amounts = [m["amount"] for m in members]
            assert all(a <= 2700 for a in amounts) and sum(amounts) >= 3300
            assert all(m["clue_type"] == "UNFILED" and m["category"] == "crime" for m in members)
            assert all("累计" in m["notes"] for m in members)
    dup_ids = [m["id"] for ms in groups.values() if ms[0]["unit"] == "dup" for m in ms]
    by_id = cdf.set_index("id")
    for ms in (ms for ms in groups.values() if ms[0]["unit"] == "dup"):
        first, second = (by_id.loc[m["id"]] for m in ms)
        if first["complainant_phone"] and second["complainant_phone"]:  # one may be masked (158****1846)
            assert first["complainant_phone"][-4:] == second["complainant_phone"][-4:]
        assert first["received_at"] != second["received_at"]
    assert dup_ids


_CN = {c: i for i, c in enumerate("零一二三四五六七八九")} | {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")} | {"两": 2}
_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}


def _cn_value(s: str) -> int:
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN:
            digit = _CN[ch]
        elif ch in _UNIT:
            section += (1 if digit is None else digit) * _UNIT[ch]
            digit = None
        elif ch in "万亿":
            section += digit or 0
            total += section * (10000 if ch == "万" else 10**8)
            section, digit = 0, None
    return total + section + (digit or 0)


def _parse_money(text: str) -> float | None:
    s = re.sub(r"^人民币|(元整|元钱|块钱|元|块)$", "", text).replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(万|千)?", s)
    if m:
        return float(m.group(1)) * {"万": 10000, "千": 1000, None: 1}[m.group(2)]
    m = re.fullmatch(r"([零一二三四五六七八九十两百千]+)万", s)
    if m:
        return _cn_value(m.group(1)) * 10000
    if re.fullmatch(r"[零一二三四五六七八九十两百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+", s):
        return _cn_value(s)
    return None


def test_corpora_amounts_agree_with_text(larger):
    cdf, _, gold, _ = larger
    texts = dict(zip(cdf["id"], cdf["text"], strict=True))
    checked = 0
    for g in gold:
        if g["amount_text"] is None or g["variant"] is not None:
            continue
        assert g["amount_text"] in texts[g["id"]], g
        if g["amount_approx"]:
            continue
        value = _parse_money(g["amount_text"])
        assert value is not None, g["amount_text"]
        assert value == pytest.approx(g["amount"]), g
        checked += 1
    assert checked > 500


def _parse_date(text: str, received: date) -> date | None:
    m = re.fullmatch(r"(\d{4})[年.-](\d{1,2})[月.-](\d{1,2}) ?[日号]?", text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{2})年(\d{1,2})月(\d{1,2})号", text)
    if m:
        return date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(今年|去年|前年)?(\d{1,2})月(\d{1,2}) ?[日号]", text)
    if m:
        year = received.year - {"去年": 1, "前年": 2}.get(m.group(1) or "", 0)
        return date(year, int(m.group(2)), int(m.group(3)))
    rel = {"今天": 0, "昨天": 1, "昨晚": 1, "前天": 2, "大前天": 3}
    if text in rel:
        return received - timedelta(days=rel[text])
    m = re.fullmatch(r"上个月(\d{1,2})号", text)
    if m:
        prev = received.replace(day=1) - timedelta(days=1)
        return date(prev.year, prev.month, int(m.group(1)))
    return None


def test_corpora_dates_agree_with_text(larger):
    cdf, _, gold, _ = larger
    rows = cdf.set_index("id")
    checked = 0
    for g in gold:
        if not g["date_text"] or not g["date_exact"]:
            continue
        received = datetime.strptime(rows.loc[g["id"], "received_at"], "%Y-%m-%d %H:%M:%S").date()
        parsed = _parse_date(g["date_text"], received)
        if parsed is None:
            continue
        assert parsed.isoformat() == g["incident_date"], g
        assert date.fromisoformat(g["incident_date"]) <= received
        checked += 1
    assert checked > 500


def test_corpora_text_noise_present(larger):
    cdf, _, gold, _ = larger
    variants = Counter(g["variant"] for g in gold)
    assert variants["traditional"] > 10 and variants["fullwidth"] > 10
    typos = [g for g in gold if g["phone_typo"]]
    assert typos
    for g in typos[:50]:
        shown = re.sub(r"\D", "", g["phone_text"])[-11:]
        assert sum(a != b for a, b in zip(shown, g["suspect_phone"], strict=True)) == 1
    styles = Counter(g["style"] for g in gold)
    assert {"first", "third", "call", "workorder"} <= set(styles)
    assert cdf["channel"].nunique() >= 5
    assert any("被骗" in t or "诈骗" in t for t, g in zip(cdf["text"], gold, strict=True) if g["category"] == "civic")
