"""Exchange packs between offices (gói trao đổi) — issue 8.

- ``SyncState``: per travelling record, the revision and content hash last exchanged
  with the other side (the *base*). "Edited here since the last exchange" is
  ``record.revision != base.revision``; "changed over there" is an incoming hash
  different from the base hash. Both → a conflict, never a silent overwrite.
- ``ExchangeWatermark``: per peer office, the last pack exported to it.
- ``ImportLog``: every applied import (who, when, which pack, counts).
- ``ExchangeConflict``: both versions of a record changed on both sides, kept as
  JSON until a user resolves them field by field.
- ``RemoteEvent``: audit events that came in a pack. They are kept apart from the
  local ``audit_event`` chain so imported history never breaks the local hash chain.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, utcnow


class SyncState(Base):
    """Base revision of one record (trạng thái đồng bộ): what both sides last agreed."""

    __tablename__ = "exchange_sync_state"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the exact pack line this base came from ("" when set otherwise): the
    # same line arriving again is unchanged without even being parsed.
    line_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    synced_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExchangeWatermark(Base):
    """Last export to one peer office (mốc xuất gói gần nhất)."""

    __tablename__ = "exchange_watermark"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_code: Mapped[str] = mapped_column(String(32), unique=True)
    last_export_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_pack_uuid: Mapped[str] = mapped_column(String(36), default="")
    last_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    username: Mapped[str] = mapped_column(String(64), default="")


class ImportLog(Base):
    """One applied import (nhật ký nhập gói)."""

    __tablename__ = "exchange_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_uuid: Mapped[str] = mapped_column(String(36), index=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    sender_code: Mapped[str] = mapped_column(String(32), default="")
    office_code: Mapped[str] = mapped_column(String(32), default="")
    pack_kind: Mapped[str] = mapped_column(String(16), default="")
    pack_created_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ExchangeConflict(Base):
    """A record changed on both sides (xung đột): both versions, until resolved."""

    __tablename__ = "exchange_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_uuid: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(255), default="")
    pack_uuid: Mapped[str] = mapped_column(String(36), default="")
    sender_code: Mapped[str] = mapped_column(String(32), default="")
    local: Mapped[dict[str, Any]] = mapped_column(JSON)
    incoming: Mapped[dict[str, Any]] = mapped_column(JSON)
    incoming_hash: Mapped[str] = mapped_column(String(64))
    incoming_revision: Mapped[int] = mapped_column(Integer)
    local_revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class RemoteEvent(Base):
    """An audit event recorded at another office and received in a pack."""

    __tablename__ = "exchange_remote_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64), default="")
    office_code: Mapped[str] = mapped_column(String(32), default="")
    entity: Mapped[str] = mapped_column(String(48))
    entity_uuid: Mapped[str] = mapped_column(String(36), default="", index=True)
    entity_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin_hash: Mapped[str] = mapped_column(String(64), default="")
    pack_uuid: Mapped[str] = mapped_column(String(36), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class RemoteAppraisal(Base):
    """An appraisal result (kết quả thẩm định) of one of this office's proposals, as the
    Centre sent it back. Kept apart from the appraisal tables: the office has no
    council; it only needs to see the outcome."""

    __tablename__ = "exchange_appraisal_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    proposal_uuid: Mapped[str] = mapped_column(String(36), index=True)
    session_name: Mapped[str] = mapped_column(Text, default="")
    meeting_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    average: Mapped[str | None] = mapped_column(String(16), nullable=True)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    conclusion: Mapped[str | None] = mapped_column(String(48), nullable=True)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    pack_uuid: Mapped[str] = mapped_column(String(36), default="")
