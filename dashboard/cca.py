"""Cost-consequence helpers: consequences beside costs, never collapsed into one ratio."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_access.frames import isin, lookup

LITTLE_CHANGE = 0.02  # a change under 2 % of the baseline reads as "little change"


def metric_change(
    values: pd.DataFrame, trusts: pd.DataFrame, higher_is_better: bool, as_of: date
) -> pd.DataFrame:
    """Mean of the 12 months before first SMQ entry against the latest 12 months to as-of.

    Returns trust_code, before, latest, change, direction ("improved", "worsened",
    "little change", or "" when either window has no value).
    """
    entry = trusts.set_index("trust_code")["first_smq_entry"].dropna()
    out = pd.DataFrame({"trust_code": entry.index})
    if values.empty or entry.empty:
        return out.assign(before=np.nan, latest=np.nan, change=np.nan, direction="")
    frame = values.dropna(subset=["value"])
    frame = frame[isin(frame["trust_code"], entry.index)]
    start = lookup(frame["trust_code"], entry)
    before_mask = (frame["period_start"] < start) & (
        frame["period_start"] >= start - pd.DateOffset(months=12)
    )
    latest_from = pd.Timestamp(as_of - timedelta(days=365))
    latest_mask = (frame["period_start"] > latest_from) & (frame["period_start"] <= pd.Timestamp(as_of))
    before = frame[before_mask].groupby("trust_code")["value"].mean()
    latest = frame[latest_mask].groupby("trust_code")["value"].mean()
    out["before"] = out["trust_code"].map(before)
    out["latest"] = out["trust_code"].map(latest)
    out["change"] = out["latest"] - out["before"]
    out["direction"] = [
        direction_words(b, c, higher_is_better) for b, c in zip(out["before"], out["change"], strict=True)
    ]
    return out


def direction_words(before: float, change: float, higher_is_better: bool) -> str:
    if pd.isna(before) or pd.isna(change):
        return ""
    if abs(change) < LITTLE_CHANGE * max(abs(before), 1e-9):
        return "little change"
    better = change > 0 if higher_is_better else change < 0
    return "improved" if better else "worsened"


ARROWS = {
    "improved": "↑ improved",
    "worsened": "↓ worsened",
    "little change": "→ little change",
    "": "no data",
}


def group_summary(table: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Median and range per evaluation group for the named numeric columns."""
    rows = []
    for group, part in table.groupby("evaluation_group"):
        row = {"evaluation_group": group, "trusts": len(part)}
        for column, label in columns.items():
            values = part[column].dropna()
            row[f"{label} (median)"] = values.median() if len(values) else np.nan
            row[f"{label} (range)"] = f"{values.min():,.0f} – {values.max():,.0f}" if len(values) else ""
        rows.append(row)
    return pd.DataFrame(rows)


def classify_funding(funding: pd.DataFrame, episodes: pd.DataFrame, window_days: int = 92) -> pd.Series:
    """Label each central-funding row as SMQ entry, SMQ exit or CP funding by its date.

    Within ~3 months of an SMQ entry → "smq_entry"; of an SMQ exit → "smq_exit"; inside a CP
    episode → "cp"; otherwise "other". Only episodes the viewer may see are given.
    """
    labels = []
    window = pd.Timedelta(days=window_days)
    for row in funding.itertuples(index=False):
        mine = episodes[episodes["trust_code"] == row.trust_code]
        when = row.start_date
        smq = mine[mine["regime"] == "smq"]
        cp = mine[mine["regime"] == "cp"]
        if ((smq["start_date"] - when).abs() <= window).any():
            labels.append("smq_entry")
        elif ((smq["end_date"].dropna() - when).abs() <= window).any():
            labels.append("smq_exit")
        elif ((cp["start_date"] <= when) & (cp["end_date"].isna() | (cp["end_date"] >= when))).any():
            labels.append("cp")
        else:
            labels.append("other")
    return pd.Series(labels, index=funding.index, dtype=object)


def chosen_metric(asked: tuple[str, ...], known) -> str | None:
    """The metric the costs view sets beside the costs: the first one asked for that exists,
    else the A&E 4-hour metric when the data has one, else none."""
    known = list(known)
    return next((m for m in asked if m in known), None) or next(
        (m for m in known if m.startswith("ae_4hr")), None
    )


def with_metric_change(
    table: pd.DataFrame,
    trusts: pd.DataFrame,
    values: pd.DataFrame | None,
    metric: pd.Series | None,
    as_of: date,
) -> tuple[pd.DataFrame, str, str]:
    """The cost-consequence table with each trust's change in `metric` since SMQ entry (words and
    the number), and the scatter's y column and title: the metric change, or days in SMQ without
    a metric."""
    table = table.copy()
    table["metric_change"] = ARROWS[""]
    if metric is None or values is None:
        return table, "smq_days", "Days in SMQ"
    change = metric_change(values, trusts, bool(metric["higher_is_better"]), as_of).set_index("trust_code")
    table["metric_change"] = [
        f"{ARROWS[change.loc[c, 'direction']]} ({change.loc[c, 'before']:.1f} → {change.loc[c, 'latest']:.1f})"
        if c in change.index and change.loc[c, "direction"]
        else ARROWS[""]
        for c in table["trust_code"]
    ]
    table["metric_delta"] = table["trust_code"].map(change["change"])
    return table, "metric_delta", f"Change in {metric['name']}"


def funding_rows(interventions: pd.DataFrame, episodes: pd.DataFrame, trusts: pd.DataFrame) -> pd.DataFrame:
    """Central-funding rows with the moment each belongs to (`classify_funding`) and the trust's name."""
    funding = interventions[interventions["intervention"] == "central_funding"].copy()
    funding["moment"] = classify_funding(funding, episodes)
    funding["trust_name"] = funding["trust_code"].map(trusts.set_index("trust_code")["trust_name"])
    return funding
