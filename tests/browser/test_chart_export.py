"""Every chart's toolbar exports PNG and SVG, titled, with the source line and a sensible name."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import goto

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
    assert "SYNTHETIC DEMO DATA" in svg
    assert re.search(r"data as of \d{1,2} \w+ \d{4}", svg)
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
