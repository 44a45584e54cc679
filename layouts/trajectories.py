"""Performance trajectories: metrics over time against group and national benchmarks, with SPC."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import spc, theme
from dashboard.labels import ALIGN_LABELS, METRIC_DOMAIN_LABELS, TYPE_LABELS, VARIATION_LABELS
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.components import card, download_link, metric_control, page_header

TITLE = "Performance trajectories"
COMPARE_LABELS = {
    "none": "All filtered trusts together",
    "group": "By evaluation group",
    "type": "By trust type",
}
SAME_PERIOD_LABELS = {"on": "Shown", "off": "Hidden"}
BREAK_LABELS = {
    "none": "No break",
    "support_entry": "Entry into intensive support",
    "support_exit": "Leaving intensive support",
    "smq_entry": "SMQ entry",
    "smq_exit": "SMQ exit",
    "rsp_entry": "RSP entry",
    "rsp_exit": "RSP exit",
    "cp_entry": "CP entry",
}


class Ids:
    METRIC = "trajectories-metric"
    ALIGN = "trajectories-align"
    COMPARE = "trajectories-compare"
    SAME_PERIOD = "trajectories-same-period"
    BREAK = "trajectories-spc-break"
    CHART = "trajectories-chart"
    NOTE = "trajectories-note"
    SPC_CARD = "trajectories-spc-card"
    SPC = "trajectories-spc"
    SPC_SUMMARY = "trajectories-spc-summary"


def metric_options(types: tuple[str, ...]) -> list[dict]:
    """Metrics that apply to the filtered types, labelled with their domain so they group."""
    frame = queries.metrics(types)
    order = {d: i for i, d in enumerate(METRIC_DOMAIN_LABELS)}
    frame = frame.assign(_o=frame["domain"].map(order).fillna(99)).sort_values(["_o", "name"])
    return [
        {
            "label": f"{METRIC_DOMAIN_LABELS.get(row.domain, 'Other')} · {row.name}",
            "value": row.metric_id,
            "unit": row.unit,
        }
        for row in frame.itertuples(index=False)
    ]


def applicable_types(filters: Filters, viewer: Viewer) -> tuple[str, ...]:
    """The selected trust's type when one is selected, else the filtered types."""
    if filters.trust:
        selected = queries.trusts(viewer, Filters(trusts=(filters.trust,)))
        if not selected.empty:
            return (selected.iloc[0]["trust_type"],)
    return filters.types


def default_metric(filters: Filters, options: list[dict]) -> str | None:
    values = [o["value"] for o in options]
    if filters.metric in values:
        return filters.metric
    # Open on a rate people read at a glance (a percentage) rather than a raw count.
    percents = [o["value"] for o in options if o.get("unit") == "percent"]
    return (percents or values or [None])[0]


def _choice(title: str, component_id: str, options: dict[str, str], value: str) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend(title, className="smq-filter-label"),
            dbc.RadioItems(
                id=component_id,
                options=[{"label": v, "value": k} for k, v in options.items()],
                value=value,
                inline=True,
            ),
        ],
        className="smq-choice",
    )


def spc_summary(summary: spc.SpcSummary | None, trust_name: str) -> list:
    if summary is None:
        return []
    icon = summary.variation_icon
    words = VARIATION_LABELS.get(
        icon.split("_")[0] if not icon.startswith("common") else "common_cause", icon
    )
    reliability = "" if summary.reliable else " Fewer than 12 points: treat the limits as provisional."
    return [
        html.Img(
            src=f"/assets/icons/variation-{icon}.svg", alt=words, className="spc-icon", height=48, width=48
        ),
        html.P(
            [
                html.Strong(trust_name),
                f": latest {_one_decimal(summary.latest_value)}, mean {_one_decimal(summary.mean)}, "
                f"process limits {_one_decimal(summary.lower_limit)} to {_one_decimal(summary.upper_limit)}. "
                f"{words}.{reliability}",
            ]
        ),
    ]


def _one_decimal(value) -> str:
    """A figure to one decimal; "not known" when there is none (limits of too few points)."""
    return "not known" if value is None or pd.isna(value) else f"{float(value):.1f}"


