"""Callbacks of the timelines page: the URL decides what is drawn; a click on a row opens
that trust's page."""

from __future__ import annotations

from dash import Input, Output, clientside_callback, no_update

from callbacks.common import content_callback, deferred_copy
from callbacks.urlsync import UrlField, register_url_sync
from dashboard import theme, timelines
from dashboard.figures import timelines as figures
from data_access import queries, timeline_queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.ids import Shell
from layouts.timelines import Ids, gantt_note, kpi_cards

register_url_sync(Shell.URL, [UrlField(Ids.SORT, "sort"), UrlField(Ids.ROWS, "rows")], "timelines")


def _overview_fallback():
    message = "The database is not answering; the figures will return with it."
    return theme.empty_figure(message), [components.error_state()], ""


@content_callback(
    Output(Ids.COUNTS, "figure"),
    Output(Ids.KPIS, "children"),
    Output(Ids.COUNTS_NOTE, "children"),
    fallback=_overview_fallback,
)
def update_overview(filters: Filters, who: Viewer):
    """Month-by-month counts and the headline figures for the filtered set."""
    show_cp = who.sees_any_cp
    as_of = queries.as_of()
    counts = timeline_queries.monthly_counts(who, filters)
    kpis = timelines.timeline_kpis(queries.episodes(who, filters), as_of, show_cp)
    note = figures.counts_note(as_of, show_cp, partial_cp=not who.sees_everything)
    return figures.counts_chart(counts, as_of, show_cp), kpi_cards(kpis), note


def _gantt_fallback():
    message = "The database is not answering; the timelines will return with it."
    return theme.empty_figure(message), {}, [], no_update, message


@content_callback(
    Output(Ids.GANTT, "figure"),
    Output(Ids.GANTT, "style"),
    Output(Ids.TABLE_ROWS, "data"),
    Output(Ids.TABLE, "style"),
    Output(Ids.GANTT_NOTE, "children"),
    fallback=_gantt_fallback,
)
def update_gantt(filters: Filters, who: Viewer):
    """One row per trust with an episode the viewer may see, sorted and grouped as the URL says."""
    show_cp = who.sees_any_cp
    as_of = queries.as_of()
    episodes = queries.episodes(who, filters)
    table = timelines.trust_timeline_table(queries.trusts(who, filters), episodes)
    rows = timelines.gantt_rows(table, filters.extra("sort"), filters.extra("rows"))
    ratings = queries.ratings(who, filters, domains=("overall",))
    interventions = queries.interventions(who, filters)
    drawn = timelines.first_rows(rows)
    # the figure keeps the ratings and interventions of the trusts it draws
    figure = figures.gantt_figure(drawn, episodes, ratings, interventions, as_of, show_cp)
    style = {"height": f"{figure['layout'].get('height') or 260}px"}
    shown = int((drawn["kind"] == "trust").sum())
    table_style = {"height": f"{timelines.table_height(len(table))}px"}
    return (
        figure,
        style,
        timelines.timeline_table_rows(table, rows, show_cp),
        table_style,
        gantt_note(len(table), shown, as_of),
    )


# The table takes its rows once the charts have drawn: laying out a grid of hundreds of rows would
# otherwise come first, on the same thread.
deferred_copy(Output(Ids.TABLE, "rowData"), Input(Ids.TABLE_ROWS, "data"))


# A click anywhere on a trust's row opens its page; the query string stays as it is. In the
# browser: the page's arrival (which Dash reports as a clickData change) costs no request.
clientside_callback(
    """function (click) {
        var points = (click && Array.isArray(click.points)) ? click.points : [];
        for (var i = 0; i < points.length; i++) {
            var custom = points[i] && points[i].customdata;
            var code = Array.isArray(custom) ? custom[0] : custom;
            if (typeof code === "string" && code) {
                return "/trust/" + encodeURIComponent(code);
            }
        }
        return dash_clientside.no_update;
    }""",
    Output(Shell.URL, "pathname", allow_duplicate=True),
    Input(Ids.GANTT, "clickData"),
    prevent_initial_call=True,
)
