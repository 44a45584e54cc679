"""Figures of the timelines page: trusts in each regime month by month, and the Gantt.

Pure functions from role-filtered frames to figures. A frame without CP episodes draws no CP bar
and counts no CP month; with `show_cp=False` no title or legend names CP.
"""

from __future__ import annotations

import math
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
from dashboard.text_width import text_width
from dashboard.timelines import GANTT_BOTTOM_PX, GANTT_TOP_PX, gantt_height
from dashboard.words import date_words, iso_days, period_words
from data_access.frames import isin
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


def counts_chart(counts: pd.DataFrame, as_of: date, show_cp: bool) -> dict:
    """Step lines of trusts in each regime per month, each labelled at its end (colour, dash
    and label, so colour is never the only cue). A plain figure dict, for the pages' callbacks;
    `counts_figure` is the same chart as a Plotly figure."""
    if counts.empty:
        return theme.empty_figure(
            "No trust within these filters was in SMQ or the RSP"
            + (" or on the CP list." if show_cp else ".")
        ).to_plotly_json()
    data: list[dict] = []
    annotations: list[dict] = []
    for regime in ("smq", "rsp", "cp"):
        part = counts[counts["regime"] == regime]
        if part.empty or (regime == "cp" and not show_cp):
            continue
        words = COUNT_WORDS[regime]
        months = iso_days(part["month"])
        trusts = part["trusts"].astype(int).tolist()
        data.append(
            {
                "type": "scatter",
                "x": months,
                "y": trusts,
                "name": COUNT_NAMES[regime],
                "mode": "lines",
                "line": {
                    "shape": "hv",
                    "color": theme.REGIME_COLOURS[regime],
                    "dash": theme.REGIME_DASHES[regime],
                },
                "customdata": [[date_words(day)] for day in part["counted_on"]],
                "hovertemplate": f"%{{y:,d}} trusts in {words} on %{{customdata[0]}}<extra></extra>",
                "meta": {"regime": regime},
            }
        )
        annotations.append(
            {
                "x": months[-1],
                "y": trusts[-1],
                "text": f"{REGIME_SHORT[regime]}: {trusts[-1]}",
                "showarrow": False,
                "xanchor": "left",
                "xshift": 6,
                "yshift": LABEL_SHIFTS[regime],
                "font": {"color": theme.REGIME_COLOURS[regime]},
            }
        )
    shown = counts if show_cp else counts[counts["regime"] != "cp"]  # the axis must not hint at CP
    largest = shown["trusts"].max() if not shown.empty else 0
    layout = theme.base_layout(
        counts_title(show_cp),
        height=320,
        annotations=annotations,
        xaxis=theme.date_axis(title={"text": "Month"}, hoverformat="%b %Y"),
        yaxis=theme.count_axis(largest, title={"text": "Trusts (number)"}),
        hovermode="x unified",
        legend={"y": -0.22},
        margin={"r": 72},
    )
    return {"data": data, "layout": layout}


def counts_figure(counts: pd.DataFrame, as_of: date, show_cp: bool) -> go.Figure:
    """`counts_chart` as a Plotly figure (the pack and the deck read its traces)."""
    return go.Figure(counts_chart(counts, as_of, show_cp))


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
    part = episodes[isin(episodes["regime"], INTENSIVE_REGIMES)].sort_values(["trust_code", "start_date"])
    following: dict = {}
    previous = None
    gap = pd.Timedelta(days=SPELL_GAP_DAYS)
    for index, code, regime, start, end in zip(
        part.index.tolist(),
        part["trust_code"].tolist(),
        part["regime"].tolist(),
        part["start_date"],
        part["end_date"],
        strict=True,
    ):
        if (
            previous is not None
            and previous[1] == code
            and not pd.isna(previous[2])
            and start <= previous[2] + gap
        ):
            following[previous[0]] = regime
        previous = (index, code, end)
    return following


def gantt_title(show_cp: bool) -> str:
    return "SMQ, RSP and CP episodes of each trust" if show_cp else "SMQ and RSP episodes of each trust"


def _labels(values: pd.Series, labels: dict[str, str], default: str = "Unknown") -> list[str]:
    """`label` of each value, worked out once per distinct value."""
    values_list = values.tolist()
    words = {value: label(labels, value, default) for value in set(values_list) if isinstance(value, str)}
    return [
        words[value] if isinstance(value, str) else label(labels, value, default) for value in values_list
    ]


def _codes(values: pd.Series | np.ndarray) -> list[list[str]]:
    """customdata of one column: each mark's trust code, which the click handler opens."""
    return [[code] for code in values.tolist()]


def _marks(frame: pd.DataFrame, y: pd.Series, date_column: str) -> dict[str, np.ndarray]:
    """A frame's marks as plain arrays, sliced per trace below: each trust's row position, code
    and the date the mark sits at (pandas would filter and convert every column once per trace)."""
    codes = frame["trust_code"].to_numpy(dtype=object)
    rows = dict(zip(y.index.tolist(), y.tolist(), strict=True))
    return {
        "code": codes,
        "y": np.array([rows[code] for code in codes.tolist()], dtype=float),
        "x": np.array(iso_days(frame[date_column]), dtype=object),
    }


