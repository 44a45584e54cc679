"""The summary icon matrix (``dashboard.icons``): assurance by the contract rule, and agreement
with ``spc.xmr``/``spc.summarise`` and ``cusum`` run one series at a time."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import cusum, icons, spc

ICON_FOLDER = Path(__file__).resolve().parents[1] / "assets" / "icons"
CONTRACT_COLUMNS = ["trust_code", "metric_id", "latest_period", "latest_value", "variation", "assurance"]
BASE = [10.0, 12.0] * 6  # mean 11, moving ranges 2: limits 11 -/+ 5.32 = 5.68 .. 16.32


def months(n: int, start: str = "2020-01-01") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="MS")


def series(trust: str, metric: str, values: list[float | None], start: str = "2020-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trust_code": trust,
            "metric_id": metric,
            "period_start": months(len(values), start),
            "value": values,
        }
    )


def blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- Assurance at, inside and outside each limit ----------------------------------------------
LOWER, UPPER = 10.0, 20.0


@pytest.mark.parametrize(
    ("target", "higher", "lower_is_better"),
    [
        (LOWER - 0.01, "pass", "fail"),  # just outside the lower limit: the process is all above it
        (LOWER, "hit_or_miss", "hit_or_miss"),  # exactly at the lower limit
        (LOWER + 0.01, "hit_or_miss", "hit_or_miss"),  # just inside
        (15.0, "hit_or_miss", "hit_or_miss"),
        (UPPER - 0.01, "hit_or_miss", "hit_or_miss"),  # just inside the upper limit
        (UPPER, "hit_or_miss", "hit_or_miss"),  # exactly at the upper limit
        (UPPER + 0.01, "fail", "pass"),  # just outside: the process is all below it
    ],
)
def test_assurance_by_the_contract_rule(target, higher, lower_is_better):
    assert icons.assurance_of(target, LOWER, UPPER, True) == higher
    assert icons.assurance_of(target, LOWER, UPPER, False) == lower_is_better


@pytest.mark.parametrize(
    ("target", "lower", "upper", "higher_is_better"),
    [
        (None, LOWER, UPPER, True),
        (math.nan, LOWER, UPPER, False),
        (15.0, LOWER, UPPER, None),  # no direction: no good side
        (15.0, math.nan, math.nan, True),  # no limits (fewer than 2 points)
    ],
)
def test_assurance_is_blank_without_a_target_a_direction_or_limits(target, lower, upper, higher_is_better):
    assert icons.assurance_of(target, lower, upper, higher_is_better) is None


def test_assurance_of_many_rows_at_once():
    got = icons.assurance(
        np.array([5.0, 25.0, 15.0, np.nan]),
        np.full(4, LOWER),
        np.full(4, UPPER),
        np.array([True, False, True, True], dtype=object),
    )
    assert got.tolist() == ["pass", "pass", "hit_or_miss", None]


# --- The matrix ----------------------------------------------------------------------------------
METRICS = pd.DataFrame(
    {
        "metric_id": ["ae", "waits", "neutral"],
        "higher_is_better": [True, False, None],
        "target": [8.0, 30.0, np.nan],
    }
)


def test_one_row_per_trust_and_metric_with_the_contract_columns_first():
    values = pd.concat(
        [
            series("RB", "ae", BASE + [20.0]),  # outside the upper limit, higher is better
            series("RA", "waits", BASE + [20.0]),  # the same, lower is better
            series("RA", "ae", BASE + [11.0, None]),  # a trailing gap: the latest value is the one before
            series("RA", "neutral", BASE + [2.0]),  # below the lower limit, no direction
            series("RC", "ae", [None, None]),  # no value at all
        ]
    )
    table = icons.icon_matrix(values, METRICS)
    assert list(table.columns[:6]) == CONTRACT_COLUMNS
    assert list(table.columns) == list(icons.COLUMNS)
    assert table[["trust_code", "metric_id"]].values.tolist() == [
        ["RA", "ae"],
        ["RA", "neutral"],
        ["RA", "waits"],
        ["RB", "ae"],
        ["RC", "ae"],
    ]
    rows = table.set_index(["trust_code", "metric_id"])
    ra = rows.loc[("RA", "ae")]
    assert (ra["latest_period"], ra["latest_value"], ra["variation"]) == (
        months(13)[12],
        11.0,
        "common_cause",
    )
    # Limits of BASE + [11.0] (13 points): target 8 is inside them.
    assert ra["assurance"] == "hit_or_miss" and ra["assurance_icon"] == "hit_and_miss"
    rb = rows.loc[("RB", "ae")]
    assert (rb["variation"], rb["variation_icon"]) == ("improvement", "improvement_high")
    waits = rows.loc[("RA", "waits")]
    assert (waits["variation"], waits["variation_icon"]) == ("concern", "concern_high")
    neutral = rows.loc[("RA", "neutral")]
    assert (neutral["variation"], neutral["variation_icon"]) == ("neither", "neither_low")
    assert blank(neutral["assurance"]) and blank(neutral["assurance_icon"])
    rc = rows.loc[("RC", "ae")]
    assert pd.isna(rc["latest_period"]) and blank(rc["variation"]) and rc["points"] == 0


def test_assurance_follows_the_latest_limits():
    # A settled process 95..97 (mean 96, moving range 2: limits 90.68 .. 101.32).
    steady = [95.0, 97.0] * 8
    metrics = pd.DataFrame(
        {"metric_id": ["ae", "waits"], "higher_is_better": [True, False], "target": [90.0, 90.0]}
    )
    values = pd.concat([series("R1", "ae", steady), series("R1", "waits", steady)])
    table = icons.icon_matrix(values, metrics).set_index("metric_id")
    assert table.loc["ae", "lower_limit"] == pytest.approx(96 - 2.66 * 2)
    assert table.loc["ae", "assurance"] == "pass"  # 90 < 90.68: always above the target
    assert table.loc["waits", "assurance"] == "fail"  # lower is better and always above 90
    assert set(table["assurance_icon"]) == {"pass", "fail"}


def test_metrics_without_a_target_column_have_blank_assurance():
    table = icons.icon_matrix(series("R1", "ae", BASE), METRICS.drop(columns="target"))
    assert blank(table.loc[0, "assurance"])


def test_every_icon_named_has_a_file():
    values = pd.concat(
        [
            series("R1", "ae", BASE + [20.0]),
            series("R1", "waits", BASE + [2.0]),
            series("R1", "neutral", BASE + [20.0]),
            series("R2", "ae", BASE + [2.0]),
            series("R2", "waits", BASE + [20.0]),
            series("R2", "neutral", BASE + [2.0]),
            series("R3", "ae", BASE),
        ]
    )
    table = icons.icon_matrix(values, METRICS)
    assert set(table["variation_icon"]) == {
        "improvement_high",
        "improvement_low",
        "concern_high",
        "concern_low",
        "neither_high",
        "neither_low",
        "common_cause",
    }
    for icon in table["variation_icon"]:
        assert (ICON_FOLDER / f"variation-{icon}.svg").exists()
    for icon in icons.ASSURANCE_ICONS.values():
        assert (ICON_FOLDER / f"assurance-{icon}.svg").exists()
    assert icons.icon_src("variation", "common_cause") == "/assets/icons/variation-common_cause.svg"
    with pytest.raises(ValueError):
        icons.icon_src("other", "x")


def test_breaks_recalculate_the_limits_from_the_trusts_break():
    # Low before the break, high after: without the break the last point is a shift up;
    # from the break on it is common cause about the new mean.
    values = series("R1", "ae", [10.0, 12.0] * 6 + [30.0, 32.0] * 6)
    breaks = pd.Series({"R1": months(24)[12] + pd.Timedelta(days=10)})
    without = icons.icon_matrix(values, METRICS).iloc[0]
    within = icons.icon_matrix(values, METRICS, breaks=breaks).iloc[0]
    # A break mid-month starts the new segment at the first period on or after it, as xmr does.
    chart = spc.xmr(
        values["period_start"], values["value"], improvement_direction="increase", breaks=[breaks["R1"]]
    )
    assert within["mean"] == pytest.approx(chart["mean"].iloc[-1])
    assert (without["variation"], within["variation"]) == ("improvement", chart["variation"].iloc[-1])
    assert within["points"] == (chart["segment"] == chart["segment"].iloc[-1]).sum()


def test_cusum_signal_and_its_reading():
    # Higher is better; a sustained rise after the baseline signals up: an improvement.
    values = pd.concat([series("R1", "ae", BASE + [14.0] * 4), series("R1", "waits", BASE + [14.0] * 4)])
    table = icons.icon_matrix(values, METRICS).set_index("metric_id")
    alone = cusum.cusum(months(16), BASE + [14.0] * 4)
    assert (table.loc["ae", "cusum_signal"], table.loc["ae", "cusum_signal_period"]) == cusum.latest_signal(
        alone.table
    )
    assert table.loc["ae", "cusum_reading"] == "improvement"
    assert table.loc["waits", "cusum_reading"] == "concern"
    # The event ends the baseline: with it in the 13th month the signal is the same; with it
    # in the 6th there are too few points before it and no signal at all.
    later = icons.icon_matrix(values, METRICS, events=pd.Series({"R1": months(16)[12]}))
    assert later.loc[0, "cusum_signal"] == "up"
    early = icons.icon_matrix(values, METRICS, events=pd.Series({"R1": months(16)[5]}))
    assert early["cusum_signal"].isna().all()


def test_duplicate_periods_are_rejected():
    values = pd.concat([series("R1", "ae", BASE), series("R1", "ae", [1.0])])
    with pytest.raises(ValueError, match="unique"):
        icons.icon_matrix(values, METRICS)


# --- Agreement with spc and cusum one series at a time ------------------------------------------


def one_at_a_time(values: pd.DataFrame, metrics: pd.DataFrame, breaks: pd.Series, events: pd.Series) -> dict:
    """What the matrix must say, from spc.xmr, spc.summarise and cusum on each series alone."""
    definitions = metrics.set_index("metric_id")
    expected = {}
    for (trust, metric), part in values.groupby(["trust_code", "metric_id"]):
        better = definitions.loc[metric, "higher_is_better"]
        better = (
            None if better is None or (isinstance(better, float) and math.isnan(better)) else bool(better)
        )
        direction = spc.direction_from_polarity(better)
        target = definitions.loc[metric, "target"]
        cut = [breaks[trust]] if trust in breaks.index else []
        chart = spc.xmr(part["period_start"], part["value"], improvement_direction=direction, breaks=cut)
        summary = spc.summarise(
            chart, improvement_direction=direction, target=None if pd.isna(target) else target
        )
        present = chart[chart["value"].notna()]
        run = cusum.cusum(part["period_start"], part["value"], event=events.get(trust))
        expected[(trust, metric)] = {
            "variation": present["variation"].iloc[-1] if len(present) else None,
            "variation_icon": summary.variation_icon if len(present) else None,
            "assurance_icon": summary.assurance_icon,
            "latest_value": summary.latest_value,
            "points": summary.n_points,
            "lower_limit": summary.lower_limit,
            "upper_limit": summary.upper_limit,
            "signal": cusum.latest_signal(run.table),
        }
    return expected


def check_agreement(
    values: pd.DataFrame, metrics: pd.DataFrame, breaks: pd.Series, events: pd.Series
) -> None:
    table = icons.icon_matrix(values, metrics, breaks=breaks, events=events)
    expected = one_at_a_time(values, metrics, breaks, events)
    assert len(table) == len(expected)
    for row in table.itertuples(index=False):
        want = expected[(row.trust_code, row.metric_id)]
        assert (None if blank(row.variation) else row.variation) == want["variation"]
        assert (None if blank(row.variation_icon) else row.variation_icon) == want["variation_icon"]
        assert (None if blank(row.assurance_icon) else row.assurance_icon) == want["assurance_icon"]
        # The contract's word for summarise's "hit_and_miss".
        words = {None: None, "hit_and_miss": "hit_or_miss", "pass": "pass", "fail": "fail"}
        assert (None if blank(row.assurance) else row.assurance) == words[want["assurance_icon"]]
        assert row.points == want["points"]
        for got, wanted in ((row.latest_value, want["latest_value"]), (row.lower_limit, want["lower_limit"])):
            assert (wanted is None and math.isnan(got)) or got == pytest.approx(wanted)
        if want["signal"] is None:
            assert blank(row.cusum_signal)
        else:
            assert (row.cusum_signal, row.cusum_signal_period) == want["signal"]


def test_agrees_with_spc_and_cusum_on_many_random_series():
    rng = np.random.default_rng(5)
    parts = []
    for i in range(40):
        n = int(rng.integers(1, 60))
        values = rng.normal(50, 5, n) + np.where(np.arange(n) > n * 0.7, rng.normal(0, 10), 0)
        values[rng.random(n) < 0.1] = np.nan
        parts.append(series(f"R{i:02d}", ["ae", "waits", "neutral"][i % 3], values.tolist(), "2019-01-01"))
    values = pd.concat(parts, ignore_index=True)
    metrics = METRICS.assign(target=[45.0, 55.0, np.nan])
    breaks = pd.Series({f"R{i:02d}": pd.Timestamp("2020-06-15") for i in range(0, 40, 3)})
    events = pd.Series({f"R{i:02d}": pd.Timestamp("2020-03-01") for i in range(0, 40, 2)})
    check_agreement(values, metrics, breaks, events)


@st.composite
def matrices(draw):
    n_series = draw(st.integers(1, 6))
    parts = []
    for i in range(n_series):
        length = draw(st.integers(1, 30))
        steps = draw(
            st.lists(st.one_of(st.none(), st.integers(-3, 3)), min_size=length, max_size=length)
        )  # small integers make ties, runs and trends common
        level = draw(st.integers(0, 20))
        values = [None if s is None else float(level + s) for s in steps]
        parts.append(series(f"R{i}", draw(st.sampled_from(["ae", "waits", "neutral"])), values, "2019-01-01"))
    values = pd.concat(parts, ignore_index=True).drop_duplicates(["trust_code", "metric_id", "period_start"])
    trusts = sorted(set(values["trust_code"]))
    breaks = pd.Series(
        {
            t: pd.Timestamp("2019-01-01") + pd.DateOffset(months=draw(st.integers(0, 30)))
            for t in trusts
            if draw(st.booleans())
        },
        dtype="datetime64[ns]",
    )
    events = pd.Series(
        {
            t: pd.Timestamp("2019-01-01") + pd.DateOffset(months=draw(st.integers(0, 30)))
            for t in trusts
            if draw(st.booleans())
        },
        dtype="datetime64[ns]",
    )
    return values, breaks, events


@settings(max_examples=80, deadline=None)
@given(matrices(), st.integers(0, 20))
def test_agrees_with_spc_and_cusum_on_any_shape(data, target):
    values, breaks, events = data
    check_agreement(values, METRICS.assign(target=[float(target), float(target), np.nan]), breaks, events)
