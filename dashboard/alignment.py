"""Align trusts on an event (entry into or exit from SMQ, the RSP or intensive support, CP entry)
instead of the calendar.

The evaluation compares trusts that entered in different years, so the x axis becomes months
from the trust's own event: month of the period minus month of the event.
"""

from __future__ import annotations

import pandas as pd

from data_access.frames import lookup

# Each alignment's event (contract §4): the first such event of the trust, a column of the trusts
# frame `queries.trusts` gives. `support_*` is the first spell of intensive support (SMQ or RSP).
EVENT_COLUMNS: dict[str, str] = {
    "smq_entry": "first_smq_entry",
    "smq_exit": "first_smq_exit",
    "rsp_entry": "first_rsp_entry",
    "rsp_exit": "first_rsp_exit",
    "cp_entry": "first_cp_entry",
    "support_entry": "first_support_entry",
    "support_exit": "first_support_exit",
}


def month_index(dates: pd.Series) -> pd.Series:
    dates = pd.to_datetime(dates)
    return dates.dt.year * 12 + dates.dt.month


def months_from_event(values: pd.DataFrame, trusts: pd.DataFrame, align: str) -> pd.Series:
    """For each row of `values` (trust_code, period_start): whole months from the trust's event.

    Blank (NA) for calendar alignment or a trust without that event, e.g. a CP entry the viewer
    may not see (the trusts frame is already role-filtered).
    """
    column = EVENT_COLUMNS.get(align)
    if column is None or values.empty:
        return pd.Series(pd.NA, index=values.index, dtype="Int64")
    events = trusts.set_index("trust_code")[column]
    event = pd.to_datetime(lookup(values["trust_code"], events))
    months = month_index(values["period_start"]) - month_index(event)
    return months.astype("Int64")
