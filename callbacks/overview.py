"""Callbacks of the overview page: one query set, four small builders."""

from __future__ import annotations

from dash import Input, Output, callback, html

from callbacks.common import db_safe, filters_from, viewer
from dashboard import theme
from dashboard.figures import overview as figures
from dashboard.figures import timelines as timeline_figures
from data_access import queries, timeline_queries
from layouts import components
from layouts.ids import Shell
from layouts.overview import Ids


def _fallback():
    empty = theme.empty_figure("The database is not answering; the figures will return with it.")
    return [components.error_state()], empty, empty, empty, []


def _headline_cards(items: list[figures.Headline]) -> list:
    return [components.kpi(h.label, h.value, h.note, href=h.href, kpi_id=f"overview-kpi-{h.key}") for h in items]


def _recent_list(frame) -> html.Ul | html.Div:
    if frame.empty:
        return components.empty_state("Nothing has changed for the filtered trusts.")
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(f"{row.date:%d %b %Y}", className="smq-muted smq-nowrap"),
                    " ",
                    components.trust_link(row.trust_code, row.trust_name),
                    f" {row.what}",
                ]
            )
            for row in frame.itertuples(index=False)
        ],
        className="smq-recent list-unstyled",
        id="overview-recent-list",
    )


@callback(
    Output(Ids.HEADLINES, "children"),
    Output(Ids.COUNTS, "figure"),
    Output(Ids.GROUPS, "figure"),
    Output(Ids.TYPES, "figure"),
    Output(Ids.RECENT, "children"),
    Input(Shell.URL, "search"),
)
@db_safe(_fallback)
def update_overview(search: str | None):
    filters, _ = filters_from(search)
    who = viewer()
    show_cp = who.sees_everything or bool(who.trusts)
    as_of = queries.as_of()
    trusts = queries.trusts(who, filters)
    episodes = queries.episodes(who, filters)
    ratings = queries.ratings(who, filters, domains=("overall",))
    headlines = figures.headlines(trusts, episodes, as_of, show_cp, filters.to_query())
    counts = timeline_figures.counts_figure(timeline_queries.monthly_counts(who, filters), as_of, show_cp)
    return (
        _headline_cards(headlines),
        counts,
        figures.distribution_figure(trusts, "group"),
        figures.distribution_figure(trusts, "type"),
        _recent_list(figures.recent_changes(episodes, ratings, trusts, as_of)),
    )


