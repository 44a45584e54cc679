"""Timelines page: when each trust entered and left SMQ (and CP, for those who may see it)."""

from __future__ import annotations

from datetime import date

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import theme
from dashboard.timelines import (
    DEFAULT_ROWS,
    DEFAULT_SORT,
    ROW_GROUPINGS,
    ROW_LABELS,
    SORT_LABELS,
    SORTS,
    Kpi,
)
from dashboard.words import date_words
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import card, chart, chart_table, download_link, kpi, page_header

TITLE = "Timelines"


class Ids:
    KPIS = "timelines-kpis"
    COUNTS = "timelines-counts"
    COUNTS_NOTE = "timelines-counts-note"
    GANTT = "timelines-gantt"
    GANTT_NOTE = "timelines-gantt-note"
    SORT = "timelines-sort"
    ROWS = "timelines-rows"
    TABLE = "timelines-table"
    # The table's rows, handed to the grid once the charts have drawn (callbacks.timelines).
    TABLE_ROWS = "timelines-table-rows"


def kpi_cards(kpis: list[Kpi]) -> list:
    return [kpi(k.label, k.value, k.note, kpi_id=f"timelines-kpi-{k.key}") for k in kpis]


def gantt_note(trusts: int, shown: int, as_of: date) -> str:
    """What the chart draws, and how to read it."""
    count = (
        f"{trusts:,} trusts."
        if shown == trusts
        else f"{trusts:,} trusts; the chart draws the first {shown:,} in this order and the table below lists "
        "them all (narrow the filters, or sort differently, to draw others)."
    )
    return (
        f"{count} Bars run from entry to exit; an arrow marks an episode still running on "
        f"{date_words(as_of)}. Hover for dates; click a row (or a name in the table below) to open the trust."
    )


def _choice(title: str, component_id: str, options: dict[str, str], value: str) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend(title, className="smq-filter-label tl-legend"),
            # Native radio buttons, each with its own label: Tab reaches them, Space chooses.
            dbc.RadioItems(
                id=component_id,
                options=[{"label": text, "value": code} for code, text in options.items()],
                value=value,
                inline=True,
                className="tl-radios",
            ),
        ],
        className="tl-choice",
    )


def _table_columns(show_cp: bool) -> list[dict]:
    columns = [
        {
            "field": "trust",
            "headerName": "Trust",
            "cellRenderer": "markdown",
            "flex": 3,
            "minWidth": 240,
            "sortable": False,
            "tooltipField": "trust_name",
        },
        {
            "field": "evaluation_group",
            "headerName": "Evaluation group",
            "flex": 2,
            "minWidth": 150,
            "tooltipField": "evaluation_group",
        },
        {"field": "trust_type", "headerName": "Trust type", "flex": 1.2, "minWidth": 110},
        {
            "field": "first_entry",
            "headerName": "First entry",
            "flex": 1,
            "minWidth": 105,
            # ISO in the data, so the column sorts by date; shown the UK way, "1 Mar 2016".
            "valueFormatter": {
                "function": "params.value ? d3.timeFormat('%-d %b %Y')(d3.timeParse('%Y-%m-%d')(params.value)) : ''"
            },
        },
        {
            "field": "smq_episodes",
            "headerName": "SMQ episodes",
            "type": "numericColumn",
            "flex": 1,
            "minWidth": 90,
        },
        {
            "field": "smq_months",
            "headerName": "Months in SMQ",
            "type": "numericColumn",
            "flex": 1,
            "minWidth": 95,
        },
        {
            "field": "rsp_months",
            "headerName": "Months in the RSP",
            "type": "numericColumn",
            "flex": 1,
            "minWidth": 95,
        },
    ]
    if show_cp:
        columns += [
            {
                "field": "cp_episodes",
                "headerName": "CP episodes",
                "type": "numericColumn",
                "flex": 1,
                "minWidth": 90,
            },
            {
                "field": "cp_months",
                "headerName": "Months on CP list",
                "type": "numericColumn",
                "flex": 1,
                "minWidth": 95,
            },
        ]
    columns.append({"field": "now", "headerName": "Now", "flex": 0.8, "minWidth": 75})
    return columns


def layout(filters: Filters, viewer: Viewer, notices: list[str], query: str = "", **_: str) -> html.Div:
    show_cp = viewer.sees_any_cp
    sort = filters.extra("sort", DEFAULT_SORT)
    rows = filters.extra("rows", DEFAULT_ROWS)
    lede = (
        "When each trust entered and left intensive support (Special Measures for Quality to July 2021, "
        "then the Recovery Support Programme) and the Challenged Providers list, with its CQC overall ratings "
        "and the interventions it received."
        if show_cp
        else "When each trust entered and left intensive support (Special Measures for Quality to July 2021, "
        "then the Recovery Support Programme), with its CQC overall ratings and the interventions it received."
    )
    download = download_link("episodes", filters, "Download episodes.csv")
    graph_config = theme.graph_config("timelines")
    return html.Div(
        [
            page_header(TITLE, lede, actions=[download]),
            dcc.Loading(
                html.Div(id=Ids.KPIS, className="tl-kpis", **{"aria-live": "polite"}), delay_show=300
            ),
            card(
                "Trusts in each regime, month by month",
                [
                    chart(
                        Ids.COUNTS,
                        theme.graph_config("trusts-in-regime-by-month"),
                        class_name="tl-counts-graph",
                    ),
                    html.P(id=Ids.COUNTS_NOTE, className="smq-muted smq-small"),
                ],
                card_id="timelines-counts-card",
            ),
            card(
                "Each trust's timeline",
                [
                    html.Div(
                        [
                            _choice("Sort trusts by", Ids.SORT, {s: SORT_LABELS[s] for s in SORTS}, sort),
                            _choice(
                                "Group rows by", Ids.ROWS, {r: ROW_LABELS[r] for r in ROW_GROUPINGS}, rows
                            ),
                        ],
                        className="tl-controls",
                    ),
                    html.P(id=Ids.GANTT_NOTE, className="smq-muted smq-small"),
                    html.Div(
                        dcc.Loading(
                            dcc.Graph(id=Ids.GANTT, config=graph_config, className="tl-gantt-graph"),
                            delay_show=300,
                        ),
                        className="tl-gantt-scroll",
                        tabIndex="0",
                        role="region",
                        **{"aria-label": "Timeline chart, one row per trust (scrolls)"},
                    ),
                    chart_table(Ids.GANTT),
                    html.H3("Trusts on the chart", className="tl-table-title"),
                    html.P(
                        "The same trusts in the same order; the name opens the trust's page.",
                        className="smq-muted smq-small",
                    ),
                    dcc.Store(id=Ids.TABLE_ROWS, data=[]),
                    dag.AgGrid(
                        id=Ids.TABLE,
                        columnDefs=_table_columns(show_cp),
                        rowData=[],
                        defaultColDef={
                            "sortable": True,
                            "resizable": True,
                            "wrapHeaderText": True,
                            "autoHeaderHeight": True,
                        },
                        dashGridOptions={
                            "theme": {
                                "function": "themeQuartz.withParams({fontFamily: 'inherit', fontSize: 13, "
                                "headerFontWeight: 700, accentColor: '#005EB8', "
                                "foregroundColor: '#212B32'})"
                            },
                            "domLayout": "normal",
                            "rowHeight": 32,
                            "headerHeight": 36,
                            "suppressCellFocus": False,
                        },
                        className="tl-table",
                        style={"height": "420px"},
                    ),
                ],
                card_id="timelines-gantt-card",
            ),
        ],
        className="tl-page",
    )
