"""Sign-in is sound: hashing, cookies, lockout counted atomically per account and client, no
enumeration, the form token, safe redirects, secret-key strength, and headers."""

from __future__ import annotations

import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text, update
from werkzeug.security import check_password_hash

from data_access import users
from smq_monitor.config import MIN_SECRET_BITS, ConfigError, load_settings, secret_entropy_bits
from tests.signin import form_token, sign_in

pytestmark = pytest.mark.xdist_group("browser")


def test_lockout_after_repeated_failures(engine):
    users.add_user("lee", "correct horse battery staple", "analyst", engine=engine)
    for _ in range(users.MAX_FAILED_LOGINS):
        assert users.authenticate("lee", "wrong", engine, client="10.1.1.1") is None
    # Locked for that client: even the right password is refused for a while ...
    assert users.authenticate("lee", "correct horse battery staple", engine, client="10.1.1.1") is None
    # ... but not for the owner elsewhere, whose sign-in leaves the guesser locked.
    assert users.authenticate("lee", "correct horse battery staple", engine, client="10.2.2.2") is not None
    assert users.authenticate("lee", "correct horse battery staple", engine, client="10.1.1.1") is None


def test_parallel_failures_are_all_counted(engine):
    """The read-modify-write race: 24 wrong guesses at once, then the right password."""
    users.add_user("pat", "the-right-password", "analyst", engine=engine)
    attempts = 24
    barrier = threading.Barrier(attempts)

    def guess(i: int):
        barrier.wait(timeout=30)
        return users.sign_in("pat", f"wrong-{i}", "10.9.9.9", engine)

    with ThreadPoolExecutor(attempts) as pool:
        assert list(pool.map(guess, range(attempts))) == [None] * attempts
    assert users.failures("pat", engine) == {"10.9.9.9": attempts}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT failed_logins FROM users WHERE username='pat'")).scalar() == attempts
    assert users.sign_in("pat", "the-right-password", "10.9.9.9", engine) is None
    assert users.sign_in("pat", "the-right-password", "10.8.8.8", engine) is not None


def test_a_lock_ends_when_its_window_has_passed(engine):
    users.add_user("rae", "the-right-password", "analyst", engine=engine)
    for _ in range(users.MAX_FAILED_LOGINS):
        users.sign_in("rae", "wrong", "10.3.3.3", engine)
    assert users.sign_in("rae", "the-right-password", "10.3.3.3", engine) is None
    past = users._now().replace(year=2000)
    with engine.begin() as conn:  # as if the last failure was long ago
        conn.execute(update(users.login_failures).values(last_failure=past, locked_until=past))
    assert users.sign_in("rae", "the-right-password", "10.3.3.3", engine) is not None
    assert users.failures("rae", engine) == {}


def test_unknown_user_and_wrong_password_look_the_same(engine):
    users.add_user("kim", "s3cret-enough", "regulator", engine=engine)
    assert users.authenticate("nobody", "s3cret-enough", engine) is None
    assert users.authenticate("kim", "nope", engine) is None
    viewer = users.authenticate("kim", "s3cret-enough", engine)
    assert viewer is not None and viewer.role == "regulator"


def test_passwords_are_hashed_with_a_kdf(engine):
    users.add_user("ana", "pa55-word-long", "admin", engine=engine)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE username='ana'")).scalar()
    assert stored.startswith(("scrypt:", "pbkdf2:")) and "pa55" not in stored
    assert check_password_hash(stored, "pa55-word-long")


GENERATED = {
    "token_hex(32)": lambda: secrets.token_hex(32),
    "token_urlsafe(32)": lambda: secrets.token_urlsafe(32),
    "token_urlsafe(64)": lambda: secrets.token_urlsafe(64),
    "token_hex(31)": lambda: secrets.token_hex(31),  # 248 bits
}


@pytest.mark.parametrize(
    ("key", "strong"),
    [
        ("token_hex(32)", True),
        ("token_urlsafe(32)", True),
        ("token_urlsafe(64)", True),
        ("token_hex(31)", False),
        ("x" * 64, False),
        ("ab" * 40, False),
        ("browser-test-secret-key", False),
        ("correct horse battery staple", False),
        ("changeme-" * 8, False),
    ],
)
def test_secret_key_entropy_estimate(key, strong):
    key = GENERATED[key]() if key in GENERATED else key
    assert (secret_entropy_bits(key) >= MIN_SECRET_BITS) is strong, secret_entropy_bits(key)


