"""Shared fixtures: fresh databases on SQLite and on PostgreSQL (when one answers)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access import db, importer, queries, snapshot
from data_access.schema import init_db
from tests import datasets

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    if not url.startswith("postgresql"):
        return None
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return url
    except Exception:  # noqa: BLE001
        return None


_PG = postgres_base_url()
if os.environ.get("CI") and _PG is None and os.environ.get("SMQ_REQUIRE_POSTGRES", "1") == "1":
    raise RuntimeError("PostgreSQL is required in CI but did not answer at TEST_DATABASE_URL")


def _fresh_postgres_url() -> str:
    assert _PG is not None
    base = make_url(_PG)
    name = f"smq_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def pytest_addoption(parser):
    parser.addoption("--run-soak", action="store_true", default=False, help="run the long soak test")


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path: Path, monkeypatch) -> Iterator[str]:
    """An empty, migrated database; DATABASE_URL points at it for the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        if _PG is None:
            pytest.skip("PostgreSQL is not answering")
        url = _fresh_postgres_url()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SMQ_INSTANCE_DIR", str(tmp_path / "instance"))
    db.configure(url)
    snapshot.configure(None)  # a test that wants snapshots configures them itself
    queries.forget_data_version()
    init_db(url)
    yield url
    db.dispose_engines()
    db.configure(None)
    snapshot.configure(None)
    queries.forget_data_version()
    if request.param == "postgresql":
        _drop_postgres(url)


@pytest.fixture
def engine(database_url: str):
    return db.get_engine(database_url)


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    return datasets.write(tmp_path / "mini", datasets.mini())


@pytest.fixture
def mini_db(engine, mini_dir: Path):
    """The mini dataset loaded; returns the engine."""
    importer.import_directory(mini_dir, engine)
    queries.forget_data_version()
    return engine


# In-process HTTP: the whole app (Flask and Dash) through Flask's test client, on the test's database.


@pytest.fixture(scope="session")
def dash_app(tmp_path_factory):
    """The app, built once per test process (Dash registers callbacks once per process); each
    test points it at its own database through `client`."""
    from smq_monitor.app_factory import create_app
    from smq_monitor.config import Settings

    folder = tmp_path_factory.mktemp("in-process-app")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'boot.sqlite3'}",
        debug=False,
        secret_key="in-process-test-secret-key-0123456789abcdef",
        cache_redis_url=None,
        secure_cookies=False,
        # Every in-process test signs in from the same address; tests of the limit build their own app.
        login_rate_limit="10000 per minute",
    )
    return create_app(settings)


@pytest.fixture
def client(dash_app, database_url):
    """Flask's test client for the whole app, reading the test's (empty, migrated) database."""
    db.configure(database_url)
    queries.forget_data_version()
    with dash_app.server.test_client() as test_client:
        yield test_client


@pytest.fixture
def mini_client(client, mini_db):
    """The test client with the mini dataset loaded."""
    return client


# Live-server fixtures (gunicorn + Chromium) for HTTP and browser tests.
from tests.live import app_server, browser, mini_server, page, pytest_runtest_makereport  # noqa: E402,F401
