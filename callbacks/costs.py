"""Callbacks of the cost-consequence page: the same table as /download/costs.csv, plus metric change."""

from __future__ import annotations

from dash import Output

from callbacks.common import content_callback
from callbacks.urlsync import UrlField, register_url_sync
from dashboard import cca, tables, theme
from dashboard.figures import costs as figures
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.costs import Ids, grid_rows, summary_table
from layouts.ids import Shell

register_url_sync(Shell.URL, [UrlField(Ids.METRIC, "metric")], "costs")


def _fallback():
    empty = theme.empty_figure("The database is not answering; the charts will return with it.")
    return empty, empty, empty, [], [components.error_state()]


@content_callback(
    Output(Ids.BY_GROUP, "figure"),
    Output(Ids.BY_PAYER, "figure"),
    Output(Ids.SCATTER, "figure"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.SUMMARY, "children"),
    fallback=_fallback,
    cp_dated=("costs",),
)
def update_costs(filters: Filters, who: Viewer):
    trusts = queries.trusts(who, filters)
    as_of = queries.as_of()
    table = tables.costs_view(
        trusts,
        queries.episodes(who, filters),
        queries.costs(who, filters),
        queries.ratings(who, filters, domains=("overall",)),
        as_of,
    )
    definitions = queries.metrics().set_index("metric_id")
    metric_id = cca.chosen_metric(filters.metrics, definitions.index)
    values = queries.metric_values(who, filters, (metric_id,)) if metric_id else None
    table, y, y_title = cca.with_metric_change(
        table, trusts, values, definitions.loc[metric_id] if metric_id else None, as_of
    )
    return (
        figures.by_group_figure(table),
        figures.by_payer_figure(table),
        figures.scatter_figure(table, y, y_title),
        grid_rows(table),
        summary_table(table),
    )
