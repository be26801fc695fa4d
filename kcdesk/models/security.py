"""Security records (issue 9): the log of backups taken and restores made, and the
failed log-ins counted per account and source.

Users live on ``User`` (``organisation.py``). The backup log and the log-in failure
counters are local to this database and never travel in an exchange pack.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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


class LoginFailure(Base):
    """Đăng nhập sai: wrong passwords of one account from one source in a row.

    The source is the workstation (host name) and the interface (``gui@PC-KE-TOAN``,
    ``cli@PC-KE-TOAN``): a flood of wrong guesses from another source locks that source
    out, never the administrator at the Centre's own PC (issue 19 §3).
    """

    __tablename__ = "login_failure"
    __table_args__ = (UniqueConstraint("user_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(160))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
