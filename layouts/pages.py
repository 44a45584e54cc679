"""The pages of the app, listed once in navigation order, and the router (contract §4).

A small router of our own instead of `dash.register_page`: Dash's pages re-render the whole page
when the query string changes, and here the query string changes on every filter change. Each
page module exposes `TITLE` and `layout(filters, viewer, notices, query, **path_args)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import (
    costs,
    data_page,
    groups,
    impact,
    interventions,
    login,
    monitoring,
    overview,
    timelines,
    trajectories,
    trust,
)
from layouts.components import empty_state, page_header

LayoutFn = Callable[..., html.Div]


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    layout: LayoutFn
    nav: bool = True
    filter_bar: bool = True
    prefix: bool = False  # /trust/<code>: the rest of the path is the `code` argument

    @property
    def nav_id(self) -> str:
        """The navigation link's component id."""
        return f"nav-{self.path.strip('/') or 'overview'}"


PAGES: tuple[Page, ...] = (
    Page("/", overview.TITLE, overview.layout),
    Page("/trajectories", trajectories.TITLE, trajectories.layout),
    Page("/timelines", timelines.TITLE, timelines.layout),
    Page("/interventions", interventions.TITLE, interventions.layout),
    Page("/costs", costs.TITLE, costs.layout),
    Page("/groups", groups.TITLE, groups.layout),
    Page("/impact", impact.TITLE, impact.layout),
    Page("/monitoring", monitoring.TITLE, monitoring.layout),
    Page("/data", data_page.TITLE, data_page.layout),
    Page("/trust/", trust.TITLE, trust.layout, nav=False, prefix=True),
    Page("/login", login.TITLE, login.layout, nav=False, filter_bar=False),
)


def nav_pages() -> list[Page]:
    return [p for p in PAGES if p.nav]


def resolve(pathname: str | None) -> tuple[Page | None, dict]:
    """The page at a path and its path arguments; (None, {}) when there is none."""
    path = (pathname if isinstance(pathname, str) else "/").rstrip("/") or "/"
    for page in PAGES:
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


def render(
    page: Page, filters: Filters, viewer: Viewer, notices: list[str], query: str, kwargs: dict
) -> html.Div:
    return page.layout(filters=filters, viewer=viewer, notices=notices, query=query, **kwargs)
