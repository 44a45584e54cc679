"""Cost-consequence helpers on hand-made frames."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import cca


def test_metric_change_compares_the_year_before_entry_with_the_latest_year():
    trusts = pd.DataFrame({"trust_code": ["A", "B"], "first_smq_entry": pd.to_datetime(["2015-01-01", None])})
    months = pd.date_range("2013-01-01", "2019-12-01", freq="MS")
    values = pd.DataFrame(
        {
            "trust_code": "A",
            "period_start": months,
            "value": [80.0 if m < pd.Timestamp("2015-01-01") else 90.0 for m in months],
        }
    )
    out = cca.metric_change(values, trusts, higher_is_better=True, as_of=date(2019, 12, 31)).set_index(
        "trust_code"
    )
    assert list(out.index) == ["A"]
    assert out.loc["A", "before"] == 80 and out.loc["A", "latest"] == 90
    assert out.loc["A", "direction"] == "improved"
    lower = cca.metric_change(values, trusts, higher_is_better=False, as_of=date(2019, 12, 31)).set_index(
        "trust_code"
    )
    assert lower.loc["A", "direction"] == "worsened"


def test_little_change_and_missing_windows():
    assert cca.direction_words(100.0, 1.0, True) == "little change"
    assert cca.direction_words(100.0, -5.0, True) == "worsened"
    assert cca.direction_words(float("nan"), 1.0, True) == ""


def test_funding_is_classified_by_its_date():
    episodes = pd.DataFrame(
        {
            "trust_code": ["A", "A"],
            "regime": ["smq", "cp"],
            "start_date": pd.to_datetime(["2015-01-01", "2013-01-01"]),
            "end_date": pd.to_datetime(["2016-06-30", "2013-12-31"]),
        }
    )
    funding = pd.DataFrame(
        {
            "trust_code": ["A"] * 4,
            "start_date": pd.to_datetime(["2015-02-01", "2016-07-15", "2013-06-01", "2018-01-01"]),
        }
    )
    assert list(cca.classify_funding(funding, episodes)) == ["smq_entry", "smq_exit", "cp", "other"]


def test_group_summary_gives_median_and_range():
    table = pd.DataFrame({"evaluation_group": ["x", "x", "y"], "total_cost_gbp": [100.0, 300.0, 50.0]})
    out = cca.group_summary(table, {"total_cost_gbp": "Total cost £"}).set_index("evaluation_group")
    assert (
        out.loc["x", "Total cost £ (median)"] == 200 and out.loc["x", "Total cost £ (range)"] == "100 – 300"
    )
    assert out.loc["y", "trusts"] == 1
