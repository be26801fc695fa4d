"""Text a user types for a printed report and keeps with it (issue 17).

The periodic report to the Department (báo cáo 6 tháng, năm) has computed figures
and sections only people can write: the assessment (kết quả, tồn tại, hạn chế,
nguyên nhân), the directions for the next period and the proposals. One row per
programme, period and section.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base, utcnow


class PeriodicReportText(Base):
    """One typed section of a periodic report (programme, from, to, section)."""

    __tablename__ = "periodic_report_text"
    __table_args__ = (UniqueConstraint("programme_code", "date_from", "date_to", "section"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_code: Mapped[str] = mapped_column(String(32))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
