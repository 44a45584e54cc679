"""Every chart's toolbar exports PNG and SVG, titled, with the source line and a sensible name."""

from __future__ import annotations

import re

import pytest

from dashboard.marking import MARKING_CP
from tests.browser.helpers import goto, login

BUTTONS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
  id: (gd.closest('[id]') || {}).id,
  titles: Array.from(gd.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title')),
}))"""

LAYOUT = "() => JSON.stringify(document.querySelector('#overview-groups .js-plotly-plot').layout.title)"


@pytest.mark.parametrize("path", ["/", "/timelines", "/interventions", "/costs", "/data"])
def test_every_chart_offers_png_and_svg_and_not_the_bare_camera(page, app_server, path):
    goto(page, app_server, path)
    page.wait_for_selector(".js-plotly-plot .modebar-btn", state="attached")
    charts = page.evaluate(BUTTONS)
    assert charts
    for chart in charts:
        assert "Download as PNG" in chart["titles"], chart
        assert "Download as SVG (vector, for slides)" in chart["titles"], chart
        assert "Download plot as a png" not in chart["titles"], chart


def test_svg_export_carries_the_card_title_and_the_synthetic_source_line(page, app_server, tmp_path):
    goto(page, app_server, "/")
    chart = page.locator("#overview-groups")
    drawn = page.evaluate(LAYOUT)
    chart.hover()
    with page.expect_download() as info:
        chart.locator(".modebar-btn[data-title^='Download as SVG']").click()
    download = info.value
    assert download.suggested_filename == "smq-monitor-trusts-by-group.svg"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    title = re.search(r'class="gtitle"[^>]*>([^<]+)<', svg)
    assert title and title.group(1).strip(), "the exported chart has a title"
    assert "gtitle-subtitle" in svg
    assert "Synthetic demo data" in svg
    assert re.search(r"data as of \d{1,2} \w{3} \d{4}", svg)
    assert "Filters: None: every trust" in svg
    assert "OFFICIAL-SENSITIVE" not in svg
    # the chart on the page is left as it was drawn
    assert page.evaluate(LAYOUT) == drawn


def test_png_export_is_reachable_by_keyboard(page, app_server):
    goto(page, app_server, "/timelines")
    button = page.locator(".modebar-btn[data-title='Download as PNG']").first
    button.focus()
    assert page.evaluate("() => document.activeElement.getAttribute('data-title')") == "Download as PNG"
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.startswith("smq-monitor-")
    assert info.value.suggested_filename.endswith(".png")


def _svg(page, chart_id: str, tmp_path) -> str:
    chart = page.locator(f"#{chart_id}")
    chart.hover()
    with page.expect_download() as info:
        chart.locator(".modebar-btn[data-title^='Download as SVG']").click()
    path = tmp_path / f"{chart_id}.svg"
    info.value.save_as(path)
    return path.read_text(encoding="utf-8")


EXPORT_LAYOUT = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  const layout = window.smqExportLayout(gd);
  return {subtitle: layout.title.subtitle.text, annotations: (layout.annotations || []).map(a => a.text)};
}"""


def test_an_exported_chart_states_the_filters_and_a_public_one_is_never_marked(page, app_server, tmp_path):
    goto(page, app_server, "/?type=acute&from=2015-01-01")
    for chart_id in ("overview-counts", "overview-groups", "overview-types"):
        drawn = page.evaluate(EXPORT_LAYOUT, chart_id)
        assert "Filters: Trust type: Acute; Dates: from 1 Jan 2015" in drawn["subtitle"], drawn
        assert "Synthetic demo data" in drawn["subtitle"]
        assert not any("OFFICIAL" in a for a in drawn["annotations"]), (chart_id, drawn)
    svg = _svg(page, "overview-counts", tmp_path)
    assert "Filters: Trust type: Acute; Dates: from 1 Jan 2015" in svg
    assert "OFFICIAL-SENSITIVE" not in svg and "Challenged" not in svg


def test_an_analysts_chart_image_is_marked_exactly_when_the_chart_shows_the_cp_list(
    page, app_server, tmp_path
):
    login(page, app_server, "analyst")
    goto(page, app_server, "/")
    counts = _svg(page, "overview-counts", tmp_path)  # trusts in each regime, the CP list among them
    assert MARKING_CP in counts
    assert "Filters: None: every trust" in counts
    types = _svg(page, "overview-types", tmp_path)  # trusts by type: what the public sees too
    assert "OFFICIAL-SENSITIVE" not in types
