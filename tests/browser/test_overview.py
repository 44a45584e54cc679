"""The overview: headline figures follow the filters and link to their view with filters kept."""

from __future__ import annotations

import re

from tests.browser.helpers import axe_violations, chart_data, goto, login, wait_idle


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


def make_pack(page) -> str:
    """Click the findings-pack button and wait for its download link; return the link."""
    page.click("#overview-pack-button")
    link = page.locator("#overview-pack-download")
    link.wait_for(timeout=60_000)
    return link.get_attribute("href")


def test_findings_pack_is_made_in_the_background_and_downloads(page, app_server, tmp_path):
    goto(page, app_server, "/?type=acute")
    page.click("#overview-pack-button")
    page.locator("#overview-pack-status").get_by_text("Making the findings pack").wait_for(timeout=10_000)
    link = page.locator("#overview-pack-download")
    link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert re.fullmatch(r"smq-monitor-findings-\d{4}-\d{2}-\d{2}\.html", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "Trust type: Acute" in text
    assert "Synthetic demo data" in text
    assert "://" not in text
    for cp_words in (
        "Challenged providers only",
        "Challenged providers moved into SMQ",
        "cp_only",
        "On the CP list",
    ):
        assert cp_words not in text


def test_a_pack_made_for_an_analyst_is_not_served_to_the_public(page, app_server, browser):
    login(page, app_server, "analyst")
    goto(page, app_server, "/")
    href = make_pack(page)
    mine = page.request.get(app_server.url + href)
    assert mine.status == 200 and "On the CP list" in mine.text()
    stranger = browser.new_context(base_url=app_server.url)
    try:
        assert stranger.request.get(app_server.url + href).status == 404
        assert stranger.request.get(app_server.url + href.removesuffix("/download")).status == 404
    finally:
        stranger.close()


def test_overview_is_accessible(page, app_server):
    goto(page, app_server, "/")
    assert axe_violations(page) == []
