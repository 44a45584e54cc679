"""Callbacks of the data page: the dataset and metric definitions, then data quality."""

from __future__ import annotations

from dash import Output, html

from callbacks.common import content_callback
from dashboard import theme
from dashboard.figures import data_quality as figures
from data_access import overview_queries, queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import components
from layouts.data_page import Ids, dataset_list, metrics_table, no_ratings_list


def _definitions_fallback():
    return [components.error_state()], [components.error_state()], ""


@content_callback(
    Output(Ids.DATASET, "children"),
    Output(Ids.METRICS, "children"),
    Output(Ids.IMPORTED, "children"),
    fallback=_definitions_fallback,
    memo=False,  # shows when the data was last imported
)
def update_definitions(filters: Filters, who: Viewer):
    info = queries.dataset_info(who)
    rows = figures.metric_rows(queries.metrics(filters.types))
    imported = html.P(
        [
            figures.when_words(overview_queries.last_import()),
            html.Br(),
            html.Span(
                f"Data version {info.get('data_version') or 0}: each import adds one.",
                className="smq-muted smq-small",
            ),
        ]
    )
    return dataset_list(info), metrics_table(rows), imported


def _quality_fallback():
    return (
        theme.empty_figure("The database is not answering; the chart will return with it."),
        "",
        [components.error_state()],
    )


@content_callback(
    Output(Ids.COVERAGE, "figure"),
    Output(Ids.COVERAGE_NOTE, "children"),
    Output(Ids.NO_RATINGS, "children"),
    fallback=_quality_fallback,
)
def update_quality(filters: Filters, who: Viewer):
    coverage = overview_queries.coverage(who, filters)
    metrics = queries.metrics(filters.types)
    return (
        figures.coverage_figure(coverage, metrics),
        figures.coverage_summary(coverage, dict(zip(metrics["metric_id"], metrics["name"], strict=True))),
        no_ratings_list(overview_queries.trusts_without_ratings(who, filters)),
    )
