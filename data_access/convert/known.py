"""The trusts a conversion may write values for: those in the output folder's trusts.csv and
those already in the database, so that the import that follows never meets an unknown trust."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from data_access import models
from data_access.convert.output import read_existing
from data_access.db import database_url, get_engine
from data_access.errors import DatabaseUnavailable


@dataclass
class KnownTrusts:
    """Trust codes (upper-case) from the folder and from the database, with a word on each source."""

    in_folder: dict[str, dict[str, str]] = field(default_factory=dict)
    in_database: set[str] = field(default_factory=set)
    database_note: str = ""

    @property
    def codes(self) -> set[str]:
        return set(self.in_folder) | self.in_database

    def __contains__(self, code: str) -> bool:
        return code in self.in_folder or code in self.in_database

    def describe(self, out_dir: Path) -> str:
        text = (
            f"known trusts: {len(self.codes)} ({len(self.in_folder)} in {out_dir / 'trusts.csv'}, "
            f"{len(self.in_database)} in the database"
        )
        return text + (f"; {self.database_note})" if self.database_note else ")")


def folder_trusts(out_dir: Path) -> dict[str, dict[str, str]]:
    """The rows of the output folder's trusts.csv, by upper-case trust code."""
    _, rows = read_existing(out_dir / "trusts.csv")
    return {row["trust_code"].strip().upper(): row for row in rows if row.get("trust_code", "").strip()}


def database_trusts(url: str | None = None) -> tuple[set[str], str]:
    """Trust codes in the database at `url` (DATABASE_URL by default), and a note when there are none.

    An absent or empty database is fine: a SQLite file that does not exist yet is not created,
    and a database that cannot be read counts as having no trusts (the note says why).
    """
    url = url or database_url()
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or not Path(database).exists():
            return set(), f"no database at {shown} yet"
    try:
        with get_engine(url).connect() as conn:
            codes = {str(c).upper() for c in conn.scalars(select(models.Trust.trust_code))}
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        return set(), f"the database at {shown} could not be read: {first_line}"
    return codes, "" if codes else f"the database at {shown} has no trusts"


def known_trusts(out_dir: Path, database_url: str | None = None) -> KnownTrusts:
    codes, note = database_trusts(database_url)
    return KnownTrusts(folder_trusts(out_dir), codes, note)
