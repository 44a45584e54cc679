"""Overview page: where things stand, in one screen."""

from __future__ import annotations

from dash import dcc, html

from dashboard import theme
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import card, download_link, page_header
from layouts.pages import Page, register

TITLE = "Overview"


class Ids:
    HEADLINES = "overview-headlines"
    COUNTS = "overview-counts"
    GROUPS = "overview-groups"
    TYPES = "overview-types"
    RECENT = "overview-recent"
    DOWNLOAD = "overview-download"


def _graph(graph_id: str, filename: str) -> dcc.Loading:
    return dcc.Loading(dcc.Graph(id=graph_id, config=theme.graph_config(filename), className="smq-graph"), delay_show=300)


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    sees_cp = viewer.sees_everything or bool(viewer.trusts)
    lede = "Where things stand on the data's as-of date: trusts in Special Measures for Quality"
    lede += " and on the Challenged Providers list" if sees_cp else ""
    lede += ", entries and exits, and how the filtered trusts divide into the evaluation's groups."
    return html.Div(
        [
            page_header(TITLE, lede, [download_link("trusts", filters, "Download trusts.csv", link_id=Ids.DOWNLOAD)]),
            dcc.Loading(html.Div(id=Ids.HEADLINES, className="smq-kpi-grid"), delay_show=300),
            card("Trusts in each regime, month by month", _graph(Ids.COUNTS, "national-regime-counts")),
            html.Div(
                [
                    card("Evaluation groups", _graph(Ids.GROUPS, "trusts-by-group")),
                    card("Trust types", _graph(Ids.TYPES, "trusts-by-type")),
                ],
                className="smq-grid-2",
            ),
            card("Recent changes", dcc.Loading(html.Div(id=Ids.RECENT), delay_show=300)),
        ]
    )


register(Page("/", TITLE, layout))
