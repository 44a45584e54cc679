"""Overview builders: headline figures, distributions and recent changes (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard import formats, theme
from dashboard.labels import GROUP_LABELS, RATING_LABELS, REGIME_SHORT, TYPE_LABELS
from data_access.groups import intensive_spells
from data_access.vocab import GROUPS, TRUST_TYPES

DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    note: str
    href: str


def headlines(
    trusts: pd.DataFrame, episodes: pd.DataFrame, as_of: date, show_cp: bool, query: str
) -> list[Headline]:
    """Where things stand on the as-of date, for the filtered trusts the viewer may see."""
    suffix = f"?{query}" if query else ""
    year_ago = pd.Timestamp(as_of - timedelta(days=365))
    now = pd.Timestamp(as_of)
    spells = intensive_spells(episodes, as_of)
    entries = spells[(spells["start_date"] > year_ago) & (spells["start_date"] <= now)]
    exits = spells[spells["end_date"].notna() & (spells["end_date"] > year_ago) & (spells["end_date"] <= now)]
    per_trust = spells.groupby("trust_code")["days"].sum()
    ever = len(per_trust)
    re_entered = int((spells.groupby("trust_code").size() > 1).sum())
    median = f"{per_trust.median() / DAYS_PER_MONTH:.0f}" if ever else "–"
    share = f"{re_entered / ever:.0%}" if ever else "–"
    in_smq = int((trusts["current_regime"] == "smq").sum())
    in_rsp = int((trusts["current_regime"] == "rsp").sum())
    items = [
        Headline(
            "smq-now",
            "Trusts in intensive support now",
            f"{in_smq + in_rsp:,}",
            f"SMQ {in_smq:,}, RSP {in_rsp:,} on {formats.display_date(as_of)}",
            "/timelines" + suffix,
        ),
    ]
    if show_cp:
        items.append(
            Headline(
                "cp-now",
                "Trusts on the CP list now",
                f"{int((trusts['current_regime'] == 'cp').sum()):,}",
                "confidential",
                "/timelines" + suffix,
            )
        )
    items += [
        Headline(
            "entries",
            "Entries into intensive support, last 12 months",
            f"{len(entries):,}",
            f"since {formats.display_date(year_ago)}",
            "/timelines" + suffix,
        ),
        Headline(
            "exits",
            "Exits from intensive support, last 12 months",
            f"{len(exits):,}",
            f"since {formats.display_date(year_ago)}",
            "/timelines" + suffix,
        ),
        Headline(
            "median-months",
            "Median months in intensive support",
            median,
            f"over {ever:,} trusts ever in SMQ or the RSP",
            "/timelines" + suffix,
        ),
        Headline(
            "re-entry",
            "Share re-entering intensive support",
            share,
            f"{re_entered:,} of {ever:,} trusts",
            "/timelines" + suffix,
        ),
    ]
    return items


def picture_title(trusts: int, types: tuple[str, ...], narrowed: bool) -> str:
    """A title that says what is shown: "National picture" only over every trust; otherwise
    "Picture for 8 acute trusts"."""
    if not narrowed:
        return "National picture"
    kind = f"{TYPE_LABELS[types[0]].lower()} trust" if len(types) == 1 else "trust"
    return f"Picture for {formats.plural(trusts, kind)}"


def distribution_figure(trusts: pd.DataFrame, by: str) -> go.Figure:
    """Trusts per evaluation group or trust type (horizontal bars, labelled with counts)."""
    if trusts.empty:
        return theme.empty_figure("No trusts match the filters.")
    if by == "group":
        codes = [g for g in GROUPS if g in set(trusts["evaluation_group"])]
        counts = trusts["evaluation_group"].value_counts()
        labels = [GROUP_LABELS[c] for c in codes]
        colours = [theme.GROUP_COLOURS[c] for c in codes]
        title = "Trusts by evaluation group"
    else:
        codes = [t for t in TRUST_TYPES if t in set(trusts["trust_type"])]
        counts = trusts["trust_type"].value_counts()
        labels = [TYPE_LABELS[c] for c in codes]
        colours = [theme.NHS_BLUE] * len(codes)
        title = "Trusts by type"
    values = [int(counts.get(c, 0)) for c in codes]
    figure = theme.base_figure(title)
    figure.add_bar(
        x=values,
        y=labels,
        orientation="h",
        marker={"color": colours},
        text=values,
        textposition="outside",
        hovertemplate="%{y}: %{x:,} trusts<extra></extra>",
        cliponaxis=False,
    )
    figure.update_layout(
        height=max(220, 46 * len(codes) + 80),
        showlegend=False,
        margin={"l": 250, "r": 40, "t": 50, "b": 40},
        xaxis=theme.count_axis(max(values, default=0), title="Trusts"),
        yaxis={"autorange": "reversed"},
    )
    return figure


RECENT_KINDS: tuple[tuple[str, str], ...] = (
    ("entry", "Latest entries"),
    ("exit", "Latest exits"),
    ("rating", "Latest overall CQC ratings"),
)
RECENT_COLUMNS = ["date", "trust_code", "trust_name", "kind", "what", "href"]


def recent_changes(
    episodes: pd.DataFrame, ratings: pd.DataFrame, trusts: pd.DataFrame, as_of: date, limit: int = 5
) -> pd.DataFrame:
    """The latest entries, exits and overall ratings up to the as-of date: at most `limit` of
    each kind, newest first. An entry or exit links to the timelines, a rating to the trust."""
    names = trusts.set_index("trust_code")["trust_name"]
    now = pd.Timestamp(as_of)
    events = []
    # Intensive support by spell: a move from SMQ into the RSP is neither an exit nor an entry.
    for spell in intensive_spells(episodes, as_of).itertuples(index=False):
        regimes = spell.regimes.split("+")
        first, last = regimes[0], regimes[-1]
        verb = "entered SMQ" if first == "smq" else "entered the RSP"
        events.append((spell.start_date, spell.trust_code, "entry", verb, "/timelines"))
        if not pd.isna(spell.end_date) and spell.end_date <= now:
            events.append(
                (spell.end_date, spell.trust_code, "exit", f"left {REGIME_SHORT[last]}", "/timelines")
            )
    for row in episodes[episodes["regime"] == "cp"].itertuples(index=False):
        if row.start_date <= now:
            events.append((row.start_date, row.trust_code, "entry", "joined the CP list", "/timelines"))
        if not pd.isna(row.end_date) and row.end_date <= now:
            events.append((row.end_date, row.trust_code, "exit", "left CP", "/timelines"))
    overall = ratings[(ratings["domain"] == "overall") & (ratings["publication_date"] <= now)]
    for row in overall.itertuples(index=False):
        words = RATING_LABELS.get(row.rating, row.rating)
        events.append(
            (row.publication_date, row.trust_code, "rating", f"rated {words}", "/trust/" + row.trust_code)
        )
    frame = pd.DataFrame(events, columns=["date", "trust_code", "kind", "what", "href"])
    frame["trust_name"] = frame["trust_code"].map(names)
    frame = frame.sort_values(["date", "trust_code"], ascending=[False, True])
    frame = frame.groupby("kind", sort=False).head(limit)
    return frame[RECENT_COLUMNS].reset_index(drop=True)


def segment_counts_figure(values: pd.DataFrame) -> go.Figure:
    """Trusts in each NHS Oversight Framework segment, quarter by quarter (metric `nof_segment`),
    stacked from segment 1 (least support needed) to 5 (intensive support)."""
    rows = (
        values[values["metric_id"] == "nof_segment"].dropna(subset=["value"]) if not values.empty else values
    )
    if rows.empty:
        return theme.empty_figure(
            "The data holds no NHS Oversight Framework segments (metric nof_segment) for these trusts."
        )
    frame = pd.DataFrame(
        {
            "quarter": pd.to_datetime(rows["period_start"]),
            "segment": rows["value"].round().astype(int).clip(1, 5),
        }
    )
    counts = frame.groupby(["quarter", "segment"]).size().unstack(fill_value=0).sort_index()
    # Each value is dated at the quarter's last month: name the quarter by its three months.
    quarters = [f"{(q - pd.DateOffset(months=2)):%b}–{q:%b %Y}" for q in counts.index]
    figure = theme.base_figure("Trusts by NHS Oversight Framework segment, quarter by quarter")
    for segment in sorted(counts.columns):
        figure.add_bar(
            x=quarters,
            y=counts[segment].tolist(),
            name=f"Segment {segment}",
            marker={"color": theme.SEGMENT_COLOURS[int(segment)], "line": {"color": theme.WHITE, "width": 1}},
            text=counts[segment],
            textposition="inside",
            textangle=0,
            textfont={"color": theme.SEGMENT_TEXT[int(segment)]},
            hovertemplate=f"Segment {segment}: %{{y:,d}} trusts<br>%{{x}}<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        height=320,
        xaxis={"type": "category"},
        uniformtext={"minsize": 10, "mode": "hide"},  # a count too small to label is in the hover
        yaxis=theme.count_axis(int(counts.sum(axis=1).max()), title={"text": "Trusts"}),
        legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
    )
    return figure
