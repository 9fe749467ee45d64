"""The review app's HTTP contract, from outside: login on every route, CSRF, escaping, roles,
masking, cookie flags, rate limits, verdicts and notices recorded and exported."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_support import ID_NUMBER, PHONE, SCRIPT, make_run, make_store

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from clue_miner.cli_store import serve  # noqa: E402
from clue_miner.review.app import create_app  # noqa: E402
from clue_miner.store import Store  # noqa: E402

REFUSED = "REFUSED-aaaaaaaaaaaa"
BASE = "http://127.0.0.1"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path)
    yield s
    s.dispose()


def client(store: Store, user: str | None = None) -> TestClient:
    c = TestClient(create_app(store), base_url=BASE)
    if user is not None:
        r = c.post("/api/login", json={"user": user, "password": f"{'reviewer' if user == 'rev' else 'supervisor'}-pass"})
        assert r.status_code == 200, r.text
    return c


def csrf(c: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": c.get("/api/session").json()["csrf"]}


GETS = ["/", "/clues", f"/clues/{REFUSED}", "/overdue", "/users", "/audit", "/export/clues.csv", "/export/clues.xlsx",
        "/export/labels", "/api/session", "/api/clues", f"/api/clues/{REFUSED}", "/api/overdue", "/api/export/labels"]
POSTS = ["/logout", f"/clues/{REFUSED}/verdict", f"/clues/{REFUSED}/step", "/users", "/api/logout",
         f"/api/clues/{REFUSED}/verdict", f"/api/clues/{REFUSED}/steps"]


def test_every_route_but_login_needs_a_session(store: Store) -> None:
    c = client(store)
    assert c.get("/healthz").text == "ok" and c.get("/login").status_code == 200
    for path in GETS + POSTS:
        r = c.request("POST" if path in POSTS else "GET", path, follow_redirects=False)
        if path.startswith("/api/"):
            assert r.status_code == 401, path
        else:
            assert r.status_code == 303 and r.headers["location"] == "/login", path


def test_login_cookie_flags_and_wrong_password(store: Store) -> None:
    c = client(store)
    assert c.post("/api/login", json={"user": "rev", "password": "nope-nope"}).status_code == 401
    assert c.post("/api/login", json={"user": "' OR '1'='1", "password": "' OR '1'='1"}).status_code == 401
    assert c.post("/api/login", data={"user": "rev", "password": "reviewer-pass"}).status_code == 400  # JSON only
    r = c.post("/api/login", json={"user": "rev", "password": "reviewer-pass"})
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
    assert c.get("/api/session").json()["role"] == "reviewer"
    r = c.post("/api/logout", headers=csrf(c))
    assert r.status_code == 200 and c.get("/api/clues").status_code == 401


def test_logins_are_rate_limited(store: Store) -> None:
    c = client(store)
    for _ in range(5):
        assert c.post("/api/login", json={"user": "sup", "password": "wrong-one"}).status_code == 401
    assert c.post("/api/login", json={"user": "sup", "password": "supervisor-pass"}).status_code == 429


def test_wrong_or_missing_csrf_token_is_refused(store: Store) -> None:
    c = client(store, "rev")
    url = f"/api/clues/{REFUSED}/verdict"
    assert c.post(url, json={"verdict": "confirmed"}).status_code == 403
    assert c.post(url, json={"verdict": "confirmed"}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert c.post(f"/clues/{REFUSED}/verdict", data={"verdict": "confirmed", "csrf_token": "forged"}).status_code == 403
    assert c.get(f"/api/clues/{REFUSED}").json()["verdicts"] == []
    other = client(store, "sup")  # another session's token is no good either
    assert c.post(url, json={"verdict": "confirmed"}, headers=csrf(other)).status_code == 403
    login = TestClient(create_app(store), base_url=BASE)  # the login form's double-submit token
    assert login.post("/login", data={"user": "rev", "password": "reviewer-pass", "csrf_token": "x"}).status_code == 403


def test_login_form_then_pages(store: Store) -> None:
    c = TestClient(create_app(store), base_url=BASE)
    page = c.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post("/login", data={"user": "rev", "password": "reviewer-pass", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/clues"
    html = c.get("/clues?type=REFUSED").text
    assert REFUSED in html and "PENALTY_INSTEAD-bbbbbbbbbbbb" not in html


def test_complaint_text_is_escaped_everywhere(store: Store, tmp_path: Path) -> None:
    c = client(store, "sup")
    for path in (f"/clues/{REFUSED}", "/clues", "/clues?q=" + SCRIPT):
        body = c.get(path).text
        assert SCRIPT not in body and "<script" not in body.lower(), path
    assert "&lt;script&gt;" in c.get(f"/clues/{REFUSED}").text
    assert "script-src" not in c.get("/clues").headers["content-security-policy"]  # default-src 'none'
    assert c.get("/clues").headers["x-frame-options"] == "DENY"
    from clue_miner.review.report import write_report

    html = tmp_path / "report.html"
    assert write_report(make_run(tmp_path / "r"), html) == 3
    text = html.read_text(encoding="utf-8")
    assert SCRIPT not in text and "&lt;script&gt;" in text and "<mark" in text and "http" not in text.split("<body>")[0]


def test_masking_in_lists_whole_on_the_clue_page(store: Store) -> None:
    c = client(store, "rev")
    listing = c.get("/api/clues").text + c.get("/clues").text + c.get("/export/clues.csv").text
    assert PHONE not in listing and ID_NUMBER not in listing and "138****5678" in listing
    assert PHONE in c.get(f"/clues/{REFUSED}").text and PHONE in c.get(f"/api/clues/{REFUSED}").text
    from sqlalchemy import select

    from clue_miner.store.models import Audit

    with store.session() as db:  # who saw the unmasked texts, and when
        seen = db.scalars(select(Audit).where(Audit.action == "view")).all()
        assert [(a.user_name, a.target) for a in seen] == [("rev", REFUSED)] * 2


def test_clue_page_highlights_and_explains(store: Store) -> None:
    c = client(store, "rev")
    html = c.get(f"/clues/{REFUSED}").text
    assert html.count("<mark") >= 4  # entities and offence cues
    assert "#ff9e80" in html and "#b3d9ff" in html  # offence evidence and persons in different colours
    assert "phone_and_name" in html and "+12.5" in html  # which comparisons agreed, in bits
    assert 'class="waterfall"' in html and html.count("<rect") >= 3  # a waterfall chart per match
    assert "全国默认标准" in html  # the threshold applied and its source
    detail = c.get(f"/api/clues/{REFUSED}").json()
    for key in ("clue_id", "clue_type", "score", "offence", "status", "complaint_ids", "case_ids", "complaints",
                "evidence", "cases", "matches", "reasons", "verdicts", "steps"):
        assert key in detail
    assert c.get("/api/clues/NOPE").status_code == 404
    listing = c.get("/api/clues?limit=1&offset=1&sort=score&order=asc").json()
    assert listing["total"] == 3 and len(listing["items"]) == 1 and listing["items"][0]["score"] == 0.8
    for key in ("clue_id", "clue_type", "score", "offence", "status", "complaint_ids", "case_ids"):
        assert key in listing["items"][0]


def test_verdict_recorded_and_exported(store: Store) -> None:
    c = client(store, "rev")
    r = c.post(f"/api/clues/{REFUSED}/verdict", json={"verdict": "offence_corrected", "corrected_offence": "合同诈骗",
                                                      "note": "<b>备注</b>"}, headers=csrf(c))
    assert r.status_code == 200 and r.json()["status"] == "supported"
    assert r.json()["verdicts"][0]["corrected_offence"] == "合同诈骗"
    assert "&lt;b&gt;备注&lt;/b&gt;" in c.get(f"/clues/{REFUSED}").text
    bad = c.post(f"/api/clues/{REFUSED}/verdict", json={"verdict": "whatever"}, headers=csrf(c))
    assert bad.status_code == 400
    assert c.post(f"/api/clues/{REFUSED}/verdict", content=b"not json", headers={**csrf(c), "content-type":
                  "application/json"}).status_code == 400
    rows = [json.loads(x) for x in c.get("/api/export/labels?task=offence").text.splitlines()]
    assert rows == [{**rows[0], "id": "C1", "labels": ["合同诈骗"]}]
    assert c.get("/api/export/labels?task=nonsense").status_code == 400


def test_notices_are_for_supervisors_and_overdue_listed(store: Store) -> None:
    rev, sup = client(store, "rev"), client(store, "sup")
    rev.post(f"/api/clues/{REFUSED}/verdict", json={"verdict": "confirmed"}, headers=csrf(rev))
    step = {"action": "request_reasons", "date": "2024-01-02", "doc_no": "检监[2024]9号"}
    assert rev.post(f"/api/clues/{REFUSED}/steps", json=step, headers=csrf(rev)).status_code == 409
    r = sup.post(f"/api/clues/{REFUSED}/steps", json=step, headers=csrf(sup))
    assert r.status_code == 200 and r.json()["status"] == "reason_requested"
    assert r.json()["steps"][-1]["due"] == "2024-01-09"
    over = rev.get("/api/overdue").json()
    assert [x["clue_id"] for x in over["items"]] == [REFUSED] and over["counts"]["by_state"]["reason_requested"] == 1
    assert "检监[2024]9号" in rev.get("/overdue").text
    assert sup.post(f"/api/clues/{REFUSED}/steps", json={"action": "fly"}, headers=csrf(sup)).status_code == 409
    assert sup.post(f"/api/clues/{REFUSED}/steps", json={"action": "reply_received", "date": "soon"},
                    headers=csrf(sup)).status_code == 400


def test_only_supervisors_manage_users(store: Store) -> None:
    rev, sup = client(store, "rev"), client(store, "sup")
    assert rev.get("/users").status_code == 403
    token = csrf(rev)["X-CSRF-Token"]
    assert rev.post("/users", data={"name": "eve", "role": "supervisor", "password": "eve-password",
                                    "csrf_token": token}).status_code == 403
    token = csrf(sup)["X-CSRF-Token"]
    r = sup.post("/users", data={"name": "carol", "role": "reviewer", "password": "carol-password",
                                 "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client(store).post("/api/login", json={"user": "carol", "password": "carol-password"}).status_code == 200
    assert "eve" not in sup.get("/users").text
    assert rev.get("/audit").status_code == 403
    trail = sup.get("/audit").text
    assert "user_add" in trail and "carol" in trail and "login" in trail


def test_serve_binds_to_localhost_by_default() -> None:
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_waterfall_geometry() -> None:
    import math

    from clue_miner.review.render import waterfall

    m = {"score": 0.9, "comparisons": {"suspect": "phone", "date": "over_90_days"},
         "weights": {"suspect": 16.0, "date": -3.5}}
    w = waterfall(m, width=100)
    names = [r["name"] for r in w["rows"]]
    assert names == ["prior", "suspect", "date", "total"]
    prior = w["rows"][0]["bits"]
    assert math.isclose(prior + 16.0 - 3.5, math.log2(0.9 / 0.1))  # bars add up to the score's bits
    assert math.isclose(w["rows"][-1]["bits"], math.log2(9.0))
    assert [r["colour"] for r in w["rows"][1:3]] == ["#2e8b57", "#c0392b"]  # evidence for / against
    assert all(0 <= r["x"] and r["x"] + r["w"] <= 100.5 for r in w["rows"])  # inside the chart
    assert [r["name"] for r in waterfall({"score": 1.0, "weights": {"a": 40.0}})["rows"]] == ["a", "total"]
