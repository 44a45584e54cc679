"""Nothing of the CP list reaches an anonymous user, whatever they send (contract §5).

Every Dash callback the app declares (read from /_dash-dependencies, so a new callback is covered
without touching this file) is called by hand as an anonymous user, with valid and hostile
inputs; so is every download. The mini dataset's CP rows carry recognisable values: none may
appear in any answer.
"""

from __future__ import annotations

import itertools
import json

import pytest
import requests

from dashboard.labels import GROUP_LABELS
from tests.signin import sign_in

pytestmark = pytest.mark.xdist_group("browser")

# Strings that exist in the mini dataset only on CP rows (notes, dates of CP episodes and of
# interventions/costs dated inside them) or as CP group codes and labels.
SENTINELS = [
    "cp_to_smq",
    "cp_only",
    GROUP_LABELS["cp_to_smq"],
    GROUP_LABELS["cp_only"],
    "watch list",
    "between SMQ episodes",
    "during CP",
    "2014-05-13",  # RCC's CP entry
    "2015-01-27",  # RCC's CP exit
    "2016-01-11",  # RDD's CP entry
    "2017-06-23",  # RDD's CP exit
    "2015-03-09",  # RGG's CP entry
    "2015-12-17",  # RGG's CP exit
    "2016-07-31",  # RDD's CP-dated Improvement Director end
    "Ever in CP",
    # People's free text on rows that are otherwise public (contract §5: no notes for the public).
    "episode note",
    "intervention note",
    "cost note",
    "first wave",
]

SEARCHES = [
    "",
    "?regime=cp",
    "?group=cp_only",
    "?group=cp_to_smq&group=cp_only",
    "?trust=RDD",
    "?trust=RCC&align=cp_entry",
    "?trust=RGG&align=cp_entry&spc_break=cp_entry",
    "?regime=cp&regime=smq&regime=none&type=community",
    "?trust=RDD&metric=sickness&from=2016-01-01&to=2017-06-30",
    "?" + "&".join(f"trust=R{i:02d}" for i in range(300)),
    "?type=%00&group=<script>&from=9999-99-99",
    "?cohort=cp&entered=2014,2016&exited=2015,2017",
    "?from=1900-01-01&cohort=cp",
]
PATHS = [
    "/",
    "/trajectories",
    "/timelines",
    "/interventions",
    "/costs",
    "/impact",
    "/monitoring",
    "/groups",
    "/data",
    "/trust/RDD",
    "/trust/RCC",
    "/trust/RGG",
    "/login",
]
HOSTILE = [
    None,
    "",
    "cp",
    "cp_only",
    ["cp_only", "cp_to_smq"],
    ["RDD", "RCC", "RGG"],
    "RDD",
    12345,
    {"regime": "cp"},
    "x" * 5000,
    [f"R{i}" for i in range(2000)],
    True,
]


def dependencies(server) -> list[dict]:
    response = requests.get(server.url + "/_dash-dependencies", timeout=30)
    assert response.status_code == 200
    return response.json()


def _ids(spec: str) -> list[tuple[str, str]]:
    """'a.children' or '..a.x...b.y..' → [(id, prop)]."""
    parts = [p for p in spec.strip(".").split("...") if p]
    out = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        out.append((component, prop))
    return out


def _value_for(component: str, prop: str, search: str, path: str, hostile):
    if component == "url" and prop == "search":
        return search
    if component == "url" and prop == "pathname":
        return path
    return hostile


def build_body(dep: dict, search: str, path: str, hostile) -> dict | None:
    def item(entry: dict) -> dict:
        component = entry["id"]
        if isinstance(component, str) and component.startswith("{"):
            component = json.loads(component)
        key = component if isinstance(component, str) else json.dumps(component)
        return {
            "id": component,
            "property": entry["property"],
            "value": _value_for(key, entry["property"], search, path, hostile),
        }

    outputs = dep["output"]
    output_list = [{"id": c, "property": p} for c, p in _ids(outputs)]
    if any(c.startswith("{") for c, _ in _ids(outputs)):
        return None  # pattern-matching outputs need concrete ids from a rendered page
    body = {
        "output": outputs,
        "outputs": output_list if outputs.startswith("..") else output_list[0],
        "inputs": [item(i) for i in dep["inputs"]],
        "state": [item(s) for s in dep.get("state", [])],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"][:1]],
    }
    return body


