"""Appraisal services: council set-up, score checks, averages, pass marks, majority, recording."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kcdesk.models import AuditEvent, ProposalStatus, Role
from kcdesk.models.appraisal import CriterionScore, MemberRole, ScoreSheet
from kcdesk.models.db import Database
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.results import (
    majority_conclusion,
    record_results,
    session_results,
)
from kcdesk.services.appraisal.scores import (
    SheetInput,
    enter_scores,
    format_points,
    parse_points,
    save_grid,
)
from kcdesk.services.core import audit
from kcdesk.services.core.errors import PermissionDenied, ValidationError
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.appraisal_support import add_proposal, make_council, points

ORDER = ["ho_tro", "ho_tro_dieu_chinh", "khong_ho_tro"]


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_session_copies_the_criteria_set_and_audits(db: Database) -> None:
    with db.session() as session:
        council = make_council(session)
        spec = appraisal.criteria_of(council.session)
        assert [c.max_points for c in spec.criteria] == [20, 25, 20, 15, 10, 10]
        assert spec.pass_mark == 70
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_uuid == council.session.uuid)
        ).all()
        assert actions.count("member-add") == 4
        assert actions.count("agenda-add") == 3
        assert "create" in actions
        assert audit.verify_chain(session) is None


def test_one_chair_and_one_secretary(db: Database) -> None:
    with db.session() as session:
        council = make_council(session)
        with pytest.raises(ValidationError, match="chủ tịch"):
            appraisal.add_member(
                session, SYSTEM, council.session, name="Ma Văn Toản", role=MemberRole.CHAIR
            )
        with pytest.raises(ValidationError, match="thư ký"):
            appraisal.add_member(
                session, SYSTEM, council.session, name="Ma Văn Toản", role=MemberRole.SECRETARY
            )


def test_agenda_takes_only_proposals_awaiting_appraisal(db: Database) -> None:
    with db.session() as session:
        council = make_council(session)
        received = add_proposal(
            session,
            "ĐA-2027-009",
            "Đề án mới nhận",
            10_000_000,
            "Hộ kinh doanh A",
            status=ProposalStatus.RECEIVED,
        )
        with pytest.raises(ValidationError, match="Chờ thẩm định"):
            appraisal.add_item(session, SYSTEM, council.session, received)
        with pytest.raises(ValidationError, match="đã có trong chương trình"):
            appraisal.add_item(session, SYSTEM, council.session, council.items[0].proposal)


def test_average_is_over_members_who_scored_all_criteria(db: Database) -> None:
    with db.session() as session:
        c = make_council(session)
        item = c.items[0]
        enter_scores(session, SYSTEM, item, c.members[0], points(20, 25, 20, 15, 10, 10))  # 100
        enter_scores(session, SYSTEM, item, c.members[1], points(10, 12.5, 10, 7.5, 5, 5))  # 50
        enter_scores(session, SYSTEM, item, c.members[2], points(15, 20, 15, 10, 7, 8))  # 75
        # Member 4 filled half a sheet: reported, not counted.
        enter_scores(session, SYSTEM, item, c.members[3], {"phu_hop": 1, "ho_so": 1})
        result = next(r for r in session_results(c.session) if r.item is item)
        assert result.members_scored == 3
        assert result.average == Decimal("75.00")  # (100 + 50 + 75) / 3
        assert result.partial == ["Bế Thị Mai"]
        assert result.passed is True


@pytest.mark.parametrize(
    ("totals", "expected_average", "passed"),
    [
        # Two members; pass mark 70. Exactly 70 passes, 69,5 fails.
        (((20, 25, 20, 5, 0, 0), (20, 25, 20, 5, 0, 0)), Decimal("70.00"), True),
        (((20, 25, 20, 5, 0, 0), (20, 25, 20, 4, 0, 0)), Decimal("69.50"), False),
        # 71 + 70 + 70 over three → 70,333… → 70,33 (two decimals, half up).
        (
            ((20, 25, 20, 6, 0, 0), (20, 25, 20, 5, 0, 0), (20, 25, 20, 5, 0, 0)),
            Decimal("70.33"),
            True,
        ),
    ],
)
def test_pass_mark_boundary(
    db: Database, totals: tuple[tuple[int, ...], ...], expected_average: Decimal, passed: bool
) -> None:
    with db.session() as session:
        c = make_council(session)
        item = c.items[1]
        for member, row in zip(c.members, totals, strict=False):
            enter_scores(session, SYSTEM, item, member, points(*row))
        result = next(r for r in session_results(c.session) if r.item is item)
        assert result.average == expected_average
        assert result.passed is passed


def test_conflicted_member_is_left_out_and_refused(db: Database) -> None:
    with db.session() as session:
        c = make_council(session)
        item = c.items[0]
        appraisal.declare_conflict(session, SYSTEM, item, c.members[2], "Là cổ đông của đơn vị")
        before = _count(session, CriterionScore)
        with pytest.raises(ValidationError, match="xung đột lợi ích"):
            enter_scores(session, SYSTEM, item, c.members[2], points(20, 25, 20, 15, 10, 10))
        assert _count(session, CriterionScore) == before
        enter_scores(session, SYSTEM, item, c.members[0], points(10, 10, 10, 10, 10, 10))
        result = next(r for r in session_results(c.session) if r.item is item)
        assert result.conflicted == ["Lục Văn Đức"]
        assert "Lục Văn Đức" not in result.missing
        assert [m.name for m in appraisal.scoring_members(item)] == [
            "Nông Văn Hùng",
            "Hoàng Thị Lan",
            "Bế Thị Mai",
        ]


def test_conflict_after_scores_is_refused(db: Database) -> None:
    with db.session() as session:
        c = make_council(session)
        enter_scores(session, SYSTEM, c.items[0], c.members[1], points(1, 1, 1, 1, 1, 1))
        with pytest.raises(ValidationError, match="đã có điểm"):
            appraisal.declare_conflict(session, SYSTEM, c.items[0], c.members[1], "Họ hàng")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (21, "lớn hơn điểm tối đa 20"),
        (-1, "số âm"),
        ("abc", "không phải là số điểm"),
        ("7,25", "một chữ số thập phân"),
    ],
)
def test_bad_score_saves_nothing(db: Database, cell: object, message: str) -> None:
    with db.session() as session:
        c = make_council(session)
        item = c.items[0]
        grid = {
            c.members[0].id: SheetInput(points(10, 10, 10, 10, 10, 10), "ho_tro"),
            c.members[1].id: SheetInput({**points(10, 10, 10, 10, 10, 10), "phu_hop": cell}),  # type: ignore[dict-item]
        }
        events = _count(session, AuditEvent)
        with pytest.raises(ValidationError, match=message):
            save_grid(session, SYSTEM, item, grid)
        # The good sheet of member 1 was not saved either.
        assert _count(session, ScoreSheet) == 0
        assert _count(session, CriterionScore) == 0
        assert _count(session, AuditEvent) == events


def test_session_without_members_is_refused(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=0)
        with pytest.raises(ValidationError, match="chưa có thành viên"):
            save_grid(session, SYSTEM, c.items[0], {})
        with pytest.raises(ValidationError, match="chưa có thành viên"):
            record_results(session, SYSTEM, c.session)
        assert _count(session, ScoreSheet) == 0
        assert c.items[0].proposal.status is ProposalStatus.AWAITING_APPRAISAL


def test_unknown_conclusion_refused(db: Database) -> None:
    with db.session() as session:
        c = make_council(session)
        with pytest.raises(ValidationError, match="kết luận"):
            enter_scores(
                session,
                SYSTEM,
                c.items[0],
                c.members[0],
                points(1, 1, 1, 1, 1, 1),
                conclusion="cho_tien",
            )


def test_parse_and_format_points() -> None:
    assert parse_points("7,5") == Decimal("7.5")
    assert parse_points(" 12 ") == Decimal(12)
    assert parse_points("") is None
    assert parse_points(14.3) == Decimal("14.3")
    assert format_points(Decimal("7.5")) == "7,5"
    assert format_points(Decimal("17.0")) == "17"
    with pytest.raises(ValueError, match="tối đa 10"):
        parse_points("10,5", maximum=10)


@pytest.mark.parametrize(
    ("votes", "chair", "expected"),
    [
        (["ho_tro", "ho_tro", "khong_ho_tro"], None, "ho_tro"),  # plain majority
        (["ho_tro", "khong_ho_tro"], "ho_tro", "ho_tro"),  # tie: chair decides
        (["ho_tro", "khong_ho_tro"], "khong_ho_tro", "khong_ho_tro"),
        # Tie without the chair among the tied: the less favourable one.
        (
            ["ho_tro", "ho_tro_dieu_chinh", "khong_ho_tro", "khong_ho_tro", "ho_tro"],
            "ho_tro_dieu_chinh",
            "khong_ho_tro",
        ),
        (["ho_tro", "ho_tro_dieu_chinh"], None, "ho_tro_dieu_chinh"),
        ([], None, None),
    ],
)
def test_majority_rules(votes: list[str], chair: str | None, expected: str | None) -> None:
    assert majority_conclusion(votes, ORDER, chair) == expected


def test_majority_uses_the_chairs_vote_in_a_real_session(db: Database) -> None:
    with db.session() as session:
        c = make_council(session)
        item = c.items[0]
        full = points(15, 20, 15, 10, 5, 5)
        enter_scores(session, SYSTEM, item, c.members[0], full, conclusion="ho_tro_dieu_chinh")
        enter_scores(session, SYSTEM, item, c.members[1], full, conclusion="ho_tro")
        enter_scores(session, SYSTEM, item, c.members[2], full, conclusion="ho_tro")
        enter_scores(session, SYSTEM, item, c.members[3], full, conclusion="ho_tro_dieu_chinh")
        result = next(r for r in session_results(c.session) if r.item is item)
        assert result.conclusion == "ho_tro_dieu_chinh"  # chair Nông Văn Hùng broke the tie
        assert result.conclusion_label == "Đề nghị hỗ trợ có điều chỉnh"


def test_ranking_shares_ranks_and_puts_unscored_last(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=2)
        first, second, third = c.items
        for member in c.members:
            enter_scores(session, SYSTEM, first, member, points(10, 10, 10, 10, 10, 10))  # 60
            enter_scores(session, SYSTEM, second, member, points(10, 10, 10, 10, 10, 10))  # 60
        results = session_results(c.session)
        assert [r.rank for r in results] == [1, 1, None]
        assert results[-1].item is third
        enter_scores(session, SYSTEM, third, c.members[0], points(20, 25, 20, 15, 10, 10))
        results = session_results(c.session)
        assert [(r.item.proposal.code, r.rank) for r in results] == [
            ("ĐA-2027-003", 1),
            ("ĐA-2027-001", 2),
            ("ĐA-2027-002", 2),
        ]


def test_record_results_moves_to_appraised_with_the_verdict(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=2)
        good, bad, third = c.items
        for member in c.members:
            enter_scores(
                session, SYSTEM, good, member, points(18, 22, 18, 12, 8, 8), conclusion="ho_tro"
            )
            enter_scores(
                session, SYSTEM, bad, member, points(10, 10, 10, 5, 5, 5), conclusion="khong_ho_tro"
            )
        # The third has no sheet: recording everything is refused, nothing changes.
        with pytest.raises(ValidationError, match="ĐA-2027-003: chưa có phiếu"):
            record_results(session, SYSTEM, c.session)
        assert good.proposal.status is ProposalStatus.AWAITING_APPRAISAL
        assert good.recorded_at is None
        done = record_results(session, SYSTEM, c.session, codes=["ĐA-2027-001", "ĐA-2027-002"])
        assert {r.code for r in done} == {"ĐA-2027-001", "ĐA-2027-002"}
        assert good.proposal.status is ProposalStatus.APPRAISED
        assert bad.proposal.status is ProposalStatus.APPRAISED
        assert third.proposal.status is ProposalStatus.AWAITING_APPRAISAL
        assert good.passed is True and good.average == Decimal("86.00")
        assert bad.passed is False and bad.average == Decimal("45.00")
        good_reason = good.proposal.status_changes[-1].reason
        bad_reason = bad.proposal.status_changes[-1].reason
        assert good_reason.startswith("Đạt: điểm bình quân 86/100")
        assert "Đề nghị hỗ trợ" in good_reason
        assert bad_reason.startswith("Không đạt: điểm bình quân 45/100")
        # Recorded items are locked.
        with pytest.raises(ValidationError, match="đã ghi kết quả"):
            enter_scores(session, SYSTEM, good, c.members[0], points(1, 1, 1, 1, 1, 1))


def test_partial_sheet_blocks_recording(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=2)
        item = c.items[0]
        enter_scores(session, SYSTEM, item, c.members[0], points(18, 22, 18, 12, 8, 8))
        enter_scores(session, SYSTEM, item, c.members[1], {"phu_hop": 10})
        with pytest.raises(ValidationError, match="chưa đủ điểm của Hoàng Thị Lan"):
            record_results(session, SYSTEM, c.session, codes=["ĐA-2027-001"])
        assert item.proposal.status is ProposalStatus.AWAITING_APPRAISAL


def test_leader_may_not_enter_scores(db: Database) -> None:
    leader = Actor("lanhdao", Role.LEADER)
    with db.session() as session:
        c = make_council(session)
        with pytest.raises(PermissionDenied):
            enter_scores(session, leader, c.items[0], c.members[0], points(1, 1, 1, 1, 1, 1))
        with pytest.raises(PermissionDenied):
            appraisal.create_session(session, leader, name="X", plan_year=2027)


def test_contest_set_scores_against_its_own_maxima(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=2, criteria="san_pham_cnnt_tieu_bieu")
        item = c.items[0]
        with pytest.raises(ValidationError, match="tối đa 10"):
            enter_scores(
                session,
                SYSTEM,
                item,
                c.members[0],
                {"thi_truong": 40, "kinh_te_ky_thuat": 40, "van_hoa_tham_my": 11, "khac": 0},
            )
        enter_scores(
            session,
            SYSTEM,
            item,
            c.members[0],
            {"thi_truong": 35, "kinh_te_ky_thuat": 30, "van_hoa_tham_my": 5, "khac": 0},
        )
        enter_scores(
            session,
            SYSTEM,
            item,
            c.members[1],
            {"thi_truong": 35, "kinh_te_ky_thuat": 30, "van_hoa_tham_my": 4, "khac": 0},
        )
        result = next(r for r in session_results(c.session) if r.item is item)
        assert result.average == Decimal("69.50")  # (70 + 69) / 2, below 70
        assert result.passed is False


def test_demo_council_is_consistent_with_statuses(demo_db: Database) -> None:
    with demo_db.session() as session:
        sessions = appraisal.list_sessions(session, 2027)
        assert len(sessions) == 1
        s = sessions[0]
        assert 5 <= len(s.members) <= 9
        assert {m.role for m in s.members} >= {MemberRole.CHAIR, MemberRole.SECRETARY}
        results = session_results(s)
        assert results
        spec = appraisal.criteria_of(s)
        for r in results:
            status = r.item.proposal.status
            assert status in {ProposalStatus.AWAITING_APPRAISAL, ProposalStatus.APPRAISED}
            if status is ProposalStatus.APPRAISED:
                # Every member without a conflict has a complete sheet.
                assert r.members_scored == len(s.members) - len(r.conflicted)
                assert not r.partial and not r.missing
                assert r.item.recorded_at is not None
                assert r.item.passed == (r.average is not None and r.average >= spec.pass_mark)
        assert any(r.average is None for r in results)  # part of the agenda not yet scored


def test_removing_members_and_items_takes_their_sheets(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=3)
        for item in c.items[:2]:
            for member in c.members[1:]:
                enter_scores(session, SYSTEM, item, member, points(1, 1, 1, 1, 1, 1))
        appraisal.remove_member(session, SYSTEM, c.members[1])
        results = session_results(c.session)
        assert [r.members_scored for r in results if r.item is c.items[0]] == [1]
        appraisal.remove_item(session, SYSTEM, c.items[1])
        assert len(c.members[2].sheets) == 1
    with db.session() as session:
        s = appraisal.list_sessions(session)[0]
        assert [m.name for m in s.members] == ["Nông Văn Hùng", "Lục Văn Đức"]
        assert [i.proposal.code for i in s.items] == ["ĐA-2027-001", "ĐA-2027-003"]
        assert _count(session, ScoreSheet) == 1
        assert _count(session, CriterionScore) == 6


def test_recorded_results_protect_members_and_items(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=1)
        enter_scores(session, SYSTEM, c.items[0], c.members[0], points(20, 25, 20, 15, 10, 10))
        record_results(session, SYSTEM, c.session, codes=["ĐA-2027-001"])
        with pytest.raises(ValidationError, match="đã ghi kết quả"):
            appraisal.remove_member(session, SYSTEM, c.members[0])
        with pytest.raises(ValidationError, match="đã ghi kết quả"):
            appraisal.remove_item(session, SYSTEM, c.items[0])


def test_a_proposal_sits_on_one_open_agenda_only(db: Database) -> None:
    with db.session() as session:
        c = make_council(session, members=1)
        other = appraisal.create_session(session, SYSTEM, name="Hội đồng thứ hai", plan_year=2027)
        assert appraisal.available_proposals(session, other) == []
        with pytest.raises(ValidationError, match="chưa ghi kết quả"):
            appraisal.add_item(session, SYSTEM, other, c.items[0].proposal)
        appraisal.remove_item(session, SYSTEM, c.items[0])
        assert [p.code for p in appraisal.available_proposals(session, other)] == ["ĐA-2027-001"]
