"""Time to a drawn chart in headless Chromium, and the callback requests made before it."""

from __future__ import annotations

import time
from dataclasses import dataclass

# Drawn: every named chart holds a Plotly plot with at least one trace (an empty dcc.Graph,
# as first rendered before its callback answers, has none).
DRAWN_JS = """(ids) => ids.every(id => {
  const root = document.getElementById(id);
  if (!root) return false;
  const plot = root.classList.contains('js-plotly-plot') ? root : root.querySelector('.js-plotly-plot');
  return !!(plot && plot._fullData && plot._fullData.length > 0);
})"""


@dataclass(frozen=True)
class PageLoad:
    seconds: float
    posts: int


class Browser:
    """One headless Chromium (Debian's, never a downloaded one) with a context per site, so that
    each site's scripts are cached after its first, untimed, load as a returning visitor's are."""

    def __init__(self, executable: str, args: list[str]) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        self._contexts: dict[str, object] = {}

    def _context(self, site: str):
        if site not in self._contexts:
            self._contexts[site] = self._browser.new_context(viewport={"width": 1440, "height": 900})
        return self._contexts[site]

    def load(self, site: str, url: str, chart_ids: list[str], timeout_ms: float = 300_000) -> PageLoad:
        """Navigate to `url` and wait until every chart in `chart_ids` is drawn; count the POSTs
        to Dash's callback endpoint made by then."""
        page = self._context(site).new_page()
        posts = 0

        def count(request) -> None:
            nonlocal posts
            if request.method == "POST" and "/_dash-update-component" in request.url:
                posts += 1

        page.on("request", count)
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        page.on(
            "response",
            lambda r: (
                problems.append(f"HTTP {r.status} {r.request.method} {r.url}") if r.status >= 400 else None
            ),
        )
        try:
            started = time.perf_counter()
            page.goto(url, wait_until="commit", timeout=timeout_ms)
            try:
                page.wait_for_function(DRAWN_JS, arg=chart_ids, timeout=timeout_ms, polling="raf")
            except Exception as error:  # say which site, page and charts, and what the page saw
                seen = "\n".join(problems[-20:]) or "no page error, console error or failed request"
                raise RuntimeError(f"{site}: {chart_ids} not drawn at {url}: {error}\n{seen}") from error
            elapsed = time.perf_counter() - started
            return PageLoad(elapsed, posts)
        finally:
            page.close()

    def close(self) -> None:
        for context in self._contexts.values():
            context.close()
        self._browser.close()
        self._playwright.stop()
