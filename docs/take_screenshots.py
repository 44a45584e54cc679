"""Take the README's screenshots: `python docs/take_screenshots.py [BASE_URL]`.

Expects a running server with the demo data (`make run`) and signs in as an analyst when
SMQ_SCREENSHOT_USER and SMQ_SCREENSHOT_PASSWORD are set, so CP data shows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(os.environ.get("SMQ_SCREENSHOT_DIR") or Path(__file__).resolve().parent / "screenshots")
FULL_PAGE = os.environ.get("SMQ_SCREENSHOT_FULL") == "1"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "overview": "/",
    "trajectories": "/trajectories?type=acute&type=acute_and_community&align=smq_entry",
    "timelines": "/timelines",
    "interventions": "/interventions",
    "costs": "/costs",
    "data": "/data",
}


def shoot(page, url: str, name: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0")
    page.wait_for_timeout(800)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=FULL_PAGE)
    print("wrote", OUT / f"{name}.png")


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
            shoot(page, base + path, name)
            if name == "overview":  # a trust profile: the first trust the overview links to
                trust = page.locator("a[href^='/trust/']").first.get_attribute("href")
                shoot(page, base + trust, "trust")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050")
