"""What every chart's exported image will say: source, filters and, only for CP content, the marking.

The server puts it in each figure's ``layout.meta.export`` (`marking.stamp_figure`), and the
toolbar's PNG and SVG export draws it into the image (tests/browser/test_chart_export.py).
"""

from __future__ import annotations

import json

from dashboard.marking import MARKING_CP, SYNTHETIC_WORDS, figure_cp_reasons
from tests.inprocess import answer, callback_answers, sign_in
from tests.test_no_cp_leak import PATHS, SEARCHES


def _stamp(client, output: str, search: str = "", path: str = "/") -> dict:
    component, prop = output.split(".")
    figure = answer(client, output, search, path)[component][prop]
    return figure["layout"]["meta"]["export"]


def _figures(body: str) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "data" in node and "layout" in node:
                found.append(node)
                return  # (its template has "data" and "layout" too)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(body))
    return found


def test_every_public_chart_is_stamped_with_its_source_and_filters_and_never_marked(mini_client):
    figures = 0
    for output, search, status, body in callback_answers(mini_client, SEARCHES[:6], PATHS):
        if status != 200 or '"figure"' not in body:
            continue
        for figure in _figures(body):
            stamp = figure["layout"].get("meta", {}).get("export")
            assert stamp, (output, search, json.dumps(figure)[:600])
            assert stamp["marking"] is None, (output, search)
            assert stamp["source"].startswith("Source: smq-monitor, ") and "data as of" in stamp["source"]
            assert stamp["filters"].startswith("Filters: ")
            assert "Challenged" not in json.dumps(stamp) and "CP" not in stamp["filters"]
            figures += 1
    assert figures > 20


def test_the_stamp_says_the_filters_in_words(mini_client):
    stamp = _stamp(mini_client, "overview-types.figure", "?type=acute&from=2014-01-01")
    assert stamp["filters"] == "Filters: Trust type: Acute; Dates: from 1 Jan 2014"
    stamp = _stamp(mini_client, "overview-types.figure", "?trust=RAA")
    assert stamp["filters"] == "Filters: Trust: Alderbrook Hospitals NHS Trust (RAA)"
    assert _stamp(mini_client, "overview-types.figure")["filters"] == "Filters: None: every trust"


def test_an_analysts_chart_is_marked_exactly_when_it_shows_cp_information(mini_client):
    sign_in(mini_client, "analyst")
    # Counts by regime draw the CP list; trust types are what the public sees too.
    assert _stamp(mini_client, "overview-counts.figure")["marking"] == MARKING_CP
    assert _stamp(mini_client, "overview-groups.figure")["marking"] == MARKING_CP
    assert _stamp(mini_client, "overview-types.figure")["marking"] is None
    # One trust never on the list: its group is what the public sees too. (Counts by regime
    # still draw the CP line, at 0: that none of them is on the list is information about it.)
    assert _stamp(mini_client, "overview-groups.figure", "?trust=RAA")["marking"] is None
    assert _stamp(mini_client, "overview-counts.figure", "?trust=RAA")["marking"] == MARKING_CP
    # RGG (a prolonged poor performer) has a cost dated inside its CP episode: its costs differ
    # from the public's, so they are marked, though the chart names no CP group.
    costs = answer(mini_client, "costs-by-payer.figure", "?trust=RGG", "/costs")["costs-by-payer"]["figure"]
    assert not figure_cp_reasons(costs)
    assert costs["layout"]["meta"]["export"]["marking"] == MARKING_CP
    assert _stamp(mini_client, "costs-by-payer.figure", "?trust=RAA", "/costs")["marking"] is None


def test_synthetic_data_says_so_in_the_stamp(mini_client):
    stamp = _stamp(mini_client, "overview-types.figure")
    assert (
        stamp["source"]
        == f"Source: smq-monitor, mini test dataset, data as of 30 Jun 2019. {SYNTHETIC_WORDS}."
    )
