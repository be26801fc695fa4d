"""The "cần chú ý" collection as it was before issue 24 (every candidate proposal read
into Python, then filtered): kept as the reference the faster SQL must equal."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_date, format_money
from kcdesk.models import Document, Proposal
from kcdesk.services.attention import catalogue_deadline
from kcdesk.services.attention.collect import BEFORE_DECISION, WAITING, dossier_deadline
from kcdesk.services.attention.item import AttentionItem
from kcdesk.services.attention.settlement import OPEN, S
from kcdesk.services.core import settings
from kcdesk.services.forms.load import load_measures
from kcdesk.services.implementation.views import (
    DAYS_AFTER_ACCEPTANCE,
    acceptance_dates,
    settlement_due,
)
from kcdesk.services.programmes import membership
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.scope import visible_proposals_clause

# The old limits; ``collect(limit=…)`` lowers them to exercise the cut-off.
LIMIT_PER_KIND = LIMIT = 500


def late_dossiers(session: Session, actor: Actor | None = None) -> list[AttentionItem]:
    rows = session.execute(
        select(Proposal.code, Proposal.plan_year, Proposal.received_date)
        .where(
            Proposal.status.in_(BEFORE_DECISION),
            Proposal.received_date.is_not(None),
            visible_proposals_clause(actor),
        )
        .order_by(Proposal.plan_year.desc(), Proposal.code)
    ).all()
    out: list[AttentionItem] = []
    deadlines: dict[int, date] = {}
    for code, year, received in rows:
        if year not in deadlines:
            deadlines[year] = dossier_deadline(session, year)
        deadline = deadlines[year]
        if received > deadline:
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
            if len(out) >= LIMIT_PER_KIND:
                break
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
        # The code breaks ties (one change time for several proposals): the old order
        # left them to the database, so the cut at the limit was not deterministic.
        .order_by(Proposal.status_changed_at, Proposal.code)
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


def settlement_items(session: Session, today: date) -> list[AttentionItem]:
    rows = session.execute(
        select(
            Proposal.id,
            Proposal.code,
            Proposal.plan_year,
            Proposal.end_month,
            Proposal.status,
            Proposal.approved_support,
            Proposal.disbursed,
        )
        # Accepted: due 15 days after acceptance, whatever the year.
        .where(
            Proposal.status.in_(OPEN),
            (Proposal.plan_year < today.year) | (Proposal.status == S.ACCEPTED),
        )
        .order_by(Proposal.plan_year, Proposal.code)
    ).all()
    accepted = acceptance_dates(session, [r[0] for r in rows if r[4] is S.ACCEPTED])
    out: list[AttentionItem] = []
    dues: dict[tuple[int, date | None, date | None], date] = {}
    for pid, code, year, end_month, status, approved, disbursed in rows:
        key = (year, end_month, accepted.get(pid))
        if key not in dues:  # one settings read per distinct case, not per row
            dues[key] = settlement_due(session, *key)
        due = dues[key]
        if today <= due:
            continue
        late = (today - due).days
        rule = (
            "15 ngày sau nghiệm thu, khoản 1 Điều 18 Thông tư 36/2013/TT-BCT"
            if key[2] is not None and due == key[2] + timedelta(days=DAYS_AFTER_ACCEPTANCE)
            else "khoản 2 Điều 18 Thông tư 36/2013/TT-BCT"
        )
        out.append(
            AttentionItem(
                "settlement_overdue",
                code,
                f"Chưa quyết toán, hạn nộp hồ sơ {format_date(due)} ({rule}) đã qua {late} ngày "
                f"(trạng thái '{status.label}'; đã chi {format_money(disbursed)} / "
                f"{format_money(approved or 0)} đồng).",
                due,
                3,
            )
        )
        if len(out) >= LIMIT:
            break
    return out


def unassigned_items(session: Session) -> list[AttentionItem]:
    measures = load_measures()
    out: list[AttentionItem] = []
    for programme in membership.centre_programmes(session):
        for row in membership.unassigned(session, programme.code):
            label = measures[row.measure].label if row.measure in measures else row.measure
            out.append(
                AttentionItem(
                    "target_unassigned",
                    row.proposal_code,
                    f"Kết quả «{label}» ({row.planned}) chưa tính vào chỉ tiêu nào của chương "
                    f"trình {programme.code}: chọn một trong {', '.join(row.candidates)} "
                    f"(kcdesk programme assign {row.proposal_code} {row.measure} MÃ_CHỈ_TIÊU).",
                    None,
                    1,
                )
            )
            if len(out) >= LIMIT:
                return out
    return out


def collect(
    session: Session, today: date, actor: Actor | None = None, limit: int = 500
) -> list[AttentionItem]:
    global LIMIT_PER_KIND, LIMIT
    LIMIT_PER_KIND = LIMIT = limit
    items = [
        *long_waits(session, today, actor),
        *late_dossiers(session, actor),
        *missing_documents(session, actor),
        *settlement_items(session, today),
        *catalogue_deadline.items(session, today),
        *unassigned_items(session),
    ]
    return sorted(items, key=lambda i: (-i.severity, i.kind, i.code))
