"""The "cần chú ý" panel computed in SQL (issue 24) lists the same items, in the same
order, with the same messages as the old collection that read every candidate proposal
into Python (``tests/attention_reference.py``), on the demo data of both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import Proposal, ProposalStatus, Role
from kcdesk.models.db import Database
from kcdesk.services.attention import collect as attention
from kcdesk.services.attention import settlement, unassigned_outputs
from kcdesk.services.security.actor import Actor
from tests import attention_reference as reference
from tests.dashboard_support import add_proposal

S = ProposalStatus
DAYS = (date(2026, 3, 1), date(2027, 6, 30), date(2028, 2, 1), date(2030, 1, 1))


def _add_unassigned(db: Database) -> None:
    """Outputs three targets of the programme could count, left untargeted."""
    with db.session() as s:
        for year, status in ((2029, S.APPROVED), (2030, S.ACCEPTED), (2030, S.RECEIVED)):
            add_proposal(
                s,
                year=year,
                activity="binh_chon_san_pham",
                status=status,
                programme="CB-2026-2030",
                outputs={"products": (4, None)},
            )


def _make_late(db: Database) -> None:
    """Every third open dossier received after its deadline (30-06 of the year before)."""
    with db.session() as s:
        open_ = s.scalars(
            select(Proposal)
            .where(Proposal.status.in_(attention.BEFORE_DECISION))
            .order_by(Proposal.id)
        ).all()
        for n, proposal in enumerate(open_[::3]):
            proposal.received_date = date(proposal.plan_year - 1, 7 + n % 5, 1 + n % 28)


def _busiest_office(session: Session) -> str:
    return str(
        session.execute(
            select(Proposal.office_code)
            .group_by(Proposal.office_code)
            .order_by(func.count().desc(), Proposal.office_code)
            .limit(1)
        ).scalar_one()
    )


def _limited(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    monkeypatch.setattr(attention, "LIMIT_PER_KIND", limit)
    monkeypatch.setattr(settlement, "LIMIT", limit)
    monkeypatch.setattr(settlement, "BATCH", 2)  # several batches on the demo data
    monkeypatch.setattr(unassigned_outputs, "LIMIT", limit)


@pytest.mark.parametrize("limit", [500, 7, 1])
def test_same_items_as_the_reference(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    _add_unassigned(demo_db)
    _make_late(demo_db)
    _limited(monkeypatch, limit)
    kinds: set[str] = set()
    with demo_db.session() as s:
        for today in DAYS:
            new = attention.collect(s, today)
            assert new == reference.collect(s, today, limit=limit), today
            kinds |= {i.kind for i in new}
            office = Actor("clerk", Role.OFFICE_CLERK, office_code=_busiest_office(s))
            assert attention.collect(s, today, office) == reference.collect(
                s, today, office, limit=limit
            )
    # Every kind the SQL now filters was compared on something, not on empty lists.
    assert {"late_dossier", "settlement_overdue", "target_unassigned"} <= kinds


def test_an_output_already_targeted_is_not_listed(db: Database) -> None:
    with db.session() as s:
        add_proposal(
            s,
            year=2027,
            activity="binh_chon_san_pham",
            status=S.APPROVED,
            programme="CB-2026-2030",
            outputs={"products": (4, None)},
            targets={"II.2-7": (4, None)},
        )
    with db.session() as s:
        assert unassigned_outputs.items(s) == []
        assert reference.unassigned_items(s) == []
