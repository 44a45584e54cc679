"""Statistical process control (XmR chart) following NHS England's "Making Data Count".

Board papers for trusts in Special Measures show each metric as an XmR chart with
the Making Data Count (MDC) summary icons, so the dashboard has to reproduce the
same arithmetic and the same rules as the MDC tools and the NHS-R community's
``NHSRplotthedots`` R package (the reference open implementation).  Everything
here is pure: no I/O, no plotting, no global state.

Calculation (``NHSRplotthedots`` ``R/ptd_spc_standard.R``)
-----------------------------------------------------------
* **Mean**: arithmetic mean of the baseline points of a segment.  The baseline is
  every non-missing point of the segment, or only the first ``fix_after_n_points``
  of them; the limits are then extended over the rest of the segment.
* **Moving range**: ``|x_i - x_{i-1}|`` between consecutive non-missing points of
  the same segment (the first point of a segment has none).
* **Mean moving range** with outlier screening (Nelson 1982; Provost & Murray,
  *The Health Care Data Guide*, pp. 155, 192): the mean of the baseline moving
  ranges is computed, moving ranges above ``3.267`` x that mean are dropped, and
  the mean is computed once more from those left.  ``NHSRplotthedots`` keeps
  ranges strictly *below* the cut-off; here ranges *equal* to it are kept too, so
  a perfectly flat baseline (every range 0) gives zero-width limits instead of
  NaN.  For any other series the two agree.  The MDC Excel tools do not screen
  (``NHSRplotthedots`` vignette "Deviations from Excel defaults"); screening is
  the ``NHSRplotthedots`` default and is always applied here.
* **Process limits**: ``mean +/- 2.66 x MR-bar`` (3 sigma).  **2-sigma lines**:
  ``mean +/- (2/3) x 2.66 x MR-bar``.

Special-cause rules and their exact lengths
--------------------------------------------
1. **Outside the limits**: one point strictly above the upper or below the lower
   process limit.
2. **Shift**: ``SHIFT_RUN = 7`` or more consecutive points all strictly above, or
   all strictly below, the mean.  A point exactly on the mean ends the run.
   Source: ``NHSRplotthedots`` ``ptd_seven_point_one_side_mean``; MDC's default
   (the MDC Excel tool also offers 6, NHSRplotthedots issue #202).
3. **Trend**: ``TREND_RUN = 7`` or more consecutive *points* (so 6 consecutive
   differences) each strictly higher, or each strictly lower, than the one before.
   Two equal consecutive values end the run (``NHSRplotthedots``
   ``ptd_seven_point_trend``, whose test ``c(1:3, 3:6)`` is *not* a trend).  The
   trend's colour follows the direction of the trend, not the side of the mean
   (NHSRplotthedots issue #171, pull request #180).
4. **Two of three beyond 2 sigma**: in any 3 consecutive points that are all
   strictly on the same side of the mean, at least 2 lie strictly beyond that
   side's 2-sigma line.  Only the points beyond the 2-sigma line are flagged.
   Points beyond the 3-sigma limit count as well: this is the MDC rule as changed
   by the MDC team in late 2023 (NHSRplotthedots issue #194, "all points beyond
   two-sigma are counted ... all three points still need to be on the same side of
   the mean").  ``NHSRplotthedots`` itself still counts only points between the 2-
   and 3-sigma lines, which differs only when a point is already outside the
   limits.

Every point of a qualifying run or window is flagged, as ``NHSRplotthedots`` does.
Runs and windows never span a recalculation break.  Missing values are skipped:
the rules look at the non-missing points in order, so a run continues across a
missing period.

Direction and conflicting rules
-------------------------------
A flagged point takes its direction from the highest-priority rule that flagged
it, in the ``NHSRplotthedots`` order (``ptd_special_cause_type``): outside the
limits, then trend, then two-of-three, then shift.  Outside/two-of-three/shift
point the way of the point's side of the mean; a trend points the way it runs
(where a rising and a falling trend share their turning point, the later trend
wins, as in ``NHSRplotthedots``).  So a point above the mean inside a falling
7-point trend is a falling special cause even if it is also part of a shift
above the mean.  (The MDC Excel tool resolves such conflicts by showing
improvement, issue #194; the R package's precedence is followed here.)  The
direction is improvement when it matches ``improvement_direction``, concern when
it opposes it, and neither when there is no improvement direction.

Minimum data
------------
Fewer than ``MIN_RELIABLE_POINTS = 12`` points in the segment gives "trial
limits": they are computed but :func:`summarise` reports ``reliable=False``
(``NHSRplotthedots`` ``ptd_add_short_group_warnings`` warns under 12; its
vignette "Number of points required" and *The Health Care Data Guide* ask for
12 and 20-30 respectively).  A segment with fewer than 2 non-missing points has no
moving range, so its limits and 2-sigma lines are NaN, no rule is evaluated and
every point is ``common_cause``.  Empty input returns an empty frame.

Summary icons
-------------
Variation icon of the latest non-missing point (``R/geom_ptd_icon.R``):
``common_cause``, ``improvement_high``/``improvement_low``,
``concern_high``/``concern_low``, ``neither_high``/``neither_low`` where
high/low is the direction of the special cause.  Assurance icon against a target
(``R/ptd_calculate_assurance_type.R``), using the latest segment's limits:
``pass`` when the whole process range lies on the favourable side of the target,
``fail`` when it lies on the unfavourable side, ``hit_and_miss`` when the target
is between the limits (inclusive), ``None`` without a target or direction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "COLUMNS",
    "LIMIT_FACTOR",
    "MIN_POINTS_FOR_LIMITS",
    "MIN_RELIABLE_POINTS",
    "MR_SCREEN_FACTOR",
    "SHIFT_RUN",
    "TREND_RUN",
    "TWO_OF_THREE_COUNT",
    "TWO_OF_THREE_WINDOW",
    "TWO_SIGMA_FACTOR",
    "SpcSummary",
    "describe_rules",
    "direction_from_polarity",
    "summarise",
    "xmr",
]

SHIFT_RUN: Final[int] = 7
"""Points in a row on one side of the mean that make a shift (MDC / NHSRplotthedots)."""

TREND_RUN: Final[int] = 7
"""Points in a row, each strictly higher (or lower) than the last, that make a trend."""

TWO_OF_THREE_WINDOW: Final[int] = 3
TWO_OF_THREE_COUNT: Final[int] = 2

LIMIT_FACTOR: Final[float] = 2.66
"""3 / d2 for moving ranges of two points (d2 = 1.128): MR-bar to 3-sigma limits."""

TWO_SIGMA_FACTOR: Final[float] = 2 * LIMIT_FACTOR / 3
"""MR-bar to the 2-sigma line, as NHSRplotthedots' ``limitclose``."""

