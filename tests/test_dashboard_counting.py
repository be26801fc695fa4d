"""Counting rules of the dashboard, on hand-made proposals with hand-counted figures."""

from __future__ import annotations

from datetime import date

import pytest

from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.core.errors import UserError
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import drill as dashboard_drill
from kcdesk.services.dashboard.board import expected_share, pace_of
from tests.dashboard_support import MEASURE_ACTIVITY, add_programme, add_proposal, target

S = ProposalStatus
CODE = "TEST-2026-2028"
TODAY = date(2027, 6, 30)


def _scenario(db: Database, measure: str) -> None:
    """Four counted proposals, and as many that must not count, for one measure."""
    activity = MEASURE_ACTIVITY[measure]
    with db.session() as s:
        add_programme(s, [target(measure, measure, (activity,))])
        # Counted: approved (5 planned), accepted (3 planned, 2 achieved),
        # settled (4, 4), implementing (7 planned).
        add_proposal(
            s, year=2026, activity=activity, status=S.APPROVED, outputs={measure: (5, None)}
        )
        add_proposal(s, year=2027, activity=activity, status=S.ACCEPTED, outputs={measure: (3, 2)})
        add_proposal(s, year=2027, activity=activity, status=S.SETTLED, outputs={measure: (4, 4)})
        add_proposal(
            s, year=2026, activity=activity, status=S.IMPLEMENTING, outputs={measure: (7, None)}
        )
        # Not counted: outside the period, not (or no longer) approved, other activity.
        add_proposal(
            s, year=2025, activity=activity, status=S.ACCEPTED, outputs={measure: (100, 100)}
        )
        add_proposal(
            s, year=2029, activity=activity, status=S.APPROVED, outputs={measure: (100, None)}
        )
        for status in (S.RECEIVED, S.SUBMITTED, S.APPRAISED, S.RETURNED, S.REJECTED, S.WITHDRAWN):
            add_proposal(
                s, year=2027, activity=activity, status=status, outputs={measure: (50, None)}
            )
        add_proposal(s, year=2027, activity=activity, status=S.STOPPED, outputs={measure: (60, 1)})
        add_proposal(
            s, year=2027, activity="hop_tac_quoc_te", status=S.ACCEPTED, outputs={measure: (9, 9)}
        )


@pytest.mark.parametrize("measure", sorted(set(MEASURE_ACTIVITY) - {"proposals"}))
def test_every_measure_sums_planned_and_achieved(db: Database, measure: str) -> None:
    _scenario(db, measure)
    with db.session() as s:
        t = dashboard.compute(s, CODE, today=TODAY).target(measure)
    assert t.tracked
    assert (t.approved, t.implemented) == (5 + 3 + 4 + 7, 2 + 4)
    assert t.by_year == {2026: (12, 0), 2027: (7, 6), 2028: (0, 0)}
    assert t.planned == 10


def test_proposals_measure_counts_each_proposal_once(db: Database) -> None:
    # The scenario gives each proposal a "proposals" output of 5, 3, 4, 7: ignored.
    _scenario(db, "proposals")
    with db.session() as s:
        t = dashboard.compute(s, CODE, today=TODAY).target("proposals")
    assert (t.approved, t.implemented) == (4, 2)
    assert t.by_year == {2026: (2, 0), 2027: (2, 2), 2028: (0, 0)}


def test_facilities_fall_back_to_linked_beneficiaries(db: Database) -> None:
    with db.session() as s:
        add_programme(s, [target("F", "facilities", ("may_moc_thiet_bi",))])
        add_proposal(s, year=2026, activity="may_moc_thiet_bi", status=S.APPROVED, facilities=3)
        add_proposal(s, year=2027, activity="may_moc_thiet_bi", status=S.ACCEPTED, facilities=2)
        # A recorded "facilities" output wins over the number of links (4).
        add_proposal(
            s,
            year=2027,
            activity="may_moc_thiet_bi",
            status=S.ACCEPTED,
            facilities=4,
            outputs={"facilities": (1, 1)},
        )
        add_proposal(s, year=2027, activity="may_moc_thiet_bi", status=S.SUBMITTED, facilities=5)
    with db.session() as s:
        t = dashboard.compute(s, CODE, today=TODAY).target("F")
        rows = dashboard_drill.proposals_for_target(s, CODE, "F")
        done = dashboard_drill.proposals_for_target(s, CODE, "F", stage="implemented")
    assert (t.approved, t.implemented) == (3 + 2 + 1, 2 + 1)
    assert sorted(r.quantity for r in rows) == [1, 2, 3]
    assert sorted(r.quantity for r in done) == [1, 2]


