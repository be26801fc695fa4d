"""Helpers for the implementation tests: an approved proposal built directly."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kcdesk.models import OutputMeasure, Proposal, ProposalStatus
from kcdesk.models.implementation import ProgressEntry
from kcdesk.services.forms.load import load_activities
from kcdesk.services.implementation import progress as impl
from kcdesk.services.security.actor import SYSTEM

ACTIVITY = "may_moc_thiet_bi"


def make_proposal(
    session: Session,
    *,
    code: str = "ĐA-2026-001",
    approved: int = 100_000_000,
    status: ProposalStatus = ProposalStatus.APPROVED,
    plan_year: int = 2026,
    activity: str = ACTIVITY,
    programme: str = "",
    targets: dict[str, str] | None = None,
    progress: int | None = None,
) -> Proposal:
    """``targets`` maps a measure to the target of ``programme`` its output counts toward.

    ``progress``: a progress report already on file (percent), so that the advance
    rules of Điều 13 TT 36/2013 (machinery: more than 70 % done) let the money tests
    reach the ceilings they test; None for none."""
    spec = load_activities()[activity]
    targets = targets or {}
    proposal = Proposal(
        code=code,
        title="Hỗ trợ máy ép viên nén mùn cưa cho HTX Đồng Tâm",
        plan_year=plan_year,
        activity=activity,
        status=status,
        implementing_unit="Trung tâm Khuyến công",
        location="xã Hưng Đạo",
        support=approved,
        total_cost=approved * 2,
        approved_support=approved,
        programme=programme,
        outputs=[
            OutputMeasure(measure=m, target=targets.get(m, ""), planned=n + 1)
            for n, m in enumerate(spec.outputs)
        ],
    )
    session.add(proposal)
    session.flush()
    if progress is not None:
        session.add(
            ProgressEntry(
                proposal_id=proposal.id,
                reported_on=date(plan_year, 3, 1),
                percent=progress,
                origin_office="TTKC",
            )
        )
        session.flush()
    return proposal


def all_evidence(session: Session, proposal: Proposal) -> None:
    """Mark every evidence item of the activity received."""
    for item in impl.evidence_checklist(session, proposal):
        impl.set_evidence(session, SYSTEM, proposal, item.code, received_on=date(2026, 10, 1))


def outputs_for(proposal: Proposal) -> dict[str, int]:
    """Achieved = planned, keyed as acceptance keys outputs (target code, else measure)."""
    return {o.target or o.measure: o.planned for o in proposal.outputs}
