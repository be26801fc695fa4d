"""Five-year programmes (chương trình khuyến công giai đoạn) and their targets."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcdesk.models.base import Base, Money, SyncedMixin


class Programme(SyncedMixin, Base):
    """Chương trình khuyến công: province, period, decision and budget by source."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    province: Mapped[str] = mapped_column(String(64))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    decision_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    issuer: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    budget_national: Mapped[int | None] = mapped_column(Money, nullable=True)
    budget_local: Mapped[int | None] = mapped_column(Money, nullable=True)
    budget_other: Mapped[int | None] = mapped_column(Money, nullable=True)
    budget_total: Mapped[int | None] = mapped_column(Money, nullable=True)
    # {"2026": int, …} and {"activity_code": int, …}, as stated in the decision.
    budget_by_year: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    budget_by_activity: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The old province of a merged Centre's programme, kept to its end (issue 25).
    origin: Mapped[str] = mapped_column(String(96), default="")

    targets: Mapped[list[Target]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Target.position"
    )


class Target(SyncedMixin, Base):
    """Chỉ tiêu: what the programme promises, and which outputs count toward it."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(32))
    group: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(64), default="")
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Activity codes (forms/activities.toml) and the measure (forms/measures.toml).
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    measure: Mapped[str] = mapped_column(String(32), default="proposals")
    # Codes of targets whose quantities add up to this one.
    parts: Mapped[list[str]] = mapped_column(JSON, default=list)
    budget: Mapped[int | None] = mapped_column(Money, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    programme: Mapped[Programme] = relationship(back_populates="targets")
