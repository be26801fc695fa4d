"""Closing the main window without "Not responding" (đóng chương trình).

Closing used to block the UI thread until the worker's queue was empty: with a
PDF or an export still running, Windows greyed the window out and offered to end
the program. Now the close is postponed while work runs, with the event loop
alive: the window says what it is finishing and closes itself when the worker is
idle, or after ``WAIT_MS`` at most. The automatic backup is not waited for beyond
that bound (``kcdesk.ui.background_lane``).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow

from kcdesk.ui.app_context import AppContext

WAIT_MS = 20_000
MESSAGE = "Đang hoàn tất công việc đang chạy; kcdesk sẽ tự đóng khi xong…"


class CloseGuard:
    """Decides whether a close may go ahead now; otherwise closes later by itself."""

    def __init__(self, window: QMainWindow, ctx: AppContext, wait_ms: int = WAIT_MS) -> None:
        self.window, self.ctx, self.wait_ms = window, ctx, wait_ms
        self.waiting = False
        self._forced = False
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._force)

    def busy(self) -> bool:
        return self.ctx.worker.busy or self.ctx.background.busy

    def allow(self, event: QCloseEvent) -> bool:
        """True: close now. False: the event is ignored and the window closes later."""
        if self._forced or not self.busy():
            return True
        event.ignore()
        if not self.waiting:
            self.waiting = True
            self.window.statusBar().showMessage(MESSAGE)
            # No new work while finishing; the status bar stays readable.
            for part in (self.window.centralWidget(), self.window.menuBar()):
                if part is not None:
                    part.setEnabled(False)
            self.ctx.worker.busy_changed.connect(self._maybe_close)
            self.ctx.background.busy_changed.connect(self._maybe_close)
            self._timer.start(self.wait_ms)
        return False

    def _maybe_close(self, busy: bool) -> None:
        if not busy and not self.busy():
            self._force()

    def _force(self) -> None:
        if self._forced:
            return
        self._forced = True
        # The window may be gone already (deleted while its worker finished; seen in
        # the tests, where windows are deleted at teardown): nothing left to close.
        if not shiboken6.isValid(self.window) or not shiboken6.isValid(self._timer):
            return
        self._timer.stop()
        self.window.close()