def test_target_with_several_activities_adds_them(db: Database) -> None:
    with db.session() as s:
        add_programme(s, [target("M", "models", ("mo_hinh_trinh_dien", "san_xuat_sach_hon"))])
        add_proposal(
            s,
            year=2026,
            activity="mo_hinh_trinh_dien",
            status=S.APPROVED,
            outputs={"models": (2, None)},
        )
        add_proposal(
            s,
            year=2027,
            activity="san_xuat_sach_hon",
            status=S.ACCEPTED,
            outputs={"models": (1, 1)},
        )
        add_proposal(
            s, year=2027, activity="may_moc_thiet_bi", status=S.ACCEPTED, outputs={"models": (5, 5)}
        )
    with db.session() as s:
        t = dashboard.compute(s, CODE, today=TODAY).target("M")
    assert (t.approved, t.implemented) == (3, 1)


def test_untracked_targets_have_no_figures(db: Database) -> None:
    with db.session() as s:
        add_programme(
            s,
            [
                target("rate", "other", ("san_xuat_sach_hon",), quantity=15),
                target("jobs", "jobs", (), quantity=1000),
            ],
        )
        add_proposal(
            s, year=2026, activity="san_xuat_sach_hon", status=S.ACCEPTED, outputs={"other": (3, 3)}
        )
    with db.session() as s:
        data = dashboard.compute(s, CODE, today=TODAY)
        rows = dashboard_drill.proposals_for_target(s, CODE, "rate")
    for code in ("rate", "jobs"):
        t = data.target(code)
        assert not t.tracked
        assert (t.approved, t.implemented, t.percent, t.pace) == (None, None, None, "none")
    assert rows == []


def test_year_filter_counts_one_plan_year(db: Database) -> None:
    _scenario(db, "models")
    with db.session() as s:
        t = dashboard.compute(s, CODE, year=2027, today=TODAY).target("models")
        assert (t.approved, t.implemented) == (3 + 4, 2 + 4)
        assert t.by_year == {2027: (7, 6)}
        with pytest.raises(UserError, match="2025"):
            dashboard.compute(s, CODE, year=2025)


def test_unknown_programme_names_the_codes(db: Database) -> None:
    with db.session() as s, pytest.raises(UserError, match="CB-2026-2030"):
        dashboard.compute(s, "XX-1")


def _budget_scenario(db: Database) -> None:
    mil = 1_000_000
    with db.session() as s:
        add_programme(s, [target("P", "proposals", ("tu_van",))])
        add_proposal(
            s,
            year=2026,
            activity="tu_van",
            status=S.APPROVED,
            approved_support=100 * mil,
            commune="Xã A",
            source="quoc_gia",
        )
        add_proposal(
            s,
            year=2027,
            activity="tu_van",
            status=S.ACCEPTED,
            approved_support=200 * mil,
            disbursed=150 * mil,
            commune="Xã B",
        )
        # Stopped after approval: its support is out, its payments stay spent.
        add_proposal(
            s,
            year=2027,
            activity="may_moc_thiet_bi",
            status=S.STOPPED,
            approved_support=300 * mil,
            disbursed=50 * mil,
            commune="Xã B",
        )
        add_proposal(s, year=2027, activity="tu_van", status=S.SUBMITTED, commune="Xã B")
        add_proposal(
            s,
            year=2025,
            activity="tu_van",
            status=S.ACCEPTED,
            approved_support=999 * mil,
            disbursed=999 * mil,
        )
        add_proposal(
            s,
            year=2028,
            activity="dao_tao_nghe",
            status=S.SETTLED,
            approved_support=40 * mil,
            disbursed=40 * mil,
            commune="Xã A",
            source="cap_xa",
        )


