"""Cold start (issue 24): the main window's frame is shown before the database is
opened and filled after the log-in (``MainWindow.attach``). The filled window is the
one ``MainWindow(ctx)`` builds; every way a start ends early takes the frame away."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kcdesk.models.db import Database, DatabaseError, open_database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow


def _looks(window: MainWindow) -> dict[str, Any]:
    """What the user sees of a window: title, navigation, menus, status bar, section."""
    actions = [
        (a.objectName(), a.text(), a.isEnabled(), a.shortcut().toString())
        for a in window.findChildren(QAction)
    ]
    return {
        "title": window.windowTitle(),
        "nav": [window.nav.item(i).text() for i in range(window.nav.count())],
        "row": window.nav.currentRow(),
        "menus": [a.text() for a in window.menuBar().actions()],
        "actions": sorted(actions),
        "status": sorted(label.text() for label in window.statusBar().findChildren(QLabel)),
        "section": window.current_section_key(),
        "built": {key: type(widget).__name__ for key, widget in window._built.items()},
        "pages": window.stack.count(),
        "current": type(window.stack.currentWidget()).__name__,
    }


@pytest.mark.parametrize("demo", [False, True])
def test_frame_filled_is_the_window_built_at_once(qtbot, db: Database, demo: bool) -> None:
    whole = MainWindow(AppContext(db, SYSTEM), demo=demo)
    qtbot.addWidget(whole)
    frame = MainWindow()  # the start shows it before it knows the database is the demo
    qtbot.addWidget(frame)
    assert frame._built == {} and frame.statusBar().findChildren(QLabel) == []
    assert frame.windowTitle() == "kcdesk — Bàn làm việc khuyến công"
    # Where the section will be, the frame says the data is being opened.
    waiting = frame.stack.currentWidget()
    assert isinstance(waiting, QLabel) and waiting.text() == "Đang mở dữ liệu…"
    ctx = AppContext(db, SYSTEM)
    frame.attach(ctx, demo=demo)
    assert _looks(frame) == _looks(whole)
    assert frame.stack.currentWidget() is not waiting
    assert frame.ctx is ctx and frame.demo is demo
    whole.ctx.worker.wait()
    ctx.worker.wait()


def test_an_unfilled_frame_closes_without_a_database(qtbot) -> None:
    frame = MainWindow()
    qtbot.addWidget(frame)
    frame.show()
    frame.nav.setCurrentRow(2)  # nothing is built without a database
    assert frame._built == {}
    assert frame.close()


@pytest.fixture
def started(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``app._run_gui`` with the database given and the frames it shows recorded."""
    from kcdesk import app
    from kcdesk.ui import crash, main_window

    seen: dict[str, Any] = {"shown": [], "attached": [], "db": None}
    database = open_database(tmp_path / "khởi động.sqlite", create=True)
    seen["db"] = database
    show, attach = main_window.MainWindow.show_initial, main_window.MainWindow.attach

    def record_show(self: MainWindow) -> None:
        seen["shown"].append(self)
        show(self)

    def record_attach(self: MainWindow, *args: Any, **kwargs: Any) -> None:
        seen["attached"].append(self)
        attach(self, *args, **kwargs)

    monkeypatch.setattr(main_window.MainWindow, "show_initial", record_show)
    monkeypatch.setattr(main_window.MainWindow, "attach", record_attach)
    monkeypatch.setattr(crash, "install_excepthook", lambda: None)
    monkeypatch.setattr(app, "_open_start_database", lambda *_a: (database, False, False))
    return seen


def _frames_left() -> list[MainWindow]:
    QApplication.sendPostedEvents(None, 0)  # deleteLater of the discarded frame
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


