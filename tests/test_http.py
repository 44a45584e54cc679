"""HTTP behaviour through a real gunicorn: health, downloads for each role, sign-in."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from data_access.vocab import CP_GROUPS
from tests.signin import sign_in

pytestmark = pytest.mark.xdist_group("browser")


def session_for(app_server, role: str | None) -> requests.Session:
    session = requests.Session()
    if role:
        username, password = app_server.users[role]
        response = sign_in(session, app_server.url, username, password)
        assert response.status_code == 303 and response.headers["Location"] == "/"
    return session


def download(session: requests.Session, app_server, view: str, query: str = "") -> list[dict]:
    response = session.get(f"{app_server.url}/download/{view}.csv" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_health_endpoints(app_server):
    for path in ("/healthz", "/livez", "/readyz"):
        response = requests.get(app_server.url + path)
        assert response.status_code == 200 and response.text.strip() == "ok", path
        assert response.headers["Cache-Control"] == "no-store"


def test_every_answer_has_a_request_id_and_a_good_incoming_one_is_kept(app_server):
    first = requests.get(app_server.url + "/livez").headers["X-Request-ID"]
    second = requests.get(app_server.url + "/livez").headers["X-Request-ID"]
    assert len(first) >= 16 and first != second
    kept = requests.get(app_server.url + "/livez", headers={"X-Request-ID": "proxy-id-0123456789"})
    assert kept.headers["X-Request-ID"] == "proxy-id-0123456789"
    for bad in ("short", "has spaces in it", "x" * 200, "<script>alert(1)</script>"):
        replaced = requests.get(app_server.url + "/livez", headers={"X-Request-ID": bad})
        assert replaced.headers["X-Request-ID"] != bad


DEBUG_ROUTES = ["/_reload-hash", "/_dash-debug-menu", "/_dash-routes", "/_mcp", "/_alive_x", "/_dash-x"]


@pytest.mark.parametrize("path", DEBUG_ROUTES)
def test_no_debug_route_is_served(app_server, path):
    assert requests.get(app_server.url + path).status_code == 404
    assert requests.post(app_server.url + path, json={}).status_code in (404, 405)


def test_the_page_config_enables_no_dev_tools(app_server):
    import json
    import re

    page = requests.get(app_server.url + "/").text
    config = json.loads(
        re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page).group(1)
    )
    assert not config.get("ui") and not config.get("props_check") and "hot_reload" not in config
    assert "dev_tools" not in config


def test_security_headers_on_every_response(app_server):
    for path in ("/", "/healthz", "/download/trusts.csv", "/_dash-layout"):
        headers = requests.get(app_server.url + path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


CONTRACT_COLUMNS = {
    "trusts": ["trust_code", "trust_name", "trust_type", "region", "evaluation_group", "current_regime"],
    "episodes": ["trust_code", "regime", "start_date", "end_date", "days"],
    "ratings": ["trust_code", "publication_date", "domain", "rating"],
    "trajectories": ["trust_code", "metric_id", "period_start", "value", "months_from_event"],
    "uptake": [
        "trust_code",
        "evaluation_group",
        "improvement_director",
        "buddying",
        "central_funding",
        "leadership_change",
        "deep_dive",
        "oversight_group",
        "other",
    ],
    "costs": [
        "trust_code",
        "evaluation_group",
        "total_cost_gbp",
        "smq_days",
        "exited_smq",
        "re_entered_smq",
        "rating_at_smq_entry",
        "latest_rating",
    ]
    + [
        f"cost_{c}_gbp"
        for c in (
            "improvement_director",
            "buddying",
            "central_funding",
            "consultancy",
            "reporting_burden",
            "leadership_recruitment",
            "other",
        )
    ],
}


@pytest.mark.parametrize("view", sorted(CONTRACT_COLUMNS))
def test_downloads_carry_the_contract_columns(app_server, view):
    response = requests.get(f"{app_server.url}/download/{view}.csv?metric=ae_4hr")
    header = next(csv.reader(io.StringIO(response.text)))
    assert set(CONTRACT_COLUMNS[view]) <= set(header)


def test_public_download_reveals_no_cp(app_server):
    public = session_for(app_server, None)
    analyst = session_for(app_server, "analyst")
    public_trusts = download(public, app_server, "trusts")
    analyst_trusts = download(analyst, app_server, "trusts")
    assert len(public_trusts) == len(analyst_trusts)
    assert not {r["evaluation_group"] for r in public_trusts} & CP_GROUPS
    assert {r["evaluation_group"] for r in analyst_trusts} & CP_GROUPS
    assert "cp" not in {r["current_regime"] for r in public_trusts}
    assert {r["regime"] for r in download(public, app_server, "episodes")} <= {"smq", "rsp"}
    assert "cp" in {r["regime"] for r in download(analyst, app_server, "episodes")}
    # Filtering on CP is ignored for the public (as any unknown value is), never a tell-tale subset.
    for query in ("regime=cp", "group=cp_only", "group=cp_to_smq&regime=cp"):
        assert download(public, app_server, "trusts", query) == public_trusts


def test_improvement_director_sees_cp_only_for_their_trusts(app_server):
    director = session_for(app_server, "improvement_director")
    episodes = download(director, app_server, "episodes")
    cp_trusts = {r["trust_code"] for r in episodes if r["regime"] == "cp"}
    assert cp_trusts and cp_trusts <= set(app_server.director_trusts)


def test_trajectories_months_from_event_and_spc_for_one_trust(app_server):
    analyst = session_for(app_server, "analyst")
    trusts = download(analyst, app_server, "trusts", "regime=smq")
    code = trusts[0]["trust_code"]
    rows = download(analyst, app_server, "trajectories", f"trust={code}&align=smq_entry")
    assert rows and all(r["trust_code"] == code for r in rows)
    assert all(r["months_from_event"] != "" for r in rows)
    assert {"mean", "lower_limit", "upper_limit", "variation"} <= set(rows[0])
    assert {r["variation"] for r in rows} <= {"common_cause", "improvement", "concern", "neither", ""}
    calendar = download(analyst, app_server, "trajectories", f"trust={code}")
    assert all(r["months_from_event"] == "" for r in calendar)


def test_unknown_download_is_404_and_bad_parameters_are_ignored(app_server):
    assert requests.get(app_server.url + "/download/secrets.csv").status_code == 404
    response = requests.get(app_server.url + "/download/trusts.csv?type=hospital&from=yesterday")
    assert response.status_code == 200
    assert response.headers["X-Ignored-Parameters"] == "2"


def test_login_rejects_a_cross_site_post(app_server):
    from tests.signin import form_token

    username, password = app_server.users["admin"]
    session = requests.Session()
    token = form_token(session, app_server.url)
    response = session.post(
        app_server.url + "/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert response.status_code == 400
