"""The plotly.js the dashboard's charts draw with: the official "cartesian" partial bundle.

dcc.Graph fetches plotly.js the first time a page draws a chart, and compiling it is most of the
time between a page's data arriving and its chart being drawn. Every trace type the dashboard
draws (`TRACE_TYPES` holds the bundle's) is in the 1.5 MB cartesian bundle, a third of the full
4.8 MB `plotly.min.js` that Dash would fetch, so pages draw sooner. `assets/zz-js/plotly-bundle.js`
points dcc.Graph at `ROUTE`, named on every page by `<meta name="smq-plotly-bundle">`.

The file is stored gzip-compressed (Dash links every `*.js` under `assets/` into every page, and
this one must only be fetched when a chart needs it) and is sent as it is stored to a browser
that accepts gzip, with a year's caching: its name carries the plotly.js version.
"""

from __future__ import annotations

import functools
import gzip

from flask import Flask, Response, request

from smq_monitor.config import assets_dir

VERSION = "4.1.1"  # must equal the plotly.js plotly.py writes figures for (tests/test_plotly_bundle.py)
# assets/ of the checkout, or the copy a wheel installs as smq_monitor/assets
BUNDLE = assets_dir() / "vendor" / "plotly-cartesian" / "plotly-cartesian.min.js.gz"
ROUTE = f"/_smq-static/plotly-cartesian-{VERSION}.min.js"
TRACE_TYPES: frozenset[str] = frozenset(
    {
        "bar",
        "box",
        "contour",
        "heatmap",
        "histogram",
        "histogram2d",
        "histogram2dcontour",
        "image",
        "pie",
        "scatter",
        "scatterternary",
        "violin",
    }
)
META_NAME = "smq-plotly-bundle"


@functools.cache
def _compressed() -> bytes:
    return BUNDLE.read_bytes()


@functools.cache
def _plain() -> bytes:
    return gzip.decompress(_compressed())


def install(server: Flask) -> None:
    @server.get(ROUTE)
    def plotly_bundle() -> Response:
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "").lower()
        response = Response(_compressed() if gzipped else _plain(), mimetype="text/javascript")
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def meta_tag(prefix: str = "/") -> str:
    """The page's pointer to the bundle, under the app's path prefix."""
    return f'<meta name="{META_NAME}" content="{prefix.rstrip("/")}{ROUTE}">'
