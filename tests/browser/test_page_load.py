"""A page load: few callback requests, the content computed once, compressed answers."""

from __future__ import annotations

import json

import pytest

from tests.browser.helpers import page_paths, wait_idle

PAGES = [path + "?type=acute" if path == "/trajectories" else path for path in page_paths()]
# The content callbacks' first outputs, by the prefix of their component ids.
CONTENT = (
    "overview-",
    "trajectories-",
    "timelines-",
    "interventions-",
    "costs-",
    "groups-",
    "impact-",
    "monitoring-",
    "data-",
    "trust-",
)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_arrives_drawn_after_a_few_requests_and_computes_its_content_once(page, app_server, path):
    path = path.format(code=app_server.director_trusts[0])
    posts: list[dict] = []
    page.on(
        "request",
        lambda r: (
            posts.append({"body": json.loads(r.post_data), "encoding": None})
            if r.method == "POST" and "_dash-update-component" in r.url
            else None
        ),
    )
    encodings: list[str | None] = []
    page.on(
        "response",
        lambda r: (
            encodings.append(r.headers.get("content-encoding"))
            if "_dash-update-component" in r.url and int(r.headers.get("content-length") or 1000) > 600
            else None
        ),
    )
    page.goto(app_server.url + path)
    wait_idle(page)
    outputs = [p["body"].get("output", "") for p in posts]
    content = [o for o in outputs if o.lstrip(".").startswith(CONTENT)]
    if path.startswith("/trust/"):
        # A trust's profile is drawn in parts, as each is ready (skeletons stand in): each part is
        # asked for once, side by side, and nothing twice.
        assert len(posts) <= 7, outputs
        assert len(content) == len(set(content)) >= 3, content
    else:
        assert len(posts) <= 4, outputs
        assert content == [], f"the content came with the page, yet was asked for again: {content}"
    charts = page.locator(".js-plotly-plot")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p._fullData && p._fullData.length).length"
    )
    # Pages whose first view always has data to plot (the monitoring page's chart waits for a
    # trust, and a trust's profile may have no regime to draw for the public).
    if path.split("?")[0] not in ("/monitoring", "/data", "/groups") and not path.startswith("/trust/"):
        assert charts.count() and drawn >= 1, "the page's charts arrived without traces"
    assert encodings and all(e in ("br", "gzip") for e in encodings), encodings


def test_a_filter_change_asks_for_the_content_once(page, app_server):
    page.goto(app_server.url + "/costs")
    wait_idle(page)
    posts: list[str] = []
    page.on(
        "request",
        lambda r: (
            posts.append(json.loads(r.post_data).get("output", ""))
            if r.method == "POST" and "_dash-update-component" in r.url
            else None
        ),
    )
    page.evaluate(
        "() => { window.history.pushState({}, '', '/costs?type=acute'); window.dispatchEvent(new PopStateEvent('popstate')); }"
    )
    page.wait_for_function("() => window.location.search.includes('type=acute')")
    wait_idle(page)
    content = [o for o in posts if "costs-by-group.figure" in o]
    assert len(content) == 1, posts
