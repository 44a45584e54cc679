"""Callbacks of the trust profile: everything about one trust, as the viewer may see it."""

from __future__ import annotations

from dash import Output

from callbacks.common import content_callback
from dashboard import theme
from dashboard.figures import trust as figures
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
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
    figure = figures.regime_figure(queries.episodes(who, only), as_of, trust["trust_name"])
    metrics = queries.metrics((trust["trust_type"],))
    values = queries.metric_values(who, only, tuple(metrics["metric_id"]))
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
