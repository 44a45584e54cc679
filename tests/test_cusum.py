"""Tabular CUSUM (``dashboard.cusum``), worked by hand.

The baseline ``BASE`` is 10, 11.128, 10, 11.128, ... (12 points): its mean is 10.564, each of its
11 moving ranges is 1.128, so sigma = 1.128 / 1.128 = 1, and with the defaults k = 0.5 sigma = 0.5
and h = 4 sigma = 4. After it, each value adds ``value - 10.564 - 0.5`` to the upper sum and
``10.564 - value - 0.5`` to the lower one (neither going below 0).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import cusum as cu

BASE = [10.0, 11.128] * 6
MEAN = 10.564


def months(n: int, start: str = "2019-01-01") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="MS")


def run(values: list[float], **kwargs: object) -> cu.Cusum:
    return cu.cusum(months(len(values)), values, **kwargs)


# The worked series (defaults k = 0.5, h = 4), point by point after the baseline:
#  value    upper sum                          lower sum                          signal
#  12.064   0   + 12.064 - 10.564 - 0.5 = 1.0  0 + 10.564 - 12.064 - 0.5 < 0 -> 0
#  12.064   1.0 + 1.5 - 0.5             = 2.0  0
#  11.064   2.0 + 0.5 - 0.5             = 2.0  0
#  13.564   2.0 + 3.0 - 0.5             = 4.5  0                                  up (4.5 > 4)
#   9.064   restart: 0 - 1.5 - 0.5 < 0 -> 0    restart: 0 + 1.5 - 0.5    = 1.0
#   8.064   0                                  1.0 + 2.5 - 0.5           = 3.0
#   9.564   0                                  3.0 + 1.0 - 0.5           = 3.5
#  10.564   0                                  3.5 + 0.0 - 0.5           = 3.0
#   7.064   0                                  3.0 + 3.5 - 0.5           = 6.0   down (6.0 > 4)
#  10.564   restart: 0 - 0.5 < 0 -> 0          restart: 0 - 0.5 < 0 -> 0
AFTER = [12.064, 12.064, 11.064, 13.564, 9.064, 8.064, 9.564, 10.564, 7.064, 10.564]
UPPER = [1.0, 2.0, 2.0, 4.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
LOWER = [0.0, 0.0, 0.0, 0.0, 1.0, 3.0, 3.5, 3.0, 6.0, 0.0]
SIGNALS = [None, None, None, "up", None, None, None, None, "down", None]


def test_sums_and_signals_match_the_series_worked_by_hand():
    result = run(BASE + AFTER)
    table = result.table
    assert list(table.columns) == list(cu.COLUMNS)
    assert (result.baseline_mean, result.sigma, result.k, result.h) == pytest.approx((MEAN, 1.0, 0.5, 4.0))
    after = table.iloc[12:]
    assert after["cusum_up"].tolist() == pytest.approx(UPPER)
    assert after["cusum_down"].tolist() == pytest.approx(LOWER)
    assert [s if isinstance(s, str) else None for s in after["signal"]] == SIGNALS
    assert table["baseline_mean"].tolist() == pytest.approx([MEAN] * 22)
    assert table["sigma"].tolist() == pytest.approx([1.0] * 22)
    assert result.note is None


def test_both_sums_start_again_from_zero_after_a_signal():
    table = run(BASE + AFTER).table
    # Row 15 signalled up with 4.5; had the sums carried on, row 16's upper sum would be
    # 4.5 - 2.0 = 2.5 and not 0, and its lower sum would also start from 0 (it does: 1.0).
    assert table.loc[15, "signal"] == "up"
    assert table.loc[16, "cusum_up"] == pytest.approx(0.0)
    assert table.loc[16, "cusum_down"] == pytest.approx(1.0)
    assert table.loc[20, "signal"] == "down"
    assert table.loc[21, ["cusum_up", "cusum_down"]].tolist() == pytest.approx([0.0, 0.0])


def test_a_sum_must_exceed_h_to_signal():
    # 14.064 adds 3.0 a point: 3.0, then 6.0 (> 4): the first point, below h, does not signal.
    table = run([*BASE, 14.064, 14.064]).table
    assert table["cusum_up"].iloc[12:].tolist() == pytest.approx([3.0, 6.0])
    assert pd.isna(table.loc[12, "signal"]) and table.loc[13, "signal"] == "up"
    # Just below and just above h = 4 in one step (value = mean + k + h -/+ a little).
    below = run([*BASE, MEAN + 0.5 + 4 - 1e-6]).table
    above = run([*BASE, MEAN + 0.5 + 4 + 1e-6]).table
    assert pd.isna(below["signal"].iloc[-1]) and above["signal"].iloc[-1] == "up"


def test_baseline_points_and_any_before_them_have_blank_sums():
    early = [50.0, 60.0, 55.0]  # before the baseline: the event's baseline is the 12 before it
    values = early + BASE + AFTER
    periods = months(len(values))
    event = periods[len(early) + 12] + pd.Timedelta(days=14)  # mid-month of the first point after
    result = cu.cusum(periods, values, event=event)
    table = result.table
    assert table[["cusum_up", "cusum_down"]].iloc[:15].isna().all().all()
    assert table["signal"].iloc[:15].isna().all()
    assert result.baseline.tolist() == [False] * 3 + [True] * 12 + [False] * 10
    assert result.baseline_mean == pytest.approx(MEAN)  # the early points are not in it
    assert table["cusum_up"].iloc[15:].tolist() == pytest.approx(UPPER)


def test_the_event_month_is_after_the_event():
    values = BASE + AFTER
    periods = months(len(values))
    # An event on the 20th of the 13th month: that month's point is judged, not baseline.
    result = cu.cusum(periods, values, event=periods[12] + pd.Timedelta(days=19))
    assert result.baseline.tolist() == [True] * 12 + [False] * 10
    # An event in the 12th month leaves 11 points before it: no baseline.
    short = cu.cusum(periods, values, event=periods[11].date())
    assert short.h is None and short.note.startswith("Only 11 points with a value before the event")


def test_cusum_k_and_cusum_h_change_the_slack_and_the_decision_interval():
    # k = 1, h = 3: each point adds value - 10.564 - 1 to the upper sum.
    #  12.064 -> 0.5; 12.064 -> 1.0; 11.064 -> 1.0 + 0.5 - 1 = 0.5; 13.564 -> 0.5 + 3 - 1 = 2.5
    #   9.064 -> lower 1.5 - 1 = 0.5; 8.064 -> 0.5 + 2.5 - 1 = 2.0; 9.564 -> 2.0 + 1 - 1 = 2.0
    #  10.564 -> 2.0 - 1 = 1.0; 7.064 -> 1.0 + 3.5 - 1 = 3.5 > 3: down; 10.564 -> 0, 0
    result = run(BASE + AFTER, cusum_k=1.0, cusum_h=3.0)
    after = result.table.iloc[12:]
    assert (result.k, result.h, result.cusum_k, result.cusum_h) == pytest.approx((1.0, 3.0, 1.0, 3.0))
    assert after["cusum_up"].tolist() == pytest.approx([0.5, 1.0, 0.5, 2.5, 0, 0, 0, 0, 0, 0])
    assert after["cusum_down"].tolist() == pytest.approx([0, 0, 0, 0, 0.5, 2.0, 2.0, 1.0, 3.5, 0])
    assert [s if isinstance(s, str) else None for s in after["signal"]] == [None] * 8 + ["down", None]
    # A smaller h signals sooner: h = 1.5 signals up at the second point (2.0 > 1.5).
    sooner = run(BASE + AFTER, cusum_h=1.5).table
    assert sooner.loc[13, "signal"] == "up"


def test_without_an_event_the_first_twelve_points_are_the_baseline():
    values = BASE + AFTER
    for event in (None, pd.NaT, float("nan")):
        result = cu.cusum(months(len(values)), values, event=event)
        assert result.baseline.tolist() == [True] * 12 + [False] * 10
        assert result.table["cusum_up"].iloc[12:].tolist() == pytest.approx(UPPER)


def test_fewer_than_twelve_points_gives_no_baseline_and_says_why():
    result = run(BASE[:11])
    assert result.note == "Only 11 points with a value in all: the CUSUM needs 12 for its baseline."
    assert result.table[["baseline_mean", "sigma", "cusum_up", "cusum_down"]].isna().all().all()
    assert result.table["signal"].isna().all()
    assert (result.baseline_mean, result.sigma, result.k, result.h) == (None, None, None, None)


def test_missing_values_are_skipped_and_the_sums_carry_over():
    # A gap inside the baseline: the baseline is still 12 values (13 rows).
    with_gap = [*BASE[:5], math.nan, *BASE[5:], *AFTER]
    result = run(with_gap)
    assert result.baseline.sum() == 12 and bool(result.baseline[12])
    assert result.baseline_mean == pytest.approx(MEAN) and result.sigma == pytest.approx(1.0)
    # A gap after the baseline: blank there, and the next value adds to the sums before the gap.
    after_gap = [*BASE, 12.064, 12.064, None, 11.064, 13.564]
    table = run(after_gap).table
    assert table[["cusum_up", "cusum_down", "signal"]].iloc[14].isna().all()
    assert table["cusum_up"].iloc[[12, 13, 15, 16]].tolist() == pytest.approx([1.0, 2.0, 2.0, 4.5])
    assert table.loc[16, "signal"] == "up"


def test_a_flat_baseline_signals_any_departure():
    result = run([5.0] * 12 + [5.0, 5.1])
    assert (result.sigma, result.k, result.h) == (0.0, 0.0, 0.0)
    assert pd.isna(result.table.loc[12, "signal"]) and result.table.loc[13, "signal"] == "up"


def test_rows_come_back_in_period_order():
    values = BASE + AFTER
    periods = months(len(values))
    shuffled = np.random.default_rng(3).permutation(len(values))
    result = cu.cusum(periods[shuffled], [values[i] for i in shuffled])
    assert result.table["period_start"].is_monotonic_increasing
    assert result.table["cusum_up"].iloc[12:].tolist() == pytest.approx(UPPER)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cusum_k": -0.1}, "cusum_k"),
        ({"cusum_h": 0}, "cusum_h"),
        ({"cusum_h": math.inf}, "cusum_h"),
    ],
)
def test_parameters_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run(BASE, **kwargs)


def test_bad_periods_are_rejected():
    with pytest.raises(ValueError, match="unique"):
        cu.cusum([date(2020, 1, 1)] * 2, [1.0, 2.0])
    with pytest.raises(ValueError, match="missing dates"):
        cu.cusum([date(2020, 1, 1), None], [1.0, 2.0])
    with pytest.raises(ValueError, match="differ in length"):
        cu.cusum([date(2020, 1, 1)], [1.0, 2.0])


# --- Reading signals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signal", "higher_is_better", "reading"),
    [
        ("up", True, "improvement"),
        ("down", True, "concern"),
        ("up", False, "concern"),
        ("down", False, "improvement"),
        ("up", None, "neither"),
        (None, True, None),
        (float("nan"), True, None),
    ],
)
def test_signal_reading_follows_the_metrics_direction(signal, higher_is_better, reading):
    assert cu.signal_reading(signal, higher_is_better) == reading


def test_latest_signal_of_a_series():
    table = run(BASE + AFTER).table
    assert cu.latest_signal(table) == ("down", months(22)[20])
    assert cu.latest_signal(run(BASE + [MEAN] * 5).table) is None


# --- Many series at once -----------------------------------------------------------------------


def test_latest_signals_of_many_series():
    frame = pd.concat(
        [
            pd.DataFrame(
                {"trust_code": "RB", "metric_id": "m1", "period_start": months(22), "value": BASE + AFTER}
            ),
            pd.DataFrame(
                {"trust_code": "RA", "metric_id": "m1", "period_start": months(14), "value": BASE + [12, 12]}
            ),
            pd.DataFrame(
                {"trust_code": "RA", "metric_id": "m0", "period_start": months(5), "value": BASE[:5]}
            ),
        ]
    )
    out = cu.latest_signals(frame)
    assert out[["trust_code", "metric_id"]].values.tolist() == [["RA", "m0"], ["RA", "m1"], ["RB", "m1"]]
    assert [s if isinstance(s, str) else None for s in out["cusum_signal"]] == [None, None, "down"]
    assert out.loc[2, "cusum_signal_period"] == months(22)[20]
    assert pd.isna(out.loc[0, "cusum_signal_period"])


@st.composite
def many_series(draw):
    """A few trusts' series of random length, with gaps and events (or none)."""
    n_series = draw(st.integers(1, 5))
    parts, events = [], {}
    for i in range(n_series):
        length = draw(st.integers(0, 40))
        values = draw(
            st.lists(
                st.one_of(st.none(), st.floats(-50, 50, allow_nan=False)), min_size=length, max_size=length
            )
        )
        code = f"R{i}"
        start = draw(st.sampled_from(["2018-01-01", "2018-07-01"]))
        parts.append(
            pd.DataFrame(
                {"trust_code": code, "metric_id": "m", "period_start": months(length, start), "value": values}
            )
        )
        if draw(st.booleans()):
            events[code] = pd.Timestamp("2018-01-01") + pd.Timedelta(days=draw(st.integers(0, 1200)))
    return pd.concat(parts, ignore_index=True), pd.Series(events, dtype="datetime64[ns]")


@settings(max_examples=80, deadline=None)
@given(many_series(), st.sampled_from([0.0, 0.5, 1.0]), st.sampled_from([1.0, 4.0]))
def test_many_series_at_once_agree_with_one_at_a_time(data, k, h):
    frame, events = data
    together = cu.latest_signals(frame, events, cusum_k=k, cusum_h=h).set_index("trust_code")
    for code, series in frame.groupby("trust_code"):
        alone = cu.cusum(
            series["period_start"], series["value"], event=events.get(code), cusum_k=k, cusum_h=h
        )
        expected = cu.latest_signal(alone.table)
        got = together.loc[code]
        if expected is None:
            assert pd.isna(got["cusum_signal"])
        else:
            assert (got["cusum_signal"], got["cusum_signal_period"]) == expected
