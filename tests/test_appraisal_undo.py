"""Huỷ kết quả đã ghi (issue 20 §5): service and CLI, on both engines.

A recorded appraisal result goes back to "Chờ thẩm định" with its sheets unlocked,
audited, until a frozen catalogue version lists the proposal.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus, Role
from kcdesk.models.db import Database
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.results import record_results
from kcdesk.services.appraisal.scores import enter_scores
from kcdesk.services.appraisal.undo import undo_results
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.core.errors import PermissionDenied, ValidationError
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.appraisal_support import make_council, points, score_first_two

GOOD, BAD, THIRD = "ĐA-2027-001", "ĐA-2027-002", "ĐA-2027-003"


def _recorded(db: Database) -> int:
    """A council of two with the first two proposals scored and recorded; its id."""
    with db.session() as session:
        c = make_council(session, members=2)
        score_first_two(session, c)
        record_results(session, SYSTEM, c.session, codes=[GOOD, BAD])
        return c.session.id


def test_undo_returns_the_proposal_and_unlocks_the_sheets(db: Database) -> None:
    sid = _recorded(db)
    with db.session() as session:
        s = appraisal.get_session(session, sid)
        assert undo_results(session, SYSTEM, s, [GOOD], reason="Nhập nhầm điểm của thành viên") == [
            GOOD
        ]
    with db.session() as session:
        s = appraisal.get_session(session, sid)
        good, bad = s.items[0], s.items[1]
        assert good.recorded_at is None and good.average is None and good.passed is None
        assert good.conclusion is None
        assert good.proposal.status is ProposalStatus.AWAITING_APPRAISAL
        last = good.proposal.status_changes[-1]
        assert (last.from_status, last.to_status) == ("appraised", "awaiting_appraisal")
        assert last.reason == "Nhập nhầm điểm của thành viên"
        # The other recorded result stays.
        assert bad.recorded_at is not None and bad.proposal.status is ProposalStatus.APPRAISED
        # The sheets are kept and can be corrected, then recorded again.
        assert len(good.sheets) == 2
        enter_scores(
            session, SYSTEM, good, s.members[0], points(17, 22, 18, 12, 8, 8), conclusion="ho_tro"
        )
        assert [r.code for r in record_results(session, SYSTEM, s, codes=[GOOD])] == [GOOD]
        assert good.proposal.status is ProposalStatus.APPRAISED
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "appraisal_session")
        ).all()
        assert "results-undo" in actions


def test_undo_refuses_what_was_not_recorded_and_changes_nothing(db: Database) -> None:
    sid = _recorded(db)
    with db.session() as session:
        s = appraisal.get_session(session, sid)
        with pytest.raises(ValidationError, match=f"Đề án {THIRD} chưa ghi kết quả"):
            undo_results(session, SYSTEM, s, [GOOD, THIRD])
        with pytest.raises(ValidationError, match="Không có trong chương trình họp"):
            undo_results(session, SYSTEM, s, ["ĐA-2027-999"])
        with pytest.raises(ValidationError, match="Chọn ít nhất một đề án"):
            undo_results(session, SYSTEM, s, [])
    with db.session() as session:
        assert proposals.get_proposal(session, GOOD).status is ProposalStatus.APPRAISED


def test_leader_may_not_undo(db: Database) -> None:
    sid = _recorded(db)
    with db.session() as session:
        s = appraisal.get_session(session, sid)
        with pytest.raises(PermissionDenied):
            undo_results(session, Actor("lanhdao", Role.LEADER), s, [GOOD])


def test_undo_refused_once_the_catalogue_is_submitted_until_it_comes_back(db: Database) -> None:
    sid = _recorded(db)
    with db.session() as session:
        catalogue.submit(session, SYSTEM, 2027, "dia_phuong")
    with db.session() as session:
        s = appraisal.get_session(session, sid)
        with pytest.raises(ValidationError) as refused:
            undo_results(session, SYSTEM, s, [GOOD])
        message = str(refused.value)
        assert "\n" not in message
        assert f"Đề án {GOOD} đã có trong danh mục năm 2027 (bản đã trình số 1)" in message
    # The Department sends the catalogue back: the Centre may appraise again.
    with db.session() as session:
        catalogue.reopen(session, SYSTEM, 2027, "dia_phuong", reason="Sở trả lại để bổ sung")
    with db.session() as session:
        s = appraisal.get_session(session, sid)
        assert undo_results(session, SYSTEM, s, [GOOD]) == [GOOD]


def test_undo_refused_once_the_catalogue_is_approved(db: Database) -> None:
    sid = _recorded(db)
    with db.session() as session:
        catalogue.approve(
            session,
            SYSTEM,
            2027,
            "dia_phuong",
            decision_no="1234/QĐ-UBND",
            decision_date=date(2026, 10, 20),
        )
    with db.session() as session:
        s = appraisal.get_session(session, sid)
        with pytest.raises(ValidationError, match="bản đã phê duyệt số 1"):
            undo_results(session, SYSTEM, s, [GOOD])
        assert s.items[0].recorded_at is not None


def test_cli_undo(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    sid = _recorded(db)
    argv = ["--db", db.url, "appraisal", "undo", "--session", str(sid)]
    assert main([*argv, GOOD, "--reason", "Chấm lại"]) == 0
    out = capsys.readouterr().out
    assert f"Đã huỷ kết quả thẩm định của 1 đề án ({GOOD})" in out
    with db.session() as session:
        assert proposals.get_proposal(session, GOOD).status is ProposalStatus.AWAITING_APPRAISAL
    # Twice: one line saying why, nothing changed.
    assert main([*argv, GOOD]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"Đề án {GOOD} chưa ghi kết quả thẩm định" in err
