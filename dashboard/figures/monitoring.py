"""Figures of the monitoring page: the CUSUM chart of one trust's metric, and interventions on any
time-axis figure (calendar or months from an event).

Pure: results and frames in, figures out. Colours come from ``theme`` only; every mark also
differs by shape or dash and has a legend entry or a label in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.cusum import DOWN, UP, Cusum, signal_reading
from dashboard.labels import INTERVENTION_LABELS, STATUS_LABELS, UNIT_LABELS, label
from data_access.vocab import INTERVENTIONS

__all__ = ["add_interventions", "cusum_figure"]

_READING_WORDS = {"improvement": "improvement", "concern": "concern", "neither": "neither better nor worse"}
_SIGNAL_SYMBOLS = {UP: "triangle-up", DOWN: "triangle-down"}


def _number(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def cusum_figure(
    result: Cusum,
    metric: Mapping[str, Any] | pd.Series,
    *,
    title: str | None = None,
) -> go.Figure:
    """The upper and lower CUSUM against the decision interval h, signals marked, baseline shaded.

    ``metric`` needs ``name``, ``unit`` and ``higher_is_better`` (to read a signal as
    improvement or concern). A series without a baseline gets an empty figure saying why.
    """
    table = result.table
    if result.h is None or result.baseline_mean is None or result.sigma is None:
        return theme.empty_figure(result.note or "Too few points for a CUSUM.")
    colours = theme.CUSUM_COLOURS
    unit = str(metric.get("unit") or "")
    unit_words = UNIT_LABELS.get(unit, unit)
    name = metric.get("name") or metric.get("metric_id") or "Metric"
    figure = theme.base_figure(title or f"CUSUM: {name}", height=400)
    for column, words, symbol, dash, key in (
        ("cusum_up", "Upper CUSUM (above the baseline mean)", "triangle-up", "solid", "up"),
        ("cusum_down", "Lower CUSUM (below the baseline mean)", "triangle-down", "dash", "down"),
    ):
        figure.add_scatter(
            x=table["period_start"],
            y=table[column],
            mode="lines+markers",
            line={"color": colours[key], "dash": dash, "width": 2},
            marker={"color": colours[key], "symbol": symbol, "size": 6},
            name=words,
            connectgaps=False,
            hovertemplate=f"%{{x|%b %Y}}: {words.split(' (')[0].lower()} %{{y:.2f}}<extra></extra>",
            meta={"kind": key},
        )
    signalled = table[table["signal"].isin([UP, DOWN])]
    higher_is_better = metric.get("higher_is_better")
    for signal in (UP, DOWN):
        rows = signalled[signalled["signal"] == signal]
        if rows.empty:
            continue
        reading = signal_reading(signal, None if pd.isna(higher_is_better) else bool(higher_is_better))
        sums = rows["cusum_up"] if signal == UP else rows["cusum_down"]
        words = f"Signal {signal}: {_READING_WORDS.get(reading or '', '')}".rstrip(": ")
        figure.add_scatter(
            x=rows["period_start"],
            y=sums,
            mode="markers+text",
            marker={
                "color": theme.VARIATION_COLOURS.get(reading or "neither", theme.NHS_DARK_GREY),
                "symbol": _SIGNAL_SYMBOLS[signal],
                "size": 14,
                "line": {"color": theme.NHS_BLACK, "width": 1.5},
            },
            text=[reading or signal] * len(rows),
            textposition="top center",
            textfont={"color": theme.VARIATION_TEXT_COLOURS.get(reading or "neither", theme.TEXT_COLOUR)},
            name=words,
            hovertemplate=f"%{{x|%b %Y}}: {words.lower()} (sum %{{y:.2f}})<extra></extra>",
            meta={"kind": "signal", "signal": signal},
        )
    figure.add_hline(
        y=result.h,
        line={"color": colours["decision"], "dash": "dot", "width": 1.5},
        annotation_text=f"Decision interval h = {result.cusum_h:g}σ = {_number(result.h)}",
        # Under the line at the left: over the baseline, where no sums are drawn.
        annotation_position="bottom left",
        annotation_font={"color": theme.MUTED_TEXT_COLOUR, "size": 12},
    )
    periods = table.loc[result.baseline, "period_start"]
    if not periods.empty:
        figure.add_vrect(
            x0=periods.min(),
            x1=periods.max(),
            fillcolor=colours["baseline"],
            line_width=0,
            layer="below",
            annotation_text=(
                f"Baseline: {len(periods)} points, mean {_number(result.baseline_mean)}, "
                f"σ {_number(result.sigma)}"
            ),
            annotation_position="top left",
            annotation_font={"color": theme.MUTED_TEXT_COLOUR, "size": 12},
        )
    figure.update_xaxes(**theme.date_axis(title_text="Month"))
    highest = np.nanmax([result.h, *table["cusum_up"].dropna(), *table["cusum_down"].dropna()])
    figure.update_yaxes(
        title_text=f"Cumulative sum ({unit_words})" if unit_words else "Cumulative sum",
        # Room above the highest sum for the signals' labels and the baseline's note.
        range=[0, highest * 1.3 if highest > 0 else 1],
    )
    figure.update_layout(
        hovermode="closest",
        legend={"orientation": "h", "y": -0.22},
        meta={"k": result.k, "h": result.h, "cusum_k": result.cusum_k, "cusum_h": result.cusum_h},
    )
    return figure


# --- Interventions on a time axis -------------------------------------------------------------
LANE_PX = 26
STRIP_GAP_PX = 36
DEFAULT_HEIGHT_PX = 450  # Plotly's own default height
MARGINS_PX = 170  # title, x axis and legend: what a figure's height holds besides its plot


def _month_index(value: Any) -> int:
    stamp = pd.Timestamp(value)
    return stamp.year * 12 + stamp.month - 1


def _next_yaxis(figure: go.Figure) -> int:
    used = [1]
    for trace in figure.data:
        axis = getattr(trace, "yaxis", None) or "y"
        used.append(int(axis[1:] or 1))
    for key in figure.layout.to_plotly_json():
        if key.startswith("yaxis"):
            used.append(int(key[5:] or 1))
    return max(used) + 1


def add_interventions(
    figure: go.Figure,
    interventions: pd.DataFrame,
    *,
    event: date | pd.Timestamp | None = None,
) -> go.Figure:
    """Add a trust's interventions to a time-axis figure, one lane per type, above the plot.

    ``interventions``: ``trust_code, intervention, status, start_date, end_date``. On a calendar
    axis (``event`` None) they sit at their dates; on an aligned axis at their months from
    ``event`` (month of the date minus month of the event, as the aligned charts count). Each
    type is a lane with its name, its own colour and marker shape, and a legend entry: a marker
    at the start and a bar to the end (an open marker when the status is not ``delivered``).
    Rows without a start date cannot be placed and are left out. The figure is changed and
    returned; it must have a single y axis.
    """
    if interventions is None or interventions.empty:
        return figure
    dated = interventions[interventions["start_date"].notna()]
    if dated.empty:
        return figure
    order = [code for code in INTERVENTIONS if code in set(dated["intervention"])]
    order += sorted(set(dated["intervention"]) - set(order))
    lanes = len(order)
    # Each lane gets about LANE_PX of height; the figure grows by as much, so its plot keeps its size.
    height = int(figure.layout.height or DEFAULT_HEIGHT_PX) + lanes * LANE_PX
    plot_px = max(height - MARGINS_PX, 1)
    strip = min(lanes * LANE_PX / plot_px, 0.4)
    gap = STRIP_GAP_PX / plot_px
    number = _next_yaxis(figure)
    figure.update_layout(
        {
            "height": height,
            "yaxis": {"domain": [0, max(1 - strip - gap, 0.2)]},
            f"yaxis{number}": {
                "domain": [1 - strip, 1],
                "anchor": "x",
                "range": [lanes - 0.5, -0.5],
                "tickmode": "array",
                "tickvals": list(range(lanes)),
                "ticktext": [label(INTERVENTION_LABELS, code) for code in order],
                "showgrid": False,
                "zeroline": False,
                "fixedrange": True,
                "ticks": "",
                "tickfont": {"size": 11, "color": theme.MUTED_TEXT_COLOUR},
            },
        }
    )
    event_month = None if event is None or pd.isna(event) else _month_index(event)

    def position(value: Any) -> Any:
        if value is None or pd.isna(value):
            return None
        return pd.Timestamp(value) if event_month is None else _month_index(value) - event_month

    for lane, code in enumerate(order):
        rows = dated[dated["intervention"] == code].sort_values("start_date")
        colour = theme.INTERVENTION_COLOURS.get(code, theme.NHS_BLACK)
        symbol = theme.INTERVENTION_SYMBOLS.get(code, "circle")
        words = label(INTERVENTION_LABELS, code)
        xs: list[Any] = []
        symbols: list[str] = []
        hover: list[str] = []
        for row in rows.itertuples(index=False):
            start, end = position(row.start_date), position(row.end_date)
            status = label(STATUS_LABELS, row.status, "not recorded")
            when = _when(row.start_date, row.end_date)
            shape = symbol if row.status == "delivered" else f"{symbol}-open"
            xs.append(start)
            symbols.append(shape)
            hover.append(f"{words}: {status}, {when}")
            if end is not None and end != start:
                xs.append(end)
                symbols.append("line-ns")
                hover.append(f"{words}: {status}, {when}")
            xs.append(None)
            symbols.append(shape)
            hover.append("")
        figure.add_scatter(
            x=xs,
            y=[lane if x is not None else None for x in xs],
            yaxis=f"y{number}",
            mode="lines+markers",
            line={"color": colour, "width": 5},
            marker={"color": colour, "symbol": symbols, "size": 11, "line": {"color": colour, "width": 2}},
            name=words,
            legendgroup="interventions",
            legendgrouptitle={"text": "Interventions"},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            connectgaps=False,
            meta={"kind": "intervention", "intervention": code},
        )
    return figure


def _when(start: Any, end: Any) -> str:
    def words(day: Any) -> str:
        stamp = pd.Timestamp(day)
        return f"{stamp.day} {stamp:%b %Y}"

    if end is None or pd.isna(end):
        return f"from {words(start)}"
    return f"{words(start)} – {words(end)}"
