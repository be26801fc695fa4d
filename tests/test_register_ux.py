"""Register UX at a clerk's desk (issue 20 §1, §4, §5): unmatched communes listed and
fixed, Ctrl+N, print from the register, Enter opens a row, empty state, mnemonics."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from tests.proposal_factory import make_facility


def _register(db: Database, qtbot: QtBot):
    from kcdesk.ui.register.register_widget import RegisterWidget

    ctx = AppContext(db, SYSTEM)
    widget = RegisterWidget(ctx)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.index_job_done, timeout=10_000)
    return ctx, widget


def test_fresh_register_says_what_to_do(db: Database, qtbot: QtBot) -> None:
    _ctx, widget = _register(db, qtbot)
    qtbot.waitUntil(lambda: "Chưa có đề án nào" in widget.count_label.text(), timeout=5000)
    assert "Ctrl+N" in widget.count_label.text()
    assert not widget.commune_button.isVisibleTo(widget)


def test_unmatched_communes_are_listed_and_fixed(db: Database, qtbot: QtBot) -> None:
    from kcdesk.ui.register.commune_fix_dialog import CommuneFixDialog

    with db.session() as s:
        make_facility(s)  # "Xã Hòa Bình": not a unit of Cao Bằng
    ctx, widget = _register(db, qtbot)
    widget.model.reload()
    qtbot.waitUntil(lambda: widget.commune_button.isVisibleTo(widget), timeout=5000)
    assert "(1)" in widget.commune_button.text()
    dialog = widget.open_commune_fix()
    assert isinstance(dialog, CommuneFixDialog)
    table = dialog.table
    assert table.rowCount() == 1 and table.item(0, 2).text() == "Xã Hòa Bình"
    dialog.save_button.click()  # nothing picked: refused with a message
    assert "Hãy chọn xã" in dialog.message.text()
    dialog.picker.set_value("01654", "")
    dialog.save_button.click()
    assert "Đã ghi Xã Hòa An" in dialog.message.text()
    assert table.rowCount() == 0
    dialog.close()


def test_every_mnemonic_on_the_register_is_unique(db: Database, qtbot: QtBot) -> None:
    _ctx, widget = _register(db, qtbot)
    _assert_unique_mnemonics(widget)


def _assert_unique_mnemonics(root: QWidget) -> None:
    seen: dict[str, str] = {}
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root):
            continue
        text = w.text() if isinstance(w, QAbstractButton | QLabel) else ""
        match = re.search(r"&([^&\s])", text or "")
        if match:
            key = match.group(1).lower()
            assert key not in seen, f"Alt+{key}: «{seen[key]}» and «{text}»"
            seen[key] = text


def test_ctrl_n_opens_the_wizard_and_enter_opens_a_row(
    demo_db: Database, qtbot: QtBot, monkeypatch
) -> None:
    ctx, widget = _register(demo_db, qtbot)
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0, timeout=10_000)
    opened: list[object] = []
    monkeypatch.setattr(widget, "open_wizard", lambda code: opened.append(("wizard", code)))
    widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    widget.table.setFocus()
    QTest.keyClick(widget.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == [("wizard", None)]
    widget.table.selectRow(0)
    widget.table.setCurrentIndex(widget.model.index(0, 0))
    views_before = len(widget.windows)
    widget.table.activated.emit(widget.model.index(0, 0))
    assert len(widget.windows) == views_before + 1
    menu = widget._context_menu(widget.table.rect().center())
    texts = [a.text() for a in menu.actions()]
    assert "&In…" in texts and "&Mở" in texts
    menu.close()
    printed: list[str | None] = []
    monkeypatch.setattr(widget, "print_proposal", lambda code: printed.append(code))
    menu = widget._context_menu(widget.table.rect().center())
    next(a for a in menu.actions() if a.text() == "&In…").trigger()
    assert printed == [widget.current_code()] and printed[0]
    widget.table.setFocus()
    QTest.keyClick(widget.table, Qt.Key.Key_Tab)
    assert not widget.table.hasFocus()
    for window in widget.windows:  # the proposal window opened above reads on the worker
        window.close()
    ctx.worker.wait()


def test_warning_column_covers_late_and_incomplete_dossiers(db: Database) -> None:
    from datetime import date

    from kcdesk.models import Proposal
    from kcdesk.services.attention.row_warnings import row_warnings
    from kcdesk.services.proposals import register_query as rq
    from kcdesk.services.proposals.draft import DocumentInput
    from kcdesk.services.proposals.save import create_proposal
    from tests.proposal_factory import machine_input

    with db.session() as s:
        data = machine_input(make_facility(s).uuid)
        data.received_date = date(2026, 8, 15)  # deadline 30/06/2026 for plan year 2027
        data.documents = [DocumentInput(code="don", label="Đơn đề nghị", required=True)]
        p: Proposal = create_proposal(s, SYSTEM, data)
        rows = rq.rows_by_ids(s, [p.id])
        found = row_warnings(s, rows)[p.id]
    assert any(w.startswith("Nộp muộn (15/08/2026, hạn 30/06/2026)") for w in found), found
    assert "Thiếu 1 giấy tờ" in found, found
