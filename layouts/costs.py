"""Cost-consequence page."""

from __future__ import annotations

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import placeholder
from layouts.pages import Page, register

TITLE = "Cost-consequence"


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    return placeholder.layout(TITLE, "What the interventions cost, beside what followed.")


register(Page("/costs", TITLE, layout))
