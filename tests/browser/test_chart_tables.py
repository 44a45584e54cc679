"""Every chart's numbers as a table, as a visitor uses it: opened under the chart, it holds the
numbers the chart draws, follows a filter change while open, is reached and opened by keyboard,
passes axe, and shows the public nothing of the CP list."""

from __future__ import annotations

import bisect
import re

import pytest

from tests.browser.helpers import (
    axe_violations,
    chart_data,
    goto,
    login,
    wait_for_chart,
    wait_idle,
    wait_until,
)

SUMMARY = "Show the numbers as a table"

# Every page with charts, with a trust chosen where a chart needs one.
PAGES = [
    "/",
    "/trajectories?trust={code}",
    "/timelines",
    "/interventions",
    "/costs",
    "/impact",
    "/monitoring?trust={code}&metric=agency_spend_pct",
    "/trust/{code}",
    "/data",
]

READ_TABLES = """(id) => {
  const details = document.getElementById(id + '-table');
  return [...details.querySelectorAll('table')].map(t => ({
    caption: t.caption ? t.caption.textContent : null,
    head: [...t.tHead.rows[0].cells].map(c => ({text: c.textContent, scope: c.getAttribute('scope')})),
    rows: [...t.tBodies[0].rows].map(r => [...r.cells].map(c => ({text: c.textContent, tag: c.tagName, scope: c.getAttribute('scope')}))),
  }));
}"""

MONTH = re.compile(r"^(\d{1,2} )?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")
NUMBER = re.compile(r"-?£?[\d,]+(?:\.\d+)?%?")


def graph_ids(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('details.smq-chart-table')].map(d => d.dataset.graph)"
    )


def open_table(page, graph_id: str) -> None:
    page.locator(f"#{graph_id}-table > summary").click()
    page.wait_for_function(
        "(id) => { const d = document.getElementById(id + '-table'); return d.open && d.querySelector('table, .smq-chart-table-status:not(:empty)'); }",
        arg=graph_id,
    )


def read_tables(page, graph_id: str) -> list[dict]:
    return page.evaluate(READ_TABLES, graph_id)


def numbers_in(text: str) -> list[float]:
    """The numbers a cell writes ("£1,234", "41%", "-2.5 to 3.1"); none in a date or a name."""
    if MONTH.match(text):
        return []
    return [
        float(n.replace("£", "").replace("%", "").replace(",", "")) for n in NUMBER.findall(text) if n != "-"
    ]


def legend_name(trace: dict) -> str | None:
    name = trace.get("name") or ""
    return None if not name or re.fullmatch(r"trace \d+", name) else re.sub(r"<[^>]+>", "", name)


def assert_table_holds_the_figure(graph_id: str, traces: list[dict], tables: list[dict]) -> None:
    """Each number the chart draws is in its table (as written to 2 places, or whole pounds and
    tenths beyond 100), and each legend name heads a column or names a row's series."""
    shown = [t for t in traces if t["visible"] is True]
    cells = [c["text"] for table in tables for row in table["rows"] for c in row]
    heads = [h["text"] for table in tables for h in table["head"]]
    assert tables, f"{graph_id}: the chart has traces but its table is empty"
    for table in tables:
        assert table["caption"], f"{graph_id}: a table needs its caption (the chart's title)"
        assert all(h["scope"] == "col" for h in table["head"])
        assert all(row[0]["tag"] == "TH" and row[0]["scope"] == "row" for row in table["rows"])
    if any(t["type"] == "heatmap" for t in shown):
        for trace in shown:
            written = {str(v) for row in trace["text"] or [] for v in row if v}
            assert written and written <= set(cells), f"{graph_id}: every cell the heatmap writes"
        return
    if any(t["type"] == "bar" and t.get("base") for t in shown):
        points = sum(
            len([v for v in (t["x"] if t["type"] == "bar" else t["y"]) or [] if v is not None]) for t in shown
        )
        assert sum(len(table["rows"]) for table in tables) == points, (
            f"{graph_id}: one row per bar and marker"
        )
        froms = {row[2]["text"] for table in tables for row in table["rows"]}
        assert all(MONTH.match(f) for f in froms if f), f"{graph_id}: dates as UK readers write them"
        for trace in shown:
            name = legend_name(trace)
            if name:
                assert name in cells, f"{graph_id}: rows of {name!r}"
        return
    values = sorted(v for c in cells for v in numbers_in(c))
    assert not any(re.fullmatch(r"-?[\d,]+\.0", c) for c in cells), f"{graph_id}: a count reads without '.0'"
    for trace in shown:
        name = legend_name(trace)
        if trace.get("yaxis", "y") != "y" and all(
            isinstance(v, int) for v in trace["y"] or [] if v is not None
        ):
            assert name in cells, f"{graph_id}: the lane {name!r} of the strip above the chart has its rows"
            continue
        xs = [x for x in trace["x"] or [] if x is not None]
        if name and len(xs) == len(set(map(str, xs))):  # a trace of many lines has a column per line
            assert name in heads or name in cells, f"{graph_id}: no column or row for {name!r}"
        horizontal = trace["type"] == "bar" and trace.get("orientation") == "h"
        drawn = trace["x"] if horizontal else trace["y"]
        for value in drawn or []:
            if not isinstance(value, int | float) or value != value:
                continue
            tolerance = 0.006 if abs(value) < 10 else 0.051 if abs(value) < 100 else 0.51
            at = bisect.bisect_left(values, value - tolerance)
            assert at < len(values) and values[at] <= value + tolerance, (
                f"{graph_id}: {name or trace['type']} draws {value}, which its table does not show"
            )


