"""The improvement director's trust profile: direction and judgement apart, rounded as shown;
sparklines that open the SPC chart; a link into trajectories carrying the trust; comparisons that
name their comparator set."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pandas as pd

from dashboard import spc
from dashboard.figures import trust as figures
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
