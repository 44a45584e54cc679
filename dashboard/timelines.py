"""The timelines page's tables and headline figures: per-trust facts, sorting and rows, KPIs.

Pure functions of role-filtered frames. The CP rule is not applied here: a frame without CP
episodes simply counts no CP, and with `show_cp=False` nothing names CP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.labels import GROUP_LABELS, REGIME_SHORT, TYPE_LABELS, label, trust_link_markdown
from dashboard.words import date_words, iso_days, months_between, short_name
from data_access.frames import isin
from data_access.groups import intensive_spells
from data_access.vocab import GROUPS, INTENSIVE_REGIMES, TRUST_TYPES

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
# The title, a legend of up to three rows and the dates: room enough on a laptop's screen that
# the x-axis's automargin does not have to grow it (and draw the chart a second time).
GANTT_TOP_PX = 140
GANTT_BOTTOM_PX = 24


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
        "rsp_episodes",
        "rsp_days",
        "cp_episodes",
        "cp_days",
        "regime_days",
        "ongoing",
    ]
    if episodes.empty:
        return pd.DataFrame(columns=columns)
    codes = pd.Index(episodes["trust_code"].unique())
    info = trusts.set_index("trust_code").reindex(codes)
    out: dict[str, object] = {
        "trust_code": codes.to_numpy(),
        "trust_name": info["trust_name"].fillna(pd.Series(codes, index=codes)).to_numpy(),
    }
    for column in ("trust_type", "evaluation_group", "current_regime"):
        out[column] = info[column].to_numpy() if column in info.columns else None
    by_trust = episodes.groupby("trust_code")
    out["first_entry"] = by_trust["start_date"].min().reindex(codes).to_numpy()
    # episodes and days per trust and regime in one pass, a column per regime
    per_regime = (
        episodes.groupby(["trust_code", "regime"])["days"]
        .agg(["size", "sum"])
        .unstack("regime")
        .reindex(codes)
    )
    total = np.zeros(len(codes), dtype=int)
    for regime in ("smq", "rsp", "cp"):
        for what, measure in (("episodes", "size"), ("days", "sum")):
            found = per_regime.get((measure, regime))
            values = np.zeros(len(codes), dtype=int) if found is None else found.fillna(0).to_numpy(dtype=int)
            out[f"{regime}_{what}"] = values
            if what == "days":
                total = total + values
    out["regime_days"] = total
    out["ongoing"] = by_trust["ongoing"].any().reindex(codes).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame(out, columns=columns)


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
    columns = ["kind", "trust_code", "trust_name", "section", "label"]
    trusts = pd.DataFrame(
        {
            "kind": "trust",
            "trust_code": ordered["trust_code"].to_numpy(dtype=object),
            "trust_name": ordered["trust_name"].to_numpy(dtype=object),
            "section": "",
            "label": [short_name(name) for name in ordered["trust_name"].tolist()],
        },
        columns=columns,
    )
    if column is None:
        frame = trusts
    else:
        sections = ordered[column].astype(object).where(ordered[column].notna(), None).tolist()
        known = list(order) + sorted({code for code in sections if code is not None} - set(order))
        rank = {code: i for i, code in enumerate(known)}
        trusts["section"] = [code or "" for code in sections]
        # sections in their order (one without a value last), each trust keeping its place
        trusts["_rank"] = [rank.get(code, len(known)) for code in sections]
        trusts["_order"] = np.arange(len(trusts))
        headings = []
        for section_rank, count in trusts["_rank"].value_counts().sort_index().items():
            code = known[section_rank] if section_rank < len(known) else None
            title = label(labels, code)
            headings.append(
                {
                    "kind": "heading",
                    "trust_code": None,
                    "trust_name": None,
                    "section": code or "",
                    "label": f"<b>{title} · {count} trust{'s' if count != 1 else ''}</b>",
                    "_rank": section_rank,
                    "_order": -1,
                }
            )
        frame = (
            pd.concat([pd.DataFrame(headings, columns=trusts.columns), trusts], ignore_index=True)
            .sort_values(["_rank", "_order"], kind="stable")
            .drop(columns=["_rank", "_order"])
            .reset_index(drop=True)
        )
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

    Time in intensive support is per trust: all its spells of SMQ and RSP added up, ongoing ones
    to the as-of date. Time from CP to SMQ is first CP entry to first entry into intensive
    support, for trusts whose first CP entry came first (shown only to viewers who may see CP).
    """
    spells = intensive_spells(episodes, as_of)
    per_trust = spells.groupby("trust_code")["days"].sum()
    spells_per_trust = spells.groupby("trust_code").size()
    median = _median_months(per_trust)
    longest = None if per_trust.empty else months_between(float(per_trust.max()))
    longest_trust = None if per_trust.empty else per_trust.idxmax()
    ongoing = int(spells["end_date"].isna().sum())
    exits = int(spells["end_date"].notna().sum())
    exit_trusts = spells.loc[spells["end_date"].notna(), "trust_code"].nunique()
    re_entries = int((spells_per_trust > 1).sum())
    kpis = [
        Kpi(
            "ever_smq",
            "Trusts ever in intensive support",
            f"{len(per_trust):,}",
            f"{ongoing} still in SMQ or the RSP on {date_words(as_of)}",
        ),
        Kpi(
            "median_smq",
            "Median time in intensive support",
            "–" if median is None else f"{median:.0f} months",
            "per trust, all its spells added up" if median is not None else "no trust in SMQ or the RSP",
        ),
        Kpi(
            "longest_smq",
            "Longest time in intensive support",
            "–" if longest is None else f"{longest:.0f} months",
            f"trust {longest_trust}, {int(per_trust.max()):,} days"
            if longest is not None
            else "no trust in SMQ or the RSP",
        ),
        Kpi(
            "re_entries", "Re-entered intensive support", f"{re_entries:,}", "trusts with more than one spell"
        ),
        Kpi(
            "exits",
            "Exits from intensive support",
            f"{exits:,}",
            f"by {exit_trusts} trust{'s' if exit_trusts != 1 else ''}; a move from SMQ into the RSP is no exit",
        ),
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
    """Days from first CP entry to first entry into intensive support (SMQ or RSP), per trust
    whose CP entry came first."""
    cp = episodes[episodes["regime"] == "cp"].groupby("trust_code")["start_date"].min()
    support = episodes[isin(episodes["regime"], INTENSIVE_REGIMES)].groupby("trust_code")["start_date"].min()
    both = pd.DataFrame({"cp": cp, "smq": support}).dropna()
    both = both[both["cp"] < both["smq"]]
    return (both["smq"] - both["cp"]).dt.days.astype(float)


# --------------------------------------------------------------------------------------------
# Companion table (links to every trust page)


def timeline_table_rows(table: pd.DataFrame, rows: pd.DataFrame, show_cp: bool) -> list[dict]:
    """Rows of the companion table, in the Gantt's order, with the trust name as a link."""
    order = rows.loc[rows["kind"] == "trust", "trust_code"].tolist()
    frame = table.set_index("trust_code").reindex(order).reset_index()
    codes, names = frame["trust_code"].tolist(), frame["trust_name"].tolist()
    columns = {
        "trust": [trust_link_markdown(c, n) for c, n in zip(codes, names, strict=True)],
        "trust_code": codes,
        "trust_name": names,
        "evaluation_group": [label(GROUP_LABELS, g) for g in frame["evaluation_group"].tolist()],
        "trust_type": [label(TYPE_LABELS, t) for t in frame["trust_type"].tolist()],
        "first_entry": iso_days(frame["first_entry"]),
        "smq_episodes": frame["smq_episodes"].astype(int).tolist(),
        "smq_months": _months(frame["smq_days"]),
        "rsp_episodes": frame["rsp_episodes"].astype(int).tolist(),
        "rsp_months": _months(frame["rsp_days"]),
        "now": [
            label(REGIME_SHORT, regime, "None") if regime != "none" else "Neither"
            for regime in frame["current_regime"].tolist()
        ],
    }
    if show_cp:
        columns["cp_episodes"] = frame["cp_episodes"].astype(int).tolist()
        columns["cp_months"] = _months(frame["cp_days"])
    keys = list(columns)
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _months(days: pd.Series) -> list[float]:
    return [round(months_between(d), 1) for d in days.tolist()]
