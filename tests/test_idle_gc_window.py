"""The main window's first showing tells the idle collector that start-up is over
(ui/main_window.py → ui/idle_gc.window_shown, issue 24)."""

from __future__ import annotations

import gc

from PySide6.QtWidgets import QApplication

from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui import idle_gc
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow


def test_first_showing_freezes_start_up(qtbot, qapp: QApplication, db) -> None:
    ctx = AppContext(db, SYSTEM)
    collector = idle_gc.install(qapp)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        assert gc.get_freeze_count() == 0
        window.show()
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=5_000)
        ctx.worker.wait()
    finally:
        collector.uninstall()
    assert gc.get_freeze_count() == 0


def test_frame_shown_before_the_database_freezes_only_once_filled(
    qtbot, qapp: QApplication, db
) -> None:
    """The app shows the window's frame before the database layer is imported
    (kcdesk/app.py): start-up is over only when ``attach`` has filled it, so what the
    database layer made is frozen too, not left to the first section's collection."""
    collector = idle_gc.install(qapp)
    try:
        frame = MainWindow()
        qtbot.addWidget(frame)
        frame.show()
        for _ in range(3):
            qapp.processEvents()
        assert gc.get_freeze_count() == 0
        ctx = AppContext(db, SYSTEM)
        frame.attach(ctx)
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=5_000)
        ctx.worker.wait()
    finally:
        collector.uninstall()
    assert gc.get_freeze_count() == 0
