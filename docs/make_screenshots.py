"""Screenshots of the review app on the demo run, for docs/screenshots/ (headless Debian chromium).

    .venv/bin/clue-miner mine --complaints corpora/demo/complaints.csv --cases corpora/demo/cases.csv \\
        --out out/demo --as-of 2025-06-30
    .venv/bin/python docs/make_screenshots.py out/demo docs/screenshots
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from clue_miner.review.app import create_app
from clue_miner.store import Store
from clue_miner.store.auth import add_user
from clue_miner.store.importer import import_run


def main(out_dir: str, shots: str) -> None:
    target = Path(shots)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "clues.sqlite")
        with store.session() as db:
            import_run(db, out_dir)
            add_user(db, "zhang", "supervisor", "zhang-password")
        server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=8799, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto("http://127.0.0.1:8799/login")
            page.fill("#user", "zhang")
            page.fill("#password", "zhang-password")
            page.click("#login")
            page.wait_for_url("**/clues")
            page.select_option("select[name=type]", "REFUSED")
            page.click("#apply")
            page.wait_for_url("**type=REFUSED**")
            page.screenshot(path=str(target / "clue_list.png"))
            page.locator(".clue-link").first.click()
            page.wait_for_url("**/clues/REFUSED-*")
            page.screenshot(path=str(target / "clue_page.png"), full_page=True)
            browser.close()
        server.should_exit = True
        store.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
