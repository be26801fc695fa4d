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
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, distinct, exists, or_, select
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


def late_dossiers(session: Session, actor: Actor | None = None) -> list[AttentionItem]:
    # Late means received after the deadline of its own plan year: one condition per
    # plan year, so the database returns only the late ones (not every open dossier).
    open_dossier = and_(
        Proposal.status.in_(BEFORE_DECISION),
        Proposal.received_date.is_not(None),
        visible_proposals_clause(actor),
    )
    years = sorted(
        int(y) for y in session.scalars(select(distinct(Proposal.plan_year)).where(open_dossier))
    )
    if not years:
        return []
    deadlines = {year: dossier_deadline(session, year) for year in years}
    rows = session.execute(
        select(Proposal.code, Proposal.plan_year, Proposal.received_date)
        .where(
            open_dossier,
            or_(
                *(
                    and_(Proposal.plan_year == year, Proposal.received_date > deadline)
                    for year, deadline in deadlines.items()
                )
            ),
        )
        .order_by(Proposal.plan_year.desc(), Proposal.code)
        .limit(LIMIT_PER_KIND)
    ).all()
    out: list[AttentionItem] = []
    for code, year, received in rows:
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
    rows = session.execute(
        select(Proposal.code, Proposal.status, Proposal.status_changed_at)
        .where(
            Proposal.status.in_(WAITING),
            Proposal.status_changed_at < limit_at,
            visible_proposals_clause(actor),
        )
        .order_by(Proposal.status_changed_at)
        .limit(LIMIT_PER_KIND)
    ).all()
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
    proposals = session.execute(
        select(Proposal.id, Proposal.code)
        .where(
            Proposal.status.in_(BEFORE_DECISION),
            exists().where(missing),
            visible_proposals_clause(actor),
        )
        .order_by(Proposal.plan_year.desc(), Proposal.code)
        .limit(LIMIT_PER_KIND)
    ).all()
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
