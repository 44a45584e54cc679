"""Engine and session handling: the one place that knows how to reach the database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import Connection, ExceptionContext, make_url

from data_access.errors import DatabaseUnavailable

_engines: dict[str, Engine] = {}
_lock = threading.Lock()
_configured_url: str | None = None


def configure(url: str | None) -> None:
    """Set the database this process reads and writes; the app factory and the command line call
    it with `Settings.database_url`, the one place the URL is decided. None forgets it."""
    global _configured_url
    _configured_url = url.strip() if url else None


def database_url() -> str:
    """The configured database URL."""
    if not _configured_url:
        raise RuntimeError("no database is configured: call data_access.db.configure(url) first")
    return _configured_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API callback
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _translate(context: ExceptionContext) -> None:
    """Every failure while talking to the database leaves data_access as DatabaseUnavailable.

    Integrity errors are left as they are: they are the importer's to explain, never an outage."""
    if isinstance(context.sqlalchemy_exception, exc.IntegrityError):
        return
    raise DatabaseUnavailable(str(context.original_exception).strip().splitlines()[0][:300]) from (
        context.sqlalchemy_exception or context.original_exception
    )


def get_engine(url: str | None = None) -> Engine:
    """One pooled engine per URL per process (gunicorn workers each get their own)."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": 10})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                # pre_ping lets a pool survive a database restart: dead connections are
                # replaced on checkout, so the app recovers by itself.
                engine = create_engine(
                    url,
                    pool_pre_ping=True,
                    pool_size=5,
                    max_overflow=5,
                    pool_recycle=1800,
                    pool_timeout=5,
                    connect_args={"connect_timeout": 3},
                )
            event.listen(engine, "handle_error", _translate)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Drop every pool, e.g. after fork or in tests that switch databases."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def connect(url: str | None = None) -> Iterator[Connection]:
    """A pooled connection; a pool with no connection free in time is an outage too."""
    try:
        conn = get_engine(url).connect()
    except exc.TimeoutError as error:
        raise DatabaseUnavailable("no database connection was free in time") from error
    with conn:
        yield conn


def ping(url: str | None = None) -> bool:
    """True when the database answers a trivial query."""
    try:
        with connect(url) as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def read_frame(statement) -> pd.DataFrame:
    """Run a SELECT and return its rows as a DataFrame.

    Rows are turned into plain tuples first: pandas builds a frame from tuples several times
    faster than from SQLAlchemy Row objects (about 0.2 s against 2 s for 230k rows).
    """
    with connect() as conn:
        result = conn.execute(statement)
        columns = list(result.keys())
        return pd.DataFrame([tuple(row) for row in result], columns=columns)
