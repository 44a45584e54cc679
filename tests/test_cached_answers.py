"""Whole callback answers are memoized (callbacks.common.cached_answer): the memo must be keyed by
who asks and by the data, so that an analyst's answer is never served to the public and an import
is seen at once. Both through a real gunicorn with one worker, so every call shares one cache."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests import datasets
from tests.live import BIN, _run, server_env, start_gunicorn, stop
from tests.signin import sign_in
from tests.test_no_cp_leak import build_body, dependencies, leaked

pytestmark = pytest.mark.xdist_group("browser")

SEARCHES = ["", "?trust=RCC&align=cp_entry", "?trust=RDD", "?type=community"]
PATHS = ["/timelines", "/trust/RDD"]


@pytest.fixture
def server(tmp_path):
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'smq.sqlite3'}")
    cli = str(BIN / "smq-monitor")
    _run([cli, "import", str(datasets.write(tmp_path / "csv", datasets.mini()))], env)
    _run([cli, "users", "add", "analyst-user", "--role", "analyst"], env, stdin="pw-analyst-2026\n")
    process, url = start_gunicorn(env, tmp_path, workers=1)
    try:
        yield url, env, tmp_path
    finally:
        stop(process)


def call_all(session: requests.Session, url: str) -> str:
    """Every server-side callback with every search and path; the answers joined."""
    answers = []
    for dep in dependencies(type("S", (), {"url": url})):
        if dep.get("clientside_function"):
            continue
        for search in SEARCHES:
            for path in PATHS:
                body = build_body(dep, search, path, None)
                if body is None:
                    continue
                response = session.post(url + "/_dash-update-component", json=body, timeout=60)
                assert response.status_code < 500, (dep["output"], search, response.status_code)
                answers.append(response.text)
    return "\n".join(answers)


def test_an_analysts_cached_answer_never_reaches_the_public(server):
    url, _, _ = server
    analyst = requests.Session()
    response = sign_in(analyst, url, "analyst-user", "pw-analyst-2026")
    assert response.status_code == 303
    seen_by_analyst = leaked(call_all(analyst, url))
    assert {"2014-05-13", "2016-01-11"} <= set(seen_by_analyst)  # the analyst's answers hold CP rows
    # The same calls, now in the cache, as an anonymous user: none of it may come back.
    assert leaked(call_all(requests.Session(), url), json.dumps(SEARCHES)) == []


def timelines_answer(url: str) -> str:
    dep = next(d for d in dependencies(type("S", (), {"url": url})) if "timelines-gantt" in d["output"])
    body = build_body(dep, "", "/timelines", None)
    return requests.post(url + "/_dash-update-component", json=body, timeout=60).text


def test_an_import_changes_a_cached_answer(server):
    url, env, folder = server
    before = timelines_answer(url)
    assert "Alderbrook Hospitals" in before
    assert json.loads(timelines_answer(url)) == json.loads(before)  # the memo gives the same answer
    files = datasets.mini()
    files["trusts.csv"] = files["trusts.csv"].replace("Alderbrook Hospitals", "Alderbrook and Vale Hospitals")
    _run([str(BIN / "smq-monitor"), "import", str(datasets.write(folder / "renamed", files))], env)
    deadline = time.monotonic() + 20  # the data version is re-read every few seconds
    after = timelines_answer(url)
    while "Alderbrook and Vale Hospitals" not in after and time.monotonic() < deadline:
        time.sleep(0.5)
        after = timelines_answer(url)
    assert "Alderbrook and Vale Hospitals" in after