@pytest.mark.sqlite_only  # one SQLite file of its own; the paths, not the engine
def test_start_fills_the_frame_it_showed(
    qapp, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from kcdesk import app

    monkeypatch.setenv("KCDESK_EXIT_AFTER_SHOW", "1")
    with caplog.at_level(logging.INFO, logger="kcdesk.app"):
        assert app._run_gui(qapp, None, False, SYSTEM) == 0
    assert len(started["shown"]) == 1
    assert started["attached"] == started["shown"]  # the frame itself, filled once
    window = started["shown"][0]
    assert window.attached and window.ctx.db is started["db"]
    assert "main window shown" in caplog.messages
    assert _frames_left() == []


class _Refusing(QWidget):
    """A top-level window that will not close (one still finishing its work)."""

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()


@pytest.mark.sqlite_only
def test_a_window_that_will_not_close_does_not_keep_the_start_running(
    qapp, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The smoke test's "show, then leave" ends the event loop itself: a quit request
    is dropped when any top-level window refuses to close, and the start then ran on
    for ever (the CI run that hung at this file)."""
    from kcdesk import app

    other = _Refusing()
    other.show()
    # Had the loop not ended, this ends it with a code the assertion below refuses.
    stop = QTimer()
    stop.setSingleShot(True)
    stop.timeout.connect(lambda: qapp.exit(99))
    stop.start(10_000)
    monkeypatch.setenv("KCDESK_EXIT_AFTER_SHOW", "1")
    try:
        assert app._run_gui(qapp, None, False, SYSTEM) == 0
        assert started["attached"] == started["shown"]
        assert other.isVisible() and _frames_left() == []
    finally:
        stop.stop()
        other.hide()
        other.deleteLater()


@pytest.mark.sqlite_only
def test_cancelled_log_in_takes_the_frame_away(
    qapp, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from kcdesk import app

    monkeypatch.setattr(app, "_log_in", lambda *_a: None)
    with caplog.at_level(logging.INFO, logger="kcdesk.app"):
        assert app._run_gui(qapp, None, False, SYSTEM) == 0
    assert len(started["shown"]) == 1 and started["attached"] == []
    assert "main window shown" not in caplog.messages
    assert _frames_left() == []


@pytest.mark.sqlite_only
def test_audit_key_quit_takes_the_frame_away(
    qapp, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk import app
    from kcdesk.ui import audit_key_dialog

    monkeypatch.setattr(audit_key_dialog, "ask_for_key", lambda *_a, **_k: audit_key_dialog.QUIT)
    assert app._run_gui(qapp, None, False, SYSTEM) == 0
    assert len(started["shown"]) == 1 and started["attached"] == []
    assert _frames_left() == []


@pytest.mark.sqlite_only
def test_cancelled_opening_takes_the_frame_away(
    qapp, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first-run choice or the server form cancelled: the start ends, no window."""
    from kcdesk import app

    monkeypatch.setattr(app, "_open_start_database", lambda *_a: None)
    assert app._run_gui(qapp, None, False, SYSTEM) == 0
    assert len(started["shown"]) == 1 and started["attached"] == []
    assert _frames_left() == []
    started["db"].dispose()


@pytest.mark.sqlite_only
def test_restore_declined_takes_the_frame_away(
    qapp, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk import app

    offered: list[str] = []

    def broken(*_a: Any) -> None:
        raise DatabaseError("hỏng")

    monkeypatch.setattr(app, "_open_start_database", broken)
    monkeypatch.setattr(app, "_offer_restore", lambda _p, exc: offered.append(str(exc)))
    assert app._run_gui(qapp, None, False, SYSTEM) == 2
    assert offered == ["hỏng"]
    assert len(started["shown"]) == 1 and started["attached"] == []
    assert _frames_left() == []
    started["db"].dispose()


@pytest.mark.sqlite_only
def test_restored_database_fills_the_frame(
    qapp, started: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk import app

    def broken(*_a: Any) -> None:
        raise DatabaseError("hỏng")

    monkeypatch.setenv("KCDESK_EXIT_AFTER_SHOW", "1")
    monkeypatch.setattr(app, "_open_start_database", broken)
    monkeypatch.setattr(app, "_offer_restore", lambda _p, _exc: started["db"])
    assert app._run_gui(qapp, None, False, SYSTEM) == 0
    assert started["attached"] == started["shown"] and len(started["shown"]) == 1
