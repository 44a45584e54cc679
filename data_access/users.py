"""User accounts: hashed passwords (werkzeug's scrypt/pbkdf2), roles, and login throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from werkzeug.security import check_password_hash, generate_password_hash

from data_access import models
from data_access.db import get_engine
from data_access.viewer import Viewer
from data_access.vocab import ROLES

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
# Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def add_user(
    username: str, password: str, role: str, trusts: list[str] | None = None, engine: Engine | None = None
) -> bool:
    """Create or update a user; True when created. The password is stored only as a hash."""
    if role not in ROLES or role == "public":
        raise ValueError(f"unknown role {role!r}")
    if not username.strip():
        raise ValueError("the user name must not be empty")
    if not password:
        raise ValueError("the password must not be empty")
    engine = engine or get_engine()
    codes = ",".join(sorted({t.strip().upper() for t in (trusts or []) if t.strip()}))
    with engine.begin() as conn:
        existing = conn.execute(select(models.User).where(models.User.username == username)).first()
        table = models.User.__table__
        values = {
            "password_hash": generate_password_hash(password),
            "role": role,
            "trusts": codes or None,
            "failed_logins": 0,
            "locked_until": None,
        }
        if existing:
            conn.execute(table.update().where(table.c.username == username).values(**values))
            return False
        conn.execute(table.insert().values(username=username, **values))
        return True


def viewer_for(username: str, engine: Engine | None = None) -> Viewer | None:
    engine = engine or get_engine()
    table = models.User.__table__
    with engine.connect() as conn:
        user = conn.execute(select(table).where(table.c.username == username)).mappings().first()
    if user is None:
        return None
    trusts = frozenset(t for t in (user["trusts"] or "").split(",") if t)
    return Viewer(role=user["role"], trusts=trusts, username=user["username"])


def authenticate(username: str, password: str, engine: Engine | None = None) -> Viewer | None:
    """The viewer for a correct name and password; None otherwise (same answer for every
    failure, so names cannot be enumerated). Locks an account for a while after repeated
    failures."""
    engine = engine or get_engine()
    table = models.User.__table__
    with engine.begin() as conn:
        user = conn.execute(select(table).where(table.c.username == username)).mappings().first()
        if user is None:
            check_password_hash(_DUMMY_HASH, password)
            return None
        locked = user["locked_until"] is not None and user["locked_until"] > _now()
        ok = check_password_hash(user["password_hash"], password)
        if ok and not locked:
            conn.execute(
                table.update().where(table.c.username == username).values(failed_logins=0, locked_until=None)
            )
            trusts = frozenset(t for t in (user["trusts"] or "").split(",") if t)
            return Viewer(role=user["role"], trusts=trusts, username=username)
        failed = (user["failed_logins"] or 0) + (0 if locked else 1)
        values: dict = {"failed_logins": failed}
        if failed >= MAX_FAILED_LOGINS and not locked:
            values["locked_until"] = _now() + timedelta(minutes=LOCK_MINUTES)
            values["failed_logins"] = 0
        conn.execute(table.update().where(table.c.username == username).values(**values))
        return None
