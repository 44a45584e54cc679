"""Tests for the Making Data Count XmR chart in ``dashboard.spc``.

Most series are built on ``BASE``: ten, twelve, ten, twelve ... (12 points), whose
mean is exactly 11 and whose every moving range is exactly 2.  With
``fix_after_n_points=12`` the limits stay those of ``BASE`` whatever is appended,
so each rule can be probed with hand-picked points against known lines:

* process limits 11 +/- 2.66 x 2 = 5.68 .. 16.32
* 2-sigma lines  11 +/- (2/3) x 2.66 x 2 = 7.4533.. .. 14.5466..
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.spc import (
    COLUMNS,
    MIN_RELIABLE_POINTS,
    SHIFT_RUN,
    TREND_RUN,
    SpcSummary,
    describe_rules,
    direction_from_polarity,
    summarise,
    xmr,
)

BASE = [10.0, 12.0] * 6
MEAN = 11.0
MR_BAR = 2.0
UPPER = MEAN + 2.66 * MR_BAR  # 16.32
LOWER = MEAN - 2.66 * MR_BAR  # 5.68
UPPER_2S = MEAN + 2 / 3 * 2.66 * MR_BAR  # 14.5466...
LOWER_2S = MEAN - 2 / 3 * 2.66 * MR_BAR  # 7.4533...

EXPECTED_COLUMNS = [
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
]


def months(n: int, start: date = date(2024, 1, 1)) -> list[date]:
    """Consecutive month starts, as monthly board metrics arrive."""
    return [
        date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(n)
    ]


def chart(values: list[float], direction: str | None = "increase", **kwargs: object) -> pd.DataFrame:
    return xmr(months(len(values)), values, improvement_direction=direction, **kwargs)  # type: ignore[arg-type]


def probe(extra: list[float], direction: str | None = "increase") -> pd.DataFrame:
    """``BASE`` with ``extra`` appended, judged against BASE's fixed limits."""
    return chart(BASE + extra, direction, fix_after_n_points=len(BASE))


def flagged(frame: pd.DataFrame, column: str = "special_cause") -> list[int]:
    return [int(i) for i in np.flatnonzero(frame[column].to_numpy())]


# --- limits -----------------------------------------------------------------------------------------


def test_limits_from_known_mean_and_moving_range() -> None:
    c = chart(BASE)
    assert list(c.columns) == EXPECTED_COLUMNS == list(COLUMNS)
    assert c["mean"].tolist() == [MEAN] * 12
    assert c["upper_limit"].to_numpy() == pytest.approx(16.32)
    assert c["lower_limit"].to_numpy() == pytest.approx(5.68)
    assert c["upper_2sigma"].to_numpy() == pytest.approx(11 + 3.546666667)
    assert c["lower_2sigma"].to_numpy() == pytest.approx(11 - 3.546666667)
    assert math.isnan(c["moving_range"].iloc[0])
    assert c["moving_range"].iloc[1:].tolist() == [2.0] * 11
    assert not c["special_cause"].any()
    assert set(c["variation"]) == {"common_cause"}
    assert c["segment"].tolist() == [0] * 12


def test_limits_use_all_points_when_not_fixed() -> None:
    # 1, 3, 2, 4: mean 10/4 = 2.5; moving ranges 2, 1, 2 -> 5/3 (none above 3.267 x 5/3).
    c = chart([1.0, 3.0, 2.0, 4.0])
    assert c["mean"].iloc[0] == pytest.approx(2.5)
    assert c["upper_limit"].iloc[0] == pytest.approx(2.5 + 2.66 * 5 / 3)
    assert c["lower_limit"].iloc[0] == pytest.approx(2.5 - 2.66 * 5 / 3)


