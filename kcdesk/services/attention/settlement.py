"""Cần chú ý: settlement papers overdue (hồ sơ quyết toán quá hạn).

Settlement is due by the setting ``deadline.settlement`` ("22-01") of the year after
the proposal ends — the plan year, or the end month's year of a multi-year proposal
(khoản 2 Điều 18 Thông tư 36/2013/TT-BCT) — and the settlement dossier at the latest
15 days after the acceptance (khoản 1 Điều 18). A proposal approved, implementing or
accepted after its due day is overdue.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, case, select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_date, format_money
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.services.attention.item import AttentionItem
from kcdesk.services.implementation.views import (
    DAYS_AFTER_ACCEPTANCE,
    acceptance_dates,
    settlement_due,
)

S = ProposalStatus
KIND = "settlement_overdue"
# Not yet settled, still expected to be: stopped proposals close otherwise.
OPEN = (S.APPROVED, S.IMPLEMENTING, S.ACCEPTED)
LIMIT = 500


BATCH = 1000


def _open_rows(session: Session, today: date) -> Iterator[Sequence[Row[Any]]]:
    """The proposals still expected to settle, by plan year and code, a batch at a time:
    the panel shows the first :data:`LIMIT` overdue ones, and the oldest years are
    overdue first, so reading stops long before the end of a large database."""
    after: tuple[int, str] | None = None
    while True:
        stmt = select(
            Proposal.id,
            Proposal.code,
            Proposal.plan_year,
            Proposal.end_month,
            Proposal.status,
            Proposal.approved_support,
            Proposal.disbursed,
        ).where(
            # Through a CASE, so SQLite (no statistics) walks ix_proposal_plan_year_code
            # in order and stops at the batch, instead of sorting every open proposal
            # found through a status index (issue 24). Accepted: due 15 days after
            # acceptance, whatever the year.
            case(
                (Proposal.status == S.ACCEPTED, 1),
                (Proposal.status.in_(OPEN) & (Proposal.plan_year < today.year), 1),
                else_=0,
            )
            == 1,
        )
        if after is not None:
            year, code = after
            stmt = stmt.where(
                (Proposal.plan_year > year)
                | ((Proposal.plan_year == year) & (Proposal.code > code))
            )
        rows = session.execute(stmt.order_by(Proposal.plan_year, Proposal.code).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        if len(rows) < BATCH:
            return
        after = (rows[-1][2], rows[-1][1])


def items(session: Session, today: date) -> list[AttentionItem]:
    out: list[AttentionItem] = []
    # The due day without an acceptance, by plan year and end month: one settings read
    # per distinct case (the acceptance dates are nearly all distinct).
    dues: dict[tuple[int, date | None], date] = {}
    for rows in _open_rows(session, today):
        accepted = acceptance_dates(session, [r[0] for r in rows if r[4] is S.ACCEPTED])
        for pid, code, year, end_month, status, approved, disbursed in rows:
            if (year, end_month) not in dues:
                dues[(year, end_month)] = settlement_due(session, year, end_month)
            key = (year, end_month, accepted.get(pid))
            due = dues[(year, end_month)]
            if key[2] is not None:  # as settlement_due: 15 days after, when that is sooner
                due = min(due, key[2] + timedelta(days=DAYS_AFTER_ACCEPTANCE))
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
                    KIND,
                    code,
                    f"Chưa quyết toán, hạn nộp hồ sơ {format_date(due)} ({rule}) đã qua "
                    f"{late} ngày (trạng thái '{status.label}'; đã chi "
                    f"{format_money(disbursed)} / {format_money(approved or 0)} đồng).",
                    due,
                    3,
                )
            )
            if len(out) >= LIMIT:
                return out
    return out
