"""The trust profile: renders for an SMQ trust, hides CP from the public, explains unknown codes."""

from __future__ import annotations

import requests

from tests.browser.helpers import goto, login, wait_idle


def smq_trust(app_server) -> str:
    text = requests.get(app_server.url + "/download/trusts.csv?regime=smq").text.splitlines()
    return text[1].split(",")[0]


def test_profile_of_an_smq_trust(page, app_server):
    code = smq_trust(app_server)
    goto(page, app_server, f"/trust/{code}")
    assert code in page.locator("#trust-header").inner_text()
    assert page.locator("#trust-indicators-table tbody tr").count() > 3
    assert page.locator("#trust-indicators-table img").count() > 3
    assert page.locator("#trust-ratings-table .rating-pill").count() > 0


def test_public_sees_no_cp_episode_of_a_cp_trust_but_its_director_does(page, app_server):
    code = app_server.director_trusts[0]
    goto(page, app_server, f"/trust/{code}")
    text = page.locator("#page-content").inner_text()
    assert "Challenged" not in text and "CP" not in page.locator("#trust-header").inner_text()
    login(page, app_server, "improvement_director")
    goto(page, app_server, f"/trust/{code}")
    names = page.evaluate(
        "() => document.querySelector('#trust-regime .js-plotly-plot')._fullData.map(t => t.name)"
    )
    assert "Challenged Providers" in names


def test_unknown_code_is_explained(page, app_server):
    goto(page, app_server, "/trust/NOPE1")
    assert "no trust with code" in page.locator("#page-content").inner_text()


def test_each_part_shows_a_skeleton_until_it_arrives(page, app_server):
    """The profile comes at once as grey placeholders; a part that is ready replaces its own while
    a slower one still shows its skeleton, busy for assistive technology."""
    code = smq_trust(app_server)
    held = []

    def hold_indicators(route):
        # Hold the indicators' answer (the slowest part) until the test has looked.
        if route.request.method == "POST" and '"output":"trust-indicators.children"' in (
            route.request.post_data or ""
        ):
            held.append(route)
        else:
            route.continue_()

    page.route("**/*", hold_indicators)
    page.goto(app_server.url + f"/trust/{code}", wait_until="domcontentloaded")
    page.wait_for_selector("#trust-header h1", timeout=30_000)
    assert held, "the indicators were asked for on their own"
    card = page.locator("section.smq-card", has=page.locator("#trust-indicators"))
    busy = card.locator("[aria-busy=true] >> visible=true")
    assert busy.count() == 1
    assert "Loading the progress indicators" in busy.inner_text()
    assert busy.locator(".smq-skeleton-block").count() >= 8
    assert page.locator("#trust-indicators-table").count() == 0
    # The timeline, which came with the header, is drawn while the indicators are still coming.
    page.wait_for_selector("#trust-regime .js-plotly-plot .bars, #trust-regime .js-plotly-plot .barlayer")
    for route in held:
        route.continue_()
    page.wait_for_selector("#trust-indicators-table tbody tr", timeout=30_000)
    wait_idle(page)
    assert page.locator("[aria-busy=true] >> visible=true").count() == 0
