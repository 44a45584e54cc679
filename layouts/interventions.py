"""Intervention uptake page."""

from __future__ import annotations

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import placeholder
from layouts.pages import Page, register

TITLE = "Intervention uptake"


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    return placeholder.layout(TITLE, "Which support each trust received: Improvement Directors, buddying, central funding, leadership change.")


register(Page("/interventions", TITLE, layout))
