"""A titled page whose view is still to come: it says so rather than pretending."""

from __future__ import annotations

from dash import html

from layouts.components import empty_state, page_header


def layout(title: str, lede: str) -> html.Div:
    return html.Div(
        [page_header(title, lede), empty_state("This view is being built.", "Use the downloads meanwhile.")]
    )
