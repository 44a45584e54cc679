"""Figures of the timelines page: trusts in each regime month by month, and the Gantt.

Pure functions from role-filtered frames to figures. A frame without CP episodes draws no CP bar
and counts no CP month; with `show_cp=False` no title or legend names CP.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.labels import (
    INTERVENTION_LABELS,
    RATING_LABELS,
    REGIME_LABELS,
    REGIME_SHORT,
    STATUS_LABELS,
    label,
)
from dashboard.timelines import GANTT_BOTTOM_PX, GANTT_TOP_PX, gantt_height
from dashboard.words import date_words, period_words
from data_access.vocab import INTENSIVE_REGIMES, SPELL_GAP_DAYS

# --------------------------------------------------------------------------------------------
# Trusts in each regime, month by month


COUNT_NAMES: dict[str, str] = {"smq": "In SMQ", "rsp": "In the RSP", "cp": "On the CP list"}
COUNT_WORDS: dict[str, str] = {
    "smq": REGIME_LABELS["smq"],
    "rsp": "the Recovery Support Programme",
    "cp": "the Challenged Providers list",
}
LABEL_SHIFTS: dict[str, int] = {"smq": 10, "rsp": -2, "cp": -14}


def counts_title(show_cp: bool) -> str:
    return (
        "Trusts in SMQ, the RSP and on the CP list, month by month"
        if show_cp
        else "Trusts in SMQ and the RSP, month by month"
    )


def counts_figure(counts: pd.DataFrame, as_of: date, show_cp: bool) -> go.Figure:
    """Step lines of trusts in each regime per month, each labelled at its end (colour, dash
    and label, so colour is never the only cue)."""
    if counts.empty:
        return theme.empty_figure(
            "No trust within these filters was in SMQ or the RSP"
            + (" or on the CP list." if show_cp else ".")
        )
    fig = theme.base_figure(counts_title(show_cp), height=320)
    for regime in ("smq", "rsp", "cp"):
        part = counts[counts["regime"] == regime]
        if part.empty or (regime == "cp" and not show_cp):
            continue
        words = COUNT_WORDS[regime]
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["trusts"],
                name=COUNT_NAMES[regime],
                mode="lines",
                line={
                    "shape": "hv",
                    "color": theme.REGIME_COLOURS[regime],
                    "dash": theme.REGIME_DASHES[regime],
                },
                customdata=np.column_stack([part["counted_on"].map(date_words)]),
                hovertemplate=f"%{{y:,d}} trusts in {words} on %{{customdata[0]}}<extra></extra>",
                meta={"regime": regime},
            )
        )
        last = part.iloc[-1]
        fig.add_annotation(
            x=last["month"],
            y=last["trusts"],
            text=f"{REGIME_SHORT[regime]}: {int(last['trusts'])}",
            showarrow=False,
            xanchor="left",
            xshift=6,
            yshift=LABEL_SHIFTS[regime],
            font={"color": theme.REGIME_COLOURS[regime]},
        )
    fig.update_xaxes(**theme.date_axis(title={"text": "Month"}, hoverformat="%b %Y"))
    shown = counts if show_cp else counts[counts["regime"] != "cp"]  # the axis must not hint at CP
    largest = shown["trusts"].max() if not shown.empty else 0
    fig.update_yaxes(**theme.count_axis(largest, title={"text": "Trusts (number)"}))
    fig.update_layout(hovermode="x unified", legend={"y": -0.22}, margin={"r": 72})
    return fig


def counts_note(as_of: date, show_cp: bool, partial_cp: bool) -> str:
    note = (
        f"Each month is counted on its last day; the last month on the data's as-of date, "
        f"{date_words(as_of)}."
    )
    if show_cp and partial_cp:
        note += " CP counts include only the trusts whose CP status you may see."
    return note


# --------------------------------------------------------------------------------------------
# The Gantt


def _continued_into(episodes: pd.DataFrame) -> dict:
    """Episodes of intensive support that another one continues in the same spell (index → the
    regime that follows), so the hand-over from SMQ to the RSP reads as one spell, not an exit."""
    part = episodes[episodes["regime"].isin(INTENSIVE_REGIMES)].sort_values(["trust_code", "start_date"])
    following: dict = {}
    previous = None
    for index, row in zip(part.index, part.itertuples(index=False), strict=True):
        if (
            previous is not None
            and previous[1] == row.trust_code
            and not pd.isna(previous[2])
            and row.start_date <= previous[2] + pd.Timedelta(days=SPELL_GAP_DAYS)
        ):
            following[previous[0]] = row.regime
        previous = (index, row.trust_code, row.end_date)
    return following


def gantt_title(show_cp: bool) -> str:
    return "SMQ, RSP and CP episodes of each trust" if show_cp else "SMQ and RSP episodes of each trust"


def _episode_traces(
    episodes: pd.DataFrame, y: pd.Series, names: pd.Series, as_of: date
) -> list[go.BaseTraceType]:
    traces: list[go.BaseTraceType] = []
    end_of_data = pd.Timestamp(as_of)
    continued = _continued_into(episodes)
    for regime in ("cp", "smq", "rsp"):  # intensive support drawn last, on top
        part = episodes[episodes["regime"] == regime]
        if part.empty:
            continue
        ends = part["end_date"].fillna(end_of_data)
        hover = [
            f"<b>{names[code]}</b><br>{REGIME_LABELS[regime]}: {period_words(s, e, d, as_of)}"
            + ("<br><i>Ongoing: the bar stops at the as-of date</i>" if pd.isna(e) else "")
            + (
                f"<br><i>Continued in the {REGIME_SHORT[continued[i]]}: one spell, no exit</i>"
                if i in continued
                else ""
            )
            for i, code, s, e, d in zip(
                part.index,
                part["trust_code"],
                part["start_date"],
                part["end_date"],
                part["days"],
                strict=True,
            )
        ]
        traces.append(
            go.Bar(
                orientation="h",
                y=part["trust_code"].map(y),
                base=part["start_date"],
                x=(ends - part["start_date"]).dt.total_seconds() * 1000,
                width=0.62,
                name=f"{REGIME_LABELS[regime]} ({REGIME_SHORT[regime]})",
                marker={
                    "color": theme.REGIME_BAR_FILLS[regime],
                    "line": {"color": theme.REGIME_COLOURS[regime], "width": 1.2},
                    "pattern": {
                        "shape": theme.REGIME_PATTERNS[regime],
                        "fgcolor": theme.REGIME_COLOURS[regime],
                        "size": 6,
                        "solidity": 0.25,
                    },
                },
                customdata=np.column_stack([part["trust_code"]]),
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                meta={"kind": "episode", "regime": regime},
            )
        )
    ongoing = episodes[episodes["end_date"].isna()]
    if not ongoing.empty:
        traces.append(
            go.Scatter(
                x=[end_of_data] * len(ongoing),
                y=ongoing["trust_code"].map(y),
                mode="markers",
                name=f"Still in the regime on {date_words(as_of)}",
                marker={
                    "symbol": "triangle-right",
                    "size": 10,
                    "color": theme.NHS_BLACK,
                    "line": {"color": theme.WHITE, "width": 1},
                },
                customdata=np.column_stack([ongoing["trust_code"]]),
                hovertext=[
                    f"<b>{names[c]}</b><br>Still in {REGIME_SHORT[r]} on {date_words(as_of)} (ongoing)"
                    for c, r in zip(ongoing["trust_code"], ongoing["regime"], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                meta={"kind": "ongoing"},
            )
        )
    return traces


def _rating_traces(ratings: pd.DataFrame, y: pd.Series) -> list[go.Scatter]:
    # Marker hovers leave the trust's name to the row label (the y spike points at it): with
    # thousands of markers the names would make the figure several times larger.
    traces = []
    ratings = ratings[ratings["trust_code"].isin(y.index)]
    for rating in theme.RATING_ORDER:
        part = ratings[ratings["rating"] == rating]
        if part.empty:
            continue
        words = RATING_LABELS[rating]
        traces.append(
            go.Scatter(
                x=part["publication_date"],
                y=part["trust_code"].map(y),
                mode="markers",
                name=f"CQC overall: {words}",
                marker={
                    "symbol": theme.RATING_SYMBOLS[rating],
                    "color": theme.RATING_COLOURS[rating],
                    "size": 10,
                    "line": {"color": theme.WHITE, "width": 1},
                },
                customdata=np.column_stack([part["trust_code"]]),
                hovertemplate=f"CQC overall rating: {words}<br>published %{{x|%-d %b %Y}}<extra></extra>",
                meta={"kind": "rating", "rating": rating},
            )
        )
    return traces


def _intervention_trace(interventions: pd.DataFrame, y: pd.Series) -> list[go.Scatter]:
    part = interventions[interventions["trust_code"].isin(y.index) & interventions["start_date"].notna()]
    if part.empty:
        return []
    kinds = [label(INTERVENTION_LABELS, i) for i in part["intervention"]]
    statuses = [label(STATUS_LABELS, st, "not recorded") for st in part["status"]]
    return [
        go.Scatter(
            x=part["start_date"],
            y=part["trust_code"].map(y) + 0.36,
            mode="markers",
            name="Intervention starts",
            marker={"symbol": "triangle-up", "size": 7, "color": theme.NHS_DARK_GREY},
            customdata=np.column_stack([part["trust_code"], kinds, statuses]),
            hovertemplate="%{customdata[1]} started %{x|%-d %b %Y}<br>Status: %{customdata[2]}<extra></extra>",
            meta={"kind": "intervention"},
        )
    ]


def gantt_figure(
    rows: pd.DataFrame,
    episodes: pd.DataFrame,
    ratings: pd.DataFrame,
    interventions: pd.DataFrame,
    as_of: date,
    show_cp: bool,
) -> go.Figure:
    """One row per trust: regime episodes as bars (ongoing ones to the as-of date, with an
    arrow), overall CQC ratings as coloured, shaped markers, intervention starts as small
    triangles under the bar. A handful of traces whatever the number of trusts."""
    trust_rows = rows[rows["kind"] == "trust"]
    if trust_rows.empty:
        regime_words = "in SMQ or on the CP list" if show_cp else "in SMQ"
        return theme.empty_figure(f"No trust within these filters has been {regime_words}.")
    y = trust_rows.set_index("trust_code")["y"].astype(float)
    names = trust_rows.set_index("trust_code")["trust_name"]
    episodes = episodes[episodes["trust_code"].isin(y.index)]
    height = gantt_height(len(rows))
    fig = theme.base_figure(gantt_title(show_cp), height=height)
    for trace in _episode_traces(episodes, y, names, as_of):
        fig.add_trace(trace)
    for trace in _rating_traces(ratings, y) + _intervention_trace(interventions, y):
        fig.add_trace(trace)

    # One list of shapes set at once: add_shape re-validates every shape already there each time.
    shapes = [
        {
            "type": "rect",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": heading_y - 0.5,
            "y1": heading_y + 0.5,
            "fillcolor": theme.NHS_PALE_GREY,
            "line": {"width": 0},
            "layer": "below",
        }
        for heading_y in rows.loc[rows["kind"] == "heading", "y"].tolist()
    ]
    shapes.append(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": pd.Timestamp(as_of),
            "x1": pd.Timestamp(as_of),
            "y0": 0,
            "y1": 1,
            "line": {"color": theme.NHS_MID_GREY, "dash": "dot", "width": 1},
        }
    )
    fig.update_layout(shapes=shapes)
    fig.update_layout(
        barmode="overlay",
        hovermode="closest",
        margin={"t": GANTT_TOP_PX, "b": GANTT_BOTTOM_PX, "l": 8, "r": 16},
        title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1 - 40 / height,
            "yanchor": "top",
            "x": 0,
            "font": {"size": 12},
        },
        clickmode="event",
        meta={"rows": len(trust_rows), "as_of": pd.Timestamp(as_of).date().isoformat()},
    )
    fig.update_xaxes(
        **theme.date_axis(
            side="top",
            title={"text": None},
            showgrid=True,
            gridcolor=theme.GRID_COLOUR,
            hoverformat="%-d %b %Y",
        )
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=rows["y"].tolist(),
        ticktext=rows["label"].tolist(),
        range=[len(rows) - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
        ticks="",
        title={"text": None},
        fixedrange=True,
        tickfont={"size": 12, "color": theme.TEXT_COLOUR},
        showspikes=True,
        spikemode="toaxis",
        spikesnap="data",
        spikethickness=1,
        spikedash="dot",
        spikecolor=theme.NHS_MID_GREY,
    )
    return fig
