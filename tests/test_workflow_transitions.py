"""The provincial procedure as a state machine: every transition allowed and refused,
reasons and decisions where needed, who may decide, the CLI."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus, StatusChange
from kcdesk.services.core.errors import PermissionDenied, ValidationError
from kcdesk.services.proposals import workflow
from tests.register_helpers import ADMIN, LEADER, SECRETARY, STAFF, proposal

S = ProposalStatus
# Written from the Lạng Sơn procedure (docs/architecture.md#the-yearly-cycle), not copied
# from the code:
# the main path, plus "returned" (bổ sung hồ sơ) before appraisal ends, "rejected"
# before the decision, "withdrawn" by the applicant before approval, "stopped" after.
EXPECTED: dict[S, set[S]] = {
    S.RECEIVED: {S.FORWARDED, S.RETURNED, S.REJECTED, S.WITHDRAWN},
    S.FORWARDED: {S.DOSSIER_COMPLETE, S.RETURNED, S.REJECTED, S.WITHDRAWN},
    S.RETURNED: {S.RECEIVED, S.FORWARDED, S.REJECTED, S.WITHDRAWN},
    S.DOSSIER_COMPLETE: {S.AWAITING_APPRAISAL, S.RETURNED, S.REJECTED, S.WITHDRAWN},
    S.AWAITING_APPRAISAL: {S.APPRAISED, S.RETURNED, S.WITHDRAWN},
    S.APPRAISED: {S.SUBMITTED, S.REJECTED, S.RETURNED, S.WITHDRAWN},
    S.SUBMITTED: {S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.APPROVED: {S.IMPLEMENTING, S.STOPPED},
    S.IMPLEMENTING: {S.ACCEPTED, S.STOPPED},
    S.ACCEPTED: {S.SETTLED},
    S.SETTLED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
    S.STOPPED: set(),
}
_codes = count(1)


def _code() -> str:
    return f"ĐA-2027-{next(_codes):03d}"


def test_table_matches_the_procedure() -> None:
    assert {s: set(t) for s, t in workflow.TRANSITIONS.items()} == EXPECTED
    assert set(workflow.NEEDS_DECISION) == {S.APPROVED, S.STOPPED}
    assert set(workflow.NEEDS_REASON) == {S.RETURNED, S.REJECTED, S.WITHDRAWN, S.STOPPED}


def test_every_pair_allowed_or_refused(db) -> None:
    wrong: list[str] = []
    with db.session() as session:
        for source in S:
            for target in S:
                p = proposal(session, _code(), status=source)
                try:
                    workflow.change_status(
                        session,
                        ADMIN,
                        p,
                        target,
                        reason="Lý do thử",
                        decision_no="12/QĐ-UBND",
                        decision_date=date(2026, 10, 20),
                    )
                    moved = True
                except ValidationError:
                    moved = False
                if moved != (target in EXPECTED[source]):
                    wrong.append(f"{source.value}→{target.value}: moved={moved}")
                if moved:
                    assert p.status is target
                    assert p.status_changes[-1].from_status == source.value
                    assert p.status_changes[-1].to_status == target.value
                else:
                    assert p.status is source and not p.status_changes
    assert wrong == []


def test_refusal_names_the_allowed_statuses(db) -> None:
    with db.session() as session:
        p = proposal(session, _code(), status=S.RECEIVED)
        with pytest.raises(ValidationError) as err:
            workflow.change_status(session, ADMIN, p, S.APPROVED)
    message = str(err.value)
    assert "Đã tiếp nhận" in message and "Đã chuyển Trung tâm" in message


@pytest.mark.parametrize("target", [S.RETURNED, S.REJECTED, S.WITHDRAWN])
def test_reason_required(db, target: S) -> None:
    with db.session() as session:
        p = proposal(session, _code(), status=S.FORWARDED)
        with pytest.raises(ValidationError) as err:
            workflow.change_status(session, ADMIN, p, target, reason="   ")
        assert "reason" in err.value.problems
        workflow.change_status(session, ADMIN, p, target, reason="Thiếu giấy tờ")
        assert p.status is target


@pytest.mark.parametrize(
    ("source", "target"), [(S.SUBMITTED, S.APPROVED), (S.IMPLEMENTING, S.STOPPED)]
)
def test_decision_required(db, source: S, target: S) -> None:
    with db.session() as session:
        p = proposal(session, _code(), status=source)
        for number, when in (("", date(2026, 10, 1)), ("5/QĐ", None), ("  ", None)):
            with pytest.raises(ValidationError) as err:
                workflow.change_status(
                    session,
                    ADMIN,
                    p,
                    target,
                    reason="Có lý do",
                    decision_no=number,
                    decision_date=when,
                )
            assert "decision_no" in err.value.problems
        workflow.change_status(
            session,
            ADMIN,
            p,
            target,
            reason="Có lý do",
            decision_no="3016/QĐ-UBND",
            decision_date=date(2026, 10, 28),
        )
        change = p.status_changes[-1]
        assert (change.decision_no, change.decision_date) == ("3016/QĐ-UBND", date(2026, 10, 28))


def test_records_who_when_why_and_audits(db) -> None:
    from kcdesk.services.proposals.lookup import get_proposal

    with db.session() as session:
        p = proposal(session, "ĐA-2027-700", status=S.FORWARDED)
        revision = p.revision
        workflow.change_status(session, STAFF, p, S.RETURNED, reason="Thiếu bản cam kết")
        uuid = p.uuid
    with db.session() as session:
        change = session.scalars(select(StatusChange)).one()
        assert (change.username, change.office_code, change.reason) == (
            "canbo",
            "TTKC",
            "Thiếu bản cam kết",
        )
        assert change.at is not None
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_uuid == uuid, AuditEvent.action == "status")
        ).one()
        assert event.changes["status"] == {"old": "forwarded", "new": "returned"}
        assert event.username == "canbo"
        assert get_proposal(session, "ĐA-2027-700").revision == revision + 1


def test_approval_sets_approved_support(db) -> None:
    with db.session() as session:
        p = proposal(session, _code(), status=S.SUBMITTED, support=123_000_000)
        workflow.change_status(
            session, LEADER, p, S.APPROVED, decision_no="1/QĐ", decision_date=date(2026, 10, 30)
        )
        assert p.approved_support == 123_000_000


def test_roles(db) -> None:
    with db.session() as session:
        p = proposal(session, _code(), status=S.SUBMITTED)
        # The appraisal secretary moves clerical statuses, not the chairman's decision.
        with pytest.raises(PermissionDenied):
            workflow.change_status(
                session,
                SECRETARY,
                p,
                S.APPROVED,
                decision_no="1/QĐ",
                decision_date=date(2026, 10, 1),
            )
        assert p.status is S.SUBMITTED
        q = proposal(session, _code(), status=S.AWAITING_APPRAISAL)
        workflow.change_status(session, SECRETARY, q, S.APPRAISED)
        assert q.status is S.APPRAISED


def test_common_targets_for_bulk() -> None:
    assert workflow.common_targets([S.RECEIVED, S.FORWARDED]) == [
        S.RETURNED,
        S.REJECTED,
        S.WITHDRAWN,
    ]
    assert workflow.common_targets([S.SETTLED, S.RECEIVED]) == []
    assert workflow.common_targets([]) == []


def test_bulk_change_keeps_going_past_refusals(db) -> None:
    with db.session() as session:
        a = proposal(session, "ĐA-2027-801", status=S.RECEIVED).code
        b = proposal(session, "ĐA-2027-802", status=S.SETTLED).code
    done, refused = workflow.bulk_change_status(
        db.session, ADMIN, [a, b, "ĐA-1999-999"], S.FORWARDED
    )
    assert done == [a]
    assert set(refused) == {b, "ĐA-1999-999"}
    with db.session() as session:
        statuses = dict(
            session.execute(select(StatusChange.to_status, StatusChange.from_status)).tuples().all()
        )
    assert statuses == {"forwarded": "received"}


def test_cli_status_and_history(db, capsys) -> None:
    with db.session() as session:
        code = proposal(session, "ĐA-2027-900", status=S.SUBMITTED).code
    path = db.url
    assert main(["--db", path, "proposal", "status", code, "--to", "approved"]) == 2
    assert "số và ngày" in capsys.readouterr().err
    rc = main(
        [
            "--db",
            path,
            "proposal",
            "status",
            code,
            "--to",
            "approved",
            "--decision",
            "3016/QĐ-UBND",
            "--decision-date",
            "2026-10-28",
        ]
    )
    assert rc == 0
    assert "Đã phê duyệt" in capsys.readouterr().out
    assert main(["--db", path, "proposal", "status", code, "--to", "received"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert main(["--db", path, "proposal", "status", code, "--to", "nonsense"]) == 2
    assert main(["--db", path, "proposal", "history", code, "--json"]) == 0
    import json

    history = json.loads(capsys.readouterr().out)
    assert [(h["from"], h["to"], h["decision_no"]) for h in history] == [
        ("submitted", "approved", "3016/QĐ-UBND")
    ]
