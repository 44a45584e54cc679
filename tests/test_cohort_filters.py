"""The ICB and cohort filters (§4 `icb`; `entered`, `exited`, `cohort`) and date clipping, on a real
database through the app's own answers (downloads and the notices a page shows)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from data_access import importer, queries
from tests import datasets
from tests.inprocess import download, sign_in
from tests.test_no_cp_leak import build_body

ICBS = {"RAA": "QWE", "RBB": "QWE", "REE": "QRT", "RGG": "QRT"}


@pytest.fixture
def icb_client(client, engine, tmp_path):
    """The mini dataset with ICBs for four trusts."""
    files = datasets.mini()
    lines = files["trusts.csv"].splitlines()
    rows = [lines[0] + ",icb"] + [f"{line},{ICBS.get(line.split(',')[0], '')}" for line in lines[1:]]
    files["trusts.csv"] = "\n".join(rows) + "\n"
    importer.import_directory(datasets.write(tmp_path / "icb", files), engine)
    queries.forget_data_version()
    return client


def codes(client, search: str) -> list[str]:
    response = download(client, "trusts", search)
    assert response.status_code == 200
    return sorted(row["trust_code"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def notices(client, search: str) -> str:
    """The notices the filter bar shows for a URL, as the browser receives them."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if "url-notices.children" in d["output"])
    body = build_body(dep, search, "/trajectories", None)
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    return json.dumps(response.get_json()["response"]["url-notices"], ensure_ascii=False)


def test_icb_filter_repeats_or_takes_commas_and_ignores_unknown_boards(icb_client):
    assert codes(icb_client, "?icb=QWE") == ["RAA", "RBB"]
    assert codes(icb_client, "?icb=qwe,QRT") == ["RAA", "RBB", "REE", "RGG"]
    assert codes(icb_client, "?icb=QWE&icb=QRT&type=acute") == ["RAA", "RBB", "REE"]
    assert codes(icb_client, "?icb=NOPE") == codes(icb_client, "")
    assert "no trust is in that ICB" in notices(icb_client, "?icb=NOPE")


def test_cohort_by_year_of_first_entry_and_exit(mini_client):
    # First spell of intensive support: RAA 2014–2016, RBB 2015–2016, RCC 2015–2016, REE 2018–,
    # RGG 2013–2014 (its re-entry in 2016 is not a first entry).
    assert codes(mini_client, "?entered=2015") == ["RBB", "RCC"]
    assert codes(mini_client, "?entered=2014,2015") == ["RAA", "RBB", "RCC"]
    assert codes(mini_client, "?entered=2016") == []
    assert codes(mini_client, "?exited=2016") == ["RAA", "RBB", "RCC"]
    assert codes(mini_client, "?entered=2015&exited=2016") == ["RBB", "RCC"]
    assert codes(mini_client, "?exited=2014&cohort=smq") == ["RGG"]
    # An ongoing spell has no exit year.
    assert "REE" not in codes(mini_client, "?exited=2018,2019")


def test_bad_years_are_ignored_with_a_notice(mini_client):
    assert codes(mini_client, "?entered=sixteen") == codes(mini_client, "")
    assert "Ignored entry year" in notices(mini_client, "?entered=sixteen")
    assert "Ignored exit year" in notices(mini_client, "?exited=1850")
    assert "Ignored cohort" in notices(mini_client, "?cohort=winners")


def test_the_public_has_no_cohort_by_cp_entry(mini_client):
    # The CP list's first entries in 2014 (RCC) and 2016 (RDD) are confidential: for the public the
    # cohort falls back to intensive support, with the notice any CP filter gets.
    assert codes(mini_client, "?cohort=cp&entered=2016") == []
    assert codes(mini_client, "?cohort=cp&entered=2014") == ["RAA"]
    assert "Challenged Providers" in notices(mini_client, "?cohort=cp&entered=2014")
    sign_in(mini_client, "analyst")
    assert codes(mini_client, "?cohort=cp&entered=2014") == ["RCC"]
    assert codes(mini_client, "?cohort=cp&entered=2016") == ["RDD"]


def test_dates_beyond_2030_or_before_the_data_are_clipped_with_a_notice(mini_client):
    text = notices(mini_client, "?from=1990-01-01&to=2099-01-01")
    # The mini data start with RAA's and RGG's public dates (a 2013 rating); never a CP date.
    assert "Clipped the “from” date 1990-01-01 to 2013-06-01" in text
    assert "Clipped the “to” date 2099-01-01 to 2030-12-31" in text
    response = download(mini_client, "episodes", "?from=2099-01-01")
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))) == 1  # REE, ongoing
