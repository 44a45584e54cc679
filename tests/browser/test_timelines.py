"""The timelines page as a person uses it: reorder and regroup the rows, filter, open a trust,
and see CP only when signed in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, chart_data, current_query, goto, login, wait_idle

GANTT = "timelines-gantt"
COUNTS = "timelines-counts"

TICKS_JS = """(id) => {
  const root = document.getElementById(id);
  const plot = root && root.querySelector('.js-plotly-plot');
  return plot && plot._fullLayout && plot._fullLayout.yaxis.ticktext ? Array.from(plot._fullLayout.yaxis.ticktext) : null;
}"""


def row_labels(page) -> list[str]:
    """The Gantt's y-axis labels top to bottom (headings are bold)."""
    return page.evaluate(TICKS_JS, GANTT) or []


def trust_rows(page) -> list[str]:
    return [label for label in row_labels(page) if not label.startswith("<b>")]


def wait_for_new_rows(page, before: list[str]) -> None:
    page.wait_for_function(
        f"(before) => JSON.stringify(({TICKS_JS})('{GANTT}')) !== JSON.stringify(before)", arg=before
    )
    wait_idle(page)


def choose(page, group_id: str, option: str) -> None:
    page.locator(f"#{group_id}").get_by_label(option, exact=True).check()


def episode_regimes(page) -> set[str]:
    return {
        t["meta"]["regime"]
        for t in chart_data(page, GANTT)
        if t["meta"] and t["meta"].get("kind") == "episode"
    }


def test_sort_and_rows_controls_reorder_the_chart_and_follow_the_url(page, app_server):
    goto(page, app_server, "/timelines")
    grouped = row_labels(page)
    assert any(label.startswith("<b>") for label in grouped), (
        "rows are grouped by evaluation group by default"
    )
    by_first_entry = trust_rows(page)
    assert len(by_first_entry) >= 5

    choose(page, "timelines-sort", "Trust name")
    page.wait_for_function("() => window.location.search.includes('sort=name')")
    wait_for_new_rows(page, grouped)
    by_name_grouped = row_labels(page)
    choose(page, "timelines-rows", "No grouping")
    page.wait_for_function("() => window.location.search.includes('rows=none')")
    wait_for_new_rows(page, by_name_grouped)
    flat = row_labels(page)
    assert not any(label.startswith("<b>") for label in flat), "no headings without grouping"
    assert flat == sorted(flat, key=str.casefold) and sorted(flat) == sorted(by_first_entry)
    assert "sort=name" in current_query(page) and "rows=none" in current_query(page)

    choose(page, "timelines-sort", "Time in regime")
    page.wait_for_function("() => window.location.search.includes('sort=time_in_regime')")
    wait_for_new_rows(page, flat)
    assert trust_rows(page) != flat

    # Back restores the previous order and the control with it.
    by_time = row_labels(page)
    page.go_back()
    page.wait_for_function("() => window.location.search.includes('sort=name')")
    wait_for_new_rows(page, by_time)
    assert row_labels(page) == flat
    assert page.locator("#timelines-sort").get_by_label("Trust name", exact=True).is_checked()


def test_a_global_filter_changes_the_rows_and_the_url(page, app_server):
    goto(page, app_server, "/timelines?type=acute&rows=type")
    acute = row_labels(page)
    assert [label for label in acute if label.startswith("<b>")] == [acute[0]] and "Acute" in acute[0]
    assert "type=acute" in page.locator("a.smq-download[href^='/download/episodes.csv']").first.get_attribute(
        "href"
    )

    page.click("#filter-type")
    page.locator(".dash-dropdown-option", has_text="Mental health").first.click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.location.search.includes('type=mental_health')")
    wait_for_new_rows(page, acute)
    both = row_labels(page)
    headings = [label for label in both if label.startswith("<b>")]
    assert len(headings) == 2 and "Mental health" in headings[1]
    assert set(trust_rows(page)) > set(label for label in acute if not label.startswith("<b>"))
    assert "rows=type" in current_query(page), "the page's own keys survive a filter change"
    assert "type=mental_health" in page.locator(
        "a.smq-download[href^='/download/episodes.csv']"
    ).first.get_attribute("href")


