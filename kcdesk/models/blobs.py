"""Attached files kept in the database (tệp đính kèm dùng chung) — server mode.

On a PostgreSQL server every workstation must read the files another one attached
(dossier scans, acceptance evidence, progress files): they are kept here, once per
SHA-256, beside the records that name them (docs/server.md). An SQLite database
keeps them in the per-user attachments folder as before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, utcnow


class AttachmentBlob(Base):
    """One attached file's bytes, addressed by their SHA-256 (64 lowercase hex)."""

    __tablename__ = "attachment_blob"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
