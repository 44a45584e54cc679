"""Callbacks of the impact page: the event study of the chosen metric, the same estimates as
/download/effects.csv."""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from callbacks.common import content_callback, filters_from
from callbacks.urlsync import UrlField, register_url_sync, search_for
from dashboard import effects, theme
from dashboard.figures import impact as figures
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.ids import Shell
from layouts.impact import (
    EVENT_WORDS,
    Ids,
    chosen_metric,
    effect_panel,
    estimates_table,
    metric_choices,
    summary,
)

register_url_sync(Shell.URL, [UrlField(Ids.METRIC, "metric")], "impact")


# The event control and `align` in the URL: calendar time (the URL's default) reads as the page's
# default event, support entry, so the control never shows an event the URL does not mean.
@callback(
    Output(Shell.URL, "search", allow_duplicate=True),
    Input(Ids.ALIGN, "value"),
    State(Shell.URL, "search"),
    prevent_initial_call=True,
)
def url_from_impact_event(value, search):
    filters, _ = filters_from(search)
    if (
        not isinstance(value, str)
        or value not in EVENT_WORDS
        or effects.estimate_align(filters.align) == value
    ):
        return no_update
    return search_for(filters.with_(align=value))


@callback(
    Output(Ids.ALIGN, "value", allow_duplicate=True),
    Input(Shell.URL, "search"),
    State(Ids.ALIGN, "value"),
    prevent_initial_call=True,
)
def impact_event_from_url(search, shown):
    wanted = effects.estimate_align(filters_from(search)[0].align)
    return no_update if wanted == shown else wanted


def _fallback():
    empty = theme.empty_figure("The database is not answering; the chart will return with it.")
    return empty, [components.error_state()], []


@content_callback(
    Output(Ids.CHART, "figure"),
    Output(Ids.SUMMARY, "children"),
    Output(Ids.TABLE, "children"),
    fallback=_fallback,
)
def update_impact(filters: Filters, who: Viewer):
    metric_id = chosen_metric(filters, metric_choices())
    if metric_id is None:
        empty = theme.empty_figure("No metrics have been loaded.")
        return empty, [components.empty_state("No metrics have been loaded.")], []
    metric = queries.metrics().set_index("metric_id").loc[metric_id]
    metric = {**metric.to_dict(), "metric_id": metric_id}
    align = effects.estimate_align(filters.align)
    panel = effect_panel(who, filters, metric_id)
    study = effects.event_study(panel, metric, event_words=EVENT_WORDS[align])
    figure = figures.event_study_figure(
        study, metric, event_label=EVENT_WORDS[align], title=str(metric["name"])
    )
    return figure, summary(study), estimates_table(effects.effects_table(panel, metric_id))
