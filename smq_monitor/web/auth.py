"""Sign-in: the /login form, revocable sessions, the form token, and who the current viewer is.

A session cookie (signed by Flask) holds the user name, the account's `session_generation` at
sign-in, a random session id, the sign-in time and the form token. Every request that carries one
checks it against the database (`data_access.users.session_viewer`): the session ends when the
user is removed, changes password or is signed out everywhere (the generation moved on), when
this session signed out (its id is revoked), or `SMQ_SESSION_HOURS` after sign-in (absolute,
not extended by use). A copied cookie stops working at the same moment.

Guessing is bounded three ways: per client by a rate limit on sign-in attempts (flask-limiter,
in Redis when `CACHE_REDIS_URL` is set), per account and client by a lockout counted in SQL
(`data_access.users.sign_in`), and per process by a few password-check slots (a burst beyond
them is answered 429 at once). A failure answers at once: no thread sleeps.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template_string,
    request,
    session,
)

from data_access import users
from data_access.errors import DatabaseUnavailable
from data_access.viewer import PUBLIC, Viewer
from smq_monitor.web.security import client_key, limiter

bp = Blueprint("auth", __name__)
log = logging.getLogger("smq_monitor.auth")

# Keys of the session cookie.
USER, GENERATION, SESSION_ID, SIGNED_IN_AT, CSRF = "u", "gen", "sid", "iat", "csrf"


def _settings():
    return current_app.config["SMQ_SETTINGS"]


def csrf_token() -> str:
    """The form token of this browser's session, made on first use."""
    token = session.get(CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF] = token
    return token


def _lifetime_s() -> int:
    return _settings().session_hours * 3600


def current_viewer() -> Viewer:
    """The viewer of this request; anonymous (public) without a valid session.

    Checked once per request. While the database is down the viewer is the public one (the pages
    show the outage banner) and the cookie is kept, so the user is signed in again when it
    returns; a session found ended is forgotten."""
    if "smq_viewer" in g:
        return g.smq_viewer
    g.smq_viewer = viewer = _check_session()
    return viewer


def _check_session() -> Viewer:
    username = session.get(USER)
    if not username:
        return PUBLIC
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float) or time.time() - signed_in_at > _lifetime_s():
        _forget_session()
        return PUBLIC
    try:
        viewer = users.session_viewer(username, session.get(GENERATION, -1), session.get(SESSION_ID, ""))
    except DatabaseUnavailable:
        log.warning("session check skipped: the database is not answering; serving the public view")
        return PUBLIC
    if viewer is None:
        _forget_session()
        return PUBLIC
    return viewer


def _forget_session() -> None:
    token = session.get(CSRF)
    session.clear()
    if token:  # keep the form token, so a sign-in page already open still works
        session[CSRF] = token


def viewer_role() -> str:
    """The role of this request's viewer, for the log (computed only if already known)."""
    viewer = g.get("smq_viewer")
    if viewer is not None:
        return viewer.role
    return "signed-in" if session.get(USER) else "public"


BROWSER_HEADERS = ("Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Cookie")


def _from_a_browser() -> bool:
    """Whether the request carries what every browser sends with a form post: an Origin, a
    Referer, Fetch metadata, or a cookie. Login CSRF needs a victim's browser, and a browser cannot
    be made to leave all of these out."""
    return any(request.headers.get(name) for name in BROWSER_HEADERS)


def _token_ok(token: str | None) -> bool:
    """A browser's form must send the token of its session. A script that is no browser (none of
    `BROWSER_HEADERS`) may post the contract's `username` and `password` alone (§5): it carries
    nobody's session to abuse."""
    if not _from_a_browser():
        return True
    expected = session.get(CSRF, "")
    return bool(token) and bool(expected) and hmac.compare_digest(str(token), str(expected))


def _same_origin() -> bool:
    """Reject a cross-site POST: browsers send Origin (or at least Referer) on form posts, so a
    login CSRF from another site fails here. `request.host_url` is the address the user typed,
    also behind a proxy (ProxyFix in the app factory believes its X-Forwarded-Proto/Host)."""
    host = request.host_url.rstrip("/")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.rstrip("/") == host
    if origin == "null":
        return False
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == host
    return True


