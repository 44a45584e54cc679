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
from dashboard.words import date_words, months_between, short_name
from data_access.frames import lookup
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
GANTT_TOP_PX = 120
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
    frame = pd.DataFrame({"trust_code": codes})
    frame["trust_name"] = info["trust_name"].fillna(pd.Series(codes, index=codes)).to_numpy()
    for column in ("trust_type", "evaluation_group", "current_regime"):
        frame[column] = info[column].to_numpy() if column in info.columns else None
    by_trust = episodes.groupby("trust_code")
    frame["first_entry"] = lookup(frame["trust_code"], by_trust["start_date"].min())
    for regime in ("smq", "rsp", "cp"):
        part = episodes[episodes["regime"] == regime].groupby("trust_code")
        frame[f"{regime}_episodes"] = frame["trust_code"].map(part.size()).fillna(0).astype(int)
        frame[f"{regime}_days"] = frame["trust_code"].map(part["days"].sum()).fillna(0).astype(int)
    frame["regime_days"] = frame["smq_days"] + frame["rsp_days"] + frame["cp_days"]
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
                    "label": short_name(trust.trust_name),
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
                        "label": short_name(trust.trust_name),
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
    support = episodes[episodes["regime"].isin(INTENSIVE_REGIMES)].groupby("trust_code")["start_date"].min()
    both = pd.DataFrame({"cp": cp, "smq": support}).dropna()
    both = both[both["cp"] < both["smq"]]
    return (both["smq"] - both["cp"]).dt.days.astype(float)


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
            "rsp_episodes": int(trust.rsp_episodes),
            "rsp_months": round(months_between(trust.rsp_days), 1),
            "now": label(REGIME_SHORT, trust.current_regime, "None")
            if trust.current_regime != "none"
            else "Neither",
        }
        if show_cp:
            record["cp_episodes"] = int(trust.cp_episodes)
            record["cp_months"] = round(months_between(trust.cp_days), 1)
        out.append(record)
    return out