def test_outlier_screening_changes_mean_moving_range() -> None:
    # Ten alternating points, then -10 and 32 (mean stays (110 - 10 + 32) / 12 = 11).
    # Moving ranges: nine 2s, |-10 - 12| = 22, |32 - (-10)| = 42 -> first mean 82/11 = 7.4545.
    # Cut-off 3.267 x 7.4545 = 24.35 drops the 42; the mean of the rest is (18 + 22)/10 = 4.
    values = [10.0, 12.0] * 5 + [-10.0, 32.0]
    c = chart(values)
    assert c["mean"].iloc[0] == pytest.approx(11.0)
    assert c["upper_limit"].iloc[0] == pytest.approx(11 + 2.66 * 4)  # 21.64, not 11 + 2.66 x 82/11 = 30.83
    assert c["lower_limit"].iloc[0] == pytest.approx(11 - 2.66 * 4)
    # the column still shows the screened range: screening only affects the average
    assert c["moving_range"].iloc[-1] == pytest.approx(42.0)
    assert flagged(c, "outside_limits") == [10, 11]
    assert c["variation"].iloc[10:].tolist() == ["concern", "improvement"]


def test_flat_baseline_keeps_zero_width_limits() -> None:
    c = chart([5.0] * 15)
    assert (c["lower_limit"] == 5.0).all() and (c["upper_limit"] == 5.0).all()
    assert not c["special_cause"].any()


# --- rule 1: outside the limits ---------------------------------------------------------------------


def test_single_point_above_upper_limit() -> None:
    c = probe([10.0, 17.0])
    assert flagged(c) == [13]
    assert flagged(c, "outside_limits") == [13]
    assert c["variation"].iloc[13] == "improvement"
    assert probe([10.0, 17.0], "decrease")["variation"].iloc[13] == "concern"


def test_single_point_below_lower_limit() -> None:
    c = probe([5.0])
    assert flagged(c, "outside_limits") == [12]
    assert c["variation"].iloc[12] == "concern"
    assert probe([5.0], "decrease")["variation"].iloc[12] == "improvement"


def test_point_between_two_and_three_sigma_alone_is_common_cause() -> None:
    c = probe([10.0, 15.0, 10.0])
    assert not c["special_cause"].any()


# --- rule 2: shift ----------------------------------------------------------------------------------


def test_shift_length_is_seven() -> None:
    assert SHIFT_RUN == 7


def test_six_points_above_mean_is_not_a_shift() -> None:
    # 10 breaks the run started by BASE's last 12; then 11.5 (above 11, inside 2 sigma) six times.
    c = probe([10.0] + [11.5] * (SHIFT_RUN - 1))
    assert not c["special_cause"].any()


def test_seven_points_above_mean_is_a_shift() -> None:
    c = probe([10.0] + [11.5] * SHIFT_RUN)
    assert flagged(c, "shift") == list(range(13, 20))
    assert flagged(c) == list(range(13, 20))
    assert set(c["variation"].iloc[13:]) == {"improvement"}
    assert set(probe([10.0] + [11.5] * SHIFT_RUN, "decrease")["variation"].iloc[13:]) == {"concern"}


def test_seven_points_below_mean_is_a_shift() -> None:
    c = probe([10.5] * SHIFT_RUN)  # BASE ends on 12, above the mean
    assert flagged(c, "shift") == list(range(12, 19))
    assert set(c["variation"].iloc[12:]) == {"concern"}


def test_point_on_the_mean_breaks_a_shift() -> None:
    c = probe([10.0] + [11.5] * 3 + [11.0] + [11.5] * 4)
    assert not c["shift"].any()


# --- rule 3: trend ----------------------------------------------------------------------------------


def test_trend_length_is_seven_points() -> None:
    assert TREND_RUN == 7


def test_six_rising_points_is_not_a_trend() -> None:
    c = probe([9.0, 9.5, 10.0, 10.5, 11.5, 12.0])
    assert not c["special_cause"].any()


def test_seven_rising_points_is_a_trend_coloured_by_direction() -> None:
    # Four of the seven are below the mean, yet the whole rising trend is improvement.
    c = probe([9.0, 9.5, 10.0, 10.5, 11.5, 12.0, 12.5])
    assert flagged(c, "trend") == list(range(12, 19))
    assert flagged(c) == list(range(12, 19))
    assert set(c["variation"].iloc[12:]) == {"improvement"}
    assert set(probe([9.0, 9.5, 10.0, 10.5, 11.5, 12.0, 12.5], "decrease")["variation"].iloc[12:]) == {
        "concern"
    }


