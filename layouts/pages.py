"""The page registry: path → title and layout function (contract §4).

A small router of our own instead of dash.register_page: Dash's pages re-render the whole page
when the query string changes, and here the query string changes on every filter change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import empty_state, page_header

LayoutFn = Callable[..., html.Div]


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    layout: LayoutFn
    nav: bool = True
    filter_bar: bool = True
    prefix: bool = False  # /trust/<code>


_PAGES: list[Page] = []


def register(page: Page) -> None:
    global _PAGES
    _PAGES = [p for p in _PAGES if p.path != page.path] + [page]


def pages() -> list[Page]:
    _ensure_loaded()
    return list(_PAGES)


def nav_pages() -> list[Page]:
    order = ["/", "/trajectories", "/timelines", "/interventions", "/costs", "/data"]
    found = {p.path: p for p in pages() if p.nav}
    return [found[p] for p in order if p in found]


def resolve(pathname: str | None) -> tuple[Page | None, dict]:
    path = (pathname or "/").rstrip("/") or "/"
    for page in pages():
        if page.prefix and path.startswith(page.path):
            rest = unquote(path[len(page.path) :]).strip("/")
            if rest and "/" not in rest:
                return page, {"code": rest}
        elif path == page.path:
            return page, {}
    return None, {}


def not_found(pathname: str) -> html.Div:
    return html.Div(
        [
            page_header("Page not found", f"There is no page at {pathname}."),
            empty_state("Use the navigation above to find a view.", icon="bi-signpost-split"),
        ]
    )


_loaded = False


def _ensure_loaded() -> None:
    """Import the page modules once; each registers itself."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from layouts import (  # noqa: F401 - imported for their registration
        costs,
        data_page,
        interventions,
        login,
        overview,
        timelines,
        trajectories,
        trust,
    )


def render(
    page: Page, filters: Filters, viewer: Viewer, notices: list[str], query: str, kwargs: dict
) -> html.Div:
    return page.layout(filters=filters, viewer=viewer, notices=notices, query=query, **kwargs)
