"""Test helpers for the dashboard: a small programme and hand-made proposals.

Proposals are built directly as rows with the figures each test states, so the
expected numbers in the tests are counted by hand, never by the code under test.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

from sqlalchemy.orm import Session

from kcdesk.models import (
    Facility,
    FacilityKind,
    OutputMeasure,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    StatusChange,
    new_uuid,
)
from kcdesk.services.programmes import membership
from kcdesk.services.programmes import store as programmes
from kcdesk.services.programmes.file import BudgetSpec, ProgrammeSpec, TargetSpec
from kcdesk.services.security.actor import SYSTEM

_numbers = count(1)

# Every measure a target can count, each with the activity whose proposals carry it.
MEASURE_ACTIVITY = {
    "proposals": "tu_van",
    "facilities": "may_moc_thiet_bi",
    "models": "mo_hinh_trinh_dien",
    "machines": "may_moc_thiet_bi",
    "classes": "dao_tao_nghe",
    "learners": "dao_tao_nghe",
    "products": "binh_chon_san_pham",
    "contests": "binh_chon_san_pham",
    "fairs": "hoi_cho_trien_lam",
    "booths": "hoi_cho_trien_lam",
    "showrooms": "phong_trung_bay",
    "events": "cum_cong_nghiep",
    "publications": "thong_tin_truyen_thong",
    "brands": "thuong_hieu_nhan_hieu",
    "clusters": "cum_cong_nghiep",
    "jobs": "dao_tao_nghe",
}


def target(
    code: str, measure: str, activities: tuple[str, ...], quantity: int | None = 10
) -> TargetSpec:
    return TargetSpec(
        code=code,
        group="",
        name=f"Chỉ tiêu {code}",
        unit="đơn vị",
        quantity=quantity,
        activities=activities,
        measure=measure,
        parts=(),
        budget=None,
        note="",
    )


def add_programme(
    session: Session,
    targets: list[TargetSpec],
    *,
    code: str = "TEST-2026-2028",
    start: int = 2026,
    end: int = 2028,
    budget: BudgetSpec | None = None,
) -> None:
    spec = ProgrammeSpec(
        code=code,
        name="Chương trình khuyến công thử nghiệm",
        province="Cao Bằng",
        start_year=start,
        end_year=end,
        decision_no="1/QĐ-UBND",
        decision_date=date(2025, 12, 1),
        issuer="",
        source="",
        note="",
        budget=budget
        or BudgetSpec(
            national=1_000_000_000,
            local=4_000_000_000,
            other=None,
            total=5_000_000_000,
            by_year={2026: 2_000_000_000, 2027: 2_000_000_000, 2028: 1_000_000_000},
            by_activity={},
        ),
        targets=tuple(targets),
    )
    programmes.save_programme_spec(session, SYSTEM, spec)
    session.flush()


def add_facility(session: Session, name: str) -> Facility:
    facility = Facility(
        name=name,
        kind=FacilityKind.HOUSEHOLD_BUSINESS,
        tax_code="",
        address="",
        commune="Xã Hòa Bình",
        province="Cao Bằng",
    )
    session.add(facility)
    session.flush()
    return facility


def add_proposal(
    session: Session,
    *,
    year: int,
    activity: str,
    status: ProposalStatus,
    outputs: dict[str, tuple[int, int | None]] | None = None,
    facilities: int = 0,
    approved_support: int | None = None,
    disbursed: int = 0,
    commune: str = "Xã Hòa Bình",
    source: str = "dia_phuong",
    accepted_at: datetime | None = None,
    programme: str | None = None,
    targets: dict[str, tuple[int, int | None]] | None = None,
) -> Proposal:
    """One proposal; ``outputs`` maps a measure to (planned, achieved).

    The proposal belongs to ``programme`` (default: the test programme, or the
    Centre's programme, covering its year) and its outputs are recorded against that programme's targets as the
    wizard and migration 0010 record them: a measure output against the one target
    its activity and measure match; a "proposals" target gets 1; a "facilities"
    target without a recorded figure gets the number of linked beneficiaries.
    """
    n = next(_numbers)
    if programme is None:
        # The test programme when it covers the year (the presets share its province).
        test = membership.get(session, "TEST-2026-2028")
        found = (
            test
            if test is not None and test.start_year <= year <= test.end_year
            else membership.programme_for(session, year)
        )
        programme = found.code if found is not None else ""
    owner = membership.get(session, programme)
    implemented = status in (ProposalStatus.ACCEPTED, ProposalStatus.SETTLED)
    proposal = Proposal(
        code=f"ĐA-{year}-{n:03d}",
        programme=programme,
        title=f"Đề án thử {n}",
        plan_year=year,
        activity=activity,
        funding_source=source,
        status=status,
        commune=commune,
        approved_support=approved_support,
        disbursed=disbursed,
        origin_office="TTKC",
        office_code="TTKC",
    )
    given = dict(outputs or {})
    given.pop("proposals", None)
    if facilities and "facilities" not in given:
        given["facilities"] = (facilities, facilities if implemented else None)
    given["proposals"] = (1, 1 if implemented else None)
    rows = []
    for m, (p, a) in given.items():
        matches = [t.code for t in membership.offered_targets(owner, activity) if t.measure == m]
        target = matches[0] if len(matches) == 1 else ""
        if target or (outputs and m in outputs and m != "proposals"):
            rows.append(OutputMeasure(measure=m, target=target, planned=p, achieved=a))
    measure_of = {t.code: t.measure for t in owner.targets} if owner is not None else {}
    for code, (p, a) in (targets or {}).items():
        rows.append(OutputMeasure(measure=measure_of[code], target=code, planned=p, achieved=a))
    proposal.outputs = rows
    proposal.facility_links = [
        ProposalFacility(facility=add_facility(session, f"Cơ sở {n}-{i}"), position=i)
        for i in range(facilities)
    ]
    if accepted_at is not None:
        proposal.status_changes.append(
            StatusChange(
                uuid=new_uuid(),
                from_status="implementing",
                to_status=ProposalStatus.ACCEPTED.value,
                at=accepted_at,
            )
        )
    session.add(proposal)
    session.flush()
    return proposal
