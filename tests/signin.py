"""Signing in over HTTP as a browser does: fetch the form token, then post the form."""

from __future__ import annotations

import re

import requests

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def form_token(session: requests.Session, base_url: str, **kwargs) -> str:
    """The sign-in form token of this session (GET /login carries it in a meta tag)."""
    response = session.get(base_url + "/login", timeout=30, **kwargs)
    response.raise_for_status()
    found = TOKEN.search(response.text)
    assert found, "the sign-in page carries no form token"
    return found.group(1)


def sign_in(
    session: requests.Session, base_url: str, username: str, password: str, **kwargs
) -> requests.Response:
    """POST /login with the form token; the answer is not followed (303 on success)."""
    token = form_token(session, base_url, **kwargs)
    return session.post(
        base_url + "/login",
        data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
        **kwargs,
    )


def signed_in_session(base_url: str, username: str, password: str) -> requests.Session:
    """A session signed in as this user (asserts that the sign-in worked)."""
    session = requests.Session()
    response = sign_in(session, base_url, username, password)
    assert response.status_code == 303 and not response.headers["Location"].startswith("/login"), (
        response.status_code,
        response.headers.get("Location"),
    )
    return session
