"""Callbacks of the monitoring page: the icon matrix (the rows of /download/icons.csv) and one
trust's CUSUM (the rows of /download/cusum.csv), with its interventions on the same time axis."""

from __future__ import annotations

from dash import Output

from callbacks.common import content_callback
from callbacks.urlsync import UrlField, register_url_sync
from dashboard import theme
from dashboard.figures import monitoring as figures
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.ids import Shell
from layouts.monitoring import EVENT_WORDS, Ids, cusum_for, cusum_note, icon_matrix, icons_for, matrix_filters

register_url_sync(Shell.URL, [UrlField(Ids.BASELINE, "align")], "monitoring")


def _fallback():
    empty = theme.empty_figure("The database is not answering; the chart will return with it.")
    return [components.error_state()], empty, []


@content_callback(
    Output(Ids.MATRIX, "children"),
    Output(Ids.CUSUM, "figure"),
    Output(Ids.CUSUM_NOTE, "children"),
    fallback=_fallback,
)
def update_monitoring(filters: Filters, who: Viewer):
    shown = matrix_filters(filters)
    definitions = queries.metrics()
    matrix = icon_matrix(icons_for(who, shown), queries.trusts(who, shown), definitions, filters, who)
    if filters.trust is None or filters.metric is None:
        message = "Choose a cell of the matrix (or a trust and a metric) to see that trust's CUSUM."
        return matrix, theme.empty_figure(message), []
    result, trust = cusum_for(who, filters)
    if trust.empty:
        message = "The filters leave this trust out: widen them to see its CUSUM."
        return matrix, theme.empty_figure(message), [components.empty_state(message)]
    metric = {**definitions.set_index("metric_id").loc[filters.metric].to_dict(), "metric_id": filters.metric}
    name = str(trust.iloc[0]["trust_name"])
    figure = figures.cusum_figure(result, metric, title=f"CUSUM: {metric['name']}, {name}")
    if result.h is not None:
        figures.add_interventions(figure, queries.interventions(who, Filters(trusts=(filters.trust,))))
    return matrix, figure, cusum_note(result, metric, name, EVENT_WORDS.get(filters.align))
