"""Windows and dialogs fit a small screen (issue 20 §4, issue 26 §4): 1366×768 with a
taskbar, and 1920×1080 at 150 % scaling (some 1280×680 logical pixels)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot
from reportlab.pdfgen import canvas

from kcdesk.models.db import Database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui import screen_fit
from kcdesk.ui.app_context import AppContext

SCREENS = {
    "1366x768": QRect(0, 0, 1366, 768 - 40),
    "1366x768@150%": QRect(0, 0, 910, 512 - 27),
}


@pytest.fixture(params=sorted(SCREENS))
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QRect:
    area = SCREENS[request.param]
    monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: area)
    return area


def _inside(window: QWidget, area: QRect, *, buttons: bool = True) -> None:
    frame = window.frameGeometry()
    assert area.contains(frame), (window.objectName(), frame, area)
    assert window.width() + screen_fit.FRAME.width() <= area.width()
    assert window.height() + screen_fit.FRAME.height() <= area.height()
    for button in window.findChildren(QAbstractButton) if buttons else []:
        if button.isVisibleTo(window):
            top_left = button.mapTo(window, button.rect().topLeft())
            rect = QRect(top_left, button.size())
            assert window.rect().contains(rect), (button.text(), rect, window.rect())


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "thử.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(100, 750, "trang 1")
    c.save()
    return path


def test_print_preview_fits(screen: QRect, qtbot: QtBot, tmp_path: Path) -> None:
    from kcdesk.ui.pdf_preview import show_pdf

    dialog = show_pdf(None, _pdf(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.height() <= screen.height() - screen_fit.FRAME.height()
    _inside(dialog, screen)
    dialog.close()


def test_wizard_fits(screen: QRect, db: Database, qtbot: QtBot) -> None:
    from kcdesk.ui.wizard import open_proposal_wizard

    wizard = open_proposal_wizard(AppContext(db, SYSTEM), None)
    qtbot.addWidget(wizard)
    assert wizard.height() <= screen.height() - screen_fit.FRAME.height()
    _inside(wizard, screen)
    finish = wizard.button(wizard.WizardButton.NextButton)
    assert finish.isVisibleTo(wizard)


def test_main_window_fits_and_opens_maximised_then_at_last_size(
    screen: QRect, db: Database, qtbot: QtBot
) -> None:
    from kcdesk.ui.main_window import MainWindow

    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.width() <= screen.width() and window.height() <= screen.height()
    window.show_initial()
    assert window.isMaximized()
    window.showNormal()
    window.resize(700, 400)
    window.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show_initial()
    assert not again.isMaximized() and (again.width(), again.height()) == (700, 400)
    # a section larger than the window scrolls inside it (no button check)
    _inside(again, screen, buttons=False)


def test_register_main_columns_fit_a_1366_laptop(
    db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk.services.proposals import register_query as rq
    from kcdesk.ui.main_window import MainWindow

    area = SCREENS["1366x768"]
    monkeypatch.setattr(screen_fit, "available_geometry", lambda widget=None: area)
    window = MainWindow(AppContext(db, SYSTEM))
    qtbot.addWidget(window)
    window.resize(1366 - screen_fit.FRAME.width(), 768 - 40 - screen_fit.FRAME.height())
    window.show()
    qtbot.waitExposed(window)
    table = window.show_section("proposals").table
    header = table.horizontalHeader()
    keys = list(rq.COLUMN_KEYS)
    for key in ("code", "title", "facility", "status", "support"):
        column = keys.index(key)
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert header.sectionViewportPosition(column) >= 0, key
        assert right <= table.viewport().width(), (key, right, table.viewport().width())
