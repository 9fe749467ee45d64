"""The clue store: schema by Alembic, idempotent import, stable keys, outcomes, workflow, exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from review_support import ID_NUMBER, PHONE, make_run, make_store
from sqlalchemy import func, select, text

from clue_miner.errors import InputError
from clue_miner.store import Store
from clue_miner.store.actions import apply_action, record_verdict
from clue_miner.store.auth import add_user, authenticate, verify_password
from clue_miner.store.importer import import_run
from clue_miner.store.models import Audit, ClueRow, Step, User
from clue_miner.store.privacy import mask
from clue_miner.store.queries import (
    ClueFilter,
    clue_detail,
    counts,
    export_labels,
    export_table,
    list_clues,
    overdue,
)
from clue_miner.store.workflow import WorkflowError

REFUSED, PENALTY, UNFILED = "REFUSED-aaaaaaaaaaaa", "PENALTY_INSTEAD-bbbbbbbbbbbb", "UNFILED-cccccccccccc"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path)
    yield s
    s.dispose()


def _user(db, name: str) -> User:
    return db.scalar(select(User).where(User.name == name))


def test_schema_is_made_by_alembic(store: Store) -> None:
    with store.session() as db:
        assert db.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    Store(store.url.removeprefix("sqlite:///"))  # opening again: already at head, nothing to do


def test_import_keeps_texts_cases_and_is_idempotent(tmp_path: Path) -> None:
    s = Store(tmp_path / "s.sqlite")
    out = make_run(tmp_path / "data")
    with s.session() as db:
        first = import_run(db, out)
    assert not first.already_imported and first.counts["clues_new"] == 3
    with s.session() as db:
        again = import_run(db, out)
        assert again.already_imported and again.run_id == first.run_id
        assert db.scalar(select(func.count()).select_from(ClueRow)) == 3
        detail = clue_detail(db, REFUSED)
    assert detail["complaints"][0]["text"].startswith("我叫王芳")
    assert detail["cases"][0]["case_id"] == "K1" and detail["cases"][0]["unit"] == "城东派出所"
    assert detail["matches"][0]["weights"]["victim"] == 12.5


def test_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    out = make_run(tmp_path / "data")
    (tmp_path / "data" / "run1_complaints.csv").unlink()
    with Store(tmp_path / "s.sqlite").session() as db, pytest.raises(InputError, match="--complaints"):
        import_run(db, out)


def test_later_run_records_filing_after_supervision(store: Store, tmp_path: Path) -> None:
    with store.session() as db:
        sup = _user(db, "sup")
        record_verdict(db, sup, REFUSED, "confirmed")
        apply_action(db, sup, REFUSED, "request_reasons", date(2024, 11, 20), "检监[2024]1号")
    later = make_run(tmp_path / "data", "run2",
                     case_updates={"K1": {"status": "立案", "filed_at": "2024-12-01", "status_at": "2024-12-01"},
                                   "K3": {"status": "立案", "filed_at": "2024-12-02"}},
                     clue_ids=(PENALTY,), extra_matches=(("C3", "K3"),))
    with store.session() as db:
        result = import_run(db, later)
        assert result.counts["outcomes"] == 2
        refused, unfiled = clue_detail(db, REFUSED), clue_detail(db, UNFILED)
        assert refused["status"] == "reason_requested"  # a later run never rewrites what people did
        assert refused["outcome"] == "filed" and refused["filed_after_supervision"]
        assert unfiled["outcome"] == "filed" and not unfiled["filed_after_supervision"]
        assert counts(db)["filed_after_supervision"] == 1
        assert [h["status"] for h in refused["cases"][0]["history"]] == ["不予立案", "立案"]
    with store.session() as db:  # the same later run again: no second outcome
        assert import_run(db, later).already_imported
        assert len(clue_detail(db, REFUSED)["outcomes"]) == 1


def test_workflow_moves_with_due_dates_and_roles(store: Store) -> None:
    with store.session() as db:
        rev, sup = _user(db, "rev"), _user(db, "sup")
        with pytest.raises(WorkflowError):
            apply_action(db, rev, REFUSED, "request_reasons")  # not yet supported
        apply_action(db, rev, REFUSED, "start_review")
        record_verdict(db, rev, REFUSED, "confirmed", note="事实清楚")
        assert db.get(ClueRow, REFUSED).status == "supported"
        with pytest.raises(WorkflowError, match="supervisor"):
            apply_action(db, rev, REFUSED, "request_reasons")
        sent = date.today() - timedelta(days=10)
        step = apply_action(db, sup, REFUSED, "request_reasons", sent, "检监[2024]2号")
        assert step.due_at == sent + timedelta(days=7)
        late = overdue(db)
        assert [r["clue_id"] for r in late] == [REFUSED] and late[0]["days_overdue"] == 3
        apply_action(db, rev, REFUSED, "reply_received", date.today())
        assert overdue(db) == []
        notice = apply_action(db, sup, REFUSED, "filing_notice", date.today())
        assert notice.due_at == date.today() + timedelta(days=15)
        apply_action(db, rev, REFUSED, "filed")
        apply_action(db, sup, REFUSED, "follow_up")
        assert db.get(ClueRow, REFUSED).status == "followed_up"
        assert db.scalar(select(func.count()).select_from(Step).where(Step.clue_id == REFUSED)) == 7
        with pytest.raises(InputError):
            apply_action(db, sup, PENALTY, "start_review", date.today() + timedelta(days=1))
        actions = [a.detail.get("step") for a in db.scalars(select(Audit).where(Audit.action == "step"))]
        assert actions[:2] == ["start_review", "request_reasons"]


def test_verdict_checks_offence_and_exports_labels(store: Store) -> None:
    with store.session() as db:
        rev = _user(db, "rev")
        with pytest.raises(InputError):
            record_verdict(db, rev, PENALTY, "offence_corrected")
        with pytest.raises(InputError):
            record_verdict(db, rev, PENALTY, "offence_corrected", corrected_offence="不存在的罪名")
        with pytest.raises(InputError):
            record_verdict(db, rev, PENALTY, "maybe")
        record_verdict(db, rev, PENALTY, "offence_corrected", corrected_offence="抢夺罪")
        record_verdict(db, rev, REFUSED, "rejected")
        assert db.get(ClueRow, REFUSED).status == "not_supported"
        body, stats = export_labels(db, "offence")
    rows = {r["id"]: r for r in map(json.loads, body.splitlines())}
    assert rows["C2"]["labels"] == ["抢夺"] and rows["C1"]["labels"] == []
    assert stats["rows"] == 2


def test_list_filters_search_and_masks(store: Store) -> None:
    with store.session() as db:
        assert list_clues(db, ClueFilter())["total"] == 3
        assert [c["clue_id"] for c in list_clues(db, ClueFilter(clue_type="UNFILED"))["items"]] == [UNFILED]
        assert list_clues(db, ClueFilter(q="电动车"))["items"][0]["clue_id"] == PENALTY
        assert list_clues(db, ClueFilter(q="K1"))["total"] == 1
        assert list_clues(db, ClueFilter(q="%' OR 1=1 --"))["total"] == 0  # bound parameters, LIKE escaped
        assert [c["score"] for c in list_clues(db, ClueFilter(sort="score", desc=False))["items"]] == [0.7, 0.8, 0.91]
        assert list_clues(db, ClueFilter(min_score=0.75))["total"] == 2
        item = list_clues(db, ClueFilter(clue_type="REFUSED"))["items"][0]
        assert PHONE not in item["summary"] and ID_NUMBER not in item["summary"] and "138****5678" in item["summary"]
        csv_bytes = export_table(db, ClueFilter(), "csv")
        assert csv_bytes.startswith(b"\xef\xbb\xbf") and PHONE.encode() not in csv_bytes
        assert export_table(db, ClueFilter(), "xlsx")[:2] == b"PK"
        assert clue_detail(db, "nope") is None


def test_passwords_are_argon2_and_logins_limited(store: Store) -> None:
    with store.session() as db:
        user = _user(db, "rev")
        assert user.password_hash.startswith("$argon2id$") and "reviewer-pass" not in user.password_hash
        assert verify_password(user.password_hash, "reviewer-pass")
        with pytest.raises(InputError):
            add_user(db, "weak", "reviewer", "short")
        with pytest.raises(InputError):
            add_user(db, "rev", "reviewer", "another-pass")
        with pytest.raises(InputError):
            add_user(db, "x", "admin", "another-pass")
        assert authenticate(db, "rev", "reviewer-pass", "1.2.3.4").user is not None
        for _ in range(5):
            assert authenticate(db, "rev", "wrong-password", "1.2.3.4").user is None
        limited = authenticate(db, "rev", "reviewer-pass", "1.2.3.4")
        assert limited.user is None and limited.limited


def test_mask() -> None:
    assert mask(f"电话{PHONE}") == "电话138****5678"
    assert mask("手机185 8403 9400，138-1234-5678") == "手机185 **** 9400，138-****-5678"
    spaced = "卡号6222 0212 3456 7890 123，电话（0731）8888 6666"  # what the patterns miss, the extraction's spans cover
    card, phone = "6222 0212 3456 7890 123", "（0731）8888 6666"
    ents = [{"label": "BANK_CARD", "start": spaced.index(card), "end": spaced.index(card) + len(card)},
            {"label": "PHONE", "start": spaced.index(phone), "end": spaced.index(phone) + len(phone)},
            {"label": "PERSON", "start": 0, "end": 2}]
    assert mask(spaced, ents) == "卡号622* **** **** **** 123，电话（07**）**** 6666"
    assert ID_NUMBER not in mask(f"身份证{ID_NUMBER}") and mask("金额2120元，2024年5月12日") == "金额2120元，2024年5月12日"


def test_a_complaint_linked_per_incident_keeps_both_matches(tmp_path: Path) -> None:
    """matches.jsonl may hold the same (complaint, case) pair once per incident."""
    out = make_run(tmp_path / "data", extra_matches=(("C1", "K1"),))
    lines = (out / "matches.jsonl").read_text(encoding="utf-8").splitlines()
    twice = [json.loads(x) for x in lines if '"C1"' in x]
    twice[0]["incident"], twice[1]["incident"] = 0, 1
    (out / "matches.jsonl").write_text("\n".join(json.dumps(m, ensure_ascii=False) for m in
                                                 [*twice, *(json.loads(x) for x in lines if '"C1"' not in x)]) + "\n",
                                       encoding="utf-8")
    s = Store(tmp_path / "s.sqlite")
    with s.session() as db:
        result = import_run(db, out)
        assert result.counts["matches"] == 3 and result.counts["outcomes"] == 0
        assert len(clue_detail(db, REFUSED)["matches"]) == 2
