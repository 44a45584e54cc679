"""Callbacks of the uptake page: the URL decides; the same table as /download/uptake.csv."""

from __future__ import annotations

from dash import Output

from callbacks.common import content_callback
from callbacks.urlsync import UrlField, register_url_sync
from dashboard import cca, tables, theme
from dashboard.figures import interventions as figures
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.ids import Shell
from layouts.interventions import Ids, buddy_rows, uptake_rows

register_url_sync(Shell.URL, [UrlField(Ids.BY, "by")], "interventions")


def _fallback():
    empty = theme.empty_figure("The database is not answering; the charts will return with it.")
    return empty, empty, [], empty, empty, []


@content_callback(
    Output(Ids.COUNTS, "figure"),
    Output(Ids.RATES, "figure"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.DIRECTORS, "figure"),
    Output(Ids.FUNDING, "figure"),
    Output(Ids.BUDDIES, "rowData"),
    fallback=_fallback,
    cp_dated=("interventions",),
)
def update_uptake(filters: Filters, who: Viewer):
    trusts = queries.trusts(who, filters)
    interventions = queries.interventions(who, filters)
    uptake = tables.uptake_view(trusts, interventions)
    funding = cca.funding_rows(interventions, queries.episodes(who, filters), trusts)
    return (
        figures.counts_figure(uptake),
        figures.rates_figure(uptake, filters.extra("by")),
        uptake_rows(uptake),
        figures.director_figure(figures.director_timing(interventions, trusts)),
        figures.funding_figure(funding),
        buddy_rows(interventions, trusts),
    )