def _safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else (another site, a scheme, a
    backslash that browsers read as a slash, control characters) becomes `/`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _password_checks() -> threading.BoundedSemaphore:
    """This process's slots for checking a password (scrypt costs a core for a third of a second
    or so): more sign-ins at once than slots are turned away at once, so a burst of them
    cannot take every core from the other users."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    slots = app.extensions.get("smq_password_checks")
    if slots is None:
        slots = app.extensions.setdefault(
            "smq_password_checks", threading.BoundedSemaphore(_settings().signin_concurrency)
        )
    return slots


def _login_limit() -> str:
    return _settings().login_rate_limit


@bp.post("/login")
# Every attempt counts against the client's limit, before the password is checked: counting is
# one atomic step in the limiter's store, so a burst of parallel attempts cannot overshoot it.
@limiter.limit(_login_limit, key_func=client_key, scope="login")
def login():
    if not _same_origin() or not _token_ok(request.form.get("csrf_token")):
        abort(
            400, "The sign-in form expired or came from another site. Reload the sign-in page and try again."
        )
    settings = _settings()
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    next_url = _safe_next(request.form.get("next"))
    result = None
    if username and password and len(username) <= 100 and len(password) <= 1024:
        slots = _password_checks()
        if not slots.acquire(blocking=False):
            return Response(
                "The server is busy checking other sign-ins. Please try again in a moment.\n",
                status=429,
                mimetype="text/plain",
                headers={"Retry-After": "1"},
            )
        try:
            result = users.sign_in(
                username,
                password,
                client_key(),
                max_failures=settings.lockout_failures,
                lock_minutes=settings.lockout_minutes,
            )
        finally:
            slots.release()
    if result is None:
        log.info("sign-in failed", extra={"event": "sign_in_failed", "client": client_key()})
        query = {"error": "1"} | ({"next": next_url} if next_url != "/" else {})
        return redirect("/login?" + urlencode(query), code=303)
    session.clear()  # a new session: nothing of the anonymous one carries over (session fixation)
    session.permanent = True
    session.update(
        {
            USER: result.viewer.username,
            GENERATION: result.generation,
            SESSION_ID: secrets.token_urlsafe(24),
            SIGNED_IN_AT: int(time.time()),
            CSRF: secrets.token_urlsafe(32),
        }
    )
    g.smq_viewer = result.viewer
    log.info("signed in", extra={"event": "sign_in", "role": result.viewer.role})
    return redirect(next_url, code=303)


LOGOUT_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Sign out · smq-monitor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/zz-house/smq.css"></head>
<body><main class="container py-5 smq-login">
<h1 class="smq-page-title">Sign out</h1>
<p>You are signed in as {{ username }}.</p>
<form method="POST" action="/logout" class="d-inline">
  <input type="hidden" name="csrf_token" value="{{ token }}">
  <button type="submit" class="btn btn-primary" id="logout-submit">Sign out</button>
</form>
<form method="POST" action="/logout" class="d-inline ms-2">
  <input type="hidden" name="csrf_token" value="{{ token }}">
  <input type="hidden" name="everywhere" value="1">
  <button type="submit" class="btn btn-outline-secondary" id="logout-everywhere">Sign out everywhere</button>
</form>
<p class="mt-3"><a href="/">Back to the dashboard</a></p>
</main></body></html>"""


@bp.get("/logout")
def logout_page():
    """A page with the sign-out buttons: signing out is a POST, so a link or an image on
    another site cannot sign anyone out."""
    viewer = current_viewer()
    if not viewer.username:
        return redirect("/", code=303)
    html = render_template_string(LOGOUT_PAGE, username=viewer.username, token=csrf_token())
    return Response(html, mimetype="text/html", headers={"Cache-Control": "private, no-store"})


@bp.post("/logout")
def logout():
    """End this session (or, with `everywhere=1`, every session of the user) on the server, so
    a copy of the cookie stops working too."""
    if not _same_origin() or not _token_ok(request.form.get("csrf_token")):
        abort(400, "The sign-out form expired or came from another site. Reload the page and try again.")
    viewer = current_viewer()
    if viewer.username:
        if request.form.get("everywhere") == "1":
            users.end_sessions(viewer.username)
            log.info("signed out everywhere", extra={"event": "sign_out_everywhere", "role": viewer.role})
        else:
            expires = datetime.fromtimestamp(session.get(SIGNED_IN_AT, 0) + _lifetime_s(), UTC)
            users.revoke_session(session.get(SESSION_ID, ""), viewer.username, expires.replace(tzinfo=None))
            log.info("signed out", extra={"event": "sign_out", "role": viewer.role})
    session.clear()
    return redirect("/", code=303)
