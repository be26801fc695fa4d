"""Đề án khuyến công and its parts: budget, schedule, outputs, dossier, history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcdesk.models.base import Base, Money, SyncedMixin, utcnow
from kcdesk.models.enums import ProposalStatus
from kcdesk.models.facility import Facility
from kcdesk.models.types import enum_column


class Proposal(SyncedMixin, Base):
    """Đề án khuyến công (template Phụ lục II).

    The money columns ``total_cost``/``support``/``counterpart``/``other_funds`` are
    the sums of the budget lines, kept in step by the proposal service so that the
    register and the dashboard aggregate in SQL without reading every line.
    ``approved_support`` is the support in the approved (or amended) catalogue.
    """

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(Text)
    plan_year: Mapped[int] = mapped_column(Integer, index=True)
    activity: Mapped[str] = mapped_column(String(48), index=True)
    funding_source: Mapped[str] = mapped_column(String(32), default="dia_phuong")
    # Code of the programme (chương trình khuyến công) the proposal counts toward; ""
    # when none covers it. Its outputs are recorded against that programme's targets.
    programme: Mapped[str] = mapped_column(String(32), default="")
    # Support for a whole technology line (cả dây chuyền công nghệ): the cap's ceiling
    # is raised by its line multiplier (forms/activities.toml).
    whole_line: Mapped[bool] = mapped_column(Boolean, default=False)
    # The cap variant chosen in forms/activities.toml (e.g. a demonstration model at a
    # facility already operating well, to be spread); "" = the activity's main cap.
    cap_kind: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus), default=ProposalStatus.RECEIVED, index=True
    )
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    office_code: Mapped[str] = mapped_column(String(32), default="", index=True)
    implementing_unit: Mapped[str] = mapped_column(String(255), default="")
    partner_unit: Mapped[str] = mapped_column(String(255), default="")
    location: Mapped[str] = mapped_column(Text, default="")
    commune: Mapped[str] = mapped_column(String(128), default="", index=True)
    # Official code of the commune (danh mục ĐVHC từ 01/7/2025); None while the text
    # typed before the list is not matched (services.communes.reconcile).
    commune_code: Mapped[str | None] = mapped_column(String(5), nullable=True, index=True)
    start_month: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_month: Mapped[date | None] = mapped_column(Date, nullable=True)
    received_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Phụ lục II prose sections.
    necessity: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    scale: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(Text, default="")
    effect_economic: Mapped[str] = mapped_column(Text, default="")
    effect_social: Mapped[str] = mapped_column(Text, default="")
    effect_environment: Mapped[str] = mapped_column(Text, default="")
    # Tính bền vững, khả năng nhân rộng after support ends (khoản 8 Điều 5 TT 36/2013).
    sustainability: Mapped[str] = mapped_column(Text, default="")
    # Sums of the budget lines (đồng).
    total_cost: Mapped[int] = mapped_column(Money, default=0)
    support: Mapped[int] = mapped_column(Money, default=0)
    counterpart: Mapped[int] = mapped_column(Money, default=0)
    other_funds: Mapped[int] = mapped_column(Money, default=0)
    approved_support: Mapped[int | None] = mapped_column(Money, nullable=True)
    # Sum of advances and settlements paid (tạm ứng, thanh toán), kept by the
    # implementation service so the dashboard aggregates it in SQL.
    disbursed: Mapped[int] = mapped_column(Money, default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    # The old province a merged Centre's proposal came from ("tỉnh Hải Dương (cũ)"),
    # empty for this Centre's own (services/merge, issue 25).
    origin: Mapped[str] = mapped_column(String(96), default="", index=True)

    facility_links: Mapped[list[ProposalFacility]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="ProposalFacility.position",
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    schedule: Mapped[list[ScheduleItem]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ScheduleItem.position"
    )
    outputs: Mapped[list[OutputMeasure]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="OutputMeasure.id"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="Document.position"
    )
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="StatusChange.id"
    )

    @property
    def facilities(self) -> list[Facility]:
        return [link.facility for link in self.facility_links]


class ProposalFacility(Base):
    """Link proposal ↔ beneficiary; a group proposal has several facilities."""

    __tablename__ = "proposal_facility"
    __table_args__ = (UniqueConstraint("proposal_id", "facility_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    facility_id: Mapped[int] = mapped_column(ForeignKey("facility.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    proposal: Mapped[Proposal] = relationship(back_populates="facility_links")
    facility: Mapped[Facility] = relationship()


class BudgetLine(Base):
    """Dự toán kinh phí: one line, split into support / counterpart (đối ứng) / other."""

    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    item: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(32), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=Decimal(1))
    unit_price: Mapped[int] = mapped_column(Money, default=0)
    amount: Mapped[int] = mapped_column(Money, default=0)
    support: Mapped[int] = mapped_column(Money, default=0)
    counterpart: Mapped[int] = mapped_column(Money, default=0)
    other_funds: Mapped[int] = mapped_column(Money, default=0)

    proposal: Mapped[Proposal] = relationship(back_populates="budget_lines")


class ScheduleItem(Base):
    """Tiến độ: one task with its months and who does it."""

    __tablename__ = "schedule_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    task: Mapped[str] = mapped_column(Text)
    start: Mapped[date | None] = mapped_column(Date, nullable=True)
    end: Mapped[date | None] = mapped_column(Date, nullable=True)
    responsible: Mapped[str] = mapped_column(String(255), default="")

    proposal: Mapped[Proposal] = relationship(back_populates="schedule")


class OutputMeasure(Base):
    """Planned and achieved quantity of one measure (forms/measures.toml).

    ``target`` is the code of the target (chỉ tiêu) of the proposal's programme this
    quantity counts toward; "" for an output that counts toward no target (printed on
    the proposal only). Each target is counted on its own: two targets sharing an
    activity and a measure no longer show the same number.
    """

    __tablename__ = "output_measure"
    __table_args__ = (UniqueConstraint("proposal_id", "measure", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(32), default="")
    planned: Mapped[int] = mapped_column(Integer, default=0)
    achieved: Mapped[int | None] = mapped_column(Integer, nullable=True)

    proposal: Mapped[Proposal] = relationship(back_populates="outputs")


class Document(Base):
    """Hồ sơ kèm theo: a dossier checklist item and, optionally, its attached file.

    Files live in a content-addressed store; ``file_hash`` is their SHA-256.
    """

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(48))
    label: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    received: Mapped[bool] = mapped_column(Boolean, default=False)
    received_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    file_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="documents")


class StatusChange(Base):
    """One workflow transition: who, when, why, and the decision when one is needed."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(64), default="")
    office_code: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    decision_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    proposal: Mapped[Proposal] = relationship(back_populates="status_changes")


