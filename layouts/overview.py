"""Overview page."""

from __future__ import annotations

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import placeholder
from layouts.pages import Page, register

TITLE = "Overview"


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    return placeholder.layout(TITLE, "Where things stand: trusts in SMQ and CP now, entries and exits, and recent changes.")


register(Page("/", TITLE, layout))