def test_seven_falling_points_is_a_trend() -> None:
    c = probe([13.0, 12.5, 12.0, 11.5, 10.5, 10.0, 9.5])
    assert flagged(c, "trend") == list(range(12, 19))
    assert set(c["variation"].iloc[12:]) == {"concern"}
    assert set(probe([13.0, 12.5, 12.0, 11.5, 10.5, 10.0, 9.5], "decrease")["variation"].iloc[12:]) == {
        "improvement"
    }


def test_equal_values_break_a_trend() -> None:
    # Eight points, but the repeated 10.0 splits them into runs of 3 and 5.
    c = probe([9.0, 9.5, 10.0, 10.0, 10.5, 11.5, 12.0, 12.5])
    assert not c["trend"].any()
    assert not c["special_cause"].any()


# --- rule 4: two of three beyond 2 sigma ------------------------------------------------------------


def test_two_of_three_beyond_two_sigma_flags_only_those_points() -> None:
    # Window (15, 11.5, 15) is all above the mean with two points beyond 14.55.
    c = probe([10.0, 15.0, 11.5, 15.0, 10.0])
    assert flagged(c, "two_of_three") == [13, 15]
    assert flagged(c) == [13, 15]
    assert c["variation"].iloc[[13, 15]].tolist() == ["improvement", "improvement"]


def test_one_of_three_beyond_two_sigma_is_common_cause() -> None:
    c = probe([10.0, 15.0, 11.5, 11.5, 10.0])
    assert not c["special_cause"].any()


def test_two_of_three_on_opposite_sides_is_common_cause() -> None:
    # 15 is beyond the upper 2-sigma line and 7 beyond the lower one (7 < 7.45, > 5.68).
    c = probe([10.0, 15.0, 7.0, 10.0])
    assert not c["special_cause"].any()


def test_two_of_three_below_the_mean() -> None:
    c = probe([12.0, 7.0, 10.0, 7.0, 12.0])
    assert flagged(c, "two_of_three") == [13, 15]
    assert c["variation"].iloc[[13, 15]].tolist() == ["concern", "concern"]


def test_point_beyond_three_sigma_counts_towards_two_of_three() -> None:
    # MDC's rule since late 2023: 17 (outside) and 15 (2-3 sigma) make two of three.
    c = probe([10.0, 17.0, 15.0, 11.5, 10.0])
    assert flagged(c, "outside_limits") == [13]
    assert flagged(c, "two_of_three") == [13, 14]
    assert flagged(c) == [13, 14]


# --- conflicting rules --------------------------------------------------------------------------------


def test_outside_limits_takes_precedence_over_trend() -> None:
    # 17 is outside the limits (high) and starts a falling 7-point trend.
    c = probe([10.0, 17.0, 14.0, 13.0, 12.5, 12.0, 11.5, 10.5])
    assert flagged(c, "trend") == list(range(13, 20))
    assert flagged(c, "outside_limits") == [13]
    assert not c["shift"].any() and not c["two_of_three"].any()
    assert c["variation"].iloc[13:].tolist() == ["improvement"] + ["concern"] * 6


def test_trend_takes_precedence_over_shift() -> None:
    # Seven points above the mean (shift, high) that fall every month (trend, low).
    extra = [10.0, 14.0, 13.5, 13.0, 12.5, 12.0, 11.8, 11.6]
    c = probe(extra)
    assert flagged(c, "shift") == flagged(c, "trend") == list(range(13, 20))
    assert set(c["variation"].iloc[13:]) == {"concern"}
    assert set(probe(extra, "decrease")["variation"].iloc[13:]) == {"improvement"}
    neutral = probe(extra, None)
    assert set(neutral["variation"].iloc[13:]) == {"neither"}
    assert summarise(neutral, improvement_direction=None).variation_icon == "neither_low"
    assert summarise(c, improvement_direction="increase").variation_icon == "concern_low"