MR_SCREEN_FACTOR: Final[float] = 3.267
"""D4 for n = 2: moving ranges above this multiple of MR-bar are screened out."""

MIN_RELIABLE_POINTS: Final[int] = 12
"""Below this many points in a segment the limits are trial limits."""

MIN_POINTS_FOR_LIMITS: Final[int] = 2
"""One moving range needs two points; with fewer there are no limits at all."""

COLUMNS: Final[tuple[str, ...]] = (
    "period_start",
    "value",
    "mean",
    "lower_limit",
    "upper_limit",
    "lower_2sigma",
    "upper_2sigma",
    "moving_range",
    "outside_limits",
    "shift",
    "trend",
    "two_of_three",
    "special_cause",
    "variation",
    "segment",
)

_FLOAT_COLUMNS: Final = (
    "value",
    "mean",
    "lower_limit",
    "upper_limit",
    "lower_2sigma",
    "upper_2sigma",
    "moving_range",
)
_RULE_COLUMNS: Final = ("outside_limits", "shift", "trend", "two_of_three")

COMMON_CAUSE: Final = "common_cause"
IMPROVEMENT: Final = "improvement"
CONCERN: Final = "concern"
NEITHER: Final = "neither"

_DIRECTIONS: Final[dict[str | None, int]] = {"increase": 1, "decrease": -1, None: 0, "neutral": 0}


