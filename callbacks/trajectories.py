"""Callbacks of the trajectories page: the URL decides the chart; a click selects a trust."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, no_update

from callbacks.common import content_callback, filters_from, viewer
from callbacks.urlsync import UrlField, register_url_sync, search_for, url_target
from dashboard import theme
from dashboard.alignment import EVENT_COLUMNS
from dashboard.figures import trajectories as figures
from data_access import queries
from data_access.filters import Filters
from data_access.frames import isin
from data_access.viewer import Viewer
from layouts import components
from layouts.ids import Filter, Shell
from layouts.trajectories import (
    Ids,
    applicable_types,
    default_metric,
    metric_options,
    spc_summary,
    trajectory_note,
)

register_url_sync(
    Shell.URL,
    [
        UrlField(Ids.ALIGN, "align"),
        UrlField(Ids.COMPARE, "compare"),
        UrlField(Ids.SAME_PERIOD, "same_period"),
        UrlField(Ids.BREAK, "spc_break"),
    ],
    "trajectories",
)


def _fallback():
    empty = theme.empty_figure("The database is not answering; the chart will return with it.")
    return empty, "", empty, [components.error_state()]


@content_callback(
    Output(Ids.CHART, "figure"),
    Output(Ids.NOTE, "children"),
    Output(Ids.SPC, "figure"),
    Output(Ids.SPC_SUMMARY, "children"),
    fallback=_fallback,
)
def update_trajectories(filters: Filters, who: Viewer):
    metric_id = default_metric(filters, metric_options(applicable_types(filters, who)))
    if metric_id is None:
        empty = theme.empty_figure("No metric applies to the filtered trust types.")
        return empty, "", empty, []
    metric = queries.metrics().set_index("metric_id").loc[metric_id]
    metric["metric_id"] = metric_id
    selected = filters.trust
    # One selected trust is highlighted against the trusts the other filters pick, so choosing
    # it keeps the comparison (the filter bar's trust narrows the other views only).
    group_filters = filters.with_(trusts=()) if selected else filters
    trusts = _with_selected(queries.trusts(who, group_filters), queries.trusts(who, filters))
    values = queries.metric_values(who, group_filters, (metric_id,))
    if selected:
        values = pd.concat(
            [values[values["trust_code"] != selected], queries.metric_values(who, filters, (metric_id,))],
            ignore_index=True,
        )
    national_filters = Filters(types=filters.types, date_from=filters.date_from, date_to=filters.date_to)
    national_trusts = queries.trusts(who, national_filters)
    national = queries.metric_values(who, national_filters, (metric_id,))
    episodes = queries.episodes(who, filters)
    compare = filters.extra("compare")
    # The comparators are picked from the trusts of these types as the viewer sees them, as the
    # effects view picks them, so the public's set never depends on CP status.
    same_period = (
        figures.same_period_panel(values, trusts, national, national_trusts, filters.align)
        if filters.extra("same_period", "on") == "on"
        else None
    )
    figure = figures.trajectory_figure(
        values,
        trusts,
        national,
        national_trusts,
        metric,
        filters.align,
        compare,
        selected,
        episodes,
        same_period,
    )
    comparators = (
        figures.same_period_line(same_period, set(same_period.treated["trust_code"]))[1]
        if same_period is not None
        else None
    )
    note = trajectory_note(
        figures.event_counts(values, trusts, filters.align),
        figures.event_counts(national, national_trusts, filters.align),
        filters.align,
        filters.types,
        figures.MAX_LINES,
        trusts.loc[trusts["trust_code"] == selected, "trust_name"].head(1).tolist(),
        comparators,
    )
    if not selected:
        empty = theme.empty_figure(
            "Select one trust (click its line, or search in the filter bar) for its SPC chart."
        )
        return figure, note, empty, []
    series = values[values["trust_code"] == selected]
    breaks = []
    column = EVENT_COLUMNS.get(filters.extra("spc_break") or "")
    row = trusts[trusts["trust_code"] == selected]
    if column and not row.empty and not pd.isna(row.iloc[0][column]):
        breaks = [pd.Timestamp(row.iloc[0][column]).date()]
    spc_figure, summary = figures.spc_chart(series, metric, breaks)
    name = row.iloc[0]["trust_name"] if not row.empty else selected
    return figure, note, spc_figure, spc_summary(summary, name)


def _with_selected(group: pd.DataFrame, selected: pd.DataFrame) -> pd.DataFrame:
    missing = selected[~isin(selected["trust_code"], group["trust_code"])]
    return pd.concat([group, missing], ignore_index=True) if not missing.empty else group


@callback(
    Output(Ids.METRIC, "options"),
    Output(Ids.METRIC, "value"),
    Input(Shell.URL, "search"),
    State(Ids.METRIC, "value"),
    prevent_initial_call=True,
)
def metric_from_url(search: str | None, shown: str | None):
    """Offer only the metrics that apply to the chosen types, and show the one the chart shows:
    when a change of type removes the chosen metric, the control moves to a valid one (and
    `url_from_metric` then writes it into the URL). Only this page's controls are outputs, so Dash
    skips the callback on other pages."""
    filters, _ = filters_from(search)
    options = metric_options(applicable_types(filters, viewer()))
    metric_id = default_metric(filters, options)
    listed = [{"label": o["label"], "value": o["value"]} for o in options]
    return listed, no_update if metric_id == shown else metric_id


@callback(
    Output(Shell.URL, "search", allow_duplicate=True),
    Input(Ids.METRIC, "value"),
    State(Shell.URL, "search"),
    prevent_initial_call=True,
)
def url_from_metric(metric_id, search: str | None):
    """The metric on screen goes into the URL when it differs from the URL's: one the user
    picked, or the valid one that replaced a metric the chosen types do not have."""
    if not isinstance(metric_id, str) or not metric_id:
        return no_update
    filters, _ = filters_from(search)
    options = metric_options(applicable_types(filters, viewer()))
    if metric_id not in {o["value"] for o in options}:
        return no_update
    if filters.metric == metric_id or (
        filters.metric is None and metric_id == default_metric(filters, options)
    ):
        return no_update
    return search_for(filters.with_(metrics=(metric_id,)))


# Clicking a trust's line selects it: the selection goes into the URL (through the frame's store
# of control changes, so a page load, which "changes" the empty clickData, costs no request).
url_target("trajectories-click", [UrlField(Filter.TRUST, "trust")])
clientside_callback(
    """function (click) {
        var points = (click && Array.isArray(click.points)) ? click.points : [];
        for (var i = 0; i < points.length; i++) {
            var custom = points[i] && points[i].customdata;
            var code = Array.isArray(custom) ? custom[0] : null;
            if (typeof code === "string" && code) {
                return {page: "trajectories-click", values: [code]};
            }
        }
        return dash_clientside.no_update;
    }""",
    Output(Shell.CONTROLS, "data", allow_duplicate=True),
    Input(Ids.CHART, "clickData"),
    prevent_initial_call=True,
)
