"""What browser tests do again and again: navigate, sign in, read charts, run axe-core."""

from __future__ import annotations

import time
from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"

# Idle: the page is drawn, no component shows a loading state, and Dash's own store holds no
# callback still to run (one callback's answer can start another, e.g. the URL sync writing a
# default metric, and that gap shows no loading state anywhere).
WAIT_IDLE = """() => {
  const content = document.getElementById('page-content');
  if (!content || content.children.length === 0) return false;
  if (document.querySelectorAll('[data-dash-is-loading="true"]').length > 0) return false;
  // A chart that came with the page is drawn once Plotly (loaded on demand) has plotted it.
  if ([...document.querySelectorAll('.dash-graph')].some(g => !g.querySelector('.js-plotly-plot'))) return false;
  const pending = ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed', 'stored'];
  return (window.dash_stores || []).every(store => {
    const state = store.getState();
    const callbacks = state.callbacks || {};
    return !state.isLoading && pending.every(stage => !(callbacks[stage] || []).length);
  });
}"""


def wait_idle(page, timeout: float = 30_000) -> None:
    page.wait_for_load_state("networkidle", timeout=timeout)
    page.wait_for_function(WAIT_IDLE, timeout=timeout)
    page.wait_for_load_state("networkidle", timeout=timeout)


def goto(page, app_server, path: str, timeout: float = 30_000) -> None:
    page.goto(app_server.url + path)
    wait_idle(page, timeout)


def login(page, app_server, role: str) -> None:
    username, password = app_server.users[role]
    goto(page, app_server, "/login")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    with page.expect_navigation():
        page.click("#login-submit")
    wait_idle(page)
    assert page.locator("#smq-user").inner_text().find(username) >= 0


CHART_JS = """(id) => {
  const root = document.getElementById(id);
  if (!root) return null;
  const plot = root.classList.contains('js-plotly-plot') ? root : root.querySelector('.js-plotly-plot');
  if (!plot || !plot._fullData) return null;
  const plain = (v, depth) => {
    if (v === null || v === undefined) return v;
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (Array.isArray(v)) return depth > 3 ? null : v.map(x => plain(x, depth + 1));
    if (typeof v === 'object') return depth > 2 ? null : Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('_')).map(([k, x]) => [k, plain(x, depth + 1)]));
    return v;
  };
  return plot._fullData.map(t => ({
    name: t.name, type: t.type, mode: t.mode, visible: t.visible, orientation: t.orientation,
    x: plain(t.x, 0), y: plain(t.y, 0), base: plain(t.base, 0), text: plain(t.text, 0),
    customdata: plain(t.customdata, 0), legendgroup: t.legendgroup, meta: plain(t.meta, 0),
    xaxis: t.xaxis, yaxis: t.yaxis, z: plain(t.z, 0),
    marker: t.marker ? {color: plain(t.marker.color, 0), symbol: plain(t.marker.symbol, 0)} : null,
  }));
}"""


def chart_data(page, graph_id: str) -> list[dict] | None:
    """The decoded traces of a dcc.Graph (plotly's _fullData, typed arrays made plain)."""
    return page.evaluate(CHART_JS, graph_id)


def wait_until(page, read, check, timeout: float = 30.0):
    """`read()` once `check` holds of it (or as it stands after `timeout` s, for the test to assert
    on): after a control changes the URL, a view's own callback answers a moment later, so
    idleness alone does not mean the redraw has come."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if check(value) or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(200)


def wait_for_chart(page, graph_id: str, check, timeout: float = 30.0) -> list[dict]:
    """The chart's traces once `check(traces)` holds (see `wait_until`)."""
    return wait_until(page, lambda: chart_data(page, graph_id) or [], check, timeout)


def chart_layout_title(page, graph_id: str) -> str | None:
    return page.evaluate(
        """(id) => { const r = document.getElementById(id); const p = r && (r.classList.contains('js-plotly-plot') ? r : r.querySelector('.js-plotly-plot'));
        return p && p._fullLayout && p._fullLayout.title ? p._fullLayout.title.text : null; }""",
        graph_id,
    )


def page_paths(*, sign_in: bool = False) -> list[str]:
    """Every page of the app (`layouts.pages.PAGES`) as a path to visit, a trust's page as
    `/trust/{code}` to be formatted with a trust code; the sign-in page only when asked for."""
    from layouts.pages import PAGES

    return [
        page.path + "{code}" if page.prefix else page.path for page in PAGES if page.filter_bar or sign_in
    ]


GRID_CELLS_SHOWN = """() => [...document.querySelectorAll('.ag-center-cols-container .ag-cell, .ag-header-cell')]
  .every(c => c.closest('.ag-hidden, .ag-invisible') || getComputedStyle(c).visibility === 'visible')"""


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations found by axe-core on the current page."""
    # A grid whose rows are in the page must show them: AG Grid can leave them hidden for good
    # (.ag-delay-render, see assets/zz-house/smq.css), an empty table to a reader.
    page.wait_for_function(GRID_CELLS_SHOWN)
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => {
          // Dash 4's dropdown keeps an aria-hidden proxy input in the tab order whose only job is to
          // hand focus straight to the labelled dropdown button (see dcc/async-dropdown.js); no
          // user ever rests on it, so it is left out of the audit. Everything else is checked.
          const r = await axe.run({exclude: [['.dash-dropdown-focus-target']]}, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def current_query(page) -> str:
    return page.evaluate("() => window.location.search")
