"""Merging another Centre's database (hợp nhất dữ liệu, issue 25).

Since 1 July 2025 two or three old provinces form one; ``MergeRecord`` remembers each
other Centre's database merged here, and ``MergedAuditEvent`` keeps that Centre's
audit trail verbatim as a sealed segment: its own hash chain can be verified again,
and its head hash is written into this database's own chain by the merge event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, utcnow


class MergeRecord(Base):
    """One other Centre's database merged here: where from, by whom, what came in."""

    __tablename__ = "merge_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(64), default="")
    source_name: Mapped[str] = mapped_column(Text, default="")
    # The head hash of the other Centre's audit chain (or the database's SHA-256 when
    # it has no events): the same state merged twice is recognised by it.
    source_key: Mapped[str] = mapped_column(String(64), unique=True)
    origin_province: Mapped[str] = mapped_column(String(64), default="")
    origin_label: Mapped[str] = mapped_column(String(96), default="")
    code_prefix: Mapped[str] = mapped_column(String(16), default="")
    segment_head: Mapped[str] = mapped_column(String(64), default="")
    segment_events: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MergedAuditEvent(Base):
    """One event of a merged Centre's audit trail, kept exactly as it was there."""

    __tablename__ = "merged_audit_event"
    __table_args__ = (UniqueConstraint("merge_id", "uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merge_id: Mapped[int] = mapped_column(
        ForeignKey("merge_record.id", ondelete="CASCADE"), index=True
    )
    original_id: Mapped[int] = mapped_column(Integer)
    uuid: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64), default="")
    office_code: Mapped[str] = mapped_column(String(32), default="")
    entity: Mapped[str] = mapped_column(String(48))
    entity_uuid: Mapped[str] = mapped_column(String(36), default="")
    entity_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64))
