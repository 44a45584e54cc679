"""Sign-in is sound: hashing, cookies, lockout, no enumeration, secret key, headers."""

from __future__ import annotations

import re

import pytest
import requests
from werkzeug.security import check_password_hash

from data_access import users
from smq_monitor.config import ConfigError, load_settings

pytestmark = pytest.mark.xdist_group("browser")


def test_lockout_after_repeated_failures(engine):
    users.add_user("lee", "correct horse battery staple", "analyst", engine=engine)
    for _ in range(users.MAX_FAILED_LOGINS):
        assert users.authenticate("lee", "wrong", engine) is None
    # Locked: even the right password is refused for a while.
    assert users.authenticate("lee", "correct horse battery staple", engine) is None


def test_unknown_user_and_wrong_password_look_the_same(engine):
    users.add_user("kim", "s3cret-enough", "regulator", engine=engine)
    assert users.authenticate("nobody", "s3cret-enough", engine) is None
    assert users.authenticate("kim", "nope", engine) is None
    viewer = users.authenticate("kim", "s3cret-enough", engine)
    assert viewer is not None and viewer.role == "regulator"


def test_passwords_are_hashed_with_a_kdf(engine):
    from sqlalchemy import text

    users.add_user("ana", "pa55-word-long", "admin", engine=engine)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE username='ana'")).scalar()
    assert stored.startswith(("scrypt:", "pbkdf2:")) and "pa55" not in stored
    assert check_password_hash(stored, "pa55-word-long")


def test_secret_key_is_required_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/smq")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SMQ_DEBUG", raising=False)
    monkeypatch.setenv("SMQ_INSTANCE_DIR", str(tmp_path))
    with pytest.raises(ConfigError):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    settings = load_settings()
    assert settings.secure_cookies
    config = settings.flask_config()
    assert (
        config["SESSION_COOKIE_HTTPONLY"]
        and config["SESSION_COOKIE_SAMESITE"] == "Lax"
        and config["SESSION_COOKIE_SECURE"]
    )


def test_session_cookie_flags_over_http(mini_server):
    username, password = mini_server.users["admin"]
    response = requests.post(
        mini_server.url + "/login", data={"username": username, "password": password}, allow_redirects=False
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and re.search(r"SameSite=Lax", cookie, re.I)


def test_login_form_token_must_match_when_sent(mini_server):
    username, password = mini_server.users["admin"]
    response = requests.post(
        mini_server.url + "/login",
        data={"username": username, "password": password, "csrf_token": "forged"},
        allow_redirects=False,
    )
    assert response.status_code == 400


def test_open_redirect_is_refused(mini_server):
    username, password = mini_server.users["analyst"]
    response = requests.post(
        mini_server.url + "/login",
        data={"username": username, "password": password, "next": "//evil.example/"},
        allow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "query",
    [
        "type=%00",
        "from=-1",
        "trust=" + "A" * 5000,
        "metric=%ff%fe",
        "align[]=x",
        "group=cp_only&group=" + "x" * 300,
        "to=2019-02-30",
        "region=%3Cscript%3E",
        "spc_break=smq_entry&trust=RAA&metric=ae_4hr",
    ],
)
def test_malformed_parameters_never_give_a_server_error(mini_server, query):
    for view in ("trusts", "episodes", "ratings", "trajectories", "uptake", "costs"):
        code = requests.get(f"{mini_server.url}/download/{view}.csv?{query}", timeout=30).status_code
        assert code == 200 or (code == 414 and len(query) > 4000), (view, code)  # 414: gunicorn's line limit
    for path in ("/", "/trajectories", "/trust/RAA", "/trust/%3Cx%3E"):
        code = requests.get(f"{mini_server.url}{path}?{query}", timeout=30).status_code
        assert code == 200 or (code == 414 and len(query) > 4000), (path, code)
