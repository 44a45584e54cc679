"""Trajectories: the controls drive the chart and the URL, a click selects a trust, SPC shows."""

from __future__ import annotations

from tests.browser.helpers import chart_data, current_query, goto, wait_for_chart, wait_idle


def trace_names(page, graph_id: str) -> list[str]:
    return [t["name"] for t in chart_data(page, graph_id) or [] if t["name"]]


def test_alignment_and_compare_change_the_chart_and_follow_the_url(page, app_server):
    goto(page, app_server, "/trajectories?type=acute")
    calendar_x = chart_data(page, "trajectories-chart")[0]["x"]
    assert str(calendar_x[0]).startswith("20"), "calendar axis shows dates"

    page.get_by_label("Months from SMQ entry").check()
    page.wait_for_function("() => window.location.search.includes('align=smq_entry')")
    wait_idle(page)
    aligned_x = wait_for_chart(page, "trajectories-chart", lambda d: d and d[0]["x"] != calendar_x)[0]["x"]
    assert all(isinstance(v, int | float) for v in aligned_x if v is not None), "aligned axis is months"
    assert min(v for v in aligned_x if v is not None) < 0 < max(v for v in aligned_x if v is not None)

    page.get_by_label("By evaluation group").check()
    page.wait_for_function("() => window.location.search.includes('compare=group')")
    wait_idle(page)
    wait_for_chart(
        page,
        "trajectories-chart",
        lambda d: any("Clear performance improvers" in (t["name"] or "") for t in d),
    )
    names = trace_names(page, "trajectories-chart")
    assert any("Clear performance improvers" in n for n in names)
    assert not any("cp_" in n for n in names)

    page.go_back()
    page.wait_for_function("() => !window.location.search.includes('compare=group')")
    wait_idle(page)
    assert page.get_by_label("All filtered trusts together").is_checked()


def test_metric_choice_goes_into_the_url(page, app_server):
    goto(page, app_server, "/trajectories?type=acute")
    title = "() => document.querySelector('#trajectories-chart .js-plotly-plot')._fullLayout.title.text"
    before = page.evaluate(title)
    page.click("#trajectories-metric")
    page.locator(".dash-dropdown-option", has_text="Staff sickness").first.click()
    page.wait_for_function("() => window.location.search.includes('metric=sickness')")
    wait_idle(page)
    assert "metric=sickness" in current_query(page)
    # the chart's callback follows the URL's: wait for the redraw rather than for idleness alone
    page.wait_for_function(f"() => ({title})().toLowerCase().includes('sickness')", timeout=30_000)
    after = page.evaluate(title)
    assert after != before and "sickness" in after.lower()


def test_clicking_a_line_selects_the_trust_and_shows_its_spc_chart(page, app_server):
    goto(page, app_server, "/trajectories?regime=smq&type=acute&align=smq_entry")
    lines = next(
        t for t in chart_data(page, "trajectories-chart") if t["name"].startswith("Individual trusts")
    )
    code = next(c[0] for c in lines["customdata"] if c and c[0])
    # Dash's click event: emulate plotly_click on the first point of that trust.
    page.evaluate(
        """([code]) => { const gd = document.querySelector('#trajectories-chart .js-plotly-plot');
            const trace = gd._fullData.findIndex(t => t.name.startsWith('Individual trusts'));
            const idx = gd._fullData[trace].customdata.findIndex(c => c && c[0] === code);
            gd.emit('plotly_click', {points: [{curveNumber: trace, pointNumber: idx, pointIndex: idx,
              customdata: gd._fullData[trace].customdata[idx], data: gd.data[trace], fullData: gd._fullData[trace]}]}); }""",
        [code],
    )
    page.wait_for_function(f"() => window.location.search.includes('trust={code}')")
    wait_idle(page)
    assert code in page.locator("#filter-trust").inner_text() or code in current_query(page)
    spc = trace_names(page, "trajectories-spc")
    assert "Mean" in spc and "Upper process limit" in spc
    assert page.locator("#trajectories-spc-summary img.spc-icon").count() == 1
