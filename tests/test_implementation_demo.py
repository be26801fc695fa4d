"""Demo implementation records agree with the statuses and the rules; overdue settlements."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.models.implementation import Acceptance, Disbursement, DisbursementKind, Settlement
from kcdesk.services.attention import collect as attention
from kcdesk.services.attention import settlement as overdue
from kcdesk.services.core import settings
from kcdesk.services.implementation import acceptance
from kcdesk.services.implementation import progress as impl
from kcdesk.services.security.actor import SYSTEM
from tests.implementation_support import make_proposal, outputs_for

S = ProposalStatus


def test_demo_records_match_statuses_and_rules(demo_db: Database) -> None:
    with demo_db.session() as session:
        proposals = session.scalars(select(Proposal)).all()
        sums = dict(
            session.execute(
                select(Disbursement.proposal_id, func.sum(Disbursement.amount)).group_by(
                    Disbursement.proposal_id
                )
            ).all()
        )
        advances = dict(
            session.execute(
                select(Disbursement.proposal_id, func.sum(Disbursement.amount))
                .where(Disbursement.kind == DisbursementKind.ADVANCE)
                .group_by(Disbursement.proposal_id)
            ).all()
        )
        accepted = set(session.scalars(select(Acceptance.proposal_id)))
        settled = {s.proposal_id: s for s in session.scalars(select(Settlement))}
        seen = {s: 0 for s in (S.IMPLEMENTING, S.ACCEPTED, S.SETTLED)}
        ready = []
        for p in proposals:
            assert p.disbursed == sums.get(p.id, 0), p.code
            approved = p.approved_support or 0
            assert p.disbursed <= approved, p.code
            assert advances.get(p.id, 0) * 100 <= approved * 70, p.code
            if p.status in seen:
                seen[p.status] += 1
            if p.status in (S.ACCEPTED, S.SETTLED):
                assert p.id in accepted, p.code
                assert all(o.achieved is not None for o in p.outputs), p.code
                assert not impl.missing_evidence(session, p), p.code
            else:
                assert p.id not in accepted, p.code
            if p.status is S.SETTLED:
                assert settled[p.id].final_amount == approved == p.disbursed, p.code
            else:
                assert p.id not in settled, p.code
            ready_now = p.status is S.IMPLEMENTING and p.disbursed == 0
            if ready_now and not impl.missing_evidence(session, p):
                ready.append(p)
        assert all(seen.values()), seen
        assert ready, "no implementing proposal ready for acceptance"
        # One of them goes through acceptance with the service, no extra input needed.
        p = ready[0]
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 20),
            minutes_no="99/BB-NT",
            achieved=outputs_for(p),
        )
        assert p.status is S.ACCEPTED


def test_overdue_settlement_appears_the_day_after_the_deadline(db: Database) -> None:
    with db.session() as session:
        make_proposal(session, code="ĐA-2025-001", plan_year=2025, status=S.IMPLEMENTING)
        make_proposal(session, code="ĐA-2025-002", plan_year=2025, status=S.ACCEPTED)
        make_proposal(session, code="ĐA-2025-003", plan_year=2025, status=S.SETTLED)
        make_proposal(session, code="ĐA-2025-004", plan_year=2025, status=S.STOPPED)
        make_proposal(session, code="ĐA-2026-001", plan_year=2026, status=S.IMPLEMENTING)
        assert overdue.items(session, date(2026, 1, 22)) == []
        items = overdue.items(session, date(2026, 1, 23))
        assert [i.code for i in items] == ["ĐA-2025-001", "ĐA-2025-002"]
        assert all(i.kind == "settlement_overdue" and i.severity == 3 for i in items)
        assert items[0].since == date(2026, 1, 22)
        assert "22/01/2026" in items[0].message and "1 ngày" in items[0].message
        assert "100.000.000" in items[0].message
        # The panel collects them with the register's own items.
        collected = attention.collect(session, date(2026, 1, 23))
        assert {"ĐA-2025-001", "ĐA-2025-002"} <= {
            i.code for i in collected if i.kind == "settlement_overdue"
        }
        # A province with a later deadline: not overdue yet.
        settings.put(session, SYSTEM, "deadline.settlement", "31-03")
        assert overdue.items(session, date(2026, 1, 23)) == []
        assert [i.code for i in overdue.items(session, date(2026, 4, 1))] == [
            "ĐA-2025-001",
            "ĐA-2025-002",
        ]