def _production(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/smq")
    monkeypatch.delenv("SMQ_DEBUG", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.delenv("SMQ_INSECURE_COOKIES", raising=False)
    monkeypatch.setenv("SMQ_INSTANCE_DIR", str(tmp_path))


def test_secret_key_is_required_and_strong_in_production(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError, match="too weak"):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    settings = load_settings()
    assert settings.production and settings.secure_cookies
    config = settings.flask_config()
    assert (
        config["SESSION_COOKIE_HTTPONLY"]
        and config["SESSION_COOKIE_SAMESITE"] == "Lax"
        and config["SESSION_COOKIE_SECURE"]
    )


def test_a_weak_secret_key_is_accepted_in_debug_and_local_use(monkeypatch, tmp_path, capsys):
    _production(monkeypatch, tmp_path)
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("SMQ_DEBUG", "1")
    assert load_settings().secret_key == "short"
    monkeypatch.delenv("SMQ_DEBUG")
    monkeypatch.setenv("SMQ_INSECURE_COOKIES", "1")  # plain HTTP on loopback: local use
    assert load_settings().secret_key == "short"
    assert "warning: SECRET_KEY" in capsys.readouterr().err
    # The local default generates a strong key, kept readable by its owner only.
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("SECRET_KEY")
    generated = load_settings().secret_key
    assert secret_entropy_bits(generated) >= MIN_SECRET_BITS
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_session_cookie_flags_over_http(mini_server):
    username, password = mini_server.users["admin"]
    response = sign_in(requests.Session(), mini_server.url, username, password)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and re.search(r"SameSite=Lax", cookie, re.I)


def test_login_form_token_is_required(mini_server):
    username, password = mini_server.users["admin"]
    session = requests.Session()
    form_token(session, mini_server.url)
    for fields in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
        response = session.post(
            mini_server.url + "/login",
            data={"username": username, "password": password, **fields},
            allow_redirects=False,
        )
        assert response.status_code == 400, fields


def test_a_script_signs_in_with_the_contract_fields_and_a_browser_needs_the_token(mini_server):
    """Contract §5: POST /login takes `username` and `password`. A script that is no browser (no
    Origin, Referer, Fetch metadata or cookie) carries nobody's session, so it needs no form token;
    anything a browser sends without the token is refused."""
    username, password = mini_server.users["analyst"]
    plain = requests.post(
        mini_server.url + "/login", data={"username": username, "password": password}, allow_redirects=False
    )
    assert plain.status_code == 303 and not plain.headers["Location"].startswith("/login")
    for browser_header in (
        {"Origin": mini_server.url},
        {"Referer": mini_server.url + "/login"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
    ):
        response = requests.post(
            mini_server.url + "/login",
            data={"username": username, "password": password},
            headers=browser_header,
            allow_redirects=False,
        )
        assert response.status_code == 400, browser_header


def test_open_redirect_is_refused(mini_server):
    username, password = mini_server.users["analyst"]
    for target in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/x\r\nSet-Cookie: a=b"):
        session = requests.Session()
        token = form_token(session, mini_server.url)
        response = session.post(
            mini_server.url + "/login",
            data={"username": username, "password": password, "next": target, "csrf_token": token},
            allow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["Location"] == "/", target


@pytest.mark.parametrize(
    "target", ["/trajectories?type=acute&group=never", "/x\r\nSet-Cookie: a=b", "/a b#c"]
)
def test_the_failed_sign_in_redirect_keeps_next_encoded(mini_server, target):
    session = requests.Session()
    token = form_token(session, mini_server.url)
    response = session.post(
        mini_server.url + "/login",
        data={"username": "nobody", "password": "wrong", "next": target, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/login?error=1") and "\r" not in location and "\n" not in location
    assert "a=b" not in response.headers.get("Set-Cookie", "")
    if target.startswith("/trajectories"):
        assert location == "/login?error=1&next=%2Ftrajectories%3Ftype%3Dacute%26group%3Dnever"


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


def test_per_user_answers_are_not_stored(mini_server):
    username, password = mini_server.users["analyst"]
    session = requests.Session()
    assert sign_in(session, mini_server.url, username, password).status_code == 303
    for path in ("/", "/_dash-layout", "/_dash-dependencies", "/download/trusts.csv", "/login"):
        response = session.get(mini_server.url + path, timeout=30)
        assert response.headers["Cache-Control"] == "private, no-store", path
    answer = session.post(
        mini_server.url + "/_dash-update-component",
        json={"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []},
        timeout=30,
    )
    assert answer.headers["Cache-Control"] == "private, no-store"
    # Static files keep their caching.
    asset = session.get(mini_server.url + "/assets/zz-house/smq.css", timeout=30)
    assert asset.status_code == 200 and asset.headers.get("Cache-Control") != "private, no-store"
