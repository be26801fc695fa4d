"""Every programme target counted on its own (issue 18 §2): outputs recorded against a
target of the proposal's programme; only that programme's proposals count; the
migration maps what is unambiguous and lists the rest; demo figures per target."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from kcdesk.cli.main import main
from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database, make_engine, migrate, open_database, resolve_url
from kcdesk.reports.dashboard.xlsx import write_dashboard_xlsx
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import drill
from kcdesk.services.dashboard.periodic import compute_period
from kcdesk.services.programmes import membership
from kcdesk.services.proposals.validation import errors, validate_all
from kcdesk.services.security.actor import SYSTEM
from tests.dashboard_support import add_proposal
from tests.proposal_factory import machine_input, make_facility

S = ProposalStatus
CB, KH = "CB-2026-2030", "KH-2026-2030"
TODAY = date(2027, 6, 30)


def _products(s: object, status: S, targets: dict[str, tuple[int, int | None]]) -> None:
    add_proposal(
        s,  # type: ignore[arg-type]
        year=2026,
        activity="binh_chon_san_pham",
        status=status,
        programme=CB,
        targets=targets,
        accepted_at=datetime(2026, 11, 1) if status is S.ACCEPTED else None,
    )


def test_products_recognised_at_each_level_are_counted_apart(db: Database) -> None:
    """Cao Bằng II.2-6/7/8: provincial, regional, national — same activity and measure."""
    with db.session() as s:
        _products(s, S.ACCEPTED, {"II.2-6": (6, 5), "II.2-7": (2, 2)})
        _products(s, S.APPROVED, {"II.2-6": (4, None), "II.2-8": (1, None)})
    with db.session() as s:
        d = dashboard.compute(s, CB, today=TODAY)
        figures = {
            c: (d.target(c).approved, d.target(c).implemented) for c in (t.code for t in d.targets)
        }
        rows = drill.proposals_for_target(s, CB, "II.2-7")
        period = compute_period(s, CB, date(2026, 1, 1), date(2026, 12, 31))
    assert figures["II.2-6"] == (10, 5)
    assert figures["II.2-7"] == (2, 2)
    assert figures["II.2-8"] == (1, 0)
    assert [r.quantity for r in rows] == [2]
    by_code = {t.code: t for t in period.targets}
    assert (by_code["II.2-6"].plan, by_code["II.2-6"].done) == (10, 5)
    assert (by_code["II.2-7"].plan, by_code["II.2-7"].done) == (2, 2)
    assert (by_code["II.2-8"].plan, by_code["II.2-8"].done) == (1, 0)


@pytest.mark.parametrize(
    ("programme", "activity", "codes"),
    [
        (CB, "binh_chon_san_pham", ("IV.4.a", "IV.4.b", "IV.4.c")),
        (CB, "thong_tin_truyen_thong", ("IV.5.a", "IV.5.b")),
        (CB, "tu_van", ("IV.2.a", "IV.2.b")),
        (KH, "thong_tin_truyen_thong", ("III.5-1", "III.5-2", "III.5-3", "III.5-4", "III.5-5")),
        (KH, "nang_luc_khuyen_cong", ("III.6-1", "III.6-2", "III.6-3")),
        (KH, "san_xuat_sach_hon", ("III.7-1", "III.7-2")),
    ],
)
def test_targets_sharing_activity_and_measure_each_have_their_figure(
    db: Database, programme: str, activity: str, codes: tuple[str, ...]
) -> None:
    with db.session() as s:
        owner = membership.get(s, programme)
        offered = {t.code for t in membership.offered_targets(owner, activity)}
        assert set(codes) <= offered
        add_proposal(
            s,
            year=2027,
            activity=activity,
            status=S.APPROVED,
            programme=programme,
            targets={code: (n + 1, None) for n, code in enumerate(codes)},
        )
    with db.session() as s:
        d = dashboard.compute(s, programme, today=TODAY)
        for n, code in enumerate(codes):
            assert d.target(code).approved == n + 1, code
            assert sum(r.quantity or 0 for r in drill.proposals_for_target(s, programme, code)) == (
                n + 1
            )


def test_only_the_programmes_own_proposals_count(db: Database) -> None:
    with db.session() as s:
        for programme in (CB, KH):
            add_proposal(
                s,
                year=2027,
                activity="may_moc_thiet_bi",
                status=S.APPROVED,
                programme=programme,
                approved_support=100_000_000,
                facilities=2,
            )
    with db.session() as s:
        cb = dashboard.compute(s, CB, today=TODAY)
        kh = dashboard.compute(s, KH, today=TODAY)
        cb_rows = drill.proposals_for(s, CB, activity="may_moc_thiet_bi")
    assert cb.budget.approved_support == kh.budget.approved_support == 100_000_000
    assert cb.target("IV.3.c").approved == 2
    assert kh.target("III.1-2").approved == 2
    assert len(cb_rows) == 1


def test_a_target_made_of_parts_adds_its_parts(db: Database) -> None:
    with db.session() as s:
        add_proposal(
            s, year=2027, activity="may_moc_thiet_bi", status=S.APPROVED, programme=CB, facilities=3
        )
        add_proposal(
            s,
            year=2027,
            activity="mo_hinh_trinh_dien",
            status=S.APPROVED,
            programme=CB,
            targets={"IV.3.d": (1, None)},
        )
    with db.session() as s:
        d = dashboard.compute(s, CB, today=TODAY)
        rows = drill.proposals_for_target(s, CB, "II.2-1")
    assert d.target("IV.3.c").approved == 3
    assert d.target("II.2-1").approved == 4  # IV.3.c + IV.3.d (+ the other parts: 0)
    assert sorted(r.quantity or 0 for r in rows) == [1, 3]


def test_wizard_offers_only_targets_its_activity_counts(db: Database) -> None:
    with db.session() as s:
        facility = make_facility(s)
        data = machine_input(facility.uuid)
        data.target_outputs = {"IV.3.c": 1}
        assert not errors(validate_all(s, data))
        data.target_outputs = {"II.2-6": 3}  # products: not a machinery target
        found = [p for p in errors(validate_all(s, data)) if p.field == "target_outputs.II.2-6"]
        assert len(found) == 1 and "không" in found[0].message


def test_notes_are_shown_with_the_target(
    db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--db", db.url, "programme", "show", KH]) == 0
    out = capsys.readouterr().out
    assert "3 brochure" in out
    assert main(["--db", db.url, "programme", "show", KH, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "3 brochure" in next(t for t in data["targets"] if t["code"] == "III.5-3")["note"]
    with db.session() as s:
        d = dashboard.compute(s, KH, today=TODAY)
    assert "3 brochure" in d.target("III.5-3").display_name
    path = tmp_path / "bảng.xlsx"
    write_dashboard_xlsx(d, path)
    cells = [c.value for row in load_workbook(path).worksheets[0].iter_rows() for c in row]
    assert any(isinstance(v, str) and "3 brochure" in v for v in cells)


# --- migration 0010 --------------------------------------------------------------------


def test_migration_maps_unambiguous_outputs_and_lists_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "cu.sqlite"
    engine = make_engine(resolve_url(path))
    migrate(engine, "0009_implementation")
    now = "2026-01-01 00:00:00"
    synced = "'TTKC', 1, '" + now + "', '" + now + "'"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO programme (id, uuid, origin_office, revision, created_at, updated_at, "
                "code, name, province, start_year, end_year, issuer, source, note, "
                "budget_by_year, budget_by_activity) VALUES "
                f"(1, 'p-1', {synced}, 'CB-X', 'Chương trình', 'Cao Bằng', 2026, 2030, '', '', '', "
                "'{}', '{}')"
            )
        )
        targets = [
            ("T-PROV", '["binh_chon_san_pham"]', "products", "[]"),
            ("T-REG", '["binh_chon_san_pham"]', "products", "[]"),
            ("T-FAC", '["may_moc_thiet_bi"]', "facilities", "[]"),
            ("T-JOBS", '["may_moc_thiet_bi"]', "jobs", "[]"),
            ("T-ALL", '["may_moc_thiet_bi"]', "facilities", '["T-FAC"]'),
        ]
        for n, (code, acts, measure, parts) in enumerate(targets):
            conn.execute(
                text(
                    "INSERT INTO target (uuid, origin_office, revision, created_at, updated_at, "
                    'programme_id, position, code, "group", name, unit, activities, measure, '
                    f"parts, note) VALUES ('t-{n}', {synced}, 1, {n}, :code, '', :code, '', "
                    ":acts, :measure, :parts, '')"
                ),
                {"code": code, "acts": acts, "measure": measure, "parts": parts},
            )
        for pid, code, activity, status in (
            (1, "ĐA-2027-001", "may_moc_thiet_bi", "accepted"),
            (2, "ĐA-2027-002", "binh_chon_san_pham", "approved"),
        ):
            conn.execute(
                text(
                    "INSERT INTO proposal (id, uuid, origin_office, revision, created_at, "
                    "updated_at, code, title, plan_year, activity, funding_source, status, "
                    "status_changed_at, office_code, implementing_unit, partner_unit, location, "
                    "commune, necessity, legal_basis, objectives, scale, organisation, "
                    "effect_economic, effect_social, effect_environment, total_cost, support, "
                    "counterpart, other_funds, disbursed, search_text, created_by) VALUES "
                    f"(:id, :uuid, {synced}, :code, 'Đề án', 2027, :activity, 'dia_phuong', "
                    f":status, '{now}', 'TTKC', '', '', '', '', '', '', '', '', '', '', '', '', "
                    "0, 0, 0, 0, 0, '', '')"
                ),
                {
                    "id": pid,
                    "uuid": f"u-{pid}",
                    "code": code,
                    "activity": activity,
                    "status": status,
                },
            )
        conn.execute(
            text(
                "INSERT INTO output_measure (proposal_id, measure, planned, achieved) VALUES "
                "(1, 'facilities', 2, 2), (1, 'jobs', 10, 12), (1, 'machines', 3, 3), "
                "(2, 'products', 5, NULL)"
            )
        )
    engine.dispose()
    db = open_database(path)  # migrates to head
    with db.session() as s:
        rows = s.execute(
            text(
                "SELECT p.code, p.programme, o.measure, o.target, o.planned FROM output_measure o "
                "JOIN proposal p ON p.id = o.proposal_id ORDER BY p.code, o.measure, o.target"
            )
        ).all()
        unassigned = membership.unassigned(s, "CB-X")
        before = dashboard.compute(s, "CB-X", today=TODAY)
    assert [tuple(r) for r in rows] == [
        ("ĐA-2027-001", "CB-X", "facilities", "T-FAC", 2),
        ("ĐA-2027-001", "CB-X", "jobs", "T-JOBS", 10),
        ("ĐA-2027-001", "CB-X", "machines", "", 3),  # no target counts machines
        ("ĐA-2027-002", "CB-X", "products", "", 5),  # two targets could: left to the user
    ]
    assert [(u.proposal_code, u.measure, u.candidates) for u in unassigned] == [
        ("ĐA-2027-002", "products", ("T-PROV", "T-REG"))
    ]
    # Nothing counted twice: the ambiguous products count nowhere until assigned.
    assert (before.target("T-PROV").approved, before.target("T-REG").approved) == (0, 0)
    assert (before.target("T-FAC").implemented, before.target("T-ALL").implemented) == (2, 2)
    with db.session() as s:
        with pytest.raises(ValidationError):
            membership.assign(s, SYSTEM, "ĐA-2027-002", "products", "T-JOBS")
        membership.assign(s, SYSTEM, "ĐA-2027-002", "products", "T-REG")
    with db.session() as s:
        after = dashboard.compute(s, "CB-X", today=TODAY)
        assert membership.unassigned(s, "CB-X") == []
    assert (after.target("T-PROV").approved, after.target("T-REG").approved) == (0, 5)
    db.dispose()


def test_unassigned_outputs_are_listed_in_attention(db: Database) -> None:
    from kcdesk.services.attention import unassigned_outputs
    from kcdesk.services.attention.collect import collect

    with db.session() as s:
        add_proposal(
            s,
            year=2027,
            activity="binh_chon_san_pham",
            status=S.APPROVED,
            programme=CB,
            outputs={"products": (4, None)},  # three CB targets count products
        )
    with db.session() as s:
        items = [i for i in collect(s, TODAY) if i.kind == unassigned_outputs.KIND]
        assert len(items) == 1
        assert "II.2-6, II.2-7, II.2-8" in items[0].message and items[0].code.startswith("ĐA-")
        membership.assign(s, SYSTEM, items[0].code, "products", "II.2-7")
    with db.session() as s:
        assert unassigned_outputs.items(s) == []
        assert dashboard.compute(s, CB, today=TODAY).target("II.2-7").approved == 4


# --- demo ---------------------------------------------------------------------------------


def test_demo_dashboard_shows_distinct_figures_for_the_named_targets(tmp_path: Path) -> None:
    """The demo of ``make run`` (same size, seed and year as kcdesk.app)."""
    from kcdesk import app
    from kcdesk.services.setup import first_run as setup

    db = open_database(tmp_path / "demo.sqlite", create=True)
    setup.init_database(db)
    setup.add_demo_data(db, proposals=app.DEMO_PROPOSALS, seed=app.DEMO_SEED, year=app.DEMO_YEAR)
    with db.session() as s:
        cb = dashboard.compute(s, CB)
        kh = dashboard.compute(s, KH)
    db.dispose()
    for board, codes in (
        (cb, ("II.2-6", "II.2-7", "II.2-8")),
        (cb, ("IV.2.a", "IV.2.b")),
        (cb, ("IV.4.a", "IV.4.b", "IV.4.c")),
        (cb, ("IV.5.a", "IV.5.b")),
        (kh, ("III.5-1", "III.5-2", "III.5-3", "III.5-4", "III.5-5")),
        (kh, ("III.6-1", "III.6-2", "III.6-3")),
        (kh, ("III.7-1", "III.7-2")),
    ):
        figures = [board.target(c).approved for c in codes]
        assert len(set(figures)) > 1, (codes, figures)
        assert all(figures), (codes, figures)


def test_a_proposal_counts_once_toward_a_target_counting_proposals(db: Database) -> None:
    from tests.dashboard_support import add_programme, target

    with db.session() as s:
        add_programme(s, [target("P", "proposals", ("may_moc_thiet_bi",))])
        facility = make_facility(s)
        data = machine_input(facility.uuid)
        data.programme = "TEST-2026-2028"
        data.target_outputs = {"P": 2}
        found = [p for p in errors(validate_all(s, data)) if p.field == "target_outputs.P"]
        assert len(found) == 1 and "chỉ tính 1" in found[0].message
        data.target_outputs = {"P": 1}
        assert not errors(validate_all(s, data))