def direction_from_polarity(higher_is_better: bool | None) -> str | None:
    """Map the metric catalogue's ``higher_is_better`` flag to an improvement direction.

    The catalogue stores polarity as a tri-state boolean while the SPC code speaks
    MDC's language ("increase"/"decrease"); ``None`` means neither direction is
    better, which makes every special cause "neither".
    """
    if higher_is_better is None:
        return None
    return "increase" if higher_is_better else "decrease"


def _polarity(improvement_direction: str | None) -> int:
    """Return +1, -1 or 0, rejecting typos early rather than silently showing purple."""
    try:
        return _DIRECTIONS[improvement_direction]
    except (KeyError, TypeError):
        raise ValueError(
            f"improvement_direction must be 'increase', 'decrease' or None, not {improvement_direction!r}"
        ) from None


def _runs(codes: np.ndarray, min_length: int) -> list[tuple[int, int, int]]:
    """Maximal runs of one repeated non-zero code, at least ``min_length`` long.

    Returns ``(start, stop, code)`` with ``stop`` exclusive.  Shift and trend are
    both "the same sign N times in a row", so they share this helper.
    """
    n = codes.size
    if n == 0:
        return []
    change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    starts = np.concatenate(([0], change))
    stops = np.concatenate((change, [n]))
    keep = (codes[starts] != 0) & (stops - starts >= min_length)
    return [(int(s), int(e), int(codes[s])) for s, e in zip(starts[keep], stops[keep], strict=True)]


def _baseline_stats(x: np.ndarray, fix_after_n_points: int | None) -> tuple[float, float]:
    """Mean and screened mean moving range of a segment's baseline.

    Only the baseline feeds the limits so that, once fixed, later points are judged
    against limits they did not help to set.
    """
    base = x if fix_after_n_points is None else x[:fix_after_n_points]
    if base.size == 0:
        return math.nan, math.nan
    # A flat baseline must have its own value as mean: summing n copies can be off by an ulp,
    # which against zero-width limits would put every point "outside" them.
    mean = float(base[0]) if (base == base[0]).all() else float(base.mean())
    if base.size < MIN_POINTS_FOR_LIMITS:
        return mean, math.nan
    ranges = np.abs(np.diff(base))
    first_pass = ranges.mean()
    # Keep ranges equal to the cut-off: a flat baseline (all 0) must not lose every range.
    kept = ranges[ranges <= MR_SCREEN_FACTOR * first_pass]
    return mean, float(kept.mean())


def _two_of_three(side: np.ndarray, beyond: np.ndarray) -> np.ndarray:
    """Flag points beyond 2 sigma in a 3-window all on one side with >= 2 beyond."""
    n = side.size
    flagged = np.zeros(n, dtype=bool)
    if n < TWO_OF_THREE_WINDOW:
        return flagged
    sides = sliding_window_view(side, TWO_OF_THREE_WINDOW)
    counts = sliding_window_view(beyond, TWO_OF_THREE_WINDOW).sum(axis=1)
    same_side = (sides[:, 0] != 0) & (sides == sides[:, :1]).all(axis=1)
    qualifies = same_side & (counts >= TWO_OF_THREE_COUNT)
    in_window = np.zeros(n, dtype=bool)
    n_windows = qualifies.size
    for offset in range(TWO_OF_THREE_WINDOW):
        in_window[offset : offset + n_windows] |= qualifies
    return in_window & beyond


