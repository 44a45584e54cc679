"""The data page: definitions, the rules in words, data quality and the CSV format."""

from __future__ import annotations

from data_access.csv_format import FILES
from tests.browser.helpers import axe_violations, chart_data, goto, login


def test_definitions_rules_quality_and_format_are_shown(page, app_server):
    goto(page, app_server, "/data")
    assert page.locator("#data-metrics-table tbody tr").count() > 10
    assert "Synthetic" in page.locator("#data-dataset").inner_text()
    spc_rules = page.locator("#data-spc-rules").inner_text()
    assert "7 or more consecutive points" in spc_rules
    heatmap = chart_data(page, "data-coverage")
    assert heatmap and heatmap[0]["type"] == "heatmap"
    shares = [s for row in heatmap[0]["z"] for s in row if s is not None and s == s]  # blank cells are NaN
    assert shares and all(0 <= s <= 1 for s in shares)
    for spec in FILES:
        assert page.locator(f"#data-format-{spec.stem} tbody tr").count() == len(spec.columns)
    assert "smq-monitor import DIR" in page.locator("#data-format").inner_text()


def test_cp_group_rules_only_for_those_who_may_see_cp(page, app_server):
    goto(page, app_server, "/data")
    public_rules = page.locator("#data-group-rules").inner_text()
    assert "Challenged providers only" not in public_rules
    assert page.locator("#data-group-rules li").count() == 4
    login(page, app_server, "analyst")
    goto(page, app_server, "/data")
    assert page.locator("#data-group-rules li").count() == 6


def test_coverage_follows_the_filters_and_the_page_is_accessible(page, app_server):
    goto(page, app_server, "/data?type=ambulance")
    rows = chart_data(page, "data-coverage")[0]["y"]
    assert "Ambulance: Category 1 mean response time" in rows
    assert not any(name.startswith("A&E") for name in rows)
    assert axe_violations(page) == []
