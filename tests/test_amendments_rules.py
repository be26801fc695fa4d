"""Amendments: who must approve each kind of change (Bước 4 of the Lạng Sơn
procedure), the before/after record, the decision applied to the proposal and the
catalogue, the printed list, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, Proposal, ProposalStatus
from kcdesk.models.amendment import Amendment
from kcdesk.services.amendments import record as amendments
from kcdesk.services.amendments.authority import decide_authority, load_rules
from kcdesk.services.core.errors import ConflictError, PermissionDenied, ValidationError
from kcdesk.services.forms.load import FormsError, clear_cache
from tests.pdftext import embedded_fonts, pdf_text
from tests.register_helpers import ADMIN, LEADER, STAFF, facility, proposal

S = ProposalStatus
DEPT, CHAIR = "department", "chairman"


def _auth(kind: str, changes: dict, year: int = 2027) -> str:  # type: ignore[type-arg]
    return decide_authority(kind, changes, year).authority


# -- the rules, case by case (the procedure's two lists) --------------------------
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"location": {"old": "Xã A", "new": "Xã B"}}, DEPT),
        ({"commune": {"old": "Xã A", "new": "Xã B"}}, DEPT),
        ({"facilities": {"old": ["u1"], "new": ["u2"]}}, DEPT),
        ({"partner_unit": {"old": "Hội A", "new": "Hội B"}}, DEPT),
        ({"start_month": {"old": "2027-03-01", "new": "2027-05-01"}}, DEPT),
        ({"end_month": {"old": "2027-09-01", "new": "2027-12-01"}}, DEPT),
        # Timing outside the fiscal year is not the Department's to approve.
        ({"end_month": {"old": "2027-09-01", "new": "2028-02-01"}}, CHAIR),
        ({"approved_support": {"old": 100_000_000, "new": 90_000_000}}, DEPT),
        ({"approved_support": {"old": 100_000_000, "new": 100_000_001}}, CHAIR),
        ({"title": {"old": "A", "new": "B"}}, CHAIR),
        ({"activity": {"old": "a", "new": "b"}}, CHAIR),
        ({"objectives": {"old": "a", "new": "b"}}, CHAIR),
        ({"scale": {"old": "a", "new": "b"}}, CHAIR),
        # Mixed: the highest authority approves the whole request.
        (
            {
                "location": {"old": "Xã A", "new": "Xã B"},
                "approved_support": {"old": 1, "new": 2},
            },
            CHAIR,
        ),
        (
            {
                "location": {"old": "Xã A", "new": "Xã B"},
                "partner_unit": {"old": "X", "new": "Y"},
                "approved_support": {"old": 5, "new": 4},
            },
            DEPT,
        ),
        # A field no rule names: the stricter authority.
        ({"necessity": {"old": "a", "new": "b"}}, CHAIR),
    ],
)
def test_adjust_authority(changes: dict, expected: str) -> None:  # type: ignore[type-arg]
    assert _auth("adjust", changes) == expected


@pytest.mark.parametrize("kind", ["add", "stop"])
def test_adding_and_stopping_need_the_chairman(kind: str) -> None:
    decision = decide_authority(kind, {}, 2027)
    assert decision.authority == CHAIR
    assert decision.label == "Chủ tịch UBND tỉnh"
    assert any("Bước 4" in r for r in decision.reasons)


def test_reasons_say_why_and_cite_the_source() -> None:
    decision = decide_authority(
        "adjust",
        {"location": {"old": "A", "new": "B"}, "approved_support": {"old": 1, "new": 2}},
        2027,
        amendments.FIELD_LABELS,
    )
    text = "\n".join(decision.reasons)
    assert "Địa điểm thực hiện" in text and "Sở Công Thương" in text
    assert "(tăng)" in text and "Chủ tịch UBND tỉnh" in text
    assert "cấp cao nhất" in text
    assert load_rules().source.startswith("Bước 4")


def test_province_override_changes_the_rules(tmp_path: Path, _data_dir: Path) -> None:
    shipped = (Path(__file__).resolve().parent.parent / "forms" / "amendment_rules.toml").read_text(
        encoding="utf-8"
    )
    own = _data_dir / "forms"
    own.mkdir(parents=True)
    # This province lets the Department approve content changes too.
    changed = shipped.replace(
        'fields = ["title", "activity", "objectives", "scale", "organisation", "implementing_unit"]\n'
        'authority = "chairman"',
        'fields = ["title", "activity", "objectives", "scale", "organisation", "implementing_unit"]\n'
        'authority = "department"',
    )
    assert changed != shipped
    (own / "amendment_rules.toml").write_text(changed, encoding="utf-8")
    clear_cache()
    try:
        assert _auth("adjust", {"title": {"old": "A", "new": "B"}}) == DEPT
        (own / "amendment_rules.toml").write_text(
            changed.replace('default_authority = "chairman"', 'default_authority = "governor"'),
            encoding="utf-8",
        )
        with pytest.raises(FormsError, match="governor"):
            load_rules()
    finally:
        clear_cache()


# -- recording and deciding -----------------------------------------------------------
@pytest.fixture
def adb(db):
    with db.session() as session:
        f1 = facility(session, "HTX Miến dong Bình An", tax_code="4800000111")
        facility(session, "HTX Chè xanh Tân Tiến", tax_code="4800000222")
        proposal(
            session,
            "ĐA-2027-001",
            status=S.IMPLEMENTING,
            facilities=[f1],
            support=200_000_000,
            approved_support=200_000_000,
        )
        proposal(session, "ĐA-2027-002", status=S.SUBMITTED)
        proposal(session, "ĐA-2027-003", status=S.APPRAISED)
        proposal(session, "ĐA-2027-004", status=S.APPROVED, approved_support=50_000_000)
    return db


def _get(session, code: str) -> Proposal:
    return session.scalars(select(Proposal).where(Proposal.code == code)).one()


def test_propose_records_diff_and_authority(adb) -> None:
    with adb.session() as session:
        p = _get(session, "ĐA-2027-001")
        a = amendments.propose(
            session,
            STAFF,
            p,
            new_values={
                "location": "Xã Bế Triều",
                "commune": p.commune,
                "approved_support": 200_000_000,
            },
            reason="Cơ sở chuyển xưởng",
        )
        assert a.changes == {"location": {"old": "Xã Quang Trung", "new": "Xã Bế Triều"}}
        assert (a.authority, a.state, a.number) == (DEPT, "pending", 1)
        assert p.location == "Xã Quang Trung"  # nothing applied before the decision
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "amendment")).all()
        assert events[-1].changes["proposal.location"]["new"] == "Xã Bế Triều"


def test_validation(adb) -> None:
    with adb.session() as session:
        p = _get(session, "ĐA-2027-001")
        with pytest.raises(ValidationError, match="lý do"):
            amendments.propose(session, STAFF, p, new_values={"location": "X"}, reason=" ")
        with pytest.raises(ValidationError, match="không thay đổi"):
            amendments.propose(session, STAFF, p, new_values={"location": p.location}, reason="r")
        with pytest.raises(ValidationError, match="không điều chỉnh được"):
            amendments.propose(session, STAFF, p, new_values={"code": "X"}, reason="r")
        with pytest.raises(ValidationError, match="Tháng kết thúc"):
            amendments.propose(
                session, STAFF, p, new_values={"end_month": "2027-01-01"}, reason="r"
            )
        with pytest.raises(ValidationError, match="chỉ điều chỉnh"):
            amendments.propose(
                session,
                STAFF,
                _get(session, "ĐA-2027-003"),
                new_values={"location": "X"},
                reason="r",
            )
        with pytest.raises(ValidationError, match="trình phê duyệt"):
            amendments.propose(session, STAFF, _get(session, "ĐA-2027-003"), kind="add", reason="r")
        with pytest.raises(PermissionDenied):
            amendments.propose(session, LEADER, p, new_values={"location": "X"}, reason="r")
        amendments.propose(session, STAFF, p, new_values={"location": "X"}, reason="r")
        with pytest.raises(ConflictError, match="chờ quyết định"):
            amendments.propose(session, STAFF, p, new_values={"location": "Y"}, reason="r")


def test_approval_applies_changes_and_revision(adb) -> None:
    with adb.session() as session:
        p = _get(session, "ĐA-2027-001")
        other = session.scalars(
            select(amendments.Facility).where(amendments.Facility.tax_code == "4800000222")
        ).one()
        a = amendments.propose(
            session,
            STAFF,
            p,
            new_values={
                "location": "Xã Bế Triều",
                "partner_unit": "Hội Phụ nữ tỉnh",
                "start_month": "2027-04-01",
                "approved_support": 150_000_000,
                "facilities": [other.uuid],
            },
            reason="Đổi cơ sở thụ hưởng",
        )
        assert a.authority == DEPT
        assert a.changes["facilities"]["new_names"] == ["HTX Chè xanh Tân Tiến"]
        revision = p.revision
        with pytest.raises(ValidationError, match="số và ngày"):
            amendments.decide(session, LEADER, a, approved=True)
        with pytest.raises(PermissionDenied):
            amendments.decide(
                session, STAFF, a, approved=True, decision_no="1", decision_date=date(2027, 4, 1)
            )
        amendments.decide(
            session,
            LEADER,
            a,
            approved=True,
            decision_no="45/QĐ-SCT",
            decision_date=date(2027, 3, 20),
        )
    with adb.session() as session:
        p = _get(session, "ĐA-2027-001")
        assert p.location == "Xã Bế Triều"
        assert p.partner_unit == "Hội Phụ nữ tỉnh"
        assert p.start_month == date(2027, 4, 1)
        assert p.approved_support == 150_000_000
        assert p.support == 200_000_000  # the request's budget stays as it was
        assert [f.name for f in p.facilities] == ["HTX Chè xanh Tân Tiến"]
        assert "che xanh" in p.search_text
        assert p.revision == revision + 1
        a = session.scalars(select(Amendment)).one()
        assert (a.state, a.decision_no, a.decided_by) == ("approved", "45/QĐ-SCT", "lanhdao")
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_uuid == p.uuid, AuditEvent.action == "amend")
        ).one()
        assert event.changes["approved_support"] == {"old": 200_000_000, "new": 150_000_000}
        with pytest.raises(ConflictError, match="đã có quyết định"):
            amendments.decide(session, LEADER, a, approved=False, note="x")


def test_stale_request_is_refused(adb) -> None:
    with adb.session() as session:
        p = _get(session, "ĐA-2027-001")
        a = amendments.propose(session, STAFF, p, new_values={"location": "Xã B"}, reason="r")
        p.location = "Xã C"  # changed by someone else meanwhile
        with pytest.raises(ConflictError, match="đã thay đổi"):
            amendments.decide(
                session, LEADER, a, approved=True, decision_no="1", decision_date=date(2027, 1, 2)
            )


def test_refusal_changes_nothing(adb) -> None:
    with adb.session() as session:
        p = _get(session, "ĐA-2027-004")
        a = amendments.propose(
            session, STAFF, p, new_values={"approved_support": 80_000_000}, reason="r"
        )
        assert a.authority == CHAIR
        with pytest.raises(ValidationError):
            amendments.decide(session, LEADER, a, approved=False)
        amendments.decide(session, LEADER, a, approved=False, note="Không đủ nguồn")
        assert p.approved_support == 50_000_000 and a.state == "refused"


def test_stop_and_add_move_the_status(adb) -> None:
    with adb.session() as session:
        stop = amendments.propose(
            session, STAFF, _get(session, "ĐA-2027-001"), kind="stop", reason="Cơ sở giải thể"
        )
        add = amendments.propose(
            session, STAFF, _get(session, "ĐA-2027-002"), kind="add", reason="Bổ sung đề án mới"
        )
        assert stop.authority == add.authority == CHAIR
        amendments.decide(
            session,
            ADMIN,
            stop,
            approved=True,
            decision_no="9/QĐ-UBND",
            decision_date=date(2027, 6, 1),
        )
        amendments.decide(
            session,
            ADMIN,
            add,
            approved=True,
            decision_no="10/QĐ-UBND",
            decision_date=date(2027, 6, 1),
        )
        assert _get(session, "ĐA-2027-001").status is S.STOPPED
        added = _get(session, "ĐA-2027-002")
        assert added.status is S.APPROVED
        assert added.status_changes[-1].decision_no == "10/QĐ-UBND"


def test_catalogue_gets_a_new_version(adb, monkeypatch) -> None:
    from kcdesk.services.catalogue import versions as catalogue

    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(
        catalogue,
        "record_amendment",
        lambda session, actor, proposal, summary: calls.append((proposal.code, summary)),
    )
    with adb.session() as session:
        a = amendments.propose(
            session,
            STAFF,
            _get(session, "ĐA-2027-001"),
            new_values={"location": "Xã Bế Triều"},
            reason="r",
        )
        amendments.decide(
            session, LEADER, a, approved=True, decision_no="1", decision_date=date(2027, 5, 5)
        )
        b = amendments.propose(
            session,
            STAFF,
            _get(session, "ĐA-2027-004"),
            new_values={"location": "Xã Z"},
            reason="r",
        )
        amendments.decide(session, LEADER, b, approved=False, note="Không")
    assert calls == [
        ("ĐA-2027-001", "Điều chỉnh: Địa điểm thực hiện: Xã Quang Trung → Xã Bế Triều")
    ]


def test_cli_amend_decide_and_pdf(adb, capsys, tmp_path: Path) -> None:
    path = adb.url
    rc = main(
        [
            "--db",
            path,
            "proposal",
            "amend",
            "ĐA-2027-001",
            "--set",
            "approved_support=250.000.000",
            "--reason",
            "Tăng giá máy",
            "--dry-run",
            "--json",
        ]
    )
    assert rc == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["authority"] == CHAIR
    with adb.session() as session:
        assert session.scalars(select(Amendment)).all() == []
    assert (
        main(
            [
                "--db",
                path,
                "proposal",
                "amend",
                "ĐA-2027-001",
                "--set",
                "facilities=4800000222",
                "--set",
                "end_month=2027-11",
                "--reason",
                "Đổi cơ sở",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Thẩm quyền phê duyệt: Sở Công Thương" in out
    assert main(["--db", path, "proposal", "decide", "ĐA-2027-001", "1", "--approve"]) == 2
    capsys.readouterr()
    assert (
        main(
            [
                "--db",
                path,
                "proposal",
                "decide",
                "ĐA-2027-001",
                "1",
                "--approve",
                "--decision",
                "77/QĐ-SCT",
                "--decision-date",
                "15/06/2027",
            ]
        )
        == 0
    )
    capsys.readouterr()
    pdf = tmp_path / "Danh sách điều chỉnh.pdf"
    assert main(["--db", path, "proposal", "amendments", "--pdf", str(pdf)]) == 0
    text = pdf_text(pdf)
    assert "DANH SÁCH ĐỀ NGHỊ ĐIỀU CHỈNH" in text
    assert "ĐA-2027-001" in text and "HTX Chè xanh Tân Tiến" in text
    assert "Sở Công Thương" in text and "77/QĐ-SCT" in text and "15/06/2027" in text
    assert embedded_fonts(pdf)
    with adb.session() as session:
        p = _get(session, "ĐA-2027-001")
        assert p.end_month == date(2027, 11, 1)
        assert [f.tax_code for f in p.facilities] == ["4800000222"]