def _episode_traces(episodes: pd.DataFrame, y: pd.Series, names: dict[str, str], as_of: date) -> list[dict]:
    traces: list[dict] = []
    end_of_data = pd.Timestamp(as_of)
    continued = _continued_into(episodes)
    marks = _marks(episodes, y, "start_date")
    regimes = episodes["regime"].to_numpy(dtype=object)
    starts = pd.to_datetime(episodes["start_date"])
    ends = pd.to_datetime(episodes["end_date"])
    lengths = ((ends.fillna(end_of_data) - starts).dt.total_seconds() * 1000).to_numpy()
    hover = np.array(
        [
            f"<b>{names[code]}</b><br>{REGIME_LABELS[regime]}: {period_words(s, e, d, as_of)}"
            + ("<br><i>Ongoing: the bar stops at the as-of date</i>" if pd.isna(e) else "")
            + (
                f"<br><i>Continued in the {REGIME_SHORT[continued[i]]}: one spell, no exit</i>"
                if i in continued
                else ""
            )
            for i, code, regime, s, e, d in zip(
                episodes.index.tolist(),
                marks["code"].tolist(),
                regimes.tolist(),
                starts.tolist(),
                ends.tolist(),
                episodes["days"].tolist(),
                strict=True,
            )
        ],
        dtype=object,
    )
    for regime in ("cp", "smq", "rsp"):  # intensive support drawn last, on top
        mine = regimes == regime
        if not mine.any():
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": marks["y"][mine].tolist(),
                "base": marks["x"][mine].tolist(),
                "x": lengths[mine].tolist(),
                "width": 0.62,
                "name": f"{REGIME_LABELS[regime]} ({REGIME_SHORT[regime]})",
                "marker": {
                    "color": theme.REGIME_BAR_FILLS[regime],
                    "line": {"color": theme.REGIME_COLOURS[regime], "width": 1.2},
                    "pattern": {
                        "shape": theme.REGIME_PATTERNS[regime],
                        "fgcolor": theme.REGIME_COLOURS[regime],
                        "size": 6,
                        "solidity": 0.25,
                    },
                },
                "customdata": _codes(marks["code"][mine]),
                "hovertext": hover[mine].tolist(),
                "hovertemplate": "%{hovertext}<extra></extra>",
                "meta": {"kind": "episode", "regime": regime},
            }
        )
    ongoing = ends.isna().to_numpy()
    if ongoing.any():
        traces.append(
            {
                "type": "scatter",
                "x": [end_of_data.date().isoformat()] * int(ongoing.sum()),
                "y": marks["y"][ongoing].tolist(),
                "mode": "markers",
                "name": f"Still in the regime on {date_words(as_of)}",
                "marker": {
                    "symbol": "triangle-right",
                    "size": 10,
                    "color": theme.NHS_BLACK,
                    "line": {"color": theme.WHITE, "width": 1},
                },
                "customdata": _codes(marks["code"][ongoing]),
                "hovertext": [
                    f"<b>{names[c]}</b><br>Still in {REGIME_SHORT[r]} on {date_words(as_of)} (ongoing)"
                    for c, r in zip(marks["code"][ongoing].tolist(), regimes[ongoing].tolist(), strict=True)
                ],
                "hovertemplate": "%{hovertext}<extra></extra>",
                "meta": {"kind": "ongoing"},
            }
        )
    return traces


def _rating_traces(ratings: pd.DataFrame, y: pd.Series) -> list[dict]:
    # Marker hovers leave the trust's name to the row label (the y spike points at it): with
    # thousands of markers the names would make the figure several times larger.
    traces = []
    ratings = ratings.loc[isin(ratings["trust_code"], y.index), ["trust_code", "rating", "publication_date"]]
    marks = _marks(ratings, y, "publication_date")
    kinds = ratings["rating"].to_numpy(dtype=object)
    for rating in theme.RATING_ORDER:
        mine = kinds == rating
        if not mine.any():
            continue
        words = RATING_LABELS[rating]
        traces.append(
            {
                "type": "scatter",
                "x": marks["x"][mine].tolist(),
                "y": marks["y"][mine].tolist(),
                "mode": "markers",
                "name": f"CQC overall: {words}",
                "marker": {
                    "symbol": theme.RATING_SYMBOLS[rating],
                    "color": theme.RATING_COLOURS[rating],
                    "size": 10,
                    "line": {"color": theme.WHITE, "width": 1},
                },
                "customdata": _codes(marks["code"][mine]),
                "hovertemplate": f"CQC overall rating: {words}<br>published %{{x|%-d %b %Y}}<extra></extra>",
                "meta": {"kind": "rating", "rating": rating},
            }
        )
    return traces


