"""Overview page: where things stand, in one screen."""

from __future__ import annotations

from dash import dcc, html

from dashboard import theme
from dashboard.figures import overview as figures
from dashboard.words import date_words
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.components import card, download_link, page_header

TITLE = "Overview"
PACK_POLL_MS = 800


class Ids:
    HEADLINES = "overview-headlines"
    COUNTS = "overview-counts"
    PICTURE_TITLE = "overview-picture-title"
    GROUPS = "overview-groups"
    TYPES = "overview-types"
    SEGMENTS = "overview-segments"
    RECENT = "overview-recent"
    PACK_BUTTON = "overview-pack-button"
    PACK_JOB = "overview-pack-job"
    PACK_TIMER = "overview-pack-timer"
    PACK_STATUS = "overview-pack-status"


def _graph(graph_id: str, filename: str) -> html.Div:
    return components.chart(graph_id, theme.graph_config(filename), class_name="smq-graph")


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


def groups_link(filters: Filters) -> html.P:
    query = filters.to_query()
    return html.P(
        [
            "The evaluation groups side by side (sizes, time in regime, uptake of support, costs "
            "beside consequences): ",
            dcc.Link(
                "Evaluation groups",
                href="/groups" + (f"?{query}" if query else ""),
                id="overview-groups-link",
            ),
            ".",
        ],
        className="smq-small",
    )


def headline_cards(items: list[figures.Headline]) -> list:
    return [
        components.kpi(h.label, h.value, h.note, href=h.href, kpi_id=f"overview-kpi-{h.key}") for h in items
    ]


def recent_lists(frame, query: str) -> html.Div:
    """Three short lists (entries, exits, ratings), newest first, each with a link to its view."""
    suffix = f"?{query}" if query else ""
    columns = []
    for kind, title in figures.RECENT_KINDS:
        part = frame[frame["kind"] == kind]
        if part.empty:
            body = html.P("None for the filtered trusts.", className="smq-muted smq-small")
        else:
            body = html.Ul(
                [
                    html.Li(
                        [
                            html.Span(date_words(row.date), className="ov-recent-date"),
                            components.trust_link(row.trust_code, row.trust_name),
                            f" {row.what}",
                        ]
                    )
                    for row in part.itertuples(index=False)
                ],
                id=f"overview-recent-{kind}",
            )
        more = dcc.Link("All on the timelines", href="/timelines" + suffix, className="ov-recent-more")
        columns.append(html.Div([html.H3(title), body, more]))
    return html.Div(columns, className="ov-recent", id="overview-recent-list")


def pack_status(status: dict | None) -> tuple[list, bool]:
    """What the page shows for a job's status, and whether to keep polling."""
    if status is None:
        return [
            html.Span(
                "The findings pack is no longer available. Please make it again.", className="ov-pack-error"
            )
        ], False
    state = status.get("state")
    if state == "failed":
        return [
            html.Span(
                status.get("error") or "The findings pack could not be made.", className="ov-pack-error"
            )
        ], False
    if state == "done":
        link = html.A(
            [
                html.I(className="bi bi-download", **{"aria-hidden": "true"}),
                f" Download {status.get('filename')}",
            ],
            href=status["download_url"],
            download=status.get("filename") or "",
            id="overview-pack-download",
            className="btn btn-outline-primary btn-sm",
        )
        return [html.Div("Findings pack ready.", className="smq-small"), link], False
    pct = int(status.get("progress") or 0)
    bar = html.Div(
        html.Div(
            className="progress-bar progress-bar-striped progress-bar-animated", style={"width": f"{pct}%"}
        ),
        className="progress",
        role="progressbar",
        id="overview-pack-progress",
        **{
            "aria-label": "Findings pack progress",
            "aria-valuenow": pct,
            "aria-valuemin": 0,
            "aria-valuemax": 100,
        },
    )
    return [html.Div(f"Making the findings pack: {status.get('step') or 'starting'} ({pct}%)"), bar], True


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    lede = "Where things stand on the data's as-of date: trusts in Special Measures for Quality"
    lede += " and on the Challenged Providers list" if viewer.sees_any_cp else ""
    lede += ", entries and exits, and how the filtered trusts divide into the evaluation's groups."
    actions = html.Div(
        [
            download_link("trusts", filters, "Download trusts.csv"),
            download_link("findings", filters, "Slides (PowerPoint)", fmt="pptx"),
            findings_pack(),
        ],
        className="ov-actions",
    )
    return html.Div(
        [
            page_header(TITLE, lede, [actions]),
            dcc.Loading(html.Div(id=Ids.HEADLINES, className="smq-kpi-grid"), delay_show=300),
            html.Section(
                [
                    html.H2(
                        "Picture for the filtered trusts" if filters.selects_trusts() else "National picture",
                        className="smq-card-title",
                        id=Ids.PICTURE_TITLE,
                    ),
                    html.Div(_graph(Ids.COUNTS, "regime-counts"), className="smq-card-body"),
                ],
                className="smq-card",
            ),
            groups_link(filters),
            html.Div(
                [
                    card("Evaluation groups", _graph(Ids.GROUPS, "trusts-by-group")),
                    card("Trust types", _graph(Ids.TYPES, "trusts-by-type")),
                ],
                className="smq-grid-2",
            ),
            card("NHS Oversight Framework segments", _graph(Ids.SEGMENTS, "nof-segments")),
            card("Recent changes", dcc.Loading(html.Div(id=Ids.RECENT), delay_show=300)),
        ]
    )
