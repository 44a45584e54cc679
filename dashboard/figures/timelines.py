"""Figures and summaries of the timelines page: when each trust entered and left SMQ and CP.

Pure functions from role-filtered frames to frames and figures. The CP rule is not applied
here: a frame without CP episodes simply draws no CP bar, counts no CP month and, with
`show_cp=False`, names no CP anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.labels import (
    GROUP_LABELS,
    INTERVENTION_LABELS,
    RATING_LABELS,
    REGIME_LABELS,
    REGIME_SHORT,
    STATUS_LABELS,
    TYPE_LABELS,
    label,
    trust_link_markdown,
)
from data_access.vocab import GROUPS, TRUST_TYPES

DAYS_PER_MONTH = 30.4375
SORTS: tuple[str, ...] = ("first_entry", "time_in_regime", "group", "name")
ROW_GROUPINGS: tuple[str, ...] = ("group", "type", "none")
DEFAULT_SORT = "first_entry"
DEFAULT_ROWS = "group"
SORT_LABELS: dict[str, str] = {
    "first_entry": "First entry",
    "time_in_regime": "Time in regime",
    "group": "Evaluation group",
    "name": "Trust name",
}
ROW_LABELS: dict[str, str] = {"group": "Evaluation group", "type": "Trust type", "none": "No grouping"}
ROW_HEIGHT_PX = 20
# The chart draws at most this many trusts (in the chosen order); the table below lists them all.
# Beyond it a chart is taller than anyone reads and slow to draw (every name is measured).
GANTT_MAX_TRUSTS = 120
GANTT_TOP_PX = 120
GANTT_BOTTOM_PX = 24
NAME_LENGTH = 42
REGIME_BAR_FILLS: dict[str, str] = {"smq": "rgba(0, 94, 184, 0.30)", "cp": "rgba(138, 96, 0, 0.16)"}


# --------------------------------------------------------------------------------------------
# Words


def date_words(day) -> str:
    """14 Mar 2016: the way people write dates here (no leading zero)."""
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%b %Y}"


def months_between(days: float) -> float:
    return float(days) / DAYS_PER_MONTH


def duration_words(days: float) -> str:
    """A length of time people can read: "19 months", "3 years 2 months", "20 days"."""
    if days is None or days != days:
        return "unknown length"
    days = int(days)
    if days < 45:
        return "1 day" if days == 1 else f"{days} days"
    months = int(round(days / DAYS_PER_MONTH))
    if months < 24:
        return f"{months} months"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" {rest} month{'s' if rest != 1 else ''}" if rest else "")


def period_words(start, end, days: float, as_of: date) -> str:
    """14 Mar 2016 – 2 Oct 2017, 19 months (or "– ongoing on 31 Mar 2024")."""
    until = f"ongoing on {date_words(as_of)}" if end is None or pd.isna(end) else date_words(end)
    return f"{date_words(start)} – {until}, {duration_words(days)}"


def _short_name(name: str) -> str:
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------
# Per-trust facts, sorting and rows


def trust_timeline_table(trusts: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per trust that has an episode in `episodes`: what the Gantt rows and the
    companion table show (first entry, episodes and days per regime, still in a regime)."""
    columns = [
        "trust_code",
        "trust_name",
        "trust_type",
        "evaluation_group",
        "current_regime",
        "first_entry",
        "smq_episodes",
        "smq_days",
        "cp_episodes",
        "cp_days",
        "regime_days",
        "ongoing",
    ]
    if episodes.empty:
        return pd.DataFrame(columns=columns)
    codes = pd.Index(episodes["trust_code"].unique())
    info = trusts.set_index("trust_code").reindex(codes)
    frame = pd.DataFrame({"trust_code": codes})
    frame["trust_name"] = info["trust_name"].fillna(pd.Series(codes, index=codes)).to_numpy()
    for column in ("trust_type", "evaluation_group", "current_regime"):
        frame[column] = info[column].to_numpy() if column in info.columns else None
    by_trust = episodes.groupby("trust_code")
    frame["first_entry"] = frame["trust_code"].map(by_trust["start_date"].min())
    for regime in ("smq", "cp"):
        part = episodes[episodes["regime"] == regime].groupby("trust_code")
        frame[f"{regime}_episodes"] = frame["trust_code"].map(part.size()).fillna(0).astype(int)
        frame[f"{regime}_days"] = frame["trust_code"].map(part["days"].sum()).fillna(0).astype(int)
    frame["regime_days"] = frame["smq_days"] + frame["cp_days"]
    frame["ongoing"] = frame["trust_code"].map(by_trust["ongoing"].any()).fillna(False).astype(bool)
    return frame[columns]


