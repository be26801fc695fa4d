"""Signed documents (văn bản đã ký số) attached to a catalogue or an amendment — issue 22.

E.g. the chairman's signed decision approving a catalogue. The file itself lives in
the content-addressed attachment store (``file_hash``); its signatures are verified
again each time it is shown, since the Centre's trusted roots may change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, new_uuid, utcnow


class SignedDocument(Base):
    """One signed PDF attached to ``owner_kind`` ("catalogue" | "amendment") ``owner_key``
    (the catalogue's "year/funding source", or the amendment's UUID)."""

    __tablename__ = "signed_document"
    __table_args__ = (Index("ix_signed_document_owner", "owner_kind", "owner_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    owner_kind: Mapped[str] = mapped_column(String(16))
    owner_key: Mapped[str] = mapped_column(String(64))
    file_hash: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    file_size: Mapped[int] = mapped_column(Integer)
    attached_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attached_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