def test_budget_against_approved_and_disbursed(db: Database) -> None:
    mil = 1_000_000
    _budget_scenario(db)
    with db.session() as s:
        data = dashboard.compute(s, CODE, today=TODAY)
    b = data.budget
    assert (b.planned, b.planned_national, b.planned_local) == (5000 * mil, 1000 * mil, 4000 * mil)
    assert b.approved_support == (100 + 200 + 40) * mil
    assert b.disbursed == (150 + 50 + 40) * mil
    by_source = {r.key: (r.approved_count, r.approved_support, r.disbursed) for r in b.by_source}
    assert by_source == {
        "quoc_gia": (1, 100 * mil, 0),
        "dia_phuong": (1, 200 * mil, 200 * mil),
        "cap_xa": (1, 40 * mil, 40 * mil),
    }
    by_year = {r.key: (r.planned, r.approved_support, r.disbursed) for r in data.by_year}
    assert by_year == {
        "2026": (2000 * mil, 100 * mil, 0),
        "2027": (2000 * mil, 200 * mil, 200 * mil),
        "2028": (1000 * mil, 40 * mil, 40 * mil),
    }
    by_commune = {
        r.key: (r.approved_count, r.approved_support, r.disbursed) for r in data.by_commune
    }
    assert by_commune == {"Xã A": (2, 140 * mil, 40 * mil), "Xã B": (1, 200 * mil, 200 * mil)}
    # Largest approved support first.
    assert [r.key for r in data.by_commune] == ["Xã B", "Xã A"]
    by_activity = {r.key: (r.approved_count, r.implemented_count) for r in data.by_activity}
    assert by_activity["tu_van"] == (2, 1)
    assert by_activity["dao_tao_nghe"] == (1, 1)
    assert by_activity["may_moc_thiet_bi"] == (0, 0)


def test_budget_of_one_year_uses_that_years_plan(db: Database) -> None:
    mil = 1_000_000
    _budget_scenario(db)
    with db.session() as s:
        b = dashboard.compute(s, CODE, year=2027, today=TODAY).budget
        rows = dashboard_drill.proposals_for(s, CODE, year=2027, stage="spending")
        approved = dashboard_drill.proposals_for(s, CODE, commune="Xã A")
    assert (b.planned, b.approved_support, b.disbursed) == (2000 * mil, 200 * mil, 200 * mil)
    assert sum(r.disbursed for r in rows) == 200 * mil
    assert sorted(r.approved_support for r in approved) == [40 * mil, 100 * mil]


def test_expected_share_of_the_period() -> None:
    # 2026-2030: 365 + 365 + 366 + 365 + 365 = 1826 days.
    assert expected_share(2026, 2030, date(2025, 12, 31)) == 0.0
    assert expected_share(2026, 2030, date(2026, 1, 1)) == 1 / 1826
    assert expected_share(2026, 2030, date(2026, 12, 31)) == 365 / 1826
    assert expected_share(2026, 2030, date(2030, 12, 31)) == 1.0
    assert expected_share(2026, 2030, date(2031, 5, 1)) == 1.0


def test_pace_categories() -> None:
    assert pace_of(10, 10, 10, 0.5) == "done"
    assert pace_of(10, 6, 5, 0.5) == "on_track"
    assert pace_of(10, 5, 4, 0.5) == "catalogued"
    assert pace_of(10, 4, 4, 0.5) == "behind"
    assert pace_of(None, 4, 4, 0.5) == "no_plan"
    assert pace_of(0, 4, 4, 0.5) == "no_plan"
    assert pace_of(10, None, None, 0.5) == "none"


def test_dashboard_pace_follows_today(db: Database) -> None:
    _scenario(db, "models")  # planned 10, approved 19, implemented 6
    with db.session() as s:
        early = dashboard.compute(s, CODE, today=date(2026, 3, 1)).target("models")
        late = dashboard.compute(s, CODE, today=date(2028, 12, 31)).target("models")
    assert early.pace == "on_track"  # 6/10 done while little time has passed
    assert late.pace == "catalogued"  # the period is over, 19 approved but 6 done
    assert early.percent == 0.6
