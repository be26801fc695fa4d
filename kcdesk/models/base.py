"""Declarative base and the columns shared by records that travel between offices."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names keep Alembic batch migrations on SQLite deterministic.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Money is an int of đồng; BIGINT on PostgreSQL, INTEGER (64-bit) on SQLite.
Money = BigInteger().with_variant(Integer(), "sqlite")


def new_uuid() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_day_start(day: date) -> datetime:
    """The start of ``day`` on this PC's clock as a stored time (naive UTC, as utcnow):
    a user's "today" or "from 07/12" begins at local midnight, not UTC's."""
    return datetime.combine(day, time.min).astimezone().astimezone(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SyncedMixin:
    """A record that can travel in an exchange pack: UUID, origin office, revision.

    ``revision`` goes up by one on every saved change, so an import can tell a newer
    incoming version from an older one and two offices' edits from each other.
    """

    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    origin_office: Mapped[str] = mapped_column(String(32), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # Every UPDATE of a synced record says "WHERE revision = <the revision read>":
        # a second writer that saved meanwhile makes it match no row, and SQLAlchemy
        # raises StaleDataError instead of overwriting that save (no lost update).
        # The services set the new revision themselves (imports keep the sender's).
        return {"version_id_col": cls.revision, "version_id_generator": False}
