"""Overview page: where things stand, in one screen."""

from __future__ import annotations

from dash import dcc, html

from dashboard import theme
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import card, download_link, page_header

TITLE = "Overview"
PACK_POLL_MS = 800


class Ids:
    HEADLINES = "overview-headlines"
    COUNTS = "overview-counts"
    GROUPS = "overview-groups"
    TYPES = "overview-types"
    RECENT = "overview-recent"
    DOWNLOAD = "overview-download"
    PACK_BUTTON = "overview-pack-button"
    PACK_JOB = "overview-pack-job"
    PACK_TIMER = "overview-pack-timer"
    PACK_STATUS = "overview-pack-status"


def _graph(graph_id: str, filename: str) -> dcc.Loading:
    return dcc.Loading(
        dcc.Graph(id=graph_id, config=theme.graph_config(filename), className="smq-graph"), delay_show=300
    )


def findings_pack() -> html.Div:
    """The button that makes the findings pack, and where its progress and link appear."""
    return html.Div(
        [
            html.Button(
                [
                    html.I(className="bi bi-file-earmark-richtext", **{"aria-hidden": "true"}),
                    " Make findings pack",
                ],
                id=Ids.PACK_BUTTON,
                className="btn btn-primary btn-sm",
                type="button",
                title="A self-contained HTML report of this view, for printing or sharing",
            ),
            html.Div(
                id=Ids.PACK_STATUS, className="ov-pack-status", role="status", **{"aria-live": "polite"}
            ),
            dcc.Store(id=Ids.PACK_JOB),
            dcc.Interval(id=Ids.PACK_TIMER, interval=PACK_POLL_MS, disabled=True),
        ],
        className="ov-pack",
    )


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    lede = "Where things stand on the data's as-of date: trusts in Special Measures for Quality"
    lede += " and on the Challenged Providers list" if viewer.sees_any_cp else ""
    lede += ", entries and exits, and how the filtered trusts divide into the evaluation's groups."
    actions = html.Div(
        [download_link("trusts", filters, "Download trusts.csv", link_id=Ids.DOWNLOAD), findings_pack()],
        className="ov-actions",
    )
    return html.Div(
        [
            page_header(TITLE, lede, [actions]),
            dcc.Loading(html.Div(id=Ids.HEADLINES, className="smq-kpi-grid"), delay_show=300),
            card("National picture", _graph(Ids.COUNTS, "national-regime-counts")),
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
