"""Figures of the impact page: the event-study chart of a comparative interrupted time series.

Pure: an :class:`dashboard.effects.EventStudy` in, a figure out. Colours come from
``theme.EFFECT_COLOURS``; each element also differs by shape or dash and is named in the legend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.effects import EventStudy
from dashboard.labels import GROUP_LABELS, UNIT_LABELS, label

__all__ = ["event_study_figure"]


def _unit_suffix(metric: Mapping[str, Any]) -> str:
    return "%" if metric.get("unit") == "percent" else ""


def _y_title(metric: Mapping[str, Any]) -> str:
    unit = str(metric.get("unit") or "")
    words = "percentage points" if unit == "percent" else UNIT_LABELS.get(unit, unit)
    return f"Difference ({words})" if words else "Difference"


def event_study_figure(
    study: EventStudy,
    metric: Mapping[str, Any] | pd.Series,
    *,
    event_label: str,
    title: str | None = None,
) -> go.Figure:
    """Mean difference from comparators by month from the event, its 95% band, the fitted lines.

    ``event_label`` names the event on the axis ("SMQ entry": "Months from SMQ entry"). The
    sentence of the estimate is the subtitle; a group with no differences gets an empty figure
    that says why.
    """
    points = study.points
    if points.empty:
        message = study.estimate.get("note") or "No differences from comparators to show."
        return theme.empty_figure(str(message))
    colours = theme.EFFECT_COLOURS
    group = "All filtered trusts" if study.group == "all" else label(GROUP_LABELS, study.group)
    name = metric.get("name") or metric.get("metric_id")
    figure = theme.base_figure(None, height=420)
    figure.update_layout(
        title={
            "text": title or f"{name}: difference from comparators ({group})",
            "subtitle": {"text": study.sentence},
        }
    )
    band = points.dropna(subset=["low", "high"])
    if not band.empty:
        figure.add_scatter(
            x=band["months_from_event"],
            y=band["high"],
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup="band",
        )
        figure.add_scatter(
            x=band["months_from_event"],
            y=band["low"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=colours["band"],
            name="95% band between trusts",
            legendgroup="band",
            hoverinfo="skip",
            meta={"kind": "band"},
        )
    suffix = _unit_suffix(metric)
    figure.add_scatter(
        x=points["months_from_event"],
        y=points["mean_difference"],
        mode="markers",
        marker={"color": colours["points"], "symbol": "circle", "size": 7},
        name="Mean difference (treated − comparators)",
        customdata=points[["low", "high", "trusts"]].to_numpy(),
        hovertemplate=(
            f"Month %{{x}}: %{{y:.2f}}{suffix}<br>95% band %{{customdata[0]:.2f}} to %{{customdata[1]:.2f}}"
            "<br>%{customdata[2]} trusts<extra></extra>"
        ),
        meta={"kind": "points"},
    )
    for segment, words, dash in (("pre", "Fitted before", "solid"), ("post", "Fitted after", "dash")):
        line = study.fitted[study.fitted["segment"] == segment]
        if line.empty:
            continue
        figure.add_scatter(
            x=line["months_from_event"],
            y=line["fitted"],
            mode="lines",
            line={"color": colours[segment], "dash": dash, "width": 2.5},
            name=f"{words} {event_label}",
            hovertemplate=f"{words}: %{{y:.2f}}{suffix}<extra></extra>",
            meta={"kind": f"fitted_{segment}"},
        )
    figure.add_vline(
        x=0,
        line={"color": colours["event"], "dash": "dot", "width": 1.5},
        annotation_text=event_label[0].upper() + event_label[1:],
        annotation_position="top right",
        annotation_font={"color": theme.MUTED_TEXT_COLOUR, "size": 12},
    )
    figure.update_xaxes(title_text=f"Months from {event_label}", zeroline=False, dtick=6)
    figure.update_yaxes(title_text=_y_title(metric), zeroline=True)
    figure.update_layout(
        hovermode="closest", legend={"orientation": "h", "y": -0.2}, meta={"group": study.group}
    )
    return figure
