"""The dashboard on the three seed programmes: warnings, pollution targets, drill-down sums."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database
from kcdesk.paths import install_root
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import drill as dashboard_drill
from kcdesk.services.programmes import store as programmes
from kcdesk.services.programmes.file import KNOWN_ACTIVITIES
from tests.dashboard_support import add_proposal

SEEDS = ("CB-2026-2030", "KH-2026-2030", "HD-2023-2025")
POLLUTION_TARGETS = {"CB-2026-2030": "IV.6", "KH-2026-2030": "III.3-2", "HD-2023-2025": "V.3-2"}


def test_known_activities_are_exactly_the_forms_activities() -> None:
    forms = install_root() / "forms" / "activities.toml"
    codes = {a["code"] for a in tomllib.loads(forms.read_text("utf-8"))["activity"]}
    assert codes == KNOWN_ACTIVITIES
    assert "xu_ly_o_nhiem_moi_truong" in KNOWN_ACTIVITIES


def test_seed_warnings_on_the_dashboard(db: Database) -> None:
    with db.session() as s:
        boards = {code: dashboard.compute(s, code, today=date(2027, 1, 1)) for code in SEEDS}
    # Cao Bằng: 4 + 19 + 2 + 3 + 4 = 32, no amounts. Hải Dương: no figures to add up.
    assert boards["CB-2026-2030"].warnings == []
    assert boards["HD-2023-2025"].warnings == []
    # Khánh Hòa: 3.135.000.000 + 33.248.300.000 = 36.383.300.000 ≠ 36.383.000.000.
    (warning,) = boards["KH-2026-2030"].warnings
    assert warning.kind == "budget_sources"
    assert "300.000 đồng" in warning.message
    assert boards["KH-2026-2030"].budget.planned == 36_383_000_000


def test_every_seed_target_is_on_the_dashboard(db: Database) -> None:
    with db.session() as s:
        for code in SEEDS:
            stored = [t.code for t in programmes.get_programme(s, code).targets]
            data = dashboard.compute(s, code)
            assert [t.code for t in data.targets] == stored
            # With no proposals every tracked target reads 0, never None.
            assert all((t.approved, t.implemented) == (0, 0) for t in data.targets if t.tracked)


def test_parts_warning_follows_an_edited_target(db: Database) -> None:
    from kcdesk.services.security.actor import SYSTEM

    with db.session() as s:
        programmes.update_target(s, SYSTEM, "CB-2026-2030", "IV.6", quantity=5)
    with db.session() as s:
        warnings = dashboard.compute(s, "CB-2026-2030").warnings
    assert [w.kind for w in warnings] == ["target_parts"]
    assert "34" in warnings[0].message and "«II.2-1»" in warnings[0].message


@pytest.mark.parametrize("code", SEEDS)
def test_pollution_targets_count_pollution_treatment(db: Database, code: str) -> None:
    year = 2025 if code.startswith("HD") else 2027
    with db.session() as s:
        add_proposal(
            s,
            year=year,
            activity="xu_ly_o_nhiem_moi_truong",
            status=ProposalStatus.ACCEPTED,
            outputs={"facilities": (2, 2)},
            programme=code,  # a proposal belongs to one programme (issue 18)
        )
        add_proposal(
            s,
            year=year,
            activity="san_xuat_sach_hon",
            status=ProposalStatus.APPROVED,
            outputs={"facilities": (7, None)},
            programme=code,
        )
    with db.session() as s:
        data = dashboard.compute(s, code)
    pollution = data.target(POLLUTION_TARGETS[code])
    assert pollution.activities == ("xu_ly_o_nhiem_moi_truong",)
    assert (pollution.approved, pollution.implemented) == (2, 2)
    if code == "CB-2026-2030":
        # Cleaner production (IV.3.b) counts only its own activity; the 32-facility
        # target II.2-1 counts both.
        assert (data.target("IV.3.b").approved, data.target("IV.3.b").implemented) == (7, 0)
        assert data.target("II.2-1").approved == 9


@pytest.mark.parametrize("code", SEEDS)
def test_drill_down_adds_up_to_every_figure(demo_db: Database, code: str) -> None:
    with demo_db.session() as s:
        data = dashboard.compute(s, code)
        tracked = [t for t in data.targets if t.tracked]
        assert tracked
        for t in tracked:
            approved = dashboard_drill.proposals_for_target(s, code, t.code)
            done = dashboard_drill.proposals_for_target(s, code, t.code, stage="implemented")
            assert sum(r.quantity or 0 for r in approved) == t.approved, t.code
            assert sum(r.quantity or 0 for r in done) == t.implemented, t.code
            assert all(r.activity in t.activities for r in approved)
            assert {r.code for r in done} <= {r.code for r in approved}
        for row in data.by_activity:
            rows = dashboard_drill.proposals_for(s, code, activity=row.key, stage="spending")
            approved_rows = dashboard_drill.proposals_for(s, code, activity=row.key)
            assert sum(r.disbursed for r in rows) == row.disbursed
            assert sum(r.approved_support for r in approved_rows) == row.approved_support
            assert len(approved_rows) == row.approved_count


def test_demo_database_shows_real_numbers(demo_db: Database) -> None:
    """The seeded demo (plan years 2025-2027) fills the 2026-2030 programmes."""
    with demo_db.session() as s:
        data = dashboard.compute(s, "CB-2026-2030")
    tracked = [t for t in data.targets if t.tracked]
    assert sum(t.approved or 0 for t in tracked) > 0
    assert sum(t.implemented or 0 for t in tracked) > 0
    assert data.budget.approved_support > 0
    assert sum(r.approved_count for r in data.by_year) > 0
