"""Appraisal councils, sessions, score sheets (thẩm định) — issue 5.

A session (phiên họp hội đồng thẩm định) has members, an agenda of proposals and,
per member and agenda item, one sheet (phiếu đánh giá) holding the member's scores
per criterion, conclusion, comment — or a declared conflict of interest, in which
case the member is left out of that proposal.

The criteria set is copied into the session when it is created (``criteria``), so
a later edit of ``forms/appraisal_criteria.toml`` does not change the meaning of
scores already given.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcdesk.models.base import Base, SyncedMixin
from kcdesk.models.proposal import Proposal
from kcdesk.models.types import enum_column


class MemberRole(StrEnum):
    """Vai trò trong hội đồng."""

    CHAIR = "chair"  # Chủ tịch hội đồng
    SECRETARY = "secretary"  # Thư ký hội đồng
    MEMBER = "member"  # Ủy viên

    @property
    def label(self) -> str:
        return MEMBER_ROLE_LABELS[self]


MEMBER_ROLE_LABELS: dict[MemberRole, str] = {
    MemberRole.CHAIR: "Chủ tịch Hội đồng",
    MemberRole.SECRETARY: "Thư ký Hội đồng",
    MemberRole.MEMBER: "Ủy viên",
}


class AppraisalSession(SyncedMixin, Base):
    """Hội đồng / phiên thẩm định: name, founding decision, criteria, members, agenda."""

    __tablename__ = "appraisal_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    plan_year: Mapped[int] = mapped_column(Integer, index=True)
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    meeting_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    place: Mapped[str] = mapped_column(String(255), default="")
    criteria_code: Mapped[str] = mapped_column(String(48))
    # Frozen copy of the criteria set (see module docstring).
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CouncilMember.position"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )


class CouncilMember(Base):
    """Thành viên hội đồng: name, post (chức vụ, đơn vị), role."""

    __tablename__ = "council_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(255))
    post: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole), default=MemberRole.MEMBER)

    session: Mapped[AppraisalSession] = relationship(back_populates="members")
    sheets: Mapped[list[ScoreSheet]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )


class AgendaItem(Base):
    """One proposal on the session's agenda, and its recorded result once closed."""

    __tablename__ = "appraisal_item"
    __table_args__ = (UniqueConstraint("session_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_session.id", ondelete="CASCADE"), index=True
    )
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    average: Mapped[Decimal | None] = mapped_column(Numeric(7, 2), nullable=True)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    conclusion: Mapped[str | None] = mapped_column(String(48), nullable=True)

    session: Mapped[AppraisalSession] = relationship(back_populates="items")
    proposal: Mapped[Proposal] = relationship()
    sheets: Mapped[list[ScoreSheet]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )


class ScoreSheet(Base):
    """Phiếu đánh giá of one member for one agenda item (or a conflict declaration)."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("member_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("council_member.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_item.id", ondelete="CASCADE"), index=True
    )
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str | None] = mapped_column(String(48), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")

    member: Mapped[CouncilMember] = relationship(back_populates="sheets")
    item: Mapped[AgendaItem] = relationship(back_populates="sheets")
    scores: Mapped[list[CriterionScore]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="CriterionScore.id"
    )


class CriterionScore(Base):
    """Điểm of one criterion on one sheet (points up to one decimal)."""

    __tablename__ = "criterion_score"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(
        ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str] = mapped_column(String(48))
    points: Mapped[Decimal] = mapped_column(Numeric(6, 1))

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
