"""Warnings of the register's "Cảnh báo" column for a page of rows (cảnh báo theo dòng).

Duplicate support within the span, a dossier received after the deadline and
required papers still missing — the same rules as the "cần chú ý" panel
(``collect``), for the rows on screen only, so a page costs three small queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_date
from kcdesk.models import Document, Proposal
from kcdesk.services.attention.collect import BEFORE_DECISION, dossier_deadline
from kcdesk.services.proposals import register_query as rq


def row_warnings(session: Session, rows: Sequence[rq.RegisterRow]) -> dict[int, list[str]]:
    """Warnings by proposal id (only rows that have some)."""
    out: dict[int, list[str]] = {}
    for pid, codes in rq.duplicate_support(session, [r for r in rows if r.facility_ids]).items():
        out.setdefault(pid, []).append("Hỗ trợ trùng: " + ", ".join(codes))
    ids = [r.id for r in rows]
    if not ids:
        return out
    open_ids = set(
        session.scalars(
            select(Proposal.id).where(Proposal.id.in_(ids), Proposal.status.in_(BEFORE_DECISION))
        )
    )
    deadlines: dict[int, date] = {}
    for pid, year, received in session.execute(
        select(Proposal.id, Proposal.plan_year, Proposal.received_date).where(
            Proposal.id.in_(open_ids), Proposal.received_date.is_not(None)
        )
    ):
        if year not in deadlines:
            deadlines[year] = dossier_deadline(session, year)
        if received > deadlines[year]:
            out.setdefault(pid, []).append(
                f"Nộp muộn ({format_date(received)}, hạn {format_date(deadlines[year])})"
            )
    for pid, missing in session.execute(
        select(Document.proposal_id, func.count())
        .where(
            Document.proposal_id.in_(open_ids),
            Document.required.is_(True),
            Document.received.is_(False),
        )
        .group_by(Document.proposal_id)
    ):
        out.setdefault(pid, []).append(f"Thiếu {missing} giấy tờ")
    return out
