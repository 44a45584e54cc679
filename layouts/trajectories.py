"""Performance trajectories page."""

from __future__ import annotations

from dash import html

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import placeholder
from layouts.pages import Page, register

TITLE = "Performance trajectories"


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    return placeholder.layout(TITLE, "How trusts' indicators moved before, during and after SMQ or CP, against their peers.")


register(Page("/trajectories", TITLE, layout))
