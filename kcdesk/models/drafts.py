"""Wizard drafts (bản nháp đề án) — issue 3.

A draft holds everything the wizard has typed so far, as JSON, so an interrupted
session (crash, power cut, killed app) loses nothing. It is local to this PC's
database and never travels in an exchange pack.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, new_uuid, utcnow


class ProposalDraft(Base):
    """Bản nháp of a new proposal (``proposal_code`` None) or of an edit of one."""

    __tablename__ = "proposal_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    proposal_code: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    username: Mapped[str] = mapped_column(String(64), default="", index=True)
    # On a server several PCs share the table: a draft belongs to a user on one PC.
    workstation: Mapped[str] = mapped_column(String(255), default="", server_default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