def _intervention_trace(interventions: pd.DataFrame, y: pd.Series) -> list[dict]:
    part = interventions.loc[
        isin(interventions["trust_code"], y.index) & interventions["start_date"].notna().to_numpy(),
        ["trust_code", "intervention", "status", "start_date"],
    ]
    if part.empty:
        return []
    marks = _marks(part, y, "start_date")
    kinds = _labels(part["intervention"], INTERVENTION_LABELS)
    statuses = _labels(part["status"], STATUS_LABELS, "not recorded")
    return [
        {
            "type": "scatter",
            "x": marks["x"].tolist(),
            "y": (marks["y"] + 0.36).tolist(),
            "mode": "markers",
            "name": "Intervention starts",
            "marker": {"symbol": "triangle-up", "size": 7, "color": theme.NHS_DARK_GREY},
            "customdata": [list(t) for t in zip(marks["code"].tolist(), kinds, statuses, strict=True)],
            "hovertemplate": "%{customdata[1]} started %{x|%-d %b %Y}<br>Status: %{customdata[2]}<extra></extra>",
            "meta": {"kind": "intervention"},
        }
    ]


GANTT_LABEL_SIZE = 12
GANTT_LABEL_PAD_PX = 12  # from the axis to a label's end, and a little to spare


def _label_margin(labels: list[str]) -> int:
    widest = max((text_width(text, GANTT_LABEL_SIZE) for text in labels), default=0.0)
    return math.ceil(widest) + GANTT_LABEL_PAD_PX


def gantt_figure(
    rows: pd.DataFrame,
    episodes: pd.DataFrame,
    ratings: pd.DataFrame,
    interventions: pd.DataFrame,
    as_of: date,
    show_cp: bool,
) -> dict:
    """One row per trust: regime episodes as bars (ongoing ones to the as-of date, with an
    arrow), overall CQC ratings as coloured, shaped markers, intervention starts as small
    triangles under the bar. A handful of traces whatever the number of trusts.

    A plain figure dict (`go.Figure(it)` reads it): with thousands of marks, Plotly's objects
    spent most of the callback's time validating and copying what is written here once."""
    trust_rows = rows[rows["kind"] == "trust"]
    if trust_rows.empty:
        regime_words = "in SMQ or on the CP list" if show_cp else "in SMQ"
        return theme.empty_figure(f"No trust within these filters has been {regime_words}.").to_plotly_json()
    y = trust_rows.set_index("trust_code")["y"].astype(float)
    names = dict(zip(trust_rows["trust_code"].tolist(), trust_rows["trust_name"].tolist(), strict=True))
    # only the columns drawn: filtering copies every column, and the notes are long text
    episodes = episodes.loc[
        isin(episodes["trust_code"], y.index), ["trust_code", "regime", "start_date", "end_date", "days"]
    ]
    height = gantt_height(len(rows))
    data = (
        _episode_traces(episodes, y, names, as_of)
        + _rating_traces(ratings, y)
        + _intervention_trace(interventions, y)
    )
    as_of_day = pd.Timestamp(as_of).date().isoformat()
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
            "x0": as_of_day,
            "x1": as_of_day,
            "y0": 0,
            "y1": 1,
            "line": {"color": theme.NHS_MID_GREY, "dash": "dot", "width": 1},
        }
    )
    layout = theme.base_layout(
        gantt_title(show_cp),
        height=height,
        shapes=shapes,
        barmode="overlay",
        hovermode="closest",
        # The left margin fits the longest row label, worked out here: Plotly's automargin would
        # measure every name in the browser and then draw the chart a second time.
        margin={"t": GANTT_TOP_PX, "b": GANTT_BOTTOM_PX, "l": _label_margin(rows["label"].tolist()), "r": 16},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1 - 40 / height,
            "yanchor": "top",
            "x": 0,
            "font": {"size": 12},
        },
        clickmode="event",
        meta={"rows": len(trust_rows), "as_of": as_of_day},
        xaxis=theme.date_axis(
            side="top",
            title={"text": None},
            showgrid=True,
            gridcolor=theme.GRID_COLOUR,
            hoverformat="%-d %b %Y",
        ),
        yaxis={
            "automargin": False,
            "tickmode": "array",
            "tickvals": rows["y"].tolist(),
            "ticktext": rows["label"].tolist(),
            "range": [len(rows) - 0.5, -0.5],
            "showgrid": False,
            "zeroline": False,
            "ticks": "",
            "title": {"text": None},
            "fixedrange": True,
            "tickfont": {"size": GANTT_LABEL_SIZE, "color": theme.TEXT_COLOUR},
            "showspikes": True,
            "spikemode": "toaxis",
            "spikesnap": "data",
            "spikethickness": 1,
            "spikedash": "dot",
            "spikecolor": theme.NHS_MID_GREY,
        },
    )
    layout["title"].update({"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}})
    return {"data": data, "layout": layout}
