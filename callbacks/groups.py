"""Callbacks of the evaluation groups page: the cost-consequence and uptake tables, by group."""

from __future__ import annotations

from dash import Output

from callbacks.common import content_callback
from dashboard import report, tables
from dashboard.figures import overview as overview_figures
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.groups import Ids, costs_table, sizes_table, uptake_table


def _fallback():
    return "Evaluation groups", [components.error_state()], [], []


@content_callback(
    Output(Ids.HEADING, "children"),
    Output(Ids.SIZES, "children"),
    Output(Ids.UPTAKE, "children"),
    Output(Ids.COSTS, "children"),
    fallback=_fallback,
)
def update_groups(filters: Filters, who: Viewer):
    trusts = queries.trusts(who, filters)
    costs = tables.costs_view(
        trusts,
        queries.episodes(who, filters),
        queries.costs(who, filters),
        queries.ratings(who, filters, domains=("overall",)),
        queries.as_of(),
    )
    outcomes = report.group_outcomes(costs)
    medians = report.cost_group_medians(costs)
    uptake = report.uptake_by_group(tables.uptake_view(trusts, queries.interventions(who, filters)))
    return (
        overview_figures.picture_title(len(trusts), filters.types, filters.selects_trusts()),
        sizes_table(outcomes, medians, filters),
        uptake_table(uptake, filters),
        costs_table(outcomes, medians, filters),
    )
