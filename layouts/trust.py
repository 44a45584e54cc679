"""Trust profile: one trust on one page, for an improvement director checking progress."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import theme
from dashboard.labels import (
    COST_CATEGORY_LABELS,
    DOMAIN_LABELS,
    GROUP_LABELS,
    INTERVENTION_LABELS,
    PAYER_LABELS,
    RATING_LABELS,
    REGIME_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    VARIATION_LABELS,
    label,
)
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.components import card

TITLE = "Trust profile"


class Ids:
    HEADER = "trust-header"
    REGIME = "trust-regime"
    RATINGS = "trust-ratings"
    INDICATORS = "trust-indicators"
    INTERVENTIONS = "trust-interventions"
    COSTS = "trust-costs"


CHANGE_WORDS = {
    "improved": "↑ improved",
    "worsened": "↓ worsened",
    "little change": "→ little change",
    "": "–",
}


def _fallback():
    return [components.error_state()], theme.empty_figure("The database is not answering."), [], [], [], []


def table(head: list[str], rows: list[list], table_id: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        className="table table-sm smq-table",
        id=table_id,
    )


def fmt(value: float, unit: str) -> str:
    if value != value:
        return "–"
    return f"{value:,.1f}{'%' if unit == 'percent' else ''}"


def header(trust: pd.Series, as_of) -> html.Div:
    regime = trust["current_regime"]
    status = (
        f"In {REGIME_LABELS[regime]} on {as_of:%d %b %Y}"
        if regime != "none"
        else f"In neither regime on {as_of:%d %b %Y}"
    )
    return html.Div(
        [
            html.H1(trust["trust_name"], className="smq-page-title"),
            html.P(
                [
                    f"{trust['trust_code']} · {label(TYPE_LABELS, trust['trust_type'])} · {trust['region'] or 'region not recorded'} · ",
                    html.Span(
                        label(GROUP_LABELS, trust["evaluation_group"]),
                        className=f"group-chip group-chip--{trust['evaluation_group']}",
                    ),
                    f" · {status}",
                ],
                className="smq-lede",
            ),
        ],
        className="smq-page-header",
    )


def indicators_view(table_frame) -> html.Div | html.Table:
    if table_frame.empty:
        return components.empty_state("No metric values recorded for this trust.")
    rows = []
    for r in table_frame.itertuples(index=False):
        words = VARIATION_LABELS.get(
            "common_cause" if r.variation_icon.startswith("common") else r.variation_icon.split("_")[0],
            r.variation_icon,
        )
        rows.append(
            [
                r.name,
                f"{fmt(r.latest, r.unit)} ({r.latest_period:%b %Y})",
                html.Img(
                    src=f"/assets/icons/variation-{r.variation_icon}.svg",
                    alt=words,
                    title=words,
                    height=32,
                    width=32,
                ),
                f"{CHANGE_WORDS[r.change]} ({fmt(r.before, r.unit)} → {fmt(r.after, r.unit)})"
                if r.change
                else "–",
                r.position or "–",
            ]
        )
    return table(
        [
            "Metric",
            "Latest",
            "SPC variation",
            "Since SMQ entry (12 months before → latest 12)",
            "Against its group",
        ],
        rows,
        "trust-indicators-table",
    )


def ratings_view(grid) -> html.Div | html.Table:
    if grid.empty:
        return components.empty_state("No CQC ratings recorded.")
    rows = [
        [f"{when:%d %b %Y}"]
        + [
            html.Span(
                RATING_LABELS.get(grid.loc[when, d], "–"),
                className=f"rating-pill rating-pill--{grid.loc[when, d]}",
            )
            if isinstance(grid.loc[when, d], str)
            else "–"
            for d in grid.columns
        ]
        for when in grid.index
    ]
    return table(["Published"] + [DOMAIN_LABELS[d] for d in grid.columns], rows, "trust-ratings-table")


def interventions_view(interventions) -> html.Div | html.Table:
    if interventions.empty:
        return components.empty_state("No interventions recorded (or none you may see).")
    return table(
        ["Intervention", "Status", "From", "To", "Amount", "Partner"],
        [
            [
                INTERVENTION_LABELS[i.intervention],
                STATUS_LABELS.get(i.status, i.status),
                "not dated" if pd.isna(i.start_date) else f"{i.start_date:%b %Y}",
                "–"
                if pd.isna(i.start_date)
                else ("ongoing" if pd.isna(i.end_date) else f"{i.end_date:%b %Y}"),
                "–" if pd.isna(i.amount_gbp) else f"£{i.amount_gbp:,.0f}",
                i.partner or "",
            ]
            for i in interventions.itertuples(index=False)
        ],
        "trust-interventions-table",
    )


def costs_view(costs) -> html.Div | html.Table:
    if costs.empty:
        return components.empty_state("No costs recorded (or none you may see).")
    summary = costs.groupby(["category", "payer"])["amount_gbp"].sum().reset_index()
    return table(
        ["Category", "Paid by", "Total"],
        [
            [COST_CATEGORY_LABELS[r.category], PAYER_LABELS[r.payer], f"£{r.amount_gbp:,.0f}"]
            for r in summary.itertuples(index=False)
        ],
        "trust-costs-table",
    )


def layout(filters: Filters, viewer: Viewer, notices: list[str], code: str = "", **_: str) -> html.Div:
    return html.Div(
        [
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
