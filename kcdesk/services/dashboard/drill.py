"""The proposals behind a number of the dashboard (danh sách đề án của một số liệu).

Every figure of :mod:`kcdesk.services.dashboard.board` can be opened into the proposals
it adds up, with each proposal's share: the same counting rules, applied per row,
so the quantities listed sum to the figure shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kcdesk.models import OutputMeasure, Proposal, ProposalFacility
from kcdesk.services.core.errors import NotFoundError
from kcdesk.services.dashboard.board import is_tracked, scope_years
from kcdesk.services.dashboard.sql import (
    APPROVED_STATUSES,
    FACILITIES,
    IMPLEMENTED_STATUSES,
    PROPOSALS,
    SPENDING_STATUSES,
)
from kcdesk.services.programmes import store as programmes

Stage = Literal["approved", "implemented"]


@dataclass(frozen=True)
class DrillRow:
    """One proposal and what it contributes (quantity of the target's measure, money)."""

    code: str
    title: str
    plan_year: int
    activity: str
    commune: str
    status: str
    quantity: int | None
    approved_support: int
    disbursed: int


def _statuses(stage: Stage) -> list[str]:
    return sorted(IMPLEMENTED_STATUSES if stage == "implemented" else APPROVED_STATUSES)


def proposals_for_target(
    session: Session,
    programme_code: str,
    target_code: str,
    *,
    stage: Stage = "approved",
    year: int | None = None,
) -> list[DrillRow]:
    """Proposals counting toward ``target_code``, each with its quantity (> 0 only)."""
    programme = programmes.get_programme(session, programme_code)
    target = next((t for t in programme.targets if t.code == target_code), None)
    if target is None:
        raise NotFoundError(f"Chương trình {programme_code} không có chỉ tiêu mã {target_code}.")
    if not is_tracked(target):
        return []
    first, last = scope_years(programme, year)
    p = Proposal.__table__.c
    o = OutputMeasure.__table__.c
    f = ProposalFacility.__table__.c
    implemented = stage == "implemented"
    value = o.achieved if implemented else o.planned
    linked = (
        select(func.count()).where(f.proposal_id == p.id).correlate(Proposal.__table__)
    ).scalar_subquery()
    query = (
        select(
            p.code,
            p.title,
            p.plan_year,
            p.activity,
            p.commune,
            p.status,
            value,
            o.id,
            linked,
            p.approved_support,
            p.disbursed,
        )
        .select_from(
            Proposal.__table__.outerjoin(
                OutputMeasure.__table__, and_(o.proposal_id == p.id, o.measure == target.measure)
            )
        )
        .where(
            p.plan_year.between(first, last),
            p.status.in_(_statuses(stage)),
            p.activity.in_(sorted(set(target.activities))),
        )
        .order_by(p.plan_year, p.code)
    )
    rows: list[DrillRow] = []
    for r in session.execute(query):
        if target.measure == PROPOSALS:
            quantity = 1
        elif target.measure == FACILITIES and r[7] is None:
            quantity = int(r[8])
        else:
            quantity = int(r[6] or 0)
        if quantity <= 0:
            continue
        rows.append(_row(tuple(r), quantity))
    return rows


def proposals_for(
    session: Session,
    programme_code: str,
    *,
    year: int | None = None,
    activity: str | None = None,
    commune: str | None = None,
    stage: Literal["approved", "implemented", "spending"] = "approved",
) -> list[DrillRow]:
    """Proposals behind a money figure: a bar by year, activity or commune.

    ``stage="spending"`` also lists proposals stopped after approval, whose
    disbursed money the budget counts.
    """
    programme = programmes.get_programme(session, programme_code)
    first, last = scope_years(programme, year)
    statuses = sorted(SPENDING_STATUSES) if stage == "spending" else _statuses(stage)
    p = Proposal.__table__.c
    query = select(
        p.code,
        p.title,
        p.plan_year,
        p.activity,
        p.commune,
        p.status,
        p.approved_support,
        p.disbursed,
    ).where(p.plan_year.between(first, last), p.status.in_(statuses))
    if activity is not None:
        query = query.where(p.activity == activity)
    if commune is not None:
        # the key of a "Theo xã" bar: an official code, or text not matched yet
        query = query.where(
            p.commune_code == commune
            if commune.isdigit()
            else and_(p.commune_code.is_(None), p.commune == commune)
        )
    return [
        DrillRow(
            code=r[0],
            title=r[1],
            plan_year=int(r[2]),
            activity=r[3],
            commune=r[4] or "",
            status=str(r[5]),
            quantity=None,
            approved_support=int(r[6] or 0),
            disbursed=int(r[7] or 0),
        )
        for r in session.execute(query.order_by(p.plan_year, p.code))
    ]


def _row(row: Sequence[Any], quantity: int) -> DrillRow:
    return DrillRow(
        code=row[0],
        title=row[1],
        plan_year=int(row[2]),
        activity=row[3],
        commune=row[4] or "",
        status=str(row[5]),
        quantity=quantity,
        approved_support=int(row[9] or 0),
        disbursed=int(row[10] or 0),
    )
