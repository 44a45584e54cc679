"""Monitoring: the summary icon matrix of metrics by trust, and the CUSUM of one trust's metric."""

from __future__ import annotations

import math
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import cusum, icons, theme
from dashboard.alignment import EVENT_COLUMNS
from dashboard.labels import VARIATION_LABELS, label, markdown_text, trust_link_markdown
from data_access import queries
from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts.components import card, chart, download_link, empty_state, page_header

TITLE = "Monitoring"
MAX_ROWS = 150
"""Trusts drawn in the matrix; the download has them all."""


class Ids:
    MATRIX = "monitoring-matrix"
    CUSUM = "monitoring-cusum"
    CUSUM_NOTE = "monitoring-cusum-note"
    BASELINE = "monitoring-baseline"
    GRID = "monitoring-grid"


BASELINE_CHOICES: dict[str, str] = {
    "calendar": "Its first 12 points",
    "support_entry": "12 points before entry into intensive support",
    "smq_entry": "12 points before SMQ entry",
    "rsp_entry": "12 points before RSP entry",
    "cp_entry": "12 points before CP entry",
}
EVENT_WORDS: dict[str, str] = {
    "support_entry": "entry into intensive support",
    "smq_entry": "SMQ entry",
    "rsp_entry": "RSP entry",
    "cp_entry": "CP entry",
    "support_exit": "leaving intensive support",
    "smq_exit": "SMQ exit",
    "rsp_exit": "RSP exit",
}


ASSURANCE_WORDS: dict[str, str] = {
    "pass": "Assurance: the process will consistently pass the target",
    "fail": "Assurance: the process will consistently fail the target",
    "hit_or_miss": "Assurance: the process will hit or miss the target by chance",
}


def cusum_parameters(filters: Filters) -> tuple[float, float]:
    """``cusum_k`` and ``cusum_h`` (sigmas) from the URL; a value that is not one is the default."""
    return (
        cusum.parameter(filters.extra("cusum_k"), cusum.CUSUM_K, positive=False),
        cusum.parameter(filters.extra("cusum_h"), cusum.CUSUM_H, positive=True),
    )


def metric_ids(filters: Filters, trusts: pd.DataFrame) -> tuple[str, ...]:
    """The metrics named in the URL, else every metric that applies to one of the trusts' types."""
    if filters.metrics:
        return filters.metrics
    types = tuple(sorted(set(trusts["trust_type"].dropna())))
    return tuple(queries.metrics(types)["metric_id"]) if types else ()


