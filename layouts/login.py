"""Sign-in page: a plain HTML form posted to the Flask /login route (with a CSRF token)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import dash_bootstrap_components as dbc
from dash import html
from flask import has_request_context

from data_access.filters import Filters
from data_access.viewer import Viewer
from layouts import context

TITLE = "Sign in"


class Ids:
    FORM = "login-form"
    USERNAME = "login-username"
    PASSWORD = "login-password"
    SUBMIT = "login-submit"


def layout(filters: Filters, viewer: Viewer, notices: list[str], query: str = "", **_: str) -> html.Div:
    params = dict(parse_qsl(query.lstrip("?")))
    error = params.get("error") == "1"
    next_url = params.get("next", "/")
    token = context.services().csrf_token() if has_request_context() else ""
    message = None
    if error:
        message = dbc.Alert(
            "That user name and password do not match an account.", color="danger", id="login-error"
        )
    signed_in = None
    if viewer.username:
        signed_in = html.P([f"You are signed in as {viewer.username}. ", html.A("Sign out", href="/logout")])
    return html.Div(
        [
            html.H1(TITLE, className="smq-page-title"),
            html.P(
                "Signing in shows what your role may see. Without signing in you see the public view: "
                "CQC ratings, metrics, SMQ episodes and SMQ support, but nothing of the confidential "
                "Challenged Providers list.",
                className="smq-lede",
            ),
            signed_in,
            message,
            html.Form(
                [
                    dbc.Label("User name", html_for=Ids.USERNAME),
                    dbc.Input(
                        id=Ids.USERNAME,
                        name="username",
                        type="text",
                        autoComplete="username",
                        required=True,
                        className="mb-3",
                    ),
                    dbc.Label("Password", html_for=Ids.PASSWORD),
                    dbc.Input(
                        id=Ids.PASSWORD,
                        name="password",
                        type="password",
                        autoComplete="current-password",
                        required=True,
                        className="mb-3",
                    ),
                    dbc.Input(type="hidden", name="csrf_token", value=token, id="login-csrf"),
                    dbc.Input(type="hidden", name="next", value=next_url, id="login-next"),
                    html.Button("Sign in", id=Ids.SUBMIT, type="submit", className="btn btn-primary"),
                ],
                method="POST",
                action="/login",
                id=Ids.FORM,
            ),
        ],
        className="smq-login",
    )
