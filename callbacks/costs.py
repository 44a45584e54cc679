"""Callbacks of the cost-consequence page: the same table as /download/costs.csv, plus metric change."""

from __future__ import annotations

from dash import Input, Output, callback, html

from callbacks.common import cached_answer, db_safe, filters_from, viewer
from callbacks.urlsync import UrlField, register_url_sync
from dashboard import cca, tables, theme
from dashboard.figures import costs as figures
from dashboard.labels import GROUP_LABELS, RATING_LABELS, label, trust_link_markdown
from data_access import queries
from layouts import components
from layouts.costs import Ids
from layouts.ids import Shell

register_url_sync(Shell.URL, [UrlField(Ids.METRIC, "metric")], "costs")


def _fallback():
    empty = theme.empty_figure("The database is not answering; the charts will return with it.")
    return empty, empty, empty, [], [components.error_state()]


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


@callback(
    Output(Ids.BY_GROUP, "figure"),
    Output(Ids.BY_PAYER, "figure"),
    Output(Ids.SCATTER, "figure"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.SUMMARY, "children"),
    Input(Shell.URL, "search"),
)
@db_safe(_fallback)
@cached_answer
def update_costs(search: str | None):
    filters, _ = filters_from(search)
    who = viewer()
    trusts = queries.trusts(who, filters)
    as_of = queries.as_of()
    table = tables.costs_view(
        trusts,
        queries.episodes(who, filters),
        queries.costs(who, filters),
        queries.ratings(who, filters, domains=("overall",)),
        as_of,
    )
    table["metric_change"] = cca.ARROWS[""]
    definitions = queries.metrics().set_index("metric_id")
    metric_id = next((m for m in filters.metrics if m in definitions.index), None) or next(
        (m for m in definitions.index if m.startswith("ae_4hr")), None
    )
    y, y_title = "smq_days", "Days in SMQ"
    if metric_id is not None:
        metric = definitions.loc[metric_id]
        change = cca.metric_change(
            queries.metric_values(who, filters, (metric_id,)), trusts, bool(metric["higher_is_better"]), as_of
        )
        change = change.set_index("trust_code")
        table["metric_change"] = [
            f"{cca.ARROWS[change.loc[c, 'direction']]} ({change.loc[c, 'before']:.1f} → {change.loc[c, 'latest']:.1f})"
            if c in change.index and change.loc[c, "direction"]
            else cca.ARROWS[""]
            for c in table["trust_code"]
        ]
        table["metric_delta"] = table["trust_code"].map(change["change"])
        y, y_title = "metric_delta", f"Change in {metric['name']}"
    return (
        figures.by_group_figure(table),
        figures.by_payer_figure(table),
        figures.scatter_figure(table, y, y_title),
        grid_rows(table),
        summary_table(table),
    )
