"""Intervention uptake: who received which support, when, for how long and at what amount."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboard import theme
from dashboard.labels import GROUP_LABELS, INTERVENTION_LABELS, STATUS_LABELS, label, trust_link_markdown
from data_access.filters import Filters
from data_access.viewer import Viewer
from data_access.vocab import INTERVENTIONS
from layouts.components import card, chart, download_link, page_header

TITLE = "Intervention uptake"


class Ids:
    BY = "interventions-by"
    COUNTS = "interventions-counts"
    RATES = "interventions-rates"
    DIRECTORS = "interventions-directors"
    FUNDING = "interventions-funding"
    GRID = "interventions-grid"
    BUDDIES = "interventions-buddies"


STATUS_CLASS_RULES = {
    "uptake-cell uptake-delivered": "params.value == 'Delivered'",
    "uptake-cell uptake-not_delivered": "params.value == 'Not delivered'",
    "uptake-cell uptake-no_data": "params.value == 'No data'",
    "uptake-none": "params.value == 'Nothing recorded'",
}


BUDDY_COLUMNS = [
    {"field": "trust", "headerName": "Trust", "cellRenderer": "markdown", "minWidth": 260, "flex": 2},
    {"field": "partner", "headerName": "Buddy (partner)", "minWidth": 240, "flex": 2},
    {"field": "start", "headerName": "From", "minWidth": 110, "flex": 1},
    {"field": "end", "headerName": "To", "minWidth": 110, "flex": 1},
    {"field": "status", "headerName": "Status", "minWidth": 120, "flex": 1},
]


def uptake_columns() -> list[dict]:
    columns = [
        {
            "field": "trust",
            "headerName": "Trust",
            "cellRenderer": "markdown",
            "pinned": "left",
            "minWidth": 260,
            "filter": True,
        },
        {"field": "group", "headerName": "Evaluation group", "minWidth": 190, "filter": True},
    ]
    for intervention in INTERVENTIONS:
        columns.append(
            {
                "field": intervention,
                "headerName": INTERVENTION_LABELS[intervention],
                "minWidth": 130,
                "cellClassRules": STATUS_CLASS_RULES,
                "filter": True,
            }
        )
    return columns


def _graph(graph_id: str, filename: str) -> html.Div:
    return chart(graph_id, theme.graph_config(filename))


def uptake_rows(uptake) -> list[dict]:
    rows = []
    for row in uptake.to_dict("records"):
        out = {
            "trust_code": row["trust_code"],
            "trust": trust_link_markdown(row["trust_code"], row["trust_name"]),
            "group": label(GROUP_LABELS, row["evaluation_group"]),
        }
        for intervention in INTERVENTIONS:
            out[intervention] = STATUS_LABELS[row[intervention] or ""]
        rows.append(out)
    return rows


def buddy_rows(interventions, trusts) -> list[dict]:
    """Rows of the "who buddied with whom" grid: a grid, not an HTML table, so that hundreds of
    pairs (scale 10) cost the browser no more than a dozen."""
    pairs = interventions[interventions["intervention"] == "buddying"]
    names = trusts.set_index("trust_code")["trust_name"]
    return [
        {
            "trust": trust_link_markdown(r.trust_code, names.get(r.trust_code, r.trust_code)),
            "partner": r.partner or "not recorded",
            "start": f"{r.start_date:%Y-%m}",
            "end": "ongoing" if _na(r.end_date) else f"{r.end_date:%Y-%m}",
            "status": STATUS_LABELS.get(r.status, r.status),
        }
        for r in pairs.itertuples(index=False)
    ]


def _na(value) -> bool:
    return value is None or value != value


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    return html.Div(
        [
            page_header(
                TITLE,
                "The support each trust received, as in the published evaluation's uptake matrix: delivered, not "
                "delivered, “No data” (the trust could not supply it), or nothing recorded.",
                [download_link("uptake", filters, "Download uptake.csv")],
            ),
            card("Counts per intervention", _graph(Ids.COUNTS, "uptake-counts")),
            card(
                "Uptake rates",
                [
                    html.Fieldset(
                        [
                            html.Legend("Compare by", className="smq-filter-label"),
                            dbc.RadioItems(
                                id=Ids.BY,
                                options=[
                                    {"label": "Evaluation group", "value": "group"},
                                    {"label": "Trust type", "value": "type"},
                                ],
                                value=filters.extra("by", "group"),
                                inline=True,
                            ),
                        ],
                        className="smq-choice",
                    ),
                    _graph(Ids.RATES, "uptake-rates"),
                ],
            ),
            card(
                "Uptake matrix",
                dag.AgGrid(
                    id=Ids.GRID,
                    columnDefs=uptake_columns(),
                    rowData=[],
                    className="smq-aggrid",
                    defaultColDef={"sortable": True, "resizable": True},
                    dashGridOptions={"domLayout": "normal", "tooltipShowDelay": 300},
                    style={"height": "520px"},
                    csvExportParams={"fileName": "smq-monitor-uptake-matrix.csv"},
                ),
            ),
            html.Div(
                [
                    card("Improvement Directors", _graph(Ids.DIRECTORS, "improvement-directors")),
                    card("Central funding", _graph(Ids.FUNDING, "central-funding")),
                ],
                className="smq-grid-2",
            ),
            card(
                "Who buddied with whom",
                dag.AgGrid(
                    id=Ids.BUDDIES,
                    columnDefs=BUDDY_COLUMNS,
                    rowData=[],
                    className="smq-aggrid",
                    defaultColDef={"sortable": True, "resizable": True, "filter": True},
                    dashGridOptions={
                        "localeText": {"noRowsToShow": "No buddying recorded for the filtered trusts."}
                    },
                    style={"height": "360px"},
                    csvExportParams={"fileName": "smq-monitor-buddying.csv"},
                ),
            ),
        ]
    )
