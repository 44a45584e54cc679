"""User accounts: hashed passwords (werkzeug's scrypt), roles, lockout and revocable sessions.

Failed sign-ins are counted in SQL, atomically, per account *and client* (`login_failures`): a
burst of parallel wrong guesses is counted in full (no read-modify-write in Python), and the lock
that follows holds only for the client that guessed, so nobody can lock an account's owner out
from elsewhere. `users.failed_logins` counts every failure since the account's last sign-in, from
any client, for the operator.

A session is valid while its user exists, its `session_generation` is the user's current one and
its id is not in `revoked_sessions`. A password change, "sign out everywhere" and removal bump or
drop the generation (every session ends); signing out revokes that one session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Engine, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash, generate_password_hash

from data_access import models
from data_access.db import get_engine
from data_access.viewer import Viewer
from data_access.vocab import ROLES

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
# Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")

users_table = models.User.__table__
login_failures = models.LoginFailure.__table__
revoked_sessions = models.RevokedSession.__table__


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: who, and the session generation the new session belongs to."""

    viewer: Viewer
    generation: int


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _viewer(row) -> Viewer:
    trusts = frozenset(t for t in (row["trusts"] or "").split(",") if t)
    return Viewer(role=row["role"], trusts=trusts, username=row["username"])


def add_user(
    username: str, password: str, role: str, trusts: list[str] | None = None, engine: Engine | None = None
) -> bool:
    """Create or update a user; True when created. The password is stored only as a hash.

    Updating with a different password ends every session of the user (as `set_password`)."""
    if role not in ROLES or role == "public":
        raise ValueError(f"unknown role {role!r}")
    if not username.strip():
        raise ValueError("the user name must not be empty")
    if not password:
        raise ValueError("the password must not be empty")
    engine = engine or get_engine()
    codes = ",".join(sorted({t.strip().upper() for t in (trusts or []) if t.strip()}))
    with engine.begin() as conn:
        existing = (
            conn.execute(select(users_table).where(users_table.c.username == username)).mappings().first()
        )
        values = {"role": role, "trusts": codes or None}
        if existing is None:
            conn.execute(
                users_table.insert().values(
                    username=username,
                    password_hash=generate_password_hash(password),
                    failed_logins=0,
                    locked_until=None,
                    session_generation=0,
                    **values,
                )
            )
            return True
        if not check_password_hash(existing["password_hash"], password):
            values.update(_new_password_values(password))
            conn.execute(delete(login_failures).where(login_failures.c.username == username))
        conn.execute(update(users_table).where(users_table.c.username == username).values(**values))
        return False


def _new_password_values(password: str) -> dict:
    return {
        "password_hash": generate_password_hash(password),
        "failed_logins": 0,
        "locked_until": None,
        "session_generation": users_table.c.session_generation + 1,
    }


def set_password(username: str, password: str, engine: Engine | None = None) -> bool:
    """Change a user's password, end all their sessions and clear their lockouts; False when
    there is no such user."""
    if not password:
        raise ValueError("the password must not be empty")
    engine = engine or get_engine()
    with engine.begin() as conn:
        changed = conn.execute(
            update(users_table)
            .where(users_table.c.username == username)
            .values(**_new_password_values(password))
        ).rowcount
        conn.execute(delete(login_failures).where(login_failures.c.username == username))
    return bool(changed)


def end_sessions(username: str, engine: Engine | None = None) -> bool:
    """Sign the user out everywhere: every session issued so far stops working. False when
    there is no such user."""
    engine = engine or get_engine()
    with engine.begin() as conn:
        changed = conn.execute(
            update(users_table)
            .where(users_table.c.username == username)
            .values(session_generation=users_table.c.session_generation + 1)
        ).rowcount
    return bool(changed)


def remove_user(username: str, engine: Engine | None = None) -> bool:
    """Delete a user (their sessions end with them); False when there is no such user."""
    engine = engine or get_engine()
    with engine.begin() as conn:
        removed = conn.execute(delete(users_table).where(users_table.c.username == username)).rowcount
        conn.execute(delete(login_failures).where(login_failures.c.username == username))
        conn.execute(delete(revoked_sessions).where(revoked_sessions.c.username == username))
    return bool(removed)


def list_users(engine: Engine | None = None) -> list[dict]:
    """Every user with role, trusts and failures since the last sign-in (no hashes)."""
    engine = engine or get_engine()
    columns = [users_table.c[c] for c in ("username", "role", "trusts", "failed_logins")]
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(*columns).order_by(users_table.c.username)).mappings()]


def viewer_for(username: str, engine: Engine | None = None) -> Viewer | None:
    engine = engine or get_engine()
    with engine.connect() as conn:
        user = conn.execute(select(users_table).where(users_table.c.username == username)).mappings().first()
    return None if user is None else _viewer(user)


