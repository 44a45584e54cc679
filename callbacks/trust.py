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


def _fallback():
    return [components.error_state()], theme.empty_figure("The database is not answering."), [], [], [], []


@content_callback(
    Output(Ids.HEADER, "children"),
    Output(Ids.REGIME, "figure"),
    Output(Ids.INDICATORS, "children"),
    Output(Ids.RATINGS, "children"),
    Output(Ids.INTERVENTIONS, "children"),
    Output(Ids.COSTS, "children"),
    fallback=_fallback,
    page="/trust/",
)
def update_trust(filters: Filters, who: Viewer, code: str = ""):
    code = code.upper()[:16]
    only = Filters(trusts=(code,))
    found = queries.trusts(who, only)
    if found.empty:
        missing = components.empty_state(
            f"There is no trust with code “{code}”.", "Check the code, or find the trust in the filter bar."
        )
        return [missing], theme.empty_figure("No trust."), [], [], [], []
    trust = found.iloc[0]
    as_of = queries.as_of()
    metrics = queries.metrics((trust["trust_type"],))
    values = queries.metric_values(who, only, tuple(metrics["metric_id"]))
    figure = figures.regime_figure(
        queries.episodes(who, only), as_of, trust["trust_name"], figures.segment_quarters(values)
    )
    peers = queries.metric_values(
        who, Filters(groups=(trust["evaluation_group"],)), tuple(metrics["metric_id"])
    )
    return (
        [header(trust, as_of)],
        figure,
        indicators_view(figures.indicators(values, metrics, trust, peers, as_of)),
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
