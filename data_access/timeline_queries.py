"""Aggregates behind the timelines page: how many trusts were in each regime, month by month.

Built on `queries.episodes`, so the confidentiality rule is already applied: a viewer who may
not see a trust's CP status gets no CP episode of it, and so no CP count that depends on it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data_access import queries
from data_access.cache import memoized
from data_access.filters import Filters
from data_access.viewer import Viewer

REGIME_ORDER: tuple[str, ...] = ("smq", "rsp", "cp")
COUNT_COLUMNS = ["month", "regime", "trusts", "counted_on"]


def month_snapshots(first: date, last: date, as_of: date) -> pd.DataFrame:
    """The months from `first` to `last` (inclusive) and the day each is counted on.

    A month is counted on its last day; the month holding the as-of date is counted on that
    date, because nothing after it is known.
    """
    start = pd.Timestamp(first).to_period("M")
    end = pd.Timestamp(last).to_period("M")
    if end < start:
        return pd.DataFrame(
            {"month": pd.Series(dtype="datetime64[ns]"), "counted_on": pd.Series(dtype="datetime64[ns]")}
        )
    periods = pd.period_range(start, end, freq="M")
    month_end = periods.to_timestamp(how="end").normalize()
    counted_on = np.minimum(month_end.to_numpy(), np.datetime64(pd.Timestamp(as_of), "ns"))
    return pd.DataFrame(
        {"month": periods.to_timestamp(how="start"), "counted_on": pd.to_datetime(counted_on)}
    )


def monthly_regime_counts(
    episodes: pd.DataFrame, as_of: date, date_from: date | None = None, date_to: date | None = None
) -> pd.DataFrame:
    """Trusts in each regime on the counting day of every month (see `month_snapshots`).

    One row per month and regime present in `episodes` (columns month, regime, trusts,
    counted_on). The months run from the first entry (or `date_from`) to the as-of date (or
    `date_to`). A trust is in a regime on a day when an episode has started on or before it
    and has not ended by it, the rule `queries` uses for "now".
    """
    if episodes.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    starts = pd.to_datetime(episodes["start_date"])
    first = max(starts.min().date(), date_from) if date_from else starts.min().date()
    last = min(as_of, date_to) if date_to else as_of
    months = month_snapshots(first, last, as_of)
    if months.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    days = months["counted_on"].to_numpy(dtype="datetime64[ns]")
    parts = []
    found = set(episodes["regime"].unique().tolist())
    present = [r for r in REGIME_ORDER if r in found]
    for regime in present:
        part = episodes[episodes["regime"] == regime]
        start = pd.to_datetime(part["start_date"]).to_numpy(dtype="datetime64[ns]")
        end = pd.to_datetime(part["end_date"]).to_numpy(dtype="datetime64[ns]")
        end = np.where(np.isnat(end), np.datetime64("2262-01-01", "ns"), end)  # ongoing: never ended
        active = (start[:, None] <= days[None, :]) & (end[:, None] > days[None, :])
        # Episodes of one regime never overlap for a trust (the importer rejects that), but
        # count trusts rather than episodes all the same.
        trust, _ = pd.factorize(part["trust_code"])
        order = np.argsort(trust, kind="stable")
        firsts = np.flatnonzero(np.diff(trust[order], prepend=-1))  # each trust's first row
        per_trust = np.logical_or.reduceat(active[order], firsts, axis=0)
        parts.append(
            pd.DataFrame(
                {
                    "month": months["month"],
                    "regime": regime,
                    "trusts": per_trust.sum(axis=0).astype(int),
                    "counted_on": months["counted_on"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[COUNT_COLUMNS]


@memoized
def _monthly_counts(viewer: Viewer, filters: Filters, version: str, as_of_date: date) -> pd.DataFrame:
    del version  # part of the cache key
    return monthly_regime_counts(
        queries.episodes(viewer, filters), as_of_date, filters.date_from, filters.date_to
    )


def monthly_counts(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Trusts in SMQ (and in CP, where the viewer may see it) per month, within the filters."""
    filters = (filters or Filters()).trust_filters()
    return _monthly_counts(viewer, filters, queries.data_version(), queries.as_of())
