"""Callbacks of the trajectories page: the URL decides the chart; a click selects a trust."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, callback, html, no_update

from callbacks.common import cached_answer, db_safe, filters_from, viewer
from callbacks.urlsync import UrlField, register_url_sync, search_for
from dashboard import spc, theme
from dashboard.alignment import EVENT_COLUMNS
from dashboard.figures import trajectories as figures
from dashboard.labels import VARIATION_LABELS
from data_access import queries
from data_access.filters import Filters
from layouts import components
from layouts.ids import Shell
from layouts.trajectories import Ids, applicable_types, default_metric, metric_options

register_url_sync(
    Shell.URL,
    [
        UrlField(Ids.METRIC, "metric"),
        UrlField(Ids.ALIGN, "align", default="calendar"),
        UrlField(Ids.COMPARE, "compare", default="none"),
        UrlField(Ids.BREAK, "spc_break", default="none"),
    ],
    "trajectories",
)


def _fallback():
    empty = theme.empty_figure("The database is not answering; the chart will return with it.")
    return empty, "", empty, [components.error_state()], no_update


def _summary(summary: spc.SpcSummary | None, trust_name: str) -> list:
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
                f": latest {summary.latest_value:.1f}, mean {summary.mean:.1f}, "
                f"process limits {summary.lower_limit:.1f} to {summary.upper_limit:.1f}. {words}.{reliability}",
            ]
        ),
    ]


@callback(
    Output(Ids.CHART, "figure"),
    Output(Ids.NOTE, "children"),
    Output(Ids.SPC, "figure"),
    Output(Ids.SPC_SUMMARY, "children"),
    Output(Ids.DOWNLOAD, "href"),
    Input(Shell.URL, "search"),
)
@db_safe(_fallback)
@cached_answer
def update_trajectories(search: str | None):
    filters, _ = filters_from(search)
    who = viewer()
    metric_id = default_metric(filters, metric_options(applicable_types(filters, who)))
    query = filters.to_query()
    href = "/download/trajectories.csv" + (f"?{query}" if query else "")
    if metric_id is None:
        empty = theme.empty_figure("No metric applies to the filtered trust types.")
        return empty, "", empty, [], href
    metric = queries.metrics().set_index("metric_id").loc[metric_id]
    metric["metric_id"] = metric_id
    trusts = queries.trusts(who, filters)
    values = queries.metric_values(who, filters, (metric_id,))
    national_filters = Filters(types=filters.types, date_from=filters.date_from, date_to=filters.date_to)
    national_trusts = queries.trusts(who, national_filters)
    national = queries.metric_values(who, national_filters, (metric_id,))
    episodes = queries.episodes(who, filters)
    selected = filters.trust
    compare = filters.extra("compare", "none")
    figure = figures.trajectory_figure(
        values, trusts, national, national_trusts, metric, filters.align, compare, selected, episodes
    )
    shown = values["trust_code"].nunique()
    note = (
        f"{shown:,} trusts with values. Shaded band: the middle half of trusts; line: their median. "
        f"Dotted grey: all {national['trust_code'].nunique():,} trusts of these types. "
    )
    note += (
        f"Thin lines are individual trusts (drawn where a panel has at most {figures.MAX_LINES}); click one to "
        "select it, or search a trust in the filter bar."
    )
    if not selected:
        empty = theme.empty_figure(
            "Select one trust (click its line, or search in the filter bar) for its SPC chart."
        )
        return figure, note, empty, [], href
    series = values[values["trust_code"] == selected]
    breaks = []
    column = EVENT_COLUMNS.get(filters.extra("spc_break", "none") or "")
    row = trusts[trusts["trust_code"] == selected]
    if column and not row.empty and not pd.isna(row.iloc[0][column]):
        breaks = [pd.Timestamp(row.iloc[0][column]).date()]
    spc_figure, summary = figures.spc_chart(series, metric, breaks)
    name = row.iloc[0]["trust_name"] if not row.empty else selected
    return figure, note, spc_figure, _summary(summary, name), href


@callback(
    Output(Shell.URL, "search", allow_duplicate=True),
    Input(Ids.CHART, "clickData"),
    State(Shell.URL, "search"),
    prevent_initial_call=True,
)
def select_trust(click_data, search: str | None):
    """Clicking a trust's line selects it: the selection goes into the URL."""
    points = click_data.get("points") if isinstance(click_data, dict) else None
    for point in points if isinstance(points, list) else []:
        custom = point.get("customdata") if isinstance(point, dict) else None
        code = custom[0] if isinstance(custom, list) and custom else None
        if isinstance(code, str) and code:
            filters, _ = filters_from(search)
            return search_for(filters.with_(trusts=(code,)))
    return no_update
