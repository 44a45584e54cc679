"""Callbacks of the trust profile: everything about one trust, as the viewer may see it."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update

from callbacks.common import content_callback, db_safe, stamp_charts, viewer
from dashboard import theme
from dashboard.figures import trajectories as trajectory_figures
from dashboard.figures import trust as figures
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.ids import Shell
from layouts.pages import resolve
from layouts.trajectories import spc_summary
from layouts.trust import Ids, costs_view, header, indicators_view, interventions_view, ratings_view


def _missing(code: str) -> list:
    return [
        components.empty_state(
            f"There is no trust with code “{code}”.", "Check the code, or find the trust in the filter bar."
        )
    ]


def _trust(who: Viewer, code: str):
    """The trust of the page's code as the viewer may see it (None when there is none), and the
    filters that pick it alone."""
    only = Filters(trusts=(code.upper()[:16],))
    found = queries.trusts(who, only)
    return (None if found.empty else found.iloc[0]), only


# The profile is drawn in parts, each as soon as it is ready (the page comes with placeholders):
# the header and timeline first, the ratings, interventions and costs beside them, and the
# indicators (an SPC chart and a comparison per metric, the slowest part) when they are done.


@content_callback(
    Output(Ids.HEADER, "children"),
    Output(Ids.REGIME, "figure"),
    fallback=lambda: ([components.error_state()], theme.empty_figure("The database is not answering.")),
    page="/trust/",
    prefilled=False,
)
def update_trust(filters: Filters, who: Viewer, code: str = ""):
    trust, only = _trust(who, code)
    if trust is None:
        return _missing(code.upper()[:16]), theme.empty_figure("No trust.")
    as_of = queries.as_of()
    segments = queries.metric_values(who, only, (figures.SEGMENT_METRIC,))
    figure = figures.regime_figure(
        queries.episodes(who, only), as_of, trust["trust_name"], figures.segment_quarters(segments)
    )
    return [header(trust, as_of)], figure


@content_callback(
    Output(Ids.INDICATORS, "children"),
    fallback=lambda: [components.error_state()],
    page="/trust/",
    prefilled=False,
)
def update_trust_indicators(filters: Filters, who: Viewer, code: str = ""):
    trust, only = _trust(who, code)
    if trust is None:
        return []
    metrics = queries.metrics((trust["trust_type"],))
    values = queries.metric_values(who, only, tuple(metrics["metric_id"]))
    peers = queries.metric_values(
        who, Filters(groups=(trust["evaluation_group"],)), tuple(metrics["metric_id"])
    )
    return indicators_view(
        figures.indicators(values, metrics, trust, peers, queries.as_of()), figures.entry_basis(trust)
    )


@content_callback(
    Output(Ids.RATINGS, "children"),
    Output(Ids.INTERVENTIONS, "children"),
    Output(Ids.COSTS, "children"),
    fallback=lambda: ([components.error_state()], [], []),
    page="/trust/",
    prefilled=False,
)
def update_trust_records(filters: Filters, who: Viewer, code: str = ""):
    trust, only = _trust(who, code)
    if trust is None:
        return [], [], []
    return (
        ratings_view(figures.ratings_grid(queries.ratings(who, only))),
        interventions_view(queries.interventions(who, only)),
        costs_view(queries.costs(who, only)),
    )


@callback(
    Output(Ids.SPC, "figure"),
    Output(Ids.SPC_SUMMARY, "children"),
    Input({"type": Ids.SPC_OPEN, "metric": ALL}, "n_clicks"),
    State(Shell.URL, "pathname"),
    prevent_initial_call=True,
)
@db_safe(lambda: (theme.empty_figure("The database is not answering."), [components.error_state()]))
def open_spc_chart(clicks, pathname):
    """An indicator's sparkline opens its full SPC chart below the table."""
    if not isinstance(clicks, list):  # a hand-made request may send anything
        return no_update, no_update
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict) or not any(isinstance(c, int) and c > 0 for c in clicks):
        return no_update, no_update
    page, path_args = resolve(pathname)
    metric_id = chosen.get("metric")
    definitions = queries.metrics().set_index("metric_id")
    if page is None or page.path != "/trust/" or metric_id not in definitions.index:
        return no_update, no_update
    who = viewer()
    only = Filters(trusts=(str(path_args["code"]).upper()[:16],))
    found = queries.trusts(who, only)
    if found.empty:
        return no_update, no_update
    metric = definitions.loc[metric_id].copy()
    metric["metric_id"] = metric_id
    series = queries.metric_values(who, only, (metric_id,))
    figure, summary = trajectory_figures.spc_chart(series, metric, [])
    return stamp_charts(figure, only, who), spc_summary(summary, found.iloc[0]["trust_name"])
