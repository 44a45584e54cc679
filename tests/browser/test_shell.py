"""The frame every view lives in: pages open, filters live in the URL, sign-in works, no CP leaks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, current_query, goto, login, wait_idle

PAGES = ["/", "/trajectories", "/timelines", "/interventions", "/costs", "/data", "/login"]


@pytest.mark.parametrize("path", PAGES + ["/trust/{code}"])
def test_every_page_opens_anonymously_and_passes_axe(page, app_server, path):
    path = path.format(code=app_server.director_trusts[0])
    goto(page, app_server, path)
    assert page.locator(".smq-wordmark").inner_text() == "smq-monitor"
    assert page.locator("#synthetic-banner").is_visible(), (
        "the synthetic dataset must be labelled on every page"
    )
    assert page.locator("#public-notice").is_visible()
    assert "Traceback" not in page.content()
    violations = axe_violations(page)
    assert violations == [], violations


def test_every_page_opens_signed_in(page, app_server):
    login(page, app_server, "analyst")
    for path in PAGES[:-1]:
        goto(page, app_server, path)
        assert "Analyst" in page.locator("#smq-user").inner_text()
        assert page.locator("#synthetic-banner").is_visible()
        assert not page.locator("#public-notice").count()


def dropdown_choose(page, dropdown_id: str, option_text: str) -> None:
    page.click(f"#{dropdown_id}")
    page.locator(".dash-dropdown-option", has_text=option_text).first.click()
    page.keyboard.press("Escape")


def test_filters_round_trip_through_the_url(page, app_server):
    goto(page, app_server, "/timelines?type=acute&group=clear_improver")
    bar = page.locator("#filter-bar")
    assert "Acute" in page.locator("#filter-type").inner_text()
    assert "Clear performance improvers" in page.locator("#filter-group").inner_text()
    assert "clear_improver" not in bar.inner_text()

    dropdown_choose(page, "filter-type", "Mental health")
    page.wait_for_function("() => window.location.search.includes('mental_health')")
    wait_idle(page)
    assert "type=acute" in current_query(page) and "type=mental_health" in current_query(page)

    page.go_back()
    page.wait_for_function("() => !window.location.search.includes('mental_health')")
    wait_idle(page)
    assert "Mental health" not in page.locator("#filter-type").inner_text()

    # A copied link reproduces the view in a fresh page.
    goto(page, app_server, "/costs" + current_query(page))
    assert "Acute" in page.locator("#filter-type").inner_text()


def test_navigation_keeps_the_filters(page, app_server):
    goto(page, app_server, "/?type=acute")
    page.click("#nav-timelines")
    page.wait_for_url("**/timelines?type=acute")
    wait_idle(page)
    assert "Acute" in page.locator("#filter-type").inner_text()


def test_bad_url_parameters_are_ignored_with_a_notice(page, app_server):
    goto(page, app_server, "/timelines?type=hospital&from=2015-99-01&align=sideways&colour=red")
    notices = page.locator("#url-notices").inner_text()
    assert "hospital" in notices and "2015-99-01" in notices and "colour" in notices
    assert page.locator("#page-content").inner_text().strip()


def test_sign_in_failure_says_the_same_for_unknown_user_and_wrong_password(page, app_server):
    messages = []
    for username in ("no-such-user", app_server.users["analyst"][0]):
        goto(page, app_server, "/login")
        page.fill("#login-username", username)
        page.fill("#login-password", "wrong-password")
        with page.expect_navigation():
            page.click("#login-submit")
        wait_idle(page)
        messages.append(page.locator("#login-error").inner_text())
    assert messages[0] == messages[1]
    assert "Public view" in page.locator("#smq-user").inner_text()


def test_sign_out_returns_to_the_public_view(page, app_server):
    login(page, app_server, "regulator")
    page.click(".smq-signout")
    page.click("#logout-submit")
    page.wait_for_url(app_server.url + "/")
    wait_idle(page)
    assert "Public view" in page.locator("#smq-user").inner_text()


def test_public_filter_bar_offers_no_cp_choices(page, app_server):
    goto(page, app_server, "/")
    page.click("#filter-group")
    options = page.locator(".dash-dropdown-option").all_inner_texts()
    page.keyboard.press("Escape")
    assert options and not any("Challenged" in o for o in options)


def test_the_trust_search_keeps_the_url_trust_and_finds_others(page, app_server):
    # Its options reach the dropdown after the page has drawn (callbacks/shell.py): until then it
    # must keep the trust the URL names, and then show that trust by name.
    code = app_server.director_trusts[0]
    goto(page, app_server, f"/trajectories?trust={code}")
    trust = page.locator("#filter-trust")
    expect(trust).to_contain_text(f"({code})", timeout=15_000)
    assert f"trust={code}" in current_query(page)

    trust.click()
    page.keyboard.type("NHS")
    others = page.locator(".dash-dropdown-option").filter(has_not_text=f"({code})")
    other = others.first.inner_text().strip()
    others.first.click()
    chosen = other.rsplit("(", 1)[1].rstrip(")")
    page.wait_for_function(f"() => window.location.search.includes('trust={chosen}')")
    wait_idle(page)
    expect(trust).to_contain_text(f"({chosen})")
