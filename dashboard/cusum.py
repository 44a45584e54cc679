"""Tabular CUSUM for sequential monitoring of one trust's metric: the ``cusum`` view (contract §4).

A CUSUM accumulates small, persistent departures from a baseline that an XmR chart's 3-sigma
limits take long to show, so a board sees a sustained shift after a regime event early.

Method (contract §4)
--------------------
* **Baseline**: the ``BASELINE_POINTS = 12`` points with a value immediately before the trust's
  event (the event's month and later are *after* it, as ``m >= 0`` is in the ``effects`` and
  ``trajectories`` views), or the first 12 points with a value when the trust has no event.
  ``baseline_mean`` is their mean; ``sigma`` is their mean moving range (``|x_i - x_{i-1}|``
  between consecutive baseline points, 11 of them) divided by ``D2 = 1.128``. Unlike the XmR
  chart in ``spc.py`` no moving range is screened out: the contract defines sigma this way.
* **Parameters**, in sigmas: ``k = cusum_k x sigma`` (default 0.5), the slack a point may
  depart from the mean without adding to a sum; ``h = cusum_h x sigma`` (default 4), the
  decision interval.
* **Sums**: from the first point after the baseline,
  ``up = max(0, previous up + value - baseline_mean - k)`` and
  ``down = max(0, previous down + baseline_mean - value - k)``, starting from 0.
  ``signal`` is ``up`` when ``up > h`` and ``down`` when ``down > h`` (strictly greater); the
  row that signals shows the sum that crossed, and the next point starts both sums again from 0.
  With ``k >= 0`` the two sums cannot cross ``h`` at the same point.
* **Blank sums**: the baseline points and every period before the last of them.

Decisions the contract leaves open
----------------------------------
* **Missing values** are skipped: the row stays (``value`` blank), its sums and signal are
  blank, and the next point with a value carries on from the sums before the gap. Baseline
  points are points *with a value*, so a gap before the event does not shorten the baseline.
* **Fewer than 12 points with a value before the event** (or fewer than 12 in all, without an
  event): there is no baseline, so ``baseline_mean``, ``sigma``, the sums and the signal are all
  blank and :class:`Cusum` ``note`` says why. Points after the event are never borrowed for the
  baseline, since they are what is being judged.
* **A flat baseline** (every moving range 0) gives ``sigma = k = h = 0``: any later departure
  from the mean signals at once. That is the definition taken literally; such a metric has no
  common-cause variation to judge against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import pandas as pd

__all__ = [
    "BASELINE_POINTS",
    "COLUMNS",
    "CUSUM_H",
    "CUSUM_K",
    "D2",
    "Cusum",
    "cusum",
    "latest_signal",
    "by_trust",
    "latest_signals",
    "parameter",
    "series_frame",
    "signal_reading",
    "signals_of_series",
]

BASELINE_POINTS: Final[int] = 12
D2: Final[float] = 1.128
"""d2 for moving ranges of two points: mean moving range to sigma."""
CUSUM_K: Final[float] = 0.5
CUSUM_H: Final[float] = 4.0

COLUMNS: Final[tuple[str, ...]] = (
    "period_start",
    "value",
    "baseline_mean",
    "sigma",
    "cusum_up",
    "cusum_down",
    "signal",
)
UP: Final = "up"
DOWN: Final = "down"


@dataclass(frozen=True)
class Cusum:
    """A tabular CUSUM: the ``cusum`` view's ``table`` and what its chart needs besides.

    ``baseline`` is a boolean per row of ``table`` (the baseline points); ``k`` and ``h`` are in
    the metric's unit; all of ``baseline_mean``, ``sigma``, ``k``, ``h`` are None, and ``note``
    says why, when there is no baseline.
    """

    table: pd.DataFrame
    baseline: np.ndarray
    baseline_mean: float | None
    sigma: float | None
    k: float | None
    h: float | None
    cusum_k: float
    cusum_h: float
    note: str | None


def _check_parameters(cusum_k: float, cusum_h: float) -> tuple[float, float]:
    k, h = float(cusum_k), float(cusum_h)
    if not math.isfinite(k) or k < 0:
        raise ValueError(f"cusum_k must be a number of sigmas of 0 or more, not {cusum_k!r}")
    if not math.isfinite(h) or h <= 0:
        raise ValueError(f"cusum_h must be a positive number of sigmas, not {cusum_h!r}")
    return k, h


def parameter(text: object, default: float, *, positive: bool) -> float:
    """A ``cusum_k`` (``positive=False``: 0 or more) or ``cusum_h`` (``positive=True``: more than 0)
    read from a URL, in sigmas; anything else (blank, not a number, out of range) is the default."""
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return default
    if not math.isfinite(value) or value < 0 or (positive and value == 0) or value > 1000:
        return default
    return value


NO_EVENT: Final[int] = np.iinfo(np.int64).min
"""``event_month`` of a series whose trust has no event."""


def _month_index(stamps: np.ndarray | pd.Series) -> np.ndarray:
    """Whole months since January 1970: only differences and order are used."""
    return np.asarray(stamps, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def by_trust(trust_codes: pd.Series, mapping: pd.Series) -> np.ndarray:
    """``mapping[trust_code]`` for every row (NaN/NaT where absent), cheap on a categorical column."""
    if isinstance(trust_codes.dtype, pd.CategoricalDtype):
        per_category = mapping.reindex(trust_codes.cat.categories.astype(str)).to_numpy()
        return per_category[trust_codes.cat.codes.to_numpy()]
    return trust_codes.astype(str).map(mapping).to_numpy()


def _runs_of(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First row and length of each series, for rows sorted by series."""
    change = np.ones(series.size, dtype=bool)
    change[1:] = series[1:] != series[:-1]
    starts = np.flatnonzero(change)
    return starts, np.diff(np.r_[starts, series.size]).astype(np.int64)