def _evaluate(x: np.ndarray, mean: float, mr_bar: float) -> dict[str, np.ndarray]:
    """Apply the four rules to one segment's non-missing values, in time order."""
    n = x.size
    no = np.zeros(n, dtype=bool)
    if n == 0 or math.isnan(mr_bar):
        return {
            "outside_limits": no,
            "shift": no.copy(),
            "trend": no.copy(),
            "two_of_three": no.copy(),
            "direction": np.zeros(n, dtype=np.int8),
        }
    upper, lower = mean + LIMIT_FACTOR * mr_bar, mean - LIMIT_FACTOR * mr_bar
    upper2, lower2 = mean + TWO_SIGMA_FACTOR * mr_bar, mean - TWO_SIGMA_FACTOR * mr_bar
    side = np.sign(x - mean).astype(np.int8)

    outside = (x > upper) | (x < lower)

    shift = no.copy()
    for start, stop, _ in _runs(side, SHIFT_RUN):
        shift[start:stop] = True

    trend = no.copy()
    trend_direction = np.zeros(n, dtype=np.int8)
    steps = np.sign(np.diff(x)).astype(np.int8)
    # Step k joins points k and k+1, so a run of TREND_RUN - 1 steps covers TREND_RUN points.
    # Runs come in time order, so a shared turning point ends up with the later trend.
    for start, stop, code in _runs(steps, TREND_RUN - 1):
        trend[start : stop + 1] = True
        trend_direction[start : stop + 1] = code

    two = _two_of_three(side, (x > upper2) | (x < lower2))

    direction = np.where(outside, side, np.where(trend, trend_direction, np.where(two | shift, side, 0)))
    return {
        "outside_limits": outside,
        "shift": shift,
        "trend": trend,
        "two_of_three": two,
        "direction": direction.astype(np.int8),
    }


def _as_periods(periods: Sequence | pd.Series) -> np.ndarray:
    """Dates as ``datetime64[ns]``; a missing date has no place on a time axis, so it is an error."""
    converted = pd.to_datetime(pd.Series(list(periods), dtype=object), errors="raise")
    if converted.isna().any():
        raise ValueError("periods must not contain missing dates")
    return converted.to_numpy(dtype="datetime64[ns]")


def _as_values(values: Sequence | pd.Series) -> np.ndarray:
    """Floats with every kind of missing marker (None, pd.NA, NaN, +/-inf) as NaN."""
    numeric = pd.to_numeric(pd.Series(list(values), dtype=object), errors="raise")
    out = np.array(numeric.to_numpy(dtype=float, na_value=np.nan), dtype=float, copy=True)
    out[~np.isfinite(out)] = np.nan  # +/-inf carries no usable information: treat as missing
    return out


def _empty_chart() -> pd.DataFrame:
    data: dict[str, pd.Series] = {"period_start": pd.Series([], dtype="datetime64[ns]")}
    for column in _FLOAT_COLUMNS:
        data[column] = pd.Series([], dtype=float)
    for column in (*_RULE_COLUMNS, "special_cause"):
        data[column] = pd.Series([], dtype=bool)
    data["variation"] = pd.Series([], dtype=str)
    data["segment"] = pd.Series([], dtype="int64")
    return pd.DataFrame(data, columns=list(COLUMNS))


