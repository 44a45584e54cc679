"""The trajectories page as a stakeholder uses it: real counts behind the aligned benchmark, only
metrics that apply to the chosen types (control and URL together), and one trust highlighted
against its group rather than alone."""

from __future__ import annotations

import base64
import json

import numpy as np

from tests.inprocess import answer

CHART = "trajectories-chart.figure"


def test_the_aligned_benchmark_states_how_many_trusts_have_the_event(mini_client):
    # Acute trusts with A&E values: RAA, RBB, REE; REE is still in SMQ, so has no SMQ exit.
    note = answer(mini_client, "trajectories-note.children", "?type=acute&align=smq_exit", "/trajectories")
    text = note["trajectories-note"]["children"]
    assert "Aligned on SMQ exit: 2 of 3 acute trusts have this event" in text
    assert "of the filtered trusts, 2 of 3 have it and are drawn" in text
    calendar = answer(mini_client, "trajectories-note.children", "?type=acute", "/trajectories")
    assert "all 3 acute trusts with values" in calendar["trajectories-note"]["children"]


def test_a_type_change_that_removes_the_metric_moves_control_and_url_together(mini_client):
    # A&E applies to acute trusts only: for community trusts the page moves to sickness absence.
    response = answer(
        mini_client,
        "trajectories-metric.options",
        "?type=community&metric=ae_4hr",
        "/trajectories",
        {"trajectories-metric.value": "ae_4hr"},
    )
    assert [o["value"] for o in response["trajectories-metric"]["options"]] == ["sickness"]
    assert response["trajectories-metric"]["value"] == "sickness"
    # The control's new value writes the URL, as the browser's next call does.
    url = answer(
        mini_client,
        "url.search",
        "?type=community&metric=ae_4hr",
        "/trajectories",
        {"trajectories-metric.value": "sickness"},
        inputs=["trajectories-metric.value"],
    )
    assert url["url"]["search"] == "?type=community&metric=sickness"
    chart = answer(mini_client, CHART, url["url"]["search"], "/trajectories")
    assert "sickness" in chart["trajectories-chart"]["figure"]["layout"]["title"]["text"].lower()
    # A metric that applies stays, and the URL is left alone.
    kept = answer(
        mini_client,
        "trajectories-metric.options",
        "?type=acute&metric=ae_4hr",
        "/trajectories",
        {"trajectories-metric.value": "ae_4hr"},
    )
    assert "value" not in kept["trajectories-metric"] and {"ae_4hr", "sickness"} == {
        o["value"] for o in kept["trajectories-metric"]["options"]
    }


def test_picking_one_trust_keeps_the_comparison_and_highlights_it(mini_client):
    response = answer(mini_client, CHART, "?type=acute&metric=ae_4hr&trust=RAA", "/trajectories")
    traces = response["trajectories-chart"]["figure"]["data"]
    lines = next(t for t in traces if (t.get("name") or "").startswith("Individual trusts"))
    drawn = {c[0] for c in lines["customdata"] if c and c[0]}
    assert drawn == {"RAA", "RBB", "REE"}
    highlighted = [t for t in traces if t.get("name") == "Alderbrook Hospitals NHS Trust"]
    assert len(highlighted) == 1 and highlighted[0]["mode"] == "lines+markers"
    medians = [t for t in traces if (t.get("name") or "").endswith(": median")]
    # The other filters pick every acute trust: the band is the benchmark, drawn once.
    assert [t["name"] for t in medians] == ["All trusts of these types: median"]
    custom = medians[0]["customdata"]  # plotly sends numeric arrays as typed binary
    counts = np.frombuffer(base64.b64decode(custom["bdata"]), dtype=custom["dtype"]).reshape(-1, 3)[:, 2]
    assert (counts == 3).all(), "the median is over the three acute trusts, not the one selected"


def _xy(trace: dict) -> str:
    return json.dumps({k: trace.get(k) for k in ("x", "y", "customdata", "xaxis", "yaxis")}, sort_keys=True)


def test_the_chart_answer_sends_each_trace_once_and_no_template_for_an_empty_spc(mini_client):
    for search in ("?type=acute&metric=ae_4hr", "?type=acute&metric=ae_4hr&region=London"):
        response = answer(mini_client, CHART, search, "/trajectories")  # with the SPC chart
        traces = response["trajectories-chart"]["figure"]["data"]
        if "region" not in search:
            drawn = [_xy(t) for t in traces]
            assert len(drawn) == len(set(drawn)), f"{search}: a trace is sent twice"
        names = [t.get("name") for t in traces if (t.get("name") or "").endswith(": median")]
        assert names == (
            ["All trusts of these types: median"]  # the filters pick them all: one band
            if "region" not in search
            else ["All trusts of these types: median", "Filtered trusts: median"]
        )
        # No trust selected: the SPC chart is an empty message, without the 7 KB template.
        spc = response["trajectories-spc"]["figure"]
        assert spc["data"] == [] and len(json.dumps(spc)) < 1500