def session_viewer(
    username: str, generation: int, session_id: str, engine: Engine | None = None
) -> Viewer | None:
    """The viewer of a session, or None when the session has ended: the user is gone, their
    generation moved on (password change, sign out everywhere) or this session signed out.
    One indexed read, made on every request that carries a session."""
    engine = engine or get_engine()
    revoked = (
        select(revoked_sessions.c.session_id).where(revoked_sessions.c.session_id == session_id).exists()
    )
    statement = select(
        users_table.c.username,
        users_table.c.role,
        users_table.c.trusts,
        users_table.c.session_generation,
        revoked.label("revoked"),
    ).where(users_table.c.username == username)
    with engine.connect() as conn:
        row = conn.execute(statement).mappings().first()
    if row is None or row["revoked"] or int(row["session_generation"] or 0) != int(generation):
        return None
    return _viewer(row)


def revoke_session(
    session_id: str, username: str, expires_at: datetime, engine: Engine | None = None
) -> None:
    """End one session (sign out) before its lifetime runs out; expired rows are purged here."""
    engine = engine or get_engine()
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(revoked_sessions).where(revoked_sessions.c.expires_at < now))
        exists = conn.execute(
            select(revoked_sessions.c.session_id).where(revoked_sessions.c.session_id == session_id)
        ).first()
        if exists is None and expires_at > now:
            conn.execute(
                revoked_sessions.insert().values(
                    session_id=session_id, username=username, expires_at=expires_at
                )
            )


def _upsert(engine: Engine):
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def _record_failure(
    engine: Engine, username: str, client: str, max_failures: int, lock_minutes: int
) -> tuple[int, datetime | None]:
    """Count one failure for this account and client in one statement (no lost updates under
    concurrency); return the count in the current window and the lock, if any."""
    now = _now()
    lock_span = timedelta(minutes=lock_minutes)
    table = login_failures
    stale = table.c.last_failure < now - lock_span  # the previous window has passed
    failures = case((stale, 1), else_=table.c.failures + 1)
    insert = _upsert(engine)(table).values(
        username=username,
        client=client,
        failures=1,
        last_failure=now,
        locked_until=now + lock_span if max_failures <= 1 else None,
    )
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.username, table.c.client],
        set_={
            "failures": failures,
            "last_failure": now,
            "locked_until": case(
                (failures >= max_failures, now + lock_span),
                (stale, sa.null()),
                else_=table.c.locked_until,
            ),
        },
    ).returning(table.c.failures, table.c.locked_until)
    with engine.begin() as conn:
        count, locked_until = conn.execute(statement).one()
        conn.execute(
            update(users_table)
            .where(users_table.c.username == username)
            .values(failed_logins=func.coalesce(users_table.c.failed_logins, 0) + 1)
        )
        if count == 1:  # a new window: a moment to drop rows whose windows have long passed
            conn.execute(
                delete(table).where(
                    table.c.last_failure < now - 2 * lock_span,
                    sa.or_(table.c.locked_until.is_(None), table.c.locked_until < now),
                )
            )
    return int(count), locked_until


def sign_in(
    username: str,
    password: str,
    client: str = "-",
    engine: Engine | None = None,
    max_failures: int = MAX_FAILED_LOGINS,
    lock_minutes: int = LOCK_MINUTES,
) -> SignIn | None:
    """A `SignIn` for a correct name and password from a client that is not locked out of the
    account; None otherwise, the same answer for every failure, so names cannot be enumerated.

    `max_failures` failures from one client within `lock_minutes` of each other lock that client
    out of the account for `lock_minutes` after the last; other clients are not affected."""
    engine = engine or get_engine()
    client = (client or "-")[:64]
    lock = login_failures
    statement = (
        select(users_table, lock.c.locked_until.label("client_locked_until"))
        .select_from(
            users_table.outerjoin(
                lock, sa.and_(lock.c.username == users_table.c.username, lock.c.client == client)
            )
        )
        .where(users_table.c.username == username)
    )
    with engine.connect() as conn:
        user = conn.execute(statement).mappings().first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    # The hash is checked outside any transaction: no connection is held for its ~50 ms.
    ok = check_password_hash(user["password_hash"], password)
    locked = user["client_locked_until"] is not None and user["client_locked_until"] > _now()
    if ok and not locked:
        with engine.begin() as conn:
            conn.execute(delete(lock).where(lock.c.username == username, lock.c.client == client))
            conn.execute(
                update(users_table)
                .where(users_table.c.username == username)
                .values(failed_logins=0, locked_until=None)
            )
        return SignIn(viewer=_viewer(user), generation=int(user["session_generation"] or 0))
    if not ok:  # the owner trying the right password from a locked client does not extend it
        _record_failure(engine, username, client, max_failures, lock_minutes)
    return None


def authenticate(
    username: str, password: str, engine: Engine | None = None, client: str = "-"
) -> Viewer | None:
    """The viewer for a correct name and password; None otherwise (see `sign_in`)."""
    result = sign_in(username, password, client, engine)
    return result.viewer if result else None


def failures(username: str, engine: Engine | None = None) -> dict[str, int]:
    """Failures in the current window per client of one account, for operators and tests."""
    engine = engine or get_engine()
    with engine.connect() as conn:
        rows = conn.execute(
            select(login_failures.c.client, login_failures.c.failures).where(
                login_failures.c.username == username
            )
        )
        return {client: int(count) for client, count in rows}
