"""Audit trail (nhật ký): append-only events chained by hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, utcnow


class AuditEvent(Base):
    """Who changed what, when: field-level old/new values.

    ``hash`` = SHA-256 over ``prev_hash`` and the canonical JSON of the event, so a
    removed or altered row breaks the chain (kcdesk.services.core.audit.verify_chain).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), default="", index=True)
    office_code: Mapped[str] = mapped_column(String(32), default="")
    entity: Mapped[str] = mapped_column(String(48), index=True)
    entity_uuid: Mapped[str] = mapped_column(String(36), default="", index=True)
    entity_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), unique=True)
