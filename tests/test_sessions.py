"""Sessions end on the server: a stolen (copied) cookie stops working when its session ends by
signing out, signing out everywhere, a password change, `users add` with a new password, the
user's removal, or its absolute lifetime; through a real gunicorn."""

from __future__ import annotations

import csv
import io
import time

import pytest
import requests
from flask import Flask

from data_access import users
from tests.ops import PASSWORD, database, serve
from tests.signin import form_token, signed_in_session

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("security-live")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sessions")
    with (
        database("sqlite", folder) as url,
        serve(folder / "server", url, users=("analyst",), workers=2) as live,
    ):
        yield live


def sees_cp(session: requests.Session, server) -> bool:
    """Whether this session is served as a signed-in analyst (CP episodes in the download)."""
    response = session.get(server.url + "/download/episodes.csv", timeout=30)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return any(row["regime"] == "cp" for row in csv.DictReader(io.StringIO(response.text)))


def stolen(session: requests.Session) -> requests.Session:
    """Another client holding a copy of the session's cookie."""
    thief = requests.Session()
    thief.cookies.update(session.cookies.get_dict())
    return thief


def reset_user(server) -> str:
    name = server.users["analyst"]
    result = server.cli("users", "add", name, "--role", "analyst", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return name


def post_logout(session: requests.Session, server, **fields) -> requests.Response:
    token = form_token(session, server.url)
    return session.post(
        server.url + "/logout", data={"csrf_token": token, **fields}, allow_redirects=False, timeout=30
    )


def test_signing_out_ends_this_session_only(server):
    name = reset_user(server)
    browser, laptop = (signed_in_session(server.url, name, PASSWORD) for _ in range(2))
    thief = stolen(browser)
    assert sees_cp(thief, server)
    response = post_logout(browser, server)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert not sees_cp(thief, server)
    assert not sees_cp(browser, server)
    assert sees_cp(laptop, server)  # another session of the same user goes on


def test_signing_out_everywhere_ends_every_session(server):
    name = reset_user(server)
    browser, laptop = (signed_in_session(server.url, name, PASSWORD) for _ in range(2))
    thief = stolen(browser)
    assert post_logout(browser, server, everywhere="1").status_code == 303
    assert not any(sees_cp(s, server) for s in (thief, browser, laptop))


@pytest.mark.parametrize(
    "change",
    [
        ("users", "passwd", "{name}", "new-password-of-some-length"),
        ("users", "add", "{name}", "--role", "analyst", "new-password-of-some-length"),
        ("users", "signout", "{name}"),
        ("users", "remove", "{name}"),
    ],
    ids=["passwd", "add-with-new-password", "signout", "remove"],
)
def test_the_command_line_ends_every_session(server, change):
    name = reset_user(server)
    browser = signed_in_session(server.url, name, PASSWORD)
    thief = stolen(browser)
    assert sees_cp(thief, server)
    *args, last = [part.format(name=name) for part in change]
    if change[1] in ("passwd", "add"):
        result = server.cli(*args, stdin=last + "\n")
    else:
        result = server.cli(*args, last)
    assert result.returncode == 0, result.stderr
    assert "new-password" not in result.stdout + result.stderr
    assert not sees_cp(thief, server)
    assert not sees_cp(browser, server)


def test_users_add_with_the_same_password_keeps_sessions(server):
    name = reset_user(server)
    browser = signed_in_session(server.url, name, PASSWORD)
    assert server.cli("users", "add", name, "--role", "analyst", stdin=PASSWORD + "\n").returncode == 0
    assert sees_cp(browser, server)


def test_unknown_user_commands_are_rejected(server):
    for action in ("passwd", "remove", "signout"):
        result = server.cli("users", action, "nobody-here", stdin="whatever-password\n")
        assert result.returncode == 1 and "no user" in result.stderr


def _serializer(server):
    app = Flask("forge")
    app.secret_key = server.env["SECRET_KEY"]
    return app.session_interface.get_signing_serializer(app)


def test_the_lifetime_is_absolute_from_sign_in(server):
    name = reset_user(server)
    browser = signed_in_session(server.url, name, PASSWORD)
    serializer = _serializer(server)
    signed_in_at = serializer.loads(browser.cookies["smq_session"])["iat"]
    time.sleep(1.1)
    for _ in range(3):  # use does not extend it
        assert sees_cp(browser, server)
    assert serializer.loads(browser.cookies["smq_session"])["iat"] == signed_in_at
    # The same session, as if signed in 12 hours and a minute ago (re-signed with the server's
    # key, as only the server could): refused.
    content = serializer.loads(browser.cookies["smq_session"])
    content["iat"] = int(time.time()) - 12 * 3600 - 60
    old = requests.Session()
    old.cookies.set("smq_session", serializer.dumps(content))
    assert not sees_cp(old, server)
    content["iat"] = int(time.time()) - 11 * 3600
    recent = requests.Session()
    recent.cookies.set("smq_session", serializer.dumps(content))
    assert sees_cp(recent, server)


def test_logout_is_a_post_with_the_form_token(server):
    name = reset_user(server)
    browser = signed_in_session(server.url, name, PASSWORD)
    page = browser.get(server.url + "/logout", allow_redirects=False, timeout=30)
    assert page.status_code == 200 and 'method="POST" action="/logout"' in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert sees_cp(browser, server)  # showing the page signed nobody out
    forged = browser.post(server.url + "/logout", data={"csrf_token": "forged"}, allow_redirects=False)
    assert forged.status_code == 400 and sees_cp(browser, server)
    cross_site = browser.post(
        server.url + "/logout",
        data={"csrf_token": form_token(browser, server.url)},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert cross_site.status_code == 400 and sees_cp(browser, server)
    assert requests.get(server.url + "/logout", allow_redirects=False).status_code == 303  # not signed in


def test_session_checks_in_the_database(engine):
    """On SQLite and PostgreSQL (the engine fixture)."""
    users.add_user("sam", "first-password-long", "regulator", engine=engine)
    signed = users.sign_in("sam", "first-password-long", "127.0.0.1", engine)
    assert signed and signed.viewer.role == "regulator"
    assert users.session_viewer("sam", signed.generation, "sid-1", engine) == signed.viewer
    users.revoke_session("sid-1", "sam", users._now().replace(year=users._now().year + 1), engine)
    assert users.session_viewer("sam", signed.generation, "sid-1", engine) is None
    assert users.session_viewer("sam", signed.generation, "sid-2", engine) is not None
    assert users.end_sessions("sam", engine)
    assert users.session_viewer("sam", signed.generation, "sid-2", engine) is None
    renewed = users.sign_in("sam", "first-password-long", "127.0.0.1", engine)
    assert renewed and renewed.generation == signed.generation + 1
    assert users.set_password("sam", "second-password-long", engine)
    assert users.session_viewer("sam", renewed.generation, "sid-3", engine) is None
    assert users.remove_user("sam", engine)
    assert users.session_viewer("sam", renewed.generation + 1, "sid-3", engine) is None
    assert not users.remove_user("sam", engine) and not users.end_sessions("sam", engine)
