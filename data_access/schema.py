"""Create or upgrade the schema with Alembic, so real deployments can evolve safely."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from data_access.db import database_url, exclusive_write, get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return cfg


def init_db(url: str | None = None, wait_s: float = 600.0) -> None:
    """Bring the database to the latest revision; a second call finds nothing to do.

    Runs under the write lock, so two processes starting on an empty database (two imports, or
    an import and `make run`) upgrade it once: the second finds the schema already there. A
    caller waits up to `wait_s` for the lock (then DatabaseBusy)."""
    url = url or database_url()
    cfg = alembic_config(url)
    engine = get_engine(url)
    # Up to date already (the usual case): no lock, so `users add` or an export never waits for
    # an import that is running.
    with engine.connect() as conn:
        if _at_head(conn, cfg):
            return
    with exclusive_write(engine, wait_s=wait_s) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _at_head(conn: Connection, cfg: Config) -> bool:
    """True when the database is at the latest revision of every branch."""
    current = set(MigrationContext.configure(conn).get_current_heads())
    return current == set(ScriptDirectory.from_config(cfg).get_heads())
