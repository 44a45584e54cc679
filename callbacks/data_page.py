"""Callbacks of the data page: the dataset and metric definitions, then data quality."""

from __future__ import annotations

from dash import Input, Output, callback, html

from callbacks.common import cached_answer, db_safe, filters_from, viewer
from dashboard import theme
from dashboard.figures import data_quality as figures
from dashboard.labels import TYPE_LABELS, label
from data_access import overview_queries, queries
from layouts import components
from layouts.data_page import Ids
from layouts.ids import Shell


def dataset_list(info: dict) -> html.Dl:
    synthetic = (
        "Yes: invented trusts and numbers that describe no real NHS trust" if info.get("synthetic") else "No"
    )
    as_of = info.get("as_of")
    as_of_words = figures.when_words(info["as_of_effective"]) + (
        "" if as_of else " (no as-of date given: today)"
    )
    items = [
        ("Name", info.get("name") or "Not named"),
        ("As of", as_of_words),
        ("Synthetic", synthetic),
        ("Licence", info.get("licence") or "Not stated"),
        ("Notes", info.get("notes") or "None"),
        ("Last import", figures.when_words(info.get("imported_at"))),
    ]
    return html.Dl(
        [part for term, text in items for part in (html.Dt(term), html.Dd(text))],
        className="dq-dl dq-dl--short",
    )


def metrics_table(rows: list[dict[str, str]]) -> html.Table | html.Div:
    if not rows:
        return components.empty_state("No metric applies to the selected trust types.")
    columns = ("Metric", "Definition", "Unit", "Polarity", "Frequency", "Trust types", "Source")
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in columns]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(
                        [row["name"], html.Br(), html.Code(row["metric_id"], className="smq-small")],
                        scope="row",
                    ),
                    html.Td(
                        [
                            row["description"],
                            html.Div(row["domain"], className="smq-muted smq-small")
                            if row["domain"]
                            else None,
                        ]
                    ),
                    html.Td(row["unit"]),
                    html.Td(row["polarity"]),
                    html.Td(row["frequency"]),
                    html.Td(row["applies_to"]),
                    html.Td(row["source"]),
                ]
            )
            for row in rows
        ]
    )
    return html.Table([head, body], className="table table-sm dq-table dq-metrics", id="data-metrics-table")


def no_ratings_list(frame) -> html.Div | html.Ul:
    if frame.empty:
        return components.empty_state(
            "Every filtered trust has an overall CQC rating.", icon="bi-check2-circle"
        )
    return html.Div(
        [
            html.P(f"{len(frame):,} trust{'s' if len(frame) != 1 else ''}:", className="smq-small"),
            html.Ul(
                [
                    html.Li(
                        [
                            components.trust_link(t.trust_code, t.trust_name),
                            f" · {label(TYPE_LABELS, t.trust_type)}",
                            "" if t.any_domain_rating else " · no rating in any domain",
                        ]
                    )
                    for t in frame.itertuples(index=False)
                ],
                className="dq-no-ratings",
            ),
        ]
    )


def _definitions_fallback():
    return [components.error_state()], [components.error_state()], ""


@callback(
    Output(Ids.DATASET, "children"),
    Output(Ids.METRICS, "children"),
    Output(Ids.IMPORTED, "children"),
    Input(Shell.URL, "search"),
)
@db_safe(_definitions_fallback)
def update_definitions(search: str | None):
    filters, _ = filters_from(search)
    info = queries.dataset_info()
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


@callback(
    Output(Ids.COVERAGE, "figure"),
    Output(Ids.COVERAGE_NOTE, "children"),
    Output(Ids.NO_RATINGS, "children"),
    Input(Shell.URL, "search"),
)
@db_safe(_quality_fallback)
@cached_answer
def update_quality(search: str | None):
    filters, _ = filters_from(search)
    who = viewer()
    coverage = overview_queries.coverage(who, filters)
    metrics = queries.metrics(filters.types)
    return (
        figures.coverage_figure(coverage, metrics),
        figures.coverage_summary(coverage, dict(zip(metrics["metric_id"], metrics["name"], strict=True))),
        no_ratings_list(overview_queries.trusts_without_ratings(who, filters)),
    )
