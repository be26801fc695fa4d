"""Never lose input: autosave, restore after a kill, Ctrl+S, Cancel asks; edits and stale saves."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from kcdesk.models import Role
from kcdesk.models.db import Database
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.proposals import draft_store as drafts
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals.draft import from_proposal
from kcdesk.services.proposals.save import create_proposal, update_proposal
from kcdesk.services.security.actor import SYSTEM, Actor
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.pdf_preview import show_pdf
from kcdesk.ui.wizard import open_proposal_wizard
from tests.proposal_factory import machine_input, make_facility
from tests.test_wizard_flow import retype, type_text


@pytest.fixture
def ctx(db: Database, qtbot: QtBot) -> AppContext:
    return AppContext(db, SYSTEM)


def _click(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if text in b.text())
    button.click()


def test_draft_survives_a_kill_and_is_restored(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    wizard = open_proposal_wizard(ctx, None)
    wizard.autosave_timer.setInterval(30)
    page = wizard.currentPage()
    type_text(page.findChild(QLineEdit, "title"), "Đào tạo nghề mây tre đan Phù Ninh")
    type_text(page.findChild(QLineEdit, "commune"), "Xã Phục Hòa")
    # Autosave a moment after typing stops, without any page change.
    qtbot.waitUntil(lambda: drafts.load_draft(_session(db), SYSTEM, None) is not None, timeout=3000)
    type_text(page.findChild(QLineEdit, "location"), "Thôn Đồng Lạc")
    qtbot.waitUntil(
        lambda: drafts.load_draft(_session(db), SYSTEM, None).data.location == "Thôn Đồng Lạc",  # type: ignore[union-attr]
        timeout=3000,
    )
    # Simulated kill: the window vanishes, nothing is saved or cancelled.
    wizard.autosave_timer.stop()
    wizard.hide()
    wizard.deleteLater()
    del wizard, page
    gc.collect()

    again = open_proposal_wizard(ctx, None)
    qtbot.addWidget(again)
    box = again.restore_box
    assert box is not None and "Đào tạo nghề mây tre đan Phù Ninh" in box.text()
    _click(box, "Khôi phục")
    page = again.currentPage()
    assert page.findChild(QLineEdit, "title").text() == "Đào tạo nghề mây tre đan Phù Ninh"
    assert page.findChild(QLineEdit, "location").text() == "Thôn Đồng Lạc"
    assert page.findChild(QLineEdit, "commune").text() == "Xã Phục Hòa"


def _session(db: Database):  # type: ignore[no-untyped-def]
    # A short-lived session for polling (read-only).
    return db.session_factory()


def test_ctrl_s_saves_a_draft_and_discarding_on_restore_deletes_it(
    ctx: AppContext, db: Database, qtbot: QtBot
) -> None:
    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    title = wizard.currentPage().findChild(QLineEdit, "title")
    type_text(title, "Bản nháp số một")
    QTest.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with db.session() as s:
        info = drafts.load_draft(s, SYSTEM, None)
        assert info is not None and info.data.title == "Bản nháp số một"
    wizard._close_rejected()
    again = open_proposal_wizard(ctx, None)
    qtbot.addWidget(again)
    assert again.restore_box is not None
    _click(again.restore_box, "Bỏ bản nháp")
    assert again.currentPage().findChild(QLineEdit, "title").text() == ""
    with db.session() as s:
        assert drafts.load_draft(s, SYSTEM, None) is None


def test_cancel_asks_before_discarding(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    type_text(wizard.currentPage().findChild(QLineEdit, "title"), "Sắp bị hủy")
    wizard.button(wizard.WizardButton.CancelButton).click()
    box = wizard.cancel_box
    assert box is not None and box.isVisible() and wizard.isVisible()
    _click(box, "Tiếp tục soạn")
    assert wizard.isVisible()
    wizard.reject()
    _click(wizard.cancel_box, "Giữ bản nháp")  # type: ignore[arg-type]
    assert not wizard.isVisible()
    with db.session() as s:
        assert drafts.load_draft(s, SYSTEM, None).data.title == "Sắp bị hủy"  # type: ignore[union-attr]
    again = open_proposal_wizard(ctx, None)
    qtbot.addWidget(again)
    _click(again.restore_box, "Khôi phục")  # type: ignore[arg-type]
    again.reject()
    _click(again.cancel_box, "Bỏ những gì")  # type: ignore[arg-type]
    assert not again.isVisible()
    with db.session() as s:
        assert drafts.load_draft(s, SYSTEM, None) is None


def _saved(db: Database) -> str:
    with db.session() as s:
        f = make_facility(s)
        return create_proposal(s, SYSTEM, machine_input(f.uuid)).code


def test_edit_existing_proposal(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    code = _saved(db)
    wizard = open_proposal_wizard(ctx, None, code)
    qtbot.addWidget(wizard)
    assert wizard.restore_box is None
    page = wizard.currentPage()
    assert (
        page.findChild(QLineEdit, "title").text() == "Hỗ trợ máy sao chè cho Hợp tác xã Chè Đại Từ"
    )
    retype(page.findChild(QLineEdit, "title"), "Máy sao chè và máy vò chè")
    for _ in range(7):
        wizard.next()
    assert wizard.currentId() == 7
    with qtbot.waitSignal(ctx.data_changed):
        wizard.accept()
    with db.session() as s:
        p = proposals.get_proposal(s, code)
        assert p.title == "Máy sao chè và máy vò chè" and p.revision == 2
        assert p.total_cost == 394_000_000 and len(p.budget_lines) == 2
        assert [f.name for f in p.facilities] == ["Hợp tác xã Chè Đại Từ"]


def test_stale_save_is_refused_in_the_wizard(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    code = _saved(db)
    wizard = open_proposal_wizard(ctx, None, code)
    qtbot.addWidget(wizard)
    with db.session() as s:
        other = from_proposal(proposals.get_proposal(s, code))
        other.title = "Đổi bởi chị Lan"
        update_proposal(s, Actor("lan", Role.CENTRE_STAFF), code, other, expected_revision=1)
    retype(wizard.currentPage().findChild(QLineEdit, "title"), "Bản của tôi")
    for _ in range(7):
        wizard.next()
    wizard.accept()
    box = wizard.findChild(QMessageBox, "error_box")
    assert box is not None and "lan" in box.text() and "tải lại" in box.text()
    assert wizard.isVisible() and wizard.saved_code is None
    box.close()
    with db.session() as s:
        assert proposals.get_proposal(s, code).title == "Đổi bởi chị Lan"


def test_review_lines_jump_to_their_field(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    code = _saved(db)
    wizard = open_proposal_wizard(ctx, None, code)
    qtbot.addWidget(wizard)
    wizard.show()
    for _ in range(7):
        wizard.next()
    review = wizard.currentPage()
    texts = [review.problems.item(i).text() for i in range(review.problems.count())]
    index = next(i for i, t in enumerate(texts) if "Hồ sơ còn thiếu" in t)
    review.problems.itemClicked.emit(review.problems.item(index))
    assert wizard.currentPage().key == "dossier"
    # Errors found at Finish are listed and block: remove the budget, then finish.
    wizard.data.budget_lines = []
    wizard.go_to_field("budget_lines")
    budget = wizard.currentPage()
    budget.table.setRowCount(0)
    wizard.accept()
    assert wizard.isVisible()
    problems = [review.problems.item(i).text() for i in range(review.problems.count())]
    assert any("Chưa có khoản chi" in t for t in problems) and not review.isComplete()


def test_pdf_preview_shows_and_prints(db: Database, qtbot: QtBot, tmp_path: Path) -> None:
    code = _saved(db)
    target = tmp_path / "Đề án xem trước.pdf"
    with db.session() as s:
        write_proposal_pdf(s, code, target)
    dialog = show_pdf(None, target)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.document.pageCount() >= 2  # type: ignore[attr-defined]
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "đã in.pdf"
    printer.setOutputFileName(str(out))
    assert dialog.print_to(printer) == dialog.document.pageCount()  # type: ignore[attr-defined]
    assert out.stat().st_size > 1000


def test_approved_proposal_opens_but_cannot_be_saved(
    ctx: AppContext, db: Database, qtbot: QtBot
) -> None:
    from tests.test_proposal_services import _approve

    code = _saved(db)
    with db.session() as s:
        _approve(s, code)
    wizard = open_proposal_wizard(ctx, None, code)
    qtbot.addWidget(wizard)
    assert "chỉ xem và in" in wizard.windowTitle()
    for _ in range(7):
        wizard.next()
    review = wizard.currentPage()
    assert review.key == "review" and not review.isComplete()
    assert "điều chỉnh" in review.problems.item(0).text()
    assert not wizard.button(wizard.WizardButton.FinishButton).isEnabled()


def test_start_up_offers_to_reopen_drafts(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    from kcdesk.ui.wizard.recovery import offer_recovery

    assert offer_recovery(ctx, None) is None
    code = _saved(db)
    with db.session() as s:
        data = from_proposal(proposals.get_proposal(s, code))
        data.title = "Tiêu đề đang sửa dở"
        drafts.save_draft(s, SYSTEM, data)
        fresh = machine_input("x")
        fresh.title, fresh.facilities = "Đề án mới viết dở", []
        drafts.save_draft(s, SYSTEM, fresh)
    opened: list = []
    box = offer_recovery(ctx, None, opened)
    assert box is not None and "Tiêu đề đang sửa dở" in box.text() and code in box.text()
    _click(box, "Mở lại")
    for wizard in opened:
        qtbot.addWidget(wizard)
    titles = sorted(w.currentPage().findChild(QLineEdit, "title").text() for w in opened)
    assert titles == ["Tiêu đề đang sửa dở", "Đề án mới viết dở"]
    edit = next(w for w in opened if w.code == code)
    assert edit.data.revision == 1  # saving will still check nobody changed it meanwhile
