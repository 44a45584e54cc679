"""The data behind each view, as tables: the page shows them and /download sends them.

One builder per downloadable view (contract §4), each a pure function of role-filtered frames,
so a page and its CSV cannot disagree.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.alignment import EVENT_COLUMNS, months_from_event
from data_access.frames import isin, lookup
from data_access.groups import intensive_spells
from data_access.vocab import COST_CATEGORIES, INTERVENTIONS, PAYERS, RATING_RANK

UPTAKE_ORDER = ("delivered", "not_delivered", "no_data")


def trusts_view(trusts: pd.DataFrame) -> pd.DataFrame:
    columns = [
        "trust_code",
        "trust_name",
        "trust_type",
        "region",
        "evaluation_group",
        "current_regime",
        "setting",
        "teaching",
        "first_smq_entry",
        "first_smq_exit",
        "first_cp_entry",
    ]
    return trusts[columns].copy()


def episodes_view(episodes: pd.DataFrame, trusts: pd.DataFrame) -> pd.DataFrame:
    names = trusts.set_index("trust_code")["trust_name"]
    frame = episodes.copy()
    frame["trust_name"] = frame["trust_code"].map(names)
    frame["ongoing"] = frame["end_date"].isna()
    columns = [
        "trust_code",
        "trust_name",
        "regime",
        "start_date",
        "end_date",
        "days",
        "ongoing",
        "source",
        "notes",
    ]
    return frame[columns].sort_values(["trust_code", "start_date", "regime"]).reset_index(drop=True)


def ratings_view(ratings: pd.DataFrame) -> pd.DataFrame:
    return ratings[["trust_code", "publication_date", "domain", "rating"]].copy()


def trajectories_view(
    values: pd.DataFrame,
    trusts: pd.DataFrame,
    metrics: pd.DataFrame,
    align: str,
    spc_trust: str | None = None,
    spc_break: str | None = None,
) -> pd.DataFrame:
    """Rows per trust, metric and period with months_from_event; SPC columns for one trust."""
    frame = values[["trust_code", "metric_id", "period_start", "value", "numerator", "denominator"]].copy()
    frame["months_from_event"] = months_from_event(frame, trusts, align)
    frame["evaluation_group"] = frame["trust_code"].map(trusts.set_index("trust_code")["evaluation_group"])
    if spc_trust is not None:
        frame = add_spc_columns(frame, trusts, metrics, spc_break)
    return frame.sort_values(["trust_code", "metric_id", "period_start"]).reset_index(drop=True)


def add_spc_columns(
    frame: pd.DataFrame, trusts: pd.DataFrame, metrics: pd.DataFrame, spc_break: str | None
) -> pd.DataFrame:
    from dashboard import spc

    polarity = metrics.set_index("metric_id")["higher_is_better"]
    events = trusts.set_index("trust_code")
    parts = []
    for (trust_code, metric_id), series in frame.groupby(["trust_code", "metric_id"], sort=False):
        breaks = []
        column = EVENT_COLUMNS.get(spc_break or "")
        if column and trust_code in events.index and not pd.isna(events.loc[trust_code, column]):
            breaks = [pd.Timestamp(events.loc[trust_code, column]).date()]
        direction = spc.direction_from_polarity(polarity.get(metric_id))
        chart = spc.xmr(
            series["period_start"], series["value"], improvement_direction=direction, breaks=breaks
        )
        chart = chart.set_index("period_start")
        part = series.copy()
        for column_name in ("mean", "lower_limit", "upper_limit", "variation"):
            part[column_name] = part["period_start"].map(chart[column_name]).to_numpy()
        parts.append(part)
    if not parts:
        return frame.assign(mean=np.nan, lower_limit=np.nan, upper_limit=np.nan, variation=None)
    return pd.concat(parts)


def regime_trusts(trusts: pd.DataFrame) -> pd.DataFrame:
    """Trusts that have been in a regime the viewer can see (the evaluation's population)."""
    return trusts[trusts["ever_support"] | trusts["ever_cp"]]


def _combine_status(statuses: pd.Series) -> str:
    present = set(statuses)
    for status in UPTAKE_ORDER:
        if status in present:
            return status
    return ""


def uptake_view(trusts: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    """Trust × intervention: delivered, not_delivered, no_data, or blank when nothing recorded.

    Several rows of one type (e.g. central funding at entry and at exit) count as delivered if
    any was delivered.
    """
    population = regime_trusts(trusts)
    extra = trusts[isin(trusts["trust_code"], interventions["trust_code"])]
    population = pd.concat([population, extra]).drop_duplicates("trust_code")
    frame = population[["trust_code", "trust_name", "trust_type", "evaluation_group"]].copy()
    if interventions.empty:
        status = pd.DataFrame(index=frame["trust_code"])
    else:
        status = (
            interventions.groupby(["trust_code", "intervention"])["status"].agg(_combine_status).unstack()
        )
    for intervention in INTERVENTIONS:
        column = status[intervention] if intervention in status.columns else pd.Series(dtype=object)
        shown = lookup(frame["trust_code"], column.astype(object)).astype(object)
        frame[intervention] = shown.where(shown.notna(), "")
    return frame.sort_values("trust_code").reset_index(drop=True)


def latest_overall(ratings: pd.DataFrame, before: pd.Series | None = None) -> pd.Series:
    overall = ratings[ratings["domain"] == "overall"].sort_values("publication_date")
    if before is None:
        return overall.groupby("trust_code")["rating"].last()
    if overall.empty or before.dropna().empty:
        return pd.Series(dtype=object)
    limit = pd.to_datetime(lookup(overall["trust_code"], before.dropna()))
    overall = overall[overall["publication_date"] <= limit]
    return overall.groupby("trust_code")["rating"].last()


def costs_view(
    trusts: pd.DataFrame, episodes: pd.DataFrame, costs: pd.DataFrame, ratings: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """The cost-consequence table: costs by category and payer beside the consequences.

    rating_at_smq_entry is the last overall rating published on or before the first entry into
    intensive support; smq_days, exited_smq and re_entered_smq count spells of SMQ and RSP.
    """
    population = regime_trusts(trusts)
    extra = trusts[isin(trusts["trust_code"], costs["trust_code"])]
    population = pd.concat([population, extra]).drop_duplicates("trust_code")
    frame = (
        population[["trust_code", "trust_name", "trust_type", "evaluation_group"]]
        .copy()
        .reset_index(drop=True)
    )
    codes = frame["trust_code"]
    amount = costs.assign(amount_gbp=costs["amount_gbp"].fillna(0.0))
    by_category = amount.pivot_table(
        index="trust_code", columns="category", values="amount_gbp", aggfunc="sum"
    )
    for category in COST_CATEGORIES:
        column = by_category[category] if category in by_category.columns else pd.Series(dtype=float)
        frame[f"cost_{category}_gbp"] = lookup(codes, column).fillna(0.0).to_numpy()
    frame["total_cost_gbp"] = frame[[f"cost_{c}_gbp" for c in COST_CATEGORIES]].sum(axis=1)
    by_payer = amount.pivot_table(index="trust_code", columns="payer", values="amount_gbp", aggfunc="sum")
    for payer in PAYERS:
        column = by_payer[payer] if payer in by_payer.columns else pd.Series(dtype=float)
        frame[f"cost_payer_{payer}_gbp"] = lookup(codes, column).fillna(0.0).to_numpy()

    # "SMQ" in these columns is intensive support: spells of SMQ and RSP episodes (contract §3).
    spells = intensive_spells(episodes, as_of)
    frame["smq_days"] = (
        lookup(codes, spells.groupby("trust_code")["days"].sum()).fillna(0).astype(int).to_numpy()
    )
    last = spells.sort_values("spell").groupby("trust_code").last()
    frame["exited_smq"] = lookup(codes, last["end_date"].notna()).fillna(False).astype(bool).to_numpy()
    frame["re_entered_smq"] = lookup(codes, spells.groupby("trust_code").size()).fillna(0).gt(1).to_numpy()
    regime_days = episodes.groupby("trust_code")["days"].sum()
    # As floats whatever the lookups give (an empty table of days or costs gives objects).
    months = pd.to_numeric(lookup(codes, regime_days), errors="coerce").astype(float).fillna(0.0) / 30.4375
    frame["months_in_regime"] = months.round(1).to_numpy()
    total = pd.to_numeric(frame["total_cost_gbp"], errors="coerce").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_month = np.where(months > 0, total / months.replace(0, np.nan), np.nan).astype(float)
    frame["cost_per_month_in_regime_gbp"] = np.round(per_month, 0)
    first_entry = trusts.set_index("trust_code")["first_support_entry"]
    frame["rating_at_smq_entry"] = lookup(codes, latest_overall(ratings, first_entry)).fillna("").to_numpy()
    frame["latest_rating"] = lookup(codes, latest_overall(ratings)).fillna("").to_numpy()
    entry_rank = frame["rating_at_smq_entry"].map(RATING_RANK)
    latest_rank = frame["latest_rating"].map(RATING_RANK)
    change = np.sign(latest_rank - entry_rank)
    frame["rating_change"] = change.map({1.0: "better", 0.0: "same", -1.0: "worse"}).fillna("").to_numpy()
    return frame.sort_values("trust_code").reset_index(drop=True)
