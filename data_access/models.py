"""SQLAlchemy 2.0 models: the trust-level metrics database.

Natural keys of the CSV contract are unique constraints, so an import can upsert on them.
Indexes follow the dashboard's reads: metric values by metric then trust then period
(trajectories, benchmarks), and by trust then period (the trust profile page).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Trust(Base):
    __tablename__ = "trusts"

    trust_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    trust_name: Mapped[str] = mapped_column(Text)
    trust_type: Mapped[str] = mapped_column(String(32), index=True)
    region: Mapped[str | None] = mapped_column(Text)
    icb: Mapped[str | None] = mapped_column(Text)
    setting: Mapped[str | None] = mapped_column(String(16))
    teaching: Mapped[bool | None] = mapped_column(Boolean)
    evaluation_group: Mapped[str | None] = mapped_column(String(32))


class RegimeEpisode(Base):
    __tablename__ = "regime_episodes"
    __table_args__ = (UniqueConstraint("trust_code", "regime", "start_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trust_code: Mapped[str] = mapped_column(
        String(16), ForeignKey("trusts.trust_code", ondelete="CASCADE"), index=True
    )
    regime: Mapped[str] = mapped_column(String(8))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)


class CqcRating(Base):
    __tablename__ = "cqc_ratings"
    __table_args__ = (UniqueConstraint("trust_code", "publication_date", "domain"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trust_code: Mapped[str] = mapped_column(
        String(16), ForeignKey("trusts.trust_code", ondelete="CASCADE"), index=True
    )
    publication_date: Mapped[date] = mapped_column(Date)
    domain: Mapped[str] = mapped_column(String(16))
    rating: Mapped[str] = mapped_column(String(32))


class Metric(Base):
    __tablename__ = "metrics"

    metric_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(16))
    target: Mapped[float | None] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(Boolean)
    frequency: Mapped[str | None] = mapped_column(String(16))
    applies_to: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(32))


class MetricValue(Base):
    __tablename__ = "metric_values"
    __table_args__ = (Index("ix_metric_values_trust_period", "trust_code", "period_start"),)

    metric_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("metrics.metric_id", ondelete="CASCADE"), primary_key=True
    )
    trust_code: Mapped[str] = mapped_column(
        String(16), ForeignKey("trusts.trust_code", ondelete="CASCADE"), primary_key=True
    )
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)


class Intervention(Base):
    """`start_date` is blank only for a `not_delivered`/`no_data` row, at most one per trust and
    intervention (a partial unique index, since a unique constraint lets NULLs repeat)."""

    __tablename__ = "interventions"
    __table_args__ = (
        UniqueConstraint("trust_code", "intervention", "start_date"),
        Index(
            "uq_interventions_undated",
            "trust_code",
            "intervention",
            unique=True,
            sqlite_where=text("start_date IS NULL"),
            postgresql_where=text("start_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trust_code: Mapped[str] = mapped_column(
        String(16), ForeignKey("trusts.trust_code", ondelete="CASCADE"), index=True
    )
    intervention: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount_gbp: Mapped[float | None] = mapped_column(Float)
    partner: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class Cost(Base):
    __tablename__ = "costs"
    __table_args__ = (UniqueConstraint("trust_code", "category", "period_start", "payer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trust_code: Mapped[str] = mapped_column(
        String(16), ForeignKey("trusts.trust_code", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date] = mapped_column(Date)
    payer: Mapped[str] = mapped_column(String(16))
    amount_gbp: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class DatasetInfo(Base):
    """The one-row description of the loaded dataset, plus a version bumped by every import.

    The version is part of every cache key, so an import invalidates cached query results in
    every worker without any message passing.
    """

    __tablename__ = "dataset_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool | None] = mapped_column(Boolean)
    as_of: Mapped[date | None] = mapped_column(Date)
    licence: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime | None] = mapped_column(DateTime)


class User(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(32))
    trusts: Mapped[str | None] = mapped_column(Text)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped by sign-out everywhere, a password change or removal: a session cookie carries the
    # generation it was issued under and is refused once they differ.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LoginFailure(Base):
    """Failed sign-ins per account and client: counted in one SQL statement, so parallel guesses
    cannot race past the limit, and locking one client out never locks out the account's owner."""

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, server_default="0")
    last_failure: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class RevokedSession(Base):
    """Sessions ended by signing out, kept until they would have expired anyway."""

    __tablename__ = "revoked_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
