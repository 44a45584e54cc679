"""Callbacks of the overview page: one query set, four small builders."""

from __future__ import annotations

from dash import Input, Output, State, callback, dcc, html, no_update

from callbacks.common import cached_answer, db_safe, filters_from, viewer
from dashboard import theme
from dashboard.figures import overview as figures
from dashboard.figures import timelines as timeline_figures
from data_access import queries, timeline_queries
from layouts import components, context
from layouts.ids import Shell
from layouts.overview import Ids


def _fallback():
    empty = theme.empty_figure("The database is not answering; the figures will return with it.")
    return [components.error_state()], empty, empty, empty, []


def _headline_cards(items: list[figures.Headline]) -> list:
    return [
        components.kpi(h.label, h.value, h.note, href=h.href, kpi_id=f"overview-kpi-{h.key}") for h in items
    ]


def _recent_lists(frame, query: str) -> html.Div:
    """Three short lists (entries, exits, ratings), newest first, each with a link to its view."""
    suffix = f"?{query}" if query else ""
    columns = []
    for kind, title in figures.RECENT_KINDS:
        part = frame[frame["kind"] == kind]
        if part.empty:
            body = html.P("None for the filtered trusts.", className="smq-muted smq-small")
        else:
            body = html.Ul(
                [
                    html.Li(
                        [
                            html.Span(timeline_figures.date_words(row.date), className="ov-recent-date"),
                            components.trust_link(row.trust_code, row.trust_name),
                            f" {row.what}",
                        ]
                    )
                    for row in part.itertuples(index=False)
                ],
                id=f"overview-recent-{kind}",
            )
        more = dcc.Link("All on the timelines", href="/timelines" + suffix, className="ov-recent-more")
        columns.append(html.Div([html.H3(title), body, more]))
    return html.Div(columns, className="ov-recent", id="overview-recent-list")


@callback(
    Output(Ids.HEADLINES, "children"),
    Output(Ids.COUNTS, "figure"),
    Output(Ids.GROUPS, "figure"),
    Output(Ids.TYPES, "figure"),
    Output(Ids.RECENT, "children"),
    Input(Shell.URL, "search"),
)
@db_safe(_fallback)
@cached_answer
def update_overview(search: str | None):
    filters, _ = filters_from(search)
    who = viewer()
    show_cp = who.sees_any_cp
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
        _recent_lists(figures.recent_changes(episodes, ratings, trusts, as_of), filters.to_query()),
    )


# --------------------------------------------------------------------------------------------
# The findings pack: a click starts a background job; a timer follows it to the download link.


def pack_status(status: dict | None) -> tuple[list, bool]:
    """What the page shows for a job's status, and whether to keep polling."""
    if status is None:
        return [
            html.Span(
                "The findings pack is no longer available. Please make it again.", className="ov-pack-error"
            )
        ], False
    state = status.get("state")
    if state == "failed":
        return [
            html.Span(
                status.get("error") or "The findings pack could not be made.", className="ov-pack-error"
            )
        ], False
    if state == "done":
        link = html.A(
            [
                html.I(className="bi bi-download", **{"aria-hidden": "true"}),
                f" Download {status.get('filename')}",
            ],
            href=status["download_url"],
            download=status.get("filename") or "",
            id="overview-pack-download",
            className="btn btn-outline-primary btn-sm",
        )
        return [html.Div("Findings pack ready.", className="smq-small"), link], False
    pct = int(status.get("progress") or 0)
    bar = html.Div(
        html.Div(
            className="progress-bar progress-bar-striped progress-bar-animated", style={"width": f"{pct}%"}
        ),
        className="progress",
        role="progressbar",
        id="overview-pack-progress",
        **{
            "aria-label": "Findings pack progress",
            "aria-valuenow": pct,
            "aria-valuemin": 0,
            "aria-valuemax": 100,
        },
    )
    return [html.Div(f"Making the findings pack: {status.get('step') or 'starting'} ({pct}%)"), bar], True


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