def xmr(
    periods: Sequence | pd.Series,
    values: Sequence | pd.Series,
    *,
    improvement_direction: str | None,
    breaks: Sequence[date] = (),
    fix_after_n_points: int | None = None,
) -> pd.DataFrame:
    """Build an MDC XmR chart: one row per period, sorted by period.

    ``breaks`` are dates at which the limits are recalculated (for example entry to
    Special Measures): a new segment starts at the first period on or after each
    break date, and each segment has its own mean, limits and rule evaluation.
    ``fix_after_n_points`` computes each segment's limits from its first N
    non-missing points only and extends them over the rest of the segment.

    Missing values stay in the output (``value`` and ``moving_range`` NaN, no rule
    flags, ``common_cause``) and are skipped by every calculation; the segment's
    mean and limits are still filled in so the chart's lines run across the gap.

    Raises ``ValueError`` for an unknown ``improvement_direction``, mismatched
    lengths, missing or duplicate periods, or ``fix_after_n_points`` below 2.
    """
    polarity = _polarity(improvement_direction)
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool) or int(fix_after_n_points) < MIN_POINTS_FOR_LIMITS
    ):
        raise ValueError(f"fix_after_n_points must be at least {MIN_POINTS_FOR_LIMITS}")
    fix = None if fix_after_n_points is None else int(fix_after_n_points)

    when = _as_periods(periods)
    x_all = _as_values(values)
    if when.size != x_all.size:
        raise ValueError(f"periods ({when.size}) and values ({x_all.size}) differ in length")
    if when.size == 0:
        return _empty_chart()

    order = np.argsort(when, kind="stable")
    when, x_all = when[order], x_all[order]
    if (when[1:] == when[:-1]).any():
        raise ValueError("periods must be unique")

    break_dates = np.sort(_as_periods(breaks))
    raw_segment = np.searchsorted(break_dates, when, side="right")
    # Renumber from 0 so breaks before the first or after the last period do not leave gaps.
    segment = np.concatenate(([0], np.cumsum(raw_segment[1:] != raw_segment[:-1]))).astype(np.int64)

    n = x_all.size
    mean = np.full(n, np.nan)
    mr_bar = np.full(n, np.nan)
    moving_range = np.full(n, np.nan)
    flags = {name: np.zeros(n, dtype=bool) for name in _RULE_COLUMNS}
    direction = np.zeros(n, dtype=np.int8)

    boundaries = np.flatnonzero(np.diff(segment)) + 1
    for rows in np.split(np.arange(n), boundaries):
        present = rows[~np.isnan(x_all[rows])]
        x = x_all[present]
        seg_mean, seg_mr_bar = _baseline_stats(x, fix)
        mean[rows] = seg_mean
        mr_bar[rows] = seg_mr_bar
        if x.size >= 2:
            moving_range[present[1:]] = np.abs(np.diff(x))
        result = _evaluate(x, seg_mean, seg_mr_bar)
        for name in _RULE_COLUMNS:
            flags[name][present] = result[name]
        direction[present] = result["direction"]

    special = flags["outside_limits"] | flags["shift"] | flags["trend"] | flags["two_of_three"]
    oriented = direction.astype(np.int64) * polarity
    variation = np.where(
        ~special,
        COMMON_CAUSE,
        np.where(oriented > 0, IMPROVEMENT, np.where(oriented < 0, CONCERN, NEITHER)),
    )

    chart = pd.DataFrame(
        {
            "period_start": when,
            "value": x_all,
            "mean": mean,
            "lower_limit": mean - LIMIT_FACTOR * mr_bar,
            "upper_limit": mean + LIMIT_FACTOR * mr_bar,
            "lower_2sigma": mean - TWO_SIGMA_FACTOR * mr_bar,
            "upper_2sigma": mean + TWO_SIGMA_FACTOR * mr_bar,
            "moving_range": moving_range,
            **flags,
            "special_cause": special,
            "variation": pd.Series(variation.tolist(), dtype=str),
            "segment": segment,
        },
        columns=list(COLUMNS),
    )
    return chart


@dataclass(frozen=True)
class SpcSummary:
    """What a metric tile needs: MDC icons plus the latest segment's centre and limits."""

    variation_icon: str
    assurance_icon: str | None
    n_points: int
    reliable: bool
    latest_value: float | None
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None