def sort_trusts(table: pd.DataFrame, sort: str) -> pd.DataFrame:
    """first_entry: earliest first; time_in_regime: longest first; group: in the order of the
    evaluation groups; name: A to Z. Ties fall back to first entry, then name."""
    frame = table.assign(
        _name=table["trust_name"].str.casefold(),
        _group=table["evaluation_group"].map({g: i for i, g in enumerate(GROUPS)}).fillna(len(GROUPS)),
    )
    if sort == "time_in_regime":
        keys, ascending = ["regime_days", "first_entry", "_name"], [False, True, True]
    elif sort == "group":
        keys, ascending = ["_group", "first_entry", "_name"], [True, True, True]
    elif sort == "name":
        keys, ascending = ["_name", "trust_code"], [True, True]
    else:
        keys, ascending = ["first_entry", "_name"], [True, True]
    return (
        frame.sort_values(keys, ascending=ascending, kind="stable")
        .drop(columns=["_name", "_group"])
        .reset_index(drop=True)
    )


def _sections(rows: str) -> tuple[str | None, tuple[str, ...], dict[str, str]]:
    if rows == "group":
        return "evaluation_group", GROUPS, GROUP_LABELS
    if rows == "type":
        return "trust_type", TRUST_TYPES, TYPE_LABELS
    return None, (), {}


def gantt_rows(table: pd.DataFrame, sort: str = DEFAULT_SORT, rows: str = DEFAULT_ROWS) -> pd.DataFrame:
    """The Gantt's rows top to bottom: a heading row per section (when grouped) followed by
    its trusts in the chosen order. Columns: y (0 at the top), kind ("heading" or "trust"),
    trust_code, trust_name, section, label (the y-axis text)."""
    ordered = sort_trusts(table, sort)
    column, order, labels = _sections(rows)
    out: list[dict] = []
    if column is None:
        for trust in ordered.itertuples(index=False):
            out.append(
                {
                    "kind": "trust",
                    "trust_code": trust.trust_code,
                    "trust_name": trust.trust_name,
                    "section": "",
                    "label": _short_name(trust.trust_name),
                }
            )
    else:
        known = list(order) + sorted(set(ordered[column].dropna()) - set(order))
        sections = [(code, ordered[ordered[column] == code]) for code in known]
        unknown = ordered[ordered[column].isna()]
        if not unknown.empty:
            sections.append((None, unknown))
        for code, members in sections:
            if members.empty:
                continue
            title = label(labels, code)
            count = len(members)
            out.append(
                {
                    "kind": "heading",
                    "trust_code": None,
                    "trust_name": None,
                    "section": code or "",
                    "label": f"<b>{title} · {count} trust{'s' if count != 1 else ''}</b>",
                }
            )
            for trust in members.itertuples(index=False):
                out.append(
                    {
                        "kind": "trust",
                        "trust_code": trust.trust_code,
                        "trust_name": trust.trust_name,
                        "section": code or "",
                        "label": _short_name(trust.trust_name),
                    }
                )
    frame = pd.DataFrame(out, columns=["kind", "trust_code", "trust_name", "section", "label"])
    frame.insert(0, "y", np.arange(len(frame)))
    return frame


def first_rows(rows: pd.DataFrame, limit: int = GANTT_MAX_TRUSTS) -> pd.DataFrame:
    """The first `limit` trusts of `gantt_rows`, with the headings of their sections."""
    trust_number = (rows["kind"] == "trust").cumsum()
    keep = trust_number <= limit
    if (rows["kind"] == "trust").sum() > limit:
        # a heading right after the last kept trust would head nothing
        keep &= ~((rows["kind"] == "heading") & (trust_number == limit))
    out = rows[keep].reset_index(drop=True)
    out["y"] = np.arange(len(out))
    return out


