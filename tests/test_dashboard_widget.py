"""The dashboard widget driven with pytest-qt: figures, click → proposals, refresh, export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import drill as dashboard_drill
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.dashboard.target_model import COL_APPROVED, COL_IMPLEMENTED, COL_PROGRESS
from kcdesk.ui.dashboard.view import DashboardView
from kcdesk.ui.sections.dashboard import ProgrammeSection
from tests.pdftext import pdf_text

CB = "CB-2026-2030"


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


@pytest.fixture
def view(qtbot, ctx: AppContext) -> DashboardView:
    widget = DashboardView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.select_programme(CB)
    qtbot.waitUntil(
        lambda: widget.current is not None and widget.current.programme_code == CB, timeout=10_000
    )
    return widget


def _row_of(view: DashboardView, code: str) -> int:
    return next(i for i, t in enumerate(view.model.targets) if t.code == code)


def _double_click(qtbot, view: DashboardView, row: int, col: int) -> None:
    index = view.model.index(row, col)
    view.table.scrollTo(index)
    rect = view.table.visualRect(index)
    viewport = view.table.viewport()
    QTest.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    QTest.mouseDClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )


def test_shows_every_target_with_the_service_figures(
    view: DashboardView, demo_db: Database
) -> None:
    with demo_db.session() as s:
        expected = dashboard.compute(s, CB)
    assert view.model.rowCount() == len(expected.targets) == 31
    row = _row_of(view, "IV.3.c")
    t = expected.target("IV.3.c")
    assert view.model.index(row, COL_APPROVED).data() == str(t.approved)
    assert view.model.index(row, COL_IMPLEMENTED).data() == str(t.implemented)
    assert view.model.index(row, COL_PROGRESS).data().endswith("%")
    # An untracked rate reads as such, not as 0.
    rate = _row_of(view, "II.2-2")
    assert view.model.index(rate, COL_APPROVED).data() == "–"
    assert "Cao Bằng" in view.summary.text()
    assert not view.warnings.isVisible()
    assert view.budget.rowCount() == 4  # three sources and the total
    # Source names come from forms/funding_sources.toml (short form for the narrow panel).
    from kcdesk.services.forms.load import load_funding_sources

    shorts = {s.short_label for s in load_funding_sources().values()}
    shown = {view.budget.item(r, 0).text() for r in range(3)}
    assert shown <= shorts and "KC quốc gia" in shown
    assert view.activity_chart.approved_set is not None
    assert view.activity_chart.approved_set.count() == min(8, len(expected.by_activity))


def test_double_click_lists_the_proposals_behind_a_target(
    qtbot,
    view: DashboardView,
    demo_db: Database,
) -> None:
    row = _row_of(view, "IV.3.c")
    _double_click(qtbot, view, row, COL_APPROVED)
    qtbot.waitUntil(lambda: view.last_drill is not None, timeout=10_000)
    drill = view.last_drill
    assert drill is not None and drill.isVisible()
    with demo_db.session() as s:
        expected = dashboard_drill.proposals_for_target(s, CB, "IV.3.c")
    shown = [drill.model.index(r, 0).data() for r in range(drill.model.rowCount())]
    assert shown == [r.code for r in expected] and shown
    assert f"cộng số lượng: {view.current.target('IV.3.c').approved}" in drill.summary.text()  # type: ignore[union-attr]
    drill.close()


def test_drill_down_rows_open_the_proposal_on_enter_and_double_click(
    qtbot, view: DashboardView
) -> None:
    _double_click(qtbot, view, _row_of(view, "IV.3.c"), COL_APPROVED)
    qtbot.waitUntil(lambda: view.last_drill is not None, timeout=10_000)
    drill = view.last_drill
    assert drill is not None and drill.model.rowCount() >= 2
    table = drill.table
    first, second = drill.model.rows[0].code, drill.model.rows[1].code
    # Enter on the current row (the list starts on its first row, keyboard in it).
    table.setFocus()
    table.setCurrentIndex(drill.model.index(0, 1))
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert [w.code for w in drill.windows] == [first]  # type: ignore[attr-defined]
    assert drill.windows[0].isVisible() and drill.isVisible()
    assert drill.windows[0].windowTitle() == f"Đề án {first}"
    # Double-click on another row (press, release, then the double-click, as a mouse does).
    rect = table.visualRect(drill.model.index(1, 1))
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    assert len(drill.windows) == 1  # a single click only selects
    QTest.mouseDClick(
        table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    assert [w.code for w in drill.windows] == [first, second]  # type: ignore[attr-defined]
    for window in list(drill.windows):
        window.close()
    drill.close()


def test_implemented_column_lists_accepted_proposals(qtbot, view: DashboardView) -> None:
    done = [t for t in view.model.targets if t.implemented]
    assert done, "the demo has accepted proposals"
    row = _row_of(view, done[0].code)
    _double_click(qtbot, view, row, COL_IMPLEMENTED)
    qtbot.waitUntil(lambda: view.last_drill is not None, timeout=10_000)
    drill = view.last_drill
    assert drill is not None
    statuses = {drill.model.index(r, 5).data() for r in range(drill.model.rowCount())}
    assert statuses and statuses <= {"Đã nghiệm thu", "Đã quyết toán"}
    assert sum(r.quantity or 0 for r in drill.model.rows) == done[0].implemented
    drill.close()


def test_bar_click_lists_that_activitys_proposals(qtbot, view: DashboardView) -> None:
    chart = view.activity_chart
    assert chart.approved_set is not None
    key = chart.keys[0]
    chart.approved_set.clicked.emit(0)
    qtbot.waitUntil(lambda: view.last_drill is not None, timeout=10_000)
    drill = view.last_drill
    assert drill is not None
    rows = drill.model.rows
    assert rows and {r.activity for r in rows} == {key}
    expected = next(r for r in view.current.by_activity if r.key == key)  # type: ignore[union-attr]
    assert sum(r.disbursed for r in rows) == expected.disbursed
    drill.close()


def test_refreshes_when_proposals_change(
    qtbot,
    view: DashboardView,
    ctx: AppContext,
    demo_db: Database,
) -> None:
    before = view.current.target("IV.3.c")  # type: ignore[union-attr]
    with demo_db.session() as s:
        # A proposal of Cao Bằng's programme with an output recorded against IV.3.c:
        # each target counts only what is recorded against it (issue 18).
        proposal = next(
            p
            for p in s.query(Proposal)
            .filter_by(activity="may_moc_thiet_bi", status=ProposalStatus.RECEIVED)
            .order_by(Proposal.id)
            if p.programme == "CB-2026-2030" and any(o.target == "IV.3.c" for o in p.outputs)
        )
        proposal.status = ProposalStatus.APPROVED
        proposal.plan_year = 2027
        added = next(o.planned for o in proposal.outputs if o.target == "IV.3.c")
    assert added > 0
    ctx.notify("proposal")
    qtbot.waitUntil(
        lambda: view.current.target("IV.3.c").approved == (before.approved or 0) + added,  # type: ignore[union-attr]
        timeout=10_000,
    )


def test_year_filter(qtbot, view: DashboardView) -> None:
    view.year.setCurrentIndex(view.year.findData(2027))
    qtbot.waitUntil(lambda: view.current is not None and view.current.year == 2027, timeout=10_000)
    assert [r.key for r in view.current.by_year] == ["2027"]  # type: ignore[union-attr]


def test_export_pdf_and_xlsx(qtbot, view: DashboardView, tmp_path: Path) -> None:
    pdf = tmp_path / "Tiến độ.pdf"
    view.export("pdf", pdf, preview=False)
    qtbot.waitUntil(lambda: view.last_export == pdf, timeout=15_000)
    text = pdf_text(pdf)
    assert "BÁO CÁO TIẾN ĐỘ THỰC HIỆN CHƯƠNG TRÌNH KHUYẾN CÔNG" in text
    assert "IV.3.c" in text and "Cao Bằng" in text
    xlsx = tmp_path / "Tiến độ.xlsx"
    view.export("xlsx", xlsx, preview=False)
    qtbot.waitUntil(lambda: view.last_export == xlsx, timeout=15_000)
    shown = view.current
    assert shown is not None
    with view.ctx.db.session() as s:
        figures = dashboard.compute(s, CB, today=shown.today)
    _assert_workbook_matches(xlsx, figures)


def _sheet_rows(ws) -> dict[object, tuple]:
    """Data rows by their first cell (header and title rows included, harmless)."""
    return {r[0].value: r for r in ws.iter_rows() if r[0].value is not None}


def _assert_workbook_matches(path: Path, figures: dashboard.Dashboard) -> None:
    """Every figure of the workbook is the service's, and the totals add up."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    targets = _sheet_rows(wb["Chỉ tiêu"])
    assert figures.targets
    for t in figures.targets:
        row = targets[t.code]
        assert [c.value for c in row[3:6]] == [t.planned, t.approved, t.implemented], t.code
        assert row[4].number_format == "#,##0"
        assert row[7].value == dashboard.PACE_LABELS[t.pace]
        for n, year in enumerate(figures.years):
            expected = list(t.by_year.get(year, (None, None)))
            assert [row[8 + 2 * n].value, row[9 + 2 * n].value] == expected, (t.code, year)
    assert sum(t.approved or 0 for t in figures.targets) > 0  # the demo data is counted

    for sheet, rows in (
        ("Theo năm", figures.by_year),
        ("Theo nội dung", figures.by_activity),
        ("Theo xã", figures.by_commune),
    ):
        ws = wb[sheet]
        by_label = _sheet_rows(ws)
        for r in rows:
            got = [c.value for c in by_label[r.label][1:6]]
            want = [r.planned, r.approved_count, r.implemented_count, r.approved_support]
            assert got == [*want, r.disbursed], (sheet, r.label)
        total = by_label["Tổng cộng"]
        top, bottom = by_label[rows[0].label][0].row, by_label[rows[-1].label][0].row
        assert total[0].row == bottom + 1
        assert total[4].value == f"=SUM(E{top}:E{bottom})"
        assert total[5].value == f"=SUM(F{top}:F{bottom})"
        # What the formulas add up to is the service's own total.
        column = [ws.cell(row=n, column=5).value for n in range(top, bottom + 1)]
        assert sum(column) == sum(r.approved_support for r in rows) > 0, sheet

    budget = _sheet_rows(wb["Kinh phí"])
    for r in figures.budget.by_source:
        assert [c.value for c in budget[r.label][2:4]] == [r.approved_support, r.disbursed]
    assert budget["Tổng kinh phí ghi trong quyết định"][1].value == figures.budget.planned
    assert sum(r.approved_support for r in figures.budget.by_source) == sum(
        r.approved_support for r in figures.by_activity
    )


