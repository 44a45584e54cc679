"""Timelines page."""

from __future__ import annotations

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import placeholder
from layouts.pages import Page, register

TITLE = "Timelines"


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    return placeholder.layout(TITLE, "SMQ and CP entry and exit for every trust, with CQC ratings and interventions.")


register(Page("/timelines", TITLE, layout))
