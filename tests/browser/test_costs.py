"""Cost-consequence: the table agrees with /download/costs.csv; the metric chooser follows the URL."""

from __future__ import annotations

import csv
import io

import requests

from tests.browser.helpers import current_query, goto, wait_idle, wait_until


def grid_rows(page) -> list[dict]:
    page.wait_for_function("() => document.querySelectorAll('#costs-grid .ag-row').length > 0")
    return page.evaluate(
        """() => { const rows = []; dash_ag_grid.getApi('costs-grid').forEachNode(n => rows.push(n.data)); return rows; }"""
    )


def test_cca_table_agrees_with_the_download(page, app_server):
    goto(page, app_server, "/costs?group=clear_improver")
    shown = {r["trust_code"]: r for r in grid_rows(page)}
    rows = {
        r["trust_code"]: r
        for r in csv.DictReader(
            io.StringIO(requests.get(app_server.url + "/download/costs.csv?group=clear_improver").text)
        )
    }
    assert shown and set(shown) == set(rows)
    for code, row in rows.items():
        assert round(float(row["total_cost_gbp"])) == round(shown[code]["total_cost_gbp"])
        assert int(row["smq_days"]) == shown[code]["smq_days"]
        assert (row["exited_smq"] == "true") == (shown[code]["exited"] == "yes")
    assert all(r["group"] == "Clear performance improvers" for r in shown.values())


def test_key_metric_choice_changes_the_consequence_and_the_url(page, app_server):
    goto(page, app_server, "/costs")
    before = [r["metric_change"] for r in grid_rows(page)]
    assert any(v.startswith(("↑", "↓", "→")) for v in before)
    page.click("#costs-metric")
    page.locator(".dash-dropdown-option", has_text="Staff sickness").first.click()
    page.wait_for_function("() => window.location.search.includes('metric=sickness')")
    wait_idle(page)
    assert "metric=sickness" in current_query(page)
    after = wait_until(
        page, lambda: [r["metric_change"] for r in grid_rows(page)], lambda changes: changes != before
    )
    assert after != before
