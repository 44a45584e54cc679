"""Callbacks of the trust profile: everything about one trust, as the viewer may see it."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, callback, html

from callbacks.common import cached_answer, db_safe, viewer
from dashboard import theme
from dashboard.figures import trust as figures
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
from data_access import queries
from data_access.filters import Filters
from layouts import components
from layouts.trust import Ids

CHANGE_WORDS = {
    "improved": "↑ improved",
    "worsened": "↓ worsened",
    "little change": "→ little change",
    "": "–",
}


def _fallback():
    return [components.error_state()], theme.empty_figure("The database is not answering."), [], [], [], []


def _table(head: list[str], rows: list[list], table_id: str) -> html.Table:
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        className="table table-sm smq-table",
        id=table_id,
    )


def _fmt(value: float, unit: str) -> str:
    if value != value:
        return "–"
    return f"{value:,.1f}{'%' if unit == 'percent' else ''}"


def _header(trust: pd.Series, as_of) -> html.Div:
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


@callback(
    Output(Ids.HEADER, "children"),
    Output(Ids.REGIME, "figure"),
    Output(Ids.INDICATORS, "children"),
    Output(Ids.RATINGS, "children"),
    Output(Ids.INTERVENTIONS, "children"),
    Output(Ids.COSTS, "children"),
    Input(Ids.CODE, "data"),
)
@db_safe(_fallback)
@cached_answer
def update_trust(code):
    who = viewer()
    code = code if isinstance(code, str) else ""
    only = Filters(trusts=(code,))
    found = queries.trusts(who, only)
    if found.empty:
        missing = components.empty_state(
            f"There is no trust with code “{code}”.", "Check the code, or find the trust in the filter bar."
        )
        return [missing], theme.empty_figure("No trust."), [], [], [], []
    trust = found.iloc[0]
    as_of = queries.as_of()
    episodes = queries.episodes(who, only)
    figure = figures.regime_figure(episodes, as_of, trust["trust_name"])

    metrics = queries.metrics((trust["trust_type"],))
    values = queries.metric_values(who, only, tuple(metrics["metric_id"]))
    peers = queries.metric_values(
        who, Filters(groups=(trust["evaluation_group"],)), tuple(metrics["metric_id"])
    )
    table = figures.indicators(values, metrics, trust, peers, as_of)
    if table.empty:
        indicator_view = components.empty_state("No metric values recorded for this trust.")
    else:
        rows = []
        for r in table.itertuples(index=False):
            words = VARIATION_LABELS.get(
                "common_cause" if r.variation_icon.startswith("common") else r.variation_icon.split("_")[0],
                r.variation_icon,
            )
            rows.append(
                [
                    r.name,
                    f"{_fmt(r.latest, r.unit)} ({r.latest_period:%b %Y})",
                    html.Img(
                        src=f"/assets/icons/variation-{r.variation_icon}.svg",
                        alt=words,
                        title=words,
                        height=32,
                        width=32,
                    ),
                    f"{CHANGE_WORDS[r.change]} ({_fmt(r.before, r.unit)} → {_fmt(r.after, r.unit)})"
                    if r.change
                    else "–",
                    r.position or "–",
                ]
            )
        indicator_view = _table(
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

    grid = figures.ratings_grid(queries.ratings(who, only))
    if grid.empty:
        ratings_view = components.empty_state("No CQC ratings recorded.")
    else:
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
        ratings_view = _table(
            ["Published"] + [DOMAIN_LABELS[d] for d in grid.columns], rows, "trust-ratings-table"
        )

    interventions = queries.interventions(who, only)
    intervention_view = (
        _table(
            ["Intervention", "Status", "From", "To", "Amount", "Partner"],
            [
                [
                    INTERVENTION_LABELS[i.intervention],
                    STATUS_LABELS.get(i.status, i.status),
                    f"{i.start_date:%b %Y}",
                    "ongoing" if pd.isna(i.end_date) else f"{i.end_date:%b %Y}",
                    "–" if pd.isna(i.amount_gbp) else f"£{i.amount_gbp:,.0f}",
                    i.partner or "",
                ]
                for i in interventions.itertuples(index=False)
            ],
            "trust-interventions-table",
        )
        if not interventions.empty
        else components.empty_state("No interventions recorded (or none you may see).")
    )
    costs = queries.costs(who, only)
    if costs.empty:
        cost_view = components.empty_state("No costs recorded (or none you may see).")
    else:
        summary = costs.groupby(["category", "payer"])["amount_gbp"].sum().reset_index()
        cost_view = _table(
            ["Category", "Paid by", "Total"],
            [
                [COST_CATEGORY_LABELS[r.category], PAYER_LABELS[r.payer], f"£{r.amount_gbp:,.0f}"]
                for r in summary.itertuples(index=False)
            ],
            "trust-costs-table",
        )
    return [_header(trust, as_of)], figure, indicator_view, ratings_view, intervention_view, cost_view