def icons_for(viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """The ``icons`` view of the filtered trusts (and metrics): what /download/icons.csv sends."""
    trusts = queries.trusts(viewer, filters)
    ids = metric_ids(filters, trusts)
    if ids and not trusts.empty:
        values = queries.metric_values(viewer, filters, ids)
    else:
        values = pd.DataFrame(
            {
                "trust_code": [],
                "metric_id": [],
                "period_start": pd.Series([], dtype="datetime64[ns]"),
                "value": [],
            }
        )
    k, h = cusum_parameters(filters)
    return icons.icons_view(
        values,
        queries.metrics(),
        trusts,
        align=filters.align,
        spc_break=filters.extra("spc_break"),
        cusum_k=k,
        cusum_h=h,
    )


def cusum_for(viewer: Viewer, filters: Filters) -> tuple[cusum.Cusum, pd.DataFrame]:
    """The CUSUM of the URL's one trust and first metric (the caller checks both are there),
    baseline ended by the trust's event named by ``align``; and the trust's row (empty when the
    other filters leave it out)."""
    assert filters.trust is not None and filters.metric is not None
    trusts = queries.trusts(viewer, filters)
    trusts = trusts[trusts["trust_code"] == filters.trust]
    values = queries.metric_values(viewer, filters, (filters.metric,))
    values = values[values["trust_code"] == filters.trust]
    event = None
    column = EVENT_COLUMNS.get(filters.align)
    if column is not None and not trusts.empty and not pd.isna(trusts.iloc[0][column]):
        event = trusts.iloc[0][column]
    k, h = cusum_parameters(filters)
    return cusum.cusum(values["period_start"], values["value"], event=event, cusum_k=k, cusum_h=h), trusts


def variation_words(icon: str) -> str:
    """`improvement_high` → "Special cause: improvement (high)"."""
    if not isinstance(icon, str) or not icon or icon == "common_cause":
        return VARIATION_LABELS["common_cause"]
    kind, _, side = icon.rpartition("_")
    return f"{label(VARIATION_LABELS, kind)} ({side})"


def matrix_filters(filters: Filters) -> Filters:
    """What the matrix shows: every metric, and every filtered trust even when one trust and a
    metric are chosen for the CUSUM below (so choosing a cell never hides the others)."""
    if filters.trust and filters.metric:
        return filters.with_(trusts=(), metrics=())
    return filters.with_(metrics=())


def cell_href(filters: Filters, trust_code: str, metric_id: str) -> str:
    chosen = matrix_filters(filters).with_(trusts=(trust_code,), metrics=(metric_id,))
    return "/monitoring?" + chosen.to_query()


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _cell(row: dict, trust_name: str, metric_name: str, href: str) -> str:
    """One cell, as grid Markdown: a link holding the variation and assurance icons (their words
    the images' text alternatives) and the month of the latest CUSUM signal, if any."""
    icon = row["variation_icon"] or "common_cause"
    parts = [f"![{markdown_text(variation_words(icon))}]({icons.icon_src('variation', icon)})"]
    assurance = row["assurance"]
    if isinstance(assurance, str) and assurance:
        src = icons.icon_src("assurance", icons.ASSURANCE_ICONS[assurance])
        parts.append(f"![{markdown_text(ASSURANCE_WORDS[assurance])}]({src})")
    signal = row.get("cusum_signal")
    if isinstance(signal, str) and signal:
        when = pd.Timestamp(row["cusum_signal_period"])
        reading = row.get("cusum_reading") or "neither"
        parts.append(markdown_text(f"CUSUM {'↑' if signal == cusum.UP else '↓'} {when:%b %y}"))
    latest = pd.Timestamp(row["latest_period"])
    summary = f"{trust_name}, {metric_name}: latest {_number(row['latest_value'])} in {latest:%b %Y}"
    if isinstance(signal, str) and signal:
        summary += f"; latest CUSUM signal {signal} ({reading}) in {when:%b %Y}"
    title = summary.replace('"', "'")
    return f'[{" ".join(parts)}]({href} "{title}")'


def matrix_columns(metric_ids: list[str], metric_names: pd.Series) -> list[dict]:
    cell = {
        "cellRenderer": "markdown",
        "sortable": False,
        "minWidth": 150,
        "cellClass": "smq-icon-cell",
        # Enter on a cell opens its CUSUM (assets/zz-js/grid-cell-links.js).
        "suppressKeyboardEvent": {"function": "followCellLink(params)"},
    }
    return [
        {
            "field": "trust",
            "headerName": "Trust",
            "cellRenderer": "markdown",
            "pinned": "left",
            "minWidth": 280,
            "filter": True,
        },
        {
            "field": "concerns",
            "headerName": "Concerns",
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "minWidth": 110,
            "headerTooltip": "Metrics whose latest point is special-cause concern",
        },
        {
            "field": "fails",
            "headerName": "Failing target",
            "type": "rightAligned",
            "filter": "agNumberColumnFilter",
            "minWidth": 120,
            "headerTooltip": "Metrics whose process will consistently fail its target",
        },
        *({**cell, "field": f"m_{m}", "headerName": str(metric_names.get(m, m))} for m in metric_ids),
    ]


def icon_matrix(
    table: pd.DataFrame, trusts: pd.DataFrame, metrics: pd.DataFrame, filters: Filters, viewer: Viewer
):
    """Rows trusts (an improvement director's own first), columns metrics, each cell a link.

    A grid (virtualised, sortable, filterable) of plain rows rather than a component per cell: a
    thousand cells of Dash components take the browser minutes to lay out."""
    if table.empty or table["latest_value"].isna().all():
        return empty_state(
            "No metric values for the filtered trusts.", "Widen the filters, or load metric_values.csv."
        )
    names = trusts.set_index("trust_code")["trust_name"]
    metric_names = metrics.set_index("metric_id")["name"]
    shown = table[table["latest_value"].notna()]
    columns = [m for m in metrics.sort_values("name")["metric_id"] if m in set(shown["metric_id"])]
    concerns = shown[shown["variation"] == "concern"].groupby("trust_code").size()
    fails = shown[shown["assurance"] == "fail"].groupby("trust_code").size()
    codes = sorted(
        set(shown["trust_code"]), key=lambda c: (c not in viewer.trusts, str(names.get(c, c)).lower())
    )
    rows = {
        code: {
            "trust_code": code,
            "trust": trust_link_markdown(code, str(names.get(code, code))),
            "concerns": int(concerns.get(code, 0)),
            "fails": int(fails.get(code, 0)),
        }
        for code in codes
    }
    for r in shown.to_dict("records"):
        code, metric_id = r["trust_code"], r["metric_id"]
        rows[code][f"m_{metric_id}"] = _cell(
            r,
            str(names.get(code, code)),
            str(metric_names.get(metric_id, metric_id)),
            cell_href(filters, code, metric_id),
        )
    return [
        html.P(
            "Variation and assurance of each trust's latest point, metric by metric (Making Data Count icons), "
            "and the month of the latest CUSUM signal. Choose a cell for that trust's CUSUM; sort or filter by "
            "the trust, concern and target columns.",
            className="smq-muted smq-small",
            id="monitoring-matrix-caption",
        ),
        dag.AgGrid(
            id=Ids.GRID,
            columnDefs=matrix_columns(columns, metric_names),
            rowData=[rows[c] for c in codes],
            className="smq-aggrid smq-icon-matrix",
            defaultColDef={"sortable": True, "resizable": True},
            dashGridOptions={"rowHeight": 40},
            style={"height": f"{min(600, 90 + 44 * len(codes))}px"},
            csvExportParams={"fileName": "smq-monitor-icons.csv"},
        ),
    ]


def cusum_note(result: cusum.Cusum, metric: dict, trust_name: str, event_words: str | None) -> list:
    """The baseline stated, and each signal explained by the metric's direction."""
    if result.baseline_mean is None or result.sigma is None or result.h is None or result.k is None:
        return [html.P(result.note or "Too few points for a CUSUM.")]
    table = result.table
    periods = table.loc[result.baseline, "period_start"]
    where = f"before {event_words}" if event_words else "the first points"
    baseline = (
        f"{trust_name}: baseline of {len(periods)} points ({where}, {pd.Timestamp(periods.min()):%b %Y} to "
        f"{pd.Timestamp(periods.max()):%b %Y}), mean {_number(result.baseline_mean)}, σ {_number(result.sigma)} "
        f"(mean moving range ÷ 1.128); slack k = {result.cusum_k:g}σ = {_number(result.k)}, decision interval "
        f"h = {result.cusum_h:g}σ = {_number(result.h)}."
    )
    higher = metric.get("higher_is_better")
    signalled = table[table["signal"].isin([cusum.UP, cusum.DOWN])]
    if signalled.empty:
        signals: Any = html.P("No signal: neither sum has passed h since the baseline.")
    else:
        signals = html.Ul(
            [
                html.Li(
                    f"{pd.Timestamp(r.period_start):%b %Y}: {'upper' if r.signal == cusum.UP else 'lower'} sum "
                    f"passed h, a sustained shift {'above' if r.signal == cusum.UP else 'below'} the baseline mean "
                    f"({cusum.signal_reading(r.signal, None if pd.isna(higher) else bool(higher))}); "
                    "both sums start again from 0."
                )
                for r in signalled.itertuples(index=False)
            ]
        )
    return [html.P(baseline), signals]


def layout(filters: Filters, viewer: Viewer, notices: list[str], **_: str) -> html.Div:
    baselines = {k: v for k, v in BASELINE_CHOICES.items() if viewer.sees_any_cp or k != "cp_entry"}
    return html.Div(
        [
            page_header(
                TITLE,
                "Which trusts show special-cause variation or miss their standard, metric by metric, and which are "
                "drifting now: a tabular CUSUM of one trust's metric catches small sustained shifts early.",
                [download_link("icons", filters, "Download icons.csv")],
            ),
            card(
                "Summary icons",
                [
                    dcc.Loading(html.Div(id=Ids.MATRIX), delay_show=300),
                ],
            ),
            card(
                "Sequential monitoring (CUSUM) of one trust",
                [
                    html.Fieldset(
                        [
                            html.Legend("Baseline", className="smq-filter-label"),
                            dbc.RadioItems(
                                id=Ids.BASELINE,
                                options=[{"label": v, "value": k} for k, v in baselines.items()],
                                value=filters.align if filters.align in baselines else "calendar",
                                inline=True,
                            ),
                        ],
                        className="smq-choice",
                    ),
                    chart(Ids.CUSUM, theme.graph_config("cusum")),
                    html.Div(id=Ids.CUSUM_NOTE, role="status", **{"aria-live": "polite"}),
                    html.P(
                        [
                            "The baseline's mean and σ are what later points are judged against; the sums start "
                            "after it. Change the slack and the decision interval with ",
                            html.Code("cusum_k"),
                            " and ",
                            html.Code("cusum_h"),
                            " in the address (in sigmas). ",
                            download_link("cusum", filters, "Download cusum.csv"),
                        ],
                        className="smq-muted smq-small",
                    ),
                ],
            ),
        ]
    )
