"""The three users' journeys, start to finish, in a browser against the real server: a
stakeholder following a shared trajectories link and signing in from it, the evaluation team
comparing the groups, an improvement director working from a trust's profile; and a phone.

Each journey leaves screenshots in tests/artifacts/ (or $SMQ_JOURNEY_SHOTS) for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import requests

from tests.browser.helpers import (
    axe_violations,
    chart_data,
    current_query,
    goto,
    login,
    wait_idle,
    wait_until,
)

SHOTS = Path(os.environ.get("SMQ_JOURNEY_SHOTS") or Path(__file__).resolve().parents[1] / "artifacts")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=full_page)


def note(page) -> str:
    return page.locator("#trajectories-note").inner_text()


def test_stakeholder_follows_a_shared_link_and_signs_in_from_it(page, app_server):
    page.set_viewport_size(DESKTOP)
    goto(page, app_server, "/trajectories")
    # At 1280×720 the filter bar leaves most of the first screen to the page.
    box = page.locator("#filter-bar").bounding_box()
    assert box["height"] < DESKTOP["height"] / 3, box
    assert not page.locator("#filter-toggle").is_visible()
    shared = "/trajectories?type=acute&entered=2015&align=smq_entry&metric=ae_4hr_pct"
    goto(page, app_server, shared)
    # The cohort is in view: the section that holds it opened itself, showing the years.
    assert page.locator("#filter-more").evaluate("d => d.open")
    assert "2015" in page.locator("#filter-entered").inner_text()
    counts = wait_until(page, lambda: note(page), lambda t: "Aligned on SMQ entry" in t)
    assert "acute trusts have this event" in counts, counts
    # Beside the cohort: trusts never in a regime, in the same calendar months, with their number.
    traces = chart_data(page, "trajectories-chart") or []
    same = [t for t in traces if "never-in-regime" in (t["name"] or "")]
    assert len(same) == 1 and same[0]["y"], [t["name"] for t in traces]
    comparators = int(same[0]["name"].split(" ")[0].replace(",", ""))
    assert comparators > 0 and f"{comparators:,} trusts of the same types never in a regime" in counts
    page.locator("#trajectories-chart").scroll_into_view_if_needed()
    shot(page, "stakeholder-cohort")
    page.get_by_label("Hidden").check()
    page.wait_for_function("() => window.location.search.includes('same_period=off')")
    wait_until(
        page,
        lambda: [t["name"] for t in chart_data(page, "trajectories-chart") or []],
        lambda names: names and not any("never-in-regime" in (n or "") for n in names),
    )

    # A type whose trusts have no A&E: the metric box and the URL move together to another metric.
    goto(page, app_server, "/trajectories?type=mental_health&metric=ae_4hr_pct")
    page.wait_for_function("() => !window.location.search.includes('ae_4hr_pct')")
    wait_idle(page)
    metric = current_query(page).split("metric=")[1].split("&")[0]
    shown = page.locator("#trajectories-metric").inner_text()
    assert metric != "ae_4hr_pct" and "A&E" not in shown
    title = page.evaluate(
        "() => document.querySelector('#trajectories-chart .js-plotly-plot')._fullLayout.title.text"
    )
    assert shown.split("·")[-1].strip().lower()[:12] in title.lower()

    # Signing in from the shared link lands back on it.
    goto(page, app_server, shared)
    link = page.locator("#smq-signin-link")
    assert "next=" in link.get_attribute("href")
    link.click()
    page.wait_for_url("**/login?next=*")
    wait_idle(page)
    username, password = app_server.users["analyst"]
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    with page.expect_navigation():
        page.click("#login-submit")
    wait_idle(page)
    assert page.url.endswith(shared), page.url
    assert username in page.locator("#smq-user").inner_text()
    assert axe_violations(page) == []


def test_evaluation_team_compares_the_groups_and_opens_a_view(page, app_server):
    page.set_viewport_size(DESKTOP)
    login(page, app_server, "analyst")
    goto(page, app_server, "/")
    title = wait_until(page, lambda: page.locator("#overview-picture-title").inner_text(), bool)
    assert title == "National picture"
    page.click("#overview-groups-link")
    page.wait_for_url("**/groups")
    wait_idle(page)
    heading = wait_until(page, lambda: page.locator("#groups-heading").inner_text(), bool)
    assert heading == "National picture"
    sizes = page.locator("#groups-sizes-table")
    assert "Prolonged poor performers" in sizes.inner_text()
    assert "Challenged providers only" in sizes.inner_text()
    uptake = page.locator("#groups-uptake-table")
    assert uptake.locator("tbody tr").count() >= 5 and " of " in uptake.inner_text()
    assert "£" in page.locator("#groups-costs-table").inner_text()
    assert axe_violations(page) == []
    shot(page, "evaluation-groups")

    # Every count axis ticks at whole trusts, for a small set too.
    goto(page, app_server, "/?group=clear_improver")
    title = wait_until(
        page, lambda: page.locator("#overview-picture-title").inner_text(), lambda t: "for" in t
    )
    assert title.startswith("Picture for") and "National" not in title
    ticks = page.evaluate(
        "() => Array.from(document.querySelectorAll('#overview-groups .xtick text')).map(t => t.textContent)"
    )
    assert ticks and all(t.replace(",", "").isdigit() for t in ticks), ticks

    # Several values in the filter bar: every dropdown still passes axe, and says what it holds.
    goto(page, app_server, "/groups?type=acute,mental_health&region=London,Midlands")
    name = wait_until(
        page,
        lambda: page.locator("#filter-type").get_attribute("aria-label") or "",
        lambda n: "2 selected" in n,
    )
    assert name == "Trust type: Acute, Mental health; 2 selected"
    assert axe_violations(page) == []
    shot(page, "evaluation-several-filters")

    goto(page, app_server, "/groups")
    page.locator("#groups-sizes-table a", has_text="Uptake").first.click()
    page.wait_for_url("**/interventions?group=*")
    wait_idle(page)
    assert "group=prolonged_poor_performer" in current_query(page)


def test_improvement_director_works_from_the_trust_profile(page, app_server):
    page.set_viewport_size(DESKTOP)
    code = app_server.director_trusts[0]
    login(page, app_server, "improvement_director")
    goto(page, app_server, f"/trust/{code}")
    rows = page.locator("#trust-indicators-table tbody tr")
    assert rows.count() > 3
    table = page.locator("#trust-indicators-table").inner_text()
    assert "as your access shows that group" in table
    # Like periods, said in words: since entry (SMQ, or intensive support for an RSP-only trust)
    # and after exit, each with its judgement apart from its direction.
    assert "months 12–23 after" in table and "Judgement after exit" in table
    assert "the same calendar months two years on" in page.locator("#trust-like-periods").inner_text()
    shot(page, "director-profile", full_page=True)
    # A trust that was in SMQ and left it: the like periods have values and judgements.
    smq = requests.get(app_server.url + "/download/trusts.csv?regime=smq").text.splitlines()[1].split(",")[0]
    goto(page, app_server, f"/trust/{smq}")
    judged = page.locator("#trust-indicators-table .trust-judgement")
    assert judged.count() > 3, "an SMQ trust's indicators are judged since entry and after exit"
    assert "after exit" in page.locator("#trust-indicators-table").inner_text()
    page.locator("#trust-indicators").scroll_into_view_if_needed()
    shot(page, "director-profile-smq-trust")
    goto(page, app_server, f"/trust/{code}")
    # Keyboard: focus the first sparkline and press Enter; the full SPC chart opens.
    opener = page.locator(".trust-spc-open").first
    opener.focus()
    page.keyboard.press("Enter")
    names = wait_until(
        page, lambda: [t["name"] for t in chart_data(page, "trust-spc") or []], lambda n: "Mean" in n
    )
    assert "Upper process limit" in names
    assert axe_violations(page) == []
    page.locator("#trust-spc-card").scroll_into_view_if_needed()
    shot(page, "director-spc")

    page.click("#trust-open-trajectories")
    page.wait_for_url(f"**/trajectories?*trust={code}*")
    wait_idle(page)
    traces = wait_until(
        page,
        lambda: chart_data(page, "trajectories-chart") or [],
        lambda d: any(t["mode"] == "lines+markers" for t in d),
    )
    lines = [t for t in traces if (t["name"] or "").startswith("Individual trusts")]
    drawn = {c[0] for t in lines for c in t["customdata"] or [] if c and c[0]}
    bands = [t for t in traces if (t["name"] or "").endswith(": median")]
    assert bands and (len(drawn) > 1 or not lines), "the group comparison stays beside the trust"
    shot(page, "director-trajectories")


def test_a_phone_reads_the_groups_and_a_trust_without_sideways_scrolling(page, app_server):
    page.set_viewport_size(PHONE)
    goto(page, app_server, "/groups")
    # The first screen shows the page, not the filters: they wait behind their button.
    assert not page.locator("#filter-bar").is_visible()
    assert page.locator("#groups-heading").bounding_box()["y"] < PHONE["height"]
    toggle = page.locator("#filter-toggle")
    toggle.click()
    page.wait_for_function(
        "() => document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'true'"
    )
    assert page.locator("#filter-bar").is_visible()
    toggle.click()
    page.wait_for_function(
        "() => document.getElementById('filter-toggle').getAttribute('aria-expanded') === 'false'"
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    shot(page, "phone-groups")
    goto(page, app_server, f"/trust/{app_server.director_trusts[0]}")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    assert axe_violations(page) == []
    shot(page, "phone-trust")
    page.locator("#trust-indicators").scroll_into_view_if_needed()
    shot(page, "phone-trust-indicators")
    goto(page, app_server, "/trajectories?type=acute&align=support_entry")
    wait_until(page, lambda: note(page), lambda t: "never in a regime" in t)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    page.locator("#trajectories-chart").scroll_into_view_if_needed()
    shot(page, "phone-trajectories-aligned")
