"""From and To as a visitor with an American browser uses them: they show and take dd/mm/yyyy,
the URL keeps ISO dates, a date that is not one gives a notice, the calendar button picks a
date, and the filter bar passes axe."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, current_query, goto, wait_idle, wait_until


@pytest.fixture
def us_page(browser, app_server):
    """A browser set to American English, whose native date inputs would show mm/dd/yyyy."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-US", base_url=app_server.url
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def type_date(page, selector: str, text: str) -> None:
    page.fill(selector, text)
    page.press(selector, "Enter")


def test_the_dates_show_and_take_dd_mm_yyyy_in_an_american_browser(us_page, app_server):
    page = us_page
    assert page.evaluate("() => navigator.language") == "en-US"
    goto(page, app_server, "/timelines?from=2016-03-01")
    assert page.input_value("#filter-from") == "01/03/2016", "a URL date shows as dd/mm/yyyy"
    assert page.get_attribute("#filter-to", "placeholder") == "dd/mm/yyyy"
    assert page.get_attribute("#filter-to", "type") == "text"
    assert "(dd/mm/yyyy)" in page.locator("label[for=filter-to]").inner_text()

    type_date(page, "#filter-to", "1/6/2018")
    page.wait_for_function("() => window.location.search.includes('to=2018-06-01')")
    wait_idle(page)
    assert "from=2016-03-01" in current_query(page)
    assert page.input_value("#filter-to") == "01/06/2018", "a typed date is written back in full"

    type_date(page, "#filter-from", "01/03/2017")
    page.wait_for_function("() => window.location.search.includes('from=2017-03-01')")
    wait_idle(page)
    assert page.locator("#url-notices").inner_text().strip() == ""


def test_a_date_that_is_not_one_gives_a_notice_and_changes_nothing(us_page, app_server):
    page = us_page
    goto(page, app_server, "/timelines?from=2016-03-01")
    type_date(page, "#filter-from", "31/02/2016")
    notice = wait_until(page, lambda: page.locator("#url-notices").inner_text(), lambda t: "31/02/2016" in t)
    assert "Ignored the From date “31/02/2016”" in notice and "dd/mm/yyyy" in notice
    assert "from=2016-03-01" in current_query(page), "the view stays as it was"
    assert not axe_violations(page)


def test_the_calendar_button_picks_a_date(us_page, app_server):
    page = us_page
    goto(page, app_server, "/timelines")
    # The calendar is the browser's own: its window is outside the page, so the button's call to
    # open it is what is checked, then a date picked in it (as the browser sets it) is followed.
    page.evaluate(
        "() => { window.__opened = []; const open = HTMLInputElement.prototype.showPicker;"
        " HTMLInputElement.prototype.showPicker = function () { window.__opened.push(this.id); return open.call(this); }; }"
    )
    button = page.get_by_role("button", name="Choose the from date from a calendar")
    button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.__opened") == ["filter-from-picker"]
    page.keyboard.press("Escape")
    page.evaluate(
        """() => { const input = document.getElementById('filter-from-picker');
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, '2019-06-30');
        input.dispatchEvent(new Event('input', {bubbles: true}));
        input.dispatchEvent(new Event('change', {bubbles: true})); }"""
    )
    page.wait_for_function("() => window.location.search.includes('from=2019-06-30')")
    wait_idle(page)
    assert page.input_value("#filter-from") == "30/06/2019"
    # The hidden native input is never a stop for the keyboard.
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('filter-from-picker')).visibility")
        == "hidden"
    )
    assert not axe_violations(page)
