"""A CSV download says where it came from, and is marked exactly when it shows the CP list."""

from __future__ import annotations

import io

import pandas as pd

from dashboard.marking import MARKING_CP
from tests.inprocess import download, sign_in


def _filename(response) -> str:
    return response.headers["Content-Disposition"].split("filename=")[1].strip('"')


def test_a_public_file_names_its_view_filters_and_date_and_scripts_get_the_header_first(mini_client):
    response = download(mini_client, "episodes", "?type=acute&from=2014-01-01")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].startswith("trust_code,"), "without ?provenance=1 the header comes first"
    name = _filename(response)
    assert name.startswith("smq-monitor-episodes-acute-from-2014-01-01-") and name.endswith(".csv")
    assert "X-Protective-Marking" not in response.headers
    # The public asking for a CP group: neither the file name nor the marking says it was asked.
    response = download(mini_client, "trusts", "?group=cp_only")
    assert "cp" not in _filename(response).replace("smq-monitor", "")
    assert "X-Protective-Marking" not in response.headers


def test_the_provenance_line_describes_the_file_and_spreadsheets_can_skip_it(mini_client):
    response = download(mini_client, "episodes", "?type=acute&provenance=1")
    first, header = response.get_data(as_text=True).splitlines()[:2]
    assert first.startswith("# smq-monitor episodes") and "Trust type: Acute" in first
    assert "data as of" in first and MARKING_CP not in first
    assert header.startswith("trust_code,")
    frame = pd.read_csv(io.StringIO(response.get_data(as_text=True)), comment="#")
    plain = pd.read_csv(io.StringIO(download(mini_client, "episodes", "?type=acute").get_data(as_text=True)))
    pd.testing.assert_frame_equal(frame, plain)


def test_an_analysts_file_is_marked_exactly_when_it_shows_cp_information(mini_client):
    sign_in(mini_client, "analyst")
    with_cp = download(mini_client, "episodes", "?provenance=1")
    assert ",cp," in with_cp.get_data(as_text=True)
    assert with_cp.headers["X-Protective-Marking"] == MARKING_CP
    assert with_cp.get_data(as_text=True).startswith(f"# {MARKING_CP}")
    # A trust never on the CP list: what the public may see too, so no marking.
    smq_only = download(mini_client, "episodes", "?trust=RAA&provenance=1")
    assert ",smq," in smq_only.get_data(as_text=True)
    assert ",cp," not in smq_only.get_data(as_text=True)
    assert "X-Protective-Marking" not in smq_only.headers
    assert MARKING_CP not in smq_only.get_data(as_text=True)
    # A CP trust's costs (dated in its CP episode) are CP information in a costs file.
    costs = download(mini_client, "costs", "?trust=RDD")
    assert costs.headers.get("X-Protective-Marking") == MARKING_CP


def test_labels_give_words_for_codes_and_keep_the_numbers(mini_client):
    coded = pd.read_csv(io.StringIO(download(mini_client, "costs").get_data(as_text=True)))
    worded = pd.read_csv(io.StringIO(download(mini_client, "costs", "?labels=1").get_data(as_text=True)))
    assert "Evaluation group" in worded.columns and "Total cost (£)" in worded.columns
    assert set(worded["Evaluation group"]) >= {"Prolonged poor performers", "Clear performance improvers"}
    assert worded["Total cost (£)"].tolist() == coded["total_cost_gbp"].tolist()
    assert not any(g.startswith("Challenged") for g in worded["Evaluation group"]), "public: no CP group"
