"""Cần chú ý: settlement papers overdue (hồ sơ quyết toán quá hạn).

Settlement is due by the setting ``deadline.settlement`` ("22-01") of the year after
the plan year (khoản 2 Điều 18 Thông tư 36/2013/TT-BCT). A proposal approved,
implementing or accepted after that day is overdue.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.formatting import format_date, format_money
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.services.attention.item import AttentionItem
from kcdesk.services.implementation.views import settlement_due

S = ProposalStatus
KIND = "settlement_overdue"
# Not yet settled, still expected to be: stopped proposals close otherwise.
OPEN = (S.APPROVED, S.IMPLEMENTING, S.ACCEPTED)
LIMIT = 500


def items(session: Session, today: date) -> list[AttentionItem]:
    rows = session.execute(
        select(
            Proposal.code,
            Proposal.plan_year,
            Proposal.status,
            Proposal.approved_support,
            Proposal.disbursed,
        )
        .where(Proposal.status.in_(OPEN), Proposal.plan_year < today.year)
        .order_by(Proposal.plan_year, Proposal.code)
    ).all()
    out: list[AttentionItem] = []
    dues: dict[int, date] = {}
    for code, year, status, approved, disbursed in rows:
        if year not in dues:  # one settings read per plan year, not per row
            dues[year] = settlement_due(session, year)
        due = dues[year]
        if today <= due:
            continue
        late = (today - due).days
        out.append(
            AttentionItem(
                KIND,
                code,
                f"Chưa quyết toán, hạn nộp hồ sơ {format_date(due)} đã qua {late} ngày "
                f"(trạng thái '{status.label}'; đã chi {format_money(disbursed)} / "
                f"{format_money(approved or 0)} đồng).",
                due,
                3,
            )
        )
        if len(out) >= LIMIT:
            break
    return out
