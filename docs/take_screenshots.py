"""Take the README's screenshots: `python docs/take_screenshots.py [BASE_URL]`.

Expects a running server with the demo data (`make run`) and signs in as an analyst when
SMQ_SCREENSHOT_USER and SMQ_SCREENSHOT_PASSWORD are set, so CP data shows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PAGES = {
    "overview": "/",
    "trajectories": "/trajectories?type=acute&type=acute_and_community&align=smq_entry",
    "timelines": "/timelines",
    "interventions": "/interventions",
    "costs": "/costs",
    "data": "/data",
}


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        user, password = os.environ.get("SMQ_SCREENSHOT_USER"), os.environ.get("SMQ_SCREENSHOT_PASSWORD")
        if user and password:
            page.goto(base + "/login")
            page.fill("#login-username", user)
            page.fill("#login-password", password)
            with page.expect_navigation():
                page.click("#login-submit")
        for name, path in PAGES.items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_function("() => document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / f"{name}.png"))
            print("wrote", OUT / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050")
