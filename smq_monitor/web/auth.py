"""Sign-in: the /login form, sessions, CSRF token, and who the current viewer is."""

from __future__ import annotations

import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, request, session

from data_access.cache import TtlValue
from data_access.users import authenticate, viewer_for
from data_access.viewer import PUBLIC, Viewer

bp = Blueprint("auth", __name__)
_viewer_memo = TtlValue(ttl=5.0)
FAILED_LOGIN_DELAY = 0.5


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def current_viewer() -> Viewer:
    """The viewer of this request; anonymous (public) without a valid session."""
    username = session.get("username")
    if not username:
        return PUBLIC
    viewer = _viewer_memo.get(username, lambda: viewer_for(username))
    return viewer if isinstance(viewer, Viewer) else PUBLIC


def _token_ok(token: str | None) -> bool:
    """The form's token must match the session's when the form sent one (browsers do)."""
    if token is None:
        return True
    expected = session.get("csrf", "")
    return bool(expected) and hmac.compare_digest(token, expected)


def _same_origin() -> bool:
    """Reject a cross-site POST: browsers send Origin (or at least Referer) on form posts, so a
    login CSRF from another site fails here; scripts that send neither are not browsers and
    carry no victim's cookies (contract §5: POST /login takes username and password)."""
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
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.post("/login")
def login():
    if not _same_origin() or not _token_ok(request.form.get("csrf_token")):
        abort(
            400, "The sign-in form expired or came from another site. Reload the sign-in page and try again."
        )
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    viewer = authenticate(username, password) if username and password else None
    next_url = _safe_next(request.form.get("next"))
    if viewer is None:
        time.sleep(FAILED_LOGIN_DELAY)  # slows guessing; lockout is in data_access.users
        return redirect(f"/login?error=1&next={next_url}" if next_url != "/" else "/login?error=1", code=303)
    session.clear()
    session.permanent = True
    session["username"] = viewer.username
    csrf_token()
    return redirect(next_url, code=303)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    session.clear()
    return redirect("/", code=303)
