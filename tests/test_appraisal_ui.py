"""The appraisal section driven with pytest-qt: set up, score grid by keyboard, print, record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kcdesk.models import ProposalStatus
from kcdesk.models.appraisal import ScoreSheet
from kcdesk.models.db import Database
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.appraisal.view import AppraisalView
from tests.appraisal_support import PROPOSALS, add_proposal, make_council
from tests.pdftext import pdf_pages


def type_text(widget: QLineEdit, text: str) -> None:
    """Vietnamese letters cannot go through keyClicks: send them one by one."""
    widget.setFocus()
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def keys(fallback: QWidget, text: str, *, enter: bool = True) -> None:
    """Type into whatever has the keyboard focus (the grid, then its cell editor)."""
    for ch in text:
        QTest.keyClick(QApplication.focusWidget() or fallback, ch)
    if enter:
        QTest.keyClick(QApplication.focusWidget() or fallback, Qt.Key.Key_Return)
        # The item delegate commits an Enter through a queued call: let it run,
        # as the event loop does between a person's keystrokes.
        QApplication.processEvents()


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    context = AppContext(db, SYSTEM)
    yield context
    context.worker.wait()


@pytest.fixture
def view(qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> AppraisalView:
    previews: list[Path] = []
    monkeypatch.setattr(AppraisalView, "preview", lambda self, path: previews.append(path))
    widget = AppraisalView(ctx)
    widget.previews = previews  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _council_view(db: Database, view: AppraisalView) -> None:
    with db.session() as session:
        make_council(session, members=3)
    view.year.setValue(2027)
    view.reload()


def test_secretary_sets_up_a_council(qtbot: QtBot, db: Database, view: AppraisalView) -> None:
    with db.session() as session:
        for row in PROPOSALS:
            add_proposal(session, *row)
    view.year.setValue(2027)
    assert view.new_session() is not None
    setup = view.setup
    assert setup.isEnabled()
    type_text(setup.member_name, "Nông Văn Hùng")
    setup.member_role.setCurrentIndex(0)  # Chủ tịch
    QTest.keyClick(setup.member_name, Qt.Key.Key_Return)
    type_text(setup.member_name, "Hoàng Thị Lan")
    setup.member_role.setCurrentIndex(0)  # a second chair is refused
    assert setup.add_member() is False
    assert "đã có chủ tịch" in setup.message.text()
    setup.member_role.setCurrentIndex(1)
    assert setup.add_member() is True
    assert setup.members.rowCount() == 2
    assert setup.candidates.count() == 3
    assert setup.add_all_items() is True
    assert setup.agenda.rowCount() == 3
    setup.decision_no.setText("245/QĐ-SCT")
    setup.decision_date.setText("31/02/2026")
    assert setup.save_details() is False  # no 31 February
    assert setup.message.property("is_error") is True
    setup.decision_date.setText("05/09/2026")
    assert setup.save_details() is True
    setup.conflict_member.setCurrentIndex(1)
    setup.conflict_item.setCurrentIndex(2)
    type_text(setup.conflict_reason, "Vợ là thành viên HTX")
    assert setup.declare_conflict() is True
    with db.session() as session:
        s = appraisal.list_sessions(session, 2027)[0]
        assert s.decision_no == "245/QĐ-SCT"
        assert [m.name for m in s.members] == ["Nông Văn Hùng", "Hoàng Thị Lan"]
        assert appraisal.is_conflicted(s.items[2], s.members[1])


def test_score_grid_by_keyboard_with_live_totals(
    qtbot: QtBot, db: Database, view: AppraisalView
) -> None:
    _council_view(db, view)
    view.tabs.setCurrentWidget(view.scores)
    panel = view.scores
    grid = panel.view
    view.activateWindow()
    grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid)
    assert grid.currentIndex().row() == 0 and grid.currentIndex().column() == 0
    # Chair types six scores, each followed by Enter; the cursor walks the criteria.
    for value in ("18", "22", "18", "12", "8", "8"):
        keys(grid, value)
    model = panel.model
    assert model.data(model.index(0, model.total_col)) == "86"
    assert grid.currentIndex().column() == model.conclusion_col  # then the conclusion
    # The conclusion combo is open: pick the first conclusion by keyboard.
    keys(grid, "", enter=False)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    QTest.keyClick(combo, Qt.Key.Key_Down)
    QTest.keyClick(combo, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert model.rows[0].conclusion == "ho_tro"
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (1, 0)  # next member
    QTest.keyClick(QApplication.focusWidget() or grid, Qt.Key.Key_Escape)
    assert "86/100" in panel.summary.text() and "Đạt" in panel.summary.text()
    # Second member: a score over the maximum is refused at the cell, the range said
    # (issue 20 §5 changed this from "turns red and blocks the save").
    grid.setCurrentIndex(model.index(1, 0))
    keys(grid, "25")
    assert model.rows[1].cells[0] == "" and model.cell_error(1, 0) is None
    assert "25 lớn hơn điểm tối đa 20" in panel.message.text()
    assert "từ 0 đến 20" in panel.message.text()
    with db.session() as session:
        assert session.query(ScoreSheet).count() == 0  # nothing saved
    model.setData(model.index(1, 0), "15,5")
    for col, value in enumerate(("20", "15", "10", "7", "6"), start=1):
        model.setData(model.index(1, col), value)
    assert model.data(model.index(1, model.total_col)) == "73,5"
    assert "79,75/100" in panel.summary.text()  # (86 + 73,5) / 2
    assert panel.save() is True
    with db.session() as session:
        s = appraisal.list_sessions(session, 2027)[0]
        item = s.items[0]
        assert appraisal.find_sheet(item, s.members[0]) is not None
        sheet = appraisal.find_sheet(item, s.members[1])
        assert sheet is not None and sum(sc.points for sc in sheet.scores) == 73.5
    view.results.refresh()
    assert view.results.table.item(0, 1).text() == "ĐA-2027-001"
    assert view.results.table.item(0, 5).text() == "79,75"


def test_conflicted_row_is_locked(qtbot: QtBot, db: Database, view: AppraisalView) -> None:
    with db.session() as session:
        c = make_council(session, members=3)
        appraisal.declare_conflict(session, SYSTEM, c.items[0], c.members[2], "Họ hàng")
    view.year.setValue(2027)
    view.reload()
    model = view.scores.model
    index = model.index(2, 0)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, "5") is False
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "Xung đột lợi ích: Họ hàng"


def test_print_sheets_and_minutes_on_the_worker(
    qtbot: QtBot, db: Database, view: AppraisalView, ctx: AppContext, tmp_path: Path
) -> None:
    _council_view(db, view)
    target = tmp_path / "phiếu.pdf"
    assert view.print_sheets(target) is True
    qtbot.waitUntil(lambda: view.last_output == target, timeout=20_000)
    assert len(pdf_pages(target)) == 9
    assert view.previews == [target]  # type: ignore[attr-defined]
    assert view.progress is None
    minutes = tmp_path / "biên bản.pdf"
    assert view.print_minutes(minutes) is True
    qtbot.waitUntil(lambda: view.last_output == minutes, timeout=20_000)
    assert "BIÊN BẢN HỌP HỘI ĐỒNG THẨM ĐỊNH" in " ".join(pdf_pages(minutes))


def test_record_results_from_the_view(
    qtbot: QtBot, db: Database, view: AppraisalView, tmp_path: Path
) -> None:
    _council_view(db, view)
    assert view.record(confirm=False) is False
    assert "Chưa có đề án nào đã chấm" in view.message.text()
    model = view.scores.model
    for row in range(3):
        for col, value in enumerate(("18", "22", "18", "12", "8", "8")):
            model.setData(model.index(row, col), value)
    assert view.scores.save() is True
    # Points without any member's conclusion: refused, saying which (issue 20 §5).
    assert view.record(confirm=False) is False
    assert "chưa có kết luận của thành viên: ĐA-2027-001" in view.message.text()
    for row in range(3):
        model.setData(model.index(row, model.conclusion_col), "ho_tro")
    assert view.scores.save() is True
    assert view.record(confirm=False) is True
    with db.session() as session:
        assert proposals.get_proposal(session, "ĐA-2027-001").status is ProposalStatus.APPRAISED
        assert (
            proposals.get_proposal(session, "ĐA-2027-002").status
            is ProposalStatus.AWAITING_APPRAISAL
        )
    assert view.scores.model.locked is True
    assert not view.scores.save_button.isEnabled()
    target = tmp_path / "th.xlsx"
    assert view.export_xlsx(target) is True
    assert target.exists()


def test_remove_member_and_agenda_item_from_the_panel(
    qtbot: QtBot, db: Database, view: AppraisalView
) -> None:
    _council_view(db, view)
    setup = view.setup
    assert setup.remove_member() is False  # nothing selected
    setup.members.selectRow(2)
    assert setup.remove_member() is True
    setup.agenda.selectRow(0)
    assert setup.remove_item() is True
    assert setup.members.rowCount() == 2
    assert [setup.agenda.item(r, 1).text() for r in range(setup.agenda.rowCount())] == [
        "ĐA-2027-002",
        "ĐA-2027-003",
    ]
    assert setup.candidates.findData("ĐA-2027-001") >= 0  # offered again
    assert view.scores.proposal.count() == 2
