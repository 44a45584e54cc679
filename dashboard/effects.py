"""Comparative interrupted time series around a regime event: the ``effects`` view (contract §4).

Pure functions: role-filtered frames in, frames out. Who counts as a comparator is decided by the
caller from data the viewer may see (trusts of the same type never in any regime); this module
uses only the comparators it is given, and matches each treated trust to those of its own type.

Method
------
* **Treated trusts** are those with an event date in ``events`` (the filtered trusts that have
  the event named by ``align``) and a row in ``trusts`` (which gives their type and group).
  A trust that is both treated and in ``comparators`` is only treated: nobody is compared with
  themselves.
* **Months from the event**: ``m`` = month of the period minus month of the event, as in the
  ``trajectories`` view; the event's own month is ``m = 0``, the first month *after*.
  Only ``-WINDOW_MONTHS <= m <= WINDOW_MONTHS`` is used.
* **Difference**: for a treated trust and month, its value minus the mean of the values of the
  comparators *of its own trust type* in the same calendar month. A month where the treated
  trust has no value, or no comparator of its type has one, is dropped (never filled in): the
  difference is only ever taken between values that exist. Two values of one trust in one
  calendar month (which the import format does not produce) are averaged first.
* **Regression**: one pooled ordinary least squares fit, for the trusts of a group together,
  of ``difference ~ 1 + m + post + m x post`` with ``post = (m >= 0)``. ``level_change`` is the
  coefficient of ``post`` (the jump at the event between the line after and the line before,
  extended), ``slope_change`` that of ``m x post`` (change in the monthly trend).
* **Confidence limits** (95%): statsmodels' cluster-robust covariance with the trusts as
  clusters (``cov_type="cluster"``, CRV1, with its default small-sample factor
  ``G/(G-1) x (N-1)/(N-K)``), and Student's t quantiles with ``G - 1`` degrees of freedom
  (``use_t=True``; statsmodels' cluster ``df_correction`` sets the inference degrees of freedom
  to the number of clusters minus one). With the few clusters a group has (often under 20),
  normal quantiles would give intervals that are too narrow; t with ``G - 1`` is the usual
  remedy (Cameron & Miller 2015, "A practitioner's guide to cluster-robust inference").

Too little data
---------------
A treated trust enters an estimate only when it has at least ``MIN_COMPARATORS`` comparator
trusts of its type with a value in one of its months, and at least ``MIN_POINTS_EACH_SIDE``
monthly differences before the event and as many from it on (fewer cannot show a trend on that
side; without both sides a trust would move the level of the pooled line only through who it
is). The reason given is its own months when it has too few values of its own, else its
comparators. A group is estimated only when at least ``MIN_TREATED_TRUSTS`` trusts enter: cluster-robust
errors from one or two clusters are no errors at all. Below that the row keeps its counts,
leaves the six estimates blank and says why in ``note``; ``note`` also says which treated trusts
were left out of an estimated row, and why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from dashboard.alignment import EVENT_COLUMNS
from data_access.frames import isin
from data_access.vocab import GROUPS

__all__ = [
    "ALL_GROUP",
    "COLUMNS",
    "CONFIDENCE",
    "MIN_COMPARATORS",
    "MIN_POINTS_EACH_SIDE",
    "MIN_TREATED_TRUSTS",
    "WINDOW_MONTHS",
    "EventStudy",
    "Panel",
    "DEFAULT_ALIGN",
    "comparator_codes",
    "describe_effect",
    "estimate_align",
    "panel_of",
    "effects",
    "effects_table",
    "event_study",
    "prepare",
]

WINDOW_MONTHS: Final[int] = 24
"""Months either side of the event (contract §4)."""

MIN_TREATED_TRUSTS: Final[int] = 3
"""Treated trusts (clusters) a group needs before it is estimated."""

MIN_COMPARATORS: Final[int] = 3
"""Comparator trusts of its own type a treated trust needs, so no one comparator is the answer."""

MIN_POINTS_EACH_SIDE: Final[int] = 3
"""Monthly differences a treated trust needs before the event, and again from it on."""

CONFIDENCE: Final[float] = 0.95

DEFAULT_ALIGN: Final = "support_entry"
"""The event estimates are made around when ``align`` names none (``calendar``)."""

ALL_GROUP: Final = "all"
"""The ``group`` of the row for every filtered treated trust together."""

COLUMNS: Final[tuple[str, ...]] = (
    "metric_id",
    "group",
    "trusts",
    "comparators",
    "level_change",
    "level_change_low",
    "level_change_high",
    "slope_change",
    "slope_change_low",
    "slope_change_high",
    "note",
)
_ESTIMATES: Final = COLUMNS[4:10]

_ROW_COLUMNS: Final = (
    "trust_code",
    "trust_type",
    "evaluation_group",
    "period_start",
    "months_from_event",
    "post",
    "value",
    "comparator_mean",
    "comparator_values",
    "difference",
    "included",
)
_TREATED_COLUMNS: Final = (
    "trust_code",
    "trust_type",
    "evaluation_group",
    "event_date",
    "points_before",
    "points_after",
    "comparators",
    "reason",
)

NO_COMPARATORS: Final = f"fewer than {MIN_COMPARATORS} comparator trusts of its type with data"
TOO_FEW_POINTS: Final = f"fewer than {MIN_POINTS_EACH_SIDE} months with data before or after the event"


@dataclass(frozen=True)
class Panel:
    """The differences an estimate is made from, and what happened to each treated trust.

    ``rows``: one row per treated trust and month in the window with a difference (columns
    ``trust_code, trust_type, evaluation_group, period_start, months_from_event, post, value,
    comparator_mean, comparator_values, difference, included``).
    ``treated``: one row per treated trust (``trust_code, trust_type, evaluation_group,
    event_date, points_before, points_after, comparators, reason``); ``reason`` is blank when the
    trust enters estimates, else why it does not.
    ``comparator_values``: ``comparator, trust_type, month, value`` of the comparators given.
    """

    rows: pd.DataFrame
    treated: pd.DataFrame
    comparator_values: pd.DataFrame
    window: int = WINDOW_MONTHS

    def comparators_used(self, trust_codes: set[str] | list[str]) -> set[str]:
        """The comparators that gave a value to at least one difference of these treated trusts."""
        mine = self.rows[isin(self.rows["trust_code"], set(trust_codes))]
        months = pd.DataFrame(
            {"trust_type": mine["trust_type"].to_numpy(), "month": _month_index(mine["period_start"])}
        ).drop_duplicates()
        return set(self.comparator_values.merge(months, on=["trust_type", "month"])["comparator"])


@dataclass(frozen=True)
class EventStudy:
    """What the event-study chart draws for one group.

    ``points``: ``months_from_event, mean_difference, low, high, trusts`` (the mean over trusts
    of their difference at that month, its 95% band from the spread between trusts, t with
    ``trusts - 1`` degrees of freedom, blank with one trust). ``fitted``:
    ``months_from_event, fitted, segment`` (``pre`` or ``post``) from the regression, empty when
    the group is not estimated. ``estimate``: the group's row of :func:`effects_table`.
    """

    group: str
    points: pd.DataFrame
    fitted: pd.DataFrame
    estimate: dict[str, Any]
    sentence: str


def _month_index(dates: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(dates)
    return (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy(dtype=np.int64)


def _clean_values(values: pd.DataFrame) -> pd.DataFrame:
    """(trust_code, month, value) with missing and non-finite values gone, one row per month."""
    frame = pd.DataFrame(
        {
            "trust_code": values["trust_code"].astype(str).to_numpy(),
            "period_start": pd.to_datetime(values["period_start"]).to_numpy(),
            "value": pd.to_numeric(values["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan),
        }
    )
    frame = frame[np.isfinite(frame["value"].to_numpy())]
    frame = frame.assign(month=_month_index(frame["period_start"]))
    return frame.groupby(["trust_code", "month"], as_index=False, sort=True).agg(
        period_start=("period_start", "min"), value=("value", "mean")
    )


def _comparators_per_trust(rows: pd.DataFrame, comparator_values: pd.DataFrame) -> pd.Series:
    """How many comparators gave a value to at least one of each treated trust's differences.

    A matrix product per trust type (trusts x months times months x comparators), since pairing
    every treated month with every comparator value would be millions of rows for a large set.
    """
    counts = []
    for trust_type, mine in rows.groupby("trust_type"):
        theirs = comparator_values[comparator_values["trust_type"] == trust_type]
        months = pd.Index(np.union1d(mine["month"].unique(), theirs["month"].unique()))
        trusts, trust_names = pd.factorize(mine["trust_code"])
        comparators, _ = pd.factorize(theirs["comparator"])
        used = np.zeros((len(trust_names), len(months)), dtype=np.int32)
        used[trusts, months.get_indexer(mine["month"])] = 1
        present = np.zeros(
            (int(comparators.max()) + 1 if comparators.size else 0, len(months)), dtype=np.int32
        )
        present[comparators, months.get_indexer(theirs["month"])] = 1
        counts.append(pd.Series(((used @ present.T) > 0).sum(axis=1), index=trust_names))
    return pd.concat(counts) if counts else pd.Series(dtype="int64")


def _dates(events: pd.Series | Mapping[str, Any]) -> pd.Series:
    """Trust code to event date, as Timestamps; blank and unreadable dates are no event."""
    series = pd.Series(events)
    dates = pd.to_datetime(series.astype(object) if series.empty else series, errors="coerce").dropna()
    return dates.astype("datetime64[ns]")


def prepare(
    values: pd.DataFrame,
    trusts: pd.DataFrame,
    events: pd.Series,
    comparators: pd.Series | list[str] | set[str] | tuple[str, ...],
    *,
    window: int = WINDOW_MONTHS,
) -> Panel:
    """Pair each treated trust's months with its comparators' mean, and apply the data rules.

    ``values``: ``trust_code, period_start, value`` of one metric, for treated and comparator
    trusts. ``trusts``: ``trust_code, trust_type, evaluation_group`` for both (a trust absent
    from it cannot be typed, so it is neither treated nor a comparator). ``events``: trust code
    to event date; blank dates are no event. ``comparators``: the comparator trusts' codes.
    """
    if window < 1:
        raise ValueError("window must be at least 1 month")
    known = trusts.drop_duplicates("trust_code").set_index("trust_code")[["trust_type", "evaluation_group"]]
    known.index = known.index.astype(str)
    event_dates = _dates(events)
    event_dates.index = event_dates.index.astype(str)
    event_dates = event_dates[~event_dates.index.duplicated(keep="first")]
    event_dates = event_dates[event_dates.index.isin(known.index)]
    treated_codes = set(event_dates.index)
    comparator_codes = {str(c) for c in comparators} & set(known.index) - treated_codes

    clean = _clean_values(values)
    comparator_values = clean[isin(clean["trust_code"], comparator_codes)].rename(
        columns={"trust_code": "comparator"}
    )
    comparator_values = comparator_values.assign(
        trust_type=comparator_values["comparator"].map(known["trust_type"])
    )
    monthly = comparator_values.groupby(["trust_type", "month"], as_index=False).agg(
        comparator_mean=("value", "mean"), comparator_values=("value", "size")
    )

    mine = clean[isin(clean["trust_code"], treated_codes)]
    event_month = pd.Series(_month_index(pd.Series(event_dates.to_numpy())), index=event_dates.index)
    mine = mine.assign(
        trust_type=mine["trust_code"].map(known["trust_type"]),
        evaluation_group=mine["trust_code"].map(known["evaluation_group"]),
        months_from_event=mine["month"].to_numpy() - mine["trust_code"].map(event_month).to_numpy(),
    )
    mine = mine[mine["months_from_event"].abs() <= window]
    own_before = mine[mine["months_from_event"] < 0].groupby("trust_code").size()
    own_after = mine[mine["months_from_event"] >= 0].groupby("trust_code").size()
    rows = mine.merge(monthly, on=["trust_type", "month"], how="inner")
    rows = rows.assign(
        post=rows["months_from_event"] >= 0,
        difference=rows["value"] - rows["comparator_mean"],
    ).sort_values(["trust_code", "months_from_event"], kind="stable")

    codes = pd.Index(sorted(treated_codes), dtype="str")

    def count(frame: pd.DataFrame) -> np.ndarray:
        return frame.groupby("trust_code").size().reindex(codes, fill_value=0).to_numpy(dtype=np.int64)

    treated = pd.DataFrame(
        {
            "trust_code": codes,
            "trust_type": known["trust_type"].reindex(codes).to_numpy(),
            "evaluation_group": known["evaluation_group"].reindex(codes).to_numpy(),
            "event_date": event_dates.reindex(codes).to_numpy(dtype="datetime64[ns]"),
            "points_before": count(rows[~rows["post"]]),
            "points_after": count(rows[rows["post"]]),
            "comparators": _comparators_per_trust(rows, comparator_values)
            .reindex(codes, fill_value=0)
            .to_numpy(),
        }
    )
    # A trust short of its own values is said to be so, before its comparators are judged.
    own_short = (own_before.reindex(codes, fill_value=0).to_numpy() < MIN_POINTS_EACH_SIDE) | (
        own_after.reindex(codes, fill_value=0).to_numpy() < MIN_POINTS_EACH_SIDE
    )
    short = (treated["points_before"] < MIN_POINTS_EACH_SIDE) | (
        treated["points_after"] < MIN_POINTS_EACH_SIDE
    )
    reason = np.where(
        own_short,
        TOO_FEW_POINTS,
        np.where(
            treated["comparators"] < MIN_COMPARATORS, NO_COMPARATORS, np.where(short, TOO_FEW_POINTS, "")
        ),
    )
    treated = treated.assign(reason=pd.Series(reason, index=treated.index).replace("", None))
    included = set(treated.loc[treated["reason"].isna(), "trust_code"])
    rows = rows.assign(included=isin(rows["trust_code"], included))
    return Panel(
        rows=rows[list(_ROW_COLUMNS)].reset_index(drop=True),
        treated=treated[list(_TREATED_COLUMNS)],
        comparator_values=comparator_values[["comparator", "trust_type", "month", "value"]].reset_index(
            drop=True
        ),
        window=window,
    )


def estimate_align(align: str | None) -> str:
    """The event an estimate is made around: ``align``, or ``support_entry`` for calendar time."""
    return align if align in EVENT_COLUMNS else DEFAULT_ALIGN


def comparator_codes(trusts: pd.DataFrame) -> list[str]:
    """Trusts never in any regime, as ``trusts`` shows them to its viewer (``ever_support``,
    ``ever_cp`` as role-filtered by ``data_access``): for the public a trust only ever on the
    CP list is one, so no comparator set depends on CP status."""
    ever = trusts["ever_support"].fillna(False).astype(bool) | trusts["ever_cp"].fillna(False).astype(bool)
    return trusts.loc[~ever.to_numpy(), "trust_code"].astype(str).tolist()


def panel_of(
    values: pd.DataFrame,
    filtered: pd.DataFrame,
    everyone: pd.DataFrame,
    align: str | None,
    *,
    window: int = WINDOW_MONTHS,
) -> Panel:
    """:func:`prepare` for the filtered trusts that have the event named by ``align`` (default
    ``support_entry``), against comparators drawn from ``everyone`` (every trust the viewer may
    see, whatever the filters). Both frames are ``queries.trusts`` frames; ``values`` holds one
    metric's values of treated and comparator trusts."""
    column = EVENT_COLUMNS[estimate_align(align)]
    events = filtered.set_index("trust_code")[column].dropna()
    known = pd.concat([filtered, everyone], ignore_index=True).drop_duplicates("trust_code")
    return prepare(
        values,
        known[["trust_code", "trust_type", "evaluation_group"]],
        events,
        comparator_codes(everyone),
        window=window,
    )