# The "cần chú ý" panel (issue 24, migration 0025): the oldest change in each waiting
# status found by seeking, not by sorting every waiting proposal.
Index("ix_proposal_status_changed", Proposal.status, Proposal.status_changed_at)
# After a save (issue 24, migration 0031): the panel's late dossiers by a range per open
# status and year.
Index(
    "ix_proposal_status_year_received",
    Proposal.status,
    Proposal.plan_year,
    Proposal.received_date,
)
# The appraisal section's agenda choices (issue 24, migration 0032): the year's
# proposals awaiting appraisal, in code order, without reading the year's others.
Index("ix_proposal_status_year_code", Proposal.status, Proposal.plan_year, Proposal.code)
# The implementation list's pages (issue 24, migration 0036): latest plan year first,
# then by code, read in that order until a page is full, the status tested in the index.
Index("ix_proposal_listed_order", Proposal.plan_year.desc(), Proposal.code, Proposal.status)
# The catalogue's first opening (issue 24, migration 0033): the draft's proposals of a
# year and source, their groups, codes and amounts, read from the index alone.
Index(
    "ix_proposal_catalogue",
    Proposal.plan_year,
    Proposal.funding_source,
    Proposal.status,
    Proposal.activity,
    Proposal.code,
    Proposal.total_cost,
    Proposal.support,
    Proposal.approved_support,
    Proposal.counterpart,
    Proposal.other_funds,
    Proposal.id,
)