def _baselines(
    series: np.ndarray, x: np.ndarray, month: np.ndarray, event_month: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Baseline rows and the rows after them, for rows sorted by series then period.

    ``event_month`` per row is the month of the series' event, or ``NO_EVENT``. Returns two
    boolean arrays: the baseline points, and the rows monitored (every row after the last
    baseline point of a series that has a full baseline).
    """
    if series.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    present = ~np.isnan(x)
    has_event = event_month != NO_EVENT
    candidate = present & (~has_event | (month < event_month))
    starts, lengths = _runs_of(series)
    running = np.cumsum(candidate)
    # Candidates so far within the series (1 for its first), and how many it has in all.
    so_far = running - np.repeat(np.r_[0, running][starts], lengths)
    total = np.repeat(np.add.reduceat(candidate.astype(np.int64), starts), lengths)
    rank = np.where(has_event, total - so_far, so_far - 1)  # 0 = nearest the event / the first
    baseline = candidate & (total >= BASELINE_POINTS) & (rank < BASELINE_POINTS)
    position = np.arange(series.size)
    last = np.repeat(np.maximum.reduceat(np.where(baseline, position, -1), starts), lengths)
    return baseline, (last >= 0) & (position > last)


def _baseline_stats(series: np.ndarray, x: np.ndarray, baseline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row baseline mean and sigma of its series (NaN without a baseline)."""
    n_series = int(series.max()) + 1 if series.size else 0
    ids, values = series[baseline], x[baseline]
    count = np.bincount(ids, minlength=n_series)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(ids, weights=values, minlength=n_series) / count
        # Consecutive baseline points of one series are consecutive points with a value.
        same = np.zeros(ids.size, dtype=bool)
        same[1:] = ids[1:] == ids[:-1]
        ranges = np.abs(np.diff(values, prepend=np.nan)) if values.size else values
        mr_bar = np.bincount(ids[same], weights=ranges[same], minlength=n_series) / np.bincount(
            ids[same], minlength=n_series
        )
    return mean[series], (mr_bar / D2)[series]


def _recurse(
    x: np.ndarray, mean: np.ndarray, k: np.ndarray, h: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The two sums and the signals of many series at once: ``x`` is (series, step), NaN padded.

    One numpy step per period across every series, so thousands of series cost what a few do.
    A NaN is skipped: no sum, no signal, the state carries over to the next value.
    """
    n_series, n_steps = x.shape
    up_state = np.zeros(n_series)
    down_state = np.zeros(n_series)
    up = np.full(x.shape, np.nan)
    down = np.full(x.shape, np.nan)
    signal = np.zeros(x.shape, dtype=np.int8)
    for step in range(n_steps):
        value = x[:, step]
        present = ~np.isnan(value)
        with np.errstate(invalid="ignore"):
            new_up = np.maximum(0.0, up_state + value - mean - k)
            new_down = np.maximum(0.0, down_state + mean - value - k)
            fired_up = present & (new_up > h)
            fired_down = present & (new_down > h)
        up[present, step] = new_up[present]
        down[present, step] = new_down[present]
        signal[fired_up, step] = 1
        signal[fired_down, step] = -1
        fired = fired_up | fired_down
        up_state = np.where(present, np.where(fired, 0.0, new_up), up_state)
        down_state = np.where(present, np.where(fired, 0.0, new_down), down_state)
    return up, down, signal


def _run(
    series: np.ndarray,
    when: np.ndarray,
    x: np.ndarray,
    event_month: np.ndarray,
    cusum_k: float,
    cusum_h: float,
) -> dict[str, np.ndarray]:
    """CUSUM of every series, for rows sorted by series (ids 0..n-1 in order) then period.

    Returns per-row arrays: ``baseline``, ``baseline_mean``, ``sigma``, ``cusum_up``,
    ``cusum_down`` and ``signal_code`` (1 up, -1 down, 0 none).
    """
    baseline, monitored = _baselines(series, x, _month_index(when), event_month)
    mean, sigma = _baseline_stats(series, x, baseline)
    up = np.full(x.size, np.nan)
    down = np.full(x.size, np.nan)
    code = np.zeros(x.size, dtype=np.int8)
    rows = np.flatnonzero(monitored)
    if rows.size:
        # The monitored rows of a series are one run: lay each series along a row of a grid.
        starts, lengths = _runs_of(series[rows])
        row_of = np.repeat(np.arange(starts.size), lengths)
        step = np.arange(rows.size) - np.repeat(starts, lengths)
        grid = np.full((starts.size, int(lengths.max())), np.nan)
        grid[row_of, step] = x[rows]
        first = rows[starts]
        grid_up, grid_down, grid_signal = _recurse(
            grid, mean[first], cusum_k * sigma[first], cusum_h * sigma[first]
        )
        up[rows] = grid_up[row_of, step]
        down[rows] = grid_down[row_of, step]
        code[rows] = grid_signal[row_of, step]
    return {
        "baseline": baseline,
        "baseline_mean": mean,
        "sigma": sigma,
        "cusum_up": up,
        "cusum_down": down,
        "signal_code": code,
    }


def _signal_words(code: np.ndarray) -> pd.Series:
    words = [UP if c > 0 else DOWN if c < 0 else None for c in code]
    return pd.Series(words, dtype="str")


def _as_frame(periods: Sequence | pd.Series, values: Sequence | pd.Series) -> pd.DataFrame:
    when = pd.to_datetime(pd.Series(list(periods), dtype=object), errors="raise")
    if when.isna().any():
        raise ValueError("periods must not contain missing dates")
    x = pd.to_numeric(pd.Series(list(values), dtype=object), errors="raise").to_numpy(
        dtype=float, na_value=np.nan
    )
    if len(when) != x.size:
        raise ValueError(f"periods ({len(when)}) and values ({x.size}) differ in length")
    x = np.where(np.isfinite(x), x, np.nan)  # +/-inf carries no usable information
    frame = pd.DataFrame({"period_start": when.to_numpy(dtype="datetime64[ns]"), "value": x})
    frame = frame.sort_values("period_start", kind="stable").reset_index(drop=True)
    if frame["period_start"].duplicated().any():
        raise ValueError("periods must be unique")
    return frame


def cusum(
    periods: Sequence | pd.Series,
    values: Sequence | pd.Series,
    *,
    event: date | pd.Timestamp | None = None,
    cusum_k: float = CUSUM_K,
    cusum_h: float = CUSUM_H,
) -> Cusum:
    """Tabular CUSUM of one trust's metric, one row per period (sorted), as the contract defines it.

    ``event`` is the date of the trust's event named by ``align`` (None or NaT: no event, so
    the first 12 points are the baseline). Raises ``ValueError`` for mismatched lengths, missing
    or duplicate periods, and parameters that are not ``cusum_k >= 0``, ``cusum_h > 0``.
    """
    k_sigmas, h_sigmas = _check_parameters(cusum_k, cusum_h)
    frame = _as_frame(periods, values)
    when = frame["period_start"].to_numpy()
    x = frame["value"].to_numpy()
    has_event = event is not None and not pd.isna(event)
    event_month = int(_month_index(np.array([pd.Timestamp(event)]))[0]) if has_event else NO_EVENT
    result = _run(
        np.zeros(x.size, dtype=np.int64),
        when,
        x,
        np.full(x.size, event_month, dtype=np.int64),
        k_sigmas,
        h_sigmas,
    )
    table = pd.DataFrame(
        {
            "period_start": when,
            "value": x,
            "baseline_mean": result["baseline_mean"],
            "sigma": result["sigma"],
            "cusum_up": result["cusum_up"],
            "cusum_down": result["cusum_down"],
            "signal": _signal_words(result["signal_code"]),
        },
        columns=list(COLUMNS),
    )
    baseline = result["baseline"]
    if not baseline.any():
        usable = ~np.isnan(x) & ((_month_index(when) < event_month) if has_event else True)
        points = int(np.count_nonzero(usable))
        where = "before the event" if has_event else "in all"
        note = (
            f"Only {points} point{'s' if points != 1 else ''} with a value {where}: "
            f"the CUSUM needs {BASELINE_POINTS} for its baseline."
        )
        return Cusum(table, baseline, None, None, None, None, k_sigmas, h_sigmas, note)
    mean, sigma = float(result["baseline_mean"][0]), float(result["sigma"][0])
    return Cusum(table, baseline, mean, sigma, k_sigmas * sigma, h_sigmas * sigma, k_sigmas, h_sigmas, None)


def signal_reading(signal: str | None, higher_is_better: bool | None) -> str | None:
    """What a signal means for the metric: ``improvement``, ``concern``, ``neither`` or None.

    An ``up`` signal is an improvement when higher is better and a concern when lower is;
    without a direction it is ``neither``, as in the SPC chart.
    """
    if not isinstance(signal, str) or signal not in (UP, DOWN):
        return None
    if higher_is_better is None or pd.isna(higher_is_better):
        return "neither"
    return "improvement" if (signal == UP) == bool(higher_is_better) else "concern"


def latest_signal(table: pd.DataFrame) -> tuple[str, pd.Timestamp] | None:
    """The last signal of a :func:`cusum` table and its period, or None when it never signalled."""
    signalled = table[table["signal"].isin([UP, DOWN])]
    if signalled.empty:
        return None
    last = signalled.sort_values("period_start").iloc[-1]
    return str(last["signal"]), pd.Timestamp(last["period_start"])


def series_frame(values: pd.DataFrame) -> pd.DataFrame:
    """Many series in one frame: ``trust_code, metric_id, period_start, value`` sorted by trust,
    metric and period, with an integer ``series`` per (trust, metric) in that order.

    ``trust_code`` and ``metric_id`` come back categorical (millions of rows are common here).
    Missing and non-finite values become NaN (rows are kept). Raises ``ValueError`` for a
    missing period or one period twice in a series.
    """
    trusts, trust_names = pd.factorize(values["trust_code"].astype(str), sort=True)
    metrics, metric_names = pd.factorize(values["metric_id"].astype(str), sort=True)
    when = pd.to_datetime(values["period_start"]).to_numpy(dtype="datetime64[ns]")
    if np.isnat(when).any():
        raise ValueError("periods must not contain missing dates")
    x = pd.to_numeric(values["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    key = trusts.astype(np.int64) * max(len(metric_names), 1) + metrics
    if not _sorted(key, when):
        order = np.lexsort((when, key))
        key, trusts, metrics, when, x = key[order], trusts[order], metrics[order], when[order], x[order]
    new_series = np.ones(key.size, dtype=bool)
    new_series[1:] = key[1:] != key[:-1]
    if (~new_series[1:] & (when[1:] <= when[:-1])).any():
        raise ValueError("periods must be unique within each trust and metric")
    return pd.DataFrame(
        {
            "trust_code": pd.Categorical.from_codes(trusts, categories=trust_names),
            "metric_id": pd.Categorical.from_codes(metrics, categories=metric_names),
            "period_start": when,
            "value": np.where(np.isfinite(x), x, np.nan),
            "series": np.cumsum(new_series) - 1,
        }
    )


def _sorted(key: np.ndarray, when: np.ndarray) -> bool:
    """Already in (series, period) order? Data read in that order need not be sorted again."""
    same = key[1:] == key[:-1]
    return bool((key[1:] >= key[:-1]).all() and (when[1:][same] > when[:-1][same]).all())


def latest_signals(
    values: pd.DataFrame,
    events: pd.Series | None = None,
    *,
    cusum_k: float = CUSUM_K,
    cusum_h: float = CUSUM_H,
) -> pd.DataFrame:
    """The latest CUSUM signal of many series at once, for the summary icon matrix.

    ``values``: ``trust_code, metric_id, period_start, value``; ``events``: trust code to event
    date (optional). One row per (trust_code, metric_id), sorted: ``cusum_signal`` (``up``,
    ``down`` or blank) and ``cusum_signal_period``. The same arithmetic as :func:`cusum`, with
    every series stepped together.
    """
    return signals_of_series(series_frame(values), events, cusum_k=cusum_k, cusum_h=cusum_h)


def signals_of_series(
    frame: pd.DataFrame,
    events: pd.Series | None = None,
    *,
    cusum_k: float = CUSUM_K,
    cusum_h: float = CUSUM_H,
) -> pd.DataFrame:
    """:func:`latest_signals` of a :func:`series_frame` (so a caller that has one sorts once)."""
    k_sigmas, h_sigmas = _check_parameters(cusum_k, cusum_h)
    event_month = np.full(len(frame), NO_EVENT, dtype=np.int64)
    if events is not None and len(events):
        dates = pd.to_datetime(pd.Series(events, dtype=object), errors="coerce").dropna()
        dates.index = dates.index.astype(str)
        dates = dates[~dates.index.duplicated(keep="first")]
        months = pd.Series(
            _month_index(dates.to_numpy(dtype="datetime64[ns]")), index=dates.index, dtype=float
        )
        looked_up = by_trust(frame["trust_code"], months).astype(float)
        event_month = np.where(np.isnan(looked_up), NO_EVENT, np.nan_to_num(looked_up)).astype(np.int64)
    series = frame["series"].to_numpy()
    when = frame["period_start"].to_numpy()
    result = _run(series, when, frame["value"].to_numpy(dtype=float), event_month, k_sigmas, h_sigmas)
    starts, _ = _runs_of(series)

    def first_of_each(column: pd.Series) -> np.ndarray:
        if isinstance(column.dtype, pd.CategoricalDtype):
            return column.cat.categories.astype(str).to_numpy()[column.cat.codes.to_numpy()[starts]]
        return column.to_numpy()[starts].astype(str)

    out = pd.DataFrame(
        {"trust_code": first_of_each(frame["trust_code"]), "metric_id": first_of_each(frame["metric_id"])}
    )
    # The last signalling row of each series: series ids run 0..n-1 in row order.
    fired = np.flatnonzero(result["signal_code"] != 0)
    last = fired[np.r_[series[fired][1:] != series[fired][:-1], True]] if fired.size else fired
    code = np.zeros(len(out), dtype=np.int8)
    period = np.full(len(out), np.datetime64("NaT"), dtype="datetime64[ns]")
    code[series[last]] = result["signal_code"][last]
    period[series[last]] = when[last]
    out["cusum_signal"] = _signal_words(code)
    out["cusum_signal_period"] = period
    return out
