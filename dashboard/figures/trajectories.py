"""Trajectory builders: benchmarks, event alignment, small multiples and the SPC chart.

Pure functions from role-filtered frames to figures. With many trusts the chart shows bands
and medians computed here, not thousands of lines: individual lines are drawn only when few.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import effects, spc, theme
from dashboard.alignment import EVENT_COLUMNS, months_from_event
from dashboard.labels import (
    ALIGN_LABELS,
    GROUP_LABELS,
    TYPE_LABELS,
    UNIT_LABELS,
    VARIATION_LABELS,
    polarity_words,
)
from data_access.frames import isin
from data_access.vocab import GROUPS, TRUST_TYPES

MAX_LINES = 60

SAME_PERIOD_WINDOW = 12 * 100
"""Months either side of the event the same-period comparator covers: every month of the data (the
chart is not clipped to the estimate's 24 either side)."""
SAME_PERIOD_COLOUR = theme.VERMILLION


def axis_title(metric: pd.Series) -> str:
    unit = UNIT_LABELS.get(metric["unit"], metric["unit"])
    return f"{metric['name']} ({unit}; {polarity_words(bool(metric['higher_is_better']))})"


def with_x(values: pd.DataFrame, trusts: pd.DataFrame, align: str) -> pd.DataFrame:
    """Add the x position: the period (calendar) or whole months from the trust's event."""
    frame = values[["trust_code", "period_start", "value"]].copy()
    if align == "calendar":
        frame["x"] = frame["period_start"]
        return frame
    frame["x"] = months_from_event(frame, trusts, align)
    return frame.dropna(subset=["x"]).astype({"x": "int64"})


def event_counts(values: pd.DataFrame, trusts: pd.DataFrame, align: str) -> tuple[int, int]:
    """(trusts with a value, those of them placed on the axis: with the alignment's event)."""
    present = values.dropna(subset=["value"])
    return present["trust_code"].nunique(), with_x(present, trusts, align)["trust_code"].nunique()


def same_period_panel(
    values: pd.DataFrame,
    trusts: pd.DataFrame,
    everyone_values: pd.DataFrame,
    everyone: pd.DataFrame,
    align: str,
) -> effects.Panel | None:
    """The drawn trusts (``trusts`` with the event named by ``align``) paired, month by month,
    with the mean of the trusts of their own type never in a regime in the same calendar month:
    the pairing of the ``effects`` view (:func:`dashboard.effects.panel_of`, whose comparators are
    picked from ``everyone`` as its viewer may see it), over every month instead of 24 either
    side. None on the calendar axis, where every trust is already in its own calendar month."""
    if align == "calendar" or align not in EVENT_COLUMNS:
        return None
    both = pd.concat(
        [
            values[["trust_code", "period_start", "value"]],
            everyone_values[["trust_code", "period_start", "value"]],
        ],
        ignore_index=True,
    )
    return effects.panel_of(both, trusts, everyone, align, window=SAME_PERIOD_WINDOW)


def same_period_line(panel: effects.Panel, codes: set[str] | list[str]) -> tuple[pd.DataFrame, int]:
    """For the treated trusts ``codes``: per month from the event (``x``), the mean over those of
    them with a value that month of their comparators' mean in the calendar month it falls in
    (``value``), with how many treated trusts that is (``trusts``); and how many comparator
    trusts gave a value to it."""
    rows = panel.rows[isin(panel.rows["trust_code"], set(codes))]
    if rows.empty:
        return pd.DataFrame({"x": pd.Series([], dtype="int64"), "value": [], "trusts": []}), 0
    grouped = rows.groupby("months_from_event")
    line = pd.DataFrame(
        {"value": grouped["comparator_mean"].mean(), "trusts": grouped["trust_code"].nunique()}
    ).reset_index(names="x")
    line["x"] = line["x"].astype("int64")
    return line.sort_values("x"), len(panel.comparators_used(_codes(rows)))


def same_period_name(comparators: int) -> str:
    noun = "trust" if comparators == 1 else "trusts"
    return f"{comparators:,} never-in-regime {noun}, same calendar months"


def _same_period_trace(line: pd.DataFrame, comparators: int, unit: str, show_legend: bool) -> go.Scatter:
    return go.Scatter(
        x=line["x"],
        y=line["value"],
        mode="lines",
        line={"color": SAME_PERIOD_COLOUR, "width": 2, "dash": "dash"},
        name=same_period_name(comparators),
        legendgroup="same_period",
        showlegend=show_legend,
        customdata=line[["trusts"]],
        hovertemplate=(
            f"Never in a regime, same calendar months: %{{y:.1f}}{unit} "
            "(for %{customdata[0]} drawn trusts)<extra></extra>"
        ),
    )


def bands(frame: pd.DataFrame) -> pd.DataFrame:
    """Median and interquartile range per x, over trusts with a value (gaps stay gaps)."""
    present = frame.dropna(subset=["value"])
    if present.empty:
        return pd.DataFrame(columns=["x", "median", "q1", "q3", "n"])
    grouped = present.groupby("x")["value"]
    out = pd.DataFrame(
        {
            "median": grouped.median(),
            "q1": grouped.quantile(0.25),
            "q3": grouped.quantile(0.75),
            "n": grouped.size(),
        }
    )
    return out.reset_index().sort_values("x")


def _band_traces(
    summary: pd.DataFrame, colour: str, name: str, legendgroup: str, show_legend: bool, unit: str
) -> list[go.Scatter]:
    if summary.empty:
        return []
    fill = _rgba(colour, 0.18)
    return [
        go.Scatter(
            x=summary["x"],
            y=summary["q3"],
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=legendgroup,
        ),
        go.Scatter(
            x=summary["x"],
            y=summary["q1"],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=fill,
            name=f"{name}: middle half of trusts",
            legendgroup=legendgroup,
            showlegend=show_legend,
            hoverinfo="skip",
        ),
        go.Scatter(
            x=summary["x"],
            y=summary["median"],
            mode="lines",
            line={"color": colour, "width": 2.5},
            name=f"{name}: median",
            legendgroup=legendgroup,
            showlegend=show_legend,
            customdata=summary[["q1", "q3", "n"]],
            hovertemplate=f"{name} median %{{y:.1f}}{unit} (middle half %{{customdata[0]:.1f}}–%{{customdata[1]:.1f}}, %{{customdata[2]}} trusts)<extra></extra>",
        ),
    ]


def _codes(frame: pd.DataFrame) -> set[str]:
    """The trust codes in a frame, from its distinct values: a set built from the whole column
    would visit every row (hundreds of thousands) one by one."""
    return set(frame["trust_code"].unique())


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _trust_lines(frame: pd.DataFrame, names: pd.Series, unit: str) -> go.Scatter | None:
    """Every trust as one trace, separated by gaps; each point carries its trust code. SVG, not
    WebGL: at most `MAX_LINES` trusts are drawn, and the page's plotly.js bundle has no WebGL
    traces (smq_monitor/web/plotly_bundle.py)."""
    if frame.empty:
        return None
    parts = []
    for code, series in frame.sort_values(["trust_code", "x"]).groupby("trust_code", sort=False):
        parts.append(series.assign(name=names.get(code, code)))
        parts.append(pd.DataFrame({"x": [None], "value": [None], "trust_code": [code], "name": [""]}))
    lines = pd.concat(parts, ignore_index=True)
    return go.Scatter(
        x=lines["x"],
        y=lines["value"],
        mode="lines",
        line={"color": "rgba(66, 85, 99, 0.35)", "width": 1},
        name="Individual trusts (click to select)",
        customdata=lines[["trust_code", "name"]],
        hovertemplate=f"%{{customdata[1]}}: %{{y:.1f}}{unit}<extra></extra>",
        connectgaps=False,
    )


def trajectory_figure(
    values: pd.DataFrame,
    trusts: pd.DataFrame,
    national: pd.DataFrame,
    national_trusts: pd.DataFrame,
    metric: pd.Series,
    align: str,
    compare: str,
    selected: str | None,
    episodes: pd.DataFrame,
    same_period: effects.Panel | None = None,
) -> go.Figure:
    """The filtered trusts' trajectory against the national benchmark, optionally by group/type;
    on an aligned axis, with ``same_period`` given, against trusts never in a regime in the same
    calendar months (:func:`same_period_panel`)."""
    if values.dropna(subset=["value"]).empty:
        return theme.empty_figure("No values of this metric for the filtered trusts and dates.")
    unit = "%" if metric["unit"] == "percent" else ""
    frame = with_x(values, trusts, align)
    if frame.empty:
        return theme.empty_figure(f"None of the filtered trusts has the event for “{ALIGN_LABELS[align]}”.")
    national_frame = with_x(national, national_trusts, align)
    national_x = bands(national_frame)
    names = trusts.set_index("trust_code")["trust_name"]
    panels = _panels(frame, trusts, compare)
    rows = len(panels)
    national_name = (
        "All trusts of these types" if align == "calendar" else "Trusts of these types with the event"
    )
    # When the filters pick every trust of the types, the benchmark is the filtered band itself:
    # it is drawn once, under the benchmark's name, rather than twice on top of itself.
    same_as_national = rows == 1 and _codes(frame.dropna(subset=["value"])) == _codes(
        national_frame.dropna(subset=["value"])
    )
    figure = make_subplots(
        figure=theme.base_figure(),
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06 if rows > 1 else 0.02,
        subplot_titles=[title for title, _, _ in panels] if rows > 1 else None,
    )
    for index, (title, subset, colour) in enumerate(panels, start=1):
        first = index == 1
        if not same_as_national:
            for trace in _band_traces(national_x, theme.NHS_MID_GREY, national_name, "national", first, unit):
                trace.line["dash"] = "dot" if trace.mode == "lines" and trace.line.width else None
                figure.add_trace(trace, row=index, col=1)
        label = title if rows > 1 else (national_name if same_as_national else "Filtered trusts")
        for trace in _band_traces(bands(subset), colour, label, f"panel{index}", True, unit):
            figure.add_trace(trace, row=index, col=1)
        if same_period is not None:
            line, comparators = same_period_line(same_period, _codes(subset))
            if not line.empty:
                figure.add_trace(_same_period_trace(line, comparators, unit, True), row=index, col=1)
        if subset["trust_code"].nunique() <= MAX_LINES:
            lines = _trust_lines(subset, names, unit)
            if lines is not None:
                lines.showlegend = first
                lines.legendgroup = "lines"
                figure.add_trace(lines, row=index, col=1)
        if selected and (subset["trust_code"] == selected).any():
            mine = subset[subset["trust_code"] == selected].sort_values("x")
            figure.add_trace(
                go.Scatter(
                    x=mine["x"],
                    y=mine["value"],
                    mode="lines+markers",
                    line={"color": theme.NHS_DARK_BLUE, "width": 3},
                    marker={"size": 5},
                    name=str(names.get(selected, selected)),
                    legendgroup="selected",
                    showlegend=True,
                    hovertemplate=f"{names.get(selected, selected)}: %{{y:.1f}}{unit}<extra></extra>",
                ),
                row=index,
                col=1,
            )
    if selected and align == "calendar":
        _shade_regimes(figure, episodes[episodes["trust_code"] == selected])
    if align != "calendar":
        figure.add_vline(x=0, line={"color": theme.NHS_DARK_GREY, "dash": "dash"})
    figure.update_layout(
        title=f"{metric['name']}: {ALIGN_LABELS[align][0].lower() + ALIGN_LABELS[align][1:]}"
        + ("" if rows == 1 else f" ({axis_title(metric).split('(', 1)[1]}"),
        height=420 if rows == 1 else 220 * rows + 120,
        hovermode="closest",
        legend={"orientation": "h", "y": -0.26 if rows == 1 else -0.06, "yanchor": "top"},
        margin={"l": 70, "r": 20, "t": 70, "b": 60},
    )
    figure.update_yaxes(title_text=axis_title(metric) if rows == 1 else None, title_font={"size": 12})
    figure.update_xaxes(title_text="Month" if align == "calendar" else ALIGN_LABELS[align], row=rows, col=1)
    return figure


def _panels(frame: pd.DataFrame, trusts: pd.DataFrame, compare: str) -> list[tuple[str, pd.DataFrame, str]]:
    if compare not in ("group", "type"):
        return [("Filtered trusts", frame, theme.NHS_BLUE)]
    column = "evaluation_group" if compare == "group" else "trust_type"
    order = GROUPS if compare == "group" else TRUST_TYPES
    labels = GROUP_LABELS if compare == "group" else TYPE_LABELS
    lookup = trusts.set_index("trust_code")[column]
    keyed = frame.assign(_key=frame["trust_code"].map(lookup))
    panels = []
    for code in order:
        subset = keyed[keyed["_key"] == code].drop(columns="_key")
        if not subset.empty:
            colour = theme.GROUP_COLOURS.get(code, theme.NHS_BLUE) if compare == "group" else theme.NHS_BLUE
            panels.append((labels[code], subset, colour))
    return panels or [("Filtered trusts", frame, theme.NHS_BLUE)]


def _shade_regimes(figure: go.Figure, episodes: pd.DataFrame) -> None:
    for row in episodes.itertuples(index=False):
        end = row.end_date if not pd.isna(row.end_date) else None
        colour = theme.REGIME_COLOURS.get(row.regime, theme.NHS_MID_GREY)
        figure.add_vrect(
            x0=row.start_date,
            x1=end if end is not None else row.start_date + pd.Timedelta(days=row.days),
            fillcolor=_rgba(colour, 0.12),
            line_width=0,
            layer="below",
            annotation_text=row.regime.upper(),
            annotation_position="top left",
            annotation_font={"size": 11, "color": colour},
        )


def spc_chart(
    series: pd.DataFrame, metric: pd.Series, breaks: list
) -> tuple[go.Figure, spc.SpcSummary | None]:
    """Making Data Count XmR chart for one trust and metric."""
    series = series.sort_values("period_start")
    if series["value"].notna().sum() < 2:
        return theme.empty_figure(
            "Too few values for an SPC chart (at least 2 are needed; 15–20 recommended)."
        ), None
    direction = spc.direction_from_polarity(bool(metric["higher_is_better"]))
    chart = spc.xmr(series["period_start"], series["value"], improvement_direction=direction, breaks=breaks)
    summary = spc.summarise(chart, improvement_direction=direction)
    unit = "%" if metric["unit"] == "percent" else ""
    figure = theme.base_figure(f"SPC: {metric['name']}")
    lines = theme.SPC_LINE_COLOURS
    figure.add_scatter(
        x=chart["period_start"],
        y=chart["value"],
        mode="lines",
        line={"color": lines["value"], "width": 1.5},
        name="Value",
        hoverinfo="skip",
    )
    for variation, points in chart.dropna(subset=["value"]).groupby("variation"):
        figure.add_scatter(
            x=points["period_start"],
            y=points["value"],
            mode="markers",
            marker={
                "color": theme.VARIATION_COLOURS[variation],
                "size": 8 if variation != "common_cause" else 6,
                "symbol": "circle" if variation == "common_cause" else "diamond",
            },
            name=VARIATION_LABELS[variation],
            hovertemplate=f"%{{x|%b %Y}}: %{{y:.1f}}{unit} · {VARIATION_LABELS[variation]}<extra></extra>",
        )
    for column, name, key in (
        ("mean", "Mean", "mean"),
        ("upper_limit", "Upper process limit", "process_limit"),
        ("lower_limit", "Lower process limit", "process_limit"),
    ):
        figure.add_scatter(
            x=chart["period_start"],
            y=chart[column],
            mode="lines",
            name=name,
            line={"color": lines[key], "dash": theme.SPC_LINE_DASHES[key], "width": 1.5},
            line_shape="hv",
            hovertemplate=f"{name} %{{y:.1f}}{unit}<extra></extra>",
        )
    short = f"{UNIT_LABELS.get(metric['unit'], metric['unit'])} ({polarity_words(bool(metric['higher_is_better']))})"
    figure.update_layout(
        height=360,
        yaxis_title=short,
        xaxis_title="Month",
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.3},
    )
    return figure, summary


def nan_to_none(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value
