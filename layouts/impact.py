"""Effect estimates around regime events: a comparative interrupted time series (contract §4)."""

from __future__ import annotations

import math
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import effects, theme
from dashboard.alignment import EVENT_COLUMNS
from dashboard.labels import GROUP_LABELS, label
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import card, chart, download_link, empty_state, metric_control, page_header

TITLE = "Effect estimates"

# The events an estimate can be made around, in the words a sentence uses ("after SMQ entry").
EVENT_WORDS: dict[str, str] = {
    "support_entry": "entry into intensive support",
    "support_exit": "leaving intensive support",
    "smq_entry": "SMQ entry",
    "smq_exit": "SMQ exit",
    "rsp_entry": "RSP entry",
    "rsp_exit": "RSP exit",
    "cp_entry": "CP entry",
}


class Ids:
    METRIC = "impact-metric"
    ALIGN = "impact-align"
    CHART = "impact-chart"
    SUMMARY = "impact-summary"
    TABLE = "impact-table"


def event_choices(viewer: Viewer) -> dict[str, str]:
    """The events of the control; CP entry only for a viewer who may see some CP information."""
    return {k: v for k, v in EVENT_WORDS.items() if viewer.sees_any_cp or k != "cp_entry"}


def metric_choices() -> list[dict]:
    frame = queries.metrics().sort_values("name")
    return [
        {"label": row.name, "value": row.metric_id, "unit": row.unit} for row in frame.itertuples(index=False)
    ]


def chosen_metric(filters: Filters, choices: list[dict]) -> str | None:
    """The URL's metric when it is one, else the first percentage (read at a glance), else any."""
    values = [c["value"] for c in choices]
    if filters.metric in values:
        return filters.metric
    percents = [c["value"] for c in choices if c.get("unit") == "percent"]
    return (percents or values or [None])[0]


def effect_panel(viewer: Viewer, filters: Filters, metric_id: str | None) -> effects.Panel:
    """The differences behind an estimate: the filtered trusts with the event against every trust
    of their types that the viewer sees as never in a regime (the filters choose who is treated,
    never who is compared)."""
    filtered = queries.trusts(viewer, filters)
    everyone = queries.trusts(viewer, Filters())
    column = EVENT_COLUMNS[effects.estimate_align(filters.align)]
    types = tuple(sorted(set(filtered.loc[filtered[column].notna(), "trust_type"].dropna())))
    if metric_id and types:
        scope = Filters(types=types, date_from=filters.date_from, date_to=filters.date_to)
        values = queries.metric_values(viewer, scope, (metric_id,))
    else:
        values = pd.DataFrame(
            {"trust_code": [], "period_start": pd.Series([], dtype="datetime64[ns]"), "value": []}
        )
    return effects.panel_of(values, filtered, everyone, filters.align)


def _trusts(n: int, what: str = "trust") -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def summary(study: effects.EventStudy) -> list:
    """The estimate in words, with what it rests on; below the minimum, why there is none."""
    row = study.estimate
    basis = (
        f"From {_trusts(int(row['trusts']), 'treated trust')} against "
        f"{_trusts(int(row['comparators']), 'comparator trust')} of the same types never in a regime, "
        f"{effects.WINDOW_MONTHS} months either side of the event."
    )
    estimated = not any(_blank(row[c]) for c in ("level_change", "slope_change"))
    if not estimated:
        return [
            html.P([html.Strong("No estimate. "), study.sentence], className="smq-impact-sentence"),
            html.P(
                f"An estimate needs at least {effects.MIN_TREATED_TRUSTS} treated trusts, each with "
                f"{effects.MIN_POINTS_EACH_SIDE} months of data either side of the event and "
                f"{effects.MIN_COMPARATORS} comparators. {basis}",
                className="smq-muted",
            ),
        ]
    note = row.get("note")
    return [
        html.P(study.sentence + ".", className="smq-impact-sentence"),
        html.P(
            " ".join(p for p in (basis, note if isinstance(note, str) else "") if p), className="smq-muted"
        ),
    ]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _change(row: dict, column: str, decimals: int) -> str:
    if _blank(row[column]):
        return "not estimated"
    low, high = row[f"{column}_low"], row[f"{column}_high"]
    return f"{row[column]:.{decimals}f} ({low:.{decimals}f} to {high:.{decimals}f})"


