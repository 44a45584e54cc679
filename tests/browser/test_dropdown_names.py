"""The filter bar's dropdowns with several values chosen: what a screen reader or speech input
hears as each button's name holds what the button shows, and says which filter it is."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, current_query, goto, wait_idle, wait_until

SEVERAL = (
    "/timelines?type=acute,mental_health,community&group=clear_improver,never,other_smq"
    "&region=London,Midlands&regime=smq,rsp"
)


def names(page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries(['filter-type', 'filter-group', 'filter-region', 'filter-regime']
            .map(id => [id, document.getElementById(id).getAttribute('aria-label') || '']))"""
    )


@pytest.mark.parametrize("width", [1280, 800])
def test_several_values_chosen_pass_axe_and_name_the_filter(page, app_server, width):
    # At 800 px the first value used to show as a sliver ("A…") beside "3 selected", which the
    # name read in another order: axe's label-content-name-mismatch.
    page.set_viewport_size({"width": width, "height": 800})
    goto(page, app_server, SEVERAL)
    shown = wait_until(page, lambda: names(page), lambda n: all("selected" in v for v in n.values()))
    assert shown["filter-type"] == "Trust type: Acute, Mental health, Community; 3 selected", shown
    assert shown["filter-region"] == "Region: London, Midlands; 2 selected", shown
    assert shown["filter-regime"].startswith("Regime: ") and shown["filter-regime"].endswith("; 2 selected")
    # What the button shows is a phrase of its name: the count, not a clipped first value.
    assert page.locator("#filter-type").inner_text().strip() == "3 selected"
    assert axe_violations(page) == []


def test_the_name_follows_values_chosen_by_hand(page, app_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    goto(page, app_server, "/timelines")
    assert names(page)["filter-region"] == "Region: All regions"
    page.click("#filter-region")
    options = page.locator(".dash-dropdown-option")
    first, second = options.nth(0).inner_text().strip(), options.nth(1).inner_text().strip()
    options.nth(0).click()
    options.nth(1).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    assert "region=" in current_query(page)
    name = wait_until(page, lambda: names(page)["filter-region"], lambda n: "2 selected" in n)
    assert name == f"Region: {first}, {second}; 2 selected"
    assert axe_violations(page) == []
