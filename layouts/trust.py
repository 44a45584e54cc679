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
    """One decimal, dropped on a whole number ("1,638", never "1,638.0"), except for a percentage,
    which keeps it so that "6.0% → 5.5%" reads as one column of figures."""
    if value != value:
        return "–"
    return f"{formats.number(value, 1, trim=unit != 'percent')}{'%' if unit == 'percent' else ''}"


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


ENTRY_WORDS = {"smq": "SMQ entry", "support": "entry into intensive support", "": "SMQ entry"}


def _moved(direction: str, before: float, after: float, unit: str, missing: str):
    """The direction cell: which way the value moved between the two periods, with their means;
    why there is no comparison when there is none."""
    if not direction:
        return html.Span(missing or "–", className="smq-muted")
    return html.Span(f"{DIRECTION_ARROWS[direction]} {direction} ({fmt(before, unit)} → {fmt(after, unit)})")


def _judged(words: str, judgement: str):
    """The judgement cell: `words` as shown, styled by `judgement` (improved, worsened, no
    material change)."""
    if not words:
        return "–"
    return html.Span(words, className=f"trust-judgement trust-judgement--{judgement.replace(' ', '-')}")


def like_period_words(basis: str) -> str:
    """How the profile compares like with like, in the page's words."""
    entry = ENTRY_WORDS[basis]
    return (
        f"Since {entry}: the mean of the 12 months before {entry} against the mean of months 12 to 23 "
        "after it, the same calendar months two years on, once support has had a year to work. "
        "After exit: the 12 months before leaving intensive support against the 12 from the month "
        "of leaving, so a gain that did not last shows as slipping back. Each period needs half its "
        "values (6 of 12 months, 2 of 4 quarters, or the year's one). Direction says which way the value moved; the "
        "judgement says whether that is better for this metric."
    )


def indicators_view(table_frame, basis: str = "smq") -> html.Div:
    """One row per indicator: a sparkline with its SPC icons that opens the full SPC chart (a
    button, so a keyboard opens it too), the change since entry and after exit over like periods,
    each as direction and judgement apart, and the comparison with the comparator set named.
    `basis`: `smq` when the trust's first spell of intensive support began in SMQ, `support` when
    it began in the RSP (`figures.trust.entry_basis`)."""
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
        rows.append(
            [
                r.name,
                f"{fmt(r.latest, r.unit)} ({r.latest_period:%b %Y})",
                html.Div([opener, *icons], className="trust-spc-cell"),
                _moved(r.direction, r.before, r.after, r.unit, r.entry_note),
                _judged(r.change, r.change),
                _moved(r.exit_direction, r.before_exit, r.after_exit, r.unit, r.exit_note),
                _judged(r.exit_change, r.exit_judgement),
                r.position or "–",
            ]
        )
    entry = ENTRY_WORDS[basis]
    return html.Div(
        [
            html.P(like_period_words(basis), className="smq-muted smq-small", id="trust-like-periods"),
            table(
                [
                    "Metric",
                    "Latest",
                    "SPC (open the chart)",
                    f"Since {entry} (12 months before → months 12–23 after)",
                    "Judgement",
                    "After exit (12 months before → 12 after)",
                    "Judgement after exit",
                    "Against its group",
                ],
                rows,
                "trust-indicators-table",
                "Progress indicators",
            ),
        ]
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


SKELETON_LINES = {"header": 2, "table": 6, "chart": 0}


def skeleton(kind: str, what: str, rows: int | None = None) -> html.Div:
    """A grey placeholder shaped like the part it stands for (a title and a line; a table's rows;
    a chart's plot area), busy for assistive technology and named for what is coming."""
    lines = SKELETON_LINES[kind] if rows is None else rows
    blocks = [html.Div(className=f"smq-skeleton-block smq-skeleton-{kind}-{i}") for i in range(lines)]
    if kind == "chart":
        blocks = [html.Div(className="smq-skeleton-block smq-skeleton-plot")]
    return html.Div(
        [
            html.Span(f"Loading {what}…", className="visually-hidden"),
            html.Div(blocks, **{"aria-hidden": "true"}),
        ],
        className=f"smq-skeleton smq-skeleton--{kind}",
        **{"aria-busy": "true", "data-skeleton": kind},
    )


def _loading(children, kind: str, what: str, rows: int | None = None) -> dcc.Loading:
    """While a part is being fetched again (another trust, other filters) its skeleton stands in."""
    return dcc.Loading(children, custom_spinner=skeleton(kind, what, rows), delay_show=150)


def _part(part_id: str, kind: str, what: str, rows: int | None = None) -> dcc.Loading:
    """A part filled by its own callback: its skeleton until the first answer, and again while
    it is fetched anew."""
    return _loading(html.Div(skeleton(kind, what, rows), id=part_id), kind, what, rows)


def layout(filters: Filters, viewer: Viewer, notices: list[str], code: str = "", **_: str) -> html.Div:
    """The profile arrives at once as placeholders; each part replaces its own as it is ready."""
    return html.Div(
        [
            _part(Ids.HEADER, "header", "the trust"),
            card(
                "Regime timeline",
                html.Div(
                    [
                        _loading(
                            dcc.Graph(
                                id=Ids.REGIME,
                                # Blank, and as tall as the shortest timeline, so the skeleton covers it.
                                figure=theme.empty_figure("").update_layout(height=160),
                                config=theme.graph_config(f"regime-timeline-{code}"),
                            ),
                            "chart",
                            "the regime timeline",
                        ),
                        components.chart_table(Ids.REGIME),
                    ],
                    className="smq-chart",
                ),
            ),
            card(
                "Progress indicators",
                _part(Ids.INDICATORS, "table", "the progress indicators", 8),
            ),
            html.Section(
                [
                    html.H2("SPC chart of the chosen indicator", className="smq-card-title"),
                    html.Div(
                        "Open an indicator's SPC chart from its sparkline above.",
                        id=Ids.SPC_SUMMARY,
                        className="smq-spc-summary",
                        **{"aria-live": "polite"},
                    ),
                    components.chart(
                        Ids.SPC,
                        theme.graph_config(f"spc-chart-{code}"),
                        figure=theme.empty_figure("Choose an indicator above for its SPC chart."),
                    ),
                ],
                className="smq-card",
                id=Ids.SPC_CARD,
                tabIndex="-1",
            ),
            card(
                "CQC ratings by domain",
                _part(Ids.RATINGS, "table", "the CQC ratings", 3),
            ),
            html.Div(
                [
                    card(
                        "Interventions",
                        _part(Ids.INTERVENTIONS, "table", "the interventions", 3),
                    ),
                    card(
                        "Costs",
                        _part(Ids.COSTS, "table", "the costs", 3),
                    ),
                ],
                className="smq-grid-2",
            ),
        ]
    )
