"""Comparative interrupted time series (``dashboard.effects``) on data built with a known effect.

Every scenario is built the same way, per trust type:

* a calendar effect shared by every trust of the type (a slow rise, a seasonal swing and a
  six-month shock in 2020), which differencing against comparators must remove;
* treated trusts: calendar + their own level + 0.05 a month of pre-existing trend relative to the
  comparators + ``level`` from the event's month on + ``slope`` a month after it + noise;
* comparators: calendar + their own level + noise.

So the difference from comparators is ``own level + 0.05 m + level x post + slope x m x post``
plus noise, and the estimates must recover ``level`` and ``slope``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from dashboard import effects as ef
from data_access.vocab import GROUPS

MONTHS = pd.date_range("2012-01-01", "2023-12-01", freq="MS")
PRE_TREND = 0.05
PERCENT = {"metric_id": "ae_4hr", "name": "A&E 4-hour", "unit": "percent", "higher_is_better": True}


def calendar(trust_type: str) -> np.ndarray:
    t = np.arange(len(MONTHS))
    base = {"acute": 80.0, "mental_health": 30.0}.get(trust_type, 50.0)
    shock = np.where((MONTHS >= "2020-04-01") & (MONTHS <= "2020-09-01"), -8.0, 0.0)
    return base + 0.04 * t + 3 * np.sin(2 * np.pi * t / 12) + shock


def month_index(stamp: pd.Timestamp) -> int:
    return stamp.year * 12 + stamp.month - 1


def scenario(
    seed: int,
    *,
    level: float = 0.0,
    slope: float = 0.0,
    treated: int = 8,
    comparators: int = 10,
    noise: float = 1.0,
    trust_type: str = "acute",
    group: str = "other_smq",
    prefix: str = "T",
    own_level_sd: float = 2.0,
) -> dict[str, object]:
    """Values, trusts, events and comparator codes of one trust type with a known effect."""
    rng = np.random.default_rng(seed)
    shared = calendar(trust_type)
    rows: list[pd.DataFrame] = []
    trusts = []
    events = {}
    for i in range(treated):
        code = f"{prefix}{i:02d}"
        # Events staggered over 2015-2019, mid-month: the event's own month is m = 0.
        event = pd.Timestamp("2015-01-01") + pd.DateOffset(months=int(rng.integers(0, 60)), days=13)
        events[code] = event
        m = np.array([month_index(d) for d in MONTHS]) - month_index(event)
        post = m >= 0
        value = (
            shared
            + rng.normal(0, own_level_sd)
            + PRE_TREND * m
            + level * post
            + slope * m * post
            + rng.normal(0, noise, len(MONTHS))
        )
        rows.append(pd.DataFrame({"trust_code": code, "period_start": MONTHS, "value": value}))
        trusts.append((code, trust_type, group))
    comparator_codes = []
    for j in range(comparators):
        code = f"{prefix}C{j:02d}"
        value = shared + rng.normal(0, own_level_sd) + rng.normal(0, noise, len(MONTHS))
        rows.append(pd.DataFrame({"trust_code": code, "period_start": MONTHS, "value": value}))
        trusts.append((code, trust_type, "never"))
        comparator_codes.append(code)
    return {
        "values": pd.concat(rows, ignore_index=True),
        "trusts": pd.DataFrame(trusts, columns=["trust_code", "trust_type", "evaluation_group"]),
        "events": pd.Series(events),
        "comparators": comparator_codes,
    }


def combine(*parts: dict[str, object]) -> dict[str, object]:
    return {
        "values": pd.concat([p["values"] for p in parts], ignore_index=True),
        "trusts": pd.concat([p["trusts"] for p in parts], ignore_index=True),
        "events": pd.concat([p["events"] for p in parts]),
        "comparators": [c for p in parts for c in p["comparators"]],
    }


def estimate(data: dict[str, object], **kwargs: object) -> pd.DataFrame:
    return ef.effects(data["values"], data["trusts"], data["events"], data["comparators"], "ae_4hr", **kwargs)


def row(table: pd.DataFrame, group: str = "all") -> pd.Series:
    [found] = table[table["group"] == group].to_dict("records")
    return pd.Series(found)


# --- Recovering a known effect -----------------------------------------------------------------


# 95% intervals miss the truth for about 1 seed in 20, by design: seed 5 is one of those (its
# slope interval starts at 0.2012), so it is not among these. The coverage test below counts how
# often the intervals hold the truth over many seeds, which is the property that matters.
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 6])
def test_recovers_a_known_level_change_and_slope_change(seed):
    result = row(estimate(scenario(seed, level=3.0, slope=0.2)))
    assert result["level_change_low"] <= 3.0 <= result["level_change_high"]
    assert result["slope_change_low"] <= 0.2 <= result["slope_change_high"]
    assert result["level_change"] == pytest.approx(3.0, abs=0.6)
    assert result["slope_change"] == pytest.approx(0.2, abs=0.05)
    # The intervals say there is an effect: neither covers zero.
    assert result["level_change_low"] > 0 and result["slope_change_low"] > 0
    assert (result["trusts"], result["comparators"]) == (8, 10)
    assert pd.isna(result["note"])


@pytest.mark.slow
def test_the_intervals_hold_the_truth_about_95_times_in_100():
    seeds = range(100, 160)
    level = slope = 0
    for seed in seeds:
        result = row(estimate(scenario(seed, level=3.0, slope=0.2)))
        level += result["level_change_low"] <= 3.0 <= result["level_change_high"]
        slope += result["slope_change_low"] <= 0.2 <= result["slope_change_high"]
    # 57 of 60 expected; 51 is more than three binomial standard deviations below it.
    assert level >= 51 and slope >= 51, (level, slope)
    # ...and not far above it either: intervals that always hold the truth are too wide.
    assert level <= 60 and slope <= 60


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 6])  # seed 5: see above
def test_no_effect_gives_intervals_covering_zero(seed):
    result = row(estimate(scenario(seed)))
    assert result["level_change_low"] <= 0 <= result["level_change_high"]
    assert result["slope_change_low"] <= 0 <= result["slope_change_high"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_fall_is_recovered_with_its_sign(seed):
    result = row(estimate(scenario(seed, level=-4.0, slope=-0.15)))
    assert result["level_change_high"] < 0 and result["slope_change_high"] < 0
    assert result["level_change_low"] <= -4.0 <= result["level_change_high"]
    assert result["slope_change_low"] <= -0.15 <= result["slope_change_high"]


def test_without_noise_the_estimates_are_exact():
    data = scenario(7, level=3.0, slope=0.2, noise=0.0, own_level_sd=0.0)
    result = row(estimate(data))
    assert result["level_change"] == pytest.approx(3.0, abs=1e-9)
    assert result["slope_change"] == pytest.approx(0.2, abs=1e-9)
    assert result["level_change_high"] - result["level_change_low"] == pytest.approx(0.0, abs=1e-9)


def test_limits_are_cluster_robust_by_trust_with_t_on_clusters_minus_one():
    """The limits, worked independently: CRV1 sandwich by trust, t with G - 1 degrees of freedom."""
    data = scenario(11, level=2.0, slope=0.1, treated=6)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    rows = panel.rows
    m = rows["months_from_event"].to_numpy(float)
    post = (m >= 0).astype(float)
    x = np.column_stack([np.ones_like(m), m, post, m * post])
    y = rows["difference"].to_numpy(float)
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    residual = y - x @ beta
    meat = np.zeros((4, 4))
    codes = rows["trust_code"].to_numpy()
    for code in np.unique(codes):
        score = x[codes == code].T @ residual[codes == code]
        meat += np.outer(score, score)
    g, n, k = len(np.unique(codes)), len(y), 4
    cov = bread @ meat @ bread * g / (g - 1) * (n - 1) / (n - k)
    t = stats.t.ppf(0.975, g - 1)
    result = row(ef.effects_table(panel, "ae_4hr"))
    assert result["level_change"] == pytest.approx(beta[2])
    assert result["level_change_low"] == pytest.approx(beta[2] - t * math.sqrt(cov[2, 2]))
    assert result["level_change_high"] == pytest.approx(beta[2] + t * math.sqrt(cov[2, 2]))
    assert result["slope_change_low"] == pytest.approx(beta[3] - t * math.sqrt(cov[3, 3]))
    assert result["slope_change_high"] == pytest.approx(beta[3] + t * math.sqrt(cov[3, 3]))
    # And the same as statsmodels asked directly, so "cluster" means what it says.
    fit = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(codes)[0]}, use_t=True)
    assert result["slope_change"] == pytest.approx(fit.params[3])


# --- Comparators: own type only --------------------------------------------------------------


def test_comparators_of_another_type_never_enter_an_estimate():
    acute = scenario(3, level=3.0, slope=0.2)
    # Mental health comparators that jump by 40 from mid-2017, inside most treated trusts'
    # windows: were they averaged in, the estimates would move.
    other = scenario(4, treated=0, comparators=10, trust_type="mental_health", prefix="M")
    values = other["values"].copy()
    values.loc[values["period_start"] >= "2017-06-01", "value"] += 40.0
    other["values"] = values
    with_other = estimate(combine(acute, other))
    without = estimate(acute)
    pd.testing.assert_frame_equal(with_other, without)
    assert row(with_other)["comparators"] == 10

    # The same frames with every trust called acute: now the jump does change the answer, the
    # slope change more than doubles and the level change is lost in the noise.
    mixed = combine(acute, other)
    mixed["trusts"] = mixed["trusts"].assign(trust_type="acute")
    wrong, right = row(estimate(mixed)), row(without)
    assert abs(wrong["slope_change"] - right["slope_change"]) > 0.2
    assert wrong["level_change_low"] < 0 < right["level_change_low"]


def test_each_treated_trust_is_compared_with_its_own_type():
    # Mental health trusts (around 30) share a +10 shift from mid-2017 that acute ones (around 80)
    # do not have; matched by type, it cancels and the true effect is exact.
    acute = scenario(5, level=3.0, slope=0.2, noise=0.0, own_level_sd=0.0, treated=4)
    mental = scenario(6, level=3.0, slope=0.2, noise=0.0, own_level_sd=0.0, treated=4, prefix="M")
    mental["trusts"] = mental["trusts"].assign(trust_type="mental_health")
    values = mental["values"].copy()
    values.loc[values["period_start"] >= "2017-06-01", "value"] += 10.0
    mental["values"] = values
    result = row(estimate(combine(acute, mental)))
    assert result["level_change"] == pytest.approx(3.0, abs=1e-9)
    assert result["slope_change"] == pytest.approx(0.2, abs=1e-9)
    assert (result["trusts"], result["comparators"]) == (8, 20)


def test_only_the_comparators_given_are_used():
    data = scenario(8, level=3.0)
    fewer = dict(data, comparators=data["comparators"][:5])
    panel = ef.prepare(fewer["values"], fewer["trusts"], fewer["events"], fewer["comparators"])
    assert panel.comparators_used(set(data["events"].index)) == set(data["comparators"][:5])
    assert row(ef.effects_table(panel, "ae_4hr"))["comparators"] == 5


def test_a_treated_trust_is_never_its_own_comparator():
    data = scenario(9, level=3.0)
    treated = list(data["events"].index)
    both = dict(data, comparators=[*data["comparators"], *treated])
    pd.testing.assert_frame_equal(estimate(both), estimate(data))


# --- Groups ------------------------------------------------------------------------------------


def test_one_row_per_group_in_order_then_all():
    improvers = scenario(12, level=5.0, treated=4, group="clear_improver", prefix="I")
    others = scenario(13, level=1.0, treated=5, group="other_smq", prefix="O")
    # One comparator pool: the comparators of both scenarios are acute.
    data = combine(improvers, others)
    table = estimate(data)
    assert list(table.columns) == list(ef.COLUMNS)
    assert list(table["group"]) == ["clear_improver", "other_smq", "all"]
    assert list(table["trusts"]) == [4, 5, 9]
    assert (table["metric_id"] == "ae_4hr").all()
    # Each group's row is the estimate for that group's trusts alone.
    for group in ("clear_improver", "other_smq"):
        codes = data["trusts"].loc[data["trusts"]["evaluation_group"] == group, "trust_code"]
        alone = estimate(dict(data, events=data["events"][data["events"].index.isin(codes)]))
        pd.testing.assert_series_equal(
            row(table, group)[list(ef.COLUMNS[2:])], row(alone)[list(ef.COLUMNS[2:])], check_names=False
        )
    assert row(table, "clear_improver")["level_change_low"] > row(table, "other_smq")["level_change_high"]
    order = [GROUPS.index(g) for g in table["group"][:-1]]
    assert order == sorted(order)


# --- Too little data ---------------------------------------------------------------------------


def test_too_few_treated_trusts_leaves_the_estimates_blank_and_says_why():
    table = estimate(scenario(14, level=3.0, treated=ef.MIN_TREATED_TRUSTS - 1))
    result = row(table)
    assert result[list(ef.COLUMNS[4:10])].isna().all()
    assert result["trusts"] == ef.MIN_TREATED_TRUSTS - 1
    assert "Too little data" in result["note"] and f"at least {ef.MIN_TREATED_TRUSTS}" in result["note"]


def test_the_minimum_number_of_treated_trusts_is_enough():
    result = row(estimate(scenario(14, level=3.0, treated=ef.MIN_TREATED_TRUSTS)))
    assert not math.isnan(result["level_change"])


def test_a_trust_with_too_few_comparators_of_its_type_is_left_out():
    acute = scenario(15, level=3.0)
    lonely = scenario(16, treated=1, comparators=ef.MIN_COMPARATORS - 1, trust_type="ambulance", prefix="A")
    data = combine(acute, lonely)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    reasons = panel.treated.set_index("trust_code")["reason"]
    assert reasons["A00"] == ef.NO_COMPARATORS
    assert reasons.drop("A00").isna().all()
    result = row(ef.effects_table(panel, "ae_4hr"))
    assert result["trusts"] == 8
    assert "1 treated trust left out" in result["note"] and "comparator" in result["note"]
    assert not math.isnan(result["level_change"])


def test_a_trust_with_too_few_months_on_one_side_is_left_out():
    data = scenario(17, level=3.0, treated=4)
    # Move one trust's event to just after the data starts: only 2 months before it.
    code = data["events"].index[0]
    data["events"][code] = MONTHS[ef.MIN_POINTS_EACH_SIDE - 1] + pd.Timedelta(days=9)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    treated = panel.treated.set_index("trust_code")
    assert treated.loc[code, "points_before"] == ef.MIN_POINTS_EACH_SIDE - 1
    assert treated.loc[code, "reason"] == ef.TOO_FEW_POINTS
    # Exactly the minimum either side is enough.
    data["events"][code] = MONTHS[ef.MIN_POINTS_EACH_SIDE] + pd.Timedelta(days=9)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    assert pd.isna(panel.treated.set_index("trust_code").loc[code, "reason"])


def test_a_trust_without_values_of_its_own_is_short_of_months_not_of_comparators():
    data = scenario(25, level=3.0)
    values = data["values"][data["values"]["trust_code"] != "T00"]
    panel = ef.prepare(values, data["trusts"], data["events"], data["comparators"])
    assert panel.treated.set_index("trust_code").loc["T00", "reason"] == ef.TOO_FEW_POINTS
    assert row(ef.effects_table(panel, "ae_4hr"))["trusts"] == 7


def test_no_treated_trust_gives_one_row_that_says_so():
    data = scenario(18, level=3.0)
    table = estimate(dict(data, events=pd.Series(dtype="datetime64[ns]")))
    assert list(table["group"]) == ["all"]
    assert table.loc[0, "note"] == "None of the filtered trusts has the event."
    assert (table.loc[0, "trusts"], table.loc[0, "comparators"]) == (0, 0)


def test_blank_event_dates_are_no_event():
    data = scenario(19, level=3.0)
    events = data["events"].astype(object)
    events.iloc[0] = None
    assert row(estimate(dict(data, events=events)))["trusts"] == 7


# --- Months, window and missing values ---------------------------------------------------------


def test_months_count_from_the_month_of_the_event_and_stop_at_the_window():
    data = scenario(20)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    assert panel.rows["months_from_event"].between(-24, 24).all()
    first = panel.rows[panel.rows["trust_code"] == "T00"]
    event = data["events"]["T00"]
    at_zero = first.loc[first["months_from_event"] == 0, "period_start"].iloc[0]
    assert (at_zero.year, at_zero.month) == (event.year, event.month)  # the event's own month is post
    assert first.loc[first["months_from_event"] == 0, "post"].iloc[0]
    assert not first.loc[first["months_from_event"] == -1, "post"].iloc[0]
    assert len(first) == 49
    narrow = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"], window=6)
    assert narrow.rows["months_from_event"].between(-6, 6).all()


def test_differences_are_taken_against_the_comparators_mean_in_the_same_calendar_month():
    data = scenario(21)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    values = data["values"]
    sample = panel.rows.iloc[17]
    same_month = values[(values["period_start"] == sample["period_start"])]
    mean = same_month[same_month["trust_code"].isin(data["comparators"])]["value"].mean()
    own = same_month[same_month["trust_code"] == sample["trust_code"]]["value"].iloc[0]
    assert sample["comparator_mean"] == pytest.approx(mean)
    assert sample["difference"] == pytest.approx(own - mean)


def test_months_without_a_treated_value_or_any_comparator_value_are_dropped():
    data = scenario(22)
    values = data["values"].copy()
    event = data["events"]["T00"]
    gap = pd.Timestamp(event.year, event.month, 1) + pd.DateOffset(months=3)
    values.loc[(values["trust_code"] == "T00") & (values["period_start"] == gap), "value"] = np.nan
    no_comparators = pd.Timestamp(event.year, event.month, 1) - pd.DateOffset(months=5)
    values = values[
        ~(values["trust_code"].isin(data["comparators"]) & (values["period_start"] == no_comparators))
    ]
    # One comparator missing a month leaves the others' mean for it.
    one_missing = pd.Timestamp(event.year, event.month, 1) + pd.DateOffset(months=7)
    values = values[
        ~((values["trust_code"] == data["comparators"][0]) & (values["period_start"] == one_missing))
    ]
    panel = ef.prepare(values, data["trusts"], data["events"], data["comparators"])
    mine = panel.rows[panel.rows["trust_code"] == "T00"].set_index("period_start")
    assert gap not in mine.index and no_comparators not in mine.index
    assert len(mine) == 47
    assert mine.loc[one_missing, "comparator_values"] == len(data["comparators"]) - 1
    assert panel.rows["difference"].notna().all()


# --- Event study -------------------------------------------------------------------------------


def test_event_study_points_band_and_fitted_lines():
    data = scenario(23, level=3.0, slope=0.2)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    study = ef.event_study(panel, PERCENT, event_words="entry")
    at = panel.rows[panel.rows["months_from_event"] == 5]["difference"]
    point = study.points.set_index("months_from_event").loc[5]
    assert point["mean_difference"] == pytest.approx(at.mean())
    assert point["trusts"] == len(at) == 8
    half = stats.t.ppf(0.975, len(at) - 1) * at.std(ddof=1) / math.sqrt(len(at))
    assert (point["low"], point["high"]) == pytest.approx((at.mean() - half, at.mean() + half))
    assert list(study.points["months_from_event"]) == list(range(-24, 25))

    fitted = study.fitted.set_index("months_from_event")
    estimate_row = study.estimate
    assert set(study.fitted["segment"]) == {"pre", "post"}
    assert fitted.loc[-1, "segment"] == "pre" and fitted.loc[0, "segment"] == "post"
    # The post line's slope minus the pre line's is the slope change; the jump at 0 the level change.
    pre_slope = fitted.loc[-1, "fitted"] - fitted.loc[-2, "fitted"]
    post_slope = fitted.loc[1, "fitted"] - fitted.loc[0, "fitted"]
    assert post_slope - pre_slope == pytest.approx(estimate_row["slope_change"])
    assert fitted.loc[0, "fitted"] - (fitted.loc[-1, "fitted"] + pre_slope) == pytest.approx(
        estimate_row["level_change"]
    )
    assert study.sentence.startswith("3.") or study.sentence.startswith("2.")


def test_event_study_band_is_blank_with_one_trust_and_unfitted_below_the_minimum():
    data = scenario(24, level=3.0, treated=1)
    panel = ef.prepare(data["values"], data["trusts"], data["events"], data["comparators"])
    study = ef.event_study(panel, PERCENT)
    assert (study.points["trusts"] == 1).all()
    assert study.points[["low", "high"]].isna().all().all()
    assert study.fitted.empty
    assert study.sentence.startswith("Too little data")


# --- Words -------------------------------------------------------------------------------------


def effect_row(level, low, high, slope=0.0, slope_low=-0.1, slope_high=0.1):
    return {
        "level_change": level,
        "level_change_low": low,
        "level_change_high": high,
        "slope_change": slope,
        "slope_change_low": slope_low,
        "slope_change_high": slope_high,
        "note": None,
    }


def test_sentence_in_the_metrics_unit_and_direction():
    assert (
        ef.describe_effect(effect_row(2.1, 1.4, 2.8), PERCENT, event_words="entry")
        == "2.1 percentage points higher (better) after entry (95% CI 1.4 to 2.8), no change in trend"
    )
    lower_is_better = {**PERCENT, "higher_is_better": False}
    assert ef.describe_effect(effect_row(2.1, 1.4, 2.8), lower_is_better, event_words="entry").startswith(
        "2.1 percentage points higher (worse) after entry"
    )
    for unknown in (None, pd.NA, math.nan):
        no_direction = {**PERCENT, "higher_is_better": unknown}
        sentence = ef.describe_effect(effect_row(2.1, 1.4, 2.8, 0.3, 0.1, 0.5), no_direction)
        assert "better" not in sentence and "worse" not in sentence
    days = {"unit": "days", "higher_is_better": False}
    assert ef.describe_effect(effect_row(-3.0, -4.5, -1.5, -0.25, -0.4, -0.1), days, event_words="exit") == (
        "3.0 days lower (better) after exit (95% CI −4.5 to −1.5), "
        "a trend 0.25 days a month lower than before (better; 95% CI −0.40 to −0.10)"
    )
    money = {"unit": "gbp", "higher_is_better": False}
    assert ef.describe_effect(effect_row(12500, 2000, 23000), money).startswith("£12,500 higher (worse)")


def test_an_interval_covering_zero_is_no_change():
    sentence = ef.describe_effect(effect_row(0.4, -0.2, 1.0, 0.02, -0.01, 0.05), PERCENT, event_words="entry")
    assert sentence == "No change in level after entry (95% CI −0.2 to 1.0), no change in trend"


def test_a_row_without_estimates_reads_as_its_note():
    blank = {**effect_row(math.nan, math.nan, math.nan), "note": "Too little data: because."}
    assert ef.describe_effect(blank, PERCENT) == "Too little data: because."
