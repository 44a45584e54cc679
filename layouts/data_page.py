"""Data and methods page."""

from __future__ import annotations

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import placeholder
from layouts.pages import Page, register

TITLE = "Data and methods"


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    return placeholder.layout(TITLE, "Definitions, sources, the evaluation-group and SPC rules, and data quality.")


register(Page("/data", TITLE, layout))