def table_height(row_count: int, visible_rows: int = 12) -> int:
    """The companion table shows up to a dozen rows before it scrolls."""
    return 60 + max(min(row_count, visible_rows), 2) * 32


def gantt_height(row_count: int) -> int:
    """The chart grows with its rows so that names stay readable; the card scrolls."""
    return GANTT_TOP_PX + GANTT_BOTTOM_PX + max(row_count, 3) * ROW_HEIGHT_PX


# --------------------------------------------------------------------------------------------
# Summary figures


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    note: str


def _median_months(days: pd.Series) -> float | None:
    return None if days.empty else months_between(float(days.median()))


def timeline_kpis(episodes: pd.DataFrame, as_of: date, show_cp: bool) -> list[Kpi]:
    """The headline figures for the filtered set, each with a note that says how it is counted.

    Time in SMQ is per trust: all its SMQ episodes added up, ongoing ones to the as-of date.
    Time from CP to SMQ is first CP entry to first SMQ entry, for trusts whose first CP entry
    came first (shown only to viewers who may see CP at all).
    """
    smq = episodes[episodes["regime"] == "smq"]
    per_trust = smq.groupby("trust_code")["days"].sum()
    episodes_per_trust = smq.groupby("trust_code").size()
    median = _median_months(per_trust)
    longest = None if per_trust.empty else months_between(float(per_trust.max()))
    longest_trust = None if per_trust.empty else per_trust.idxmax()
    ongoing = int(smq["end_date"].isna().sum())
    exits = int(smq["end_date"].notna().sum())
    exit_trusts = smq.loc[smq["end_date"].notna(), "trust_code"].nunique()
    re_entries = int((episodes_per_trust > 1).sum())
    kpis = [
        Kpi(
            "ever_smq",
            "Trusts ever in SMQ",
            f"{len(per_trust):,}",
            f"{ongoing} still in SMQ on {date_words(as_of)}",
        ),
        Kpi(
            "median_smq",
            "Median time in SMQ",
            "–" if median is None else f"{median:.0f} months",
            "per trust, all SMQ episodes added up" if median is not None else "no trust in SMQ",
        ),
        Kpi(
            "longest_smq",
            "Longest time in SMQ",
            "–" if longest is None else f"{longest:.0f} months",
            f"trust {longest_trust}, {int(per_trust.max()):,} days"
            if longest is not None
            else "no trust in SMQ",
        ),
        Kpi("re_entries", "Re-entered SMQ", f"{re_entries:,}", "trusts with more than one SMQ episode"),
        Kpi("exits", "SMQ exits", f"{exits:,}", f"by {exit_trusts} trust{'s' if exit_trusts != 1 else ''}"),
    ]
    if show_cp:
        gaps = cp_to_smq_days(episodes)
        median_gap = _median_months(gaps)
        kpis.append(
            Kpi(
                "cp_to_smq",
                "Median time from CP to SMQ",
                "–" if median_gap is None else f"{median_gap:.0f} months",
                f"first CP entry to first SMQ entry, {len(gaps)} trust{'s' if len(gaps) != 1 else ''}",
            )
        )
    return kpis


def cp_to_smq_days(episodes: pd.DataFrame) -> pd.Series:
    """Days from first CP entry to first SMQ entry, per trust whose CP entry came first."""
    first = episodes.groupby(["trust_code", "regime"])["start_date"].min().unstack()
    if "cp" not in first.columns or "smq" not in first.columns:
        return pd.Series(dtype=float)
    both = first.dropna(subset=["cp", "smq"])
    both = both[both["cp"] < both["smq"]]
    return (both["smq"] - both["cp"]).dt.days.astype(float)


# --------------------------------------------------------------------------------------------
# Trusts in each regime, month by month


COUNT_LINE_DASHES: dict[str, str] = {"smq": "solid", "cp": "dash"}
COUNT_NAMES: dict[str, str] = {"smq": "In SMQ", "cp": "On the CP list"}


def counts_title(show_cp: bool) -> str:
    return "Trusts in SMQ and on the CP list, month by month" if show_cp else "Trusts in SMQ, month by month"


