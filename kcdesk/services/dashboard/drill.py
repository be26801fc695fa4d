"""The proposals behind a number of the dashboard (danh sách đề án của một số liệu).

Every figure of :mod:`kcdesk.services.dashboard.board` can be opened into the proposals
it adds up, with each proposal's share: the same counting rules, applied per row,
so the quantities listed sum to the figure shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kcdesk.models import OutputMeasure, Programme, Proposal
from kcdesk.services.core.errors import NotFoundError
from kcdesk.services.dashboard.board import is_tracked, scope_years
from kcdesk.services.dashboard.sql import (
    APPROVED_STATUSES,
    IMPLEMENTED_STATUSES,
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


def _leaves(programme: Programme, code: str) -> list[str]:
    """The target itself and, for a target made of parts, every part below it."""
    by_code = {t.code: t for t in programme.targets}
    out: list[str] = []
    stack = [code]
    while stack:
        current = stack.pop()
        if current in out:
            continue
        out.append(current)
        target = by_code.get(current)
        if target is not None:
            stack.extend(reversed(list(target.parts or [])))
    return out


def proposals_for_target(
    session: Session,
    programme_code: str,
    target_code: str,
    *,
    stage: Stage = "approved",
    year: int | None = None,
) -> list[DrillRow]:
    """Proposals counting toward ``target_code``, each with its quantity (> 0 only).

    A proposal counts what it recorded against the target (or, for a target made of
    parts, against its parts): the quantities listed add up to the dashboard's figure.
    """
    programme = programmes.get_programme(session, programme_code)
    target = next((t for t in programme.targets if t.code == target_code), None)
    if target is None:
        raise NotFoundError(f"Chương trình {programme_code} không có chỉ tiêu mã {target_code}.")
    if not is_tracked(target):
        return []
    first, last = scope_years(programme, year)
    p = Proposal.__table__.c
    o = OutputMeasure.__table__.c
    implemented = stage == "implemented"
    value = func.coalesce(func.sum(o.achieved if implemented else o.planned), 0)
    query = (
        select(
            p.code,
            p.title,
            p.plan_year,
            p.activity,
            p.commune,
            p.status,
            value,
            p.approved_support,
            p.disbursed,
        )
        .select_from(Proposal.__table__.join(OutputMeasure.__table__, o.proposal_id == p.id))
        .where(
            p.programme == programme.code,
            p.plan_year.between(first, last),
            p.status.in_(_statuses(stage)),
            o.target.in_(_leaves(programme, target.code)),
        )
        .group_by(p.id)
        .order_by(p.plan_year, p.code)
    )
    rows: list[DrillRow] = []
    for r in session.execute(query):
        quantity = int(r[6] or 0)
        if quantity <= 0:
            continue
        rows.append(
            DrillRow(
                code=r[0],
                title=r[1],
                plan_year=int(r[2]),
                activity=r[3],
                commune=r[4] or "",
                status=str(r[5]),
                quantity=quantity,
                approved_support=int(r[7] or 0),
                disbursed=int(r[8] or 0),
            )
        )
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
    ).where(
        p.programme == programme.code,
        p.plan_year.between(first, last),
        p.status.in_(statuses),
    )
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