def test_no_improvement_direction_gives_neither() -> None:
    c = probe([10.0, 17.0], None)
    assert c["variation"].iloc[13] == "neither"
    assert c["variation"].iloc[:13].tolist() == ["common_cause"] * 13


# --- recalculation ----------------------------------------------------------------------------------


def test_recalculation_at_break_gives_each_segment_its_own_limits() -> None:
    values = [10.0, 12.0] * 6 + [20.0, 24.0] * 6
    periods = months(24)
    c = xmr(periods, values, improvement_direction="increase", breaks=[periods[12]])
    assert c["segment"].tolist() == [0] * 12 + [1] * 12
    first, second = c.iloc[0], c.iloc[12]
    assert (first["mean"], first["lower_limit"], first["upper_limit"]) == pytest.approx((11, 5.68, 16.32))
    # second segment: mean 22, every moving range 4 -> 22 +/- 10.64
    assert (second["mean"], second["lower_limit"], second["upper_limit"]) == pytest.approx((22, 11.36, 32.64))
    assert math.isnan(c["moving_range"].iloc[12])  # no range across the break
    assert not c["special_cause"].any()
    # Without the break the step change shows as special cause against one mean of 16.5.
    assert xmr(periods, values, improvement_direction="increase")["shift"].all()


def test_runs_do_not_span_a_break() -> None:
    first = [0.0, 2.0] * 4 + [1.5] * 4  # mean 14/12 = 1.17
    second = [1.5] * 3 + [0.0, 2.0] * 4 + [0.0]  # mean 12.5/12 = 1.04
    periods = months(24)
    values = first + second
    joined = xmr(periods, values, improvement_direction="increase")
    assert flagged(joined, "shift") == list(range(7, 15))  # 2, then seven 1.5s above 1.10
    split = xmr(periods, values, improvement_direction="increase", breaks=[periods[12]])
    assert not split["special_cause"].any()


def test_break_between_periods_starts_segment_at_next_period() -> None:
    periods = months(8)
    c = xmr(periods, [1.0, 2.0] * 4, improvement_direction=None, breaks=[date(2024, 3, 15)])
    assert c["segment"].tolist() == [0, 0, 0, 1, 1, 1, 1, 1]


def test_breaks_outside_the_data_leave_one_segment() -> None:
    periods = months(6)
    c = xmr(
        periods,
        [1.0, 2.0] * 3,
        improvement_direction=None,
        breaks=[date(2020, 1, 1), date(2030, 1, 1)],
    )
    assert c["segment"].tolist() == [0] * 6
    assert c["mean"].iloc[0] == pytest.approx(1.5)


def test_fix_after_n_points_extends_baseline_limits() -> None:
    fixed = probe([30.0, 30.0, 30.0])
    assert fixed["mean"].tolist() == [MEAN] * 15
    assert fixed["upper_limit"].to_numpy() == pytest.approx(UPPER)
    assert flagged(fixed, "outside_limits") == [12, 13, 14]
    assert fixed["moving_range"].iloc[12:].tolist() == [18.0, 0.0, 0.0]
    free = chart(BASE + [30.0, 30.0, 30.0])
    assert free["mean"].iloc[0] == pytest.approx((132 + 90) / 15)


def test_fix_after_n_points_applies_per_segment() -> None:
    values = BASE + [99.0] + [20.0, 24.0] * 6 + [99.0]
    periods = months(len(values))
    c = xmr(periods, values, improvement_direction="increase", breaks=[periods[13]], fix_after_n_points=12)
    assert c["mean"].iloc[0] == pytest.approx(11)
    assert c["mean"].iloc[13] == pytest.approx(22)
    assert c["upper_limit"].iloc[13] == pytest.approx(32.64)
    assert flagged(c, "outside_limits") == [12, 25]


