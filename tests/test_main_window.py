"""The main window opens on a seeded database, switches sections, shows the programmes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QTableWidget, QTabWidget

from kcdesk.services.programmes import store as programmes
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow
from kcdesk.ui.sections import SECTIONS


@pytest.fixture
def window(qtbot, db):
    ctx = AppContext(db, SYSTEM)
    win = MainWindow(ctx, demo=True)
    qtbot.addWidget(win)
    win.show()
    return win


def test_title_and_status_bar_show_demo_and_database(window, db) -> None:
    assert window.windowTitle().startswith("[DEMO]")
    assert db.display in window.db_label.text()
    assert "TTKC" in window.office_label.text()


def test_every_section_opens(window) -> None:
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [s.title for s in SECTIONS]
    for info in SECTIONS:
        widget = window.show_section(info.key)
        assert window.stack.currentWidget() is widget
        assert widget.property("section_key") == info.key


def test_programme_section_lists_seeded_targets(window, db) -> None:
    view = window.show_section("dashboard")
    # The programmes tab is built the first time it is shown (issue 24), then listed.
    assert view.findChild(QComboBox, "programme_chooser") is None
    tabs = view.findChild(QTabWidget)
    assert tabs is not None
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    tabs.setCurrentIndex(titles.index("Chương trình và chỉ tiêu"))
    chooser = view.findChild(QComboBox, "programme_chooser")
    table = view.findChild(QTableWidget, "target_table")
    assert chooser is not None and table is not None
    with db.session() as session:
        stored = {p.code: len(p.targets) for p in programmes.list_programmes(session)}
    assert chooser.count() == len(stored) == 3
    for index in range(chooser.count()):
        chooser.setCurrentIndex(index)
        assert table.rowCount() == stored[chooser.itemData(index)]


def test_about_box_names_version(window) -> None:
    from kcdesk import __version__

    box = window.show_about()
    assert __version__ in box.text()
    box.close()


def test_stock_buttons_are_vietnamese(qtbot) -> None:
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from kcdesk.ui import vi

    translator = vi.install_translator(QApplication.instance())
    try:
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        qtbot.addWidget(box)
        texts = {b.text() for b in box.buttons()}
        assert texts == {"Đồng ý", "Hủy"}
    finally:
        QApplication.instance().removeTranslator(translator)


def test_worker_runs_off_the_ui_thread(qtbot, db) -> None:
    import threading

    ctx = AppContext(db, SYSTEM)
    main_thread = threading.get_ident()
    results: list[object] = []
    ctx.worker.run(lambda job: threading.get_ident(), on_success=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results[0] != main_thread
    errors: list[BaseException] = []
    ctx.worker.run(lambda job: 1 / 0, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_crash_dialog_offers_copy(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from kcdesk.services.core.errors import UserError
    from kcdesk.ui.crash import show_error

    box = show_error(None, RuntimeError("boom"))
    qtbot.addWidget(box)
    copy = next(b for b in box.buttons() if b.text() == "Sao chép chi tiết")
    copy.click()
    assert "RuntimeError: boom" in QApplication.clipboard().text()
    plain = show_error(None, UserError("Nhập lý do"))
    qtbot.addWidget(plain)
    assert plain.text() == "Nhập lý do" and not plain.detailedText()


def test_start_up_offers_unsaved_drafts(qtbot, db) -> None:
    from kcdesk.services.proposals import draft_store as drafts
    from kcdesk.services.proposals.draft import ProposalInput

    ctx = AppContext(db, SYSTEM)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    assert win.offer_draft_recovery() is None  # nothing to recover
    with db.session() as session:
        drafts.save_draft(session, SYSTEM, ProposalInput(plan_year=2027, title="Máy sấy chè"))
    box = win.offer_draft_recovery()
    assert box is not None and "Máy sấy chè" in box.text()
    reopen = next(b for b in box.buttons() if b.text() == "&Mở lại")
    reopen.click()
    assert len(win.recovered_wizards) == 1
    for wizard in win.recovered_wizards:
        qtbot.addWidget(wizard)
