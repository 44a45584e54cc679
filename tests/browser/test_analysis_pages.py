"""Impact and monitoring, as a visitor uses them: both open anonymously and pass axe; the event
control redraws the event study and goes into the URL; a matrix cell opens that trust's CUSUM."""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.helpers import axe_violations, chart_data, current_query, goto, wait_for_chart, wait_idle

SHOTS = Path(os.environ.get("SMQ_SCREENSHOTS", "/tmp/smq-screenshots"))


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def kinds(traces: list[dict]) -> set[str]:
    return {(t.get("meta") or {}).get("kind") for t in traces if isinstance(t.get("meta"), dict)}


def test_impact_opens_anonymously_and_the_event_control_redraws_and_writes_the_url(page, app_server):
    goto(page, app_server, "/impact")
    traces = wait_for_chart(page, "impact-chart", lambda d: "points" in kinds(d))
    assert {"band", "points"} <= kinds(traces)
    assert page.locator("#impact-estimates").is_visible()
    assert page.locator("#impact-summary").inner_text().strip()
    assert page.get_by_label("Entry into intensive support").is_checked()
    assert not axe_violations(page)
    shoot(page, "impact")

    before = chart_data(page, "impact-chart")
    page.get_by_label("SMQ exit").check()
    page.wait_for_function("() => window.location.search.includes('align=smq_exit')")
    wait_idle(page)
    after = wait_for_chart(page, "impact-chart", lambda d: d != before)
    assert after != before
    assert "align=smq_exit" in current_query(page)
    page.go_back()
    page.wait_for_function("() => !window.location.search.includes('align=smq_exit')")
    wait_idle(page)
    assert page.get_by_label("Entry into intensive support").is_checked()


def test_monitoring_opens_anonymously_and_a_cell_opens_the_trusts_cusum(page, app_server):
    goto(page, app_server, "/monitoring")
    page.wait_for_function("() => document.querySelectorAll('#monitoring-grid .ag-row').length > 0")
    images = page.locator("#monitoring-grid .smq-icon-cell img")
    assert images.count() > 0
    assert all(images.nth(i).get_attribute("alt") for i in range(min(images.count(), 20)))
    assert not axe_violations(page)
    shoot(page, "monitoring-matrix")

    cell = page.locator("#monitoring-grid .ag-cell.smq-icon-cell:has(a)").first
    cell.click(position={"x": 2, "y": 2})  # focus the cell, not its link
    page.wait_for_timeout(200)
    assert "trust=" not in current_query(page)
    page.keyboard.press("Enter")  # a focused cell opens with Enter
    page.wait_for_function("() => window.location.search.includes('trust=')")
    wait_idle(page)
    assert "metric=" in current_query(page)
    traces = wait_for_chart(page, "monitoring-cusum", lambda d: {"up", "down"} <= kinds(d))
    assert {"up", "down"} <= kinds(traces)
    assert "baseline of 12 points" in page.locator("#monitoring-cusum-note").inner_text()
    page.wait_for_function("() => document.querySelectorAll('#monitoring-grid .ag-row').length > 1")
    assert not axe_violations(page)
    shoot(page, "monitoring-cusum")
