"""Trust profile: one trust on one page, for an improvement director checking progress."""

from __future__ import annotations

from dash import dcc, html

from dashboard import theme
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import card

TITLE = "Trust profile"


class Ids:
    CODE = "trust-code-store"
    HEADER = "trust-header"
    REGIME = "trust-regime"
    RATINGS = "trust-ratings"
    INDICATORS = "trust-indicators"
    INTERVENTIONS = "trust-interventions"
    COSTS = "trust-costs"


def layout(filters: Filters, viewer: Viewer, notices: list[str], code: str = "", **_: str) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=Ids.CODE, data=code.upper()[:16]),
            dcc.Loading(html.Div(id=Ids.HEADER), delay_show=300),
            card(
                "Regime timeline",
                dcc.Loading(dcc.Graph(id=Ids.REGIME, config=theme.graph_config(f"regime-timeline-{code}"))),
            ),
            card("Progress indicators", dcc.Loading(html.Div(id=Ids.INDICATORS))),
            card("CQC ratings by domain", dcc.Loading(html.Div(id=Ids.RATINGS))),
            html.Div(
                [
                    card("Interventions", dcc.Loading(html.Div(id=Ids.INTERVENTIONS))),
                    card("Costs", dcc.Loading(html.Div(id=Ids.COSTS))),
                ],
                className="smq-grid-2",
            ),
        ]
    )