@pytest.mark.parametrize("path", PAGES)
def test_each_chart_table_holds_the_numbers_its_chart_draws(page, app_server, path):
    goto(page, app_server, path.format(code=app_server.director_trusts[0]))
    ids = graph_ids(page)
    assert ids, f"{path} has charts, so it has their tables"
    checked = 0
    for graph_id in ids:
        summary = page.locator(f"#{graph_id}-table > summary")
        assert summary.inner_text() == SUMMARY
        assert not page.locator(f"#{graph_id}-table table").count(), "collapsed until opened"
        open_table(page, graph_id)
        traces = chart_data(page, graph_id) or []
        tables = read_tables(page, graph_id)
        if not [t for t in traces if t["visible"] is True]:
            assert not tables
            assert page.locator(f"#{graph_id}-table .smq-chart-table-status").inner_text()
            continue
        assert_table_holds_the_figure(graph_id, traces, tables)
        checked += 1
    assert checked, f"{path}: at least one chart had numbers to check"
    assert not axe_violations(page), "the page with every table open passes axe"


def test_a_line_chart_has_a_row_per_month_and_a_column_per_trace(page, app_server):
    goto(page, app_server, "/timelines")
    open_table(page, "timelines-counts")
    traces = [t for t in chart_data(page, "timelines-counts") if t["visible"] is True]
    (table,) = read_tables(page, "timelines-counts")
    assert [h["text"] for h in table["head"]] == ["Month", *[t["name"] for t in traces]]
    months = {t for trace in traces for t in trace["x"]}
    assert len(table["rows"]) == len(months)
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", row[0]["text"]) for row in table["rows"])
    first = min(traces[0]["x"])
    row = next(r for r in table["rows"] if r[0]["text"] == _month(first))
    assert row[1]["text"] == f"{traces[0]['y'][traces[0]['x'].index(first)]:,.0f}"


def _month(iso: str) -> str:
    year, month = int(iso[:4]), int(iso[5:7])
    return f"{['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month - 1]} {year}"


def test_an_open_table_follows_a_filter_change(page, app_server):
    goto(page, app_server, "/")
    open_table(page, "overview-types")
    before = read_tables(page, "overview-types")[0]["rows"]
    assert len(before) > 1
    page.click("#filter-type")
    page.locator(".dash-dropdown-option", has_text="Mental health").first.click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.location.search.includes('type=mental_health')")
    wait_idle(page)
    traces = wait_for_chart(page, "overview-types", lambda t: bool(t) and len(t[0]["y"] or []) == 1)
    after = wait_until(
        page, lambda: read_tables(page, "overview-types")[0]["rows"], lambda rows: len(rows) == 1
    )
    assert [[c["text"] for c in r] for r in after] == [["Mental health", f"{traces[0]['x'][0]:,}"]]
    assert page.locator("#overview-types-table").evaluate("d => d.open")


def test_the_table_opens_by_keyboard_and_copies(page, app_server):
    goto(page, app_server, "/")
    target = page.locator("#overview-counts-table > summary")
    # From the chart's toolbar (its last button), Tab reaches the summary.
    page.evaluate("() => [...document.querySelectorAll('#overview-counts .modebar-btn')].pop().focus()")
    for _ in range(5):
        page.keyboard.press("Tab")
        if target.evaluate("s => s === document.activeElement"):
            break
    assert target.evaluate("s => s === document.activeElement"), "Tab reaches the summary"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#overview-counts-table table')")
    assert page.locator("#overview-counts-table").evaluate("d => d.open")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    page.locator("#overview-counts-table .smq-chart-table-copy").click()
    copied = wait_until(
        page, lambda: page.evaluate("() => navigator.clipboard.readText()"), lambda t: bool(t)
    )
    lines = copied.splitlines()
    assert lines[0] == read_tables(page, "overview-counts")[0]["caption"]
    assert (
        lines[1].split("\t")[0] == "Month"
        and len(lines) == len(read_tables(page, "overview-counts")[0]["rows"]) + 2
    )


def test_the_public_timeline_table_shows_no_cp_episode(page, app_server):
    goto(page, app_server, "/timelines")
    open_table(page, "timelines-gantt")
    public = " ".join(c["text"] for t in read_tables(page, "timelines-gantt") for r in t["rows"] for c in r)
    assert "Special Measures for Quality" in public
    assert "Challenged" not in public and "(CP)" not in public
    login(page, app_server, "analyst")
    goto(page, app_server, "/timelines")
    open_table(page, "timelines-gantt")
    signed_in = " ".join(
        c["text"] for t in read_tables(page, "timelines-gantt") for r in t["rows"] for c in r
    )
    assert "(CP)" in signed_in, "the control: an analyst's table does show CP episodes"
