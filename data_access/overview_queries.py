"""Aggregates behind the overview and the data page: coverage of the metrics, trusts with no
CQC rating, and when the data was last imported.

Built on `queries`: the set of trusts (and so any group or regime filter, with the CP mapping
already applied) comes from `queries.trusts`, so no aggregate here can reveal the CP list.
Metric values and ratings are public information; only which trusts are counted depends on the
viewer.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Integer, String, case, cast, func, select, type_coerce

from data_access import models, queries
from data_access.cache import memoized
from data_access.db import connect, get_engine
from data_access.filters import Filters
from data_access.frames import isin
from data_access.viewer import Viewer

PERIOD_STEP_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "annual": 12}
COVERAGE_COLUMNS = ["metric_id", "year", "trusts", "periods", "expected", "observed", "share"]


# --------------------------------------------------------------------------------------------
# Coverage: the share of expected trust-periods that have a value


def expected_periods(first: date, last: date, frequency: str | None) -> pd.DatetimeIndex:
    """Period starts from a metric's first period to its last, one step of its frequency apart.

    The steps start at the metric's own first period, so an annual metric counted from April
    expects one value a year starting in April; an unknown frequency counts as monthly.
    """
    step = PERIOD_STEP_MONTHS.get(frequency or "monthly", 1)
    return pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq=pd.DateOffset(months=step))


def coverage_from_counts(
    counts: pd.DataFrame, spans: pd.DataFrame, metrics: pd.DataFrame, trusts: pd.DataFrame
) -> pd.DataFrame:
    """Coverage of each metric in each calendar year (pure; see `coverage`).

    counts: metric_id, trust_code, year, observed (values that are not blank).
    spans: metric_id, first_period, last_period (over every trust in the data).
    metrics: metric_id, frequency, applies_to_types. trusts: trust_code, trust_type.

    expected = trusts the metric applies to × the metric's periods starting in that year;
    observed counts values of those trusts only, so a share never exceeds 1.
    """
    rows = []
    spans = spans.set_index("metric_id")
    for metric in metrics.itertuples(index=False):
        if metric.metric_id not in spans.index:
            continue
        types = set(metric.applies_to_types or ())
        applies = trusts if not types else trusts[isin(trusts["trust_type"], types)]
        codes = set(applies["trust_code"])
        if not codes:
            continue
        span = spans.loc[metric.metric_id]
        periods = expected_periods(span["first_period"], span["last_period"], metric.frequency)
        per_year = pd.Series(periods.year).value_counts().sort_index()
        mine = counts[(counts["metric_id"] == metric.metric_id) & isin(counts["trust_code"], codes)]
        observed = mine.groupby("year")["observed"].sum()
        for year, n_periods in per_year.items():
            expected = len(codes) * int(n_periods)
            seen = int(observed.get(year, 0))
            rows.append(
                {
                    "metric_id": metric.metric_id,
                    "year": int(year),
                    "trusts": len(codes),
                    "periods": int(n_periods),
                    "expected": expected,
                    "observed": min(seen, expected),
                    "share": min(seen, expected) / expected if expected else float("nan"),
                }
            )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _signed_day(dialect: str):
    """A value's period as the integer YYYYMMDD, negative when the value is blank."""
    v = models.MetricValue
    if dialect == "sqlite":  # dates are stored as 'YYYY-MM-DD' text
        day = cast(func.replace(type_coerce(v.period_start, String), "-", ""), Integer)
    else:
        day = cast(func.to_char(v.period_start, "YYYYMMDD"), Integer)
    return case((v.value.is_(None), -day), else_=day)


@memoized
def _value_index(version: str) -> dict[str, np.ndarray]:
    """Every metric value as compact arrays (its metric, trust, day and whether it is blank), read once per data
    version (four bytes a value). Coverage for any date window is then counted in memory:
    asking SQL again for each window meant a full scan of the values every time.

    SQL sends one row per metric and trust with its periods joined into a string, which is several
    times faster to move and parse than a row per value."""
    del version  # part of the cache key
    v = models.MetricValue
    engine = get_engine()
    days = func.aggregate_strings(cast(_signed_day(engine.dialect.name), String), ",")
    with connect() as conn:
        rows = conn.execute(
            select(v.metric_id, v.trust_code, func.count(), days).group_by(v.metric_id, v.trust_code)
        ).all()
    signed = (
        np.fromstring(",".join(r[3] for r in rows), dtype=np.int64, sep=",")
        if rows
        else np.zeros(0, np.int64)
    )
    metric_codes, metric_names = pd.factorize(pd.Series([r[0] for r in rows], dtype=object))
    trust_codes, trust_names = pd.factorize(pd.Series([r[1] for r in rows], dtype=object))
    return {  # per metric and trust: codes and how many values; per value: the signed day
        "metric": metric_codes.astype(np.int32),
        "metric_names": np.asarray(metric_names, dtype=object),
        "trust": trust_codes.astype(np.int32),
        "trust_names": np.asarray(trust_names, dtype=object),
        "lengths": np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows)),
        "signed": signed.astype(np.int32),
    }


