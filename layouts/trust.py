"""Trust profile page: one trust on one page."""

from __future__ import annotations

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import placeholder
from layouts.pages import Page, register

TITLE = "Trust profile"


def layout(filters: Filters, viewer: Viewer, notices: list[str], code: str = "", **_: str) -> html.Div:
    return placeholder.layout(f"Trust {code}", "Regime timeline, ratings, progress indicators, interventions and costs.")


register(Page("/trust/", TITLE, layout, nav=False, prefix=True))
