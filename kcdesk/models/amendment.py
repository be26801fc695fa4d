"""Amendments (điều chỉnh, bổ sung, ngừng triển khai đề án) — issue 4.

After the catalogue is approved, a change to a proposal needs the approval of the
Department (Sở Công Thương) or of the provincial chairman (Chủ tịch UBND tỉnh),
depending on what changes (``forms/amendment_rules.toml``). An amendment keeps the
before/after difference, the reason, who must approve it and why, and, once
decided, the decision's number and date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcdesk.models.base import Base, SyncedMixin, utcnow
from kcdesk.models.proposal import Document, Proposal


class Amendment(SyncedMixin, Base):
    """Đề nghị điều chỉnh / bổ sung / ngừng triển khai một đề án.

    ``kind``: ``adjust`` (điều chỉnh), ``add`` (bổ sung đề án mới), ``stop`` (ngừng).
    ``changes``: ``{field: {"old": …, "new": …}}`` (JSON values; money in đồng).
    ``authority``: ``department`` (Sở Công Thương) or ``chairman`` (Chủ tịch UBND tỉnh);
    ``authority_reasons``: why, one line per rule applied, each citing its source.
    ``state``: ``pending`` → ``approved`` (applied to the proposal) or ``refused``.
    """

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16), default="adjust")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    request_no: Mapped[str] = mapped_column(String(64), default="")
    request_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    authority: Mapped[str] = mapped_column(String(16), default="chairman")
    authority_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_by: Mapped[str] = mapped_column(String(64), default="")
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decision_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship()


# The register's "missing documents" check and the proposal view read a proposal's
# dossier documents; without this index each lookup scans every document.
Index("ix_document_proposal_id", Document.proposal_id)
# The register lists the newest plan year first; this index answers that order
# (and the code within the year) without reading the wide proposal rows.
Index("ix_proposal_plan_year_code", Proposal.plan_year, Proposal.code)
