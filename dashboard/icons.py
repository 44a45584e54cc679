"""The Making Data Count summary icon matrix: the ``icons`` view (contract §4), trusts by metrics.

For each (trust, metric): the latest point, its variation as :func:`dashboard.spc.xmr` gives it,
the assurance of the latest limits against the metric's target, the icon names the files in
``assets/icons/`` carry, and the latest CUSUM signal (:mod:`dashboard.cusum`).

How it is fast
--------------
One ``spc.xmr`` call per trust and metric costs about 3 ms with ``summarise``: three minutes for
2,000 trusts x 30 metrics. ``xmr`` only looks at the order of the periods, the values and the
recalculation breaks, so here every series of one improvement direction goes through a single
``xmr`` call: the series are laid end to end on a stand-in time axis (one nanosecond per row)
with a break at the start of each series (and at each trust's own break), so each is its own
segment, with its own mean, limits and rules, exactly as in a call of its own. The latest-point
icon then follows :func:`dashboard.spc.summarise` (its high/low rule) on whole columns at once;
``tests/test_icons.py`` checks both against per-series ``xmr``/``summarise`` on random series.

Assurance (contract §4)
-----------------------
Against the latest limits: higher is better, ``pass`` when ``target < lower_limit``, ``fail``
when ``target > upper_limit``; lower is better, ``pass`` when ``target > upper_limit``, ``fail``
when ``target < lower_limit``; ``hit_or_miss`` otherwise, including a target exactly on a limit.
Blank without a target, without a direction, or without limits (fewer than 2 points in the
latest segment). ``spc.summarise`` spells the last ``hit_and_miss``, the name of its icon file;
this table uses the contract's ``hit_or_miss`` and gives the file's name in ``assurance_icon``.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import pandas as pd

from dashboard import spc
from dashboard.alignment import EVENT_COLUMNS
from dashboard.cusum import CUSUM_H, CUSUM_K, by_trust, series_frame, signal_reading, signals_of_series

__all__ = [
    "ASSURANCE_ICONS",
    "COLUMNS",
    "assurance",
    "assurance_of",
    "icon_matrix",
    "icon_src",
    "icons_view",
]

COLUMNS: Final[tuple[str, ...]] = (
    "trust_code",
    "metric_id",
    "latest_period",
    "latest_value",
    "variation",
    "assurance",
    "variation_icon",
    "assurance_icon",
    "mean",
    "lower_limit",
    "upper_limit",
    "points",
    "reliable",
    "cusum_signal",
    "cusum_signal_period",
    "cusum_reading",
)

PASS: Final = "pass"
FAIL: Final = "fail"
HIT_OR_MISS: Final = "hit_or_miss"
ASSURANCE_ICONS: Final[dict[str, str]] = {PASS: "pass", FAIL: "fail", HIT_OR_MISS: "hit_and_miss"}
"""Assurance (the contract's words) to the name of its icon in ``assets/icons/assurance-*.svg``."""


def icon_src(kind: str, icon: str) -> str:
    """The URL of an MDC icon: ``icon_src("variation", "improvement_high")``."""
    if kind not in ("variation", "assurance"):
        raise ValueError(f"kind must be 'variation' or 'assurance', not {kind!r}")
    return f"/assets/icons/{kind}-{icon}.svg"


def _polarity(value: Any) -> bool | None:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return bool(value)


def assurance(
    target: np.ndarray | pd.Series,
    lower_limit: np.ndarray | pd.Series,
    upper_limit: np.ndarray | pd.Series,
    higher_is_better: np.ndarray | pd.Series,
) -> np.ndarray:
    """Assurance of each row by the contract rule: ``pass``, ``fail``, ``hit_or_miss`` or None.

    ``higher_is_better`` is True, False or None (no direction) per row.
    """
    goal = np.asarray(pd.to_numeric(pd.Series(target), errors="coerce"), dtype=float)
    lower = np.asarray(lower_limit, dtype=float)
    upper = np.asarray(upper_limit, dtype=float)
    direction = [_polarity(v) for v in np.asarray(higher_is_better, dtype=object)]
    higher = np.array([d is True for d in direction], dtype=bool)
    lower_better = np.array([d is False for d in direction], dtype=bool)
    known = (higher | lower_better) & np.isfinite(goal) & np.isfinite(lower) & np.isfinite(upper)
    below = goal < lower  # the whole process is above the target
    above = goal > upper  # the whole process is below the target
    out = np.where(
        higher,
        np.where(below, PASS, np.where(above, FAIL, HIT_OR_MISS)),
        np.where(above, PASS, np.where(below, FAIL, HIT_OR_MISS)),
    ).astype(object)
    out[~known] = None
    return out


def assurance_of(
    target: float | None, lower_limit: float | None, upper_limit: float | None, higher_is_better: bool | None
) -> str | None:
    """:func:`assurance` of one metric: ``assurance_of(95, 96.1, 99.0, True) == "pass"``."""
    nan = math.nan
    return assurance(
        np.array([nan if target is None else target], dtype=float),
        np.array([nan if lower_limit is None else lower_limit], dtype=float),
        np.array([nan if upper_limit is None else upper_limit], dtype=float),
        np.array([higher_is_better], dtype=object),
    )[0]


def _latest_segments(frame: pd.DataFrame, breaks: pd.Series | None) -> pd.DataFrame:
    """The rows of each series' segment that holds its latest value (all rows without breaks).

    Segments never share a mean, limits or a run, so the latest point's variation, limits and
    icons depend on its own segment alone: the earlier ones are left out before ``xmr``, and
    each series left is one segment.
    """
    if breaks is None or not len(breaks) or frame.empty:
        return frame
    when = by_trust(frame["trust_code"], breaks).astype("datetime64[ns]")
    segment = (frame["period_start"].to_numpy() >= when).astype(np.int8)  # NaT: False, no break
    series = frame["series"].to_numpy()
    present = frame["value"].notna().to_numpy()
    latest = np.full(int(series.max()) + 1, -1, dtype=np.int8)
    np.maximum.at(latest, series[present], segment[present])
    # A series with no value at all keeps its rows; it gets no icons either way.
    mine = latest[series]
    return frame[(segment == mine) | (mine < 0)]


def _charts(frame: pd.DataFrame, direction: str | None) -> pd.DataFrame:
    """``spc.xmr`` of every series of ``frame`` (sorted, one direction) in one call, row-aligned."""
    series = frame["series"].to_numpy()
    starts = np.flatnonzero(np.r_[True, series[1:] != series[:-1]])
    # A stand-in axis: xmr needs ordered unique periods and break dates, not real dates.
    axis = np.arange(len(frame), dtype=np.int64).astype("datetime64[ns]")
    breaks = list(axis[starts[1:]])  # xmr reads breaks as a sequence of period starts
    return spc.xmr(axis, frame["value"].to_numpy(), improvement_direction=direction, breaks=breaks)


_CHART_COLUMNS: Final = ("mean", "lower_limit", "upper_limit", "outside_limits", "trend", "special_cause")


def icon_matrix(
    values: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    breaks: pd.Series | None = None,
    events: pd.Series | None = None,
    cusum_k: float = CUSUM_K,
    cusum_h: float = CUSUM_H,
) -> pd.DataFrame:
    """The ``icons`` view: one row per (trust_code, metric_id) of ``values``, sorted.

    ``values``: ``trust_code, metric_id, period_start, value``. ``metrics``: ``metric_id,
    higher_is_better`` and optionally ``target`` (a metric absent from it has no direction and
    no target). ``breaks``: trust code to the date from which its SPC limits are recalculated
    (as ``trajectories``' ``spc_break``); ``events``: trust code to the event date that ends its
    CUSUM baseline (as the ``cusum`` view's ``align``). The columns are :data:`COLUMNS`: the
    contract's six, then the icon names, the latest segment's mean and limits, its number of
    points and whether that is enough (``spc.MIN_RELIABLE_POINTS``), and the latest CUSUM
    signal with its period and reading (``improvement``/``concern``/``neither``).
    """
    frame = series_frame(values)
    definitions = metrics.drop_duplicates("metric_id").set_index("metric_id")
    definitions.index = definitions.index.astype(str)
    polarity = {m: _polarity(v) for m, v in definitions["higher_is_better"].items()}
    targets = (
        pd.to_numeric(definitions["target"], errors="coerce")
        if "target" in definitions.columns
        else pd.Series(np.nan, index=definitions.index, dtype=float)
    )
    if breaks is not None:
        breaks = pd.to_datetime(pd.Series(breaks, dtype=object), errors="coerce").dropna()
        breaks.index = breaks.index.astype(str)
        breaks = breaks[~breaks.index.duplicated(keep="first")]

    kept = _latest_segments(frame, breaks)
    n = len(kept)
    metric_names = kept["metric_id"].cat.categories.astype(str)
    metric_codes = kept["metric_id"].cat.codes.to_numpy()
    chart: dict[str, np.ndarray] = {
        "mean": np.full(n, np.nan),
        "lower_limit": np.full(n, np.nan),
        "upper_limit": np.full(n, np.nan),
        "outside_limits": np.zeros(n, dtype=bool),
        "trend": np.zeros(n, dtype=bool),
        "special_cause": np.zeros(n, dtype=bool),
        "variation": np.full(n, None, dtype=object),
    }
    for better in (True, False, None):
        codes = [i for i, m in enumerate(metric_names) if polarity.get(m) is better]
        mask = np.isin(metric_codes, codes)
        if mask.any():
            part = _charts(kept[mask], spc.direction_from_polarity(better))
            for column in (*_CHART_COLUMNS, "variation"):
                chart[column][mask] = part[column].to_numpy()

    # The latest row with a value of each series, the one before it, and how many there are.
    series = kept["series"].to_numpy()
    x = kept["value"].to_numpy(dtype=float)
    rows = np.flatnonzero(~np.isnan(x))
    owner = series[rows]
    is_last = np.r_[owner[1:] != owner[:-1], True] if rows.size else np.zeros(0, dtype=bool)
    has_previous = np.r_[False, owner[1:] == owner[:-1]] if rows.size else np.zeros(0, dtype=bool)
    previous_row = np.where(has_previous, np.r_[-1, rows[:-1]], -1)[is_last]
    latest = rows[is_last]
    points = np.diff(np.r_[0, np.flatnonzero(is_last) + 1])
    with_value = series[latest]

    side = np.sign(x[latest] - chart["mean"][latest])
    step = np.where(previous_row >= 0, np.sign(x[latest] - x[np.maximum(previous_row, 0)]), 0.0)
    # spc.summarise's high/low: outside the limits by side, else a trend by its last step, else side.
    direction = np.where(chart["outside_limits"][latest], side, np.where(chart["trend"][latest], step, side))
    direction = np.where(chart["special_cause"][latest], direction, 0)
    variation = chart["variation"][latest]
    icon = np.where(
        (variation == spc.COMMON_CAUSE) | (direction == 0),
        spc.COMMON_CAUSE,
        variation.astype(str).astype(object) + np.where(direction > 0, "_high", "_low").astype(object),
    )
    latest_metric = metric_names.to_numpy()[metric_codes[latest]]
    grade = assurance(
        targets.reindex(latest_metric).to_numpy(dtype=float),
        chart["lower_limit"][latest],
        chart["upper_limit"][latest],
        np.array([polarity.get(m) for m in latest_metric], dtype=object),
    )

    signals = signals_of_series(frame, events, cusum_k=cusum_k, cusum_h=cusum_h)
    total = len(signals)

    def spread(data: np.ndarray, fill: Any, dtype: Any) -> np.ndarray:
        """Per-series values (for series with a value) onto every series, ``fill`` elsewhere."""
        out = np.full(total, fill, dtype=dtype)
        out[with_value] = data
        return out

    table = pd.DataFrame(
        {
            "trust_code": signals["trust_code"],
            "metric_id": signals["metric_id"],
            "latest_period": spread(
                kept["period_start"].to_numpy()[latest], np.datetime64("NaT"), "datetime64[ns]"
            ),
            "latest_value": spread(x[latest], np.nan, float),
            "variation": spread(variation, None, object),
            "assurance": spread(grade, None, object),
            "variation_icon": spread(icon, None, object),
            "assurance_icon": spread(
                np.array([None if g is None else ASSURANCE_ICONS[g] for g in grade], dtype=object),
                None,
                object,
            ),
            "mean": spread(chart["mean"][latest], np.nan, float),
            "lower_limit": spread(chart["lower_limit"][latest], np.nan, float),
            "upper_limit": spread(chart["upper_limit"][latest], np.nan, float),
            "points": spread(points, 0, np.int64),
            "reliable": spread(points >= spc.MIN_RELIABLE_POINTS, False, bool),
            "cusum_signal": signals["cusum_signal"],
            "cusum_signal_period": signals["cusum_signal_period"],
        }
    )
    table["cusum_reading"] = [
        signal_reading(s if isinstance(s, str) else None, polarity.get(m))
        for s, m in zip(table["cusum_signal"], table["metric_id"], strict=True)
    ]
    for column in ("variation", "assurance", "variation_icon", "assurance_icon", "cusum_reading"):
        table[column] = pd.Series(table[column].tolist(), dtype="str", index=table.index)
    return table[list(COLUMNS)]


def icons_view(
    values: pd.DataFrame,
    metrics: pd.DataFrame,
    trusts: pd.DataFrame,
    *,
    align: str | None = None,
    spc_break: str | None = None,
    cusum_k: float = CUSUM_K,
    cusum_h: float = CUSUM_H,
) -> pd.DataFrame:
    """:func:`icon_matrix` of a ``queries.trusts`` frame's trusts: SPC limits recalculated from
    each trust's event named by ``spc_break`` (as on ``trajectories``), the CUSUM baseline ended
    by its event named by ``align`` (as in the ``cusum`` view); only values of ``trusts``."""
    codes = trusts["trust_code"].astype(str)
    values = values[values["trust_code"].astype(str).isin(set(codes))]
    indexed = trusts.assign(trust_code=codes).set_index("trust_code")

    def event(name: str | None) -> pd.Series | None:
        column = EVENT_COLUMNS.get(name or "")
        return None if column is None else indexed[column].dropna()

    return icon_matrix(
        values[["trust_code", "metric_id", "period_start", "value"]],
        metrics,
        breaks=event(spc_break),
        events=event(align),
        cusum_k=cusum_k,
        cusum_h=cusum_h,
    )