def counts_figure(counts: pd.DataFrame, as_of: date, show_cp: bool) -> go.Figure:
    """Step lines of trusts in each regime per month, each labelled at its end (colour, dash
    and label, so colour is never the only cue)."""
    if counts.empty:
        return theme.empty_figure(
            "No trust within these filters was in SMQ" + (" or on the CP list." if show_cp else ".")
        )
    fig = theme.base_figure(counts_title(show_cp), height=320)
    for regime in ("smq", "cp"):
        part = counts[counts["regime"] == regime]
        if part.empty or (regime == "cp" and not show_cp):
            continue
        words = REGIME_LABELS[regime] if regime == "smq" else "the Challenged Providers list"
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["trusts"],
                name=COUNT_NAMES[regime],
                mode="lines",
                line={
                    "shape": "hv",
                    "color": theme.REGIME_COLOURS[regime],
                    "dash": COUNT_LINE_DASHES[regime],
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
            yshift=8 if regime == "smq" else -8,
            font={"color": theme.REGIME_COLOURS[regime]},
        )
    fig.update_xaxes(**theme.date_axis(title={"text": "Month"}, hoverformat="%b %Y"))
    fig.update_yaxes(title={"text": "Trusts (number)"}, rangemode="tozero", tickformat=",d")
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


def gantt_title(show_cp: bool) -> str:
    return "SMQ and CP episodes of each trust" if show_cp else "SMQ episodes of each trust"


def _episode_traces(
    episodes: pd.DataFrame, y: pd.Series, names: pd.Series, as_of: date
) -> list[go.BaseTraceType]:
    traces: list[go.BaseTraceType] = []
    end_of_data = pd.Timestamp(as_of)
    for regime in ("cp", "smq"):  # SMQ drawn last, on top
        part = episodes[episodes["regime"] == regime]
        if part.empty:
            continue
        ends = part["end_date"].fillna(end_of_data)
        hover = [
            f"<b>{names[code]}</b><br>{REGIME_LABELS[regime]}: {period_words(s, e, d, as_of)}"
            + ("<br><i>Ongoing: the bar stops at the as-of date</i>" if pd.isna(e) else "")
            for code, s, e, d in zip(
                part["trust_code"], part["start_date"], part["end_date"], part["days"], strict=True
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
                    "color": REGIME_BAR_FILLS[regime],
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

    for heading in rows[rows["kind"] == "heading"].itertuples(index=False):
        fig.add_shape(
            type="rect",
            xref="paper",
            x0=0,
            x1=1,
            y0=heading.y - 0.5,
            y1=heading.y + 0.5,
            fillcolor=theme.NHS_PALE_GREY,
            line={"width": 0},
            layer="below",
        )
    fig.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=pd.Timestamp(as_of),
        x1=pd.Timestamp(as_of),
        y0=0,
        y1=1,
        line={"color": theme.NHS_MID_GREY, "dash": "dot", "width": 1},
    )
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
            hoverformat="%d %b %Y",
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


# --------------------------------------------------------------------------------------------
# Companion table (links to every trust page)


def timeline_table_rows(table: pd.DataFrame, rows: pd.DataFrame, show_cp: bool) -> list[dict]:
    """Rows of the companion table, in the Gantt's order, with the trust name as a link."""
    order = rows.loc[rows["kind"] == "trust", "trust_code"].tolist()
    frame = table.set_index("trust_code").reindex(order).reset_index()
    out = []
    for trust in frame.itertuples(index=False):
        record = {
            "trust": trust_link_markdown(trust.trust_code, trust.trust_name),
            "trust_code": trust.trust_code,
            "trust_name": trust.trust_name,
            "evaluation_group": label(GROUP_LABELS, trust.evaluation_group),
            "trust_type": label(TYPE_LABELS, trust.trust_type),
            "first_entry": pd.Timestamp(trust.first_entry).date().isoformat(),
            "smq_episodes": int(trust.smq_episodes),
            "smq_months": round(months_between(trust.smq_days), 1),
            "now": label(REGIME_SHORT, trust.current_regime, "None")
            if trust.current_regime != "none"
            else "Neither",
        }
        if show_cp:
            record["cp_episodes"] = int(trust.cp_episodes)
            record["cp_months"] = round(months_between(trust.cp_days), 1)
        out.append(record)
    return out
