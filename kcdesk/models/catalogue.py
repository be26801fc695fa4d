"""Catalogues (danh mục đề án khuyến công) and their versions — issue 7.

A catalogue is one plan year and one funding source. While it is a draft its rows
are read live from the proposals; submitting, approving and every approved
amendment freeze the rows into a numbered version, so what leadership signed can
be printed again and two versions compared row by row.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcdesk.models.base import Base, Money, SyncedMixin, utcnow
from kcdesk.models.types import enum_column


class CatalogueState(StrEnum):
    """Trạng thái danh mục: dự thảo → đã trình → đã phê duyệt → đã điều chỉnh."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    AMENDED = "amended"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    CatalogueState.DRAFT: "Dự thảo",
    CatalogueState.SUBMITTED: "Đã trình",
    CatalogueState.APPROVED: "Đã phê duyệt",
    CatalogueState.AMENDED: "Đã điều chỉnh",
}


class Catalogue(SyncedMixin, Base):
    """Danh mục đề án khuyến công of one plan year and funding source.

    ``origin`` is empty for this Centre's own catalogues; a merged old province's
    catalogue keeps its origin ("tỉnh Hải Dương (cũ)", issue 25), so both Centres'
    catalogues of one year and source stay two, never merged.
    """

    __tablename__ = "catalogue"
    __table_args__ = (UniqueConstraint("plan_year", "funding_source", "origin"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_year: Mapped[int] = mapped_column(Integer, index=True)
    funding_source: Mapped[str] = mapped_column(String(32))
    state: Mapped[CatalogueState] = mapped_column(
        enum_column(CatalogueState), default=CatalogueState.DRAFT
    )
    # The chairman's decision approving the catalogue (Quyết định phê duyệt).
    decision_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The Centre's submission letter (tờ trình) number and date, printed on the letter.
    letter_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    letter_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(96), default="")

    versions: Mapped[list[CatalogueVersion]] = relationship(
        back_populates="catalogue",
        cascade="all, delete-orphan",
        order_by="CatalogueVersion.number",
    )

    def department_letter(self, chosen: CatalogueVersion) -> tuple[str | None, date | None]:
        """The Department's tờ trình that sent ``chosen`` to the chairman: its own, else
        that of an earlier version back to the last submission (the approved version was
        sent by the submitted one's letter); nothing for a draft."""
        for version in reversed(self.versions):
            if version.number > chosen.number:
                continue
            if version.department_letter_no:
                return version.department_letter_no, version.department_letter_date
            if version.kind == "submitted":
                break
        return None, None


class CatalogueVersion(SyncedMixin, Base):
    """One frozen state of a catalogue: submitted, approved, or after an amendment."""

    __tablename__ = "catalogue_version"
    __table_args__ = (UniqueConstraint("catalogue_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    # "submitted" | "approved" | "amended": the event that froze this version.
    kind: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    decision_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The Department's tờ trình to the provincial chairman (…/TTr-SCT) that sends this
    # version for approval: printed on that letter and cited by the decision.
    department_letter_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    department_letter_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    frozen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    frozen_by: Mapped[str] = mapped_column(String(64), default="")

    catalogue: Mapped[Catalogue] = relationship(back_populates="versions")
    rows: Mapped[list[CatalogueRow]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="CatalogueRow.position"
    )


class CatalogueRow(Base):
    """One proposal as printed in a version (values copied, not linked, so they stay)."""

    __tablename__ = "catalogue_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    proposal_uuid: Mapped[str] = mapped_column(String(36), index=True)
    proposal_code: Mapped[str] = mapped_column(String(32), default="")
    activity: Mapped[str] = mapped_column(String(48), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    implementing_unit: Mapped[str] = mapped_column(Text, default="")
    beneficiary: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    period: Mapped[str] = mapped_column(String(64), default="")
    total_cost: Mapped[int] = mapped_column(Money, default=0)
    support: Mapped[int] = mapped_column(Money, default=0)
    counterpart: Mapped[int] = mapped_column(Money, default=0)
    other_funds: Mapped[int] = mapped_column(Money, default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[CatalogueVersion] = relationship(back_populates="rows")


class ImportedRow(Base):
    """A row of an old Excel list already imported (idempotent re-import).

    ``key`` is the SHA-256 of the row's stable identity: folded title | facility
    (tax code, else folded name) | plan year. Importing a row whose key is here
    creates nothing.
    """

    __tablename__ = "imported_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    proposal_uuid: Mapped[str] = mapped_column(String(36), index=True)
    source_file: Mapped[str] = mapped_column(Text, default="")
    source_row: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(64), default="")
