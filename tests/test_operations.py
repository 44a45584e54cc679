"""Operating it: behind a TLS proxy, health while the database hangs or is cut off, logs an
operator can use, and Dash's own endpoints switched off; through a real gunicorn."""

from __future__ import annotations

import io
import json
import logging
import re
import time

import pytest
import requests
from sqlalchemy.engine import make_url

from data_access import db, users
from smq_monitor import observability
from tests.conftest import _PG
from tests.faults import TcpProxy
from tests.ops import PASSWORD, FreezableProxy, client, database, serve
from tests.proxy import ReverseProxy
from tests.signin import TOKEN, signed_in_session

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("security-live")]


def _cookie(response: requests.Response) -> str:
    """The session cookie's `name=value`, to send by hand (a Secure cookie is never sent over
    the test's plain-HTTP leg by a client library)."""
    return response.headers["Set-Cookie"].split(";", 1)[0]


@pytest.mark.parametrize("trusted", [0, 1])
def test_sign_in_through_a_tls_proxy(tmp_path, trusted):
    settings = {"SMQ_TRUSTED_PROXIES": str(trusted), "SMQ_INSECURE_COOKIES": ""}  # production: Secure cookies
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url, settings) as server:
        proxy = ReverseProxy(int(server.url.rsplit(":", 1)[1]))
        try:
            page = requests.get(proxy.url + "/login", timeout=30)
            token = TOKEN.search(page.text).group(1)
            origin = f"https://{proxy.public_host}"
            response = requests.post(
                proxy.url + "/login",
                data={"username": server.users["analyst"], "password": PASSWORD, "csrf_token": token},
                headers={"Origin": origin, "Cookie": _cookie(page)},
                allow_redirects=False,
                timeout=30,
            )
            if not trusted:  # the proxy's headers are not believed: the Origin looks foreign
                assert response.status_code == 400
                return
            assert response.status_code == 303 and response.headers["Location"] == "/"
            cookie = response.headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie
            assert response.headers["Strict-Transport-Security"].startswith("max-age=")
            signed_in = requests.get(
                proxy.url + "/download/episodes.csv", headers={"Cookie": _cookie(response)}, timeout=30
            )
            assert ",cp," in signed_in.text
            # The client's own address (X-Forwarded-For) is who the lockout and the limits count.
            requests.post(
                proxy.url + "/login",
                data={"username": server.users["analyst"], "password": "wrong", "csrf_token": token},
                headers={"Origin": origin, "Cookie": _cookie(page)},
                allow_redirects=False,
                timeout=30,
            )
            engine = db.get_engine(url)
            assert users.failures(server.users["analyst"], engine) == {proxy.client_ip: 1}
            engine.dispose()
            assert f"client={proxy.client_ip}" in server.log()
        finally:
            proxy.close()


def test_without_trusted_proxies_forwarded_headers_are_ignored(tmp_path):
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url) as server:
        session = client("127.0.0.5")
        page = session.get(server.url + "/login", headers={"X-Forwarded-For": "198.51.100.9"}, timeout=30)
        token = TOKEN.search(page.text).group(1)
        session.post(
            server.url + "/login",
            data={"username": server.users["analyst"], "password": "wrong", "csrf_token": token},
            headers={"X-Forwarded-For": "198.51.100.9"},
            allow_redirects=False,
            timeout=30,
        )
        engine = db.get_engine(url)
        assert users.failures(server.users["analyst"], engine) == {"127.0.0.5": 1}
        engine.dispose()


def test_dash_endpoints_stay_off_whatever_the_environment_says(tmp_path):
    loud = {"DASH_MCP_ENABLED": "true", "DASH_UI": "true", "DASH_HOT_RELOAD": "true", "DASH_DEBUG": "true"}
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url, loud) as server:
        for path in ("/_mcp", "/_reload-hash", "/_dash-debug-menu"):
            assert requests.get(server.url + path, timeout=30).status_code == 404, path
        mcp = requests.post(server.url + "/_mcp", json={"jsonrpc": "2.0", "method": "tools/list", "id": 1})
        assert mcp.status_code in (404, 405) and "tools" not in mcp.text
        page = requests.get(server.url + "/", timeout=30).text
        config = json.loads(
            re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page)[1]
        )
        assert not config.get("ui") and "hot_reload" not in config and "dev_tools" not in config