def estimates_table(table: pd.DataFrame) -> html.Table | html.Div:
    """The estimates of every group (the rows of effects.csv), beside the chart."""
    if table.empty:
        return empty_state("No estimates to show.")
    head = html.Thead(
        html.Tr(
            [
                html.Th("Group", scope="col"),
                html.Th("Treated trusts", scope="col"),
                html.Th("Comparators", scope="col"),
                html.Th("Level change (95% CI)", scope="col"),
                html.Th("Trend change a month (95% CI)", scope="col"),
            ]
        )
    )
    body = []
    for row in table.to_dict("records"):
        group = (
            "All filtered trusts" if row["group"] == effects.ALL_GROUP else label(GROUP_LABELS, row["group"])
        )
        body.append(
            html.Tr(
                [
                    html.Th(group, scope="row"),
                    html.Td(f"{row['trusts']:,}"),
                    html.Td(f"{row['comparators']:,}"),
                    html.Td(_change(row, "level_change", 2)),
                    html.Td(_change(row, "slope_change", 3)),
                ]
            )
        )
    return html.Table(
        [html.Caption("Estimates by evaluation group"), head, html.Tbody(body)],
        className="table table-sm smq-table",
        id="impact-estimates",
    )


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    choices = metric_choices()
    events = event_choices(viewer)
    align = effects.estimate_align(filters.align)
    return html.Div(
        [
            page_header(
                TITLE,
                "Did performance change after a regime event, compared with similar trusts that were never in a "
                "regime? Each treated trust's difference from the mean of its comparators, month by month, "
                "before and after its own event.",
                [download_link("effects", filters, "Download effects.csv")],
            ),
            html.Div(
                [
                    metric_control(Ids.METRIC, choices, chosen_metric(filters, choices)),
                    html.Fieldset(
                        [
                            html.Legend("Event", className="smq-filter-label"),
                            dbc.RadioItems(
                                id=Ids.ALIGN,
                                options=[
                                    {"label": v[0].upper() + v[1:], "value": k} for k, v in events.items()
                                ],
                                value=align if align in events else effects.DEFAULT_ALIGN,
                                inline=True,
                            ),
                        ],
                        className="smq-choice",
                    ),
                ],
                className="smq-filterbar smq-page-controls",
            ),
            html.Div(
                [
                    card(
                        "Difference from comparators, by month from the event",
                        [
                            chart(Ids.CHART, theme.graph_config("event-study")),
                            html.Div(id=Ids.SUMMARY, role="status", **{"aria-live": "polite"}),
                        ],
                    ),
                    card("Estimates", dcc.Loading(html.Div(id=Ids.TABLE))),
                ],
                className="smq-grid-impact",
            ),
            card(
                "How to read this",
                html.Ul(
                    [
                        html.Li(
                            "Dots: the mean difference of the treated trusts from their comparators at each month from "
                            "their event (month 0 is the event's month), with its 95% band between trusts. Lines: the "
                            "fitted trend before and after. The level change is the jump at the event; the trend change "
                            "is the change in the monthly slope."
                        ),
                        html.Li(
                            "Comparators are the trusts of the same type that were never in SMQ, the RSP or any other "
                            "regime you may see; the filter bar chooses the treated trusts, never the comparators."
                        ),
                        html.Li(
                            [
                                "This is not a randomised comparison: trusts entered after a bad inspection, so some "
                                "improvement would follow anyway (regression to the mean). See ",
                                dcc.Link("Data and methods", href="/data#data-sec-effects"),
                                ".",
                            ]
                        ),
                    ]
                ),
            ),
        ]
    )
