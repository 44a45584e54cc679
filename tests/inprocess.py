"""Helpers for tests that drive the whole app through Flask's test client (fixture `client`)."""

from __future__ import annotations

import json
import secrets

from data_access.users import add_user
from tests.signin import TOKEN
from tests.test_no_cp_leak import build_body

# The columns each download has at least (contract §4).
CONTRACT_COLUMNS: dict[str, list[str]] = {
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
    ],
}
PAGES = ["/", "/trajectories", "/timelines", "/interventions", "/costs", "/data", "/login"]


def sign_in(client, role: str = "analyst", trusts: tuple[str, ...] = ()) -> None:
    """Create a user of `role` and sign the test client in through the real form handler."""
    name, password = f"{role}-in-process", f"pw-{role}-{secrets.token_hex(4)}"
    add_user(name, password, role, list(trusts))
    found = TOKEN.search(client.get("/login").get_data(as_text=True))
    assert found, "the sign-in page carries no form token"
    token = found.group(1)
    response = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 303 and "error" not in response.headers.get("Location", ""), (
        response.status_code
    )


def sign_out(client) -> None:
    with client.session_transaction() as session:
        session.clear()


def callback_answers(client, searches: list[str], paths: list[str]) -> list[tuple[str, str, int, str]]:
    """Every server-side callback, called by hand with each search (pathnames cycling through
    `paths`): (output, search, status, body)."""
    dependencies = client.get("/_dash-dependencies").get_json()
    answers = []
    for dep in dependencies:
        if dep.get("clientside_function"):
            continue
        for index, search in enumerate(searches):
            body = build_body(dep, search, paths[index % len(paths)], None)
            if body is None:
                continue
            response = client.post(
                "/_dash-update-component", data=json.dumps(body), content_type="application/json"
            )
            answers.append((dep["output"], search, response.status_code, response.get_data(as_text=True)))
    return answers


def download(client, view: str, search: str = ""):
    return client.get(f"/download/{view}.csv{search}")


def answer(
    client,
    output: str,
    search: str = "",
    path: str = "/",
    values: dict | None = None,
    inputs: list[str] | None = None,
) -> dict:
    """Call the first callback whose outputs include `output` ("component.property") and, when
    given, whose inputs are exactly `inputs`, as the browser would: with the URL's `search` and
    `path` and any other input or state in `values` ("component.property" → value). Returns its
    response by component and property."""
    dependencies = client.get("/_dash-dependencies").get_json()

    def parts(outputs: str) -> list[str]:
        return [o.split("@")[0] for o in outputs.strip(".").split("...")]

    def named(entries: list[dict]) -> list[str]:
        return [f"{e['id']}.{e['property']}" for e in entries]

    dep = next(
        d
        for d in dependencies
        if output in parts(d["output"]) and (inputs is None or named(d["inputs"]) == inputs)
    )
    values = values or {}
    body = build_body(dep, search, path, None)
    assert body is not None
    for entry in body["inputs"] + body["state"]:
        key = f"{entry['id']}.{entry['property']}"
        if key in values:
            entry["value"] = values[key]
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 204), response.status_code
    if response.status_code == 204:
        return {}
    return {
        component: {prop.split("@")[0]: value for prop, value in props.items()}
        for component, props in response.get_json()["response"].items()
    }
