"""Callbacks of the overview page: one query set, four small builders; the findings pack job."""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from callbacks.common import content_callback, db_safe, filters_from, viewer
from dashboard import theme
from dashboard.figures import overview as figures
from dashboard.figures import timelines as timeline_figures
from data_access import queries, timeline_queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components, context
from layouts.ids import Shell
from layouts.overview import Ids, headline_cards, pack_status, recent_lists


def _fallback():
    empty = theme.empty_figure("The database is not answering; the figures will return with it.")
    return [components.error_state()], empty, empty, empty, [], "Picture for the filtered trusts", empty


@content_callback(
    Output(Ids.HEADLINES, "children"),
    Output(Ids.COUNTS, "figure"),
    Output(Ids.GROUPS, "figure"),
    Output(Ids.TYPES, "figure"),
    Output(Ids.RECENT, "children"),
    Output(Ids.PICTURE_TITLE, "children"),
    Output(Ids.SEGMENTS, "figure"),
    fallback=_fallback,
)
def update_overview(filters: Filters, who: Viewer):
    show_cp = who.sees_any_cp
    as_of = queries.as_of()
    trusts = queries.trusts(who, filters)
    episodes = queries.episodes(who, filters)
    ratings = queries.ratings(who, filters, domains=("overall",))
    headlines = figures.headlines(trusts, episodes, as_of, show_cp, filters.to_query())
    counts = timeline_figures.counts_chart(timeline_queries.monthly_counts(who, filters), as_of, show_cp)
    return (
        headline_cards(headlines),
        counts,
        figures.distribution_figure(trusts, "group"),
        figures.distribution_figure(trusts, "type"),
        recent_lists(figures.recent_changes(episodes, ratings, trusts, as_of), filters.to_query()),
        figures.picture_title(len(trusts), filters.types, filters.selects_trusts()),
        figures.segment_counts_figure(queries.metric_values(who, filters, ("nof_segment",))),
    )


# --------------------------------------------------------------------------------------------
# The findings pack: a click starts a background job; a timer follows it to the download link.


@callback(
    Output(Ids.PACK_JOB, "data"),
    Output(Ids.PACK_TIMER, "disabled"),
    Output(Ids.PACK_STATUS, "children"),
    Output(Ids.PACK_BUTTON, "disabled"),
    Input(Ids.PACK_BUTTON, "n_clicks"),
    State(Shell.URL, "search"),
    prevent_initial_call=True,
)
@db_safe(lambda: (no_update, True, [components.error_state()], False))
def start_pack(n_clicks: int | None, search: str | None):
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    filters, _ = filters_from(search)
    job_id = context.services().start_pack(viewer(), filters)
    shown, _ = pack_status({"state": "queued", "progress": 0, "step": "starting"})
    return job_id, False, shown, True


@callback(
    Output(Ids.PACK_STATUS, "children", allow_duplicate=True),
    Output(Ids.PACK_TIMER, "disabled", allow_duplicate=True),
    Output(Ids.PACK_BUTTON, "disabled", allow_duplicate=True),
    Input(Ids.PACK_TIMER, "n_intervals"),
    State(Ids.PACK_JOB, "data"),
    prevent_initial_call=True,
)
def poll_pack(n_intervals: int | None, job_id: str | None):
    if not job_id or not isinstance(job_id, str):
        return no_update, True, False
    shown, running = pack_status(context.services().pack_status(job_id, viewer()))
    return shown, not running, running
