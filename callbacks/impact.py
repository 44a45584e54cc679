"""Callbacks of the impact page: the event study of the chosen metric, the same estimates as
/download/effects.csv."""

from __future__ import annotations

from dash import Output

from callbacks.common import content_callback
from callbacks.urlsync import UrlField, register_url_sync, value_from
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


def _shown(filters: Filters, field: UrlField):
    """The event control shows the event estimated: calendar time (the URL's default) reads as the
    page's default event, support entry, so the control never shows an event the URL does not mean."""
    if field.key == "align":
        return effects.estimate_align(filters.align)
    return value_from(filters, field)


register_url_sync(
    Shell.URL, [UrlField(Ids.METRIC, "metric"), UrlField(Ids.ALIGN, "align")], "impact", shown=_shown
)


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
