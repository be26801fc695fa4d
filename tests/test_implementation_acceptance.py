"""Progress, evidence and acceptance (nghiệm thu): blocked by missing evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.forms.load import load_activities
from kcdesk.services.implementation import acceptance
from kcdesk.services.implementation import progress as impl
from kcdesk.services.proposals.attachments import store_bytes
from kcdesk.services.security.actor import SYSTEM
from tests.implementation_support import ACTIVITY, all_evidence, make_proposal, outputs_for

S = ProposalStatus


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s


def test_progress_entries_and_latest(session: Session) -> None:
    a = make_proposal(session, code="ĐA-2026-001")
    b = make_proposal(session, code="ĐA-2026-002")
    c = make_proposal(session, code="ĐA-2026-003")
    impl.add_progress(session, SYSTEM, a, on=date(2026, 5, 1), percent=20)
    assert a.status is S.IMPLEMENTING  # the first report starts the work
    impl.add_progress(session, SYSTEM, a, on=date(2026, 7, 1), percent=60, note="Đã lắp máy")
    impl.add_progress(session, SYSTEM, a, on=date(2026, 6, 1), percent=40)
    impl.add_progress(session, SYSTEM, b, on=date(2026, 6, 1), percent=10)
    impl.add_progress(session, SYSTEM, b, on=date(2026, 6, 1), percent=15)
    latest = impl.latest_progress(session, [a.id, b.id, c.id])
    assert latest == {a.id: (date(2026, 7, 1), 60), b.id: (date(2026, 6, 1), 15)}
    assert impl.latest_progress(session, []) == {}
    assert [e.percent for e in impl.progress_entries(session, a)] == [20, 40, 60]


def test_progress_with_attachment_and_bad_percent(session: Session) -> None:
    p = make_proposal(session)
    stored = store_bytes(b"%PDF-1.4 bao cao", "báo cáo tiến độ.pdf")
    entry = impl.add_progress(session, SYSTEM, p, on=date(2026, 5, 1), percent=0, file=stored)
    assert (entry.file_hash, entry.file_name) == (stored.hash, "báo cáo tiến độ.pdf")
    for bad in (-1, 101):
        with pytest.raises(ValidationError, match="từ 0 đến 100"):
            impl.add_progress(session, SYSTEM, p, on=date(2026, 5, 2), percent=bad)


def test_checklist_comes_from_forms(session: Session) -> None:
    p = make_proposal(session)
    spec = load_activities()[ACTIVITY]
    checklist = impl.evidence_checklist(session, p)
    assert [e.code for e in checklist] == [e.code for e in spec.evidence]
    assert not any(e.received for e in checklist)
    with pytest.raises(ValidationError, match="không có trong danh mục"):
        impl.set_evidence(session, SYSTEM, p, "khong_co")


def test_acceptance_is_refused_while_required_evidence_is_missing(session: Session) -> None:
    p = make_proposal(session)
    impl.start(session, SYSTEM, p)
    spec = load_activities()[ACTIVITY]
    required = [e for e in spec.evidence if e.required]
    assert len(required) >= 1  # only papers a text requires (issue 18)
    # Everything but the last required paper.
    for item in spec.evidence:
        if item.code != required[-1].code:
            impl.set_evidence(session, SYSTEM, p, item.code)
    with pytest.raises(ValidationError) as refused:
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="12/BB-NT",
            achieved=outputs_for(p),
        )
    message = str(refused.value)
    assert "còn thiếu 1 tài liệu bắt buộc" in message
    assert required[-1].label in message
    assert all(e.label not in message for e in required[:-1])
    assert p.status is S.IMPLEMENTING
    # A paper marked received and then withdrawn again blocks as well.
    impl.set_evidence(session, SYSTEM, p, required[-1].code)
    impl.set_evidence(session, SYSTEM, p, required[0].code, received=False)
    with pytest.raises(ValidationError, match="còn thiếu 1"):
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="12/BB-NT",
            achieved=outputs_for(p),
        )


def test_optional_evidence_does_not_block(session: Session) -> None:
    activity = next(
        code
        for code, spec in load_activities().items()
        if any(not e.required for e in spec.evidence)
    )
    p = make_proposal(session, activity=activity)
    impl.start(session, SYSTEM, p)
    for item in impl.evidence_checklist(session, p):
        if item.required:
            impl.set_evidence(session, SYSTEM, p, item.code)
    acceptance.record_acceptance(
        session,
        SYSTEM,
        p,
        accepted_on=date(2026, 11, 5),
        minutes_no="3/BB",
        achieved=outputs_for(p),
    )
    assert p.status is S.ACCEPTED


def test_acceptance_records_outputs_minutes_and_status(session: Session) -> None:
    p = make_proposal(session)
    impl.start(session, SYSTEM, p)
    all_evidence(session, p)
    achieved = {o.measure: o.planned + 2 for o in p.outputs}
    row = acceptance.record_acceptance(
        session,
        SYSTEM,
        p,
        accepted_on=date(2026, 11, 5),
        minutes_no=" 12/BB-NT ",
        participants=["Nguyễn Văn A — Giám đốc Trung tâm", "", "Lê Thị B — chủ HTX"],
        result="Đạt yêu cầu",
        achieved=achieved,
    )
    assert row.minutes_no == "12/BB-NT"
    assert row.participants == ["Nguyễn Văn A — Giám đốc Trung tâm", "Lê Thị B — chủ HTX"]
    assert row.evidence and all(row.evidence.values())
    assert {o.measure: o.achieved for o in p.outputs} == achieved
    assert p.status is S.ACCEPTED
    assert p.status_changes[-1].reason == "Biên bản nghiệm thu số 12/BB-NT"
    with pytest.raises(
        ValidationError, match="đã có biên bản nghiệm thu số 12/BB-NT ngày 05/11/2026"
    ):
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 6),
            minutes_no="13/BB",
            achieved=achieved,
        )


def test_acceptance_needs_outputs_minutes_and_implementing(session: Session) -> None:
    p = make_proposal(session)
    all_evidence(session, p)
    with pytest.raises(ValidationError, match="bắt đầu thực hiện"):
        acceptance.record_acceptance(
            session, SYSTEM, p, accepted_on=date(2026, 11, 5), minutes_no="1/BB"
        )
    impl.start(session, SYSTEM, p)
    first = p.outputs[0].measure
    with pytest.raises(ValidationError, match="Chưa nhập kết quả đạt được") as missing:
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="1/BB",
            achieved={first: 1},
        )
    assert all(o.measure in str(missing.value) for o in p.outputs[1:])
    assert first not in str(missing.value).split(":", 1)[1]
    with pytest.raises(ValidationError, match="không có trong kết quả dự kiến"):
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="1/BB",
            achieved={**outputs_for(p), "brands": 1},
        )
    with pytest.raises(ValidationError, match="số nguyên không âm"):
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="1/BB",
            achieved={**outputs_for(p), first: -1},
        )
    with pytest.raises(ValidationError, match="số biên bản"):
        acceptance.record_acceptance(
            session,
            SYSTEM,
            p,
            accepted_on=date(2026, 11, 5),
            minutes_no="  ",
            achieved=outputs_for(p),
        )
    assert p.status is S.IMPLEMENTING
    assert all(o.achieved is None for o in p.outputs)


def test_minutes_recorded_after_the_status_was_moved_in_the_register(session: Session) -> None:
    """'Accepted' set through the register has no minutes: payments wait for them."""
    from kcdesk.models.implementation import DisbursementKind
    from kcdesk.services.implementation import money
    from kcdesk.services.proposals import workflow

    p = make_proposal(session)
    impl.start(session, SYSTEM, p)
    workflow.change_status(session, SYSTEM, p, S.ACCEPTED)
    with pytest.raises(money.RuleRefused, match="chưa có biên bản nghiệm thu"):
        money.add_disbursement(
            session,
            SYSTEM,
            p,
            kind=DisbursementKind.SETTLEMENT,
            amount=1_000,
            paid_on=date(2026, 12, 1),
        )
    all_evidence(session, p)
    changes = len(p.status_changes)
    acceptance.record_acceptance(
        session,
        SYSTEM,
        p,
        accepted_on=date(2026, 11, 5),
        minutes_no="7/BB",
        achieved=outputs_for(p),
    )
    assert p.status is S.ACCEPTED and len(p.status_changes) == changes
    money.add_disbursement(
        session,
        SYSTEM,
        p,
        kind=DisbursementKind.SETTLEMENT,
        amount=1_000,
        paid_on=date(2026, 12, 1),
    )
    assert p.disbursed == 1_000


def test_every_write_needs_the_implementation_permission(session: Session) -> None:
    from kcdesk.models import Role
    from kcdesk.models.implementation import DisbursementKind
    from kcdesk.services.core.errors import PermissionDenied
    from kcdesk.services.implementation import money
    from kcdesk.services.security.actor import Actor

    p = make_proposal(session)
    code = impl.evidence_checklist(session, p)[0].code
    for role in (Role.LEADER, Role.SECRETARY, Role.OFFICE_CLERK):
        actor = Actor("nguoi_dung", role)
        writes = [
            lambda a=actor: impl.start(session, a, p),
            lambda a=actor: impl.add_progress(session, a, p, on=date(2026, 5, 1), percent=5),
            lambda a=actor: impl.set_evidence(session, a, p, code),
            lambda a=actor: acceptance.record_acceptance(
                session, a, p, accepted_on=date(2026, 11, 5), minutes_no="1/BB"
            ),
            lambda a=actor: money.add_disbursement(
                session, a, p, kind=DisbursementKind.ADVANCE, amount=1, paid_on=date(2026, 5, 1)
            ),
            lambda a=actor: money.record_settlement(
                session, a, p, final_amount=0, settled_on=date(2027, 1, 5), reference="x"
            ),
        ]
        for write in writes:
            with pytest.raises(PermissionDenied, match="theo dõi thực hiện"):
                write()
    assert p.status is S.APPROVED and p.disbursed == 0
    assert impl.progress_entries(session, p) == []
    assert not any(e.received for e in impl.evidence_checklist(session, p))


def test_start_only_from_approved(session: Session) -> None:
    p = make_proposal(session, status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="chỉ bắt đầu thực hiện đề án 'Đã phê duyệt'"):
        impl.start(session, SYSTEM, p)
    with pytest.raises(ValidationError, match="chỉ báo cáo tiến độ"):
        impl.add_progress(session, SYSTEM, p, on=date(2026, 5, 1), percent=5)
    with pytest.raises(ValidationError, match="chỉ theo dõi thực hiện đề án đã được phê duyệt"):
        impl.set_evidence(session, SYSTEM, p, impl.evidence_checklist(session, p)[0].code)


def test_latest_progress_reads_ids_in_chunks(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite limits bound parameters per statement: ids go in batches of ID_BATCH.
    monkeypatch.setattr("kcdesk.services.core.id_lists.ID_BATCH", 2)
    proposals = [make_proposal(session, code=f"ĐA-2026-00{n}") for n in range(1, 6)]
    for n, p in enumerate(proposals):
        impl.add_progress(session, SYSTEM, p, on=date(2026, 5, n + 1), percent=10 * n)
    ids = [p.id for p in proposals] + [999_999]
    assert impl.latest_progress(session, ids) == {
        p.id: (date(2026, 5, n + 1), 10 * n) for n, p in enumerate(proposals)
    }
