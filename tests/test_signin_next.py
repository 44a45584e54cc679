"""Signing in from a shared link lands back on it: the sign-in page keeps `next`, the handler
redirects there after success, and only ever to a local path."""

from __future__ import annotations

import json

import pytest

from data_access.users import add_user
from tests.inprocess import answer
from tests.signin import TOKEN

SHARED = "/trajectories?type=acute&align=smq_entry&trust=RAA"


def post_sign_in(client, next_url: str):
    add_user("sharer", "a-long-password-1", "analyst", [])
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post(
        "/login",
        data={"username": "sharer", "password": "a-long-password-1", "csrf_token": token, "next": next_url},
        headers={"Origin": "http://localhost"},
    )


def test_the_sign_in_page_keeps_next_and_success_lands_on_the_shared_link(mini_client):
    from urllib.parse import quote

    page = answer(mini_client, "page-content.children", "?next=" + quote(SHARED, safe=""), "/login")
    text = json.dumps(page)
    assert f'"value": "{SHARED}"' in text and '"name": "next"' in text
    response = post_sign_in(mini_client, SHARED)
    assert response.status_code == 303
    assert response.headers["Location"] == SHARED


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "http://evil.example/",
        "https:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "evil",
    ],
)
def test_sign_in_never_redirects_off_site(mini_client, target):
    response = post_sign_in(mini_client, target)
    assert response.status_code == 303 and response.headers["Location"] == "/", target