def test_json_logs_carry_a_request_id_and_the_role_and_never_a_secret(tmp_path):
    settings = {"SMQ_LOG_FORMAT": "json", "SMQ_SLOW_REQUEST_MS": "1", "SMQ_LOG_LEVEL": "info"}
    with database("sqlite", tmp_path) as url, serve(tmp_path / "server", url, settings) as server:
        session = signed_in_session(server.url, server.users["analyst"], PASSWORD)
        answer = session.get(
            server.url + "/download/trusts.csv", headers={"X-Request-ID": "trace-abc-123456"}
        )
        assert answer.headers["X-Request-ID"] == "trace-abc-123456"
        time.sleep(0.5)
        log = server.log()
        cookie = session.cookies["smq_session"]
    lines = [line for line in log.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line, gunicorn's own too, is JSON
    assert any(e["logger"].startswith("gunicorn.") for e in entries)
    mine = [e for e in entries if e.get("request_id") == "trace-abc-123456"]
    assert mine and mine[0]["path"] == "/download/trusts.csv" and mine[0]["role"] == "analyst"
    assert mine[0]["level"] == "WARNING" and mine[0]["message"].startswith("slow request")  # over 1 ms
    requests_logged = [e for e in entries if e["logger"] == "smq_monitor.requests"]
    assert all(len(e["request_id"]) >= 16 for e in requests_logged)
    assert {"public", "analyst"} <= {e["role"] for e in requests_logged}
    assert PASSWORD not in log and cookie not in log and "csrf_token" not in log


def test_text_logs_and_the_import_helper():
    stream = io.StringIO()
    observability.configure_logging("text", "INFO", stream=stream)
    try:
        observability.log_import({"trusts": 7, "metric_values": 1200}, 1.25, "/data/2026-11")
        observability.log_import_rejected(3, "/data/bad")
    finally:
        observability.configure_logging("text", "INFO")
    text = stream.getvalue()
    assert "imported /data/2026-11: trusts 7, metric_values 1,200" in text and "total_rows=1207" in text
    assert "import of /data/bad rejected: 3 problem(s)" in text and " WARNING [-] " in text
    record = logging.LogRecord("smq_monitor.imports", logging.INFO, "", 0, "x", None, None)
    record.rows = {"trusts": 7}
    observability.ContextFilter().filter(record)
    assert json.loads(observability.JsonFormatter().format(record))["rows"] == {"trusts": 7}


def _pg_through(proxy_port: int, url: str) -> str:
    return make_url(url).set(port=proxy_port).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_health_answers_while_the_database_hangs(tmp_path):
    if _PG is None:
        pytest.skip("PostgreSQL is not answering")
    with database("postgresql", tmp_path) as real:
        proxy = FreezableProxy(make_url(real).port or 5432)
        try:
            with serve(tmp_path / "server", _pg_through(proxy.port, real)) as server:
                assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
                proxy.freeze()
                started = time.perf_counter()
                assert requests.get(server.url + "/livez", timeout=10).status_code == 200
                codes = [
                    requests.get(server.url + p, timeout=10).status_code for p in ("/healthz", "/readyz")
                ]
                hung_for = time.perf_counter() - started
                assert codes == [503, 503]
                proxy.thaw()
                deadline = time.monotonic() + 30
                while requests.get(server.url + "/healthz", timeout=10).status_code != 200:
                    assert time.monotonic() < deadline, "did not recover"
                    time.sleep(0.25)
                recovered = time.monotonic() - (deadline - 30)
                print(
                    f"\n[database hangs] /livez 200, /healthz and /readyz 503 in {hung_for:.1f} s; 200 {recovered:.1f} s after it answered again"
                )
        finally:
            proxy.close()


@pytest.mark.postgres
def test_a_signed_in_user_gets_the_outage_banner_while_the_database_is_down(tmp_path):
    if _PG is None:
        pytest.skip("PostgreSQL is not answering")
    with database("postgresql", tmp_path) as real:
        proxy = TcpProxy(make_url(real).port or 5432)
        with serve(tmp_path / "server", _pg_through(proxy.port, real)) as server:
            session = signed_in_session(server.url, server.users["analyst"], PASSWORD)
            assert session.get(server.url + "/_dash-layout", timeout=30).status_code == 200
            proxy.cut()
            try:
                layout = session.get(server.url + "/_dash-layout", timeout=30)
                assert layout.status_code == 200, layout.text[:300]
                assert _find(layout.json(), "outage-banner") is not None
                # The banner's own callback (on the page's health timer) shows it.
                shown = session.post(
                    server.url + "/_dash-update-component",
                    json={
                        "output": "outage-banner.hidden",
                        "outputs": {"id": "outage-banner", "property": "hidden"},
                        "inputs": [{"id": "health-timer", "property": "n_intervals", "value": 1}],
                        "changedPropIds": ["health-timer.n_intervals"],
                    },
                    timeout=30,
                )
                assert shown.status_code == 200, shown.text[:300]
                assert shown.json()["response"]["outage-banner"]["hidden"] is False
                assert session.get(server.url + "/healthz", timeout=30).status_code == 503
            finally:
                proxy.restore()
            deadline = time.monotonic() + 30
            while ",cp," not in session.get(server.url + "/download/episodes.csv", timeout=30).text:
                assert time.monotonic() < deadline, "the session did not come back with the database"
                time.sleep(0.5)


def _find(node, component_id: str):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        for value in node.values():
            found = _find(value, component_id)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _find(item, component_id)
            if found is not None:
                return found
    return None