def test_fix_after_more_points_than_available_uses_them_all() -> None:
    assert chart(BASE, fix_after_n_points=50).equals(chart(BASE))


@pytest.mark.parametrize("bad", [0, 1, -3, True])
def test_fix_after_n_points_must_allow_a_moving_range(bad: int) -> None:
    with pytest.raises(ValueError, match="fix_after_n_points"):
        chart(BASE, fix_after_n_points=bad)


# --- missing and short data -------------------------------------------------------------------------


def test_missing_value_is_skipped_not_zero() -> None:
    values = [10.0, 12.0, math.nan] + BASE[:10]
    c = chart(values)
    assert len(c) == 13
    gap = c.iloc[2]
    assert math.isnan(gap["value"]) and math.isnan(gap["moving_range"])
    assert not gap[["outside_limits", "shift", "trend", "two_of_three", "special_cause"]].any()
    assert gap["variation"] == "common_cause"
    # the range after the gap is taken from the last real value: |10 - 12|, not |10 - 0|
    assert c["moving_range"].iloc[3] == 2.0
    assert c["mean"].iloc[0] == MEAN
    assert c["upper_limit"].iloc[2] == pytest.approx(UPPER)  # lines carry across the gap
    assert not c["special_cause"].any()


def test_shift_continues_across_a_missing_period() -> None:
    c = probe([10.0] + [11.5] * 3 + [math.nan] + [11.5] * 4)
    assert flagged(c, "shift") == [13, 14, 15, 17, 18, 19, 20]


def test_none_and_infinite_values_count_as_missing() -> None:
    c = xmr(months(4), [1.0, None, math.inf, 3.0], improvement_direction=None)
    assert c["value"].isna().tolist() == [False, True, True, False]
    assert c["moving_range"].iloc[3] == 2.0


def test_all_missing_has_no_limits() -> None:
    c = chart([math.nan] * 3)
    assert c[["mean", "lower_limit", "upper_limit"]].isna().all().all()
    assert set(c["variation"]) == {"common_cause"}
    assert summarise(c, improvement_direction="increase", target=1.0) == SpcSummary(
        "common_cause", None, 0, False, None, None, None, None
    )


def test_empty_input_returns_empty_frame_with_columns() -> None:
    c = xmr([], [], improvement_direction="increase")
    assert c.empty
    assert list(c.columns) == EXPECTED_COLUMNS
    assert c["special_cause"].dtype == bool
    assert c["segment"].dtype == np.int64
    assert pd.api.types.is_datetime64_any_dtype(c["period_start"])
    assert summarise(c, improvement_direction="increase", target=3.0) == SpcSummary(
        "common_cause", None, 0, False, None, None, None, None
    )


def test_single_point_has_no_limits() -> None:
    c = xmr([date(2025, 4, 1)], [7.0], improvement_direction="increase")
    row = c.iloc[0]
    assert row["mean"] == 7.0
    assert all(math.isnan(row[col]) for col in ("lower_limit", "upper_limit", "lower_2sigma", "moving_range"))
    assert row["variation"] == "common_cause"
    s = summarise(c, improvement_direction="increase", target=5.0)
    assert s == SpcSummary("common_cause", None, 1, False, 7.0, 7.0, None, None)


def test_two_points_give_trial_limits() -> None:
    c = chart([4.0, 6.0])
    assert c["upper_limit"].iloc[0] == pytest.approx(5 + 5.32)
    s = summarise(c, improvement_direction="increase")
    assert s.reliable is False and s.upper_limit == pytest.approx(10.32)


# --- input handling ---------------------------------------------------------------------------------


