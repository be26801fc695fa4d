"""Security records (issue 9): the log of backups taken and restores made.

Users and their lock-out state live on ``User`` (``organisation.py``). The backup log
is local to this PC's database and never travels in an exchange pack.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, utcnow


class BackupRecord(Base):
    """Nhật ký sao lưu: one backup written (auto, manual, before restore) or restored."""

    __tablename__ = "backup_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # "auto", "manual", "before_restore", "restored"
    kind: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    username: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
