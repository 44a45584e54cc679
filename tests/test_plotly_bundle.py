"""The charts draw with plotly.js's cartesian partial bundle: the one plotly.py writes figures
for, holding every trace type the dashboard makes, sent compressed and cached, and the one the
browser actually loads (not Dash's full bundle)."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import plotly.offline
import pytest
import requests

from smq_monitor.web import plotly_bundle

pytestmark = pytest.mark.xdist_group("browser")
ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("dashboard", "callbacks", "layouts")


def test_the_bundle_is_the_plotly_js_plotly_py_writes_for():
    assert plotly.offline.get_plotlyjs_version() == plotly_bundle.VERSION
    text = gzip.decompress(plotly_bundle.BUNDLE.read_bytes()).decode("utf-8")
    assert text.startswith(f"/**\n* plotly.js (cartesian - minified) v{plotly_bundle.VERSION}\n")
    readme = (plotly_bundle.BUNDLE.parent / "README.md").read_text()
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() in readme
    assert "MIT" in (plotly_bundle.BUNDLE.parent / "LICENSE").read_text()


def test_every_trace_type_the_dashboard_makes_is_in_the_bundle():
    made: set[str] = set()
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text()
            made |= {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w*)\(", source)}
            made |= set(re.findall(r"""["']type["']\s*:\s*["'](\w+)["']\s*,\s*["']x["']""", source))
    made -= {"figure", "layout"}
    assert {"scatter", "bar", "heatmap", "pie"} <= made  # the scan finds what it should
    assert made <= plotly_bundle.TRACE_TYPES, made - plotly_bundle.TRACE_TYPES


def test_the_bundle_is_served_compressed_and_cached(app_server):
    url = app_server.url + plotly_bundle.ROUTE
    gzipped = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert gzipped.status_code == 200
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in gzipped.headers["Cache-Control"]
    assert gzipped.headers["X-Content-Type-Options"] == "nosniff"
    assert int(gzipped.headers["Content-Length"]) < 600_000  # sent as stored, about 0.5 MB
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers
    assert plain.content == gzipped.content  # requests decoded the gzipped one
    assert plain.content.startswith(b"/**\n* plotly.js (cartesian")


def test_pages_name_the_bundle(app_server):
    page = requests.get(app_server.url + "/trajectories", timeout=30).text
    assert f'<meta name="smq-plotly-bundle" content="{plotly_bundle.ROUTE}">' in page
    assert "/assets/zz-js/plotly-bundle.js" in page


@pytest.mark.browser
def test_the_browser_draws_with_the_partial_bundle(page, app_server):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(app_server.url + "/trajectories?type=acute")
    page.wait_for_function(
        "() => { const p = document.querySelector('#trajectories-chart .js-plotly-plot');"
        " return !!(p && p._fullData && p._fullData.length); }",
        timeout=60_000,
    )
    assert any(u.endswith(plotly_bundle.ROUTE) for u in fetched)
    assert not any("plotly/package_data/plotly.min.js" in u for u in fetched)
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(p => p._fullData.map(t => t.type))"
    )
    assert drawn and set(drawn) <= plotly_bundle.TRACE_TYPES
    assert page.evaluate("() => Plotly.version") == plotly_bundle.VERSION
