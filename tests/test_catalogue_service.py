"""Catalogue service: building, grouping, states, frozen versions, amendments, compare."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import (
    AuditEvent,
    BudgetLine,
    Facility,
    FacilityKind,
    Proposal,
    ProposalFacility,
    ProposalStatus,
    Role,
)
from kcdesk.models.catalogue import CatalogueState
from kcdesk.models.db import Database
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.build import period_text, roman
from kcdesk.services.core import audit
from kcdesk.services.core.errors import NotFoundError, PermissionDenied, ValidationError
from kcdesk.services.forms.load import load_activities
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import SYSTEM, Actor

LEADER = Actor("lanhdao", Role.LEADER)
STAFF = Actor("canbo", Role.CENTRE_STAFF)


def add_proposal(
    session: Session,
    number: int,
    *,
    activity: str = "may_moc_thiet_bi",
    total: int = 1_000_000_000,
    support: int = 300_000_000,
    other: int = 0,
    status: ProposalStatus = ProposalStatus.APPROVED,
    year: int = 2027,
    source: str = "dia_phuong",
    facility: str | None = "HTX Chè Phja Đén",
) -> Proposal:
    """A proposal with one budget line (sums kept like the proposal service does)."""
    p = Proposal(
        code=f"ĐA-{year}-{number:03d}",
        title=f"Đề án số {number} — hỗ trợ máy sấy",
        plan_year=year,
        activity=activity,
        funding_source=source,
        status=status,
        implementing_unit="Trung tâm Khuyến công",
        location="Xã Phan Thanh",
        start_month=date(year, 3, 1),
        end_month=date(year, 10, 1),
    )
    p.budget_lines.append(
        BudgetLine(
            position=1,
            item="Máy",
            quantity=Decimal(1),
            unit_price=total,
            amount=total,
            support=support,
            counterpart=total - support - other,
            other_funds=other,
        )
    )
    p.total_cost, p.support = total, support
    p.counterpart, p.other_funds = total - support - other, other
    if status in (ProposalStatus.APPROVED, ProposalStatus.IMPLEMENTING):
        p.approved_support = support
    if facility:
        f = Facility(name=facility, kind=FacilityKind.COOPERATIVE, address="Thôn A, xã Phan Thanh")
        p.facility_links.append(ProposalFacility(facility=f, position=1))
    session.add(p)
    session.flush()
    return p


@pytest.fixture
def seeded(db: Database) -> Database:
    with db.session() as s:
        add_proposal(s, 1, activity="may_moc_thiet_bi", support=300_000_000)
        add_proposal(s, 2, activity="dao_tao_nghe", total=200_000_000, support=150_000_000)
        add_proposal(s, 3, activity="may_moc_thiet_bi", support=250_000_000, other=50_000_000)
        add_proposal(s, 4, activity="hoi_cho_trien_lam", status=ProposalStatus.IMPLEMENTING)
        # Not in the catalogue: not yet appraised, other source, other year. (A proposal
        # already submitted in the cycle is in it since issue 17: the catalogue holds
        # what passed appraisal, submitted or approved.)
        add_proposal(s, 5, status=ProposalStatus.AWAITING_APPRAISAL)
        add_proposal(s, 6, source="quoc_gia")
        add_proposal(s, 7, year=2026)
    return db


def test_roman_and_period() -> None:
    assert [roman(n) for n in (1, 2, 3, 4, 9, 14, 17, 40)] == [
        "I",
        "II",
        "III",
        "IV",
        "IX",
        "XIV",
        "XVII",
        "XL",
    ]
    assert period_text(date(2027, 3, 1), date(2027, 10, 1), 2027) == "Tháng 03-10/2027"
    assert period_text(date(2027, 11, 1), date(2028, 2, 1), 2027) == "11/2027-02/2028"
    assert period_text(None, None, 2027) == "Năm 2027"


def test_live_view_groups_by_activity_order(seeded: Database) -> None:
    with seeded.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
    assert view.state is CatalogueState.DRAFT and view.version_number is None
    order = load_activities()
    groups = [g.activity for g in view.groups]
    assert groups == sorted(groups, key=lambda code: order[code].group_order)
    assert set(groups) == {"may_moc_thiet_bi", "dao_tao_nghe", "hoi_cho_trien_lam"}
    assert [g.numeral for g in view.groups] == ["I", "II", "III"]
    machines = next(g for g in view.groups if g.activity == "may_moc_thiet_bi")
    assert [e.proposal_code for e in machines.entries] == ["ĐA-2027-001", "ĐA-2027-003"]
    assert machines.total("support") == 550_000_000
    assert view.count == 4
    assert view.total("support") == 300_000_000 + 150_000_000 + 250_000_000 + 300_000_000
    assert view.total("other_funds") == 50_000_000
    entry = machines.entries[0]
    assert entry.beneficiary == "HTX Chè Phja Đén (Thôn A, xã Phan Thanh)"
    assert entry.period == "Tháng 03-10/2027"


def test_approved_support_is_printed_not_requested(seeded: Database) -> None:
    with seeded.session() as s:
        p = s.scalars(select(Proposal).where(Proposal.code == "ĐA-2027-001")).one()
        p.approved_support = 280_000_000
    with seeded.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
    entry = next(e for e in view.entries if e.proposal_code == "ĐA-2027-001")
    assert entry.support == 280_000_000
    # The facility's own share makes up the difference: the row still adds up.
    assert (entry.total_cost, entry.counterpart, entry.other_funds) == (
        1_000_000_000,
        720_000_000,
        0,
    )


def test_states_versions_and_permissions(seeded: Database) -> None:
    with seeded.session() as s, pytest.raises(PermissionDenied):
        catalogue.submit(s, LEADER, 2027, "dia_phuong")
    with seeded.session() as s:
        v1 = catalogue.submit(s, STAFF, 2027, "dia_phuong", letter_no="45/TTr-TTKC")
        assert v1.number == 1 and len(v1.rows) == 4
    with seeded.session() as s:
        with pytest.raises(ValidationError):
            catalogue.submit(s, STAFF, 2027, "dia_phuong")
        with pytest.raises(PermissionDenied):
            catalogue.approve(
                s, STAFF, 2027, "dia_phuong", decision_no="1/QĐ", decision_date=date(2026, 10, 20)
            )
        with pytest.raises(ValidationError):
            catalogue.approve(s, LEADER, 2027, "dia_phuong", decision_no="", decision_date=None)
    # A proposal approved after submission is in the approved version, not in v1.
    with seeded.session() as s:
        late = s.scalars(select(Proposal).where(Proposal.code == "ĐA-2027-005")).one()
        late.status = ProposalStatus.APPROVED
    with seeded.session() as s:
        v2 = catalogue.approve(
            s,
            LEADER,
            2027,
            "dia_phuong",
            decision_no="1234/QĐ-UBND",
            decision_date=date(2026, 10, 25),
        )
        assert v2.number == 2 and len(v2.rows) == 5
    with seeded.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        assert view.state is CatalogueState.APPROVED and view.version_number == 2
        assert view.decision_no == "1234/QĐ-UBND" and view.versions == (1, 2)
        assert catalogue.view(s, 2027, "dia_phuong", version=1).count == 4
        with pytest.raises(NotFoundError):
            catalogue.view(s, 2027, "dia_phuong", version=9)
        diffs = catalogue.compare(s, 2027, "dia_phuong", 1, 2)
        assert [(d.kind, d.proposal_code) for d in diffs if d.kind != "same"] == [
            ("added", "ĐA-2027-005")
        ]
        with pytest.raises(ValidationError):
            catalogue.approve(
                s, LEADER, 2027, "dia_phuong", decision_no="x", decision_date=date(2026, 11, 1)
            )
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "catalogue")))
        assert [e.action for e in events] == ["create", "state", "state"]
        assert audit.verify_chain(s) is None


def test_frozen_version_does_not_follow_later_edits(seeded: Database) -> None:
    with seeded.session() as s:
        catalogue.approve(
            s, SYSTEM, 2027, "dia_phuong", decision_no="9/QĐ-UBND", decision_date=date(2026, 10, 1)
        )
    with seeded.session() as s:
        p = s.scalars(select(Proposal).where(Proposal.code == "ĐA-2027-002")).one()
        p.title = "Tên mới"
    with seeded.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
    assert "Tên mới" not in [e.title for e in view.entries]


def test_leader_records_a_decision_without_a_submission(seeded: Database) -> None:
    with seeded.session() as s:
        version = catalogue.approve(
            s, LEADER, 2027, "dia_phuong", decision_no="7/QĐ-UBND", decision_date=date(2026, 10, 2)
        )
        assert version.number == 1 and version.kind == "approved"
        assert catalogue.view(s, 2027, "dia_phuong").state is CatalogueState.APPROVED


def test_empty_catalogue_cannot_be_submitted(db: Database) -> None:
    with db.session() as s, pytest.raises(ValidationError, match="chưa có đề án"):
        catalogue.submit(s, SYSTEM, 2027, "dia_phuong")
    with db.session() as s, pytest.raises(ValidationError, match="Nguồn kinh phí"):
        catalogue.view(s, 2027, "khong_co")


def test_reopen_needs_reason_and_submitted_state(seeded: Database) -> None:
    with seeded.session() as s:
        catalogue.submit(s, SYSTEM, 2027, "dia_phuong")
    with seeded.session() as s:
        with pytest.raises(ValidationError):
            catalogue.reopen(s, SYSTEM, 2027, "dia_phuong", reason=" ")
        catalogue.reopen(s, SYSTEM, 2027, "dia_phuong", reason="Sở trả lại để bổ sung")
    with seeded.session() as s:
        assert catalogue.view(s, 2027, "dia_phuong").state is CatalogueState.DRAFT
        v = catalogue.submit(s, SYSTEM, 2027, "dia_phuong")
        assert v.number == 2


def test_record_amendment_makes_a_new_version(seeded: Database) -> None:
    with seeded.session() as s:
        p = s.scalars(select(Proposal).where(Proposal.code == "ĐA-2027-001")).one()
        # No approved catalogue yet: nothing happens.
        catalogue.record_amendment(s, SYSTEM, p, "tăng kinh phí")
        assert catalogue.get_catalogue(s, 2027, "dia_phuong") is None
        catalogue.approve(
            s, SYSTEM, 2027, "dia_phuong", decision_no="9/QĐ-UBND", decision_date=date(2026, 10, 1)
        )
    with seeded.session() as s:
        p = s.scalars(select(Proposal).where(Proposal.code == "ĐA-2027-001")).one()
        p.approved_support = 320_000_000
        catalogue.record_amendment(s, STAFF, p, "Điều chỉnh kinh phí hỗ trợ")
    with seeded.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        assert view.state is CatalogueState.AMENDED and view.version_number == 2
        diffs = [d for d in catalogue.compare(s, 2027, "dia_phuong", 1, 2) if d.kind != "same"]
        assert len(diffs) == 1 and diffs[0].kind == "changed"
        assert diffs[0].changes == {
            "support": (300_000_000, 320_000_000),
            "counterpart": (700_000_000, 680_000_000),
        }
        cat = catalogue.get_catalogue(s, 2027, "dia_phuong")
        assert cat is not None and "ĐA-2027-001" in cat.versions[-1].summary
    # Stopping a proposal (an amendment too) removes it from the next version.
    with seeded.session() as s:
        p = s.scalars(select(Proposal).where(Proposal.code == "ĐA-2027-002")).one()
        workflow.change_status(
            s,
            SYSTEM,
            p,
            ProposalStatus.STOPPED,
            reason="Cơ sở xin dừng",
            decision_no="5/QĐ-UBND",
            decision_date=date(2027, 4, 1),
        )
        catalogue.record_amendment(s, SYSTEM, p, "Ngừng thực hiện")
    with seeded.session() as s:
        diffs = [d for d in catalogue.compare(s, 2027, "dia_phuong", 2, 3) if d.kind != "same"]
        assert [(d.kind, d.proposal_code) for d in diffs] == [("removed", "ĐA-2027-002")]
        assert catalogue.view(s, 2027, "dia_phuong").total("support") == (
            320_000_000 + 250_000_000 + 300_000_000
        )
