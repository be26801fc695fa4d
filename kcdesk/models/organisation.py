"""Offices (văn phòng / đơn vị dùng máy), users and the settings table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, SyncedMixin, utcnow
from kcdesk.models.enums import OfficeLevel, Role
from kcdesk.models.types import enum_column


class Office(SyncedMixin, Base):
    """An office that uses kcdesk: the Centre, the Department or a local office.

    ``exchange_secret`` is the per-office HMAC key that signs exchange packs.
    """

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[OfficeLevel] = mapped_column(enum_column(OfficeLevel))
    province: Mapped[str] = mapped_column(String(64), default="")
    commune: Mapped[str] = mapped_column(String(128), default="")
    # Official code of the commune (danh mục ĐVHC từ 01/7/2025); None while the text
    # typed before the list is not matched (services.communes.reconcile).
    commune_code: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
    exchange_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(SyncedMixin, Base):
    """A person who logs in (người dùng); password only as a salted slow hash."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Setting(Base):
    """One named setting of this database (organisation names, deadlines, …)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
