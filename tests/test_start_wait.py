"""Waiting for a server at start-up keeps the window's frame alive (ui/start_wait.py):
the work runs on a thread of its own while the event loop turns; its result or its
error comes back on the interface thread; the frame closed meanwhile ends the start."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kcdesk.models.db import open_database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow
from kcdesk.ui.start_wait import run_responsive


def test_events_are_handled_while_the_work_runs(qapp: QApplication) -> None:
    """The work waits for a timer of the interface thread: without the loop turning
    meanwhile it would wait out its 5 s and say so."""
    fired = threading.Event()
    QTimer.singleShot(0, fired.set)
    caller = threading.get_ident()

    def work() -> tuple[bool, bool]:
        return fired.wait(5), threading.get_ident() != caller

    assert run_responsive(work) == (True, True)


def test_the_works_error_is_raised_on_the_interface_thread(qapp: QApplication) -> None:
    class Refused(Exception):
        pass

    def work() -> None:
        raise Refused("máy chủ không trả lời")

    with pytest.raises(Refused, match="máy chủ không trả lời"):
        run_responsive(work)
    assert [t.name for t in threading.enumerate() if t.name == "kcdesk-start-wait"] == []


def test_the_frames_menus_wait_for_the_database(qtbot, db) -> None:
    frame = MainWindow()
    qtbot.addWidget(frame)
    assert not frame.menuBar().isEnabled()
    ctx = AppContext(db, SYSTEM)
    frame.attach(ctx)
    assert frame.menuBar().isEnabled()
    ctx.worker.wait()


@pytest.mark.sqlite_only  # one SQLite file of its own; the start's paths, not the engine
def test_frame_closed_while_the_server_is_awaited_ends_the_start(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk import app
    from kcdesk.ui import crash, main_window

    database = open_database(tmp_path / "máy chủ.sqlite", create=True)
    frames: list[MainWindow] = []
    attached: list[MainWindow] = []
    show, attach = main_window.MainWindow.show_initial, main_window.MainWindow.attach

    def record_show(self: MainWindow) -> None:
        frames.append(self)
        show(self)

    def record_attach(self: MainWindow, *args: Any, **kwargs: Any) -> None:
        attached.append(self)
        attach(self, *args, **kwargs)

    closed = threading.Event()

    def close_the_frame() -> None:
        frames[0].close()  # the user, tired of waiting
        closed.set()

    def slow_server(*_a: Any) -> tuple[Any, bool, bool]:
        QTimer.singleShot(0, close_the_frame)
        # The server answers only after the frame was closed: the loop had to turn.
        return run_responsive(lambda: (closed.wait(5), (database, False, False))[1])

    monkeypatch.setattr(main_window.MainWindow, "show_initial", record_show)
    monkeypatch.setattr(main_window.MainWindow, "attach", record_attach)
    monkeypatch.setattr(crash, "install_excepthook", lambda: None)
    monkeypatch.setattr(app, "_open_start_database", slow_server)
    assert app._run_gui(qapp, None, False, SYSTEM) == 0
    assert closed.is_set() and len(frames) == 1 and attached == []
    QApplication.sendPostedEvents(None, 0)
    assert not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]
