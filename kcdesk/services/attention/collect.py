"""What needs attention (cần chú ý): late dossiers, long waits, missing documents.

- late dossier: received after the dossier deadline (setting ``deadline.dossier``,
  "30-06" of the year before the plan year) and not yet decided;
- waiting too long: in one status for more than ``deadline.status_days`` days
  (statuses where the file waits for someone; not while it is being implemented,
  nor after a final decision);
- missing documents: a required dossier document not received, before approval.

Overdue settlements come from ``attention.settlement``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_date
from kcdesk.models import Document, Proposal
from kcdesk.models import ProposalStatus as S
from kcdesk.services.attention import catalogue_deadline, settlement, unassigned_outputs
from kcdesk.services.attention.item import KIND_LABELS, AttentionItem
from kcdesk.services.core import settings
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.scope import visible_proposals_clause

log = logging.getLogger(__name__)

# Before the decision on the catalogue: a dossier can still be late or incomplete.
BEFORE_DECISION = (
    S.RECEIVED,
    S.FORWARDED,
    S.RETURNED,
    S.DOSSIER_COMPLETE,
    S.AWAITING_APPRAISAL,
    S.APPRAISED,
    S.SUBMITTED,
)
# Statuses in which a proposal waits for someone to act.
WAITING = (*BEFORE_DECISION, S.APPROVED, S.ACCEPTED)
LIMIT_PER_KIND = 500


def dossier_deadline(session: Session, plan_year: int) -> date:
    day, month = settings.day_month(str(settings.get(session, "deadline.dossier")))
    return date(plan_year - 1, month, day)


def _open_status(statuses: tuple[S, ...]) -> ColumnElement[bool]:
    """``status IN statuses`` as a filter the database does not answer from a status
    index: the per-year queries below must walk ``ix_proposal_plan_year_code`` in code
    order and stop at their limit, and SQLite (no statistics) otherwise picks a status
    index and sorts every match. Same rows on both engines."""
    return case((Proposal.status.in_(statuses), 1), else_=0) == 1


def _years_newest_first(session: Session) -> Iterator[int]:
    """The plan years that have proposals, newest first (one index seek each)."""
    year = session.scalar(select(func.max(Proposal.plan_year)))
    while year is not None:
        yield int(year)
        year = session.scalar(select(func.max(Proposal.plan_year)).where(Proposal.plan_year < year))


def _newest_years_first(
    session: Session, query: Callable[[int, int], Select[Any]], limit: int
) -> list[Row[Any]]:
    """``query(year, n)``'s rows, year by year from the newest, until ``limit`` rows:
    what ``ORDER BY plan_year DESC, code LIMIT …`` returns, but each year's query walks
    ``ix_proposal_plan_year_code`` in code order and stops at its limit, where the one
    query sorted the newest year's proposals whole (issue 24)."""
    out: list[Row[Any]] = []
    for year in _years_newest_first(session):
        out += session.execute(query(year, limit - len(out))).all()
        if len(out) >= limit:
            break
    return out


def late_dossiers(session: Session, actor: Actor | None = None) -> list[AttentionItem]:
    deadlines: dict[int, date] = {}

    def late_in(year: int, limit: int) -> Select[Any]:
        deadlines[year] = dossier_deadline(session, year)
        return (
            select(Proposal.code, Proposal.plan_year, Proposal.received_date)
            .where(
                # Each open status, this year, received after the deadline: a range of
                # ix_proposal_status_year_received, so only the late dossiers are read
                # (the year's code order read every open dossier when fewer than the
                # limit were late: 0.3 s at 100,000 proposals, finding none).
                Proposal.status.in_(BEFORE_DECISION),
                Proposal.plan_year == year,
                Proposal.received_date.is_not(None),
                Proposal.received_date > deadlines[year],
                visible_proposals_clause(actor),
            )
            # ``code || ''``: the same order, not one read from an index, so SQLite
            # keeps to the range above (with the code order at hand it walked the year).
            .order_by(Proposal.code.concat(""))
            .limit(limit)
        )

    out: list[AttentionItem] = []
    for code, year, received in _newest_years_first(session, late_in, LIMIT_PER_KIND):
        deadline = deadlines[year]
        late = (received - deadline).days
        out.append(
            AttentionItem(
                "late_dossier",
                code,
                f"Hồ sơ nộp ngày {format_date(received)}, sau hạn {format_date(deadline)} "
                f"({late} ngày).",
                received,
                2,
            )
        )
    return out


def long_waits(session: Session, today: date, actor: Actor | None = None) -> list[AttentionItem]:
    days = int(settings.get(session, "deadline.status_days"))
    limit_at = datetime.combine(today - timedelta(days=days), time.min)
    # One query per status, each reading ix_proposal_status_changed from the oldest
    # change and stopping at the limit; the one query with ``status IN (…)`` sorted every
    # waiting proposal (issue 24). Merged oldest first, the code breaking ties.
    rows: list[Row[Any]] = []
    for waiting in WAITING:
        rows += session.execute(
            select(Proposal.code, Proposal.status, Proposal.status_changed_at)
            .where(
                Proposal.status == waiting,
                Proposal.status_changed_at < limit_at,
                visible_proposals_clause(actor),
            )
            .order_by(Proposal.status_changed_at, Proposal.code)
            .limit(LIMIT_PER_KIND)
        ).all()
    rows = sorted(rows, key=lambda row: (row[2], row[0]))[:LIMIT_PER_KIND]
    return [
        AttentionItem(
            "long_wait",
            code,
            f"Ở trạng thái '{status.label}' từ {format_date(at.date())} "
            f"({(today - at.date()).days} ngày, quá {days} ngày).",
            at.date(),
            3 if (today - at.date()).days > 2 * days else 2,
        )
        for code, status, at in rows
    ]


def missing_documents(session: Session, actor: Actor | None = None) -> list[AttentionItem]:
    missing = and_(
        Document.proposal_id == Proposal.id,
        Document.required.is_(True),
        Document.received.is_(False),
    )

    def missing_in(year: int, limit: int) -> Select[Any]:
        return (
            select(Proposal.id, Proposal.code)
            .where(
                Proposal.plan_year == year,
                _open_status(BEFORE_DECISION),
                exists().where(missing),
                visible_proposals_clause(actor),
            )
            .order_by(Proposal.code)
            .limit(limit)
        )

    proposals = _newest_years_first(session, missing_in, LIMIT_PER_KIND)
    if not proposals:
        return []
    labels: dict[int, list[str]] = {}
    for pid, label in session.execute(
        select(Document.proposal_id, Document.label)
        .where(
            Document.proposal_id.in_([pid for pid, _ in proposals]),
            Document.required.is_(True),
            Document.received.is_(False),
        )
        .order_by(Document.proposal_id, Document.position)
    ):
        labels.setdefault(pid, []).append(label)
    return [
        AttentionItem(
            "missing_documents",
            code,
            f"Thiếu {len(labels.get(pid, []))} giấy tờ bắt buộc: " + "; ".join(labels.get(pid, [])),
            None,
            2,
        )
        for pid, code in proposals
    ]


def collect(session: Session, today: date, actor: Actor | None = None) -> list[AttentionItem]:
    """Everything that needs attention, most urgent first."""
    items = [
        *long_waits(session, today, actor),
        *late_dossiers(session, actor),
        *missing_documents(session, actor),
        *settlement.items(session, today),
        *catalogue_deadline.items(session, today),
        *unassigned_outputs.items(session),
    ]
    return sorted(items, key=lambda i: (-i.severity, i.kind, i.code))


__all__ = ["KIND_LABELS", "AttentionItem", "collect"]
