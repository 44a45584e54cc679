"""Words for dates and lengths of time, the way people write them here (no leading zeros)."""

from __future__ import annotations

import functools
from datetime import date

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375
NAME_LENGTH = 42

# --------------------------------------------------------------------------------------------
# Words


@functools.lru_cache(maxsize=8192)
def _day_words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def date_words(day) -> str:
    """14 Mar 2016: the way people write dates here (no leading zero)."""
    stamp = pd.Timestamp(day)
    if stamp is pd.NaT:
        raise ValueError(f"no date to write: {day!r}")
    # a page writes the same few thousand days (month ends, episode dates) request after request
    return _day_words(stamp.date())


def iso_days(values) -> list[str | None]:
    """Dates as ISO days ("2016-03-14", None where missing), the whole column at once: how the
    charts and tables send dates, rather than one value at a time in the JSON encoder."""
    days = pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]")
    return [None if text == "NaT" else text for text in np.datetime_as_string(days).tolist()]


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


def short_name(name: str) -> str:
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1].rstrip() + "…"