def _groups(panel: Panel) -> list[str]:
    """Evaluation groups of the treated trusts in the contract's order (others after), then ``all``."""
    present = set(panel.treated["evaluation_group"].dropna())
    ordered = [g for g in GROUPS if g in present] + sorted(present - set(GROUPS))
    return [*ordered, ALL_GROUP]


def _members(panel: Panel, group: str) -> pd.DataFrame:
    if group == ALL_GROUP:
        return panel.treated
    return panel.treated[panel.treated["evaluation_group"] == group]


def _fit(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Coefficients and 95% limits of ``1, m, post, m x post``; None when they cannot be separated."""
    m = rows["months_from_event"].to_numpy(dtype=float)
    post = rows["post"].to_numpy(dtype=float)
    design = np.column_stack([np.ones_like(m), m, post, m * post])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return None
    clusters = pd.factorize(rows["trust_code"])[0]
    result = sm.OLS(rows["difference"].to_numpy(dtype=float), design).fit(
        cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True
    )
    return np.asarray(result.params), np.asarray(result.conf_int(alpha=1 - CONFIDENCE))


def _left_out(members: pd.DataFrame) -> str:
    out = members[members["reason"].notna()]
    if out.empty:
        return ""
    parts = [f"{count} {reason}" for reason, count in out.groupby("reason").size().items()]
    noun = "treated trust" if len(out) == 1 else "treated trusts"
    return f"{len(out)} {noun} left out ({'; '.join(parts)})."


def _estimate(panel: Panel, group: str, metric_id: str) -> tuple[dict[str, Any], np.ndarray | None]:
    """The table row of one group, and the coefficients behind it (None when not estimated)."""
    members = _members(panel, group)
    entering = members[members["reason"].isna()]
    codes = set(entering["trust_code"])
    used = panel.rows[isin(panel.rows["trust_code"], codes)]
    comparators = len(panel.comparators_used(codes))
    row: dict[str, Any] = {
        "metric_id": metric_id,
        "group": group,
        "trusts": len(codes),
        "comparators": int(comparators),
        **dict.fromkeys(_ESTIMATES, math.nan),
        "note": None,
    }
    left_out = _left_out(members)
    if members.empty:
        row["note"] = "None of the filtered trusts has the event."
        return row, None
    if len(codes) < MIN_TREATED_TRUSTS:
        have = (
            "no treated trust has" if not codes else f"only {len(codes)} treated {_trusts(len(codes))} have"
        )
        row["note"] = " ".join(
            part
            for part in (
                f"Too little data: {have} enough data (at least {MIN_TREATED_TRUSTS} are needed).",
                left_out,
            )
            if part
        )
        return row, None
    fitted = _fit(used)
    if fitted is None:
        row["note"] = " ".join(
            p for p in ("Too little data: level and trend cannot be separated.", left_out) if p
        )
        return row, None
    params, limits = fitted
    row.update(
        level_change=float(params[2]),
        level_change_low=float(limits[2, 0]),
        level_change_high=float(limits[2, 1]),
        slope_change=float(params[3]),
        slope_change_low=float(limits[3, 0]),
        slope_change_high=float(limits[3, 1]),
        note=left_out or None,
    )
    return row, params


def _trusts(n: int) -> str:
    return "trust" if n == 1 else "trusts"


def effects_table(panel: Panel, metric_id: str) -> pd.DataFrame:
    """One row per evaluation group of the treated trusts, then ``all``: the ``effects`` view."""
    rows = [_estimate(panel, group, metric_id)[0] for group in _groups(panel)]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table = table.astype({"trusts": "int64", "comparators": "int64", **dict.fromkeys(_ESTIMATES, "float64")})
    return table


def effects(
    values: pd.DataFrame,
    trusts: pd.DataFrame,
    events: pd.Series,
    comparators: pd.Series | list[str] | set[str] | tuple[str, ...],
    metric_id: str,
    *,
    window: int = WINDOW_MONTHS,
) -> pd.DataFrame:
    """The ``effects`` view of one metric: :func:`prepare` then :func:`effects_table`."""
    return effects_table(prepare(values, trusts, events, comparators, window=window), metric_id)


def _band(rows: pd.DataFrame) -> pd.DataFrame:
    grouped = rows.groupby("months_from_event")["difference"]
    points = pd.DataFrame(
        {"mean_difference": grouped.mean(), "sd": grouped.std(ddof=1), "trusts": grouped.size()}
    ).reset_index()
    n = points["trusts"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = np.where(n > 1, stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1)), np.nan)
        half = quantile * points["sd"].to_numpy(dtype=float) / np.sqrt(n)
    points = points.assign(
        low=points["mean_difference"] - half,
        high=points["mean_difference"] + half,
    )
    points["months_from_event"] = points["months_from_event"].astype("int64")
    points["trusts"] = points["trusts"].astype("int64")
    return points[["months_from_event", "mean_difference", "low", "high", "trusts"]]


def event_study(
    panel: Panel,
    metric: Mapping[str, Any] | pd.Series,
    group: str = ALL_GROUP,
    *,
    event_words: str = "the event",
) -> EventStudy:
    """The event-study series of one group (``all`` by default), with its sentence in words.

    ``metric`` needs ``metric_id``, ``unit`` and ``higher_is_better``; ``event_words`` names the
    event in the sentence ("entry", "SMQ exit").
    """
    row, params = _estimate(panel, group, str(metric["metric_id"]))
    members = _members(panel, group)
    codes = set(members.loc[members["reason"].isna(), "trust_code"])
    used = panel.rows[isin(panel.rows["trust_code"], codes)]
    points = _band(used) if not used.empty else _band(panel.rows.iloc[0:0])
    fitted = pd.DataFrame({"months_from_event": pd.Series([], dtype="int64"), "fitted": [], "segment": []})
    if params is not None:
        pre = np.arange(int(used["months_from_event"].min()), 0)
        post = np.arange(0, int(used["months_from_event"].max()) + 1)
        fitted = pd.DataFrame(
            {
                "months_from_event": np.concatenate([pre, post]).astype("int64"),
                "fitted": np.concatenate(
                    [params[0] + params[1] * pre, params[0] + params[2] + (params[1] + params[3]) * post]
                ),
                "segment": ["pre"] * len(pre) + ["post"] * len(post),
            }
        )
    return EventStudy(
        group=group,
        points=points,
        fitted=fitted,
        estimate=row,
        sentence=describe_effect(row, metric, event_words=event_words),
    )


# --- Words -----------------------------------------------------------------------------------
_UNIT_WORDS: Final[dict[str, str]] = {
    "percent": "percentage points",
    "score": "points",
    "days": "days",
    "minutes": "minutes",
}
_DECIMALS: Final[dict[str, int]] = {"ratio": 3, "rate": 2, "gbp": 0}


def _number(value: float, unit: str, extra: int = 0) -> str:
    """A signed number as it reads in a sentence: a real minus sign, £ for money.

    ``extra`` decimals are for changes per month, which are smaller than changes in level.
    """
    decimals = _DECIMALS.get(unit, 1) + extra
    rounded = round(float(value), decimals)
    text = f"{'£' if unit == 'gbp' else ''}{abs(rounded):,.{decimals}f}"
    return f"−{text}" if rounded < 0 else text


def _amount(value: float, unit: str, extra: int = 0) -> str:
    words = _UNIT_WORDS.get(unit, "")
    text = _number(abs(value), unit, extra)
    return f"{text} {words}" if words else text


def _judgement(change: float, higher_is_better: bool | None) -> str | None:
    if higher_is_better is None or pd.isna(higher_is_better):
        return None
    return "better" if (change > 0) == bool(higher_is_better) else "worse"


def describe_effect(
    row: Mapping[str, Any], metric: Mapping[str, Any] | pd.Series, *, event_words: str = "the event"
) -> str:
    """One sentence for a row of :func:`effects_table`, in the metric's unit.

    "2.1 percentage points higher (better) after entry (95% CI 1.4 to 2.8), no change in trend".
    A change whose interval covers zero is "no change"; "better"/"worse" is said only when the
    metric has a direction (``higher_is_better``). A row that was not estimated gives its note.
    """
    if any(row.get(c) is None or (isinstance(row.get(c), float) and math.isnan(row[c])) for c in _ESTIMATES):
        return str(row.get("note") or "Not estimated.")
    unit = str(metric.get("unit") or "")
    higher_is_better = metric.get("higher_is_better")

    def interval(low: float, high: float, extra: int = 0) -> str:
        return f"95% CI {_number(low, unit, extra)} to {_number(high, unit, extra)}"

    level, low, high = row["level_change"], row["level_change_low"], row["level_change_high"]
    if low <= 0 <= high:
        level_words = f"no change in level after {event_words} ({interval(low, high)})"
    else:
        judged = _judgement(level, higher_is_better)
        level_words = (
            f"{_amount(level, unit)} {'higher' if level > 0 else 'lower'}"
            + (f" ({judged})" if judged else "")
            + f" after {event_words} ({interval(low, high)})"
        )
    slope, low, high = row["slope_change"], row["slope_change_low"], row["slope_change_high"]
    if low <= 0 <= high:
        slope_words = "no change in trend"
    else:
        judged = _judgement(slope, higher_is_better)
        slope_words = (
            f"a trend {_amount(slope, unit, 1)} a month {'higher' if slope > 0 else 'lower'} than before ("
            + (f"{judged}; " if judged else "")
            + f"{interval(low, high, 1)})"
        )
    sentence = f"{level_words}, {slope_words}"
    return sentence[0].upper() + sentence[1:]
