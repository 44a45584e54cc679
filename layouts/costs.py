"""Cost-consequence: what the support cost, beside what followed (never one ratio)."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import cca, theme
from dashboard.labels import GROUP_LABELS, RATING_LABELS, label, trust_link_markdown
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.components import card, download_link, page_header

TITLE = "Cost-consequence"


class Ids:
    METRIC = "costs-metric"
    BY_GROUP = "costs-by-group"
    BY_PAYER = "costs-by-payer"
    SCATTER = "costs-scatter"
    GRID = "costs-grid"
    SUMMARY = "costs-summary"


def metric_choices() -> list[dict]:
    frame = queries.metrics()
    return [
        {"label": row.name, "value": row.metric_id}
        for row in frame.sort_values("name").itertuples(index=False)
    ]


def grid_columns() -> list[dict]:
    money = {
        "valueFormatter": {"function": "params.value == null ? '' : '£' + d3.format(',.0f')(params.value)"},
        "type": "rightAligned",
        "filter": "agNumberColumnFilter",
    }
    return [
        {
            "field": "trust",
            "headerName": "Trust",
            "cellRenderer": "markdown",
            "pinned": "left",
            "minWidth": 250,
            "filter": True,
        },
        {"field": "group", "headerName": "Evaluation group", "minWidth": 180, "filter": True},
        {"field": "total_cost_gbp", "headerName": "Total cost", **money},
        {"field": "cost_payer_nhsi_gbp", "headerName": "Paid by NHSI", **money},
        {"field": "cost_payer_trust_gbp", "headerName": "Paid by the trust", **money},
        {"field": "cost_per_month_in_regime_gbp", "headerName": "Cost per month in regime", **money},
        {
            "field": "smq_days",
            "headerName": "Days in SMQ",
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
        },
        {"field": "exited", "headerName": "Left SMQ", "filter": True},
        {"field": "re_entered", "headerName": "Re-entered", "filter": True},
        {"field": "rating_at_smq_entry", "headerName": "Rating at entry", "filter": True},
        {"field": "latest_rating", "headerName": "Latest rating", "filter": True},
        {
            "field": "metric_change",
            "headerName": "Key metric change",
            "minWidth": 200,
            "cellClassRules": {
                "cca-improved": "params.value && params.value.startsWith('↑')",
                "cca-worsened": "params.value && params.value.startsWith('↓')",
                "cca-little": "params.value && params.value.startsWith('→')",
            },
        },
    ]


def grid_rows(table) -> list[dict]:
    rows = []
    for row in table.to_dict("records"):
        rows.append(
            {
                **{
                    k: row[k]
                    for k in (
                        "trust_code",
                        "total_cost_gbp",
                        "cost_payer_nhsi_gbp",
                        "cost_payer_trust_gbp",
                        "smq_days",
                    )
                },
                "cost_per_month_in_regime_gbp": None
                if row["cost_per_month_in_regime_gbp"] != row["cost_per_month_in_regime_gbp"]
                else row["cost_per_month_in_regime_gbp"],
                "trust": trust_link_markdown(row["trust_code"], row["trust_name"]),
                "group": label(GROUP_LABELS, row["evaluation_group"]),
                "exited": "yes" if row["exited_smq"] else "no",
                "re_entered": "yes" if row["re_entered_smq"] else "no",
                "rating_at_smq_entry": RATING_LABELS.get(row["rating_at_smq_entry"], "not rated"),
                "latest_rating": RATING_LABELS.get(row["latest_rating"], "not rated"),
                "metric_change": row["metric_change"],
            }
        )
    return rows


def summary_table(table) -> html.Table:
    summary = cca.group_summary(table, {"total_cost_gbp": "Total cost £", "smq_days": "Days in SMQ"})
    if summary.empty:
        return components.empty_state("No trusts to summarise.")
    head = html.Thead(
        html.Tr(
            [
                html.Th("Evaluation group"),
                html.Th("Trusts"),
                html.Th("Median total cost"),
                html.Th("Range of total cost"),
                html.Th("Median days in SMQ"),
                html.Th("Range of days"),
            ]
        )
    )
    body = [
        html.Tr(
            [
                html.Td(label(GROUP_LABELS, r["evaluation_group"])),
                html.Td(r["trusts"]),
                html.Td(f"£{r['Total cost £ (median)']:,.0f}"),
                html.Td("£" + r["Total cost £ (range)"].replace(" – ", " – £")),
                html.Td(f"{r['Days in SMQ (median)']:,.0f}"),
                html.Td(r["Days in SMQ (range)"]),
            ]
        )
        for r in summary.to_dict("records")
    ]
    return html.Table(
        [head, html.Tbody(body)], className="table table-sm smq-table", id="costs-summary-table"
    )


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    choices = metric_choices()
    values = [c["value"] for c in choices]
    chosen = (
        [m for m in filters.metrics if m in values]
        or [v for v in values if v.startswith("ae_4hr")][:1]
        or values[:1]
    )
    return html.Div(
        [
            page_header(
                TITLE,
                "Costs of the support beside the consequences that followed: time in SMQ, exit, re-entry, CQC ratings and "
                "key metrics. They are shown side by side, not collapsed into one ratio.",
                [download_link("costs", filters, "Download costs.csv")],
            ),
            html.Div(
                [
                    card(
                        "Costs by category",
                        components.chart(Ids.BY_GROUP, theme.graph_config("costs-by-category")),
                    ),
                    card(
                        "Costs by payer",
                        components.chart(Ids.BY_PAYER, theme.graph_config("costs-by-payer")),
                    ),
                ],
                className="smq-grid-2",
            ),
            card(
                "Costs and consequences, trust by trust",
                [
                    html.Div(
                        [
                            html.Label("Key metric", htmlFor=Ids.METRIC, className="smq-filter-label"),
                            dcc.Dropdown(
                                id=Ids.METRIC,
                                options=choices,
                                value=chosen[0] if chosen else None,
                                clearable=False,
                            ),
                        ],
                        className="smq-filter smq-filter-wide",
                    ),
                    components.chart(Ids.SCATTER, theme.graph_config("cost-versus-consequence")),
                    dag.AgGrid(
                        id=Ids.GRID,
                        columnDefs=grid_columns(),
                        rowData=[],
                        className="smq-aggrid",
                        defaultColDef={"sortable": True, "resizable": True, "minWidth": 120},
                        style={"height": "480px"},
                        csvExportParams={"fileName": "smq-monitor-cost-consequence.csv"},
                    ),
                ],
            ),
            card("Group summaries", dcc.Loading(html.Div(id=Ids.SUMMARY))),
            card(
                "What is and isn't costed",
                html.Ul(
                    [
                        html.Li(
                            "Costs are as recorded in costs.csv, by category and payer. A blank amount is unknown: it is left out of the totals, which are therefore lower bounds."
                        ),
                        html.Li(
                            "Trust staff time is not costed unless recorded as reporting burden; the wider cost to patients is not costed."
                        ),
                        html.Li(
                            "Metric change compares the mean of the 12 months before first SMQ entry with the latest 12 months "
                            "to the data's as-of date, in the direction the metric counts as better (a change under 2 % reads as "
                            "little change). It describes what followed, not what the support caused."
                        ),
                    ]
                ),
            ),
        ]
    )
