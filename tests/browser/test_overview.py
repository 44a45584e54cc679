"""The overview: headline figures follow the filters and link to their view with filters kept."""

from __future__ import annotations

from tests.browser.helpers import chart_data, goto, login, wait_idle


def kpi_value(page, key: str) -> str:
    return page.locator(f"#overview-kpi-{key} .smq-kpi-value").inner_text()


def test_headlines_follow_the_filters_and_link_with_filters_kept(page, app_server):
    goto(page, app_server, "/")
    everyone = int(kpi_value(page, "median-months").strip() != "–")
    groups_all = chart_data(page, "overview-groups")[0]["x"]
    goto(page, app_server, "/?type=mental_health")
    groups_mh = chart_data(page, "overview-groups")[0]["x"]
    assert sum(groups_mh) < sum(groups_all), "the group counts follow the type filter"
    assert everyone == 1
    page.click("#overview-kpi-smq-now a")
    page.wait_for_url("**/timelines?type=mental_health")
    wait_idle(page)
    assert "Mental health" in page.locator("#filter-type").inner_text()


def test_cp_headline_only_for_those_who_may_see_it(page, app_server):
    goto(page, app_server, "/")
    assert page.locator("#overview-kpi-cp-now").count() == 0
    assert not any(t["name"] and "CP" in t["name"] for t in chart_data(page, "overview-counts"))
    login(page, app_server, "analyst")
    goto(page, app_server, "/")
    assert page.locator("#overview-kpi-cp-now").count() == 1
    assert page.locator("#overview-recent-list li").count() > 0
