"""The trust profile: renders for an SMQ trust, hides CP from the public, explains unknown codes."""

from __future__ import annotations

import requests

from tests.browser.helpers import goto, login


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