def test_public_sees_no_cp_and_an_analyst_does(page, app_server):
    goto(page, app_server, "/timelines")
    assert episode_regimes(page) == {"smq", "rsp"}
    assert [t["meta"]["regime"] for t in chart_data(page, COUNTS)] == ["smq", "rsp"]
    assert not any(
        "Challenged" in (t["name"] or "") for t in chart_data(page, GANTT) + chart_data(page, COUNTS)
    )
    assert page.locator("#timelines-kpi-cp_to_smq").count() == 0
    text = page.locator("#page-content").inner_text()
    assert not re.search(r"\bCP\b|Challenged", text), "the public page must not speak of CP"
    assert axe_violations(page) == []

    login(page, app_server, "analyst")
    goto(page, app_server, "/timelines")
    assert episode_regimes(page) == {"smq", "rsp", "cp"}
    assert [t["meta"]["regime"] for t in chart_data(page, COUNTS)] == ["smq", "rsp", "cp"]
    assert page.locator("#timelines-kpi-cp_to_smq").is_visible()
    assert len(trust_rows(page)) > 0


def test_clicking_a_row_opens_the_trust_and_keeps_the_filters(page, app_server):
    goto(page, app_server, "/timelines?sort=name")
    bar = page.locator(f"#{GANTT} .barlayer .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()  # plotly's drag layer takes the pointer: click where the bar is
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"/trust/[A-Z0-9]+\?sort=name$"))
    wait_idle(page)


@pytest.mark.parametrize("width", [1280, 800])
def test_the_table_shows_its_rows_at_any_width(page, app_server, width):
    # AG Grid can keep a table's cells hidden after its rows are in the page (an empty box under
    # "Trusts on the chart"); which pages it hits depends on timing, so every width is looked at.
    page.set_viewport_size({"width": width, "height": 800})
    goto(page, app_server, "/timelines")
    link = page.locator("#timelines-table .ag-center-cols-container a[href^='/trust/']").first
    link.wait_for()
    link.scroll_into_view_if_needed()
    assert link.is_visible()
    assert link.evaluate("a => getComputedStyle(a.closest('.ag-cell')).visibility") == "visible"
    # The headings' text is laid out a moment after the rows (inner text is empty until then): a
    # reader sees them once the grid has sized its columns, which a loaded machine can take seconds.
    header = page.locator("#timelines-table .ag-header-cell-text").first
    expect(header).to_have_text("Trust", use_inner_text=True, timeout=20_000)


@pytest.mark.parametrize("width", [1280, 800])
def test_every_row_label_shows_whole_beside_the_bars(page, app_server, width):
    # The left margin is worked out from the labels' widths (dashboard/text_width.py), not
    # measured by Plotly: a name clipped by the chart's edge, or running under the bars, is wrong.
    page.set_viewport_size({"width": width, "height": 800})
    goto(page, app_server, "/timelines?rows=group&sort=name")
    page.wait_for_selector(f"#{GANTT} .ytick text")
    found = page.evaluate(
        """(id) => {
            const root = document.getElementById(id);
            const chart = root.getBoundingClientRect();
            const plot = root.querySelector('.nsewdrag').getBoundingClientRect();
            return [...root.querySelectorAll('.ytick text')].map(t => {
                const box = t.getBoundingClientRect();
                return {text: t.textContent, left: box.left - chart.left, gap: plot.left - box.right};
            });
        }""",
        GANTT,
    )
    assert len(found) > 3
    clipped = [f["text"] for f in found if f["left"] < 0]
    under_the_bars = [f["text"] for f in found if f["gap"] < 0]
    assert not clipped and not under_the_bars, (clipped, under_the_bars)
    assert min(f["left"] for f in found) < 40  # the margin is no wider than the longest label needs


def test_the_table_lists_the_chart_trusts_in_order_with_links(page, app_server):
    goto(page, app_server, "/timelines?rows=none&sort=time_in_regime")
    page.wait_for_selector("#timelines-table a[href^='/trust/']")
    first_link = page.locator("#timelines-table a[href^='/trust/']").first
    assert first_link.inner_text().startswith(trust_rows(page)[0].rstrip("…"))