def _type_words(types: tuple[str, ...]) -> str:
    if len(types) == 1:
        return f"{TYPE_LABELS[types[0]].lower()} trusts"
    return "trusts of these types" if types else "trusts"


def _trusts_word(count: int) -> str:
    return f"{count:,} trust" if count == 1 else f"{count:,} trusts"


def trajectory_note(
    shown: tuple[int, int],
    national: tuple[int, int],
    align: str,
    types: tuple[str, ...],
    max_lines: int,
    selected: list[str] | None = None,
    same_period: int | None = None,
) -> str:
    """What the chart counts, in real numbers. Each pair is (trusts with values, those of them
    that have the alignment's event): on an aligned axis only the latter are drawn.
    `same_period`: how many never-in-regime trusts the same-period line rests on (None: no line)."""
    kind = _type_words(types)
    if align == "calendar":
        counts = f"{_trusts_word(shown[0])} with values. Dotted grey: all {national[0]:,} {kind} with values."
    else:
        event = ALIGN_LABELS[align].removeprefix("Months from ").removeprefix("months from ")
        counts = (
            f"Aligned on {event}: {national[1]:,} of {national[0]:,} {kind} have this event "
            f"(the dotted grey band is those {national[1]:,}); of the filtered trusts, "
            f"{shown[1]:,} of {shown[0]:,} have it and are drawn."
        )
    highlight = f" Highlighted: {selected[0]}, against the others the filters pick." if selected else ""
    comparators = ""
    if same_period is not None and align != "calendar":
        comparators = (
            f" Dashed orange: {_trusts_word(same_period)} of the same types never in a regime, taken in the "
            "same calendar months as each drawn trust's months from its event and averaged month by month, "
            "so a change the whole sector saw at that time shows in both."
            if same_period
            else " No trust of these types that was never in a regime has values in the drawn trusts' months."
        )
    return (
        f"{counts}{highlight}{comparators} Shaded band: the middle half of trusts; line: their median. "
        f"Thin lines are individual trusts (drawn where a panel has at most {max_lines}); click one to "
        "select it, or search a trust in the filter bar."
    )


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    options = metric_options(applicable_types(filters, viewer))
    sees_cp = viewer.sees_any_cp
    aligns = {k: v for k, v in ALIGN_LABELS.items() if sees_cp or k != "cp_entry"}
    breaks = {k: v for k, v in BREAK_LABELS.items() if sees_cp or k != "cp_entry"}
    return html.Div(
        [
            page_header(
                TITLE,
                "How the filtered trusts' indicators moved, against all trusts of the same types. Align on an event to "
                "compare trusts that entered in different years; click a line (or search in the filter bar) to select a trust.",
                [download_link("trajectories", filters, "Download trajectories.csv")],
            ),
            html.Div(
                [
                    metric_control(Ids.METRIC, options, default_metric(filters, options)),
                    _choice(
                        "Time axis",
                        Ids.ALIGN,
                        aligns,
                        filters.align if filters.align in aligns else "calendar",
                    ),
                    _choice("Compare", Ids.COMPARE, COMPARE_LABELS, filters.extra("compare", "none")),
                    _choice(
                        "Never-in-regime trusts, same calendar months (aligned axis)",
                        Ids.SAME_PERIOD,
                        SAME_PERIOD_LABELS,
                        filters.extra("same_period", "on") or "on",
                    ),
                ],
                className="smq-filterbar smq-page-controls",
            ),
            card(
                "Trajectory",
                [
                    components.chart(Ids.CHART, theme.graph_config("trajectory")),
                    html.P(id=Ids.NOTE, className="smq-muted smq-small"),
                ],
            ),
            html.Section(
                [
                    html.H2("Statistical process control for the selected trust", className="smq-card-title"),
                    _choice("Recalculate limits from", Ids.BREAK, breaks, filters.extra("spc_break", "none")),
                    html.Div(id=Ids.SPC_SUMMARY, className="smq-spc-summary"),
                    components.chart(Ids.SPC, theme.graph_config("spc-chart")),
                ],
                className="smq-card",
                id=Ids.SPC_CARD,
            ),
        ]
    )