def test_rows_are_sorted_by_period_and_index_is_ignored() -> None:
    periods = pd.Series(pd.to_datetime(["2024-03-01", "2024-01-01", "2024-02-01"]), index=[7, 3, 9])
    values = pd.Series([3.0, 1.0, 2.0], index=[0, 5, 2])
    c = xmr(periods, values, improvement_direction=None)
    assert c["period_start"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    assert c["value"].tolist() == [1.0, 2.0, 3.0]
    assert c.index.tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("periods", "values", "direction", "message"),
    [
        (months(3), [1.0, 2.0, 3.0], "up", "improvement_direction"),
        (months(3), [1.0, 2.0], "increase", "differ in length"),
        ([date(2024, 1, 1)] * 2, [1.0, 2.0], "increase", "unique"),
        ([date(2024, 1, 1), None], [1.0, 2.0], "increase", "missing dates"),
    ],
)
def test_invalid_input_is_rejected(periods: list, values: list, direction: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        xmr(periods, values, improvement_direction=direction)


# --- published worked examples ------------------------------------------------------------------------

# R: set.seed(123); rnorm(20) -- the data of NHSRplotthedots' tests/testthat/test-ptd_spc.R and
# test-ptd_spc_standard.R (dates as.Date("2020-01-01") + 1:20).
RNORM_123 = [
    -0.560475646552213, -0.230177489483280, 1.558708314149124, 0.070508391424576,
    0.129287735160946, 1.715064986883281, 0.460916205989202, -1.265061234606534,
    -0.686852851893526, -0.445661970099958, 1.224081797439462, 0.359813827057364,
    0.400771450594052, 0.110682715945120, -0.555841134754075, 1.786913136803080,
    0.497850478229239, -1.966617156629638, 0.701355901563686, -0.472791407727934,
]  # fmt: skip
RNORM_DATES = [date(2020, 1, 2 + i) for i in range(20)]


def test_reproduces_nhsrplotthedots_published_snapshot() -> None:
    # tests/testthat/_snaps/ptd_spc.md: mean_col 0.142, lpl -3.01, upl 3.29, n 20, common_cause 20.
    c = xmr(RNORM_DATES, RNORM_123, improvement_direction="increase")
    assert round(c["mean"].iloc[0], 3) == 0.142
    assert round(c["lower_limit"].iloc[0], 2) == -3.01
    assert round(c["upper_limit"].iloc[0], 2) == 3.29
    assert not c["special_cause"].any()
    # the same snapshot with target = 0.5: inside the limits, so NHSRplotthedots' "inconsistent"
    s = summarise(c, improvement_direction="increase", target=0.5)
    assert (s.variation_icon, s.assurance_icon, s.n_points) == ("common_cause", "hit_and_miss", 20)


def test_reproduces_nhsrplotthedots_published_groups_with_a_break() -> None:
    # Same snapshot, facet = rep(c(0, 1), each = 10):
    #   0.0746, -2.60, 2.75  and  0.209, -3.28, 3.70.  A break at the 11th date gives the same groups.
    c = xmr(RNORM_DATES, RNORM_123, improvement_direction="increase", breaks=[RNORM_DATES[10]])
    first, second = c.iloc[0], c.iloc[10]
    assert round(first["mean"], 4) == 0.0746
    assert (round(first["lower_limit"], 2), round(first["upper_limit"], 2)) == (-2.60, 2.75)
    assert round(second["mean"], 3) == 0.209
    assert (round(second["lower_limit"], 2), round(second["upper_limit"], 2)) == (-3.28, 3.70)
    assert not c["special_cause"].any()


def test_nhsrplotthedots_deviations_vignette_outlier_example() -> None:
    # vignettes/deviations.Rmd: data <- c(1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1)
    data = [1.0, 2.0, 1.0, 2.0, 10.0] + [1.0, 2.0] * 6 + [1.0]
    dates = [date(2021, 3, 22) + timedelta(days=i) for i in range(18)]  # seq(..., by = 1, length.out = 18)
    c = xmr(dates, data, improvement_direction="increase")
    # By hand: sum 35 -> mean 35/18.  Moving ranges 1, 1, 1, 8, 9 and twelve 1s -> 32/17 = 1.882;
    # the cut-off 3.267 x 1.882 = 6.15 drops 8 and 9, leaving fifteen 1s -> MR-bar 1.
    # (MDC's Excel tool, which does not screen, would use 32/17: limits 1.94 +/- 5.01.)
    assert c["mean"].iloc[0] == pytest.approx(35 / 18)
    assert c["upper_limit"].iloc[0] == pytest.approx(35 / 18 + 2.66)  # 4.60
    assert c["lower_limit"].iloc[0] == pytest.approx(35 / 18 - 2.66)  # -0.72
    assert flagged(c) == [4]
    assert c["variation"].iloc[4] == "improvement"


# --- summary ----------------------------------------------------------------------------------------


def test_reliability_needs_twelve_points() -> None:
    assert MIN_RELIABLE_POINTS == 12
    assert summarise(chart(BASE[:11]), improvement_direction="increase").reliable is False
    s = summarise(chart(BASE), improvement_direction="increase")
    assert (s.reliable, s.n_points, s.latest_value) == (True, 12, 12.0)
    assert (s.mean, s.lower_limit, s.upper_limit) == pytest.approx((11, 5.68, 16.32))


def test_summary_describes_the_latest_segment() -> None:
    values = [10.0, 12.0] * 6 + [20.0, 24.0] * 3
    periods = months(18)
    s = summarise(
        xmr(periods, values, improvement_direction="increase", breaks=[periods[12]]),
        improvement_direction="increase",
    )
    assert (s.n_points, s.reliable, s.mean) == (6, False, pytest.approx(22))


def test_summary_latest_point_skips_trailing_gap() -> None:
    s = summarise(chart(BASE + [math.nan]), improvement_direction="increase")
    assert (s.latest_value, s.n_points) == (12.0, 12)


@pytest.mark.parametrize(
    ("last", "direction", "icon"),
    [
        (17.0, "increase", "improvement_high"),
        (5.0, "increase", "concern_low"),
        (17.0, "decrease", "concern_high"),
        (5.0, "decrease", "improvement_low"),
        (17.0, None, "neither_high"),
        (5.0, None, "neither_low"),
        (11.5, "increase", "common_cause"),
    ],
)
def test_variation_icon(last: float, direction: str | None, icon: str) -> None:
    c = probe([10.0, last], direction)
    assert summarise(c, improvement_direction=direction).variation_icon == icon


@pytest.mark.parametrize(
    ("direction", "target", "icon"),
    [
        ("increase", 5.0, "pass"),  # below the lower limit 5.68: every month beats it
        ("increase", 20.0, "fail"),  # above the upper limit 16.32: every month misses it
        ("increase", 11.0, "hit_and_miss"),
        ("decrease", 5.0, "fail"),
        ("decrease", 20.0, "pass"),
        ("decrease", 11.0, "hit_and_miss"),
        (None, 5.0, None),
        ("increase", None, None),
        ("increase", math.nan, None),
    ],
)
def test_assurance_icon(direction: str | None, target: float | None, icon: str | None) -> None:
    s = summarise(chart(BASE, direction), improvement_direction=direction, target=target)
    assert s.assurance_icon == icon


def test_target_on_a_limit_is_hit_and_miss() -> None:
    c = chart([1.0, 3.0] * 6)  # mean 2, MR-bar 2: the upper limit is exactly 2 + 5.32
    upper = float(c["upper_limit"].iloc[0])
    assert summarise(c, improvement_direction="increase", target=upper).assurance_icon == "hit_and_miss"


# --- small helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("flag", "direction"), [(True, "increase"), (False, "decrease"), (None, None)])
def test_direction_from_polarity(flag: bool | None, direction: str | None) -> None:
    assert direction_from_polarity(flag) == direction


def test_describe_rules_states_exact_lengths() -> None:
    rules = dict(describe_rules())
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in rules.items())
    assert {"Point outside the limits", "Shift", "Trend", "Two out of three near a limit"} <= set(rules)
    assert f"{SHIFT_RUN} or more consecutive points" in rules["Shift"]
    assert f"{TREND_RUN} or more consecutive points" in rules["Trend"]
    assert f"{TREND_RUN - 1} rises or falls" in rules["Trend"]
    assert "2 out of 3" in rules["Two out of three near a limit"]
    assert "2.66" in rules["Process limits"] and "3.267" in rules["Outlier screening"]