def _day_number(day: date) -> int:
    """A date as the integer YYYYMMDD, as `_signed_day` writes it."""
    return day.year * 10000 + day.month * 100 + day.day


def value_counts_from(
    index: dict[str, np.ndarray], date_from: date | None, date_to: date | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values per metric, trust and year in a date window, and each metric's first and last period
    in it (pure; `index` as `_value_index` makes it)."""
    day = np.abs(index["signed"])
    keep = np.ones(len(day), dtype=bool)
    if date_from is not None:
        keep &= day >= _day_number(date_from)
    if date_to is not None:
        keep &= day <= _day_number(date_to)
    frame = pd.DataFrame(
        {
            "metric": np.repeat(index["metric"], index["lengths"])[keep],
            "trust": np.repeat(index["trust"], index["lengths"])[keep],
            "day": day[keep],
            "observed": index["signed"][keep] > 0,
        }
    )
    frame["year"] = frame["day"] // 10000
    counts = frame.groupby(["metric", "trust", "year"], sort=False)["observed"].sum().reset_index()
    counts["metric_id"] = index["metric_names"][counts["metric"].to_numpy()] if len(counts) else []
    counts["trust_code"] = index["trust_names"][counts["trust"].to_numpy()] if len(counts) else []
    counts = counts.astype({"year": int, "observed": int})[["metric_id", "trust_code", "year", "observed"]]
    spans = frame.groupby("metric", sort=False)["day"].agg(["min", "max"]).reset_index()
    spans["metric_id"] = index["metric_names"][spans["metric"].to_numpy()] if len(spans) else []
    for column, source in (("first_period", "min"), ("last_period", "max")):
        spans[column] = (
            pd.to_datetime(spans[source].astype(str), format="%Y%m%d")
            if len(spans)
            else pd.Series(dtype="datetime64[ns]")
        )
    return counts, spans[["metric_id", "first_period", "last_period"]]


@memoized
def _value_counts(
    date_from: date | None, date_to: date | None, version: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values per metric, trust and year, and each metric's first and last period."""
    return value_counts_from(_value_index(version), date_from, date_to)


@memoized
def _coverage(viewer: Viewer, filters: Filters, version: str, as_of_date: date) -> pd.DataFrame:
    del as_of_date  # part of the cache key: the trust set depends on it
    counts, spans = _value_counts(filters.date_from, filters.date_to, version)
    return coverage_from_counts(counts, spans, queries.metrics(), queries.trusts(viewer, filters))


def coverage(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Coverage of every metric per calendar year for the filtered trusts: metric_id, year,
    trusts (the metric applies to), periods, expected, observed, share."""
    filters = (filters or Filters()).trust_filters()
    return _coverage(viewer, filters, queries.data_version(), queries.as_of())


# --------------------------------------------------------------------------------------------
# Ratings and imports


def trusts_without_ratings_from(trusts: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Trusts with no overall CQC rating (pure), with whether they have any domain rating."""
    overall = set(ratings.loc[ratings["domain"] == "overall", "trust_code"])
    any_rating = set(ratings["trust_code"])
    frame = trusts.loc[
        ~isin(trusts["trust_code"], overall), ["trust_code", "trust_name", "trust_type", "region"]
    ].copy()
    frame["any_domain_rating"] = isin(frame["trust_code"], any_rating)
    return frame.sort_values("trust_name").reset_index(drop=True)


@memoized
def _trusts_without_ratings(viewer: Viewer, filters: Filters, version: str, as_of_date: date) -> pd.DataFrame:
    del version, as_of_date  # part of the cache key
    return trusts_without_ratings_from(queries.trusts(viewer, filters), queries.ratings(viewer, filters))


def trusts_without_ratings(viewer: Viewer, filters: Filters | None = None) -> pd.DataFrame:
    """Filtered trusts with no overall CQC rating at any time (the date filters do not apply:
    a rating outside the window is still a rating)."""
    filters = (filters or Filters()).trust_filters().with_(date_from=None, date_to=None)
    return _trusts_without_ratings(viewer, filters, queries.data_version(), queries.as_of())


def last_import() -> datetime | None:
    """When the data was last imported (None for a database never imported into)."""
    return queries.dataset_info()["imported_at"]
