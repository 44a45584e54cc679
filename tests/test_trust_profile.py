"""The improvement director's trust profile: direction and judgement apart, rounded as shown;
sparklines that open the SPC chart; a link into trajectories carrying the trust; comparisons that
name their comparator set."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pandas as pd
import pytest

from dashboard import spc
from dashboard.figures import trust as figures
from data_access import importer, queries
from tests import datasets
from tests.inprocess import answer, sign_in


def test_direction_and_judgement_are_apart_and_made_on_the_shown_precision():
    # A rise in a lower-is-better count: up arrow, and a worsening.
    assert figures.change_words(18.8, 567.2, higher_is_better=False) == ("rose", "worsened")
    assert figures.change_words(18.8, 567.2, higher_is_better=True) == ("rose", "improved")
    assert figures.change_words(95.0, 80.0, higher_is_better=True) == ("fell", "worsened")
    # 1.06 and 1.14 are both shown as 1.1: no change, whatever the unrounded numbers say.
    assert figures.change_words(1.14, 1.06, higher_is_better=False) == ("no change", "no material change")
    # Shown apart but under 2% of the baseline: it moved, but not materially.
    assert figures.change_words(90.0, 90.5, higher_is_better=True) == ("rose", "no material change")
    assert figures.change_words(float("nan"), 3.0, higher_is_better=True) == ("", "")


def test_a_sparkline_marks_special_cause_points_in_their_spc_colour():
    periods = pd.date_range("2015-01-01", periods=20, freq="MS")
    values = [50.0] * 12 + [80.0] * 8  # a shift upwards: special cause at the end
    chart = spc.xmr(periods, values, improvement_direction="increase")
    svg = unquote(figures.sparkline_svg(chart))
    assert svg.startswith("data:image/svg+xml;utf8,<svg")
    assert svg.count("<circle") == int((chart["variation"] != "common_cause").sum()) > 0
    assert "#289DE0" in svg  # improvement
    assert figures.sparkline_svg(chart.head(1)) == ""


def test_the_profile_links_to_trajectories_and_names_the_comparator_set(mini_client):
    response = answer(mini_client, "trust-header.children", "", "/trust/RAA")
    header = json.dumps(response["trust-header"]["children"], ensure_ascii=False)
    assert "/trajectories?type=acute&trust=RAA" in header
    response = answer(mini_client, "trust-indicators.children", "", "/trust/RAA")
    indicators = json.dumps(response["trust-indicators"]["children"], ensure_ascii=False)
    # RAA is a prolonged poor performer; the public sees RGG in that group too (acute and community,
    # but A&E applies to it): one other trust with A&E values in 2015.
    assert "the 1 other trust in “Prolonged poor performers”, as your access shows that group" in indicators
    assert '"type": "trust-spc-open"' in indicators and "data:image/svg+xml" in indicators


def open_spc(client, code: str, metric: str) -> dict:
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if "trust-spc.figure" in d["output"])
    button = {"type": "trust-spc-open", "metric": metric}
    body = {
        "output": dep["output"],
        "outputs": [
            {"id": "trust-spc", "property": "figure"},
            {"id": "trust-spc-summary", "property": "children"},
        ],
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "url", "property": "pathname", "value": f"/trust/{code}"}],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    return response.get_json()["response"]


def test_an_indicator_opens_its_full_spc_chart(mini_client):
    sign_in(mini_client, "improvement_director", ("RAA",))
    response = open_spc(mini_client, "RAA", "ae_4hr")
    figure = response["trust-spc"]["figure"]
    assert "A&E 4-hour performance" in figure["layout"]["title"]["text"]
    names = {t.get("name") for t in figure["data"]}
    assert {"Mean", "Upper process limit", "Lower process limit"} <= names
    assert "Alderbrook" in json.dumps(response["trust-spc-summary"]["children"])


# --- Like periods around entry and exit --------------------------------------------------------


def _monthly(start: str, end: str, value) -> pd.DataFrame:
    periods = pd.date_range(start, end, freq="MS")
    return pd.DataFrame({"period_start": periods, "value": [value(p) for p in periods]})


def test_like_periods_are_the_year_before_entry_against_the_same_months_two_years_on():
    # The value is the month's number counted from January 2013 (0, 1, 2, ...).
    series = _monthly("2013-01-01", "2017-12-01", lambda p: float((p.year - 2013) * 12 + p.month - 1))
    periods = figures.like_periods(series, pd.Timestamp("2014-03-15"), pd.Timestamp("2016-06-10"))
    # Entry in March 2014: March 2013–February 2014 (2…13) against March 2015–February 2016 (26…37).
    assert periods["before_entry"] == 7.5 and periods["year_on"] == 31.5
    # Exit in June 2016: June 2015–May 2016 (29…40) against June 2016–May 2017 (41…52).
    assert periods["before_exit"] == 34.5 and periods["after_exit"] == 46.5
    # No exit: nothing to compare after it.
    still_in = figures.like_periods(series, pd.Timestamp("2014-03-15"), None)
    assert pd.isna(still_in["before_exit"]) and pd.isna(still_in["after_exit"])


def test_a_period_needs_half_its_values_for_the_metric_s_frequency():
    assert [figures.min_points(f) for f in ("monthly", "quarterly", "annual", None)] == [6, 2, 1, 6]
    five = _monthly("2013-01-01", "2017-12-01", lambda p: 1.0)
    five = five[~((five["period_start"] >= "2013-03-01") & (five["period_start"] < "2013-10-01"))]
    # March 2013–February 2014 keeps 5 months (Oct–Feb): too few for a monthly metric.
    periods = figures.like_periods(five, pd.Timestamp("2014-03-01"), None, needed=6)
    assert pd.isna(periods["before_entry"]) and periods["year_on"] == 1.0
    assert figures.like_periods(five, pd.Timestamp("2014-03-01"), None, needed=5)["before_entry"] == 1.0


def test_a_gain_that_lasted_or_slipped_back_after_exit_is_said_apart_from_its_direction():
    assert figures.exit_verdict("improved", "no material change") == "the gain held after exit"
    assert figures.exit_verdict("improved", "worsened") == "slipped back after exit"
    assert figures.exit_verdict("improved", "improved") == "kept improving after exit"
    assert figures.exit_verdict("worsened", "improved") == "improved after exit"
    assert figures.exit_verdict("improved", "") == ""


PROFILE_TRUSTS = """trust_code,trust_name,trust_type,region,setting,teaching,evaluation_group
RSP1,Ravensworth Hospitals NHS Trust,acute,London,urban,false,
SM1,Stanwick Hospitals NHS Trust,acute,London,urban,false,
"""
PROFILE_EPISODES = """trust_code,regime,start_date,end_date,notes
RSP1,rsp,2021-09-01,2023-03-31,
SM1,smq,2014-01-01,2016-06-30,
"""


def _profile_values() -> str:
    lines = ["trust_code,metric_id,period_start,value,numerator,denominator"]
    # RSP1: 6% sickness absence before entry, 5% from it on (also after exit: the gain held).
    for p in pd.date_range("2019-01-01", "2024-12-01", freq="MS"):
        lines.append(f"RSP1,sickness,{p:%Y-%m-%d},{6.0 if p < pd.Timestamp('2021-09-01') else 5.0},,")
    # SM1: 10% in 2013, 8% in the two years after entry, 9% after exit (it slipped back).
    for p in pd.date_range("2013-01-01", "2017-12-01", freq="MS"):
        value = 10.0 if p.year == 2013 else (8.0 if p < pd.Timestamp("2016-06-01") else 9.0)
        lines.append(f"SM1,sickness,{p:%Y-%m-%d},{value},,")
    return "\n".join(lines) + "\n"


@pytest.fixture
def profile_client(client, engine, tmp_path):
    files = datasets.mini() | {
        "trusts.csv": PROFILE_TRUSTS,
        "regime_episodes.csv": PROFILE_EPISODES,
        "metric_values.csv": _profile_values(),
        "cqc_ratings.csv": "trust_code,publication_date,domain,rating\n",
        "interventions.csv": "trust_code,intervention,status,start_date,end_date,amount_gbp,partner,notes\n",
        "costs.csv": "trust_code,category,period_start,payer,amount_gbp,source,notes\n",
        "dataset.csv": "name,synthetic,as_of,licence,notes\nprofile test,true,2025-06-30,CC0,\n",
    }
    importer.import_directory(datasets.write(tmp_path / "profile", files), engine)
    queries.forget_data_version()
    return client


def _indicators(client, code: str) -> str:
    response = answer(client, "trust-indicators.children", "", f"/trust/{code}")
    return json.dumps(response["trust-indicators"]["children"], ensure_ascii=False)


def test_an_rsp_only_trust_is_compared_since_entry_into_intensive_support(profile_client):
    shown = _indicators(profile_client, "RSP1")
    assert "Since entry into intensive support (12 months before → months 12–23 after)" in shown
    assert "Since SMQ entry" not in shown
    # Sickness absence is better lower: it fell (direction) and that is an improvement (judgement).
    assert "↓ fell (6.0% → 5.0%)" in shown and '"improved"' in shown
    assert "→ no change (5.0% → 5.0%)" in shown and "the gain held after exit" in shown


def test_an_smq_trust_whose_gain_did_not_last_after_exit(profile_client):
    shown = _indicators(profile_client, "SM1")
    assert "Since SMQ entry (12 months before → months 12–23 after)" in shown
    assert "↓ fell (10.0% → 8.0%)" in shown
    assert "↑ rose (8.0% → 9.0%)" in shown and "slipped back after exit" in shown
