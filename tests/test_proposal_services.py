"""Proposal save / validation / drafts / facilities / duplicate support (no Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from kcdesk.models import AuditEvent, Proposal, ProposalStatus, Role
from kcdesk.models.db import Database
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ConflictError, PermissionDenied, ValidationError
from kcdesk.services.proposals import draft_store as drafts
from kcdesk.services.proposals import facilities, workflow
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals.draft import BudgetLineInput, from_json, from_proposal, to_json
from kcdesk.services.proposals.duplicates import prior_support
from kcdesk.services.proposals.save import create_proposal, update_proposal
from kcdesk.services.proposals.validation import errors, validate, validate_all
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.proposal_factory import machine_input, make_facility


def _create(db: Database) -> tuple[str, str]:
    with db.session() as s:
        f = make_facility(s)
        p = create_proposal(s, SYSTEM, machine_input(f.uuid))
        return p.code, f.uuid


def test_create_saves_everything_typed_and_audits(db: Database) -> None:
    code, fuuid = _create(db)
    with db.session() as s:
        p = proposals.get_proposal(s, code)
        assert code == "ĐA-2027-001"
        assert p.status is ProposalStatus.RECEIVED and p.revision == 1
        assert (p.total_cost, p.support, p.counterpart, p.other_funds) == (
            394_000_000,
            187_000_000,
            207_000_000,
            0,
        )
        assert [line.amount for line in p.budget_lines] == [375_000_000, 19_000_000]
        assert [f.uuid for f in p.facilities] == [fuuid]
        assert {o.measure: o.planned for o in p.outputs} == {
            "facilities": 1,
            "machines": 3,
            "jobs": 10,
        }
        assert "hop tac xa che dai tu" in p.search_text
        assert from_proposal(p).title == "Hỗ trợ máy sao chè cho Hợp tác xã Chè Đại Từ"
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity_uuid == p.uuid)).one()
        assert event.action == "create" and event.changes["title"]["new"].startswith("Hỗ trợ")
        assert audit.verify_chain(s) is None


def test_update_bumps_revision_and_records_field_diff(db: Database) -> None:
    code, _ = _create(db)
    with db.session() as s:
        data = from_proposal(proposals.get_proposal(s, code))
        data.title = "Máy sao chè mới"
        data.budget_lines[1].unit_price = 20_000_000
        data.budget_lines[1].counterpart = 20_000_000
        update_proposal(s, SYSTEM, code, data, expected_revision=1)
    with db.session() as s:
        p = proposals.get_proposal(s, code)
        assert p.revision == 2 and p.title == "Máy sao chè mới" and p.total_cost == 395_000_000
        event = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_uuid == p.uuid)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None and event.action == "update"
        assert event.changes["title"] == {
            "old": "Hỗ trợ máy sao chè cho Hợp tác xã Chè Đại Từ",
            "new": "Máy sao chè mới",
        }
        assert "budget_lines" in event.changes and "necessity" not in event.changes


def test_stale_revision_is_refused_with_who_and_reload(db: Database) -> None:
    code, _ = _create(db)
    with db.session() as s:
        data = from_proposal(proposals.get_proposal(s, code))
    other = replace(data, title="Sửa bởi người khác")
    with db.session() as s:
        update_proposal(s, Actor("lan", Role.CENTRE_STAFF), code, other, expected_revision=1)
    with pytest.raises(ConflictError) as info, db.session() as s:
        update_proposal(s, SYSTEM, code, data, expected_revision=1)
    assert "lan" in str(info.value) and "tải lại" in str(info.value)
    with db.session() as s:
        assert proposals.get_proposal(s, code).title == "Sửa bởi người khác"


def test_permission_is_checked(db: Database) -> None:
    with db.session() as s:
        f = make_facility(s)
        with pytest.raises(PermissionDenied):
            create_proposal(s, Actor("lead", Role.LEADER), machine_input(f.uuid))


def test_errors_block_saving_and_name_fields(db: Database) -> None:
    with db.session() as s:
        f = make_facility(s)
        data = machine_input(f.uuid)
        data.title = "  "
        data.budget_lines[0].support = 1
        with pytest.raises(ValidationError) as info:
            create_proposal(s, SYSTEM, data)
    assert "title" in info.value.problems
    assert "budget_lines[0].support" in info.value.problems
    with db.session() as s:
        assert s.scalars(select(Proposal)).first() is None


def _fields(problems: list) -> dict[str, str]:
    return {p.field: p.message for p in problems}


def test_cap_check_percent_and_ceiling() -> None:
    data = machine_input("x")
    # The figures of TT 28/2018 are for khuyến công quốc gia (issue 18).
    data.funding_source = "quoc_gia"
    # 50 % of 394.000.000 is 197.000.000: one đồng more is over the cap.
    data.budget_lines[0].support = 197_000_001
    data.budget_lines[0].counterpart = 375_000_000 - 197_000_001
    found = _fields(errors(validate(data)))
    assert "50%" in found["budget_lines"] and "28/2018" in found["budget_lines"]
    data.budget_lines[0].support = 197_000_000
    data.budget_lines[0].counterpart = 178_000_000
    assert "budget_lines" not in _fields(errors(validate(data)))
    # Ceiling 300.000.000 even though under 50 %.
    data.budget_lines = [
        BudgetLineInput("Dây chuyền", "bộ", Decimal(1), 700_000_000, 300_000_001, 399_999_999)
    ]
    assert "300.000.000" in _fields(errors(validate(data)))["budget_lines"]


def test_months_beneficiary_split_and_integral_amounts() -> None:
    data = machine_input("x")
    data.end_month = date(2027, 2, 1)
    data.facilities = []
    data.budget_lines[1].quantity = Decimal("0.5")
    data.budget_lines[1].unit_price = 3
    data.budget_lines[1].counterpart = 1
    found = _fields(errors(validate(data)))
    assert "trước tháng bắt đầu" in found["end_month"]
    assert "ít nhất một đơn vị thụ hưởng" in found["facilities"]
    assert "số nguyên đồng" in found["budget_lines[1].quantity"]
    data = machine_input("x")
    data.end_month = date(2028, 1, 1)
    assert "ngoài năm kế hoạch 2027" in _fields(errors(validate(data)))["end_month"]
    # An activity without beneficiaries: no facility needed.
    data = machine_input("x")
    data.activity, data.facilities = "nang_cao_nang_luc_quan_ly", []
    assert "facilities" not in _fields(errors(validate(data)))
    data = machine_input("x")
    data.budget_lines[0].counterpart -= 1
    assert "khác thành tiền" in _fields(errors(validate(data)))["budget_lines[0].support"]


def test_required_documents_missing_is_a_warning_not_an_error() -> None:
    from kcdesk.services.forms import load as forms
    from kcdesk.services.proposals.draft import documents_for

    data = machine_input("x")
    data.documents = documents_for(forms.load_activities()[data.activity], [])
    problems = validate(data)
    assert not errors(problems)
    assert any(p.field.startswith("documents[") and p.severity == "warning" for p in problems)


def _approve(s, code: str) -> None:  # type: ignore[no-untyped-def]
    p = proposals.get_proposal(s, code)
    for status in (
        ProposalStatus.FORWARDED,
        ProposalStatus.DOSSIER_COMPLETE,
        ProposalStatus.AWAITING_APPRAISAL,
        ProposalStatus.APPRAISED,
        ProposalStatus.SUBMITTED,
        ProposalStatus.APPROVED,
    ):
        if status in workflow.allowed_targets(p.status):
            workflow.change_status(
                s, SYSTEM, p, status, decision_no="12/QĐ-UBND", decision_date=date(2026, 10, 1)
            )
    assert p.status is ProposalStatus.APPROVED


def test_prior_support_by_tax_code_and_by_folded_name(db: Database) -> None:
    with db.session() as s:
        f = make_facility(s)
        data = machine_input(f.uuid)
        data.plan_year, data.start_month, data.end_month = 2025, date(2025, 3, 1), date(2025, 9, 1)
        # Its schedule moves with it: tasks lie within the proposal's months (issue 18).
        for item in data.schedule:
            item.start, item.end = date(2025, 3, 1), date(2025, 8, 1)
        old = create_proposal(s, SYSTEM, data)
        assert prior_support(s, f, "may_moc_thiet_bi", 2027, 3) == []  # not approved yet
        _approve(s, old.code)
        assert prior_support(s, f, "may_moc_thiet_bi", 2027, 3) == [(old.code, 2025)]
        assert prior_support(s, f, "may_moc_thiet_bi", 2027, 1) == []  # outside the span
        assert prior_support(s, f, "dao_tao_nghe", 2027, 3) == []  # other activity
        # Same workshop registered again without a tax code, typed without diacritics.
        twin = facilities.create_facility(
            s,
            SYSTEM,
            facilities.FacilityInput(name="hop tac xa che dai tu", commune="xa hoa binh"),
        )
        assert prior_support(s, twin, "may_moc_thiet_bi", 2027, 3) == [(old.code, 2025)]
        # A different tax code is a different business even with the same name.
        other = facilities.create_facility(
            s,
            SYSTEM,
            facilities.FacilityInput(
                name="Hợp tác xã Chè Đại Từ", commune="Xã Hòa Bình", tax_code="4600999999"
            ),
        )
        assert prior_support(s, other, "may_moc_thiet_bi", 2027, 3) == []
        new = machine_input(f.uuid)
        warnings = [p for p in validate_all(s, new) if p.field == "facilities[0]"]
        assert warnings and warnings[0].severity == "warning"
        assert old.code in warnings[0].message and "2025" in warnings[0].message


def test_facility_tax_code_and_search(db: Database) -> None:
    assert facilities.tax_code_problem("0101234567") is None
    assert facilities.tax_code_problem("0101234567-001") is None
    assert facilities.tax_code_problem("") is None
    for bad in ("010123456", "0101234567-01", "01012345678", "abc"):
        assert facilities.tax_code_problem(bad) is not None
    with db.session() as s:
        with pytest.raises(ValidationError) as info:
            facilities.create_facility(
                s, SYSTEM, facilities.FacilityInput(name="Cơ sở Đức", commune="X", tax_code="12")
            )
        assert "tax_code" in info.value.problems
        make_facility(s)
        assert [f.name for f in facilities.search_facilities(s, "che dai tu")] == [
            "Hợp tác xã Chè Đại Từ"
        ]
        assert len(facilities.search_facilities(s, "4600123")) == 1
        assert facilities.search_facilities(s, "khong co") == []
        with pytest.raises(ValidationError):  # duplicate tax code
            make_facility(s, name="Khác")


def test_drafts_round_trip_and_discard(db: Database) -> None:
    data = machine_input("abc")
    data.budget_lines[0].quantity = Decimal("2.5")
    assert from_json(to_json(data)) == data
    with db.session() as s:
        drafts.save_draft(s, SYSTEM, data)
        data.title = "Lần hai"
        drafts.save_draft(s, SYSTEM, data)
    with db.session() as s:
        info = drafts.load_draft(s, SYSTEM, None)
        assert info is not None and info.data == data and len(drafts.list_drafts(s, SYSTEM)) == 1
        assert drafts.load_draft(s, Actor("khac"), None) is None
        assert drafts.discard_draft(s, SYSTEM, None) == 1
        assert drafts.load_draft(s, SYSTEM, None) is None


def test_damaged_draft_payload_does_not_crash() -> None:
    data = from_json(
        {"plan_year": "x", "budget_lines": [{"quantity": "abc", "support": "?"}], "outputs": 3}
    )
    assert data.budget_lines[0].quantity == Decimal(1) and data.budget_lines[0].support == 0
    assert data.outputs == {}


def test_quantity_beyond_three_decimals_is_refused() -> None:
    data = machine_input("x")
    data.budget_lines[1].quantity = Decimal("1.0005")
    data.budget_lines[1].unit_price = 20_000
    data.budget_lines[1].counterpart = 20_010
    assert "3 chữ số thập phân" in _fields(errors(validate(data)))["budget_lines[1].quantity"]
    data.budget_lines[1].quantity = Decimal("1.005")
    data.budget_lines[1].counterpart = 20_100
    assert "budget_lines[1].quantity" not in _fields(errors(validate(data)))


def test_new_proposal_belongs_to_this_pcs_office(db: Database) -> None:
    with db.session() as s:
        from kcdesk.services.core import settings

        settings.put(s, SYSTEM, "office.code", "PKT-HB")
        f = make_facility(s)
        p = create_proposal(s, SYSTEM, machine_input(f.uuid))
        assert (p.office_code, p.origin_office) == ("PKT-HB", "PKT-HB")
        clerk = Actor("an", Role.OFFICE_CLERK, office_code="XA-01")
        q = create_proposal(s, clerk, machine_input(f.uuid))
        assert q.office_code == "XA-01" and q.created_by == "an" and q.code == "ĐA-2027-002"


def test_approved_proposal_is_changed_only_by_amendment(db: Database) -> None:
    code, _ = _create(db)
    with db.session() as s:
        _approve(s, code)
        p = proposals.get_proposal(s, code)
        data = from_proposal(p)
        data.title = "Đổi sau phê duyệt"
        with pytest.raises(ValidationError) as info:
            update_proposal(s, SYSTEM, code, data, expected_revision=p.revision)
    assert "điều chỉnh" in str(info.value)
    with db.session() as s:
        assert proposals.get_proposal(s, code).title != "Đổi sau phê duyệt"


def test_damaged_attachment_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kcdesk.services.forms import load as forms
    from kcdesk.services.proposals import attachments
    from kcdesk.services.proposals.draft import documents_for

    scan = tmp_path / "Giấy phép.pdf"
    scan.write_bytes(b"%PDF scan of a licence")
    stored = attachments.store_file(scan)
    data = machine_input("x")
    data.documents = documents_for(forms.load_activities()[data.activity], [])
    doc = data.documents[0]
    doc.file_hash, doc.file_name, doc.received = stored.hash, stored.name, True
    assert "documents[0]" not in _fields(errors(validate(data)))
    attachments.path_for(stored.hash).write_bytes(b"changed on disk")
    message = _fields(errors(validate(data)))["documents[0]"]
    assert "Giấy phép.pdf" in message and "hỏng" in message
    assert "documents[0]" not in _fields(errors(validate(data, check_files=False)))
