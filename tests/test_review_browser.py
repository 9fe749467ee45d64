"""The review app in a real browser: headless Chromium (Debian's package) driven by Playwright logs
in, filters, opens a clue, sees the highlights, records a verdict and a notice, and sees the state
change. Screenshots of the list and the clue page go to ``$CLUE_MINER_SCREENSHOTS`` (default: the
test's temporary folder); a failing run leaves its screenshots in ``test-artifacts/browser``."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_support import PHONE, make_store

CHROMIUM = Path(os.environ.get("CLUE_MINER_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"
REFUSED = "REFUSED-aaaaaaaaaaaa"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    from clue_miner.review.app import create_app

    store = make_store(tmp_path, users=(("sup", "supervisor", "supervisor-pass"),))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    store.dispose()


@pytest.fixture()
def page(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    sync = pytest.importorskip("playwright.sync_api")
    shots = Path(os.environ.get("CLUE_MINER_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.shots = shots  # type: ignore[attr-defined]
        failed = True
        try:
            yield pg
            failed = False
        finally:
            if failed or getattr(request.node, "rep_failed", False):
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                try:
                    pg.screenshot(path=str(ARTIFACTS / "at_failure.png"), full_page=True)
                except Exception:  # noqa: BLE001 - the page may be gone; keep what was taken
                    pass
                for f in shots.glob("*.png"):
                    shutil.copy(f, ARTIFACTS / f.name)
            browser.close()


def test_review_in_a_real_browser(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/clues")
    assert page.url.endswith("/login")
    page.fill("#user", "sup")
    page.fill("#password", "supervisor-pass")
    page.click("#login")
    page.wait_for_url("**/clues")
    assert page.locator("#clue-table tbody tr").count() == 3
    assert PHONE not in page.content()  # masked in the list
    page.select_option("select[name=type]", "REFUSED")
    page.click("#apply")
    page.wait_for_url("**type=REFUSED**")
    assert page.locator("#clue-table tbody tr").count() == 1
    page.screenshot(path=str(page.shots / "clue_list.png"), full_page=True)
    page.click(f"text={REFUSED}")
    page.wait_for_url(f"**/clues/{REFUSED}")
    marks = page.locator("#complaint-1 mark")
    assert marks.count() >= 4
    colours = {marks.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in range(marks.count())}
    assert len(colours) >= 3  # persons, identifiers and offence evidence in different colours
    assert page.locator("script").count() == 0 and "<script>alert" in page.inner_text("#complaint-1")
    assert page.inner_text("#state") == "待审查"
    page.screenshot(path=str(page.shots / "clue_page.png"), full_page=True)
    page.check("input[name=verdict][value=confirmed]")
    page.click("#save-verdict")
    page.wait_for_url("**saved=verdict")
    assert page.inner_text("#state") == "线索成立"
    page.select_option("#action", "request_reasons")
    page.fill("input[name=date]", "2024-01-02")
    page.fill("#doc_no", "检监[2024]1号")
    page.click("#save-step")
    page.wait_for_url("**saved=step")
    assert page.inner_text("#state") == "已要求说明不立案理由"
    assert "已逾期" in page.inner_text("#history")
    page.click("text=逾期与统计")
    page.wait_for_url("**/overdue")
    assert REFUSED in page.inner_text("#overdue")
    page.screenshot(path=str(page.shots / "overdue.png"), full_page=True)