def leaked(text: str, sent: str = "") -> list[str]:
    """Sentinels in an answer that the request did not itself contain (an echo is no leak)."""
    return [s for s in SENTINELS if s in text and s not in sent]


def test_every_callback_leaks_nothing_to_an_anonymous_user(mini_server):
    deps = [d for d in dependencies(mini_server) if not d.get("clientside_function")]
    assert len(deps) >= 4
    session = requests.Session()
    calls = 0
    failures: list[str] = []
    cases = list(itertools.product(SEARCHES, PATHS))
    for dep in deps:
        for index, (search, path) in enumerate(cases):
            hostile = HOSTILE[index % len(HOSTILE)]
            body = build_body(dep, search, path, hostile)
            if body is None:
                continue
            response = session.post(mini_server.url + "/_dash-update-component", json=body, timeout=60)
            calls += 1
            if response.status_code >= 500:
                failures.append(
                    f"{dep['output']} {search} {path} {hostile!r:.40}: HTTP {response.status_code}"
                )
            found = leaked(response.text, json.dumps(body, ensure_ascii=False))
            if found:
                failures.append(f"{dep['output']} {search} {path}: leaked {found}")
    assert calls > 100
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize(
    "view", ["trusts", "episodes", "ratings", "trajectories", "uptake", "costs", "icons", "effects"]
)
def test_every_download_leaks_nothing_to_an_anonymous_user(mini_server, view):
    for search in SEARCHES:
        response = requests.get(f"{mini_server.url}/download/{view}.csv{search}", timeout=60)
        assert response.status_code == 200, (search, response.status_code)
        assert not leaked(response.text, search), (view, search, leaked(response.text, search))


@pytest.mark.parametrize("trust", ["RCC", "RDD", "RGG", "RAA"])
def test_the_cusum_download_leaks_nothing_to_an_anonymous_user(mini_server, trust):
    for metric, align in itertools.product(("ae_4hr", "sickness"), ("calendar", "cp_entry", "support_entry")):
        search = f"?trust={trust}&metric={metric}&align={align}"
        response = requests.get(f"{mini_server.url}/download/cusum.csv{search}", timeout=60)
        assert response.status_code == 200, (search, response.status_code)
        assert not leaked(response.text, search), (search, leaked(response.text, search))


def test_the_sentinels_are_real(mini_server):
    """The check above could pass vacuously if the sentinels never appeared: an analyst sees them."""
    session = requests.Session()
    username, password = mini_server.users["analyst"]
    assert sign_in(session, mini_server.url, username, password).status_code == 303
    text = "".join(
        session.get(f"{mini_server.url}/download/{v}.csv").text for v in ("trusts", "episodes", "uptake")
    )
    text += session.get(f"{mini_server.url}/download/episodes.csv?trust=RDD").text
    text += "".join(session.get(f"{mini_server.url}/download/{v}.csv").text for v in ("costs",))
    text += session.get(f"{mini_server.url}/download/episodes.csv?trust=RAA").text
    assert {"cp_to_smq", "cp_only", "watch list", "2014-05-13", "2017-06-23", "episode note"} <= set(
        leaked(text)
    )


def pptx_text(data: bytes) -> str:
    """Every XML part of a deck (slides, notes, charts and their embedded workbooks' strings)."""
    import io
    import zipfile

    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as deck:
        for name in deck.namelist():
            blob = deck.read(name)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(blob)) as book:
                    parts += [
                        book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml")
                    ]
            elif name.endswith((".xml", ".rels")):
                parts.append(blob.decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("search", ["", "?regime=cp", "?trust=RDD", "?group=cp_only&type=community"])
def test_the_findings_deck_leaks_nothing_to_an_anonymous_user(mini_server, search):
    response = requests.get(f"{mini_server.url}/download/findings.pptx{search}", timeout=120)
    assert response.status_code == 200, response.status_code
    text = pptx_text(response.content)
    assert "OFFICIAL-SENSITIVE" not in text
    assert not leaked(text, search), leaked(text, search)