# --- properties -------------------------------------------------------------------------------------

DIRECTIONS = st.sampled_from(["increase", "decrease", None])
MAYBE_VALUES = st.lists(
    st.one_of(st.integers(-1000, 1000).map(float), st.just(math.nan)),
    max_size=60,
)
FLAGS = ["outside_limits", "shift", "trend", "two_of_three", "special_cause"]


@settings(max_examples=150, deadline=None)
@given(values=MAYBE_VALUES, direction=DIRECTIONS)
def test_property_structure_and_symmetric_limits(values: list[float], direction: str | None) -> None:
    c = chart(values, direction)
    assert list(c.columns) == EXPECTED_COLUMNS and len(c) == len(values)
    rules = c[["outside_limits", "shift", "trend", "two_of_three"]].any(axis=1)
    assert (c["special_cause"] == rules).all()
    assert ((c["variation"] == "common_cause") == ~c["special_cause"]).all()
    assert set(c["variation"]) <= {"common_cause", "improvement", "concern", "neither"}
    assert not c.loc[c["value"].isna(), "special_cause"].any()
    has = c["upper_limit"].notna()
    above = c.loc[has, "upper_limit"] - c.loc[has, "mean"]
    below = c.loc[has, "mean"] - c.loc[has, "lower_limit"]
    np.testing.assert_allclose(above, below, rtol=1e-12, atol=1e-9)
    assert (c.loc[has, "lower_limit"] <= c.loc[has, "lower_2sigma"]).all()
    assert (c.loc[has, "lower_2sigma"] <= c.loc[has, "mean"]).all()
    assert (c.loc[has, "upper_2sigma"] <= c.loc[has, "upper_limit"]).all()
    summary = summarise(c, improvement_direction=direction)
    assert summary.n_points <= len(values)


