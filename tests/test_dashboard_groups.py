"""The dashboard's money groups (issue 24): grouped in the covering index's order and
added up in Python, they are the groups the one-pass grouping query gave, and every
figure of the dashboard and the periodic report stays the same."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kcdesk.models import Proposal
from kcdesk.models.db import Database
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import periodic
from kcdesk.services.dashboard import sql as dashboard_sql
from kcdesk.services.dashboard.sql import (
    APPROVED_STATUSES,
    IMPLEMENTED_STATUSES,
    SPENDING_STATUSES,
    ProposalGroup,
)

TODAY = date(2027, 6, 30)
PROGRAMMES = ("CB-2026-2030", "KH-2026-2030", "HD-2023-2025")


def _old_groups(
    session: Session, first_year: int, last_year: int, programme: str | None = None
) -> list[ProposalGroup]:
    """The grouping before issue 24: one GROUP BY on (activity, year, commune, source,
    status), read in the group order (sorted here: PostgreSQL gives no order)."""
    p = Proposal.__table__.c
    commune = func.coalesce(p.commune_code, p.commune)
    conditions = [
        p.plan_year.between(first_year, last_year),
        p.status.in_(sorted(SPENDING_STATUSES)),
    ]
    if programme is not None:
        conditions.append(p.programme == programme)
    query = (
        select(
            p.activity,
            p.plan_year,
            commune,
            p.funding_source,
            p.status,
            func.count(),
            func.coalesce(func.sum(p.approved_support), 0),
            func.coalesce(func.sum(p.disbursed), 0),
        )
        .where(*conditions)
        .group_by(p.activity, p.plan_year, commune, p.funding_source, p.status)
    )
    groups = [
        ProposalGroup(
            a,
            int(y),
            c or "",
            s or "",
            str(st),
            int(n),
            int(sup),
            int(dis),
            str(st) in APPROVED_STATUSES,
            str(st) in IMPLEMENTED_STATUSES,
        )
        for a, y, c, s, st, n, sup, dis in session.execute(query)
    ]
    groups.sort(key=lambda g: (g.activity, g.year, g.commune, g.source, g.status))
    return groups


def _rename_communes(db: Database) -> None:
    """One commune code typed with several names in one group, and proposals not matched
    to the list: the new grouping reads such a group as several rows and adds them up."""
    with db.session() as session:
        p = Proposal.__table__.c
        same = (p.activity, p.plan_year, p.funding_source, p.status, p.programme)
        rows = session.execute(
            select(p.id, p.commune_code, *same)
            .where(p.commune_code.is_not(None), p.status.in_(sorted(SPENDING_STATUSES)))
            .order_by(p.id)
        ).all()
        assert len(rows) >= 12, "the demo has too few counted proposals"
        # Pairs made to share a group: the second takes the first's group and commune
        # code, under another name.
        for n in range(0, 8, 2):
            first, second = rows[n], rows[n + 1]
            session.execute(
                update(Proposal.__table__)
                .where(p.id == second.id)
                .values(
                    commune_code=first.commune_code,
                    commune=f"Tên gõ khác {n}",
                    **{c.name: getattr(first, c.name) for c in same},
                )
            )
        for row in rows[8:12]:
            session.execute(
                update(Proposal.__table__)
                .where(p.id == row.id)
                .values(commune_code=None, commune="Xã chưa khớp")
            )
        session.commit()
        # Some groups are now read as several rows (else the test proves nothing).
        spending = p.status.in_(sorted(SPENDING_STATUSES))
        keys = (p.activity, p.plan_year, p.funding_source, p.status)

        def count(*by: object) -> int:
            rows = select(*keys, *by).where(spending).group_by(*keys, *by).subquery()
            return int(session.execute(select(func.count()).select_from(rows)).scalar_one())

        assert count(p.commune_code, p.commune) > count(func.coalesce(p.commune_code, p.commune))


@pytest.mark.parametrize("renamed", [False, True], ids=["demo", "renamed-communes"])
def test_groups_equal_the_one_pass_grouping(demo_db: Database, renamed: bool) -> None:
    if renamed:
        _rename_communes(demo_db)
    with demo_db.session() as session:
        cases = [(2026, 2030, code) for code in PROGRAMMES[:2]]
        cases += [(2023, 2025, PROGRAMMES[2]), (2027, 2027, PROGRAMMES[0]), (2023, 2030, None)]
        seen = 0
        for first, last, programme in cases:
            new = dashboard_sql.proposal_groups(session, first, last, programme)
            assert new == _old_groups(session, first, last, programme), (first, last, programme)
            seen += len(new)
        assert seen > 0


@pytest.mark.parametrize("renamed", [False, True], ids=["demo", "renamed-communes"])
def test_dashboard_and_periodic_figures_unchanged(
    demo_db: Database, renamed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if renamed:
        _rename_communes(demo_db)

    def figures() -> list[object]:
        out: list[object] = []
        with demo_db.session() as session:
            for code in PROGRAMMES:
                years = (None, 2024) if code.startswith("HD") else (None, 2026, 2027)
                for year in years:
                    out.append(dashboard.compute(session, code, year=year, today=TODAY))
                out.append(
                    periodic.compute_period(session, code, date(2026, 1, 1), date(2027, 6, 30))
                )
        return out

    new = figures()
    monkeypatch.setattr(dashboard, "proposal_groups", _old_groups)
    monkeypatch.setattr(periodic, "proposal_groups", _old_groups)
    assert new == figures()
