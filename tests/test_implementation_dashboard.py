"""The dashboard counts implemented outputs and disbursed money from these records."""

from __future__ import annotations

import functools
from datetime import date

from kcdesk.models.db import Database
from kcdesk.models.implementation import DisbursementKind
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.implementation import acceptance, money
from kcdesk.services.implementation import progress as impl
from kcdesk.services.proposals.lookup import get_proposal
from kcdesk.services.security.actor import SYSTEM
from tests.implementation_support import all_evidence
from tests.implementation_support import make_proposal as _make_proposal

# Machinery advances need a progress report above 70 % (Điều 13 TT 36/2013, issue 18):
# these proposals have one on file, so the tests reach the ceilings they check.
make_proposal = functools.partial(_make_proposal, progress=75)

PROGRAMME = "CB-2026-2030"


def figures(db: Database) -> tuple[int, int | None, int | None, int]:
    with db.session() as session:
        d = dashboard.compute(session, PROGRAMME, today=date(2026, 12, 31))
        row_2026 = next(r for r in d.by_year if r.key == "2026")
        return (
            d.budget.disbursed,
            d.target("IV.3.c").implemented,
            d.target("II.2-4").implemented,
            row_2026.disbursed,
        )


def test_dashboard_reads_disbursed_money_and_achieved_outputs(db: Database) -> None:
    before = figures(db)
    with db.session() as session:
        # Outputs recorded against the programme's targets (issue 18).
        p = make_proposal(
            session,
            approved=100_000_000,
            plan_year=2026,
            programme=PROGRAMME,
            targets={"facilities": "IV.3.c", "jobs": "II.2-4"},
        )
        planned_jobs = next(o.planned for o in p.outputs if o.measure == "jobs")
        money.add_disbursement(
            session,
            SYSTEM,
            p,
            kind=DisbursementKind.ADVANCE,
            amount=70_000_000,
            paid_on=date(2026, 4, 1),
        )
    after_advance = figures(db)
    assert after_advance[0] == before[0] + 70_000_000
    assert after_advance[3] == before[3] + 70_000_000
    assert after_advance[1:3] == before[1:3]  # nothing implemented before acceptance

    with db.session() as session:
        p = get_proposal(session, "ĐA-2026-001")
        impl.start(session, SYSTEM, p)
        all_evidence(session, p)
        achieved = {acceptance.output_key(o): o.planned for o in p.outputs}
        achieved["IV.3.c"] = 1
        achieved["II.2-4"] = planned_jobs + 5
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="1/BB",
            achieved=achieved,
        )
        money.add_disbursement(
            session,
            SYSTEM,
            p,
            kind=DisbursementKind.SETTLEMENT,
            amount=30_000_000,
            paid_on=date(2026, 12, 1),
        )
    after = figures(db)
    assert after[0] == before[0] + 100_000_000
    assert after[1] == (before[1] or 0) + 1
    assert after[2] == (before[2] or 0) + planned_jobs + 5
