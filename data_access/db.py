"""Engine and session handling: the one place that knows how to reach the database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import Connection, ExceptionContext, make_url

from data_access.errors import DatabaseBusy, DatabaseUnavailable

_engines: dict[tuple[str, int, int], Engine] = {}
_lock = threading.Lock()
_configured_url: str | None = None

# On PostgreSQL a statement that runs longer than this, or waits longer than the lock timeout for
# a lock, is cancelled: the request that asked gets DatabaseUnavailable (the outage banner) within
# seconds instead of holding a worker thread behind a lock without limit. 0 means no limit.
STATEMENT_TIMEOUT_MS = 30_000
LOCK_TIMEOUT_MS = 5_000
_timeouts: tuple[int, int] = (STATEMENT_TIMEOUT_MS, LOCK_TIMEOUT_MS)


def configure(
    url: str | None,
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
    lock_timeout_ms: int = LOCK_TIMEOUT_MS,
) -> None:
    """Set the database this process reads and writes; the app factory and the command line call
    it with `Settings.database_url`, the one place the URL is decided. None forgets it.

    The timeouts apply to every connection of engines made from then on (PostgreSQL only; an
    import or a migration sets its own for its transaction, see `exclusive_write`)."""
    global _configured_url, _timeouts
    _configured_url = url.strip() if url else None
    _timeouts = (int(statement_timeout_ms), int(lock_timeout_ms))


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
    statement_ms, lock_ms = _timeouts
    with _lock:
        engine = _engines.get((url, statement_ms, lock_ms))
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
                    connect_args={
                        "connect_timeout": 3,
                        "options": f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}",
                    },
                )
            event.listen(engine, "handle_error", _translate)
            _engines[(url, statement_ms, lock_ms)] = engine
        return engine


def dispose_engines() -> None:
    """Drop every pool, e.g. after fork or in tests that switch databases."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


# A transaction that reads what it is about to commit (an import precomputing the tables of its
# new data version) routes this thread's reads through its own connection (`reading_through`).
_reading_through: ContextVar[Connection | None] = ContextVar("reading_through", default=None)


@contextmanager
def reading_through(conn: Connection) -> Iterator[None]:
    """Within the block, `connect()` in this thread hands out `conn` (left open) instead of a
    pooled connection, so reads see the caller's uncommitted writes."""
    token = _reading_through.set(conn)
    try:
        yield
    finally:
        _reading_through.reset(token)


@contextmanager
def connect(url: str | None = None) -> Iterator[Connection]:
    """A pooled connection; a pool with no connection free in time is an outage too."""
    borrowed = _reading_through.get()
    if borrowed is not None and url is None:
        yield borrowed
        return
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

    The rows come straight from the driver's cursor as plain tuples: pandas builds a frame from
    tuples several times faster than from SQLAlchemy Row objects. On PostgreSQL they come
    straight from the driver's cursor, which skips SQLAlchemy's row handling too (about 40%
    faster again): psycopg returns every column type the tables use (text, numbers, dates,
    booleans) as SQLAlchemy would. SQLite's driver returns dates as text and booleans as 0/1,
    which SQLAlchemy converts, so its rows go through SQLAlchemy.
    """
    with connect() as conn:
        result = conn.execute(statement)
        columns = list(result.keys())
        if conn.dialect.name == "postgresql" and result.cursor is not None:
            return pd.DataFrame(result.cursor.fetchall(), columns=columns)
        return pd.DataFrame([tuple(row) for row in result], columns=columns)


# The key of the PostgreSQL advisory lock that imports and migrations take: any fixed number
# that no other code uses ("SMQ" in ASCII).
WRITE_LOCK_KEY = 0x534D51
# SQLite's usual wait for a busy database, set again when an exclusive write is over.
_SQLITE_BUSY_MS = 10_000


@contextmanager
def exclusive_write(
    engine: Engine, wait_s: float = 600.0, statement_timeout_s: float = 3600.0
) -> Iterator[Connection]:
    """One transaction that holds the database's write lock: imports and migrations run one at
    a time, and what the transaction reads stays true until it commits.

    PostgreSQL: a transaction-level advisory lock, released by the commit or rollback; readers
    never wait for it. SQLite: BEGIN IMMEDIATE, which takes the write lock at the start (with WAL
    readers go on reading). A second writer waits up to `wait_s` (0: no limit) for the first,
    then gets DatabaseBusy. The statement timeout of web requests is lifted to `statement_timeout_s`: a
    large import legitimately runs for minutes. Commits when the block ends, rolls back on any
    exception."""
    wait_ms, statement_ms = int(wait_s * 1000), int(statement_timeout_s * 1000)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {statement_ms}")
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
            try:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            except DatabaseUnavailable as error:
                raise DatabaseBusy(wait_s) from error
            yield conn
        return
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        previous = raw.isolation_level
        # pysqlite would otherwise open a deferred transaction of its own at the first write;
        # with None it leaves transaction control to the statements below.
        raw.isolation_level = None
        try:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms or 2**31 - 1}")  # 0: no limit
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except DatabaseUnavailable as error:
                raise DatabaseBusy(wait_s) from error
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {_SQLITE_BUSY_MS}")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            if raw.in_transaction:
                raw.rollback()
            raw.execute(f"PRAGMA busy_timeout = {_SQLITE_BUSY_MS}")
            raw.isolation_level = previous
