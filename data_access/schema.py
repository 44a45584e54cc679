"""Create or upgrade the schema with Alembic, so real deployments can evolve safely."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from data_access.db import database_url, get_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return cfg


def init_db(url: str | None = None) -> None:
    """Bring the database to the latest revision; a second call finds nothing to do."""
    url = url or database_url()
    cfg = alembic_config(url)
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