@settings(max_examples=100, deadline=None)
@given(values=MAYBE_VALUES, power=st.integers(-4, 4), direction=DIRECTIONS)
def test_property_limits_scale_with_values(values: list[float], power: int, direction: str | None) -> None:
    # Scaling by a power of two is exact in floating point, so every flag must be identical.
    factor = 2.0**power
    base = chart(values, direction)
    scaled = chart([v * factor for v in values], direction)
    for column in ("mean", "lower_limit", "upper_limit", "lower_2sigma", "upper_2sigma", "moving_range"):
        np.testing.assert_array_equal(scaled[column].to_numpy(), base[column].to_numpy() * factor)
    assert scaled[FLAGS + ["variation"]].equals(base[FLAGS + ["variation"]])


@settings(max_examples=100, deadline=None)
@given(values=MAYBE_VALUES)
def test_property_mirroring_values_swaps_improvement_and_concern(values: list[float]) -> None:
    base = chart(values, "increase")
    mirrored = chart([-v for v in values], "increase")
    np.testing.assert_array_equal(mirrored["upper_limit"].to_numpy(), -base["lower_limit"].to_numpy())
    assert mirrored[FLAGS].equals(base[FLAGS])
    swap = {"improvement": "concern", "concern": "improvement", "common_cause": "common_cause"}
    assert mirrored["variation"].tolist() == [swap[v] for v in base["variation"]]


@settings(max_examples=50, deadline=None)
@given(
    level=st.floats(-1e6, 1e6, allow_nan=False),
    n=st.integers(2, 40),
    gaps=st.lists(st.integers(0, 39), max_size=5),
)
def test_property_constant_series_has_zero_width_limits(level: float, n: int, gaps: list[int]) -> None:
    values = [math.nan if i in gaps else level for i in range(n)]
    c = chart(values, "increase")
    if sum(not math.isnan(v) for v in values) >= 2:
        assert (c["lower_limit"] == level).all() and (c["upper_limit"] == level).all()
    assert not c["special_cause"].any()
    assert summarise(c, improvement_direction="increase").variation_icon == "common_cause"