def test_section_tabs_follow_one_programme(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    section = ProgrammeSection(ctx)
    qtbot.addWidget(section)
    section.show()
    section.programmes.chooser.setCurrentIndex(section.programmes.chooser.findData("KH-2026-2030"))
    assert section.dashboard.chooser.currentData() == "KH-2026-2030"
    qtbot.waitUntil(
        lambda: section.dashboard.current is not None
        and section.dashboard.current.programme_code == "KH-2026-2030",
        timeout=10_000,
    )
    assert section.dashboard.warnings.isVisibleTo(section.dashboard)
    assert "300.000" in section.dashboard.warnings.text()
    # Editing a target from the programme tab refreshes the dashboard.
    table = section.programmes.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "III.1-2")
    table.setCurrentCell(row, 0)
    editor = section.programmes.edit_selected()
    assert editor is not None and editor.isVisible()
    editor.quantity.setText("120")
    editor.accept()
    qtbot.waitUntil(
        lambda: section.dashboard.current is not None
        and section.dashboard.current.target("III.1-2").planned == 120,
        timeout=10_000,
    )
    # Importing a programme file adds it to both choosers.
    path = tmp_path / "tỉnh mới.toml"
    path.write_text(
        'format = 1\ncode = "TN-2026-2030"\nname = "Chương trình thử"\nprovince = "Thái Nguyên"\n'
        "start_year = 2026\nend_year = 2030\n",
        encoding="utf-8",
    )
    assert section.programmes.import_file(path) == "TN-2026-2030"
    assert section.dashboard.chooser.findData("TN-2026-2030") >= 0
