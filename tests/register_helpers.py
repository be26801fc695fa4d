"""Helpers for the register/workflow/amendment/audit tests: small hand-made data."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kcdesk.models import (
    BudgetLine,
    Document,
    Facility,
    FacilityKind,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    Role,
    new_uuid,
)
from kcdesk.services.proposals.search import facility_search_text, proposal_search_text
from kcdesk.services.security.actor import Actor

ADMIN = Actor("admin1", Role.ADMIN, "TTKC", "Quản trị")
STAFF = Actor("canbo", Role.CENTRE_STAFF, "TTKC", "Cán bộ")
LEADER = Actor("lanhdao", Role.LEADER, "TTKC", "Lãnh đạo")
SECRETARY = Actor("thuky", Role.SECRETARY, "TTKC", "Thư ký")


def facility(
    session: Session, name: str, *, tax_code: str | None = None, commune: str = "Xã Hưng Đạo"
) -> Facility:
    f = Facility(
        name=name,
        kind=FacilityKind.COOPERATIVE,
        tax_code=tax_code,
        address="",
        commune=commune,
        province="Cao Bằng",
        representative="",
        phone="",
        sector="",
    )
    f.search_text = facility_search_text(f)
    session.add(f)
    session.flush()
    return f


def proposal(
    session: Session,
    code: str,
    *,
    title: str = "Hỗ trợ máy móc thiết bị",
    status: ProposalStatus = ProposalStatus.RECEIVED,
    plan_year: int = 2027,
    activity: str = "may_moc_thiet_bi",
    facilities: list[Facility] | None = None,
    support: int = 100_000_000,
    total: int = 250_000_000,
    commune: str = "Xã Quang Trung",
    office_code: str = "TTKC",
    funding_source: str = "dia_phuong",
    received: date | None = None,
    approved_support: int | None = None,
) -> Proposal:
    p = Proposal(
        code=code,
        title=title,
        plan_year=plan_year,
        activity=activity,
        funding_source=funding_source,
        status=status,
        office_code=office_code,
        commune=commune,
        location=commune,
        partner_unit="Hội Nông dân tỉnh",
        implementing_unit="Trung tâm Khuyến công",
        start_month=date(plan_year, 3, 1),
        end_month=date(plan_year, 9, 1),
        received_date=received,
        approved_support=approved_support,
    )
    p.facility_links = [
        ProposalFacility(facility=f, position=n) for n, f in enumerate(facilities or [])
    ]
    p.budget_lines = [
        BudgetLine(
            position=0,
            item="Máy",
            unit="bộ",
            unit_price=total,
            amount=total,
            support=support,
            counterpart=total - support,
        )
    ]
    p.total_cost, p.support, p.counterpart = total, support, total - support
    p.search_text = proposal_search_text(p)
    session.add(p)
    session.flush()
    return p


def document(session: Session, p: Proposal, label: str, *, required: bool, received: bool) -> None:
    p.documents.append(
        Document(
            position=len(p.documents),
            code=new_uuid()[:8],
            label=label,
            required=required,
            received=received,
        )
    )
    session.flush()
