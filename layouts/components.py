"""Small shared components: page header, empty state, notices, download link, KPI card, chart."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from data_access.filters import Filters


def page_header(title: str, lede: str | None = None, actions: list | None = None) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.H1(title, className="smq-page-title"),
                    html.P(lede, className="smq-lede") if lede else None,
                ]
            ),
            html.Div(actions or [], className="smq-page-actions"),
        ],
        className="smq-page-header",
    )


def empty_state(message: str, hint: str | None = None, icon: str = "bi-inbox") -> html.Div:
    return html.Div(
        [
            html.I(className=f"bi {icon}", **{"aria-hidden": "true"}),
            html.P(message),
            html.P(hint, className="smq-muted") if hint else None,
        ],
        className="smq-empty",
        role="status",
    )


def error_state(
    message: str = "The database is not answering. The page will recover by itself when it returns.",
) -> html.Div:
    return html.Div(
        [html.I(className="bi bi-exclamation-triangle", **{"aria-hidden": "true"}), html.P(message)],
        className="smq-empty smq-error",
        role="alert",
    )


def metric_control(component_id: str, options: list[dict], value: str | None) -> html.Div:
    """A page's labelled metric chooser: the options' labels and values, never cleared."""
    return html.Div(
        [
            html.Label("Metric", htmlFor=component_id, className="smq-filter-label"),
            dcc.Dropdown(
                id=component_id,
                options=[{"label": o["label"], "value": o["value"]} for o in options],
                value=value,
                clearable=False,
            ),
        ],
        className="smq-filter smq-filter-wide",
    )


DOWNLOAD_LINK = "smq-download"


def _download_anchor(view: str, filters: Filters, label: Any, fmt: str, title: str | None = None) -> html.A:
    query = filters.to_query()
    if fmt == "csv":  # a person's CSV starts with its provenance line (see callbacks.shell)
        query = "&".join(p for p in (query, "provenance=1") if p)
    href = f"/download/{view}.{fmt}" + (f"?{query}" if query else "")
    icon = "bi-file-earmark-spreadsheet" if fmt == "xlsx" else "bi-download"
    props = {"title": title} if title else {}
    return html.A(
        [html.I(className=f"bi {icon}", **{"aria-hidden": "true"}), " ", label],
        href=href,
        className="btn btn-outline-primary btn-sm smq-download",
        download="",
        id={"type": DOWNLOAD_LINK, "view": view, "format": fmt},
        **props,
    )


def download_link(
    view: str, filters: Filters, label: str | None = None, fmt: str = "csv"
) -> html.A | html.Span:
    """A link to `/download/<view>.<fmt>` for the current filters; a CSV link comes with an
    "Excel" link beside it (`/download/<view>.xlsx`, the same rows for a person to open). One
    clientside callback (`callbacks.shell`) keeps every such link's query string equal to the
    URL's, so a link never lags behind a filter change."""
    link = _download_anchor(view, filters, label or f"Download {view}.{fmt}", fmt)
    if fmt != "csv":
        return link
    words = html.Span(["Excel", html.Span(f" ({view}.xlsx)", className="smq-visually-hidden")])
    excel = _download_anchor(
        view, filters, words, "xlsx", title=f"The same rows as an Excel workbook ({view}.xlsx)"
    )
    return html.Span([link, " ", excel], className="smq-downloads")


def kpi(
    label: str, value: str, note: str | None = None, href: str | None = None, kpi_id: str | None = None
) -> html.Div:
    body = [html.Div(value, className="smq-kpi-value"), html.Div(label, className="smq-kpi-label")]
    if note:
        body.append(html.Div(note, className="smq-kpi-note smq-small"))
    content = dcc.Link(body, href=href, className="smq-kpi-link") if href else html.Div(body)
    props = {"id": kpi_id} if kpi_id else {}
    return html.Div(content, className="smq-kpi", **props)


def notices(messages: list[str]) -> list:
    if not messages:
        return []
    return [
        dbc.Alert(
            [html.I(className="bi bi-info-circle", **{"aria-hidden": "true"}), " ", message],
            color="warning",
            className="smq-notice",
            dismissable=True,
        )
        for message in messages
    ]


def trust_link(code: str, name: str | None = None) -> dcc.Link:
    return dcc.Link(name or code, href=f"/trust/{quote(code)}", className="smq-trust-link")


def card(title: str, children, card_id: str | None = None, footer=None) -> html.Section:
    props = {"id": card_id} if card_id else {}
    return html.Section(
        [html.H2(title, className="smq-card-title"), html.Div(children, className="smq-card-body"), footer],
        className="smq-card",
        **props,
    )


CHART_TABLE_SUMMARY = "Show the numbers as a table"


def chart_table(graph_id: str) -> html.Details:
    """The collapsed table of the numbers the chart `graph_id` shows (its accessible twin, and
    what a presenter copies). It is filled in the browser from the drawn figure when opened and
    after every re-plot (assets/zz-js/chart-tables.js), so the numbers are not sent twice."""
    return html.Details(
        [
            html.Summary(CHART_TABLE_SUMMARY, className="smq-chart-table-summary"),
            html.Div(className="smq-chart-table-body"),
        ],
        className="smq-chart-table",
        id=f"{graph_id}-table",
        **{"data-graph": graph_id},
    )


def chart(
    graph_id: str,
    config: dict,
    *,
    class_name: str | None = None,
    figure: Any = None,
    delay_show: int | None = 300,
) -> html.Div:
    """A chart and, under it, its numbers as a table (`chart_table`). `delay_show=None` leaves out
    the loading spinner, for a chart inside a `dcc.Loading` of its own."""
    props: dict = {"id": graph_id, "config": config}
    if class_name:
        props["className"] = class_name
    if figure is not None:
        props["figure"] = figure
    graph = dcc.Graph(**props)
    drawn = graph if delay_show is None else dcc.Loading(graph, delay_show=delay_show)
    return html.Div([drawn, chart_table(graph_id)], className="smq-chart")
