"""Trust profile: one trust on one page, for an improvement director checking progress."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import formats, theme
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
ASSURANCE_WORDS = {
    "pass": "Consistently meets the target",
    "fail": "Consistently misses the target",
    "hit_and_miss": "Hits and misses the target",
}


class Ids:
    HEADER = "trust-header"
    SPC_OPEN = "trust-spc-open"  # pattern-matching: {"type": SPC_OPEN, "metric": metric_id}
    SPC_CARD = "trust-spc-card"
    SPC = "trust-spc"
    SPC_SUMMARY = "trust-spc-summary"
    REGIME = "trust-regime"
    RATINGS = "trust-ratings"
    INDICATORS = "trust-indicators"
    INTERVENTIONS = "trust-interventions"
    COSTS = "trust-costs"


DIRECTION_ARROWS = {"rose": "↑", "fell": "↓", "no change": "→"}


def _fallback():
    return [components.error_state()], theme.empty_figure("The database is not answering."), [], [], [], []


def table(head: list[str], rows: list[list], table_id: str, name: str = "") -> html.Div:
    """A table that scrolls inside its card on a narrow screen, never the page (the scrolling
    region takes focus, so a keyboard can scroll it too)."""
    return html.Div(
        html.Table(
            [
                html.Thead(html.Tr([html.Th(h) for h in head])),
                html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
            ],
            className="table table-sm smq-table",
            id=table_id,
        ),
        className="smq-table-wrap",
        tabIndex="0",
        role="region",
        **{"aria-label": name or table_id.replace("-", " ").removesuffix(" table")},
    )


def fmt(value: float, unit: str) -> str:
    """One decimal at most, and none on a whole number (a count reads "1,638", never "1,638.0")."""
    if value != value:
        return "–"
    return f"{formats.number(value, 1)}{'%' if unit == 'percent' else ''}"


def trajectories_href(trust: pd.Series) -> str:
    """The trust on the trajectories page, against trusts of its type."""
    query = Filters(types=(trust["trust_type"],), trusts=(trust["trust_code"],)).to_query()
    return f"/trajectories?{query}"


def header(trust: pd.Series, as_of) -> html.Div:
    regime = trust["current_regime"]
    status = (
        f"In {REGIME_LABELS[regime]} on {formats.display_date(as_of)}"
        if regime != "none"
        else f"In neither regime on {formats.display_date(as_of)}"
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
            html.P(
                dcc.Link(
                    [html.I(className="bi bi-graph-up", **{"aria-hidden": "true"}), " Open in trajectories"],
                    href=trajectories_href(trust),
                    id="trust-open-trajectories",
                    className="btn btn-outline-primary btn-sm",
                ),
                className="smq-page-actions",
            ),
        ],
        className="smq-page-header",
    )


def _icon(kind: str, icon: str, words: str) -> html.Img:
    return html.Img(src=f"/assets/icons/{kind}-{icon}.svg", alt=words, title=words, height=32, width=32)


def indicators_view(table_frame) -> html.Div:
    """One row per indicator: a sparkline with its SPC icons that opens the full SPC chart (a
    button, so a keyboard opens it too), the change since SMQ entry as direction and judgement
    apart, and the comparison with the comparator set named."""
    if table_frame.empty:
        return components.empty_state("No metric values recorded for this trust.")
    rows = []
    for r in table_frame.itertuples(index=False):
        words = VARIATION_LABELS.get(
            "common_cause" if r.variation_icon.startswith("common") else r.variation_icon.split("_")[0],
            r.variation_icon,
        )
        icons = [_icon("variation", r.variation_icon, words)]
        if r.assurance_icon:
            icons.append(_icon("assurance", r.assurance_icon, ASSURANCE_WORDS.get(r.assurance_icon, "")))
        opener = html.Button(
            [
                html.Img(src=r.sparkline, alt="", className="trust-sparkline", height=32, width=120)
                if r.sparkline
                else None,
                html.Span(f"SPC chart of {r.name}", className="visually-hidden"),
            ],
            id={"type": Ids.SPC_OPEN, "metric": r.metric_id},
            className="trust-spc-open",
            type="button",
            title=f"Open the SPC chart of {r.name}",
        )
        if r.direction:
            moved = html.Span(
                f"{DIRECTION_ARROWS[r.direction]} {r.direction} ({fmt(r.before, r.unit)} → {fmt(r.after, r.unit)})"
            )
            judged = html.Span(
                r.change, className=f"trust-judgement trust-judgement--{r.change.replace(' ', '-')}"
            )
        else:
            moved, judged = "–", "–"
        rows.append(
            [
                r.name,
                f"{fmt(r.latest, r.unit)} ({r.latest_period:%b %Y})",
                html.Div([opener, *icons], className="trust-spc-cell"),
                moved,
                judged,
                r.position or "–",
            ]
        )
    return table(
        [
            "Metric",
            "Latest",
            "SPC (open the chart)",
            "Since SMQ entry (12 months before → latest 12)",
            "Judgement",
            "Against its group",
        ],
        rows,
        "trust-indicators-table",
        "Progress indicators",
    )


def ratings_view(grid) -> html.Div:
    if grid.empty:
        return components.empty_state("No CQC ratings recorded.")
    rows = [
        [formats.display_date(when)]
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
    return table(
        ["Published"] + [DOMAIN_LABELS[d] for d in grid.columns], rows, "trust-ratings-table", "CQC ratings"
    )


def interventions_view(interventions) -> html.Div:
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
        "Interventions",
    )


def costs_view(costs) -> html.Div:
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
        "Costs",
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
            html.Section(
                [
                    html.H2("SPC chart of the chosen indicator", className="smq-card-title"),
                    html.Div(
                        "Open an indicator's SPC chart from its sparkline above.",
                        id=Ids.SPC_SUMMARY,
                        className="smq-spc-summary",
                        **{"aria-live": "polite"},
                    ),
                    dcc.Loading(
                        dcc.Graph(
                            id=Ids.SPC,
                            figure=theme.empty_figure("Choose an indicator above for its SPC chart."),
                            config=theme.graph_config(f"spc-chart-{code}"),
                        ),
                        delay_show=300,
                    ),
                ],
                className="smq-card",
                id=Ids.SPC_CARD,
                tabIndex="-1",
            ),
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
