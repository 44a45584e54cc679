"""Uptake: the matrix agrees with /download/uptake.csv and follows the filters and the `by` control."""

from __future__ import annotations

import csv
import io

import requests

from tests.browser.helpers import chart_data, goto, wait_for_chart, wait_idle


def grid_rows(page) -> list[dict]:
    page.wait_for_function("() => document.querySelectorAll('#interventions-grid .ag-row').length > 0")
    return page.evaluate(
        """() => { const api = dash_ag_grid.getApi('interventions-grid'); const rows = [];
                   api.forEachNode(n => rows.push(n.data)); return rows; }"""
    )


def test_uptake_matrix_agrees_with_the_download(page, app_server):
    goto(page, app_server, "/interventions?type=acute")
    shown = {r["trust_code"]: r for r in grid_rows(page)}
    download = requests.get(app_server.url + "/download/uptake.csv?type=acute").text
    rows = {r["trust_code"]: r for r in csv.DictReader(io.StringIO(download))}
    assert set(shown) == set(rows) and shown
    words = {
        "delivered": "Delivered",
        "not_delivered": "Not delivered",
        "no_data": "No data",
        "": "Nothing recorded",
    }
    for code, row in rows.items():
        assert words[row["improvement_director"]] == shown[code]["improvement_director"]
        assert words[row["buddying"]] == shown[code]["buddying"]


def test_by_control_changes_the_rates_and_follows_the_url(page, app_server):
    goto(page, app_server, "/interventions")
    by_group = chart_data(page, "interventions-rates")[0]["y"]
    page.get_by_role("radio", name="Trust type").check()
    page.wait_for_function("() => window.location.search.includes('by=type')")
    wait_idle(page)
    by_type = wait_for_chart(page, "interventions-rates", lambda d: d and d[0]["y"] != by_group)[0]["y"]
    assert by_type != by_group and "Acute" in by_type
    goto(page, app_server, "/interventions?type=mental_health")
    counts = chart_data(page, "interventions-counts")
    total = sum(sum(t["x"]) for t in counts) / len(counts[0]["x"])
    goto(page, app_server, "/interventions")
    everyone = chart_data(page, "interventions-counts")
    assert total < sum(sum(t["x"]) for t in everyone) / len(everyone[0]["x"])
