"""Callbacks of the timelines page: the URL decides what is drawn; a click on a row opens
that trust's page."""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from callbacks.common import cached_answer, db_safe, filters_from, viewer
from callbacks.urlsync import UrlField, apply_value, search_for, value_from
from dashboard import theme
from dashboard.figures import timelines as figures
from data_access import queries, timeline_queries
from layouts import components
from layouts.ids import Shell
from layouts.timelines import Ids, kpi_cards

URL_FIELDS = [
    UrlField(Ids.SORT, "sort", default=figures.DEFAULT_SORT),
    UrlField(Ids.ROWS, "rows", default=figures.DEFAULT_ROWS),
]


# The page's controls and the URL, kept in step by two one-way callbacks: one whose inputs are
# all page controls and one whose outputs are, so neither runs while another page is shown
# (a callback mixing the URL with controls absent from the layout is an error in the browser).
@callback(
    Output(Shell.URL, "search", allow_duplicate=True),
    *[Input(f.component_id, f.prop) for f in URL_FIELDS],
    State(Shell.URL, "search"),
    prevent_initial_call=True,
)
def controls_to_url(*values_and_search):
    """A changed control writes the URL; controls that agree with it (as when the page is first
    drawn) leave it alone, ignored parameters and their notices included."""
    *values, search = values_and_search
    filters, _ = filters_from(search)
    if all(value_from(filters, f) == v for f, v in zip(URL_FIELDS, values, strict=True)):
        return no_update
    for field, value in zip(URL_FIELDS, values, strict=True):
        filters = apply_value(filters, field, value)
    new_search = search_for(filters)
    return no_update if new_search == (search or "") else new_search


@callback(
    *[Output(f.component_id, f.prop, allow_duplicate=True) for f in URL_FIELDS],
    Input(Shell.URL, "search"),
    *[State(f.component_id, f.prop) for f in URL_FIELDS],
    prevent_initial_call=True,
)
def url_to_controls(search: str | None, *shown):
    """Back, forward and pasted links set the controls. A control already showing the right
    value is left alone, so that setting it does not write a (canonical) URL back."""
    filters, _ = filters_from(search)
    wanted = [value_from(filters, f) for f in URL_FIELDS]
    return [no_update if value == current else value for value, current in zip(wanted, shown, strict=True)]


def _overview_fallback():
    message = "The database is not answering; the figures will return with it."
    return theme.empty_figure(message), [components.error_state()], "", no_update


@callback(
    Output(Ids.COUNTS, "figure"),
    Output(Ids.KPIS, "children"),
    Output(Ids.COUNTS_NOTE, "children"),
    Output(Ids.DOWNLOAD, "href"),
    Input(Shell.URL, "search"),
)
@db_safe(_overview_fallback)
@cached_answer
def update_overview(search: str | None):
    """Month-by-month counts and the headline figures for the filtered set."""
    filters, _ = filters_from(search)
    who = viewer()
    show_cp = who.sees_any_cp
    as_of = queries.as_of()
    counts = timeline_queries.monthly_counts(who, filters)
    kpis = figures.timeline_kpis(queries.episodes(who, filters), as_of, show_cp)
    note = figures.counts_note(as_of, show_cp, partial_cp=not who.sees_everything)
    query = filters.to_query()
    href = "/download/episodes.csv" + (f"?{query}" if query else "")
    return figures.counts_figure(counts, as_of, show_cp), kpi_cards(kpis), note, href


def _gantt_fallback():
    message = "The database is not answering; the timelines will return with it."
    return theme.empty_figure(message), {}, [], no_update, message


@callback(
    Output(Ids.GANTT, "figure"),
    Output(Ids.GANTT, "style"),
    Output(Ids.TABLE, "rowData"),
    Output(Ids.TABLE, "style"),
    Output(Ids.GANTT_NOTE, "children"),
    Input(Shell.URL, "search"),
)
@db_safe(_gantt_fallback)
@cached_answer
def update_gantt(search: str | None):
    """One row per trust with an episode the viewer may see, sorted and grouped as the URL says."""
    filters, _ = filters_from(search)
    who = viewer()
    show_cp = who.sees_any_cp
    as_of = queries.as_of()
    episodes = queries.episodes(who, filters)
    table = figures.trust_timeline_table(queries.trusts(who, filters), episodes)
    rows = figures.gantt_rows(
        table, filters.extra("sort", figures.DEFAULT_SORT), filters.extra("rows", figures.DEFAULT_ROWS)
    )
    codes = tuple(table["trust_code"])
    ratings = queries.ratings(who, filters, domains=("overall",))
    interventions = queries.interventions(who, filters)
    drawn = figures.first_rows(rows)
    figure = figures.gantt_figure(
        drawn,
        episodes,
        ratings[ratings["trust_code"].isin(codes)],
        interventions[interventions["trust_code"].isin(codes)],
        as_of,
        show_cp,
    )
    style = {"height": f"{figure.layout.height or 260}px"}
    shown = int((drawn["kind"] == "trust").sum())
    count = (
        f"{len(table):,} trusts."
        if shown == len(table)
        else f"{len(table):,} trusts; the chart draws the first {shown:,} in this order and the table below lists "
        "them all (narrow the filters, or sort differently, to draw others)."
    )
    note = (
        f"{count} Bars run from entry to exit; an arrow marks an episode still running on "
        f"{figures.date_words(as_of)}. Hover for dates; click a row (or a name in the table below) to open the trust."
    )
    table_style = {"height": f"{figures.table_height(len(table))}px"}
    return figure, style, figures.timeline_table_rows(table, rows, show_cp), table_style, note


@callback(
    Output(Shell.URL, "pathname", allow_duplicate=True),
    Input(Ids.GANTT, "clickData"),
    prevent_initial_call=True,
)
def open_trust(click_data: dict | None):
    """A click anywhere on a trust's row opens its page; the query string stays as it is."""
    points = click_data.get("points") if isinstance(click_data, dict) else None
    for point in points if isinstance(points, list) else []:
        custom = point.get("customdata") if isinstance(point, dict) else None
        code = custom[0] if isinstance(custom, list | tuple) and custom else custom
        if isinstance(code, str) and code:
            return f"/trust/{code}"
    return no_update