def _optional(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _latest_direction(points: pd.DataFrame) -> int:
    """Direction (+1/-1) of the special cause at the last of ``points`` (0 if none).

    Mirrors the rule precedence used by :func:`xmr`; the latest point can only be
    the end of a trend, so the trend's direction is its final step.
    """
    last = points.iloc[-1]
    if not bool(last["special_cause"]):
        return 0
    side = int(np.sign(last["value"] - last["mean"]))
    if bool(last["outside_limits"]):
        return side
    if bool(last["trend"]) and len(points) >= 2:
        return int(np.sign(last["value"] - points.iloc[-2]["value"]))
    return side


def _assurance(target: float | None, polarity: int, lower: float | None, upper: float | None) -> str | None:
    if target is None or polarity == 0 or lower is None or upper is None:
        return None
    goal = float(target)
    if math.isnan(goal):
        return None
    if goal > upper:  # every expected value is below the target
        return "fail" if polarity > 0 else "pass"
    if goal < lower:  # every expected value is above the target
        return "pass" if polarity > 0 else "fail"
    return "hit_and_miss"


def summarise(
    chart: pd.DataFrame,
    *,
    improvement_direction: str | None,
    target: float | None = None,
) -> SpcSummary:
    """Summarise an :func:`xmr` chart as MDC's variation and assurance icons.

    The latest point is the last period with a value; ``n_points``, ``reliable``,
    ``mean`` and the limits describe that point's segment, because those are the
    limits a board is asked to judge against.  ``improvement_direction`` is only
    needed for the assurance icon; the variation icon's high/low comes from the
    chart itself.
    """
    polarity = _polarity(improvement_direction)
    empty = SpcSummary(COMMON_CAUSE, None, 0, False, None, None, None, None)
    if chart.empty:
        return empty
    ordered = chart.sort_values("period_start", kind="stable")
    present = ordered[ordered["value"].notna()]
    if present.empty:
        return empty

    latest = present.iloc[-1]
    segment_points = present[present["segment"] == latest["segment"]]
    n_points = len(segment_points)
    mean = _optional(latest["mean"])
    lower = _optional(latest["lower_limit"])
    upper = _optional(latest["upper_limit"])

    variation = str(latest["variation"])
    direction = _latest_direction(segment_points)
    if variation == COMMON_CAUSE or direction == 0:
        icon = COMMON_CAUSE
    else:
        icon = f"{variation}_{'high' if direction > 0 else 'low'}"

    return SpcSummary(
        variation_icon=icon,
        assurance_icon=_assurance(target, polarity, lower, upper),
        n_points=n_points,
        reliable=n_points >= MIN_RELIABLE_POINTS,
        latest_value=float(latest["value"]),
        mean=mean,
        lower_limit=lower,
        upper_limit=upper,
    )


def describe_rules() -> list[tuple[str, str]]:
    """Plain-English rules for the methods page, built from the constants actually used."""
    return [
        (
            "Process limits",
            "The centre line is the mean of the baseline points. The process limits are the mean plus "
            f"and minus {LIMIT_FACTOR} times the average moving range (the average absolute change "
            "between consecutive points), which corresponds to three sigma.",
        ),
        (
            "Outlier screening",
            f"Before the limits are set, any moving range more than {MR_SCREEN_FACTOR} times the average "
            "moving range is left out and the average is worked out again, once, so that a single "
            "extreme month does not widen the limits.",
        ),
        (
            "Point outside the limits",
            "A single point above the upper process limit or below the lower process limit is special "
            "cause variation.",
        ),
        (
            "Shift",
            f"{SHIFT_RUN} or more consecutive points all above the mean, or all below it, are special "
            "cause variation. A point exactly on the mean ends the run.",
        ),
        (
            "Trend",
            f"{TREND_RUN} or more consecutive points each higher than the one before, or each lower, "
            "are special cause variation (that is, "
            f"{TREND_RUN - 1} rises or falls in a row). Two equal values in a row end the run. The trend's "
            "colour follows its direction, even where it crosses the mean.",
        ),
        (
            "Two out of three near a limit",
            f"When {TWO_OF_THREE_COUNT} out of {TWO_OF_THREE_WINDOW} consecutive points, all on the same "
            "side of the mean, are beyond the two-sigma line on that side (two thirds of the way to the "
            "process limit, or further), those points are special cause variation.",
        ),
        (
            "Conflicting signals",
            "A point picked up by more than one rule takes the direction of the first of: outside the "
            "limits, trend, two out of three, shift. Special cause in the better direction is "
            "improvement (blue), in the worse direction concern (orange), and neither (purple) when no "
            "direction is better.",
        ),
        (
            "Recalculation and missing data",
            "The mean and limits are recalculated from each change point (such as entry to Special "
            "Measures); runs never cross a change point. Missing months are skipped, not counted as "
            "zero.",
        ),
        (
            "Amount of data",
            f"With fewer than {MIN_RELIABLE_POINTS} points since the last change point the limits are "
            "trial limits and should be read with caution. With fewer than "
            f"{MIN_POINTS_FOR_LIMITS} points no limits can be drawn.",
        ),
        (
            "Assurance",
            "Against a target: pass when the target lies beyond the process limit on the worse side, so "
            "the process will consistently meet it; fail when it lies beyond the limit on the better "
            "side, so it will consistently miss; hit and miss when the target is between the limits.",
        ),
    ]
