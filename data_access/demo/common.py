"""The calendar of the demo dataset and the small helpers its planners share."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

import numpy as np

from data_access.vocab import RATING_RANK

# The date the data describes ("now" in every view): the end of the 2025/26 financial year,
# the fourth quarter of NOF segments.
AS_OF = dt.date(2026, 3, 31)
FIRST_MONTH = dt.date(2011, 4, 1)  # month index 0; the metric series start here
N_MONTHS = 180  # April 2011 .. March 2026
SMQ_LAUNCH = dt.date(2013, 7, 16)  # the first wave entered special measures on this day
# SMQ took no new trusts after June 2021. NHS England launched the RSP on 13 July 2021: the
# trusts then in SMQ end SMQ that day and start the RSP the next, one spell of intensive support
# (data/public/README.md, "Hand-over, July 2021").
LAST_SMQ_ENTRY = dt.date(2021, 6, 30)
SMQ_END = dt.date(2021, 7, 13)
RSP_LAUNCH = dt.date(2021, 7, 14)

RANK_RATING = {rank: rating for rating, rank in RATING_RANK.items()}
RI = "requires_improvement"


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def add_days(day: dt.date, days: float) -> dt.date:
    return day + dt.timedelta(days=int(round(days)))


def add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def month_floor(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_index(day: dt.date) -> int:
    """Months since April 2011 (the first metric month)."""
    return (day.year - FIRST_MONTH.year) * 12 + day.month - FIRST_MONTH.month


def month_position(day: dt.date) -> float:
    """Month index with the day as a fraction, so curves can start mid-month."""
    return month_index(day) + (day.day - 1) / calendar.monthrange(day.year, day.month)[1]


def month_start(index: int) -> dt.date:
    return add_months(FIRST_MONTH, index)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from `first`'s month to `last`'s month, inclusive."""
    out, month = [], month_floor(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def rand_date(rng: np.random.Generator, lo: dt.date, hi: dt.date) -> dt.date:
    """A uniformly random day in [lo, hi]."""
    return lo + dt.timedelta(days=int(rng.integers(0, max((hi - lo).days, 0) + 1)))


def uniform_days(rng: np.random.Generator, lo: float, hi: float) -> int:
    return int(round(rng.uniform(lo, hi)))


def pick(rng: np.random.Generator, options: Sequence[str], p: Sequence[float]) -> str:
    return options[int(rng.choice(len(options), p=np.asarray(p) / np.sum(p)))]
