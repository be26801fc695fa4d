"""Qt's own texts through the translator (issue 20 §3): shortcuts, context menu, file dialog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileSystemModel, QLineEdit
from pytestqt.qtbot import QtBot

from kcdesk.ui import vi


@pytest.fixture
def translated(qapp: QApplication) -> Iterator[vi.VietnameseTranslator]:
    translator = vi.install_translator(qapp)
    yield translator
    qapp.removeTranslator(translator)


def test_unknown_texts_are_left_to_qt(translated: vi.VietnameseTranslator) -> None:
    assert QCoreApplication.translate("QShortcut", "Ctrl") == "Ctrl"
    assert QCoreApplication.translate("Anything", "A text nobody knows") == "A text nobody knows"
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "&Có"


def test_menu_shortcuts_show_their_modifiers(
    translated: vi.VietnameseTranslator, db, qtbot: QtBot
) -> None:
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.main_window import MainWindow

    fmt = QKeySequence.SequenceFormat.NativeText
    assert QKeySequence("Ctrl+Q").toString(fmt) == "Ctrl+Q"
    window = MainWindow(AppContext(db, SYSTEM))
    qtbot.addWidget(window)
    shortcuts = [
        a.shortcut().toString(fmt)
        for menu in window.menuBar().findChildren(type(window.menuBar().actions()[0].menu()))
        for a in menu.actions()
        if not a.shortcut().isEmpty()
    ]
    assert "Ctrl+Q" in shortcuts and "Ctrl+1" in shortcuts
    # Every shortcut shows its modifier, or is a function key (F1: the guide).
    assert all(s.startswith("Ctrl+") or s in ("F1",) for s in shortcuts), shortcuts


def test_text_context_menu_is_vietnamese_with_shortcuts(
    translated: vi.VietnameseTranslator, qtbot: QtBot
) -> None:
    edit = QLineEdit("chữ")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    menu.deleteLater()
    assert any(t.startswith("&Hoàn tác") and "Ctrl+Z" in t for t in texts), texts
    assert any(t.startswith("&Dán") and "Ctrl+V" in t for t in texts), texts
    assert any(t.startswith("Chọn tất cả") and "Ctrl+A" in t for t in texts), texts
    # no bare "Z", "X", "C", "V", "A" after the tab
    assert all(len(t.split("\t")[-1]) != 1 for t in texts), texts


def test_file_dialog_headers_are_named(translated: vi.VietnameseTranslator) -> None:
    model = QFileSystemModel()
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)]
    assert headers == ["Tên", "Kích thước", "Loại", "Ngày sửa"]
