"""Implementation tracking: progress, acceptance, disbursement, settlement — issue 10.

Tiến độ thực hiện, nghiệm thu, tạm ứng / thanh toán và quyết toán of an approved
proposal. The records point at their proposal; ``Proposal.disbursed`` holds the sum
of the disbursements (kept by ``kcdesk.services.implementation.money``) so the
dashboard and the register aggregate in SQL.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcdesk.models.base import Base, Money, SyncedMixin
from kcdesk.models.proposal import Proposal
from kcdesk.models.types import enum_column


class DisbursementKind(StrEnum):
    """Tạm ứng (before acceptance) or thanh toán (the rest, after acceptance)."""

    ADVANCE = "advance"
    SETTLEMENT = "settlement"

    @property
    def label(self) -> str:
        return {"advance": "Tạm ứng", "settlement": "Thanh toán"}[self.value]


class ProgressEntry(SyncedMixin, Base):
    """Báo cáo tiến độ: how far the work is on a date, with an optional file."""

    __tablename__ = "progress_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    reported_on: Mapped[date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    file_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")

    proposal: Mapped[Proposal] = relationship()


class EvidenceItem(Base):
    """One paper of the acceptance evidence (hồ sơ nghiệm thu) and whether it is in.

    Rows exist only for items someone marked; the checklist itself comes from
    ``ActivitySpec.evidence`` in forms/activities.toml.
    """

    __tablename__ = "evidence_item"
    __table_args__ = (UniqueConstraint("proposal_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(48))
    received: Mapped[bool] = mapped_column(Boolean, default=False)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    file_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship()


class Acceptance(SyncedMixin, Base):
    """Nghiệm thu cơ sở: the minutes (biên bản) that close the work of a proposal.

    ``participants`` is a list of "name — post, unit" lines; ``evidence`` is the
    checklist as it stood when accepted ``{code: received}``.
    """

    __tablename__ = "acceptance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), unique=True
    )
    accepted_on: Mapped[date] = mapped_column(Date)
    minutes_no: Mapped[str] = mapped_column(String(64))
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)
    result: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    proposal: Mapped[Proposal] = relationship()


class Disbursement(SyncedMixin, Base):
    """One payment to the implementing unit: an advance or the settlement payment."""

    __tablename__ = "disbursement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DisbursementKind] = mapped_column(enum_column(DisbursementKind))
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)
    voucher: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship()


class Settlement(SyncedMixin, Base):
    """Quyết toán: the final approved amount, its date and the approving reference.

    ``refund_due`` is what the unit returns when less was settled than was paid
    (khoản 6 Điều 12 Thông tư 36/2013/TT-BCT).
    """

    __tablename__ = "settlement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), unique=True
    )
    final_amount: Mapped[int] = mapped_column(Money)
    settled_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(128))
    refund_due: Mapped[int] = mapped_column(Money, default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship()
